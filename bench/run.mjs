// make bench: times evaluateContract on a deterministic 1,000,000-student roster in Node, in
// Chromium's Web Worker and natively, beside the peers an analyst would reach for (DuckDB-wasm,
// native DuckDB, a PapaParse pipeline) and a limit line (a newline scan of the same bytes), all
// in one run, then writes BENCHMARKS.md with the ratios. Not a test: nothing here fails on a time.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { writeRoster, contract } from './roster.mjs';
import { benchNode } from './node.mjs';
import { peerEvaluate } from './peer.mjs';
import { benchDuckNative, benchDuckWasm } from './duckdb.mjs';
import { createServer } from '../scripts/serve.mjs';
import { costTable } from './cost.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = path.join(root, 'target/bench');
const rosterPath = path.join(dir, 'roster-1m.csv');
const RUNS = 5;
fs.mkdirSync(dir, { recursive: true });
if (!fs.existsSync(rosterPath) || fs.statSync(rosterPath).mtimeMs < fs.statSync(path.join(root, 'bench/roster.mjs')).mtimeMs) {
  console.log('bench: writing the 1,000,000-row roster');
  writeRoster(rosterPath);
}
fs.writeFileSync(path.join(dir, 'contract.json'), JSON.stringify(contract));
const rosterBytes = fs.statSync(rosterPath).size;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

console.log('bench: Node (wasm)');
const node = await benchNode(rosterPath, RUNS);
const expected = node.result;
// The same call with threads: 2: Node workers read the roster's parts (js/evidence-parts.js).
const nodeParts = await benchNode(rosterPath, RUNS, { threads: 2 });
if (JSON.stringify(nodeParts.result) !== JSON.stringify(expected)) throw new Error('evaluateContract with threads: 2 differs');

console.log('bench: native');
const native = JSON.parse(execFileSync('cargo', ['run', '--quiet', '--release', '--example', 'bench_native', '--', rosterPath,
  path.join(dir, 'contract.json'), String(RUNS)], { cwd: root, encoding: 'utf8' }));
if (native.totalCents !== expected.payment.totalCents) throw new Error('native total differs');
// The same, the roster read in two parts at once (the reader's share of the time on two cores).
const nativeParts = JSON.parse(execFileSync('cargo', ['run', '--quiet', '--release', '--example', 'bench_native', '--', rosterPath,
  path.join(dir, 'contract.json'), String(RUNS), '2'], { cwd: root, encoding: 'utf8' }));
if (nativeParts.totalCents !== expected.payment.totalCents) throw new Error('native (2 threads) total differs');

console.log('bench: JS peer (PapaParse + simple-statistics)');
const text = fs.readFileSync(rosterPath, 'utf8');
const peerTimes = [];
let peer = peerEvaluate(text, contract);
for (let i = 0; i < RUNS; i++) {
  const t = performance.now();
  peer = peerEvaluate(text, contract);
  peerTimes.push(performance.now() - t);
}
const s = expected.students;
const agree = peer.totalCents === expected.payment.totalCents && peer.enrolled === s.enrolled && peer.atFidelity === s.atFidelity
  && peer.withOutcome === s.withOutcome && peer.metTarget === s.metTarget && peer.declined === s.declined
  && Math.abs(peer.growth.median - expected.growth.median) < 1e-9;
if (!agree) throw new Error(`the JS peer disagrees: ${JSON.stringify(peer)} vs ${JSON.stringify(expected.payment)}`);

// The SQL peers must find what we find: every count, the payment, the median and the effect.
const sameAsOurs = (name, r) => {
  const same = r.total_cents === expected.payment.totalCents && r.enrolled === s.enrolled && r.at_fidelity === s.atFidelity
    && r.with_outcome === s.withOutcome && r.met_target === s.metTarget && r.declined === s.declined && r.duplicates === 0
    && Math.abs(r.growth_median - expected.growth.median) < 1e-9 && Math.abs(r.g - peer.d) < 1e-9;
  if (!same) throw new Error(`${name} disagrees: ${JSON.stringify(r)}`);
};
console.log('bench: native DuckDB (all cores)');
const duckNative = await benchDuckNative(rosterPath, contract, RUNS);
sameAsOurs('native DuckDB', duckNative.result);
console.log('bench: DuckDB-wasm (Node, one thread)');
const duckWasm = await benchDuckWasm(rosterPath, contract, RUNS);
sameAsOurs('DuckDB-wasm', duckWasm.result);

