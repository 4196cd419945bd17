// The inputs that used to trap, hang or exhaust memory, each now a typed error or a correct
// result in the wasm build; and a module that stays sound through traps and hostile calls.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import ec, { thrown } from './load.mjs';

const contract = JSON.parse(fs.readFileSync(new URL('../fixtures/contracts/duval-style.json', import.meta.url)));
const roster = fs.readFileSync(new URL('../fixtures/contracts/roster-small.csv', import.meta.url), 'utf8');
const profile = JSON.parse(fs.readFileSync(new URL('../fixtures/profiles/strong.json', import.meta.url)));
const memory = () => ec.wasmMemoryBytes();
const { version } = JSON.parse(fs.readFileSync(new URL('../../pkg/package.json', import.meta.url)));

function answersCorrectly() {
  assert.equal(ec.version(), version);
  assert.equal(ec.evaluateContract(contract, roster).payment.totalCents, 158000);
  assert.equal(ec.vetProduct(profile).essaTier, 1);
  assert.ok(Math.abs(ec.effectSize({ kind: 'continuous', intervention: { n: 3, mean: 6, sd: 1 }, comparison: { n: 3, mean: 5, sd: 1 } }).g - 0.8) < 1e-12);
}

const gain = { metric: { kind: 'gain' }, paymentCard: [{ label: 'Met', atLeast: 5, centsPerStudent: 1000 }],
  fidelity: { minMinutesPerWeek: 10, minWeeks: 1 }, minCellSize: 5 };

test('every student with the same pre-test, with a comparison group: a result, the baseline left out', () => {
  for (const pre of [0, 180]) {
    let csv = 'student_id,pre,post,minutes,weeks,group\n';
    for (let i = 0; i < 40; i++) csv += `S${i},${pre},${pre + (i % 7)},600,20,${i % 2 ? 'T' : 'C'}\n`;
    const r = ec.evaluateContract(gain, csv);
    assert.equal(r.effect.baselineG, null, 'no spread in the pre-test: no baseline effect size');
    assert.ok(Number.isFinite(r.effect.g) && Number.isFinite(r.effect.pValue));
  }
});

test('a postScore contract where one comparison student has a pre-test: a result', () => {
  let csv = 'student_id,pre,post,minutes,weeks,group\n';
  for (let i = 0; i < 20; i++) csv += `S${i},${i === 1 ? 150 : ''},${200 + (i % 5)},600,20,${i % 2 ? 'T' : 'C'}\n`;
  const r = ec.evaluateContract({ ...gain, metric: { kind: 'postScore' } }, csv);
  assert.equal(r.effect.baselineG, null);
  assert.equal(r.students.rows, 20);
});

test('effectSize and vetProduct with a standard deviation of 1e-300: typed error, reason', () => {
  const e = thrown(() => ec.effectSize({ kind: 'continuous', intervention: { n: 30, mean: 5, sd: 1e-300 }, comparison: { n: 30, mean: 5, sd: 1e-300 } }));
  assert.equal(e.code, 'degenerateStatistics');
  const study = { title: 'Hostile', design: 'rct', independent: true, sampleSize: 60, sites: 1,
    summary: { kind: 'continuous', intervention: { n: 30, mean: 5, sd: 1e-300 }, comparison: { n: 30, mean: 5, sd: 1e-300 } } };
  const v = ec.vetProduct({ ...profile, studies: [study] });
  assert.equal(v.studies[0].g, null);
  assert.match(v.studies[0].reasons[0], /no usable spread/);
});

test('after 300 traps every export still answers, with an internalError for each trap', () => {
  for (let i = 0; i < 300; i++) {
    const e = thrown(() => ec.__trapForTesting());
    assert.equal(e.code, 'internalError');
    assert.equal(e.name, 'EvidenceCheckError');
  }
  answersCorrectly();
});

