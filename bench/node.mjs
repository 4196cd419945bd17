// evaluateContract on the roster bytes in Node (with `options`, such as { threads: 2 }): median
// of runs after a warm-up, and the wasm memory the run needed.
import fs from 'node:fs';
import { contract } from './roster.mjs';

export async function benchNode(rosterPath, runs = 5, options = {}) {
  const ec = await import('../pkg/evidence-check.js');
  ec.initSync({ module: fs.readFileSync(new URL('../pkg/evidence_check_bg.wasm', import.meta.url)) });
  const bytes = new Uint8Array(fs.readFileSync(rosterPath));
  const before = ec.wasmMemoryBytes();
  let result = ec.evaluateContract(contract, bytes, options); // warm-up (and the workers' start)
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    result = ec.evaluateContract(contract, bytes, options);
    times.push(performance.now() - t);
  }
  return { times, result, wasmMemory: ec.wasmMemoryBytes(), wasmMemoryBefore: before };
}
