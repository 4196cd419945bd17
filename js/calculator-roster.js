// The calculator's first panel, "1. Roster": a CSV file chosen with the file picker or dropped on
// the panel, or the synthetic sample roster, read on this device into bytes (nothing is uploaded),
// named for the person using it and handed to the calculator.
import { el } from './dom.js';
import { count } from './money.js';
import { sampleRoster } from './sample-roster.js';

/** A roster given as text, as the calculator keeps rosters: `{ bytes, name }`. */
export const rosterFromText = (text, name) => ({ bytes: new TextEncoder().encode(text).buffer, name });

export class RosterPanel {
  #name = el('p', { class: 'hint', id: 'roster-name', text: 'No roster loaded yet.' });
  #onRoster;

  /**
   * `onRoster(roster, { sample })` receives each roster loaded, `{ bytes: ArrayBuffer, name }`, and
   * whether it is the sample roster.
   */
  constructor(onRoster) {
    this.#onRoster = onRoster;
    const drop = el('div', { class: 'drop', id: 'drop' },
      el('label', { for: 'file', text: 'Roster CSV file (read on this device, never uploaded)' }),
      el('input', { id: 'file', type: 'file', accept: '.csv,text/csv', onchange: (e) => this.#loadFile(e.target.files[0]) }),
      el('p', { class: 'hint', text: 'Or drop the file here. Columns: student id, pre- and post-test scores, minutes, weeks; optional grade, group (T/C), school and subgroup columns. Your file\'s own column names are matched to these once it is chosen.' }));
    drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
    drop.addEventListener('dragleave', () => drop.classList.remove('over'));
    drop.addEventListener('drop', (e) => {
      e.preventDefault();
      drop.classList.remove('over');
      if (e.dataTransfer.files[0]) this.#loadFile(e.dataTransfer.files[0]);
    });
    /** The panel, to be placed in the calculator's shadow root. */
    this.element = el('section', { class: 'panel', 'aria-labelledby': 'roster-h' },
      el('h2', { id: 'roster-h', text: '1. Roster' }),
      drop,
      el('div', { class: 'row' },
        el('button', { type: 'button', id: 'sample', onclick: () => this.#loadSample(), text: 'Try sample data' }),
        this.#name),
      el('p', { class: 'privacy', text: 'Privacy: the roster is read and evaluated by WebAssembly inside this browser. No request carries it anywhere.' }));
  }

  async #loadFile(file) {
    if (!file) return;
    this.#loaded({ bytes: await file.arrayBuffer(), name: `${file.name} (${count(file.size)} bytes)` }, false);
  }

  #loadSample() {
    const csv = sampleRoster();
    this.#loaded(rosterFromText(csv, `synthetic sample roster (${count(csv.split('\n').length - 2)} students, 12 schools, grades K-5)`), true);
  }

  #loaded(roster, sample) {
    this.#name.textContent = `Loaded: ${roster.name}.`;
    this.#onRoster(roster, { sample });
  }
}
