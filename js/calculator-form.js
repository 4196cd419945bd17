// The calculator's second panel, "2. Contract": the form that edits an outcomes-based contract.
// Each control names its place in the contract by a JS path (data-path="fidelity.minWeeks") and
// its kind of value (data-kind: dollars, percent, json, list); the payment card's tiers are rows
// added and removed. The form is filled from a contract and read back as one, with what cannot be
// read (an amount that is not in dollars, JSON that does not parse) reported by path before any
// evaluation is asked for. Once a roster is chosen, its columns are mapped to the roster's fields
// first (calculator-columns.js), and the mapping is the contract's `columns`.
import { el, setPath, getPath, deletePath, listFromText, textFromList } from './dom.js';
import { parseDollars, formatDollars } from './money.js';
import { ColumnsStep } from './calculator-columns.js';
import { FilesStep } from './calculator-files.js';

const EMPTY_TIER = { label: '', atLeast: '', centsPerStudent: null };
/** The subgroup field's hint before a roster's columns are known. */
const SUBGROUPS_HINT = 'Comma-separated, e.g. grade, ell, iep.';
/** What a control shows when the contract says nothing there. */
const FORM_DEFAULTS = { 'metric.kind': 'gain' };

/** A labelled field; `hint` becomes a note the control is described by. */
function field(id, labelText, control, { wide = false, hint } = {}) {
  control.id = id;
  const hintId = hint ? `${id}-hint` : null;
  if (hintId) control.setAttribute('aria-describedby', hintId);
  return el('div', { class: `field${wide ? ' wide' : ''}` }, el('label', { for: id, text: labelText }), control,
    hint ? el('p', { class: 'hint', id: hintId, text: hint }) : null);
}
const textInput = (path, attrs = {}) => el('input', { type: 'text', 'data-path': path, ...attrs });
const dollarsInput = (path) => el('input', { type: 'text', inputmode: 'decimal', 'data-path': path, 'data-kind': 'dollars', autocomplete: 'off' });
const numberInput = (path, attrs = {}) => el('input', { type: 'number', step: 'any', 'data-path': path, ...attrs });
const choice = (path, options) => el('select', { 'data-path': path }, ...options.map(([v, t]) => el('option', { value: v, text: t })));

/** A control's value as the contract holds it (null: not given), or the problem with what was typed. */
function readControl(control) {
  const kind = control.dataset.kind;
  const raw = control.value.trim();
  if (control.type === 'checkbox') return { value: control.checked };
  if (kind === 'dollars') {
    const cents = parseDollars(raw);
    return Number.isNaN(cents) ? { problem: 'Enter an amount in dollars, such as 670 or 670.50.' } : { value: cents };
  }
  if (kind === 'json') {
    if (raw === '') return { value: null };
    try {
      return { value: JSON.parse(raw) };
    } catch {
      return { problem: 'This is not valid JSON.' };
    }
  }
  if (kind === 'list') return { value: listFromText(raw) };
  if (raw === '') return { value: null };
  if (kind === 'percent') return { value: Number(raw) / 100 };
  if (control.type === 'number') return { value: Number(raw) };
  return { value: raw };
}

/** Shows a contract's value in a control, in the control's kind. */
function writeControl(control, value) {
  const kind = control.dataset.kind;
  if (control.type === 'checkbox') control.checked = Boolean(value);
  else if (kind === 'dollars') control.value = formatDollars(value);
  else if (kind === 'percent') control.value = value == null ? '' : String(Math.round(value * 1000) / 10);
  else if (kind === 'json') control.value = value == null ? '' : JSON.stringify(value);
  else if (kind === 'list') control.value = textFromList(value);
  else control.value = value ?? '';
}

export class ContractForm {
  /** The contract last shown, whole: what the form has no field for is kept from it. */
  #base = {};
  #columns = new ColumnsStep();
  #files = new FilesStep();
  #tiers = el('div', { id: 'tiers' });
  #evaluateButton = el('button', { type: 'submit', class: 'primary', id: 'evaluate', text: 'Evaluate' });
  #cancelButton = el('button', { type: 'button', id: 'cancel', hidden: true, text: 'Cancel' });
  #downloadButton = el('button', { type: 'button', id: 'download-contract', text: 'Download contract (JSON)' });

