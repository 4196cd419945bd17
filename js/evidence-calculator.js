// <evidence-calculator contract="contract.json">: the whole outcomes-based-contract calculator as
// one element. A roster is read on this device (file picker, drag and drop, or synthetic sample
// data) and evaluated in a Web Worker; nothing is uploaded. Charts appear when Chart.js (its UMD
// build, global `Chart`) is loaded on the page; the same numbers are always in tables too.
import { sampleRoster, sampleContract } from './sample-roster.js';
import { parseDollars, formatDollars, money, count } from './money.js';
import { el, setPath } from './dom.js';
import { EvidenceWorkerClient } from './evidence-worker-client.js';
import { ResultsView } from './calculator-results.js';

// The stylesheet is a file beside this module, so that the published package, the demo and a
// bundler (which copies what `new URL(…, import.meta.url)` names) all find it. A <link> loads it, so
// that the page's load event waits for it as for the page's own stylesheets. Once loaded, its rules
// become one constructed stylesheet that every calculator on the page adopts, and the link goes:
// accessibility checkers (axe-core) re-create a shadow root's <link> as inline style, which a
// Content-Security-Policy without 'unsafe-inline' refuses.
const STYLESHEET_URL = new URL('./evidence-calculator.css', import.meta.url).href;
let stylesheet = null; // constructed from the first calculator's link

/** Styles a shadow root with the calculator's stylesheet; resolves once it applies (or fails to load). */
function adoptStylesheet(root) {
  if (stylesheet) {
    root.adoptedStyleSheets = [stylesheet];
    return Promise.resolve();
  }
  const link = el('link', { rel: 'stylesheet', href: STYLESHEET_URL });
  root.prepend(link);
  return new Promise((resolve) => {
    link.addEventListener('error', () => resolve());
    link.addEventListener('load', () => {
      try {
        if (!stylesheet) {
          const sheet = new CSSStyleSheet();
          sheet.replaceSync(Array.from(link.sheet.cssRules, (rule) => rule.cssText).join('\n'));
          stylesheet = sheet;
        }
        root.adoptedStyleSheets = [stylesheet];
        link.remove();
      } catch {
        // Served from another origin without CORS, its rules cannot be read: the link stays.
      }
      resolve();
    });
  });
}

const dollars = formatDollars;

let uid = 0;

export class EvidenceCalculator extends HTMLElement {
  static observedAttributes = ['contract'];
  #worker;
  #roster = null; // { bytes: ArrayBuffer, name }
  #results = new ResultsView();

  constructor() {
    super();
    this.id ||= `evidence-calculator-${++uid}`;
    const root = this.attachShadow({ mode: 'open' });
    /** The last evaluation, as `evaluateContract` returned it. */
    this.result = null;
    root.append(this.#build());
    const styled = adoptStylesheet(root);
    // Until a contract is preloaded, the form holds the sample's terms without its roster-specific
    // parts (school clustering, subgroup columns), so that any roster with the required columns works.
    this.#fill({ ...sampleContract, assignedBy: 'student', subgroupColumns: [] });
    let workerReady;
    const workerStarted = new Promise((resolve) => { workerReady = resolve; });
    this.#worker = new EvidenceWorkerClient({
      ready: () => workerReady(),
      progress: (fraction) => { this.#results.progress = fraction; },
      result: (result) => this.#showResult(result),
      error: (error) => this.#showRefusal(error),
      unavailable: (error) => {
        this.#finish();
        this.#results.showErrors(error);
      },
    });
    /** Resolves when the stylesheet, the worker and its WebAssembly are loaded (no further request is needed). */
    this.ready = Promise.all([styled, workerStarted]).then(() => {});
  }

  connectedCallback() {
    // Start the worker (and the WebAssembly in it) now, so that no request is made once a roster is loaded.
    this.#worker.start();
    this.#preload();
  }

  disconnectedCallback() {
    this.#worker.stop();
  }

  attributeChangedCallback() {
    if (this.isConnected) this.#preload();
  }

