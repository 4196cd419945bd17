// bindProfileForm(form, options): live validation of a product-profile form for procurement
// portals. Fields are named by their JS paths (name="dosage.minutesPerWeek",
// name="studies[0].design"); each problem found by validateProfile goes to its field through the
// Constraint Validation API (setCustomValidity) and a message element linked by aria-describedby.
// The portal keeps its own markup and styles: messages get the class "evidence-field-error".
import init, { validateProfile, vetProduct } from './evidence-check.js';
import { parseDollars, formatDollars } from './money.js';
import { setPath, getPath, listFromText, textFromList } from './dom.js';

/** Arrays a profile always has, so that a form without such rows still reads as complete. */
const PROFILE_ARRAYS = { subjects: [], grades: [], outcomes: [], studies: [], seaApprovals: [] };

/** The value of one named control, converted by its type; undefined means "not given". */
function controlValue(el, group) {
  const type = el.dataset.type;
  if (el.type === 'checkbox' && group.length > 1) {
    const picked = group.filter((c) => c.checked).map((c) => c.value);
    return type === 'number' ? picked.map(Number) : picked;
  }
  if (el.type === 'checkbox') return el.checked;
  if (el.type === 'radio') {
    const picked = group.find((c) => c.checked);
    return picked ? convert(picked.value, type) : undefined;
  }
  if (el.multiple) return [...el.selectedOptions].map((o) => convert(o.value, type));
  const raw = el.value.trim();
  // A "list" is a required array (empty when blank); an "optional-list" is left out when blank.
  if (raw === '') return type === 'list' ? [] : undefined;
  if (el.type === 'number' || type === 'number') return Number(raw);
  return convert(raw, type);
}

function convert(raw, type) {
  switch (type) {
    case 'number': return Number(raw);
    case 'boolean': return raw === 'true' ? true : raw === 'false' ? false : undefined;
    case 'list':
    case 'optional-list': return listFromText(raw);
    case 'dollars': {
      const cents = parseDollars(raw);
      return Number.isNaN(cents) ? raw : cents; // a string makes validateProfile say what is wrong
    }
    default: return raw;
  }
}

/**
 * Binds live validation to `form`. Options: `policy` (for vetProduct), `defaults` (merged under the
 * form's values; product-profile arrays by default), `delay` (ms, default 150), `onValidate(result)`.
 * Resolves to `{ read, validate, vet, load, showAll, destroy }`.
 */
export async function bindProfileForm(form, options = {}) {
  await init();
  const { policy, delay = 150, onValidate } = options;
  const defaults = options.defaults ?? PROFILE_ARRAYS;
  const touched = new Set();
  let showAll = false;
  let timer = 0;

  const controls = () => [...form.elements].filter((el) => el.name && !el.disabled && el.type !== 'submit' && el.type !== 'button' && el.type !== 'file');

  function read() {
    const profile = structuredClone(defaults);
    const byName = new Map();
    for (const el of controls()) byName.set(el.name, [...(byName.get(el.name) ?? []), el]);
    for (const [name, group] of byName) {
      const value = controlValue(group[0], group);
      if (value !== undefined) setPath(profile, name, value);
    }
    return profile;
  }

  /** The field's message element; made (and linked by aria-describedby) only when `create`. */
  function messageFor(el, create) {
    const id = `${el.id || el.name.replace(/[^\w-]/g, '_')}-error`;
    let msg = form.querySelector(`#${CSS.escape(id)}`);
    if (!msg && create) {
      msg = document.createElement('p');
      msg.id = id;
      msg.className = 'evidence-field-error';
      msg.hidden = true;
      (el.closest('label') ?? el).after(msg);
      const ids = (el.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean);
      if (!ids.includes(id)) el.setAttribute('aria-describedby', [...ids, id].join(' '));
    }
    return msg;
  }

  /** The control a path points to, or the first control inside it (`studies[0]` -> its first field). */
  function controlFor(path) {
    const all = controls();
    for (let p = path; p; p = p.replace(/(\.[^.[\]]+|\[\d+\])$/, '')) {
      const exact = all.find((el) => el.name === p);
      if (exact) return exact;
      const inside = all.find((el) => el.name.startsWith(`${p}.`) || el.name.startsWith(`${p}[`));
      if (inside) return inside;
      if (!/(\.[^.[\]]+|\[\d+\])$/.test(p)) break;
    }
    return null;
  }

  function validate() {
    const result = validateProfile(read(), policy);
    const messages = new Map();
    for (const e of result.errors) {
      const el = controlFor(e.path);
      if (!el) continue;
      const list = messages.get(el) ?? [];
      list.push(e.message);
      messages.set(el, list);
    }
    // An amount that is not dollars and cents reaches validateProfile as text; say it in the
    // field's own terms instead of the profile's ("Expected a number, got a string").
    for (const el of controls()) {
      if (el.dataset.type === 'dollars' && el.value.trim() && Number.isNaN(parseDollars(el.value.trim()))) {
        messages.set(el, ['Enter an amount in dollars and cents, such as 670 or 670.50.']);
      }
    }
    for (const el of controls()) {
      const text = (messages.get(el) ?? []).join(' ');
      const visible = text && (showAll || touched.has(el.name));
      el.setCustomValidity(visible ? text : '');
      if (visible) el.setAttribute('aria-invalid', 'true');
      else el.removeAttribute('aria-invalid');
      const msg = messageFor(el, Boolean(visible));
      if (msg) {
        msg.textContent = visible ? text : '';
        msg.hidden = !visible;
      }
    }
    onValidate?.(result);
    return result;
  }

  const later = (e) => {
    if (e.target?.name) touched.add(e.target.name);
    clearTimeout(timer);
    timer = setTimeout(validate, delay);
  };
  const blur = (e) => {
    if (e.target?.name && e.target.value !== '') touched.add(e.target.name);
  };
  form.addEventListener('input', later);
  form.addEventListener('change', later);
  form.addEventListener('focusout', blur);

  return {
    read,
    validate,
    /** Shows every problem, touched or not (for a submit or "check" button), and returns the result. */
    showAll() {
      showAll = true;
      return validate();
    },
    /** vetProduct on the form's profile, under `withPolicy` (by default the bound `policy`);
     * throws the typed error when the profile or the policy is invalid. */
    vet(withPolicy = policy) {
      return vetProduct(read(), withPolicy);
    },
    /** Fills the form's controls from a profile (repeatable rows must already exist). */
    load(profile) {
      for (const el of controls()) {
        const value = getPath(profile, el.name);
        if (el.type === 'checkbox' && Array.isArray(value)) el.checked = value.map(String).includes(el.value);
        else if (el.type === 'checkbox') el.checked = value === true;
        else if (el.dataset.type === 'dollars') el.value = formatDollars(value ?? null);
        else if (el.dataset.type === 'list' || el.dataset.type === 'optional-list') el.value = textFromList(value);
        else el.value = value == null ? '' : String(value);
      }
      touched.clear();
      showAll = false;
      return validate();
    },
    destroy() {
      form.removeEventListener('input', later);
      form.removeEventListener('change', later);
      form.removeEventListener('focusout', blur);
      clearTimeout(timer);
    },
  };
}
