// make profile: where evaluateContract spends its time inside the wasm. Runs the profiling build
// (target/profile-pkg: release code with its function names kept) on the benchmark's roster under
// V8's sampling profiler, and prints each function's share of the samples (self time), the
// wasm's own functions by name. Not a test.
import fs from 'node:fs';
import path from 'node:path';
import { Session } from 'node:inspector/promises';
import { fileURLToPath } from 'node:url';
import { writeRoster, contract } from './roster.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rosterPath = process.argv[2] ?? path.join(root, 'target/bench/roster-1m.csv');
const runs = Number(process.argv[3] ?? 3);
if (!fs.existsSync(rosterPath)) {
  fs.mkdirSync(path.dirname(rosterPath), { recursive: true });
  writeRoster(rosterPath);
}
const pkg = path.join(root, 'target/profile-pkg');
const ec = await import(path.join(pkg, 'evidence_check.js'));
ec.initSync({ module: fs.readFileSync(path.join(pkg, 'evidence_check_bg.wasm')) });
const bytes = new Uint8Array(fs.readFileSync(rosterPath));
ec.evaluateContract(contract, bytes); // warm-up: compile the wasm's optimising tier

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 100 });
await session.post('Profiler.start');
const started = performance.now();
for (let i = 0; i < runs; i++) ec.evaluateContract(contract, bytes);
const ms = (performance.now() - started) / runs;
const { profile } = await session.post('Profiler.stop');
session.disconnect();

// Self time per function: each sample is charged to the node it landed in.
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
for (const id of profile.samples) {
  const { functionName, url } = byId.get(id).callFrame;
  const name = functionName || `(anonymous ${path.basename(url || '')})`;
  self.set(name, (self.get(name) ?? 0) + 1);
}
const total = profile.samples.length;
const rows = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 30);
console.log(`evaluateContract: ${ms.toFixed(1)} ms a run (${runs} runs, ${bytes.length.toLocaleString('en-US')} bytes); ${total} samples`);
console.log('share  function (self time)');
for (const [name, n] of rows) console.log(`${(100 * n / total).toFixed(1).padStart(5)}%  ${name.length > 110 ? `${name.slice(0, 107)}...` : name}`);