// The limit line: the least any reader of these bytes must do, find each line's end.
const bytes = new Uint8Array(fs.readFileSync(rosterPath));
const newlineScan = () => {
  let lines = 0;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 10) lines++;
  return lines;
};
newlineScan();
const scanTimes = [];
for (let i = 0; i < RUNS; i++) {
  const t = performance.now();
  if (newlineScan() !== s.rows + 1) throw new Error('the newline scan counts other lines');
  scanTimes.push(performance.now() - t);
}

console.log('bench: Chromium (Web Worker)');
const server = createServer([['/bench-data/', dir], ['/bench/', path.join(root, 'bench')]]);
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu',
  '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'] });
const tab = await browser.newPage();
await tab.goto(`${base}/bench/page.html`);
const browserRun = await tab.evaluate(async ({ contract, runs }) => {
  const roster = await (await fetch('/bench-data/roster-1m.csv')).arrayBuffer();
  const worker = new Worker('/bench/worker.js', { type: 'module' });
  const once = () => new Promise((resolve) => {
    worker.onmessage = ({ data }) => resolve(data);
    const copy = roster.slice(0);
    worker.postMessage({ contract, roster: copy }, [copy]);
  });
  await once();
  const out = [];
  for (let i = 0; i < runs; i++) out.push(await once());
  return out;
}, { contract, runs: RUNS });
if (browserRun.some((r) => r.totalCents !== expected.payment.totalCents)) throw new Error('Chromium total differs');

// Start-up plus a first vetProduct, in a fresh page each time (module fetch, compile, call).
const profile = JSON.parse(fs.readFileSync(path.join(root, 'tests/fixtures/profiles/strong.json'), 'utf8'));
const startups = [];
for (let i = 0; i < RUNS + 1; i++) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${base}/bench/page.html`);
  startups.push(await page.evaluate(async (profile) => {
    const t = performance.now();
    const ec = await import('/pkg/evidence-check.js');
    await ec.default();
    const verdict = ec.vetProduct(profile);
    if (verdict.essaTier !== 1) throw new Error('unexpected verdict');
    return performance.now() - t;
  }, profile));
  await context.close();
}
startups.shift(); // the first run warms the server and the disk cache
await browser.close();
server.close();

console.log('bench: cost on adversarial inputs (doubling sizes)');
const cost = costTable();

const sizeOf = (file) => {
  const bytes = fs.readFileSync(path.join(root, 'pkg', file));
  return { raw: bytes.length, gz: zlib.gzipSync(bytes, { level: 9 }).length };
};
const kb = ({ raw, gz }) => `${(raw / 1024).toFixed(1)} KB raw, ${(gz / 1024).toFixed(1)} KB gzipped`;
// The badge's module (signed reports only) is what a vendor's page downloads; the full one
// (evaluator, vetting, statistics, the .xlsx reader) what the calculator, the form and Node load.
const badgeSize = sizeOf('evidence_badge_bg.wasm');
const fullSize = sizeOf('evidence_check_bg.wasm');
const t = {
  node: median(node.times), nodeParts: median(nodeParts.times), chromium: median(browserRun.map((r) => r.ms)), peer: median(peerTimes), native: median(native.times), nativeParts: median(nativeParts.times),
  duckWasm: median(duckWasm.times), duckNative: median(duckNative.times), scan: median(scanTimes), startup: median(startups),
};
// (Of the one-thread runs, before those with threads: 2 in the same instance.)
const memoryBeyond = node.wasmMemory - rosterBytes;
const cpu = (fs.readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) ?? [])[1] ?? os.cpus()[0]?.model ?? 'unknown';
const rows = [
  ['evaluateContract, Node (wasm)', t.node],
  ['evaluateContract, Node, threads: 2 (the roster read in 2 parts, one on a Node worker)', t.nodeParts],
  ['evaluateContract, Chromium Web Worker (wasm)', t.chromium],
  ['same Rust, native', t.native],
  ['same Rust, native, the roster read in 2 parts on 2 threads', t.nativeParts],
  ['DuckDB-wasm, Node (one thread): the rules as SQL', t.duckWasm],
  [`native DuckDB, Node (${duckNative.threads} threads): the rules as SQL`, t.duckNative],
  ['JS peer: PapaParse + simple-statistics + loop', t.peer],
  ['limit: a newline scan of the same bytes (JS loop)', t.scan],
];
const f1 = (x) => x.toFixed(1);
const f2 = (x) => x.toFixed(2);
const table = [
  `| pipeline (median of ${RUNS} after a warm-up) | ms | time / evaluateContract in Node |`, '|---|---:|---:|',
  ...rows.map(([name, ms]) => `| ${name} | ${f1(ms)} | ${f2(ms / t.node)} |`),
].join('\n');
const targets = [
  ['evaluateContract (Node) vs DuckDB-wasm', `${f2(t.duckWasm / t.node)}x faster`, '>= 3x', t.duckWasm / t.node >= 3],
  [`evaluateContract (Node) vs native DuckDB (${duckNative.threads} threads)`, `${f2(t.duckNative / t.node)}x faster`, '> 1x', t.duckNative > t.node],
  ['evaluateContract (Node) vs the newline scan', `${f2(t.node / t.scan)}x the scan's time`, '<= 4x', t.node <= 4 * t.scan],
  ['evaluateContract (Node) vs JS peer', `${f1(t.peer / t.node)}x faster`, '>= 10x', t.peer / t.node >= 10],
  ['wasm (Node) vs native', `${f2(t.node / t.native)}x native`, '<= 1.5x', t.node / t.native <= 1.5],
  ['wasm size: the badge\'s module', kb(badgeSize), '<= 150 KB gzipped', badgeSize.gz / 1024 <= 150],
  ['wasm size: the full module', kb(fullSize), 'none (reported)', null],
  ['start-up + first vetProduct (Chromium)', `${f1(t.startup)} ms`, '< 50 ms', t.startup < 50],
  ['evaluateContract (Node, threads: 2) vs DuckDB-wasm; vs native DuckDB; vs the scan', `${f2(t.duckWasm / t.nodeParts)}x faster; ${f2(t.duckNative / t.nodeParts)}x faster; ${f2(t.nodeParts / t.scan)}x the scan's time`, 'as above', t.duckWasm / t.nodeParts >= 3 && t.duckNative > t.nodeParts && t.nodeParts <= 4 * t.scan],
  ['wasm memory beyond the roster (1M rows)', `${f1(memoryBeyond / 1e6)} MB = ${(memoryBeyond / rosterBytes).toFixed(2)}x the roster`, '<= 2x the roster', memoryBeyond <= 2 * rosterBytes],
];
const targetTable = ['| measure | result | target | met |', '|---|---|---|---|',
  ...targets.map(([m, r, goal, ok]) => `| ${m} | ${r} | ${goal} | ${ok == null ? '—' : ok ? 'yes' : '**no**'} |`)].join('\n');