test('1,000 consecutive hostile calls leave the instance answering correctly', () => {
  const hostile = [
    () => ec.effectSize({ kind: 'continuous', intervention: { n: 30, mean: 5, sd: 1e-300 }, comparison: { n: 30, mean: 5, sd: 1e-300 } }),
    () => ec.effectSize({ kind: 'dichotomous', intervention: { n: 1e9, proportion: 1e-300 }, comparison: { n: 2, proportion: 0.999999999 } }),
    () => ec.minimumDetectableEffect({ design: 'individual', n: 1e9 }),
    () => ec.minimumDetectableEffect({ design: 'cluster', clusters: 1e9, clusterSize: 1e9, icc: 0.999999 }),
    () => ec.vetProduct({ ...profile, studies: [{ title: 'x', design: 'clusterRct', independent: true, sampleSize: 1, sites: 1,
      clusters: { intervention: 1, comparison: 1 }, summary: { kind: 'continuous', intervention: { n: 2, mean: 1e300, sd: 1e-300 }, comparison: { n: 2, mean: -1e300, sd: 1e-300 } } }] }),
    () => ec.evaluateContract(gain, 'student_id,pre,post,minutes,weeks,group\nA,1,1,1,1,T\nB,1,1,1,1,C\nC,1,1,1,1,T\nD,1,1,1,1,C\n'),
    () => ec.evaluateContract(gain, 'student_id,pre,post,minutes,weeks\n' + '\n'.repeat(100000)),
    () => ec.evaluateContract(gain, new Uint8Array([0xff, 0xfe, 0x00])),
    () => ec.verifyReport('{}', 'x'.repeat(100000), ['RW'.repeat(50000)]),
    () => ec.validateProfile('['.repeat(200)),
    () => ec.effectSize(JSON.parse('['.repeat(120) + ']'.repeat(120))),
  ];
  for (let i = 0; i < 1000; i++) {
    try {
      hostile[i % hostile.length]();
    } catch (e) {
      assert.ok(!(e instanceof WebAssembly.RuntimeError), String(e));
      assert.notEqual(e.code, 'internalError', `call ${i}: ${e.message}`);
      assert.equal(typeof e.code, 'string');
    }
  }
  answersCorrectly();
});

