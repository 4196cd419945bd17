// The calculator's column-mapping step: once a roster is chosen, the form shows the columns of its
// header line beside the roster's fields (student id, scores, minutes, weeks, and the optional
// grade, group, school and district), each field's column chosen from the file's own, pre-filled
// from the contract's `columns` and from common header names. The choices are read back as the
// contract's `columns`: the names that are not exactly the defaults, as the contract holds them.
import { el } from './dom.js';

/**
 * The roster's fields: the key in `contract.columns`, the label, the default column name, whether
 * the roster needs it, and other header names it commonly has in district exports (compared
 * without case, spaces or punctuation).
 */
const ROSTER_FIELDS = [
  // (Not "student" alone: a column of names is often called that.)
  ['studentId', 'Student id', 'student_id', true, ['studentid', 'id', 'ssid', 'sasid', 'stateid', 'statestudentid', 'localid', 'localstudentid', 'studentnumber']],
  ['pre', 'Pre-test score', 'pre', true, ['pretest', 'prescore', 'pretestscore', 'fall', 'fallscore', 'boy', 'boyscore', 'baseline']],
  ['post', 'Post-test score', 'post', true, ['posttest', 'postscore', 'posttestscore', 'spring', 'springscore', 'eoy', 'eoyscore']],
  ['minutes', 'Minutes of use (total)', 'minutes', true, ['totalminutes', 'minutesused', 'usageminutes', 'mins']],
  ['weeks', 'Weeks enrolled', 'weeks', true, ['weeksenrolled', 'weeksused', 'weeksofuse']],
  ['grade', 'Grade', 'grade', false, ['gradelevel', 'gr']],
  ['group', 'Group (intervention or comparison)', 'group', false, ['condition', 'arm', 'treatment']],
  ['school', 'School', 'school', false, ['schoolname', 'schoolid', 'building', 'campus']],
  ['district', 'District', 'district', false, ['districtname', 'districtid', 'lea']],
].map(([key, label, name, required, aliases]) => ({ key, label, name, required, aliases }));

const squeezed = (name) => name.toLowerCase().replace(/[^a-z0-9]/g, '');
const same = (a, b) => a.toLowerCase() === b.toLowerCase();

/** The most bytes of a file read for its header line, and the most columns offered. */
const HEADER_BYTES = 1 << 20;
const MAX_OFFERED_COLUMNS = 1000;

/**
 * The column names of a CSV file's header line (RFC 4180 quoting, a byte-order mark and CRLF
 * accepted; names trimmed, as the roster reader trims them). `bytes` is an ArrayBuffer. Null when
 * the header cannot be offered for mapping: the file is empty or not comma-separated UTF-8 text
 * (one column holding a semicolon or a tab, or UTF-16's zero bytes), the header line runs past
 * the first MiB, or it has more than MAX_OFFERED_COLUMNS columns. The roster reader then says
 * what is wrong, in its own words.
 */
export function headerNames(bytes) {
  const slice = new Uint8Array(bytes, 0, Math.min(bytes.byteLength, HEADER_BYTES));
  const text = new TextDecoder().decode(slice).replace(/^\uFEFF/, '');
  const names = [];
  let name = '';
  let quoted = false;
  let ended = false;
  for (let i = 0; i < text.length && !ended; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { name += '"'; i++; } else if (ch === '"') quoted = false;
      else name += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { names.push(name.trim()); name = ''; } else if (ch === '\n' || ch === '\r') ended = true;
    else name += ch;
  }
  names.push(name.trim());
  if (!ended && bytes.byteLength > HEADER_BYTES) return null;
  if (names.length > MAX_OFFERED_COLUMNS || names.some((n) => n.includes('\0'))) return null;
  if (names.length === 1 && /^$|[;\t|]/.test(names[0])) return null;
  return names;
}

/**
 * Each field's column among `headers` ('' for none): the one the person chose last time
 * (`earlier`, when the file has it), the contract's name (`columns`), the default, else a common one.
 */
function prefilled(headers, columns = {}, earlier = {}) {
  const taken = new Set();
  const chosen = {};
  const find = (test) => headers.find((h) => !taken.has(h) && test(h));
  const named = (name) => name != null && name !== '' && find((h) => same(h, name));
  // The names chosen or given first, so that a common name does not take a column a later field
  // is named for.
  for (const f of ROSTER_FIELDS) {
    const column = named(earlier[f.key]) || named(columns[f.key]) || named(f.name);
    if (column) { chosen[f.key] = column; taken.add(column); }
  }
  for (const f of ROSTER_FIELDS) {
    if (chosen[f.key]) continue;
    const common = find((h) => f.aliases.includes(squeezed(h)));
    chosen[f.key] = common ?? '';
    if (common) taken.add(common);
  }
  return chosen;
}