  /**
   * `on.evaluate()` is called when the form is submitted, `on.cancel()` by its Cancel button and
   * `on.download()` by its Download contract button.
   */
  constructor(on) {
    /** The form, to be placed in the calculator's shadow root. */
    this.element = this.#build();
    this.element.addEventListener('submit', (e) => { e.preventDefault(); on.evaluate(); });
    this.#cancelButton.addEventListener('click', () => on.cancel());
    this.#downloadButton.addEventListener('click', () => on.download());
    this.#control('metric.kind').addEventListener('change', () => this.#showMetricFields());
  }

  /** While an evaluation runs, Cancel is offered and Evaluate is not. */
  set running(running) {
    this.#cancelButton.hidden = !running;
    this.#evaluateButton.disabled = running;
  }

  /** Shows a contract in the form. */
  fill(contract) {
    this.#base = structuredClone(contract);
    // The form's staff lines are the first training line and the first supervision line; any
    // other line is kept after them, as the contract has it.
    const staff = this.#base.districtCosts?.staff;
    if (staff) {
      const first = (activity) => staff.find((line) => line.activity === activity);
      const shown = [first('training'), first('supervision')];
      this.#base.districtCosts.staff = [...shown.map((line) => line ?? null), ...staff.filter((line) => !shown.includes(line))];
    }
    contract = this.#base;
    this.#tiers.replaceChildren();
    for (const control of this.#contractControls()) {
      const path = control.dataset.path;
      writeControl(control, getPath(contract, path) ?? FORM_DEFAULTS[path]);
    }
    for (const tier of contract.paymentCard ?? []) this.#addTier(tier);
    this.#showMetricFields();
    this.#columns.prefill(contract.columns);
  }

  /** Shows the district's files (`{ bytes, name }`, up to three) to be given roles and mapped to the contract's `intake`. */
  showFiles(files) {
    this.#columns.show(null);
    this.#files.show(files, this.#base.intake);
    this.element.querySelector('#subgroups-hint').textContent = 'Comma-separated, from the student file\'s columns.';
  }

  /** The district's files by role (`{ usage, scores, students }`), or null when a single roster is loaded. */
  sources() {
    return this.#files.shown ? this.#files.sources() : null;
  }

  /** Shows the columns of a roster's header line (`headers`) to be mapped to the roster's fields; null hides the step. */
  showHeaders(headers, fileName) {
    this.#files.show([]);
    this.#columns.show(headers, fileName, this.#base.columns);
    const names = (headers ?? []).filter(Boolean);
    if (!names.length) {
      this.element.querySelector('#subgroups-hint').textContent = SUBGROUPS_HINT;
      return;
    }
    const listed = names.length > 12 ? `${names.slice(0, 12).join(', ')} and ${names.length - 12} more` : names.join(', ');
    this.element.querySelector('#subgroups-hint').textContent = `Comma-separated, from the file's columns: ${listed}.`;
  }

  /** What a person reads for the field at `path`: its label ("Minimum weeks", "Tier 2: Metric at least"), else the path. */
  labelOf(path) {
    const control = this.#control(path);
    const label = this.#columns.labelOf(path) ?? this.#files.labelOf(path) ?? (control && this.element.querySelector(`label[for="${control.id}"]`)?.textContent);
    if (!label) return path;
    const tier = control?.closest('.tier-row');
    return tier ? `${tier.getAttribute('aria-label')}: ${label}` : label;
  }

