// The trust model from Node, with keys and signatures made by the real minisign tool, most of them
// through the evaluator tool (scripts/evaluator.mjs) run end to end as an agency would run it.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import ec, { thrown } from './load.mjs';
import { sampleRoster } from '../../js/sample-roster.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evidence-check-trust-'));
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));
const at = (f) => path.join(dir, f);
const today = new Date().toISOString().slice(0, 10);

/** Runs the evaluator tool; returns { status, out } (stdout and stderr together). */
function tool(...args) {
  const r = spawnSync(process.execPath, [path.join(root, 'scripts/evaluator.mjs'), ...args], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}
function ok(...args) {
  const r = tool(...args);
  assert.equal(r.status, 0, r.out);
  return r.out;
}
const pubKey = (f) => fs.readFileSync(at(f), 'utf8').split('\n')[1];
/** The key id a .minisig names (bytes 2..10 of its second line), as minisign prints it. */
const sigKeyId = (sig) => Buffer.from(sig.split('\n')[1], 'base64').subarray(2, 10).reverse().toString('hex').toUpperCase();

const contract = { ...JSON.parse(fs.readFileSync(new URL('../fixtures/contracts/duval-style.json', import.meta.url))), vendor: 'Readwell Learning' };
const rosterFile = fileURLToPath(new URL('../fixtures/contracts/roster-small.csv', import.meta.url));
const roster = fs.readFileSync(rosterFile);
const ORIGIN = 'https://tea.example.gov';
const expect = { product: 'Readwell', vendor: 'Readwell Learning', period: '2025-26', contractId: 'OBC-2025-17', today };
const write = (f, text) => fs.writeFileSync(at(f), text);
const reportText = (options) => JSON.stringify(ec.evaluateContract(contract, roster, options).report, null, 2) + '\n';
const check = (report, keyList = fs.readFileSync(at('keys.json')), e = expect) =>
  ec.verifyReport(fs.readFileSync(at(report)), fs.readFileSync(at(`${report}.minisig`), 'utf8'), { evaluator: ORIGIN, keyList }, e);

// The agency's set-up: two key pairs, both published, the older one retired.
ok('keygen', '--out', dir, '--name', 'current', '--no-password');
ok('keygen', '--out', dir, '--name', 'old', '--no-password');
ok('publish', '--list', at('keys.json'), '--pub', at('current.pub'), '--valid-from', '2025-07-01', '--evaluator', 'Test State Education Agency');
ok('publish', '--list', at('keys.json'), '--pub', at('old.pub'), '--valid-from', '2022-07-01', '--valid-until', '2025-06-30');

test('keygen and publish write a key list the badge reads', () => {
  const list = ec.readKeyList(fs.readFileSync(at('keys.json')));
  assert.equal(list.evaluator, 'Test State Education Agency');
  assert.deepEqual(list.keys.map((k) => [k.publicKey, k.validFrom, k.validUntil, k.revoked]), [
    [pubKey('current.pub'), '2025-07-01', null, null],
    [pubKey('old.pub'), '2022-07-01', '2025-06-30', null],
  ]);
  // keyId is the id minisign printed in the .pub file.
  assert.equal(list.keys[0].keyId, fs.readFileSync(at('current.pub'), 'utf8').match(/public key ([0-9A-F]+)/)[1].padStart(16, '0'));
  assert.match(tool('publish', '--list', at('keys.json'), '--pub', at('current.pub'), '--valid-from', '2025-07-01').out, /already in/);
  assert.equal(tool('publish', '--list', at('keys.json'), '--pub', at('old.pub'), '--valid-from', '2025-13-01').status, 2);
});

test('sign sets the issue date, signs with minisign, and the badge logic verifies it by origin', () => {
  write('report.json', reportText());
  assert.equal(JSON.parse(fs.readFileSync(at('report.json'))).issued, null);
  const out = ok('sign', '--key', at('current.key'), '--report', at('report.json'), '--list', at('keys.json'));
  assert.match(out, new RegExp(`issued ${today}`));
  assert.equal(JSON.parse(fs.readFileSync(at('report.json'))).issued, today);
  // minisign itself agrees.
  execFileSync('minisign', ['-V', '-q', '-p', at('current.pub'), '-m', at('report.json')]);
  const r = check('report.json');
  assert.equal(r.valid, true, JSON.stringify(r.error));
  assert.equal(r.trust, 'evaluator');
  assert.deepEqual(r.evaluator, { origin: ORIGIN, host: 'tea.example.gov', name: 'Test State Education Agency', keyValidFrom: '2025-07-01', keyValidUntil: null });
  assert.equal(r.trustedComment, `Readwell, 2025-26, issued ${today}`);
  assert.equal(r.report.payment.totalCents, 200000, 'rounded to $1,000 (the exact 158000 gives small counts away)');
  assert.match(ok('verify', '--report', at('report.json'), '--list', at('keys.json'), '--origin', ORIGIN, '--product', 'Readwell'),
    /^Verified: signed by a key published by tea\.example\.gov/);
  // The subject: product required with an evaluator; each given field must match.
  assert.equal(check('report.json', undefined, { today }).error.code, 'missingSubject');
  assert.equal(check('report.json', undefined, { ...expect, product: 'Mathwise' }).error.code, 'subjectMismatch');
  assert.equal(check('report.json', undefined, { ...expect, period: '2024-25' }).error.code, 'subjectMismatch');
  assert.equal(check('report.json', undefined, { ...expect, vendor: 'Other' }).error.code, 'subjectMismatch');
  assert.equal(check('report.json', undefined, { ...expect, contractId: 'X' }).error.code, 'subjectMismatch');
  const wrong = tool('verify', '--report', at('report.json'), '--list', at('keys.json'), '--origin', ORIGIN, '--product', 'Mathwise');
  assert.equal(wrong.status, 1);
  assert.match(wrong.out, /subjectMismatch/);
});

test('sign refuses what is not one strict outcomes report, and keys the list does not allow', () => {
  const report = reportText();
  const refuse = (file, text, code, ...extra) => {
    write(file, text);
    const r = tool('sign', '--key', at('current.key'), '--report', at(file), ...extra);
    assert.equal(r.status, 1, r.out);
    assert.match(r.out, code);
    assert.ok(!fs.existsSync(at(`${file}.minisig`)), `${file} must not be signed`);
    assert.deepEqual(fs.readFileSync(at(file)), Buffer.from(text), `${file} is left as it was`);
  };
  refuse('dup.json', report.replace('"currency": "USD",', '"currency": "USD",\n  "currency": "EUR",'), /twice.*\(duplicateKey\)/);
  refuse('trailing.json', report + '{}', /\(trailingData\)/);
  refuse('latin1.json', Buffer.concat([Buffer.from(report.slice(0, -2)), Buffer.from([0xe9]), Buffer.from('\n}')]), /\(notUtf8\)/);
  refuse('other.json', JSON.stringify({ schema: 'something-else@1', students: {} }), /\(notAReport\)/);
  refuse('old-key.json', report, /valid from 2022-07-01 to 2025-06-30, not on/, '--list', at('keys.json'), '--key', at('old.key'));
  refuse('dated.json', reportText({ issued: '2026-01-02' }), /issued on 2026-01-02, not 2026-01-03/, '--issued', '2026-01-03');
  refuse('future.json', report, /in the future/, '--issued', '2999-01-01');
});

test('evaluateContract takes the issue date as an option, and checks it', () => {
  assert.equal(ec.evaluateContract(contract, roster, { issued: '2026-02-28' }).report.issued, '2026-02-28');
  const e = thrown(() => ec.evaluateContract(contract, roster, { issued: '2026-02-30' }));
  assert.equal(e.code, 'invalidOptions');
  assert.deepEqual(e.errors.map((x) => [x.path, x.code]), [['issued', 'invalidDate']]);
});

test('a key outside its validity period, or retired before the issue date, fails', () => {
  write('by-old.json', reportText({ issued: '2026-03-01' }));
  execFileSync('minisign', ['-S', '-s', at('old.key'), '-m', at('by-old.json'), '-t', 'signed anyway']);
  const r = check('by-old.json');
  assert.equal(r.error.code, 'keyNotValidOnDate');
  assert.match(r.error.message, /issued on 2026-03-01, but tea\.example\.gov publishes key [0-9A-F]{16} as valid only from 2022-07-01 to 2025-06-30\./);
  // A dated report signed while the key was valid stays valid after it is retired.
  write('early.json', reportText({ issued: '2025-06-01' }));
  execFileSync('minisign', ['-S', '-s', at('old.key'), '-m', at('early.json'), '-t', 'signed in time']);
  assert.equal(check('early.json').valid, true);
});

test('a forged key id with a copied trusted comment: a valid signature, but not by the published key', () => {
  // The vendor makes its own key and gives it the agency's key id (bytes 2..10 of the .pub payload,
  // 54..62 of an unencrypted .key payload).
  execFileSync('minisign', ['-G', '-W', '-p', at('vendor.pub'), '-s', at('vendor.key')]);
  const id = Buffer.from(pubKey('current.pub'), 'base64').subarray(2, 10);
  for (const [file, offset] of [['vendor.pub', 2], ['vendor.key', 54]]) {
    const lines = fs.readFileSync(at(file), 'utf8').split('\n');
    const payload = Buffer.from(lines[1], 'base64');
    id.copy(payload, offset);
    lines[1] = payload.toString('base64');
    fs.writeFileSync(at(file), lines.join('\n'));
  }
  const genuine = JSON.parse(fs.readFileSync(at('report.json')));
  const comment = fs.readFileSync(at('report.json.minisig'), 'utf8').split('\n')[2].replace('trusted comment: ', '');
  write('forged.json', JSON.stringify({ ...genuine, payment: { ...genuine.payment, totalCents: 999999 } }, null, 2));
  execFileSync('minisign', ['-S', '-s', at('vendor.key'), '-m', at('forged.json'), '-t', comment]);
  const sig = fs.readFileSync(at('forged.json.minisig'), 'utf8');
  assert.equal(sigKeyId(sig), sigKeyId(fs.readFileSync(at('report.json.minisig'), 'utf8')), 'the forged signature names the agency key id');
  const inline = ec.verifyReport(fs.readFileSync(at('forged.json')), sig, [pubKey('vendor.pub')], expect);
  assert.equal(inline.valid, true, 'with its own key given inline it "verifies"...');
  assert.equal(inline.trust, 'inlineKey', '...but only as an unchecked signer');
  assert.equal(inline.evaluator, undefined);
  const r = check('forged.json');
  assert.equal(r.error.code, 'badSignature');
  assert.match(r.error.message, /or another key carrying a copied id signed it\.$/);
});

test('revoke: nothing the key signed verifies, whatever its date; retire keeps earlier reports', () => {
  const list = ec.readKeyList(fs.readFileSync(at('keys.json')));
  const current = list.keys[0].keyId;
  fs.copyFileSync(at('keys.json'), at('keys-before.json'));
  ok('revoke', '--list', at('keys.json'), '--key-id', current, '--date', today, '--reason', 'Laptop stolen');
  const r = check('report.json');
  assert.equal(r.error.code, 'revokedKey');
  assert.equal(r.error.message, `Key ${current} was revoked by tea.example.gov on ${today} (Laptop stolen): nothing it signed is trusted, whatever date the report carries.`);
  assert.equal(tool('verify', '--report', at('report.json'), '--list', at('keys.json'), '--origin', ORIGIN, '--product', 'Readwell').status, 1);
  assert.match(tool('sign', '--key', at('current.key'), '--report', at('report.json'), '--list', at('keys.json')).out, /is revoked/);
  // Retiring instead (rotation) keeps reports issued up to the end date.
  ok('retire', '--list', at('keys-before.json'), '--key-id', current, '--valid-until', today);
  assert.equal(check('report.json', fs.readFileSync(at('keys-before.json'))).valid, true);
  assert.equal(ec.readKeyList(fs.readFileSync(at('keys-before.json'))).keys[0].validUntil, today);
});

test('the report carries the SHA-256 of the roster bytes, as sha256sum computes it', () => {
  const sum = (file) => execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0];
  assert.equal(ec.evaluateContract(contract, roster).report.rosterDigest, `sha256:${sum(rosterFile)}`);
  // The sample roster as text: the digest is of its UTF-8 bytes.
  const text = sampleRoster();
  write('sample.csv', text);
  const sample = JSON.parse(fs.readFileSync(new URL('../../www/samples/outcomes.json', import.meta.url)));
  assert.equal(sample.rosterDigest, `sha256:${sum(at('sample.csv'))}`);
});