const stamp = new Date().toISOString().slice(0, 16).replace('T', ' ');
const machine = `${cpu}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
const summary = `Roster: ${rosterBytes.toLocaleString('en-US')} bytes, 1,000,000 students (bench/roster.mjs, deterministic). ` +
  `All pipelines agree: total ${expected.payment.totalCents.toLocaleString('en-US')} cents, ${s.enrolled.toLocaleString('en-US')} enrolled, ` +
  `${s.atFidelity.toLocaleString('en-US')} at fidelity, ${s.withOutcome.toLocaleString('en-US')} with an outcome ` +
  `(the SQL peers also the median growth and the effect size).`;
console.log(`\n${table}\n\n${targetTable}\n\n${summary}\n`);

const doc = path.join(root, 'BENCHMARKS.md');
const previous = fs.existsSync(doc) ? fs.readFileSync(doc, 'utf8') : '';
const notes = previous.includes('<!-- notes -->') ? previous.slice(previous.indexOf('<!-- notes -->')) : '<!-- notes -->\n';
const costSection = '## Cost on adversarial inputs\n\nEach export at a size, twice it and four times it (bench/cost.mjs): time (median of 3) and ' +
  'how much the module\'s memory grew, from a fresh instance each time. Doubling the input should at most double both; ' +
  'memory moves in steps because vectors grow by doubling.\n\n' + cost;
fs.writeFileSync(doc, `# Benchmarks\n\nLatest \`make bench\`: ${stamp} UTC on ${machine}.\n\n${summary}\n\n${table}\n\n${targetTable}\n\n${costSection}\n\n${notes}`);
console.log(`bench: wrote ${doc}`);