  /** Reads the form as a contract; problems of form entry are returned as `{ path, message }`. */
  read() {
    const problems = [];
    // The form's fields are written over the contract it was filled from, so that what it has no
    // field for (the roster's column names, the ICC, the currency, the vendor) is applied, never
    // dropped. The tiers are the form's rows; another metric starts from its kind alone.
    const contract = structuredClone(this.#base);
    delete contract.paymentCard;
    if (contract.metric?.kind !== this.#control('metric.kind').value) delete contract.metric;
    for (const control of this.#contractControls()) {
      if (control.closest('.field')?.hidden) continue;
      const path = control.dataset.path;
      const { value, problem } = readControl(control);
      if (problem) problems.push({ path, message: problem });
      else if (value != null) setPath(contract, path, value);
      else deletePath(contract, path);
    }
    // With a roster's header shown, its mapping is the contract's column names, and what the
    // form names of the file's columns is checked against it (a contract made for another file
    // names columns this one lacks).
    if (this.#columns.shown) {
      const { columns, problems: unmapped } = this.#columns.read();
      problems.unshift(...unmapped, ...this.#namedColumnProblems(contract));
      if (columns) contract.columns = columns;
      else delete contract.columns;
    }
    // The district's files are read under the intake the files step makes (the module checks
    // each column against its file); a single roster under none.
    if (this.#files.shown) {
      const { intake, problems: unmapped } = this.#files.read();
      problems.unshift(...unmapped);
      contract.intake = intake;
      delete contract.columns;
    } else delete contract.intake;
    this.#readCosts(contract, problems);
    contract.paymentCard ??= [];
    contract.currency ??= 'USD';
    return { contract, problems };
  }

  /** Marks the controls that `problems` (`{ path }`) point to, or their group's, as invalid; clears the rest. */
  markInvalid(problems) {
    for (const control of this.element.querySelectorAll('[data-path]')) {
      control.removeAttribute('aria-invalid');
      const ids = (control.getAttribute('aria-describedby') ?? '').split(/\s+/).filter((id) => id && !id.endsWith('-problem'));
      if (ids.length) control.setAttribute('aria-describedby', ids.join(' '));
      else control.removeAttribute('aria-describedby');
    }
    for (const message of this.element.querySelectorAll('.field-problem')) message.remove();
    for (const p of problems) {
      const enclosing = p.path.replace(/\.[^.[\]]+$/, '');
      const control = this.#control(p.path) ?? this.#control(enclosing);
      if (!control) continue;
      control.setAttribute('aria-invalid', 'true');
      // The message beside the field too, and read with it (the list under Results names it by label).
      const id = `${control.id}-problem`;
      const message = this.element.querySelector(`#${CSS.escape(id)}`) ?? el('p', { class: 'field-problem', id });
      message.append(message.textContent ? ` ${p.message}` : p.message);
      if (!message.isConnected) {
        control.after(message);
        control.setAttribute('aria-describedby', [control.getAttribute('aria-describedby'), id].filter(Boolean).join(' '));
      }
    }
  }

  /**
   * The district's costs as the contract lists them: the training and supervision lines given
   * (hours and a rate both, else a problem at the blank one), then any other line of the
   * contract's own; none at all when the form gives no cost. Hours are checked here to the
   * hundredth, as the module reads them, so that a problem is shown at its own line's field.
   */
  #readCosts(contract, problems) {
    const costs = contract.districtCosts;
    if (!costs) return;
    const lines = [['training', 0], ['supervision', 1]].map(([activity, i]) => ({ activity, i, hours: costs.staff?.[i]?.hours, centsPerHour: costs.staff?.[i]?.centsPerHour }));
    for (const line of lines) {
      const path = `districtCosts.staff[${line.i}]`;
      if ((line.hours == null) !== (line.centsPerHour == null)) {
        problems.push({ path: `${path}.${line.hours == null ? 'hours' : 'centsPerHour'}`, message: 'Give both the hours and the cost per hour, or neither.' });
      } else if (line.hours != null && !(line.hours >= 0 && Math.abs(line.hours * 100 - Math.round(line.hours * 100)) < 1e-6)) {
        problems.push({ path: `${path}.hours`, message: 'Give hours of 0 or more, to the hundredth at most (a quarter hour is 0.25).' });
      }
    }
    const given = lines.filter((l) => l.hours != null && l.centsPerHour != null).map(({ activity, hours, centsPerHour }) => ({ activity, hours, centsPerHour }));
    const others = (this.#base.districtCosts?.staff ?? []).slice(2).filter(Boolean);
    if (given.length || others.length) costs.staff = [...given, ...others];
    else delete costs.staff;
    if (!Object.keys(costs).length) delete contract.districtCosts;
  }

  /** The form's subgroup columns the file lacks, and assignment by school without its school column. */
  #namedColumnProblems(contract) {
    const headers = this.#columns.headers.map((h) => h.toLowerCase());
    const problems = (contract.subgroupColumns ?? []).filter((name) => !headers.includes(name.toLowerCase()))
      .map((name) => ({ path: 'subgroupColumns', message: `This file has no column "${name}": name columns it has, or none.` }));
    if (contract.assignedBy === 'school' && this.#columns.chosen('school') === '') {
      problems.push({ path: 'assignedBy', message: 'Assignment by school needs the school column: choose it under Roster columns, or assign by student.' });
    }
    return problems;
  }

  #control(path) {
    return this.element.querySelector(`[data-path="${path}"]`);
  }

  /** The controls read and written by path (the column step reads its own). */
  #contractControls() {
    return [...this.element.querySelectorAll('[data-path]')].filter((c) => c.dataset.kind !== 'column');
  }

