// <evidence-calculator contract="contract.json">: the whole outcomes-based-contract calculator as
// one element. A roster is read on this device (file picker, drag and drop, or synthetic sample
// data) and evaluated in a Web Worker; nothing is uploaded. Charts appear when Chart.js (its UMD
// build, global `Chart`) is loaded on the page; the same numbers are always in tables too.
import { sampleRoster, sampleContract } from './sample-roster.js';
import { parseDollars, formatDollars, money } from './money.js';
import { el, setPath } from './dom.js';
import { EvidenceWorkerClient } from './evidence-worker-client.js';

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

const count = (n) => new Intl.NumberFormat('en-US').format(n);
const pct = (x) => (x == null ? '—' : `${(x * 100).toFixed(1)}%`);
const num = (x, d = 2) => (x == null || !Number.isFinite(x) ? '—' : x.toFixed(d));
const dollars = formatDollars;

function table(caption, head, rows, { numeric = [] } = {}) {
  return el('table', {},
    el('caption', { text: caption }),
    el('thead', {}, el('tr', {}, ...head.map((h, i) => el('th', { scope: 'col', class: numeric.includes(i) ? 'num' : null, text: h })))),
    el('tbody', {}, ...rows.map((r) => el('tr', { class: r.className ?? null },
      ...r.cells.map((c, i) => (i === 0 && r.header !== false
        ? el('th', { scope: 'row', text: c })
        : el('td', { class: [numeric.includes(i) ? 'num' : '', r.cellClass?.[i] ?? ''].join(' ').trim() || null, text: c })))))));
}

let uid = 0;

