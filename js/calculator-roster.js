// The calculator's first panel, "1. Roster": a CSV file chosen with the file picker or dropped on
// the panel (or the district's own files, up to three, CSV or .xlsx), or the synthetic sample
// roster, read on this device (nothing is uploaded), named for the person using it and handed to
// the calculator. A roster is kept as its file, read as a stream when it is evaluated (so a file
// larger than memory could hold whole still evaluates), with its first megabyte for its header.
import { el } from './dom.js';
import { count } from './money.js';
import { sampleRoster } from './sample-roster.js';

/** As much of a roster's start as its header is looked for in (calculator-columns.js). */
const HEAD_BYTES = 1 << 20;

/** A roster as the calculator keeps it: `{ file, head, name }`, the file (a Blob), its first bytes and its name. */
export const rosterOf = async (file, name) => ({ file, head: await file.slice(0, HEAD_BYTES).arrayBuffer(), name });

/** A roster given as text, as the calculator keeps rosters. */
export const rosterFromText = (text, name) => rosterOf(new Blob([text], { type: 'text/csv' }), name);

/** The media type of an .xlsx workbook. */
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export class RosterPanel {
  #onFiles;
  #name = el('p', { class: 'hint', id: 'roster-name', text: 'No roster loaded yet.' });
  #onRoster;

  /**
   * `onRoster(roster, { sample })` receives each roster loaded, `{ file, head, name }` (see
   * rosterOf), and whether it is the sample roster; `onFiles(files)` the district's files, `[{ bytes, name }]`.
   */
  constructor(onRoster, onFiles) {
    this.#onRoster = onRoster;
    this.#onFiles = onFiles;
    const drop = el('div', { class: 'drop', id: 'drop' },
      el('label', { for: 'file', text: 'Roster CSV file, or the district\'s files (read on this device, never uploaded)' }),
      el('input', { id: 'file', type: 'file', multiple: true, accept: `.csv,text/csv,.xlsx,${XLSX_TYPE}`, onchange: (e) => this.#loadFiles(e.target.files) }),
      el('p', { class: 'hint', text: 'Or drop them here. One roster: student id, pre- and post-test scores, minutes, weeks; optional grade, group (T/C), school and subgroup columns. Or up to three of the district\'s own exports, CSV or .xlsx: the usage export, the scores export and the student file, joined here. Your files\' own column names are matched once they are chosen.' }));
    drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
    drop.addEventListener('dragleave', () => drop.classList.remove('over'));
    drop.addEventListener('drop', (e) => {
      e.preventDefault();
      drop.classList.remove('over');
      this.#loadFiles(e.dataTransfer.files);
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

  /** One CSV file is a roster; two or three files, or a workbook, are the district's files. */
  async #loadFiles(list) {
    const files = [...(list ?? [])];
    if (!files.length) return;
    if (files.length > 3) {
      this.#name.textContent = `${files.length} files were given: give one roster, or at most three district files (usage, scores, students).`;
      return;
    }
    const named = (f) => `${f.name} (${count(f.size)} bytes)`;
    if (files.length === 1 && !/\.xlsx$/i.test(files[0].name)) {
      this.#loaded(await rosterOf(files[0], named(files[0])), false);
      return;
    }
    // The district's files are joined whole (each at most 256 MB).
    const loaded = await Promise.all(files.map(async (f) => ({ bytes: await f.arrayBuffer(), name: named(f) })));
    this.#name.textContent = `Loaded: ${loaded.map((f) => f.name).join('; ')}.`;
    this.#onFiles(loaded);
  }

  async #loadSample() {
    const csv = sampleRoster();
    this.#loaded(await rosterFromText(csv, `synthetic sample roster (${count(csv.split('\n').length - 2)} students, 12 schools, grades K-5)`), true);
  }

  #loaded(roster, sample) {
    this.#name.textContent = `Loaded: ${roster.name}.`;
    this.#onRoster(roster, { sample });
  }
}
