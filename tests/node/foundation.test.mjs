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
    'export function evaluateContract(contract: Contract | string, roster: string | Uint8Array | ArrayBuffer | DistrictFiles, options?: EvaluateOptions): Evaluation;',
    'export function evaluatorOrigin(origin: string, pageOrigin?: string): EvaluatorOrigin;']) {
    assert.ok(dts.includes(decl), decl);
  }
});

test('evaluateContract refuses an unknown or ill-typed option rather than ignoring it', () => {
  const contract = { metric: { kind: 'gain' }, paymentCard: [{ label: 'Met', atLeast: 5, centsPerStudent: 1000 }], fidelity: { minMinutesPerWeek: 30, minWeeks: 10 } };
  const roster = 'student_id,pre,post,minutes,weeks\nA,1,9,600,20\n';
  let calls = 0;
  assert.equal(ec.evaluateContract(contract, roster, { onProgress: () => { calls += 1; } }).payment.totalCents, 1000);
  assert.ok(calls > 0, 'onProgress is called');
  assert.equal(ec.evaluateContract(contract, roster, null).payment.totalCents, 1000);
  const cases = [
    [{ onProgres: () => {} }, [['onProgres', 'unknownField']], /"onProgres" is not an option: the options are onProgress, issued and threads\./],
    [{ onProgress: 5 }, [['onProgress', 'wrongType']], /Expected onProgress to be a function/],
    ['fast', [['', 'wrongType']], /Expected the options as an object/],
    [[() => {}], [['', 'wrongType']], /Expected the options as an object/],
  ];
  for (const [options, errors, message] of cases) {
    const e = thrown(() => ec.evaluateContract(contract, roster, options));
    assert.equal(e.code, 'invalidOptions', JSON.stringify(options));
    assert.deepEqual(e.errors.map((x) => [x.path, x.code]), errors);
    assert.match(e.message, message);
  }
});

test('in Node, init() needs no argument, and takes a path or a file: URL', async () => {
  const { execFileSync } = await import('node:child_process');
  const entry = new URL('../../pkg/evidence-check.js', import.meta.url).href;
  const wasm = new URL('../../pkg/evidence_check_bg.wasm', import.meta.url);
  for (const arg of ['', `'${wasm.href}'`, `${JSON.stringify(wasm.pathname)}`, `new URL('${wasm.href}')`]) {
    const script = `import init, { version } from '${entry}'; await init(${arg}); console.log(version());`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.equal(out.trim(), ec.version(), `init(${arg})`);
  }
});

test('the package maps the module, its components, the stylesheet and the wasm in its exports, each file present', () => {
  const manifest = JSON.parse(fs.readFileSync(new URL('../../pkg/package.json', import.meta.url), 'utf8'));
  assert.deepEqual(Object.keys(manifest.exports), ['.', './evidence-check.js', './evidence-badge.js', './evidence-calculator.js',
    './profile-form.js', './evidence-calculator.css', './evidence-verify.js', './evidence_check_bg.wasm', './evidence_badge_bg.wasm',
    './package.json']);
  assert.deepEqual(manifest.exports['./profile-form.js'], { types: './profile-form.d.ts', default: './profile-form.js' });
  for (const f of ['evidence-badge.d.ts', 'evidence-calculator.d.ts', 'profile-form.d.ts', 'evidence-verify.d.ts', 'evidence_badge_bg.wasm']) assert.ok(manifest.files.includes(f), f);
});