test('evaluatorOrigin, readKeyList and readReport: answers and typed errors', () => {
  assert.deepEqual(ec.evaluatorOrigin('https://TEA.example.gov:443'), {
    origin: 'https://tea.example.gov', host: 'tea.example.gov', keyListUrl: 'https://tea.example.gov/.well-known/evidence-check.json', local: false,
  });
  for (const bad of ['http://tea.example.gov', 'https://tea.example.gov/', 'https://tеa.example.gov', 'https://1.2.3.4', 42]) {
    const e = thrown(() => ec.evaluatorOrigin(bad));
    assert.equal(e.code, 'invalidEvaluator', String(bad));
    assert.equal(e.name, 'EvidenceCheckError');
  }
  // A test evaluator on localhost: only for a page that is itself local.
  assert.equal(ec.evaluatorOrigin('http://localhost:8080', 'http://127.0.0.1:8080').local, true);
  assert.match(thrown(() => ec.evaluatorOrigin('http://localhost:8080', 'https://readwell.example')).message, /visitor's own computer/);
  assert.equal(thrown(() => ec.readKeyList('{"schema":"evidence-check/keys@1","schema":"x"}')).code, 'duplicateKey');
  assert.equal(thrown(() => ec.readKeyList(new Uint8Array([0x7b, 0xff]))).code, 'notUtf8');
  assert.equal(thrown(() => ec.readReport('{"schema":"evidence-check/outcomes-report@1","students":{}} x')).code, 'trailingData');
  assert.equal(ec.readReport(fs.readFileSync(at('report.json'))).issued, today);
});

test('the committed demo files: the evaluator list, the samples, the forged key', () => {
  const www = (f) => fs.readFileSync(path.join(root, 'www', f));
  const demo = { product: 'Readwell (demo)', vendor: 'Readwell Learning (demo)', period: '2025-26', today };
  const v = (name, e = demo) => ec.verifyReport(www(`samples/${name}`), www(`samples/${name}.minisig`).toString(),
    { evaluator: 'https://demo.example.org', keyList: www('.well-known/evidence-check.json') }, e);
  assert.equal(v('outcomes.json').valid, true);
  assert.deepEqual(Object.fromEntries(['outcomes-forged.json', 'outcomes-tampered.json', 'outcomes-other-product.json', 'outcomes-retired.json',
    'outcomes-revoked.json', 'outcomes-duplicate.json', 'outcomes-undated.json'].map((n) => [n, v(n).error.code])), {
    'outcomes-forged.json': 'badSignature', 'outcomes-tampered.json': 'badSignature', 'outcomes-other-product.json': 'subjectMismatch',
    'outcomes-retired.json': 'keyNotValidOnDate', 'outcomes-revoked.json': 'revokedKey', 'outcomes-duplicate.json': 'duplicateKey',
    'outcomes-undated.json': 'noIssuedDate',
  });
  // The forged signature carries the evaluator's key id, and minisign accepts it with the forger's key only.
  const forgedSig = www('samples/outcomes-forged.json.minisig').toString();
  assert.equal(sigKeyId(forgedSig), '73DC8094F3DAF974');
  const minisignOk = (pub) => spawnSync('minisign', ['-V', '-q', '-p', path.join(root, 'www/demo-key', pub), '-m',
    path.join(root, 'www/samples/outcomes-forged.json')]).status === 0;
  assert.equal(minisignOk('forger.pub'), true);
  assert.equal(minisignOk('demo.pub'), false);
  // The duplicate sample: JSON.parse (like serde_json's Value) keeps the second "g".
  assert.equal(JSON.parse(www('samples/outcomes-duplicate.json')).effect.g, 0.61);
  assert.equal(JSON.parse(www('samples/outcomes.json')).effect.g.toFixed(2), '0.18');
});
