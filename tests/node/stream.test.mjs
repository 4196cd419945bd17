// createEvaluator through the package: a roster pushed piece by piece evaluates as the whole
// does (every chunking, bytes or text, characters cut in two), structural errors arrive from the
// push that meets them, a spent or lost evaluator says so, and the options are checked.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import ec, { thrown } from './load.mjs';

const read = (name) => fs.readFileSync(new URL(`../fixtures/contracts/${name}`, import.meta.url));
const contract = JSON.parse(read('duval-style.json'));
const csv = read('roster-small.csv');

const pushed = (bytes, size, options) => {
  const e = ec.createEvaluator(contract, options);
  for (let i = 0; i < bytes.length; i += size) e.push(bytes.subarray(i, i + size));
  return e.finish();
};

test('every chunking of the bytes gives evaluateContract\'s evaluation', () => {
  const whole = ec.evaluateContract(contract, csv);
  for (const size of [1, 2, 3, 7, 64, 1000, csv.length]) assert.deepEqual(pushed(csv, size), whole, `chunks of ${size}`);
  // ArrayBuffers and text too.
  const e = ec.createEvaluator(contract);
  e.push(csv.buffer.slice(csv.byteOffset, csv.byteOffset + 20));
  e.push(csv.subarray(20).toString('utf8'));
  assert.deepEqual(e.finish(), whole);
});

test('a character cut between two pushes, or between two pieces of a long text, is read whole', () => {
  // "é" (2 bytes) and "𝒜" (4 bytes; two UTF-16 units) in ids, cut at every byte.
  const text = 'student_id,pre,post,minutes,weeks\n' + Array.from({ length: 12 }, (_, i) => `Sé𝒜${i},200,${205 + i},600,20`).join('\n') + '\n';
  const bytes = Buffer.from(text, 'utf8');
  const c = { ...contract, subgroupColumns: [], assignedBy: 'student' };
  const whole = ec.evaluateContract(c, bytes);
  for (const size of [1, 2, 3, 5]) {
    const e = ec.createEvaluator(c);
    for (let i = 0; i < bytes.length; i += size) e.push(bytes.subarray(i, i + size));
    assert.deepEqual(e.finish(), whole, `chunks of ${size}`);
  }
  // A text past a piece (1,048,576 UTF-16 units) with a surrogate pair across the cut: its
  // digest is that of its UTF-8 bytes.
  let long = 'student_id,pre,post,minutes,weeks,n\n';
  let k = 0;
  for (; long.length < (1 << 20) - 3000; k++) long += `S${k},200,${205 + (k % 10)},600,20,${'y'.repeat(1000)}\n`;
  const prefix = `S${k},200,205,600,20,`;
  long += `${prefix}${'x'.repeat((1 << 20) - 1 - long.length - prefix.length)}𝒜\nS${k + 1},200,209,600,20,z\n`;
  assert.equal(long.charCodeAt((1 << 20) - 1), 0xd835, 'the pair straddles the first piece\'s end');
  const r = ec.evaluateContract(c, long);
  assert.equal(r.students.rows, k + 2);
  assert.equal(r.report.rosterDigest, ec.evaluateContract(c, Buffer.from(long, 'utf8')).report.rosterDigest);
});

test('progress: the share of options.size read, non-decreasing, reaching 1', () => {
  let rows = 'student_id,pre,post,minutes,weeks\n';
  for (let i = 0; i < 50000; i++) rows += `S${i},200,${200 + (i % 17)},${500 + (i % 300)},20\n`;
  const bytes = Buffer.from(rows);
  const seen = [];
  pushed(bytes, 64 << 10, { size: bytes.length, onProgress: (f) => seen.push(f) });
  assert.ok(seen.length >= 10, `only ${seen.length} calls`);
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i] >= seen[i - 1]);
  assert.ok(seen.every((f) => f > 0 && f <= 1));
  assert.equal(seen.at(-1), 1);
});

test('a structural error throws from the push that meets it, and from every call after', () => {
  const e = ec.createEvaluator(contract);
  e.push('student_id,pre,post');
  const first = thrown(() => e.push(',minutes\nA1,1,2,3\n'));
  assert.equal(first.code, 'invalidRoster');
  assert.equal(first.errors[0].code, 'missingColumn');
  assert.equal(thrown(() => e.push('more')).message, first.message);
  assert.equal(thrown(() => e.finish()).message, first.message);
  // An empty roster is found at the end.
  const empty = ec.createEvaluator(contract);
  empty.push(' \n');
  assert.equal(thrown(() => empty.finish()).errors[0].code, 'emptyFile');
});

test('a finished evaluator is spent; one lost to a restart says so; the next works', () => {
  const e = ec.createEvaluator(contract);
  e.push(csv);
  assert.equal(e.finish().payment.totalCents, 158000);
  const spent = thrown(() => e.push(csv));
  assert.equal(spent.code, 'invalidInput');
  assert.match(spent.message, /has finished: create another/);
  const live = ec.createEvaluator(contract);
  live.push(csv.subarray(0, 10));
  assert.equal(thrown(() => ec.__trapForTesting()).code, 'internalError');
  const lost = thrown(() => live.push(csv.subarray(10)));
  assert.equal(lost.code, 'internalError');
  assert.match(lost.message, /lost when evidence-check restarted/);
  assert.equal(pushed(csv, 100).payment.totalCents, 158000);
});

