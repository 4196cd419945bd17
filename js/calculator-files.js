// The calculator's step for the district's own files: up to three files (the vendor's usage
// export, the assessment provider's scores export, the student information system's student
// file, each CSV or .xlsx) instead of one roster. Each file's role is guessed from its header (or,
// for a workbook, whose header the page does not read, from its name), and its columns from
// common names; the person can change each. The choices are read back as the contract's
// `intake` section (README, "The district's own files"), and the files as `{ usage, scores,
// students }` for evaluateContract.
import { el } from './dom.js';
import { headerNames } from './calculator-columns.js';

const squeezed = (name) => name.toLowerCase().replace(/[^a-z0-9]/g, '');

const ROLES = [['usage', 'Usage (minutes of use)'], ['scores', 'Scores (tests)'], ['students', 'Students (enrolment)']];

/**
 * Each role's fields for a shape: the key in the intake section, the label, whether it is
 * required, and the header names it commonly has (compared without case, spaces or punctuation).
 * `value` fields hold a value of a column (a test window's name), not a column's name.
 */
const ID = ['studentId', 'Student id', true, ['studentid', 'id', 'ssid', 'sasid', 'stateid', 'localid', 'studentnumber', 'sisid']];
const FIELDS = {
  'usage:wide': [ID, ['minutes', 'Minutes of use (total)', true, ['minutes', 'totalminutes', 'minutesused', 'usageminutes', 'mins', 'timeontaskmin', 'timeontaskminutes', 'totaltimeminutes']],
    ['weeks', 'Weeks of use', true, ['weeks', 'weeksenrolled', 'weeksofuse', 'weeksused']]],
  'usage:long': [ID, ['minutes', 'Minutes of the row', true, ['minutes', 'sessionminutes', 'minutesused', 'usageminutes', 'mins', 'timeminutes', 'timeontaskmin', 'timeontaskminutes', 'totaltimeminutes']],
    ['date', 'Date of the row (or a week column)', false, ['date', 'sessiondate', 'usagedate', 'activitydate', 'day']],
    ['week', 'Week of the row (or a date column)', false, ['week', 'weekof', 'weekstart', 'weekstarting', 'weekbeginning']]],
  'scores:wide': [ID, ['pre', 'Pre-test score', true, ['pre', 'pretest', 'prescore', 'fall', 'fallscore', 'boy', 'baseline']],
    ['post', 'Post-test score', true, ['post', 'posttest', 'postscore', 'spring', 'springscore', 'eoy']],
    ['typicalGrowth', 'Typical growth (per student)', false, ['typicalgrowth', 'typicalfalltospringgrowth', 'projectedgrowth']]],
  'scores:long': [ID, ['window', 'Test window column', true, ['termname', 'term', 'window', 'testwindow', 'season', 'administration', 'screeningperiod', 'testingperiod']],
    ['score', 'Score', true, ['testritscore', 'score', 'ritscore', 'scalescore', 'testscore', 'scaledscore', 'overallscalescore']],
    ['preWindow', 'Pre-test window (a value)', true, [], 'value'],
    ['postWindow', 'Post-test window (a value)', true, [], 'value'],
    ['date', 'Test date', false, ['teststartdate', 'testdate', 'date', 'administrationdate', 'completiondate', 'testcompletiondate']],
    ['typicalGrowth', 'Typical growth (per student)', false, ['typicalfalltospringgrowth', 'typicalgrowth', 'projectedgrowth']],
    ['marked', 'Column marking the test that counts', false, ['growthmeasureyn', 'growthmeasure']]],
  'students:wide': [ID, ['school', 'School', false, ['school', 'schoolname', 'building', 'campus', 'schoolid']],
    ['grade', 'Grade', false, ['grade', 'gradelevel', 'gr', 'studentgrade']],
    // (Not "program": a student information system's program column holds "Title I".)
    ['group', 'Group (intervention or comparison)', false, ['group', 'condition', 'arm', 'treatment', 'studygroup']],
    ['district', 'District', false, ['district', 'districtname', 'districtid', 'lea']]],
};
for (const key of Object.keys(FIELDS)) {
  FIELDS[key] = FIELDS[key].map(([name, label, required, aliases, kind = 'column']) => ({ name, label, required, aliases, kind }));
}

/** Whether a file is an .xlsx workbook (a zip archive), from its first bytes. */
export const isWorkbook = (bytes) => {
  const b = new Uint8Array(bytes, 0, Math.min(4, bytes.byteLength));
  return b.length === 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
};

