// evaluateContract through the package. The expected payment is computed by hand in
// src/evaluate/tests.rs (base 145,000 + outcome 14,000 - penalty 1,000 = 158,000 cents).
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import ec, { thrown } from './load.mjs';

const read = (name) => fs.readFileSync(new URL(`../fixtures/contracts/${name}`, import.meta.url));
const contract = JSON.parse(read('duval-style.json'));
const csv = read('roster-small.csv').toString('utf8');

test('string and bytes rosters give identical results', () => {
  const fromString = ec.evaluateContract(contract, csv);
  const fromBytes = ec.evaluateContract(contract, new TextEncoder().encode(csv));
  assert.deepEqual(fromBytes, fromString);
  assert.deepEqual(ec.evaluateContract(contract, new TextEncoder().encode(csv).buffer), fromString);
});

test('the payment and counts match the hand computation', () => {
  const r = ec.evaluateContract(contract, csv);
  assert.deepEqual(r.payment, {
    baseCents: 145000, outcomeCents: 14000, penaltyCents: 1000, totalCents: 158000, maximumCents: 190000,
    contingentShare: 45000 / 190000, capApplied: false, floorApplied: false, districtObligationMet: null,
  });
  assert.equal(r.students.enrolled, 9);
  assert.equal(r.students.atFidelity, 7);
  assert.equal(r.students.withOutcome, 6);
  assert.equal(r.students.metTarget, 4);
  assert.deepEqual(r.students.byTier.map((t) => [t.label, t.count]), [['Some', 2], ['Typical', 2]]);
  assert.equal(r.growth.n, 6);
  assert.ok(Math.abs(r.growth.median - 7.495) < 1e-9);
  assert.equal(r.effect, null);
  assert.equal(r.report.schema, 'evidence-check/outcomes-report@1');
  assert.equal(r.report.generator.version, ec.version());
  assert.deepEqual(r.doseResponse.map((c) => c.value), ['0-15', '15-30', '30-45', '45-60', '60+']);
});

test('onProgress: non-decreasing fractions in (0, 1], the last exactly 1', () => {
  let rows = 'student_id,pre,post,minutes,weeks\n';
  for (let i = 0; i < 50000; i++) rows += `S${i},200,${200 + (i % 17)},${500 + (i % 300)},20\n`;
  const seen = [];
  ec.evaluateContract(contract, new TextEncoder().encode(rows), { onProgress: (f) => seen.push(f) });
  assert.ok(seen.length >= 10, `only ${seen.length} calls`);
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i] >= seen[i - 1]);
  assert.ok(seen.every((f) => f > 0 && f <= 1));
  assert.equal(seen.at(-1), 1);
  // A throwing callback does not break the evaluation.
  const r = ec.evaluateContract(contract, csv, { onProgress: () => { throw new Error('ui gone'); } });
  assert.equal(r.payment.totalCents, 158000);
});

test('bad rows: reject throws with line numbers, skip reports them', () => {
  const bad = csv + 'B1,abc,1,1,1\nA1,200,210,600,20\nB3,1,2,3\n';
  const e = thrown(() => ec.evaluateContract(contract, bad));
  assert.equal(e.code, 'invalidRoster');
  assert.equal(e.errorCount, 3);
  assert.deepEqual(e.errors.map((x) => [x.line, x.code]), [[11, 'invalidNumber'], [12, 'duplicateId'], [13, 'wrongFieldCount']]);
  assert.equal(e.errors[0].column, 'pre');
  const r = ec.evaluateContract({ ...contract, onBadRow: 'skip' }, bad);
  assert.equal(r.rejectedCount, 3);
  assert.equal(r.payment.totalCents, 158000);
});

test('structural roster problems', () => {
  const code = (roster) => thrown(() => ec.evaluateContract(contract, roster)).errors[0].code;
  assert.equal(code(''), 'emptyFile');
  assert.equal(code('student_id,pre,post,minutes,weeks\n'), 'noRows');
  assert.equal(code('student_id,pre,post,weeks\nA,1,2,3\n'), 'missingColumn');
  const semi = thrown(() => ec.evaluateContract(contract, 'student_id;pre;post;minutes;weeks\nA;1;2;3;4\n'));
  assert.match(semi.message, /semicolons/);
  assert.equal(thrown(() => ec.evaluateContract(contract, 42)).code, 'invalidRoster');
});

test('an invalid contract throws invalidContract with paths', () => {
  const e = thrown(() => ec.evaluateContract({ ...contract, paymentCard: [], capCents: 1.5 }, csv));
  assert.equal(e.code, 'invalidContract');
  assert.deepEqual(e.errors.map((x) => [x.path, x.code]), [['paymentCard', 'empty'], ['capCents', 'fractionalCents']]);
});

test('the contract schema accepts the fixture and rejects what the reader rejects', () => {
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(ec.schemas().contract);
  assert.ok(validate(contract), JSON.stringify(validate.errors));
  for (const bad of [{ ...contract, paymentCard: [] }, { ...contract, baseFeeCents: -1 }, { ...contract, metric: { kind: 'vibes' } },
    { ...contract, belowFidelity: 'sometimes' }, { ...contract, extra: 1 }]) {
    assert.equal(validate(bad), false, JSON.stringify(bad));
    assert.equal(thrown(() => ec.evaluateContract(bad, csv)).code, 'invalidContract');
  }
});

test('the report never contains a student id', () => {
  const ids = ['STU-Q81-0001', 'STU-Q81-0002', 'STU-Q81-0003', 'STU-Q81-0004', 'STU-Q81-0005', 'STU-Q81-0006'];
  let roster = 'student_id,pre,post,minutes,weeks,group,school\n';
  ids.forEach((id, i) => { roster += `${id},${100 + i},${110 + 2 * i},${600 + i},20,${i % 2 ? 'C' : 'T'},School ${i % 3}\n`; });
  const r = ec.evaluateContract({ ...contract, subgroupColumns: ['school'] }, roster);
  const text = JSON.stringify(r.report);
  for (const id of ids) assert.ok(!text.includes(id), id);
  assert.ok(!text.includes('STU-Q81'));
});

test('an oversized roster is refused before it is copied, whatever its form', () => {
  const huge = new Uint8Array(256 * 1024 * 1024 + 1);
  for (const roster of [huge, huge.buffer]) {
    const e = thrown(() => ec.evaluateContract(contract, roster));
    assert.equal(e.code, 'invalidRoster');
    assert.equal(e.errors[0].code, 'tooLarge');
    assert.match(e.message, /largest roster accepted is 256 MB/);
  }
  assert.equal(ec.evaluateContract(contract, csv).payment.totalCents, 158000);
});
