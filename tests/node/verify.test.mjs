// verifyReport against signatures made by the real minisign tool (installed by scripts/setup.sh).
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import ec, { thrown } from './load.mjs';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evidence-check-sign-'));
const minisign = (...args) => execFileSync('minisign', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }).toString();

function keyPair(name) {
  minisign('-G', '-W', '-f', '-p', `${name}.pub`, '-s', `${name}.key`);
  const [comment, key] = fs.readFileSync(path.join(dir, `${name}.pub`), 'utf8').trim().split('\n');
  // minisign prints the id without leading zeros; keyId always has 16 digits.
  return { key, id: comment.match(/([0-9A-F]+)$/)[1].padStart(16, '0'), secret: path.join(dir, `${name}.key`) };
}

function sign(pair, file, text, { legacy = false, comment = 'signed by the Test State Education Agency' } = {}) {
  fs.writeFileSync(path.join(dir, file), text);
  minisign('-S', ...(legacy ? ['-l'] : []), '-s', pair.secret, '-m', file, '-t', comment);
  return fs.readFileSync(path.join(dir, `${file}.minisig`), 'utf8');
}

const agency = keyPair('agency');
const district = keyPair('district');
const contract = JSON.parse(fs.readFileSync(new URL('../fixtures/contracts/duval-style.json', import.meta.url)));
const roster = fs.readFileSync(new URL('../fixtures/contracts/roster-small.csv', import.meta.url), 'utf8');
const reportText = JSON.stringify(ec.evaluateContract(contract, roster).report, null, 2);
const genuine = sign(agency, 'outcomes.json', reportText);

test('a genuine prehashed signature verifies, with key id and trusted comment', () => {
  const r = ec.verifyReport(reportText, genuine, [agency.key]);
  assert.equal(r.valid, true, JSON.stringify(r.error));
  assert.equal(r.trust, 'inlineKey', 'a key given by the caller identifies no one');
  assert.equal(r.keyId, agency.id);
  assert.equal(r.trustedComment, 'signed by the Test State Education Agency');
  // The district's exact 158000 would give small counts of a 9-student roster away: the
  // report rounds it to $1,000.
  assert.deepEqual([r.report.payment.totalCents, r.report.payment.totalRoundedToCents], [200000, 100000]);
  assert.deepEqual(ec.verifyReport(new TextEncoder().encode(reportText), genuine, agency.key), r);
});

test('a legacy signature verifies', () => {
  const legacy = sign(agency, 'legacy.json', reportText, { legacy: true });
  const algorithm = (sig) => Buffer.from(sig.split('\n')[1], 'base64').subarray(0, 2).toString('latin1');
  assert.equal(algorithm(legacy), 'Ed', 'minisign -l writes the legacy algorithm');
  assert.equal(algorithm(genuine), 'ED', 'the default is prehashed');
  assert.equal(ec.verifyReport(reportText, legacy, [agency.key]).valid, true);
});

test('several trusted keys: any one of them verifies', () => {
  const byDistrict = sign(district, 'district.json', reportText, { comment: 'signed by Test District' });
  const r = ec.verifyReport(reportText, byDistrict, [agency.key, district.key]);
  assert.equal(r.valid, true);
  assert.equal(r.keyId, district.id);
  assert.equal(ec.verifyReport(reportText, byDistrict, `${agency.key} ${district.key}`).valid, true);
  const pubFile = fs.readFileSync(path.join(dir, 'district.pub'), 'utf8');
  assert.equal(ec.verifyReport(reportText, byDistrict, [pubFile]).valid, true, 'a whole .pub file is accepted');
});

const failure = (...args) => {
  const r = ec.verifyReport(...args);
  assert.equal(r.valid, false);
  assert.equal(r.report, undefined, 'no report is given out unless verified');
  assert.match(r.error.message, /\.$/);
  return r.error.code;
};

test('a tampered report fails', () => {
  assert.equal(failure(reportText.replace('"totalCents": 200000', '"totalCents": 300000'), genuine, [agency.key]), 'badSignature');
  assert.equal(failure(reportText + ' ', genuine, [agency.key]), 'badSignature');
});

test('a tampered trusted comment fails', () => {
  const lines = genuine.split('\n');
  lines[2] = 'trusted comment: signed by the Governor';
  assert.equal(failure(reportText, lines.join('\n'), [agency.key]), 'badSignature');
});