/** The distinct values (at most 50, in order) of column `name` of a CSV text, for the window choices. */
function columnValues(bytes, name) {
  const text = new TextDecoder().decode(new Uint8Array(bytes, 0, Math.min(bytes.byteLength, 4 << 20)));
  const lines = text.split(/\r\n|\n|\r/);
  const at = (headerNames(bytes) ?? []).findIndex((h) => h === name);
  if (at < 0) return [];
  const values = new Set();
  // (Quoted fields with commas are rare in a window column; a line that splits wrong offers a
  // wrong value, never a wrong evaluation: the module reads the file itself.)
  for (const line of lines.slice(1)) {
    const v = line.split(',')[at]?.replace(/^"|"$/g, '').trim();
    if (v) values.add(v);
    if (values.size >= 50) break;
  }
  return [...values];
}

/** How much a header looks like each role's: a column of minutes, of scores or test windows, of schools or grades. */
function roleScores(headers) {
  const names = headers.map(squeezed);
  const any = (test) => names.some(test);
  const minutes = any((n) => n.includes('minute') || n.includes('timeontask') || n.includes('timespent') || n.endsWith('min') || n === 'mins');
  const score = any((n) => n.includes('score') || n === 'rit' || n.endsWith('ritscore'));
  const window = any((n) => FIELDS['scores:long'][1].aliases.includes(n));
  const school = any((n) => n.includes('school') || n.startsWith('grade') || ['ell', 'iep', 'frl', 'gender'].includes(n));
  return {
    usage: minutes ? 3 : 0,
    // A usage export may carry a practice score (IXL's SmartScore): with minutes and no test
    // window, a score says little.
    scores: (score && (window || !minutes) ? 3 : 0) + (window ? 2 : 0),
    // A file of tests or of usage names schools too: the student file is the one that names
    // no score and no minutes.
    students: school && !score && !minutes ? 2 : 0,
  };
}

/** A workbook's role from the words of its file name ("vendor_usage.xlsx", "MAP Growth.xlsx", "students_latest.xlsx"). */
function roleByName(name) {
  const words = name.toLowerCase().replace(/\.[a-z]+$/, '').split(/[^a-z0-9]+/);
  const has = (list) => words.some((w) => list.includes(w));
  if (has(['usage', 'minutes', 'activity', 'sessions', 'session', 'logins', 'time'])) return 'usage';
  if (has(['scores', 'score', 'assessment', 'assessments', 'map', 'growth', 'rit', 'iready', 'star', 'test', 'tests', 'diagnostic'])) return 'scores';
  if (has(['students', 'student', 'roster', 'enrollment', 'enrolment', 'sis', 'demographics'])) return 'students';
  return '';
}

/** A role for each file, each role once: the best-scoring first, then by name, then in order. */
export function guessRoles(files) {
  const roles = files.map(() => '');
  const taken = new Set();
  const scored = files.map((f, i) => ({ i, s: f.headers ? roleScores(f.headers) : {} }));
  const pairs = scored.flatMap(({ i, s }) => Object.entries(s).filter(([, v]) => v > 0).map(([role, v]) => ({ i, role, v })));
  for (const { i, role } of pairs.sort((a, b) => b.v - a.v)) {
    if (roles[i] || taken.has(role)) continue;
    roles[i] = role;
    taken.add(role);
  }
  files.forEach((f, i) => {
    const byName = roleByName(f.name);
    if (!roles[i] && byName && !taken.has(byName)) { roles[i] = byName; taken.add(byName); }
  });
  files.forEach((_, i) => {
    const free = ROLES.map(([r]) => r).find((r) => !taken.has(r));
    if (!roles[i] && free) { roles[i] = free; taken.add(free); }
  });
  return roles;
}

/** A file's shape for a role, from its header: long when it has a window (scores) or a date or week column and no weeks one (usage). */
export function guessShape(role, headers) {
  if (role === 'students') return 'wide';
  if (!headers) return 'long';
  const names = headers.map(squeezed);
  const has = (key, field) => FIELDS[key].find((f) => f.name === field).aliases.some((a) => names.includes(a));
  if (role === 'scores') return has('scores:long', 'window') ? 'long' : 'wide';
  return has('usage:wide', 'weeks') && !has('usage:long', 'date') && !has('usage:long', 'week') ? 'wide' : 'long';
}

/**
 * When in the year a test window falls, from its name: a season ("Fall", "BOY", "FA") and a
 * year ("2025", "2025-2026", "25-26", "FA25"). A school year's fall is in its first year, its
 * winter and spring in its second; a calendar year's fall after its spring. NaN without both.
 */
