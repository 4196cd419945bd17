// Writes the demo's signed sample: evaluates the sample contract on the synthetic roster,
// writes the outcomes report to www/samples/outcomes.json, signs it with the DEMO key using the
// real minisign tool, and writes a tampered copy that must fail verification.
// Run: node scripts/make-sample.mjs   (needs pkg/ built and minisign installed)
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { initSync, evaluateContract } from '../pkg/evidence-check.js';
import { sampleRoster, sampleContract } from '../js/sample-roster.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const samples = path.join(root, 'www/samples');
const keys = path.join(root, 'www/demo-key');
initSync({ module: fs.readFileSync(path.join(root, 'pkg/evidence_check_bg.wasm')) });

const result = evaluateContract(sampleContract, sampleRoster());
const report = JSON.stringify(result.report, null, 2) + '\n';
fs.mkdirSync(samples, { recursive: true });
const file = path.join(samples, 'outcomes.json');
fs.writeFileSync(file, report);
execFileSync('minisign', ['-S', '-s', path.join(keys, 'demo.key'), '-m', file,
  '-t', 'DEMO signature by the evidence-check demo evaluator, not a real agency: Readwell (demo) 2025-26'], { stdio: 'inherit' });
// The tampered copy: one number changed, the genuine signature kept.
const tampered = report.replace(/"totalCents": (\d+)/, (_, n) => `"totalCents": ${Number(n) + 100000}`);
fs.writeFileSync(path.join(samples, 'outcomes-tampered.json'), tampered);
fs.copyFileSync(file + '.minisig', path.join(samples, 'outcomes-tampered.json.minisig'));
console.log(`wrote ${file} (total ${result.payment.totalCents} cents) and its signature`);