test('a header, one row and 60 MB of blank lines: a result, memory for one student', () => {
  const before = memory();
  const csv = 'student_id,pre,post,minutes,weeks,a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t\nA1,200,210,600,20' + ',x'.repeat(20) + '\n' + '\n'.repeat(60 << 20);
  const r = ec.evaluateContract({ ...gain, minCellSize: 5, subgroupColumns: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p', 'q', 'r', 's', 't'] }, csv);
  assert.equal(r.students.rows, 1);
  // The file's own copy (60 MB) and a little more, never reservations sized by the blank lines.
  assert.ok(memory() - before < 100 << 20, `wasm memory grew by ${(memory() - before) >> 20} MB`);
});

/** 64-bit arithmetic for the roster reader's id hash (src/roster.rs fx_hash), to forge collisions. */
const M64 = (1n << 64n) - 1n;
const K = 0x517cc1b727220a95n;
const rotl = (x, r) => ((x << BigInt(r)) | (x >> BigInt(64 - r))) & M64;
const le = (bytes) => bytes.reduce((w, b, i) => w | (BigInt(b) << BigInt(8 * i)), 0n);

test('40,000 ids forged to share one hash: duplicates found exactly, in a sort, not quadratic time', { timeout: 30000 }, () => {
  // 16-byte ids: h1 = (rotl(16, 5) ^ w1) K; choosing w2 = rotl(h1, 5) ^ T gives every id the same h2 = T K.
  const target = 0x0123456789abcdefn;
  const ids = [];
  for (let i = 0; ids.length < 40000; i++) {
    const w1 = [0x41 + (i % 26), ...Array.from({ length: 7 }, (_, k) => 0x30 + (Math.floor(i / 26 / 10 ** k) % 10))];
    const h1 = ((rotl(16n, 5) ^ le(w1)) * K) & M64;
    const w2 = rotl(h1, 5) ^ target;
    const tail = Array.from({ length: 8 }, (_, k) => Number((w2 >> BigInt(8 * k)) & 0xffn));
    // Keep ids a CSV reader takes as one plain field.
    if (tail.some((b) => b === 0x2c || b === 0x22 || b === 0x0a || b === 0x0d) || tail[7] <= 0x20) continue;
    ids.push([...w1, ...tail]);
  }
  const parts = [Buffer.from('student_id,pre,post,minutes,weeks\n')];
  const row = Buffer.from(',200,210,600,20\n');
  for (const id of ids) parts.push(Buffer.from(id), row);
  parts.push(Buffer.from(ids[7]), row); // one real duplicate among the collisions
  const r = ec.evaluateContract({ ...gain, onBadRow: 'skip' }, new Uint8Array(Buffer.concat(parts)));
  assert.equal(r.students.rows, 40000);
  assert.equal(r.rejectedCount, 1);
  assert.equal(r.rejectedRows[0].code, 'duplicateId');
  assert.equal(r.rejectedRows[0].line, 40002);
  assert.match(r.rejectedRows[0].message, /already appears on line 9\./);
});

test('many distinct subgroup values are refused by count, with the column named', () => {
  let csv = 'student_id,pre,post,minutes,weeks,home_language\n';
  for (let i = 0; i < 2000; i++) csv += `S${i},200,210,600,20,L${i}\n`;
  const e = thrown(() => ec.evaluateContract({ ...gain, subgroupColumns: ['home_language'] }, csv));
  assert.equal(e.code, 'invalidRoster');
  assert.equal(e.errors[0].code, 'tooManyValues');
  assert.equal(e.errors[0].column, 'home_language');
  // 40,000 distinct schools are fine: no hashing an attacker can flood.
  let schools = 'student_id,pre,post,minutes,weeks,school\n';
  for (let i = 0; i < 40000; i++) schools += `S${i},200,210,600,20,School ${i}\n`;
  assert.equal(ec.evaluateContract(gain, schools).students.rows, 40000);
});

test('minimumDetectableEffect with 30 million and a billion students returns, exact', () => {
  assert.ok(Math.abs(ec.minimumDetectableEffect({ design: 'individual', n: 30000000 }).multiplier - 2.8015853091700493) < 1e-6);
  assert.ok(Math.abs(ec.minimumDetectableEffect({ design: 'individual', n: 1e9 }).multiplier - 2.8015852208446805) < 1e-6);
});

test('oversized inputs are refused before they are copied into wasm memory', () => {
  const before = memory();
  const huge = 'x'.repeat(200e6);
  assert.equal(thrown(() => ec.evaluateContract(huge, roster)).code, 'invalidContract');
  assert.equal(thrown(() => ec.vetProduct(huge)).code, 'invalidProfile');
  assert.equal(ec.validateProfile(huge).errors[0].code, 'invalidProfile');
  const keys = ec.verifyReport('{}', 'x', [huge, huge, huge]);
  assert.equal(keys.error.code, 'malformedKey');
  assert.equal(ec.verifyReport(huge, 'x', ['RW']).error.code, 'malformedReport');
  assert.equal(ec.verifyReport('{}', huge, ['RW']).error.code, 'malformedSignature');
  // 90 million UTF-16 units, 270 MB of UTF-8, on one line: read in pieces, and refused as a
  // header row past 64 KB without the whole held.
  const e = thrown(() => ec.evaluateContract(contract, '€'.repeat(90e6)));
  assert.equal(e.errors[0].code, 'rowTooLong');
  assert.ok(memory() - before < 16 << 20, `wasm memory grew by ${(memory() - before) >> 20} MB`);
});

test('an export called before the module is loaded throws notInitialised', async () => {
  const fresh = await import(new URL('../../pkg/evidence-check.js?fresh', import.meta.url));
  const e = thrown(() => fresh.effectSize({}));
  assert.equal(e.code, 'notInitialised');
  assert.match(e.message, /await init\(\)/);
});