function when(w) {
  const season = /fall|autumn|boy|beginning|\bfa(?=\d|\b)/i.test(w) ? 'fall'
    : /spring|eoy|\bend\b|\bsp(?=\d|\b)/i.test(w) ? 'spring'
      : /winter|moy|middle|\bwi(?=\d|\b)/i.test(w) ? 'winter' : null;
  const four = (w.match(/\d{4}/g) ?? []).map(Number);
  const two = four.length ? [] : (w.match(/\d{2}/g) ?? []).map((y) => 2000 + Number(y));
  const years = four.length ? four : two;
  if (!season || !years.length) return NaN;
  const [first, second] = [years[0], years[years.length - 1]];
  const range = years.length > 1;
  if (season === 'fall') return first + 0.7;
  if (season === 'winter') return (range ? second : first) + 0.05;
  return (range ? second : first) + 0.4;
}

/**
 * The pre- and post-test windows among a scores file's values: the latest fall (or
 * beginning-of-year) window, and the first spring (or end-of-year) window after it, so that a
 * spring before the fall is never taken; names without a year: "Fall" and "Spring".
 */
export function guessWindows(windows) {
  const falls = windows.filter((w) => /fall|autumn|boy|beginning|\bfa(?=\d|\b)/i.test(w));
  const springs = windows.filter((w) => /spring|eoy|\bend\b|\bsp(?=\d|\b)/i.test(w));
  const dated = falls.filter((w) => !Number.isNaN(when(w)));
  const pre = dated.length ? dated.reduce((best, w) => (when(w) > when(best) ? w : best)) : falls.find((w) => !/\d/.test(w)) ?? '';
  if (!pre) return { pre: '', post: '' };
  const after = Number.isNaN(when(pre))
    ? springs.filter((w) => !/\d/.test(w))
    : springs.filter((w) => when(w) > when(pre));
  const post = after.length ? after.reduce((best, w) => (when(w) < when(best) ? w : best)) : '';
  return { pre, post };
}

export class FilesStep {
  /** The files: `{ bytes, name, headers (null for a workbook), role, shape }`. */
  #files = [];
  #body = el('div', { id: 'files-body' });
  #hint = el('p', { class: 'hint', id: 'files-hint' });

  constructor() {
    /** The step's fieldset, hidden until the district's files are loaded. */
    this.element = el('fieldset', { id: 'files', hidden: true, 'aria-describedby': 'files-hint' },
      el('legend', { text: 'District files' }), this.#hint, this.#body);
  }

  /** Whether the district's files are shown (and so decide the contract's `intake`). */
  get shown() {
    return !this.element.hidden;
  }

  /** Shows the files (`{ bytes, name }`), each with its guessed role and columns; an empty list hides the step. */
  show(files, intake) {
    this.element.hidden = files.length === 0;
    this.#files = files.map((f) => ({ ...f, headers: isWorkbook(f.bytes) ? null : headerNames(f.bytes) }));
    const roles = guessRoles(this.#files);
    this.#files.forEach((f, i) => {
      f.role = roles[i];
      f.shape = intake?.[f.role]?.shape ?? guessShape(f.role, f.headers);
    });
    this.#hint.textContent = 'Which file is which, and which of its columns holds each field (guessed from the files\' own column names: check them). A workbook\'s first visible sheet is read unless a sheet is named. Fields marked * are required.';
    this.#render(intake);
  }