  $(selector) {
    return this.shadowRoot.querySelector(selector);
  }

  async #preload() {
    const url = this.getAttribute('contract');
    if (!url) return;
    try {
      const response = await fetch(new URL(url, document.baseURI), { credentials: 'omit' });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      this.#fill(await response.json());
      this.#results.say(`Contract loaded from ${url}.`);
    } catch (e) {
      this.#results.say(`The contract at ${url} could not be loaded (${e.message}); the form shows the sample contract.`);
    }
  }

  // ------------------------------------------------------------------ building the form

  #build() {
    const frag = document.createDocumentFragment();
    const rosterPanel = el('section', { class: 'panel', 'aria-labelledby': 'roster-h' },
      el('h2', { id: 'roster-h', text: '1. Roster' }),
      el('div', { class: 'drop', id: 'drop' },
        el('label', { for: 'file', text: 'Roster CSV file (read on this device, never uploaded)' }),
        el('input', { id: 'file', type: 'file', accept: '.csv,text/csv', onchange: (e) => this.#loadFile(e.target.files[0]) }),
        el('p', { class: 'hint', text: 'Or drop the file here. Columns: student_id, pre, post, minutes, weeks; optional grade, group (T/C), school and subgroup columns.' })),
      el('div', { class: 'row' },
        el('button', { type: 'button', id: 'sample', onclick: () => this.#loadSample() , text: 'Try sample data' }),
        el('p', { class: 'hint', id: 'roster-name', text: 'No roster loaded yet.' })),
      el('p', { class: 'privacy', text: 'Privacy: the roster is read and evaluated by WebAssembly inside this browser. No request carries it anywhere.' }));
    const drop = rosterPanel.querySelector('#drop');
    drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
    drop.addEventListener('dragleave', () => drop.classList.remove('over'));
    drop.addEventListener('drop', (e) => {
      e.preventDefault();
      drop.classList.remove('over');
      if (e.dataTransfer.files[0]) this.#loadFile(e.dataTransfer.files[0]);
    });

    const field = (id, labelText, input, { wide = false, hint } = {}) => {
      input.id = id;
      const hintId = hint ? `${id}-hint` : null;
      if (hintId) input.setAttribute('aria-describedby', hintId);
      return el('div', { class: `field${wide ? ' wide' : ''}` }, el('label', { for: id, text: labelText }), input,
        hint ? el('p', { class: 'hint', id: hintId, text: hint }) : null);
    };
    const text = (path, attrs = {}) => el('input', { type: 'text', 'data-path': path, ...attrs });
    const money$ = (path) => el('input', { type: 'text', inputmode: 'decimal', 'data-path': path, 'data-kind': 'dollars', autocomplete: 'off' });
    const number = (path, attrs = {}) => el('input', { type: 'number', step: 'any', 'data-path': path, ...attrs });
    const select = (path, options) => el('select', { 'data-path': path }, ...options.map(([v, t]) => el('option', { value: v, text: t })));

    const form = el('form', { class: 'panel', id: 'contract', 'aria-labelledby': 'contract-h', novalidate: true },
      el('h2', { id: 'contract-h', text: '2. Contract' }),
      el('fieldset', {}, el('legend', { text: 'Contract' }),
        el('div', { class: 'row' },
          field('productName', 'Product', text('productName'), { wide: true }),
          field('vendor', 'Vendor', text('vendor'), { wide: true }),
          field('contractId', 'Contract id', text('id')),
          field('period', 'Period', text('period', { placeholder: '2025-26' })))),
      el('fieldset', {}, el('legend', { text: 'Base payment (dollars)' }),
        el('div', { class: 'row' },
          field('baseFee', 'Base fee, paid once', money$('baseFeeCents')),
          field('perStudentBase', 'Per enrolled student', money$('perStudentBaseCents')))),
      el('fieldset', {}, el('legend', { text: 'Growth metric' }),
        el('div', { class: 'row' },
          field('metricKind', 'Metric', select('metric.kind', [['gain', 'Gain (post − pre)'], ['normalizedGain', 'Normalized gain'],
            ['percentOfTypical', 'Percent of typical growth'], ['growthIndex', 'Growth index (z-score)'], ['postScore', 'Post-test score (cut score)']])),
          field('maxScore', 'Maximum score', number('metric.maxScore'), { hint: 'For normalized gain.' }),
          field('norms', 'Norms by grade (JSON)', el('textarea', { 'data-path': 'metric.norms', 'data-kind': 'json' }),
            { wide: true, hint: 'For percent of typical: [{"grade":3,"typicalGrowth":12,"weeks":30}]. For growth index: [{"grade":3,"mean":10,"sd":6}].' }))),
      el('fieldset', { id: 'card' }, el('legend', { text: 'Payment card' }),
        el('p', { class: 'hint', text: 'Each at-fidelity student earns the highest tier reached (metric at least the threshold).' }),
        el('div', { id: 'tiers' }),
        el('button', { type: 'button', id: 'add-tier', onclick: () => this.#addTier({ label: '', atLeast: '', centsPerStudent: null }), text: 'Add a tier' })),
      el('fieldset', {}, el('legend', { text: 'Fidelity and accountability' }),
        el('div', { class: 'row' },
          field('minMinutes', 'Minimum minutes per week', number('fidelity.minMinutesPerWeek', { min: 0 })),
          field('minWeeks', 'Minimum weeks', number('fidelity.minWeeks', { min: 0 })),
          field('belowFidelity', 'Students below fidelity', select('belowFidelity', [['baseOnly', 'Base payment only'], ['fullOutcome', 'Paid the top tier'], ['excluded', 'Not enrolled']])),
          field('obligation', 'District obligation: share at fidelity (%)', number('districtObligation.minShareAtFidelity', { min: 0, max: 100, 'data-kind': 'percent' }),
            { hint: 'Below it, the district pays in full. Blank: none.' }))),
      el('fieldset', {}, el('legend', { text: 'Penalty, cap and floor (dollars)' }),
        el('div', { class: 'row' },
          field('penalty', 'Penalty per declining student', money$('declinePenaltyCents')),
          field('cap', 'Cap (blank: none)', money$('capCents')),
          field('floor', 'Floor (blank: none)', money$('floorCents')))),
      el('fieldset', {}, el('legend', { text: 'Evidence and privacy' }),
        el('div', { class: 'row' },
          field('missingOutcome', 'Missing post-test', select('missingOutcome', [['exclude', 'Left out'], ['notMet', 'Counts as not met']])),
          field('minCell', 'Smallest published cell', number('minCellSize', { min: 5, max: 1000, step: 1 })),
          field('subgroups', 'Subgroup columns', text('subgroupColumns', { 'data-kind': 'list' }), { wide: true, hint: 'Comma-separated, e.g. grade, ell, iep.' })),
        el('div', { class: 'row' },
          field('assignedBy', 'Assignment', select('assignedBy', [['student', 'By student'], ['school', 'By school (clustered)']])),
          field('onBadRow', 'Bad rows', select('onBadRow', [['reject', 'Stop and list them'], ['skip', 'Leave them out and list them']])),
          el('div', { class: 'field check' }, el('input', { type: 'checkbox', id: 'randomized', 'data-path': 'randomized' }), el('label', { for: 'randomized', text: 'Randomly assigned' })))),
      el('div', { class: 'row' },
        el('button', { type: 'submit', class: 'primary', id: 'evaluate', text: 'Evaluate' }),
        el('button', { type: 'button', id: 'cancel', hidden: true, onclick: () => this.#cancel(), text: 'Cancel' })),
    );
    form.addEventListener('submit', (e) => { e.preventDefault(); this.#evaluate(); });
    form.querySelector('[data-path="metric.kind"]').addEventListener('change', () => this.#showMetricFields());

    frag.append(rosterPanel, form, this.#results.element);
    return frag;
  }

  #addTier(t) {
    const i = this.shadowRoot.querySelectorAll('.tier-row').length;
    const id = (n) => `tier-${n}-${i}-${Math.random().toString(36).slice(2, 7)}`;
    const row = el('div', { class: 'tier-row', role: 'group', 'aria-label': `Tier ${i + 1}` });
    const input = (name, labelText, attrs) => {
      const inputId = id(name);
      return el('div', { class: 'field' }, el('label', { for: inputId, text: labelText }), el('input', { id: inputId, 'data-tier': name, ...attrs }));
    };
    row.append(
      input('label', 'Tier label', { type: 'text', value: t.label }),
      input('atLeast', 'Metric at least', { type: 'number', step: 'any', value: t.atLeast }),
      input('cents', 'Dollars per student', { type: 'text', inputmode: 'decimal', 'data-kind': 'dollars', value: dollars(t.centsPerStudent) }),
      el('button', { type: 'button', class: 'remove', text: 'Remove', 'aria-label': `Remove tier ${i + 1}`, onclick: () => { row.remove(); this.#renumberTiers(); } }));
    this.$('#tiers').append(row);
    this.#renumberTiers();
  }

  #renumberTiers() {
    this.shadowRoot.querySelectorAll('.tier-row').forEach((row, i) => {
      row.setAttribute('aria-label', `Tier ${i + 1}`);
      row.querySelector('.remove').setAttribute('aria-label', `Remove tier ${i + 1}`);
      row.querySelector('[data-tier="label"]').dataset.path = `paymentCard[${i}].label`;
      row.querySelector('[data-tier="atLeast"]').dataset.path = `paymentCard[${i}].atLeast`;
      row.querySelector('[data-tier="cents"]').dataset.path = `paymentCard[${i}].centsPerStudent`;
    });
  }

  #showMetricFields() {
    const kind = this.$('[data-path="metric.kind"]').value;
    this.$('#maxScore').closest('.field').hidden = kind !== 'normalizedGain';
    this.$('#norms').closest('.field').hidden = !['percentOfTypical', 'growthIndex'].includes(kind);
  }

  /** Shows a contract in the form. */
  #fill(c) {
    const set = (path, value) => {
      const input = this.$(`[data-path="${path}"]`);
      if (!input) return;
      if (input.type === 'checkbox') input.checked = Boolean(value);
      else if (input.dataset.kind === 'dollars') input.value = dollars(value);
      else if (input.dataset.kind === 'percent') input.value = value == null ? '' : String(Math.round(value * 1000) / 10);
      else if (input.dataset.kind === 'json') input.value = value == null ? '' : JSON.stringify(value);
      else if (input.dataset.kind === 'list') input.value = (value ?? []).join(', ');
      else input.value = value ?? '';
    };
    for (const key of ['productName', 'vendor', 'id', 'period', 'baseFeeCents', 'perStudentBaseCents', 'belowFidelity', 'declinePenaltyCents', 'capCents',
      'floorCents', 'missingOutcome', 'minCellSize', 'subgroupColumns', 'randomized', 'assignedBy', 'onBadRow']) set(key, c[key]);
    set('metric.kind', c.metric?.kind ?? 'gain');
    set('metric.maxScore', c.metric?.maxScore);
    set('metric.norms', c.metric?.norms);
    set('fidelity.minMinutesPerWeek', c.fidelity?.minMinutesPerWeek);
    set('fidelity.minWeeks', c.fidelity?.minWeeks);
    set('districtObligation.minShareAtFidelity', c.districtObligation?.minShareAtFidelity);
    this.$('#tiers').replaceChildren();
    for (const t of c.paymentCard ?? []) this.#addTier(t);
    this.#showMetricFields();
  }

  /** Reads the form as a contract; problems of form entry are returned as `{ path, message }`. */
  contract() {
    const problems = [];
    const c = {};
    for (const input of this.shadowRoot.querySelectorAll('#contract [data-path]')) {
      if (input.closest('.field')?.hidden) continue;
      const path = input.dataset.path;
      let value;
      const raw = input.value.trim();
      if (input.type === 'checkbox') value = input.checked;
      else if (input.dataset.kind === 'dollars') {
        value = parseDollars(raw);
        if (Number.isNaN(value)) { problems.push({ path, message: 'Enter an amount in dollars, such as 670 or 670.50.' }); continue; }
      } else if (input.dataset.kind === 'percent') value = raw === '' ? null : Number(raw) / 100;
      else if (input.dataset.kind === 'json') {
        if (raw === '') value = null;
        else try { value = JSON.parse(raw); } catch { problems.push({ path, message: 'This is not valid JSON.' }); continue; }
      } else if (input.dataset.kind === 'list') value = raw === '' ? [] : raw.split(',').map((s) => s.trim()).filter(Boolean);
      else if (input.type === 'number') value = raw === '' ? null : Number(raw);
      else value = raw === '' ? null : raw;
      if (value == null) continue;
      setPath(c, path, value);
    }
    c.paymentCard ??= [];
    c.currency = 'USD';
    return { contract: c, problems };
  }

  // ------------------------------------------------------------------ rosters and running

  async #loadFile(file) {
    if (!file) return;
    this.#roster = { bytes: await file.arrayBuffer(), name: `${file.name} (${count(file.size)} bytes)` };
    this.$('#roster-name').textContent = `Loaded: ${this.#roster.name}.`;
    this.#evaluate();
  }

  #loadSample() {
    const csv = sampleRoster();
    this.#roster = { bytes: new TextEncoder().encode(csv).buffer, name: `synthetic sample roster (${count(csv.split('\n').length - 2)} students, 12 schools, grades K-5)` };
    this.$('#roster-name').textContent = `Loaded: ${this.#roster.name}.`;
    this.#fill(sampleContract);
    this.#evaluate();
  }

  /** Evaluates a roster given as text or bytes with the form's contract (also what the buttons do). */
  evaluate(roster, name = 'roster') {
    const bytes = typeof roster === 'string' ? new TextEncoder().encode(roster).buffer : roster;
    this.#roster = { bytes, name };
    this.#evaluate();
  }

  #evaluate() {
    if (!this.#roster) {
      this.#results.say('Load a roster first: choose a CSV file or try the sample data.');
      return;
    }
    const { contract, problems } = this.contract();
    this.#markFields([]);
    if (problems.length) {
      this.#results.showErrors({ code: 'invalidContract', message: 'Some contract fields need attention.', errors: problems });
      this.#markFields(problems);
      return;
    }
    this.#results.begin(`Evaluating ${this.#roster.name}…`);
    this.$('#cancel').hidden = false;
    this.$('#evaluate').disabled = true;
    this.#worker.evaluate(contract, this.#roster.bytes);
  }

  #cancel() {
    this.#worker.cancel();
    this.#finish();
    this.#results.progress = 0;
    this.#results.say('Evaluation cancelled.');
  }

  #finish() {
    this.$('#cancel').hidden = true;
    this.$('#evaluate').disabled = false;
  }

  #showResult(result) {
    this.#finish();
    this.result = result;
    this.#results.render(result);
    this.#results.say(`Evaluated: total payment ${money(result.payment.totalCents)}.`);
    this.dispatchEvent(new CustomEvent('evidence-calculator:result', { bubbles: true, composed: true, detail: result }));
  }

  #showRefusal(error) {
    this.#finish();
    this.result = null;
    this.#results.clear();
    this.#results.showErrors(error);
    this.#markFields(error.errors.filter((e) => e.path != null));
    this.#results.say('The roster was not evaluated: see the problems listed.');
  }

  #markFields(problems) {
    for (const input of this.shadowRoot.querySelectorAll('#contract [data-path]')) input.removeAttribute('aria-invalid');
    for (const p of problems) {
      const prefix = p.path.replace(/\.[^.[\]]+$/, '');
      const input = this.$(`[data-path="${p.path}"]`) ?? this.$(`[data-path="${prefix}"]`);
      input?.setAttribute('aria-invalid', 'true');
    }
  }
}

if (!customElements.get('evidence-calculator')) customElements.define('evidence-calculator', EvidenceCalculator);
