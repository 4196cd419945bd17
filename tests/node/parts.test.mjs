// evaluateContract on more than one core in Node (options.threads, js/evidence-parts.js): a large byte roster read in
// parts by workers gives exactly what one reader gives, and every way the parts can fail sends
// the roster to one reader. The one reader (threads: 1) is the reference: its results are
// checked against hand computations in contract.test.mjs and src/evaluate/tests.rs.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import ec, { thrown, pkgDir } from './load.mjs';

const glue = await import(new URL('../../pkg/evidence_check.js', import.meta.url));
const { evaluateInParts, PARTS_MIN_BYTES } = await import(new URL('../../pkg/evidence-parts.js', import.meta.url));
const compiled = new WebAssembly.Module(fs.readFileSync(pkgDir + 'evidence_check_bg.wasm'));

const contract = {
  id: 'PARTS-1', productName: 'Parts', period: '2025-26',
  baseFeeCents: 500000, perStudentBaseCents: 700,
  metric: { kind: 'gain' },
  paymentCard: [
    { label: 'Some', atLeast: 5, centsPerStudent: 2500 },
    { label: 'Typical', atLeast: 10, centsPerStudent: 5000 },
  ],
  fidelity: { minMinutesPerWeek: 30, minWeeks: 20 },
  declinePenaltyCents: 1000,
  minCellSize: 10,
  subgroupColumns: ['ell', 'lang'],
  onBadRow: 'skip',
};

/**
 * A roster of `rows` students past PARTS_MIN_BYTES: deterministic, with CRLF and LF line ends,
 * blank lines, bad scores, missing post-tests, an id repeated across the halves, and a
 * language first met in the last rows. `edit(lines)` changes its lines before they are joined.
 */
function roster(rows = 250_000, edit = () => {}) {
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const lines = ['student_id,school,pre,post,minutes,weeks,ell,lang'];
  for (let i = 0; i < rows; i++) {
    const pre = 200 + Math.floor(rand() * 50);
    const post = rand() < 0.03 ? '' : rand() < 0.001 ? 'n/a' : String(pre + Math.floor(rand() * 25) - 5);
    const lang = i > rows - 50 ? 'tl' : ['en', 'es', 'vi'][i % 3];
    lines.push(`ST-${String(i).padStart(8, '0')},S${i % 300},${pre},${post},${600 + (i % 400)},${18 + (i % 5)},${i % 7 ? 'N' : 'Y'},${lang}${i % 11 ? '' : '\r'}`);
    if (i % 5000 === 0) lines.push('');
  }
  lines[rows - 10] = lines[20].replace(/,S\d+,/, ',S1,'); // ST-...19 again, near the end
  edit(lines);
  const bytes = new TextEncoder().encode(lines.join('\n') + '\n');
  assert.ok(bytes.length >= PARTS_MIN_BYTES, `${bytes.length} bytes`);
  return bytes;
}

const big = roster();
const oneReader = (bytes, options = {}, c = contract) => ec.evaluateContract(c, bytes, { ...options, threads: 1 });
const guarded = { __rosterCuts: glue.__rosterCuts, __contractText: glue.__contractText, __evaluateRosterParts: glue.__evaluateRosterParts };

test('a roster read in 2, 3 and 5 parts gives exactly what one reader gives', () => {
  const one = oneReader(big);
  // The bad scores and the id repeated across the halves are rows left out, in one reader too.
  assert.ok(one.rejectedCount > 100 && one.rejectedRows.length === 100, String(one.rejectedCount));
  assert.equal(one.students.rows + one.rejectedCount, 250_000);
  // On a worker (this machine may have 2 cores, and threads are at most the cores).
  const onWorker = evaluateInParts(guarded, compiled, contract, big, { threads: 2 });
  assert.notEqual(onWorker, undefined, 'read in parts');
  assert.deepEqual(onWorker, one);
  // More parts, each read here by the module as a worker reads it.
  for (const k of [2, 3, 5]) {
    const cuts = glue.__rosterCuts(big, k);
    assert.equal(cuts.length, k);
    const head = big.slice(0, cuts[0]);
    const sent = [...cuts.subarray(1)].map((start, i) => glue.__readRosterPart(contract, head, big.subarray(start, cuts[i + 2] ?? big.length)));
    assert.deepEqual(glue.__evaluateRosterParts(contract, big, k, () => sent), one, `${k} parts`);
  }
  // Through the package's own evaluateContract.
  assert.deepEqual(ec.evaluateContract(contract, big, { threads: 2 }), one);
  assert.deepEqual(ec.evaluateContract(contract, big.buffer, { threads: 2 }), one);
  assert.deepEqual(ec.evaluateContract(contract, big), one);
});