export class EvidenceCalculator extends HTMLElement {
  static observedAttributes = ['contract'];
  #worker;
  #roster = null; // { bytes: ArrayBuffer, name }
  #charts = [];

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
      progress: (fraction) => { this.$('#progress').value = fraction; },
      result: (result) => this.#showResult(result),
      error: (error) => this.#showRefusal(error),
      unavailable: (error) => {
        this.#finish();
        this.#showErrors(error);
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
      this.#say(`Contract loaded from ${url}.`);
    } catch (e) {
      this.#say(`The contract at ${url} could not be loaded (${e.message}); the form shows the sample contract.`);
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

    const progress = el('section', { class: 'panel', 'aria-labelledby': 'run-h' },
      el('h2', { id: 'run-h', text: '3. Results' }),
      el('label', { for: 'progress', text: 'Evaluation progress' }),
      el('progress', { id: 'progress', max: 1, value: 0 }),
      el('p', { class: 'status', id: 'status', role: 'status', 'aria-live': 'polite', text: 'Load a roster to evaluate it.' }),
      el('div', { id: 'errors' }),
      el('div', { id: 'results' }));
    frag.append(rosterPanel, form, progress);
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
      this.#say('Load a roster first: choose a CSV file or try the sample data.');
      return;
    }
    const { contract, problems } = this.contract();
    this.#markFields([]);
    if (problems.length) {
      this.#showErrors({ code: 'invalidContract', message: 'Some contract fields need attention.', errors: problems });
      this.#markFields(problems);
      return;
    }
    this.$('#errors').replaceChildren();
    this.$('#progress').value = 0;
    this.$('#cancel').hidden = false;
    this.$('#evaluate').disabled = true;
    this.#say(`Evaluating ${this.#roster.name}…`);
    this.#worker.evaluate(contract, this.#roster.bytes);
  }

  #cancel() {
    this.#worker.cancel();
    this.#finish();
    this.$('#progress').value = 0;
    this.#say('Evaluation cancelled.');
  }

  #finish() {
    this.$('#cancel').hidden = true;
    this.$('#evaluate').disabled = false;
  }

  #showResult(result) {
    this.#finish();
    this.result = result;
    this.#render(result);
    this.#say(`Evaluated: total payment ${money(result.payment.totalCents)}.`);
    this.dispatchEvent(new CustomEvent('evidence-calculator:result', { bubbles: true, composed: true, detail: result }));
  }

  #showRefusal(error) {
    this.#finish();
    this.result = null;
    this.$('#results').replaceChildren();
    this.#showErrors(error);
    this.#markFields(error.errors.filter((e) => e.path != null));
    this.#say('The roster was not evaluated: see the problems listed.');
  }

  #say(text) {
    this.$('#status').textContent = text;
  }

  #markFields(problems) {
    for (const input of this.shadowRoot.querySelectorAll('#contract [data-path]')) input.removeAttribute('aria-invalid');
    for (const p of problems) {
      const prefix = p.path.replace(/\.[^.[\]]+$/, '');
      const input = this.$(`[data-path="${p.path}"]`) ?? this.$(`[data-path="${prefix}"]`);
      input?.setAttribute('aria-invalid', 'true');
    }
  }

  #showErrors(error) {
    const box = el('div', { class: 'errors', role: 'alert' }, el('h3', { text: error.message }));
    const rows = error.errors ?? [];
    if (rows.some((r) => r.line != null)) {
      box.append(table(`Rows with problems${error.errorCount > rows.length ? ` (first ${rows.length} of ${count(error.errorCount)})` : ''}`,
        ['Line', 'Column', 'Problem'], rows.map((r) => ({ cells: [String(r.line), r.column ?? '', r.message] }))));
    } else if (rows.length) {
      box.append(el('ul', {}, ...rows.map((r) => el('li', { text: r.path ? `${r.path}: ${r.message}` : r.message }))));
    }
    this.$('#errors').replaceChildren(box);
  }

  // ------------------------------------------------------------------ results

  #render(r) {
    for (const c of this.#charts) c.destroy();
    this.#charts = [];
    const out = [];
    const p = r.payment;
    const s = r.students;
    out.push(el('h3', { text: 'Payment' }),
      el('p', { class: 'big', id: 'total', text: money(p.totalCents) }),
      el('p', { class: 'hint', text: `Of a possible ${money(p.maximumCents)}; ${pct(p.contingentShare)} of that depends on outcomes.${p.districtObligationMet === false ? ' The district fell short of its fidelity obligation, so it pays in full.' : ''}` }));
    const adjustment = p.totalCents - Math.max(0, p.baseCents + p.outcomeCents - p.penaltyCents);
    const payRows = [
      { cells: ['Base', money(p.baseCents)] },
      { cells: ['Outcome payments', money(p.outcomeCents)] },
      { cells: ['Decline penalty', `−${money(p.penaltyCents)}`] },
      { cells: [p.capApplied ? 'Cap applied' : p.floorApplied ? 'Floor applied' : 'Cap or floor', adjustment === 0 ? money(0) : `${adjustment < 0 ? '−' : '+'}${money(Math.abs(adjustment))}`] },
      { cells: ['Total', money(p.totalCents)], className: 'total' },
    ];
    const grid1 = el('div', { class: 'grid' }, table('Payment breakdown', ['Part', 'Amount'], payRows, { numeric: [1] }));
    grid1.append(this.#chart('Payment breakdown chart', `Base ${money(p.baseCents)}, outcome ${money(p.outcomeCents)}, penalty ${money(p.penaltyCents)}, total ${money(p.totalCents)}.`, {
      type: 'bar',
      data: { labels: ['Base', 'Outcome', 'Penalty', 'Total'], datasets: [{ label: 'Dollars', data: [p.baseCents, p.outcomeCents, -p.penaltyCents, p.totalCents].map((c) => c / 100), backgroundColor: ['#5b7fa6', '#1d6b34', '#a4161a', '#0a3d73'] }] },
      options: { plugins: { legend: { display: false } } },
    }));
    out.push(grid1);

    out.push(el('h3', { text: 'Students' }), table('Students by status', ['Students', 'Count'], [
      { cells: ['Rows read', count(s.rows)] }, { cells: ['Comparison students', count(s.comparison)] },
      { cells: ['Enrolled', count(s.enrolled)] }, { cells: ['At fidelity', count(s.atFidelity)] },
      { cells: ['At fidelity with an outcome', count(s.withOutcome)] }, { cells: ['Missing post-test', count(s.missingOutcome)] },
      { cells: ['Met the target (lowest tier)', count(s.metTarget)] }, { cells: ['Declined', count(s.declined)] },
      ...s.byTier.map((t) => ({ cells: [`Tier "${t.label}" (at least ${t.atLeast}, ${money(t.centsPerStudent)} each)`, count(t.count)] })),
      { cells: ['Below every tier', count(s.belowAllTiers)] },
    ], { numeric: [1] }));

    const g = r.growth;
    const grid2 = el('div', { class: 'grid' });
    grid2.append(el('div', {}, el('h3', { text: 'Growth' }), table('Growth of at-fidelity students', ['Statistic', 'Value'], [
      { cells: ['Students', count(g.n)] }, { cells: ['Mean', num(g.mean)] }, { cells: ['Median', num(g.median)] }, { cells: ['Standard deviation', num(g.sd)] },
    ], { numeric: [1] })));
    grid2.append(el('div', {}, el('h3', { text: 'Growth distribution' }), this.#chart('Growth distribution chart',
      `Histogram of the metric for ${count(g.n)} students, mean ${num(g.mean)}.`, {
        type: 'bar',
        data: { labels: r.distribution.map((b) => `${num(b.from, 1)} to ${num(b.to, 1)}`), datasets: [{ label: 'Students', data: r.distribution.map((b) => b.count), backgroundColor: '#0b5cad' }] },
        options: { plugins: { legend: { display: false } }, scales: { x: { ticks: { maxRotation: 60 } } } },
      })));
    out.push(grid2);

    // The district's own view: every figure, and whether the published report shows it.
    const shown = (c) => (c.inReport ? 'Yes' : 'Withheld');
    const dose = r.doseResponse;
    const grid3 = el('div', { class: 'grid' });
    grid3.append(el('div', {}, el('h3', { text: 'Dose and response' }), table('Minutes per week and growth (enrolled students; the share is over those with an outcome)',
      ['Minutes per week', 'Students', 'Mean metric', 'Met target', 'In the report'],
      dose.map((c) => ({ cells: [c.value, count(c.n), num(c.meanMetric), pct(c.shareMetTarget), shown(c)], cellClass: [null, null, null, null, c.inReport ? null : 'suppressed'] })),
      { numeric: [1, 2, 3] })));
    grid3.append(el('div', {}, el('h3', { text: 'Dose-response chart' }), this.#chart('Dose-response chart',
      `Mean metric by minutes of use per week: ${dose.map((c) => `${c.value}: ${num(c.meanMetric)}`).join('; ')}.`, {
        type: 'bar',
        data: { labels: dose.map((c) => c.value), datasets: [{ label: 'Mean metric', data: dose.map((c) => c.meanMetric), backgroundColor: '#1d6b34' }] },
        options: { plugins: { legend: { display: false } }, scales: { x: { title: { display: true, text: 'Minutes per week' } } } },
      })));
    out.push(grid3);

    if (r.subgroups.length) {
      out.push(el('h3', { text: 'Subgroups' }), table(`Subgroups (enrolled students; the share is over those judged; values held by fewer than ${r.report.minCellSize} students are "(other)")`,
        ['Column', 'Value', 'Students', 'Met target', 'Mean metric', 'In the report'],
        r.subgroups.map((c) => ({ cells: [c.column, c.value, count(c.n), pct(c.shareMetTarget), num(c.meanMetric), shown(c)], cellClass: [null, null, null, null, null, c.inReport ? null : 'suppressed'] })),
        { numeric: [2, 3, 4] }));
    }

    const e = r.effect;
    if (e) {
      const RATING = { meetsWithoutReservations: 'meets standards without reservations', meetsWithReservations: 'meets standards with reservations', doesNotMeet: 'does not meet standards', notRated: 'not rated' };
      const support = e.couldSupport;
      out.push(el('h3', { text: 'Local comparison (not a WWC review)' }), el('p', { text: e.summary }),
        table('Intervention compared with comparison students', ['Statistic', 'Value'], [
          { cells: ['Hedges\' g on the post-test', `${num(e.g, 3)} (95% interval ${num(e.ciLower, 3)} to ${num(e.ciUpper, 3)})`] },
          { cells: ['p-value', `${num(e.pValue, 4)}${e.clusterCorrected ? ' (cluster-adjusted: assignment by school)' : ''}`] },
          { cells: ['Improvement index', `${e.improvementIndex > 0 ? '+' : ''}${e.improvementIndex}`] },
          { cells: ['Students with a post-test (intervention / comparison)', `${count(e.nIntervention)} / ${count(e.nComparison)}`] },
          { cells: ['Baseline difference (pre-test g)', `${num(e.baselineG, 3)}${e.baseline ? ` (${({ satisfied: 'equivalent', requiresAdjustment: 'needs statistical adjustment', notSatisfied: 'not equivalent' })[e.baseline]})` : ''}`] },
          { cells: ['Missing post-tests', `${pct(e.attrition.overall)} overall, ${num(e.attrition.differential * 100, 1)} points differential (${e.attrition.low ? 'low' : 'high'})`] },
          { cells: ['Design', `${({ rct: 'randomized trial', clusterRct: 'cluster-randomized trial', qed: 'quasi-experiment' })[e.design]}, evaluated ${e.independent ? 'independently' : 'by a party not stated to be independent'}${e.evaluator ? ` (${e.evaluator})` : ''}`] },
          { cells: ['What a WWC review could support', support ? `${RATING[support.rating]}; ${support.essaTier ? `ESSA tier ${support.essaTier}` : 'no ESSA tier'}` : 'Nothing: a design condition does not hold (below)'] },
        ]),
        el('ul', { class: 'conditions' }, ...e.conditions.map((k) => el('li', { text: `${k.met ? 'Holds' : 'Does not hold'}: ${k.message}` }))));
      if (support) out.push(el('p', { class: 'hint', text: support.essaRationale }));
    }
    for (const note of r.notes) out.push(el('p', { class: 'hint', text: note }));

    if (r.rejectedCount) {
      out.push(el('h3', { text: 'Rows left out' }), table(`Rows left out (${count(r.rejectedCount)})`, ['Line', 'Column', 'Problem'],
        r.rejectedRows.map((x) => ({ cells: [String(x.line), x.column ?? '', x.message] }))));
    }
    const d = r.report.disclosure;
    out.push(el('h3', { text: 'Publishable report' }),
      el('p', { class: 'hint', text: `Aggregates only, no student id, no figure about fewer than ${d.minCellSize} students: ${d.audit} Ready to sign with minisign.` }),
      ...(d.withheld ? [el('p', { text: d.withheld })] : []),
      ...(d.protections.length ? [el('ul', { class: 'protections' }, ...d.protections.map((x) => el('li', { text: x })))] : []),
      el('button', { type: 'button', id: 'download', onclick: () => this.#download(r.report), text: 'Download outcomes report (JSON)' }));
    this.$('#results').replaceChildren(...out);
    for (const pending of this.shadowRoot.querySelectorAll('canvas[data-chart]')) {
      const config = pending.chartConfig;
      this.#charts.push(new globalThis.Chart(pending, { ...config, options: { ...config.options, animation: false, responsive: true, maintainAspectRatio: false } }));
    }
  }

  /** A chart container: a canvas for Chart.js with a text alternative, or nothing without Chart.js. */
  #chart(title, description, config) {
    if (typeof globalThis.Chart !== 'function') return null;
    const canvas = el('canvas', { role: 'img', 'aria-label': `${title}. ${description}`, 'data-chart': true });
    canvas.textContent = description;
    canvas.chartConfig = config;
    return el('div', { class: 'chart' }, canvas);
  }

  #download(report) {
    const blob = new Blob([JSON.stringify(report, null, 2) + '\n'], { type: 'application/json' });
    const a = el('a', { href: URL.createObjectURL(blob), download: 'outcomes.json' });
    this.shadowRoot.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  }
}

if (!customElements.get('evidence-calculator')) customElements.define('evidence-calculator', EvidenceCalculator);
