// Every export called with garbage of every JS type: the typed error (or, for validateProfile
// and verifyReport, the failure value), never a RuntimeError, and the module still answers.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import ec from './load.mjs';

const cyclic = {};
cyclic.self = cyclic;
let deep = {};
for (let i = 0; i < 5000; i++) deep = { a: deep };
const garbage = [
  undefined, null, 0, -1, NaN, Infinity, 1e308, 'x', '', '{"not":"closed"', '[]', [], [1, 'a', null], {}, { kind: 1 },
  new Uint8Array([0xff, 0xfe, 0, 1]), new Float64Array(4), new ArrayBuffer(8), true, () => 1, Symbol('s'), 10n,
  cyclic, deep, { studies: [{ summary: { kind: 'continuous', intervention: 'x' } }] }, new Date(0), new Map([[1, 2]]),
];

const contract = JSON.parse(fs.readFileSync(new URL('../fixtures/contracts/duval-style.json', import.meta.url)));
const roster = fs.readFileSync(new URL('../fixtures/contracts/roster-small.csv', import.meta.url), 'utf8');
const profile = JSON.parse(fs.readFileSync(new URL('../fixtures/profiles/strong.json', import.meta.url)));

function stillWorks() {
  assert.equal(ec.evaluateContract(contract, roster).payment.totalCents, 158000);
  assert.equal(ec.vetProduct(profile).essaTier, 1);
}

/** The call throws a typed error, or (some garbage is a fine input: an empty policy, say)
 * returns an object that `valid` accepts. */
function throwsTyped(fn, label, valid = () => false) {
  let result;
  try {
    result = fn();
  } catch (e) {
    assert.ok(!(e instanceof WebAssembly.RuntimeError), `${label}: RuntimeError ${e.message}`);
    assert.ok(e instanceof Error, `${label}: threw ${String(e)}`);
    assert.equal(typeof e.code, 'string', `${label}: no code on ${e.message}`);
    assert.ok(e.message.length > 10, label);
    return;
  }
  assert.ok(valid(result), `${label}: no error, and the answer is not a real one: ${JSON.stringify(result)}`);
}

test('effectSize, minimumDetectableEffect, vetProduct, evaluateContract: typed errors only', () => {
  // Garbage that is a fine input (no policy, no options) must give the default answer.
  const defaultVetting = JSON.stringify(ec.vetProduct(profile));
  const isDefaultVetting = (r) => JSON.stringify(r) === defaultVetting;
  const isDefaultPayment = (r) => r?.payment?.totalCents === 158000;
  garbage.forEach((g, i) => {
    throwsTyped(() => ec.effectSize(g), `effectSize #${i}`);
    throwsTyped(() => ec.minimumDetectableEffect(g), `minimumDetectableEffect #${i}`);
    throwsTyped(() => ec.vetProduct(g), `vetProduct #${i}`);
    throwsTyped(() => ec.vetProduct(profile, g), `vetProduct policy #${i}`, isDefaultVetting);
    throwsTyped(() => ec.evaluateContract(g, roster), `evaluateContract contract #${i}`);
    throwsTyped(() => ec.evaluateContract(contract, g), `evaluateContract roster #${i}`);
    throwsTyped(() => ec.evaluateContract(contract, roster, g), `evaluateContract options #${i}`, isDefaultPayment);
  });
  stillWorks();
});

test('validateProfile and verifyReport answer with a failure value, never throw', () => {
  garbage.forEach((g, i) => {
    const v = ec.validateProfile(g);
    assert.equal(v.valid, false, `validateProfile #${i}`);
    assert.ok(v.errors.length > 0 && v.errors.every((e) => typeof e.code === 'string'));
    for (const args of [[g, g, g], ['{}', g, ['RWQ']], [g, 'x', g], ['{}', 'x', { evaluator: g, keyList: g }], ['{}', 'x', ['RWQ'], g],
      ['{}', 'x', { evaluator: 'https://tea.example.gov', keyList: '{}' }, g]]) {
      const r = ec.verifyReport(...args);
      assert.equal(r.valid, false, `verifyReport #${i}`);
      assert.equal(typeof r.error.code, 'string');
    }
  });
  stillWorks();
});

test('evaluatorOrigin, readKeyList and readReport: typed errors only', () => {
  garbage.forEach((g, i) => {
    throwsTyped(() => ec.evaluatorOrigin(g), `evaluatorOrigin #${i}`);
    throwsTyped(() => ec.readKeyList(g), `readKeyList #${i}`);
    throwsTyped(() => ec.readReport(g), `readReport #${i}`);
  });
  stillWorks();
});

test('schemas and version take no input and always answer', () => {
  assert.equal(typeof ec.version(), 'string');
  assert.equal(typeof ec.schemas().contract, 'object');
});

test('the string and bytes paths agree on random rosters', () => {
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let k = 0; k < 50; k++) {
    let csv = 'student_id,pre,post,minutes,weeks,group\n';
    const n = 1 + Math.floor(rand() * 40);
    for (let i = 0; i < n; i++) {
      const post = rand() < 0.1 ? '' : String(150 + Math.floor(rand() * 100));
      csv += `ß-${i},${150 + Math.floor(rand() * 60)},${post},${Math.floor(rand() * 1500)},${1 + Math.floor(rand() * 30)},${rand() < 0.7 ? 'T' : 'C'}\n`;
    }
    const c = { ...contract, onBadRow: 'skip' };
    assert.deepEqual(ec.evaluateContract(c, new TextEncoder().encode(csv)), ec.evaluateContract(c, csv));
  }
});
