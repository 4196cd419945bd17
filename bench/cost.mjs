// The cost test: each export on adversarial inputs at a size, twice that and four times that, in
// the wasm build from Node. Doubling the input should at most double the time and the memory
// the module grows by. Not a test (nothing fails on a time): `make bench` writes the table to
// BENCHMARKS.md. Run alone: node bench/cost.mjs
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ec = await import(path.join(root, 'pkg/evidence-check.js'));
ec.initSync({ module: fs.readFileSync(path.join(root, 'pkg/evidence_check_bg.wasm')) });

const gain = { metric: { kind: 'gain' }, paymentCard: [{ label: 'Met', atLeast: 5, centsPerStudent: 1000 }],
  fidelity: { minMinutesPerWeek: 10, minWeeks: 1 }, minCellSize: 10, onBadRow: 'skip' };
const profile = JSON.parse(fs.readFileSync(path.join(root, 'tests/fixtures/profiles/strong.json'), 'utf8'));

/** Ids of 16 bytes that all share one hash of the roster reader (see tests/node/hostile.test.mjs). */
function forgedIds(n) {
  const M64 = (1n << 64n) - 1n;
  const K = 0x517cc1b727220a95n;
  const rotl = (x, r) => ((x << BigInt(r)) | (x >> BigInt(64 - r))) & M64;
  const out = [];
  for (let i = 0; out.length < n; i++) {
    // A printable first word (a letter and seven digits), then the word that cancels it.
    const first = [0x41 + (i % 26), ...Array.from({ length: 7 }, (_, k) => 0x30 + (Math.floor(i / 26 / 10 ** k) % 10))];
    const w1 = first.reduce((w, b, k) => w | (BigInt(b) << BigInt(8 * k)), 0n);
    const h1 = ((rotl(16n, 5) ^ w1) * K) & M64;
    const w2 = rotl(h1, 5) ^ 0x0123456789abcdefn;
    const bytes = first.concat([...Array(8)].map((_, k) => Number((w2 >> BigInt(8 * k)) & 0xffn)));
    if (bytes.some((b) => b === 0x2c || b === 0x22 || b === 0x0a || b === 0x0d) || bytes[15] <= 0x20) continue;
    out.push(Buffer.from(bytes));
  }
  return out;
}

function roster(rows, cell = () => '') {
  let csv = 'student_id,pre,post,minutes,weeks,group,school\n';
  for (let i = 0; i < rows; i++) csv += `S${i},200,${200 + (i % 13)},600,20,${i % 3 ? 'T' : 'C'},${cell(i)}\n`;
  return csv;
}

