// evaluateContract through the package. The expected payment is computed by hand in
// src/evaluate/tests.rs (base 145,000 + outcome 14,000 - penalty 1,000 = 158,000 cents).
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import crypto from 'node:crypto';
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

test('a roster past 256 MB is read in pieces: wasm memory holds a piece and the students, not the file', () => {
  // 4,600 students, each row carrying a 60,000-byte notes column the contract does not read:
  // 276 MB, past the 256 MB the whole file once had to fit in.
  const notes = 60_000;
  const header = 'student_id,pre,post,minutes,weeks,notes\n';
  const row = (i) => `S${String(i).padStart(5, '0')},200,${200 + (i % 20)},${600 + (i % 3) * 300},20,`;
  const rowBytes = row(0).length + notes + 1;
  const students = 4_600;
  const huge = Buffer.alloc(header.length + students * rowBytes, 'x');
  huge.write(header, 0);
  for (let i = 0; i < students; i++) {
    const at = header.length + i * rowBytes;
    huge.write(row(i), at);
    huge[at + rowBytes - 1] = 10;
  }
  assert.ok(huge.length > 256 * 2 ** 20, `${huge.length} bytes`);
  const plain = `student_id,pre,post,minutes,weeks\n${Array.from({ length: students }, (_, i) => row(i).slice(0, -1)).join('\n')}\n`;
  const expected = ec.evaluateContract(contract, plain);
  const before = ec.wasmMemoryBytes();
  const r = ec.evaluateContract(contract, huge);
  assert.deepEqual(r.payment, expected.payment);
  assert.equal(r.students.rows, students);
  assert.equal(r.report.rosterDigest, `sha256:${crypto.createHash('sha256').update(huge).digest('hex')}`);
  const grown = ec.wasmMemoryBytes() - before;
  assert.ok(grown < 32 * 2 ** 20, `wasm memory grew by ${(grown / 2 ** 20).toFixed(1)} MB for a ${(huge.length / 2 ** 20).toFixed(0)} MB roster`);
  // Its ArrayBuffer alike.
  assert.deepEqual(ec.evaluateContract(contract, huge.buffer.slice(huge.byteOffset, huge.byteOffset + huge.length)).payment, expected.payment);
});

test('the roster digest is the same whether Node\'s crypto or the wasm takes it', () => {
  // Node 20.16 and later lend their native SHA-256 (process.getBuiltinModule); without it, as
  // in a browser, the wasm's own takes the digest. Both are SHA-256 of the bytes read.
  const text = `\ufeff${csv}É,200,210,600,20\r\nlone \ud800 half,200,210,600,20\n`;
  const bytes = Buffer.from(text, 'utf8');
  const expected = `sha256:${crypto.createHash('sha256').update(bytes).digest('hex')}`;
  const native = ec.evaluateContract(contract, text, { issued: '2026-12-06' });
  const lend = process.getBuiltinModule;
  let wasm;
  try {
    process.getBuiltinModule = undefined;
    wasm = ec.evaluateContract(contract, text, { issued: '2026-12-06' });
    const e = ec.createEvaluator(contract);
    for (let i = 0; i < bytes.length; i += 7) e.push(bytes.subarray(i, i + 7));
    assert.equal(e.finish().report.rosterDigest, expected);
    // A platform whose module lookup throws is one without it.
    process.getBuiltinModule = () => { throw new Error('no modules here'); };
    assert.equal(ec.evaluateContract(contract, bytes).report.rosterDigest, expected);
    // A crypto module that does not give SHA-256's known answer (a test's mock) is not used.
    process.getBuiltinModule = () => ({ createHash: () => ({ update() { return this; }, digest: () => '00'.repeat(32) }) });
    assert.equal(ec.evaluateContract(contract, bytes).report.rosterDigest, expected);
  } finally {
    process.getBuiltinModule = lend;
  }
  assert.equal(native.report.rosterDigest, expected);
  assert.deepEqual(wasm, native);
});