test('progress and the issue date are those of one reader', () => {
  const heard = [];
  const r = evaluateInParts(guarded, compiled, contract, big, { threads: 2, issued: '2026-06-30', onProgress: (f) => heard.push(f) });
  assert.equal(r.report.issued, '2026-06-30');
  assert.deepEqual(r, oneReader(big, { issued: '2026-06-30' }));
  assert.ok(heard.length > 2 && heard.every((f, i) => f > 0 && f <= 1 && (i === 0 || f >= heard[i - 1])), String(heard.slice(0, 5)));
  assert.equal(heard.at(-1), 1);
});

test('what parts cannot join is read by one reader, with the same answer or error', () => {
  // A quoted field before the last part: not read in parts at all.
  const quoted = roster(250_000, (lines) => { lines[5] = lines[5].replace(',S', ',"S').replace(/,(\d+),(\d*),/, '",$1,$2,'); });
  assert.equal(evaluateInParts(guarded, compiled, contract, quoted, { threads: 2 }), undefined);
  assert.deepEqual(ec.evaluateContract(contract, quoted, { threads: 2 }), oneReader(quoted));
  // A subgroup column past its limit (4 languages, 3 allowed; the fourth in the last part):
  // the same error as one reader's.
  const limited = { ...contract, maxSubgroupValues: 3 };
  assert.equal(evaluateInParts(guarded, compiled, limited, big, { threads: 2 }), undefined);
  const e = thrown(() => ec.evaluateContract(limited, big, { threads: 2 }));
  assert.deepEqual(e, thrown(() => ec.evaluateContract(limited, big, { threads: 1 })));
  assert.equal(e.code, 'invalidRoster');
  // Bad rows refused: the same error, its first hundred rows on the same lines.
  const strict = { ...contract, onBadRow: 'reject' };
  const rejected = thrown(() => evaluateInParts(guarded, compiled, strict, big, { threads: 2 }));
  assert.deepEqual(rejected, thrown(() => oneReader(big, {}, strict)));
  assert.equal(rejected.errors.length, 100);
  assert.ok(rejected.errorCount > 100 && rejected.errors.at(-1).line > big.length / 2 / 40, String(rejected.errors.at(-1).line));
  // A contract error is the same error before anything is read.
  const bad = { ...contract, minCellSize: -1 };
  const refused = thrown(() => ec.evaluateContract(bad, big, { threads: 2 }));
  assert.deepEqual(refused, thrown(() => ec.evaluateContract(bad, big, { threads: 1 })));
  assert.equal(refused.code, 'invalidContract');
});

test('parts that do not come back, or are not the roster\'s, are no answer', () => {
  const cuts = glue.__rosterCuts(big, 2);
  const head = big.slice(0, cuts[0]);
  const second = glue.__readRosterPart(contract, head, big.subarray(cuts[1]));
  assert.notEqual(glue.__evaluateRosterParts(contract, big, 2, () => [second]), undefined);
  // (What comes back is checked for its shape: lengths, codes, ids and offsets in range.)
  const garbled = second.slice();
  garbled[0] ^= 0xff;
  const overrun = second.slice();
  overrun[8 * 5 + 7] ^= 0x40; // the count of lines: past the bytes left
  const shifted = glue.__readRosterPart(contract, head, big.subarray(cuts[1] + 1));
  for (const [why, answer] of [['no answer', () => null], ['none', () => []], ['a throw', () => { throw new Error('lost'); }],
    ['not bytes', () => ['x']], ['cut short', () => [second.subarray(0, 100)]], ['garbled', () => [garbled]], ['overrun', () => [overrun]],
    ['another span', () => [shifted]], ['too many', () => [second, second]]]) {
    assert.equal(glue.__evaluateRosterParts(contract, big, 2, answer), undefined, why);
  }
});

test('threads is checked, and small rosters or one thread are read by one reader', () => {
  for (const threads of [0, 1.5, 65, '2', null]) {
    const e = thrown(() => ec.evaluateContract(contract, big, { threads }));
    assert.equal(e.code, 'invalidOptions', String(threads));
    assert.match(e.message, /threads/);
  }
  const small = big.subarray(0, PARTS_MIN_BYTES - 1).subarray(0, big.subarray(0, PARTS_MIN_BYTES - 1).lastIndexOf(10) + 1);
  assert.equal(evaluateInParts(guarded, compiled, contract, small, { threads: 2 }), undefined);
  assert.equal(evaluateInParts(guarded, compiled, contract, big, { threads: 1 }), undefined);
  assert.equal(evaluateInParts(guarded, compiled, contract, new TextDecoder().decode(big), { threads: 2 }), undefined);
});

test('the workers never keep a process alive', () => {
  const script = `
    import fs from 'node:fs';
    const ec = await import(${JSON.stringify(new URL('../../pkg/evidence-check.js', import.meta.url).href)});
    ec.initSync({ module: fs.readFileSync(${JSON.stringify(pkgDir + 'evidence_check_bg.wasm')}) });
    const bytes = new Uint8Array(fs.readFileSync(process.argv[1]));
    const r = ec.evaluateContract(${JSON.stringify(contract)}, bytes, { threads: 2 });
    console.log(r.payment.totalCents);`;
  const file = `${fs.mkdtempSync('/tmp/parts-')}/roster.csv`;
  fs.writeFileSync(file, big);
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script, file], { timeout: 60_000, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(Number(run.stdout.trim()), oneReader(big).payment.totalCents);
});

