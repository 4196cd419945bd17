import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import ec, { thrown } from './load.mjs';

test('version() equals the crate version in Cargo.toml', () => {
  const cargo = fs.readFileSync(new URL('../../Cargo.toml', import.meta.url), 'utf8');
  const crateVersion = cargo.match(/^version = "([^"]+)"/m)[1];
  assert.equal(ec.version(), crateVersion);
});

test('a thrown error is a real Error with a stable code, a sentence and field errors', () => {
  const e = thrown(() => ec.effectSize({ kind: 'continuous', intervention: { n: 1, mean: 1, sd: 1 }, comparison: { n: 5, mean: 1, sd: 1 } }));
  assert.ok(e instanceof Error);
  assert.equal(e.name, 'EvidenceCheckError');
  assert.equal(e.code, 'invalidInput');
  assert.match(e.message, /^The effect-size input is not valid: intervention\.n: A group needs at least 2 students\.$/);
  assert.deepEqual(e.errors, [{ path: 'intervention.n', code: 'outOfRange', message: 'A group needs at least 2 students.' }]);
  assert.ok(typeof e.stack === 'string');
});

test('a missing argument is a typed error, not a crash', () => {
  const e = thrown(() => ec.effectSize());
  assert.equal(e.code, 'invalidInput');
  assert.equal(e.message, 'The effect-size input is missing.');
  assert.equal(ec.version().length > 0, true, 'the module still answers');
});

test('the package declares TypeScript types for its API', () => {
  const dts = fs.readFileSync(new URL('../../pkg/evidence_check.d.ts', import.meta.url), 'utf8');
  for (const decl of ['export interface EvidenceCheckError', 'export interface OutcomesReport', 'export type Verification',
    'export function effectSize(input: EffectSizeInput): EffectSizeResult;',
    'export function verifyReport(report: string | Uint8Array | ArrayBuffer, signature: string, trust: EvaluatorTrust | string | string[], expect?: VerifyExpect): Verification;',
    'export function evaluateContract(contract: Contract | string, roster: string | Uint8Array | ArrayBuffer, options?: EvaluateOptions): Evaluation;',
    'export function evaluatorOrigin(origin: string, pageOrigin?: string): EvaluatorOrigin;']) {
    assert.ok(dts.includes(decl), decl);
  }
});