  /** The files by role, as evaluateContract takes them: `{ usage, scores, students }` (ArrayBuffers). */
  sources() {
    const sources = {};
    for (const f of this.#files) if (f.role) sources[f.role] = f.bytes;
    return sources;
  }

  #render(intake) {
    const period = (key, label) => el('div', { class: 'field' }, el('label', { for: `files-period-${key}`, text: label }),
      el('input', { id: `files-period-${key}`, type: 'date', 'data-path': `intake.period.${key}`, 'data-kind': 'column',
        value: intake?.period?.[key] ?? this.element.querySelector(`#files-period-${key}`)?.value ?? '' }));
    this.#body.replaceChildren(...this.#files.map((f, i) => this.#fileGroup(f, i, intake?.[f.role])),
      el('div', { class: 'file-group', role: 'group', 'aria-labelledby': 'files-period-h' },
        el('h3', { id: 'files-period-h', text: 'Contract period (usage and tests outside it are left out)' }),
        el('div', { class: 'row' }, period('start', 'First day'), period('end', 'Last day'))));
  }

  /** One file's controls: its role, shape, sheet and each field's column. */
  #fileGroup(f, i, given) {
    const roleId = `file-role-${i}`;
    const role = el('select', { id: roleId, 'data-file-role': String(i) },
      el('option', { value: '', text: '(not used)' }), ...ROLES.map(([v, t]) => el('option', { value: v, text: t })));
    role.value = f.role;
    role.addEventListener('change', () => {
      // The role it takes leaves the file that had it.
      for (const other of this.#files) if (other !== f && other.role === role.value) other.role = '';
      f.role = role.value;
      f.shape = guessShape(f.role, f.headers);
      this.#render();
    });
    const group = el('div', { class: 'file-group', role: 'group', 'aria-label': f.name },
      el('h3', { text: f.name }),
      el('div', { class: 'row' }, el('div', { class: 'field' }, el('label', { for: roleId, text: 'This file is' }), role)));
    if (!f.role) return group;
    const path = `intake.${f.role}`;
    const row = group.querySelector('.row');
    if (f.role !== 'students') {
      const shapeId = `file-shape-${i}`;
      const shape = el('select', { id: shapeId, 'data-path': `${path}.shape`, 'data-kind': 'column' },
        el('option', { value: 'wide', text: 'One row per student' }),
        el('option', { value: 'long', text: f.role === 'usage' ? 'One row per session or week' : 'One row per student per test window' }));
      shape.value = f.shape;
      shape.addEventListener('change', () => { f.shape = shape.value; this.#render(); });
      row.append(el('div', { class: 'field' }, el('label', { for: shapeId, text: 'Layout' }), shape));
    }
    if (!f.headers) {
      const sheetId = `file-sheet-${i}`;
      row.append(el('div', { class: 'field' }, el('label', { for: sheetId, text: 'Sheet (blank: the first)' }),
        el('input', { id: sheetId, type: 'text', 'data-path': `${path}.sheet`, 'data-kind': 'column', value: given?.sheet ?? '' })));
    }
    const listId = `file-columns-${i}`;
    const headers = (f.headers ?? []).filter(Boolean);
    const taken = new Set();
    const fields = FIELDS[`${f.role}:${f.role === 'students' ? 'wide' : f.shape}`];
    const windows = f.role === 'scores' && f.shape === 'long' ? this.#windowValues(f, given) : [];
    const inputs = fields.map((field) => {
      const id = `file-${i}-${field.name}`;
      let value = given?.[field.name] ?? '';
      if (!value && field.kind === 'column') {
        value = headers.find((h) => !taken.has(h) && field.aliases.includes(squeezed(h))) ?? '';
      }
      if (!value && field.name === 'preWindow') value = guessWindows(windows).pre;
      if (!value && field.name === 'postWindow') value = guessWindows(windows).post;
      if (field.kind === 'column' && value) taken.add(value);
      const list = field.kind === 'value' ? `file-windows-${i}` : listId;
      return el('div', { class: 'field' }, el('label', { for: id, text: field.required ? `${field.label} *` : field.label }),
        el('input', { id, type: 'text', list, value, 'data-path': `${path}.${field.name}`, 'data-kind': 'column',
          'data-required': field.required ? 'true' : null, autocomplete: 'off' }));
    });
    // (The week column of a usage log is offered only when no date column was found: one of the two.)
    group.append(el('div', { class: 'row' }, ...inputs),
      el('datalist', { id: listId }, ...headers.map((h) => el('option', { value: h }))),
      el('datalist', { id: `file-windows-${i}` }, ...windows.map((w) => el('option', { value: w }))));
    if (f.role === 'usage' && f.shape === 'long') {
      const date = group.querySelector(`[data-path="${path}.date"]`);
      const week = group.querySelector(`[data-path="${path}.week"]`);
      if (date.value && week.value) week.value = '';
    }
    return group;
  }

  #windowValues(f, given) {
    const column = given?.window ?? (f.headers ?? []).find((h) => FIELDS['scores:long'][1].aliases.includes(squeezed(h)));
    return f.headers && column ? columnValues(f.bytes, column) : [];
  }

  /** The label of the field at `path` (`intake.usage.minutes`), or null. */
  labelOf(path) {
    const control = this.element.querySelector(`[data-path="${path}"]`);
    return control ? this.element.querySelector(`label[for="${control.id}"]`)?.textContent.replace(/ \*$/, '') ?? null : null;
  }

  /** The contract's `intake` as the choices make it, and the problems: a role without a file, a required field left blank. */
  read() {
    const intake = {};
    const problems = [];
    for (const control of this.element.querySelectorAll('[data-path^="intake."]')) {
      const path = control.dataset.path;
      const [, role, key] = path.split('.');
      const value = control.value.trim();
      if (value === '') {
        if (control.dataset.required) problems.push({ path, message: `Enter the ${this.labelOf(path).toLowerCase()}.` });
        continue;
      }
      intake[role] ??= {};
      intake[role][key] = value;
    }
    for (const role of ['usage', 'scores']) {
      if (!this.#files.some((f) => f.role === role)) problems.push({ path: 'intake', message: `No file is the ${role} file: choose its role.` });
    }
    if (intake.usage?.shape === 'long' && !intake.usage.date === !intake.usage.week) {
      problems.push({ path: 'intake.usage.date', message: 'Name the usage file\'s date column or its week column (one of the two).' });
    }
    return { intake, problems };
  }
}