test('the wrong key, garbage and no keys fail with their codes', () => {
  assert.equal(failure(reportText, genuine, [district.key]), 'untrustedKey');
  assert.equal(failure(reportText, 'not a signature', [agency.key]), 'malformedSignature');
  assert.equal(failure(reportText, genuine.replace(/\n[A-Za-z0-9+/]{20}/, '\n%%%%'), [agency.key]), 'malformedSignature');
  assert.equal(failure(reportText, genuine, ['RWQgarbage']), 'malformedKey');
  assert.equal(failure(reportText, genuine, []), 'noTrustedKeys');
  assert.equal(failure(reportText, genuine, ''), 'noTrustedKeys');
  assert.equal(failure(reportText, genuine, undefined), 'noTrustedKeys');
  assert.equal(failure(reportText, 42, [agency.key]), 'malformedSignature');
  assert.equal(failure(null, genuine, [agency.key]), 'malformedReport');
  assert.equal(failure(reportText, genuine, [42]), 'malformedKey');
});

test('a correctly signed file that is not an outcomes report is not valid', () => {
  const other = JSON.stringify({ schema: 'something-else@1', students: { enrolled: 1e6 } });
  assert.equal(failure(other, sign(agency, 'other.json', other), [agency.key]), 'notAReport');
  const notJson = 'enrolled: 1,000,000 students';
  assert.equal(failure(notJson, sign(agency, 'text.txt', notJson), [agency.key]), 'malformedReport');
});

test('the demo sample verifies with the demo key and its tampered copy does not', () => {
  const www = (f) => fs.readFileSync(new URL(`../../www/${f}`, import.meta.url), 'utf8');
  const key = www('demo-key/demo.pub').trim().split('\n')[1];
  assert.equal(ec.verifyReport(www('samples/outcomes.json'), www('samples/outcomes.json.minisig'), [key]).valid, true);
  assert.equal(failure(www('samples/outcomes-tampered.json'), www('samples/outcomes-tampered.json.minisig'), [key]), 'badSignature');
  // And minisign itself agrees on both.
  const v = (f) => { try { execFileSync('minisign', ['-V', '-q', '-P', key, '-m', fileURLToPathSafe(f)]); return true; } catch { return false; } };
  assert.equal(v('samples/outcomes.json'), true);
  assert.equal(v('samples/outcomes-tampered.json'), false);
});

function fileURLToPathSafe(f) {
  return new URL(`../../www/${f}`, import.meta.url).pathname;
}

test("the badge's module (evidence-verify.js) verifies as the full module does, and carries no evaluator", async () => {
  const badge = await import(new URL('../../pkg/evidence-verify.js', import.meta.url));
  await badge.default();
  assert.equal(badge.version(), ec.version());
  const tampered = reportText.replace('"totalCents": 200000', '"totalCents": 300000');
  const other = JSON.stringify({ schema: 'something-else@1' });
  const cases = [
    [reportText, genuine, [agency.key], true],
    [tampered, genuine, [agency.key], 'badSignature'],
    [reportText, genuine, [district.key], 'untrustedKey'],
    [reportText, 'not a signature', [agency.key], 'malformedSignature'],
    [other, sign(agency, 'other2.json', other), [agency.key], 'notAReport'],
  ];
  for (const [report, signature, keys, expected] of cases) {
    const got = badge.verifyReport(report, signature, keys);
    assert.deepEqual(got, ec.verifyReport(report, signature, keys));
    assert.equal(got.valid ? true : got.error.code, expected);
  }
  assert.deepEqual(badge.readReport(reportText), ec.readReport(reportText));
  // Only the signed-report exports: the evaluator, vetting and statistics are not in it.
  const glue = await import(new URL('../../pkg/evidence_badge.js', import.meta.url));
  for (const name of ['evaluateContract', 'vetProduct', 'validateProfile', 'effectSize', 'minimumDetectableEffect', 'schemas']) {
    assert.equal(glue[name], undefined, name);
  }
  // A trap restarts it, as the full module.
  assert.equal(thrown(() => badge.__trapForTesting()).code, 'internalError');
  assert.equal(badge.verifyReport(reportText, genuine, [agency.key]).valid, true);
  const size = (f) => fs.statSync(new URL(`../../pkg/${f}`, import.meta.url)).size;
  assert.ok(size('evidence_badge_bg.wasm') * 4 < size('evidence_check_bg.wasm'), 'the badge module is a fraction of the full one');
});

test.after(() => fs.rmSync(dir, { recursive: true, force: true }));