const cases = [
  ['evaluateContract: ordinary roster', 'rows', 50000, (n) => () => ec.evaluateContract(gain, roster(n, (i) => `School ${i % 40}`))],
  ['evaluateContract: ids forged to share a hash', 'rows', 20000, (n) => {
    const row = Buffer.from(',200,210,600,20,T,A\n');
    const bytes = new Uint8Array(Buffer.concat([Buffer.from('student_id,pre,post,minutes,weeks,group,school\n'), ...forgedIds(n).flatMap((id) => [id, row])]));
    return () => ec.evaluateContract(gain, bytes);
  }],
  ['evaluateContract: one student, then blank lines', 'MB', 8, (n) => {
    const bytes = new TextEncoder().encode(roster(1, () => 'A') + '\n'.repeat(n << 20));
    return () => ec.evaluateContract(gain, bytes);
  }],
  ['evaluateContract: a distinct school per student', 'rows', 20000, (n) => () => ec.evaluateContract(gain, roster(n, (i) => `School ${i}`))],
  ['evaluateContract: 20 subgroup columns of many small cells (the disclosure audit)', 'rows', 1500, (n) => {
    // In each column, values held by 15 consecutive students (10 of them intervention students)
    // and one value held by 12 (8 intervention students): a lone small cell, which needs a
    // complement, in every column. Every student meets the target (gains 5 to 17), so that no
    // cell's own met and not-met counts are small.
    const columns = Array.from({ length: 20 }, (_, k) => `c${k}`);
    let csv = `student_id,pre,post,minutes,weeks,group,${columns.join(',')}\n`;
    const last = Math.floor((n - 12) / 15) - 1; // the last block takes the remainder
    for (let i = 0; i < n; i++) {
      const values = columns.map((_, k) => (i >= 12 * k && i < 12 * k + 12 ? 'B' : `V${Math.min(Math.floor((i < 12 * k ? i : i - 12) / 15), last)}`));
      csv += `S${i},200,${205 + (i % 13)},600,20,${i % 3 ? 'T' : 'C'},${values.join(',')}\n`;
    }
    const contract = { ...gain, subgroupColumns: columns, maxSubgroupValues: 1000 };
    return () => ec.evaluateContract(contract, csv);
  }],
  ['vetProduct: studies with findings and summaries', 'studies', 125, (n) => {
    const study = (i) => ({ title: `Study ${i}`, design: 'clusterRct', independent: true, sampleSize: 400, sites: 2,
      clusters: { intervention: 10, comparison: 10 }, attrition: { overall: 0.1, differential: 0.02 },
      findings: [0, 1, 2, 3].map((k) => ({ domain: `d${k % 2}`, measure: `m${k}`,
        summary: { kind: 'continuous', intervention: { n: 200, mean: 103 + k, sd: 10 }, comparison: { n: 200, mean: 100, sd: 10 } } })) });
    const p = { ...profile, studies: Array.from({ length: n }, (_, i) => study(i)) };
    return () => ec.vetProduct(p);
  }],
  ['verifyReport: a large report, a forged signature', 'KB', 256, (n) => {
    const report = JSON.stringify({ schema: 'evidence-check/outcomes-report@1', students: {}, pad: 'x'.repeat(n * 1024 - 80) });
    const sig = 'untrusted comment: x\nRUSLgT1Y1cBRtGVb+HUFc4Kzlq1mIZ26AtGd2nplj3tQpQ66kPbwpd/nWl7z3qHz06zDhqB7KOTQtGHW1vGtZ7RibZTpozAzAQ0=\ntrusted comment: x\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==\n';
    return () => ec.verifyReport(report, sig, ['RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3']);
  }],
];

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Time (median of 3) and memory growth of a fresh instance, for one call. */
function measure(call) {
  const times = [];
  let grown = 0;
  for (let run = 0; run < 3; run++) {
    // A fresh instance each run, so memory growth is this call's alone (the package re-creates
    // its instance after a trap).
    try { ec.__trapForTesting(); } catch { /* internalError, by design */ }
    const before = ec.wasmMemoryBytes();
    const t = performance.now();
    try { call(); } catch (e) { if (e.code === 'internalError') throw e; }
    times.push(performance.now() - t);
    grown = ec.wasmMemoryBytes() - before;
  }
  return { ms: median(times), grown };
}

/** The cost table as Markdown, with the ratios for each doubling. */
export function costTable() {
  const lines = ['| export and input | sizes | ms | wasm memory grown (MB) | time ratio per doubling | memory ratio per doubling |', '|---|---|---|---|---|---|'];
  for (const [name, unit, base, make] of cases) {
    const sizes = [base, base * 2, base * 4];
    const results = sizes.map((n) => measure(make(n)));
    const ratio = (k, f) => results.slice(1).map((r, i) => (f(results[i]) > 0 ? (f(r) / f(results[i])).toFixed(2) : '-')).join(', ');
    lines.push(`| ${name} | ${sizes.join(', ')} ${unit} | ${results.map((r) => r.ms.toFixed(1)).join(', ')} | ` +
      `${results.map((r) => (r.grown / 2 ** 20).toFixed(1)).join(', ')} | ${ratio(0, (r) => r.ms)} | ${ratio(0, (r) => r.grown)} |`);
    console.log(lines.at(-1));
  }
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) costTable();