test('a Node Buffer roster is read in parts and left whole', () => {
  const file = `${fs.mkdtempSync('/tmp/parts-')}/roster.csv`;
  fs.writeFileSync(file, big);
  const buffer = fs.readFileSync(file); // a Buffer: its slice is a view, not a copy
  const length = buffer.length;
  const viaParts = evaluateInParts(guarded, compiled, contract, buffer, { threads: 2 });
  assert.notEqual(viaParts, undefined);
  assert.equal(buffer.length, length, 'the caller\'s bytes are still there');
  assert.deepEqual(viaParts, oneReader(buffer));
  // A view into a larger buffer, at an offset.
  const padded = new Uint8Array(big.length + 10);
  padded.set(big, 7);
  assert.deepEqual(ec.evaluateContract(contract, padded.subarray(7, 7 + big.length), { threads: 2 }), oneReader(big));
});

test('a call that stops before the workers answer leaves no answer for the next call', () => {
  // Roster B: A's second half with other scores, the same bytes long and cut in the same place.
  const cut = glue.__rosterCuts(big, 2)[1];
  const other = big.slice();
  for (let i = cut; i < other.length; i++) if (other[i] === 0x35) other[i] = 0x36; // '5' -> '6'
  assert.deepEqual([...glue.__rosterCuts(other, 2)], [...glue.__rosterCuts(big, 2)]);
  // The first call throws on its options after the workers were sent their parts.
  const refused = thrown(() => ec.evaluateContract(contract, big, { threads: 2, issued: 'not a date' }));
  assert.equal(refused.code, 'invalidOptions');
  const b = ec.evaluateContract(contract, other, { threads: 2 });
  assert.deepEqual(b, oneReader(other));
  assert.notDeepEqual(b.growth, oneReader(big).growth);
});

test('progress never goes back when the parts fail and the roster is read again', () => {
  const limited = { ...contract, maxSubgroupValues: 3 };
  const heard = [];
  const e = thrown(() => ec.evaluateContract(limited, big, { threads: 2, onProgress: (f) => heard.push(f) }));
  assert.equal(e.code, 'invalidRoster');
  assert.ok(heard.length > 2 && heard.every((f, i) => i === 0 || f >= heard[i - 1]), String(heard));
});

test('a contract is read once, as the one reader reads it', () => {
  const counting = () => {
    let reads = 0;
    return { ...contract, get minCellSize() { reads += 1; return reads === 1 ? 10 : 5; } };
  };
  assert.deepEqual(ec.evaluateContract(counting(), big, { threads: 2 }), oneReader(big, {}, counting()));
  // Read once even when the parts fail and the roster is read again: a limit of 3 languages
  // read first (the last part has 4), then 50.
  const limitOnce = () => {
    let reads = 0;
    return { ...contract, get maxSubgroupValues() { reads += 1; return reads === 1 ? 3 : 50; } };
  };
  const e = thrown(() => ec.evaluateContract(limitOnce(), big, { threads: 2 }));
  assert.equal(e.code, 'invalidRoster');
  assert.deepEqual(e, thrown(() => oneReader(big, {}, limitOnce())));
  // As JSON.stringify writes it: a toJSON on its prototype, or one not enumerable.
  class Contract { toJSON() { return contract; } }
  const hidden = Object.defineProperty({ ...contract, baseFeeCents: 1 }, 'toJSON', { value: () => contract });
  for (const c of [new Contract(), hidden]) {
    assert.deepEqual(ec.evaluateContract(c, big, { threads: 2 }), oneReader(big));
  }
});

test('options are read as the one reader reads them, and so is the roster\'s length', () => {
  const inherited = Object.create({ issued: '2025-06-30' });
  inherited.onProgress = () => {};
  inherited.threads = 2;
  assert.equal(ec.evaluateContract(contract, big, inherited).report.issued, '2025-06-30');
  const badDate = Object.create({ issued: 'not a date' });
  badDate.onProgress = () => {};
  badDate.threads = 2;
  assert.equal(thrown(() => ec.evaluateContract(contract, big, badDate)).code, 'invalidOptions');
  // A roster whose own `length` property says less than it holds: read by the one reader.
  const lying = big.slice();
  Object.defineProperty(lying, 'length', { value: PARTS_MIN_BYTES + 100 });
  assert.equal(evaluateInParts(guarded, compiled, contract, lying, { threads: 2 }), undefined);
  assert.deepEqual(ec.evaluateContract(contract, lying, { threads: 2 }), oneReader(lying));
});