test('options are checked: a misspelt name or a size that is no byte count is refused', () => {
  const unknown = thrown(() => ec.createEvaluator(contract, { sise: 10 }));
  assert.equal(unknown.code, 'invalidOptions');
  assert.equal(unknown.message, 'The options object is not valid: sise: "sise" is not an option: the options are onProgress, issued and size.');
  for (const size of [-1, 1.5, '10', Infinity]) {
    const e = thrown(() => ec.createEvaluator(contract, { size }));
    assert.deepEqual([e.code, e.errors[0].path], ['invalidOptions', 'size'], String(size));
  }
  // evaluateContract has no size (it knows its roster's).
  assert.equal(thrown(() => ec.evaluateContract(contract, csv, { size: 10 })).errors[0].path, 'size');
  assert.equal(thrown(() => ec.createEvaluator({ paymentCard: [] })).code, 'invalidContract');
  assert.equal(thrown(() => ec.createEvaluator(contract).push(42)).code, 'invalidRoster');
  // The issue date reaches the report.
  const e = ec.createEvaluator(contract, { issued: '2026-12-06' });
  e.push(csv);
  assert.equal(e.finish().report.issued, '2026-12-06');
});

test('text cut between the two halves of a character, across pushes, is read as the whole text', () => {
  const c = { ...contract, subgroupColumns: [], assignedBy: 'student', onBadRow: 'skip' };
  const text = `student_id,pre,post,minutes,weeks\n${Array.from({ length: 12 }, (_, i) => `S😀${i % 11},200,${205 + i},600,20`).join('\n')}\n`;
  // S😀0 twice: a duplicate, left out (the contract skips bad rows).
  const whole = ec.evaluateContract(c, text);
  assert.equal(whole.rejectedRows[0]?.code, 'duplicateId');
  const cut = text.indexOf('😀') + 1; // between its two UTF-16 units
  const e = ec.createEvaluator(c);
  e.push(text.slice(0, cut));
  e.push(text.slice(cut));
  assert.deepEqual(e.finish(), whole);
  // A half left before bytes is U+FFFD, as TextEncoder writes it.
  const a = ec.createEvaluator(c);
  a.push(text.slice(0, cut));
  a.push(new TextEncoder().encode(text.slice(cut + 1)));
  assert.deepEqual(a.finish(), ec.evaluateContract(c, new TextEncoder().encode(`${text.slice(0, cut - 1)}\uFFFD${text.slice(cut + 1)}`)));
});

test('an evaluator ended by an error is freed, and repeats its error; a detached piece is refused', () => {
  const before = ec.wasmMemoryBytes();
  for (let i = 0; i < 5000; i++) {
    const e = ec.createEvaluator(contract, { size: 1e9 });
    thrown(() => e.push('a,b\n1,2\n'));
  }
  const grown = ec.wasmMemoryBytes() - before;
  assert.ok(grown < 4 * 2 ** 20, `5,000 refused evaluators kept ${(grown / 2 ** 20).toFixed(1)} MB`);
  const e = ec.createEvaluator(contract);
  const first = thrown(() => e.push('a,b\n1,2\n'));
  assert.equal(thrown(() => e.push(csv)), first);
  assert.equal(thrown(() => e.finish()), first);
  // A buffer transferred elsewhere has no bytes: refused with a typed error that ends the
  // evaluator (a piece not read is never skipped), as a piece of the wrong type does.
  const live = ec.createEvaluator(contract);
  live.push(csv.subarray(0, 10));
  const gone = new ArrayBuffer(8);
  structuredClone(gone, { transfer: [gone] });
  const detached = thrown(() => live.push(gone));
  assert.equal(detached.code, 'invalidRoster');
  assert.match(detached.message, /detached/);
  assert.equal(thrown(() => live.push(csv.subarray(10))), detached);
  const typed = ec.createEvaluator(contract);
  const wrong = thrown(() => typed.push(42));
  assert.equal(thrown(() => typed.finish()), wrong);
});

test('a text roster\'s progress is its share of the text, reaching 1 only at the end', () => {
  const c = { ...contract, subgroupColumns: [], assignedBy: 'student' };
  let text = 'student_id,pre,post,minutes,weeks\n';
  for (let i = 0; i < 120000; i++) text += `学生${i},200,${200 + (i % 17)},${500 + (i % 300)},20\n`;
  const seen = [];
  ec.evaluateContract(c, text, { onProgress: (f) => seen.push(f) });
  assert.ok(seen.length >= 3, `${seen.length} calls`);
  // 1 once the text is read, then at the end of the evaluation; never before.
  assert.ok(seen.filter((f) => f === 1).length <= 2 && seen.slice(seen.indexOf(1)).every((f) => f === 1), `${seen.map((f) => f.toFixed(2))}`);
  assert.ok(seen.some((f) => f > 0 && f < 1));
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i] >= seen[i - 1]);
});
