// The procurement page: a product-profile form bound to live validation, with repeatable
// groups, import and export of the profile JSON, a district policy (typed, imported or the
// example), and "Check evidence" (vetProduct under that policy).
import { bindProfileForm } from './pkg/profile-form.js';
import { getPath } from './pkg/dom.js';

const form = document.getElementById('profile');
const GROUPS = ['outcomes', 'supplements', 'studies', 'seaApprovals'];
/** A group's JS path in the profile: its container's data-path, or its id. */
const pathOf = (group) => document.getElementById(group).dataset.path ?? group;

// Grades K to 12 as checkboxes named "grades".
const grades = document.getElementById('grades');
for (let g = 0; g <= 12; g++) {
  const label = document.createElement('label');
  const box = Object.assign(document.createElement('input'), { type: 'checkbox', name: 'grades', value: String(g), id: `grade-${g}` });
  box.dataset.type = 'number';
  label.append(box, g === 0 ? 'K' : String(g));
  grades.append(label);
}

/** Gives the rows of a group their JS-path names, ids and numbers after an add or a removal. */
function renumber(group) {
  document.querySelectorAll(`#${group} > .item`).forEach((item, i) => {
    item.querySelector('.n').textContent = String(i + 1);
    const remove = item.querySelector('.remove');
    remove.textContent = `Remove ${remove.dataset.what} ${i + 1}`;
    for (const input of item.querySelectorAll('[data-field]')) {
      input.name = `${pathOf(group)}[${i}].${input.dataset.field}`;
      input.id = `${group}-${i}-${input.dataset.field.replace('.', '-')}`;
      input.closest('.f').querySelector('label').htmlFor = input.id;
    }
  });
}

function addRow(group) {
  const row = document.getElementById(`t-${group}`).content.firstElementChild.cloneNode(true);
  row.querySelector('.remove').addEventListener('click', () => {
    row.remove();
    renumber(group);
    profile.validate();
  });
  document.getElementById(group).append(row);
  renumber(group);
  return row;
}

for (const button of document.querySelectorAll('[data-add]')) {
  button.addEventListener('click', () => {
    const row = addRow(button.dataset.add);
    row.querySelector('input, select').focus();
  });
}

const summary = document.getElementById('summary');
const profile = await bindProfileForm(form, {
  onValidate(result) {
    summary.textContent = result.valid ? 'No problems found in the form.' : `${result.errors.length} problem${result.errors.length === 1 ? '' : 's'} to fix.`;
  },
});

/** Loads a profile: makes as many rows as it has entries, then fills the fields. */
function load(p) {
  for (const group of GROUPS) {
    document.getElementById(group).replaceChildren();
    for (let i = 0; i < (getPath(p, pathOf(group))?.length ?? 0); i++) addRow(group);
  }
  profile.load(p);
}

const text = (tag, content, className) => Object.assign(document.createElement(tag), { textContent: content, className: className ?? '' });
const RATING = { meetsWithoutReservations: 'meets WWC standards without reservations', meetsWithReservations: 'meets WWC standards with reservations',
  doesNotMeet: 'does not meet WWC standards', notRated: 'not rated by WWC group-design standards' };
const CHECK = { independentResearch: 'Independent research', screenTime: 'Screen time', seaApproval: 'State approval',
  clearOutcomes: 'Clear outcomes', trainingIncluded: 'Training included', studentDataAdvertising: 'Student data', aiEvidence: 'Evidence for AI',
  unfavorableEvidence: 'Unfavourable evidence', returnOnMinutes: 'Return on minutes', coherence: "Coherence with the district's strategy" };
const VERDICT = { recommended: 'Recommended', caution: 'Proceed with caution', notRecommended: 'Not recommended' };

// The district policy: empty means the defaults; a problem is shown at the field.
const policyField = document.getElementById('policy');
const policyError = document.getElementById('policy-error');
function showPolicyProblem(message) {
  policyError.textContent = message;
  policyError.hidden = !message;
  if (message) policyField.setAttribute('aria-invalid', 'true');
  else policyField.removeAttribute('aria-invalid');
}
/** The policy typed, or undefined for the defaults; throws a sentence when it is not JSON. */
function readPolicy() {
  const text = policyField.value.trim();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new Error('The policy is not JSON: check its quotes, commas and braces.');
  }
}
policyField.addEventListener('input', () => showPolicyProblem(''));

form.addEventListener('submit', (e) => {
  e.preventDefault();
  const result = profile.showAll();
  const section = document.getElementById('verdict');
  const body = document.getElementById('verdict-body');
  if (!result.valid) {
    section.hidden = true;
    form.querySelector('[aria-invalid="true"]')?.focus();
    return;
  }
  let v;
  try {
    v = profile.vet(readPolicy());
    showPolicyProblem('');
  } catch (err) {
    // An invalid policy's message names its first problem at its path, and counts the others.
    showPolicyProblem(err.message);
    section.hidden = true;
    policyField.focus();
    return;
  }
  const checks = document.createElement('ul');
  checks.className = 'checklist';
  for (const c of v.checks) {
    const li = document.createElement('li');
    li.append(text('span', c.status, `tag ${c.status}`), text('strong', `${CHECK[c.id]}${c.redFlag ? ' (red flag)' : ''}. `), c.message);
    checks.append(li);
  }
  const studies = document.createElement('ul');
  for (const s of v.studies) {
    studies.append(text('li', `Study ${s.index + 1}: ${RATING[s.rating]}${s.g == null ? '' : `; g = ${s.g.toFixed(3)}`}${s.pValue == null ? '' : `, p = ${s.pValue.toFixed(3)}`}${s.significant ? ' (significant)' : ''}. ${s.reasons.join(' ')}`));
  }
  body.replaceChildren(
    text('p', `${VERDICT[v.verdict]}: ${v.redFlags} of ${v.checks.filter((c) => c.redFlag).length} red flags.`, `verdict ${v.verdict}`),
    checks,
    text('h3', v.essaTier ? `ESSA evidence tier ${v.essaTier}` : 'No ESSA evidence tier'),
    text('p', v.essaRationale),
    ...(v.studies.length ? [text('h3', 'Studies'), studies] : []),
  );
  section.hidden = false;
  document.getElementById('verdict-h').focus();
});

document.getElementById('import').addEventListener('change', async (e) => {
  const file = e.target.files[0];
  if (!file) return;
  try {
    load(JSON.parse(await file.text()));
    summary.textContent = `Imported ${file.name}. ${summary.textContent}`;
  } catch {
    summary.textContent = `${file.name} is not a JSON profile.`;
  }
});

document.getElementById('export').addEventListener('click', () => {
  const blob = new Blob([JSON.stringify(profile.read(), null, 2) + '\n'], { type: 'application/json' });
  const a = Object.assign(document.createElement('a'), { href: URL.createObjectURL(blob), download: 'product-profile.json' });
  document.body.append(a);
  a.click();
  a.remove();
});

document.getElementById('example').addEventListener('click', async () => {
  const response = await fetch('samples/profile.json');
  load(await response.json());
});

document.getElementById('example-policy').addEventListener('click', async () => {
  const response = await fetch('samples/policy.json');
  policyField.value = JSON.stringify(await response.json(), null, 2);
  showPolicyProblem('');
});

document.getElementById('import-policy').addEventListener('change', async (e) => {
  const file = e.target.files[0];
  if (!file) return;
  policyField.value = await file.text();
  showPolicyProblem('');
});