export class ColumnsStep {
  #headers = [];
  /** What the person chose for each field, kept for the next file (a file re-saved after a fix). */
  #chosen = {};
  #selects = new Map(); // field key -> its <select>
  #rows = el('div', { class: 'row' });
  #hint = el('p', { class: 'hint', id: 'columns-hint' });

  constructor() {
    /** The step's fieldset, hidden until a roster's header is known. */
    this.element = el('fieldset', { id: 'columns', hidden: true, 'aria-describedby': 'columns-hint' },
      el('legend', { text: 'Roster columns' }), this.#hint, this.#rows);
  }

  /** Whether a roster's header is shown (and so decides the contract's `columns`). */
  get shown() {
    return !this.element.hidden;
  }

  /**
   * Shows the columns of a roster's header line, each field pre-filled as the person chose for the
   * last file or as `columns` (the contract's) names it; null headers (see `headerNames`) hide the
   * step, and the contract's own names apply.
   */
  show(headers, fileName, columns) {
    if (this.shown) this.#remember();
    this.element.hidden = headers == null;
    if (headers == null) return;
    // Each name once (the reader refuses a file that repeats one, and says so); a blank name cannot be chosen.
    this.#headers = headers.filter((h, i) => h !== '' && headers.findIndex((o) => same(o, h)) === i);
    this.#hint.textContent = `Which column of ${fileName} holds each field. Fields marked * are required; a column chosen for none of them can be a subgroup column.`;
    this.prefill(columns, this.#chosen);
  }

  /** Keeps what the person chose, field by field. */
  #remember() {
    for (const [key, select] of this.#selects) if (select.value !== '') this.#chosen[key] = select.value;
  }

  /** The file's columns (each once), while shown. */
  get headers() {
    return this.shown ? this.#headers : null;
  }

  /** Chooses each field's column again from earlier choices, a contract's `columns`, the defaults and common names. */
  prefill(columns, earlier = {}) {
    if (!this.shown) return;
    const chosen = prefilled(this.#headers, columns, earlier);
    this.#selects.clear();
    this.#rows.replaceChildren(...ROSTER_FIELDS.map((f) => {
      const id = `column-${f.key}`;
      const none = f.required ? 'Choose a column' : '(none)';
      const select = el('select', { id, 'data-path': `columns.${f.key}`, 'data-kind': 'column', required: f.required },
        el('option', { value: '', text: none }), ...this.#headers.map((h) => el('option', { value: h, text: h })));
      select.value = chosen[f.key];
      this.#selects.set(f.key, select);
      return el('div', { class: 'field' }, el('label', { for: id, text: f.required ? `${f.label} *` : f.label }), select);
    }));
  }

  /** A column name the file does not have: "grade (not used)", or with a number when it has that too. */
  #unused(name) {
    for (let k = 1; ; k++) {
      const candidate = k === 1 ? `${name} (not used)` : `${name} (not used ${k})`;
      if (!this.#headers.some((h) => same(h, candidate))) return candidate;
    }
  }

  /** The label of the field at `path` (`columns.pre`), or null for another path. */
  labelOf(path) {
    return ROSTER_FIELDS.find((f) => path === `columns.${f.key}`)?.label ?? null;
  }

  /** The column chosen for a field ('' for none). */
  chosen(key) {
    return this.#selects.get(key)?.value ?? '';
  }

  /**
   * The contract's `columns` as the choices make them (undefined when all are the defaults), and
   * the problems: a required field without a column, a column chosen for two fields.
   */
  read() {
    const columns = {};
    const problems = [];
    const usedBy = new Map();
    for (const f of ROSTER_FIELDS) {
      const path = `columns.${f.key}`;
      const column = this.chosen(f.key);
      if (column === '') {
        if (f.required) problems.push({ path, message: `Choose the column that holds the ${f.label.toLowerCase()}.` });
        // A column the file has under the field's default name would be read as the field: the
        // field is given a name no column has.
        else if (this.#headers.some((h) => same(h, f.name))) columns[f.key] = this.#unused(f.name);
        continue;
      }
      if (usedBy.has(column)) {
        problems.push({ path, message: `The column "${column}" is already chosen for ${usedBy.get(column).toLowerCase()}: choose another.` });
        continue;
      }
      usedBy.set(column, f.label);
      if (column !== f.name) columns[f.key] = column;
    }
    return { columns: Object.keys(columns).length ? columns : undefined, problems };
  }
}