  #build() {
    return el('form', { class: 'panel', id: 'contract', 'aria-labelledby': 'contract-h', novalidate: true },
      el('h2', { id: 'contract-h', text: '2. Contract' }),
      this.#columns.element,
      this.#files.element,
      el('fieldset', {}, el('legend', { text: 'Contract' }),
        el('div', { class: 'row' },
          field('productName', 'Product', textInput('productName'), { wide: true }),
          field('vendor', 'Vendor', textInput('vendor'), { wide: true }),
          field('contractId', 'Contract id', textInput('id')),
          field('period', 'Period', textInput('period', { placeholder: '2025-26' })))),
      el('fieldset', {}, el('legend', { text: 'Base payment (dollars)' }),
        el('div', { class: 'row' },
          field('baseFee', 'Base fee, paid once', dollarsInput('baseFeeCents')),
          field('perStudentBase', 'Per enrolled student', dollarsInput('perStudentBaseCents')))),
      el('fieldset', {}, el('legend', { text: 'Growth metric' }),
        el('div', { class: 'row' },
          field('metricKind', 'Metric', choice('metric.kind', [['gain', 'Gain (post − pre)'], ['normalizedGain', 'Normalized gain'],
            ['percentOfTypical', 'Percent of typical growth'], ['growthIndex', 'Growth index (z-score)'], ['postScore', 'Post-test score (cut score)']])),
          field('maxScore', 'Maximum score', numberInput('metric.maxScore'), { hint: 'For normalized gain.' }),
          field('norms', 'Norms by grade (JSON)', el('textarea', { 'data-path': 'metric.norms', 'data-kind': 'json' }),
            { wide: true, hint: 'For percent of typical: [{"grade":3,"typicalGrowth":12,"weeks":30}]. For growth index: [{"grade":3,"mean":10,"sd":6}].' }))),
      el('fieldset', { id: 'card' }, el('legend', { text: 'Payment card' }),
        el('p', { class: 'hint', text: 'Each at-fidelity student earns the highest tier reached (metric at least the threshold).' }),
        this.#tiers,
        el('button', { type: 'button', id: 'add-tier', onclick: () => this.#addTier(EMPTY_TIER), text: 'Add a tier' })),
      el('fieldset', {}, el('legend', { text: 'Fidelity and accountability' }),
        el('div', { class: 'row' },
          field('minMinutes', 'Minimum minutes per week', numberInput('fidelity.minMinutesPerWeek', { min: 0 })),
          field('minWeeks', 'Minimum weeks', numberInput('fidelity.minWeeks', { min: 0 })),
          field('belowFidelity', 'Students below fidelity', choice('belowFidelity', [['baseOnly', 'Base payment only'], ['fullOutcome', 'Paid the top tier'], ['excluded', 'Not enrolled']])),
          field('obligation', 'District obligation: share at fidelity (%)', numberInput('districtObligation.minShareAtFidelity', { min: 0, max: 100, 'data-kind': 'percent' }),
            { hint: 'Below it, the district pays in full. Blank: none.' }))),
      el('fieldset', {}, el('legend', { text: 'Penalty, cap and floor (dollars)' }),
        el('div', { class: 'row' },
          field('penalty', 'Penalty per declining student', dollarsInput('declinePenaltyCents')),
          field('cap', 'Cap (blank: none)', dollarsInput('capCents')),
          field('floor', 'Floor (blank: none)', dollarsInput('floorCents')))),
      el('fieldset', {}, el('legend', { text: 'Evidence and privacy' }),
        el('div', { class: 'row' },
          field('missingOutcome', 'Missing post-test', choice('missingOutcome', [['exclude', 'Left out'], ['notMet', 'Counts as not met']])),
          field('minCell', 'Smallest published cell', numberInput('minCellSize', { min: 5, max: 1000, step: 1 })),
          field('subgroups', 'Subgroup columns', textInput('subgroupColumns', { 'data-kind': 'list' }), { wide: true, hint: SUBGROUPS_HINT })),
        el('div', { class: 'row' },
          field('assignedBy', 'Assignment', choice('assignedBy', [['student', 'By student'], ['school', 'By school (clustered)']])),
          field('onBadRow', 'Bad rows', choice('onBadRow', [['reject', 'Stop and list them'], ['skip', 'Leave them out and list them']])),
          el('div', { class: 'field check' }, el('input', { type: 'checkbox', id: 'randomized', 'data-path': 'randomized' }), el('label', { for: 'randomized', text: 'Randomly assigned' })))),
      el('fieldset', {}, el('legend', { text: 'Return on minutes and cost (optional)' }),
        el('p', { class: 'hint', text: 'The district\'s own costs beside the payment, for the cost per student (the ingredients method); blank: none.' }),
        el('div', { class: 'row' },
          field('trainingHours', 'Training: staff hours', numberInput('districtCosts.staff[0].hours', { min: 0, step: 0.25 })),
          field('trainingRate', 'Training: cost per hour (dollars)', dollarsInput('districtCosts.staff[0].centsPerHour')),
          field('supervisionHours', 'Supervision: staff hours', numberInput('districtCosts.staff[1].hours', { min: 0, step: 0.25 })),
          field('supervisionRate', 'Supervision: cost per hour (dollars)', dollarsInput('districtCosts.staff[1].centsPerHour'))),
        el('div', { class: 'row' },
          field('devices', 'Devices (dollars)', dollarsInput('districtCosts.devicesCents')),
          field('otherCosts', 'Other costs (dollars)', dollarsInput('districtCosts.otherCents')),
          field('priceYear', 'Prices of the year', numberInput('districtCosts.priceYear', { min: 1990, max: 2100, step: 1 })),
          field('dosageShare', 'Dosage required: share meeting the target (%)', numberInput('dosageRequired.share', { min: 1, max: 99, 'data-kind': 'percent' }),
            { hint: 'The least minutes a week at which this share of students meet the target (blank: 80%).' }))),
      el('div', { class: 'row' },
        this.#evaluateButton,
        this.#cancelButton,
        this.#downloadButton),
    );
  }

  /** Adds a payment-card tier as a row of fields (label, threshold, dollars per student) with its Remove button. */
  #addTier(tier) {
    const i = this.#tiers.children.length;
    const id = (name) => `tier-${name}-${i}-${Math.random().toString(36).slice(2, 7)}`;
    const row = el('div', { class: 'tier-row', role: 'group', 'aria-label': `Tier ${i + 1}` });
    const input = (name, labelText, attrs) => {
      const inputId = id(name);
      return el('div', { class: 'field' }, el('label', { for: inputId, text: labelText }), el('input', { id: inputId, 'data-tier': name, ...attrs }));
    };
    row.append(
      input('label', 'Tier label', { type: 'text', value: tier.label }),
      input('atLeast', 'Metric at least', { type: 'number', step: 'any', value: tier.atLeast }),
      input('cents', 'Dollars per student', { type: 'text', inputmode: 'decimal', 'data-kind': 'dollars', value: formatDollars(tier.centsPerStudent) }),
      el('button', { type: 'button', class: 'remove', text: 'Remove', 'aria-label': `Remove tier ${i + 1}`, onclick: () => { row.remove(); this.#renumberTiers(); } }));
    this.#tiers.append(row);
    this.#renumberTiers();
  }

  /** Numbers the tiers 1, 2, … and gives their fields the paths paymentCard[0].label, … in order. */
  #renumberTiers() {
    [...this.#tiers.children].forEach((row, i) => {
      row.setAttribute('aria-label', `Tier ${i + 1}`);
      row.querySelector('.remove').setAttribute('aria-label', `Remove tier ${i + 1}`);
      row.querySelector('[data-tier="label"]').dataset.path = `paymentCard[${i}].label`;
      row.querySelector('[data-tier="atLeast"]').dataset.path = `paymentCard[${i}].atLeast`;
      row.querySelector('[data-tier="cents"]').dataset.path = `paymentCard[${i}].centsPerStudent`;
    });
  }

  /** Shows the metric's own fields: the maximum score for normalized gain, the norms for percent of typical and growth index. */
  #showMetricFields() {
    const kind = this.#control('metric.kind').value;
    this.#control('metric.maxScore').closest('.field').hidden = kind !== 'normalizedGain';
    this.#control('metric.norms').closest('.field').hidden = !['percentOfTypical', 'growthIndex'].includes(kind);
  }
}
