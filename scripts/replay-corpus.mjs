// Replays fuzz cases through the wasm build and compares each with the native result, so that a
// failure only the wasm build has (a trap, a NaN, a different number) shows up.
// Usage: node scripts/replay-corpus.mjs cases.jsonl...   (written by fuzz's `decode` binary)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ec = await import(path.join(root, 'pkg/evidence-check.js'));
ec.initSync({ module: fs.readFileSync(path.join(root, 'pkg/evidence_check_bg.wasm')) });

/** Where two results differ (numbers compared to 1e-12, relative), or null. */
function difference(a, b, at = '') {
  if (typeof a === 'number' && typeof b === 'number') {
    return a === b || Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a), Math.abs(b)) ? null : `${at}: ${a} != ${b}`;
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b ? null : `${at}: ${JSON.stringify(a)} != ${JSON.stringify(b)}`;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    const d = difference(a[k], b[k], `${at}.${k}`);
    if (d) return d;
  }
  return null;
}

function run(c) {
  try {
    const ok = c.contract !== undefined
      ? ec.evaluateContract(c.contract, Buffer.from(c.roster, 'base64'))
      : ec.vetProduct(c.profile, c.policy ?? undefined);
    return { ok: JSON.parse(JSON.stringify(ok)) };
  } catch (e) {
    return { error: { code: e.code, message: e.message } };
  }
}

let cases = 0;
const failures = [];
for (const file of process.argv.slice(2)) {
  for (const line of fs.readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
    const c = JSON.parse(line);
    cases++;
    const wasm = run(c);
    if (wasm.error?.code === 'internalError') failures.push(`${c.file}: ${wasm.error.message}`);
    const d = difference(c.native, wasm);
    if (d) failures.push(`${c.file}: native and wasm differ at ${d}`);
  }
}
console.log(`replay: ${cases} cases through the wasm build, ${failures.length} failures`);
for (const f of failures.slice(0, 20)) console.log(`  ${f}`);
process.exit(failures.length ? 1 : 0);
