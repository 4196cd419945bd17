// Writes the demo's signed samples and the demo evaluator's key list, with the real minisign
// tool and the evaluator tool (scripts/evaluator.mjs). Every key here is a DEMO key whose secret
// half is published (www/demo-key/README.txt): a signature by any of them proves nothing.
// Run: node scripts/make-sample.mjs   (needs pkg/ built and minisign installed)
//
// Written to www/samples/ (each with its .minisig):
//   outcomes.json                genuine: the demo evaluator's current key, issued 2026-08-14
//   outcomes-tampered.json       the genuine report with one number changed, its signature kept
//   outcomes-forged.json         g raised from 0.18 to 0.61, signed by a vendor's own key that
//                                carries the evaluator's key id, with the evaluator's trusted comment
//   outcomes-other-product.json  a genuine report for another product
//   outcomes-retired.json        signed by a retired key after its validity ended
//   outcomes-revoked.json        signed by a revoked key, dated before the revocation
//   outcomes-duplicate.json      genuine signature over a report that says "g" twice
//   outcomes-undated.json        genuine signature over a report without an issue date
// and the key list to www/.well-known/evidence-check.json.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { initSync, evaluateContract } from '../pkg/evidence-check.js';
import { sampleRoster, sampleContract } from '../js/sample-roster.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const samples = path.join(root, 'www/samples');
const keys = path.join(root, 'www/demo-key');
const list = path.join(root, 'www/.well-known/evidence-check.json');
initSync({ module: fs.readFileSync(path.join(root, 'pkg/evidence_check_bg.wasm')) });

const quiet = { stdio: ['ignore', 'pipe', 'inherit'] };
const minisign = (...args) => execFileSync('minisign', args, quiet);
const evaluator = (...args) => execFileSync(process.execPath, [path.join(root, 'scripts/evaluator.mjs'), ...args], quiet);
const key = (name) => path.join(keys, `${name}.key`);
const pub = (name) => path.join(keys, `${name}.pub`);
const sample = (name) => path.join(samples, name);
const COMMENT = 'DEMO signature by the evidence-check demo evaluator, not a real agency: Readwell (demo) 2025-26';
const ISSUED = '2026-08-14';

/** A key pair made once by minisign -G -W (no password) and kept, so that re-runs sign alike. */
function demoKey(name) {
  if (!fs.existsSync(key(name))) minisign('-G', '-W', '-p', pub(name), '-s', key(name));
}

/** The 8 key-id bytes of a .pub (offset 2 of its payload: "Ed", id, key) or an unencrypted .key
 * (offset 54: "Ed", KDF "\0\0", "B2", 32 salt bytes, 8 + 8 KDF limits, then id, secret key and
 * checksum; with -W minisign stores them as they are, and leaves the checksum zero). */
const ID_AT = { pub: 2, key: 54 };
function rewriteId(file, kind, id) {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const payload = Buffer.from(lines[1], 'base64');
  if (kind === 'key' && payload.subarray(2, 4).toString('latin1') !== '\0\0') throw new Error(`${file} is encrypted`);
  id.copy(payload, ID_AT[kind]);
  lines[1] = payload.toString('base64');
  if (kind === 'pub') lines[0] = `untrusted comment: minisign public key ${Buffer.from(id).reverse().toString('hex').toUpperCase()}`;
  fs.writeFileSync(file, lines.join('\n'));
}
const idOf = (file, kind) => Buffer.from(fs.readFileSync(file, 'utf8').split('\n')[1], 'base64').subarray(ID_AT[kind], ID_AT[kind] + 8);

for (const name of ['demo', 'demo-retired', 'demo-revoked']) demoKey(name);
// The forger: a vendor's own new key, given the evaluator's key id (8 random bytes in minisign,
// not derived from the key, so anyone can copy them).
if (!fs.existsSync(key('forger'))) {
  demoKey('forger');
  const id = idOf(pub('demo'), 'pub');
  rewriteId(pub('forger'), 'pub', id);
  rewriteId(key('forger'), 'key', id);
}

// The demo evaluator's key list, rebuilt from scratch with the evaluator tool.
fs.rmSync(list, { force: true });
evaluator('publish', '--list', list, '--pub', pub('demo'), '--valid-from', '2025-07-01', '--valid-until', '2027-06-30',
  '--evaluator', 'evidence-check demo evaluator (not a real agency)');
evaluator('publish', '--list', list, '--pub', pub('demo-retired'), '--valid-from', '2023-07-01', '--valid-until', '2025-06-30');
evaluator('publish', '--list', list, '--pub', pub('demo-revoked'), '--valid-from', '2025-07-01', '--valid-until', '2027-06-30');
const revokedId = Buffer.from(idOf(pub('demo-revoked'), 'pub')).reverse().toString('hex');
evaluator('revoke', '--list', list, '--key-id', revokedId, '--date', '2026-03-02', '--reason', 'Demo: its secret key was published');

fs.mkdirSync(samples, { recursive: true });
const reportOf = (contract) => evaluateContract(contract, sampleRoster()).report;
const text = (report) => JSON.stringify(report, null, 2) + '\n';
const write = (name, content) => fs.writeFileSync(sample(name), content);

// Genuine: signed through the evaluator tool, which sets the issue date and checks the list.
const report = reportOf(sampleContract);
write('outcomes.json', text(report));
evaluator('sign', '--key', key('demo'), '--report', sample('outcomes.json'), '--issued', ISSUED, '--list', list, '--comment', COMMENT);
const genuine = fs.readFileSync(sample('outcomes.json'), 'utf8');

// Tampered: one number changed, the genuine signature kept.
write('outcomes-tampered.json', genuine.replace(/"totalCents": (\d+)/, (_, n) => `"totalCents": ${Number(n) + 100000}`));
fs.copyFileSync(sample('outcomes.json.minisig'), sample('outcomes-tampered.json.minisig'));

// Forged: the effect raised to g = 0.61 (with the improvement index and interval to match),
// signed by the forger's key with the evaluator's trusted comment, by plain minisign.
const forged = JSON.parse(genuine);
const shift = 0.61 - forged.effect.g;
Object.assign(forged.effect, { g: 0.61, ciLower: forged.effect.ciLower + shift, ciUpper: forged.effect.ciUpper + shift, improvementIndex: 23, significant: true });
write('outcomes-forged.json', text(forged));
minisign('-S', '-s', key('forger'), '-m', sample('outcomes-forged.json'), '-t', COMMENT);

// Another product: a genuine signature over a genuine report, for a product this page does not sell.
const other = { ...reportOf({ ...sampleContract, productName: 'Mathwise (demo)', id: 'DEMO-OBC-2025-02' }), issued: ISSUED };
write('outcomes-other-product.json', text(other));
evaluator('sign', '--key', key('demo'), '--report', sample('outcomes-other-product.json'), '--list', list,
  '--comment', 'DEMO signature by the evidence-check demo evaluator, not a real agency: Mathwise (demo) 2025-26');

// Signed with keys the list does not allow on that date: plain minisign (the tool refuses).
write('outcomes-retired.json', genuine);
minisign('-S', '-s', key('demo-retired'), '-m', sample('outcomes-retired.json'), '-t', COMMENT);
write('outcomes-revoked.json', text({ ...JSON.parse(genuine), issued: '2026-01-15' }));
minisign('-S', '-s', key('demo-revoked'), '-m', sample('outcomes-revoked.json'), '-t', COMMENT);

// A second "g" in the effect: serde_json's Value, JSON.parse and many readers keep the last one.
// The first is the real 0.18, the one a reviewer reads; the badge would have shown the last.
write('outcomes-duplicate.json', genuine.replace(/("g": [^,]+,\n)/, '$1    "g": 0.61,\n'));
minisign('-S', '-s', key('demo'), '-m', sample('outcomes-duplicate.json'), '-t', COMMENT);
write('outcomes-undated.json', text(report));
minisign('-S', '-s', key('demo'), '-m', sample('outcomes-undated.json'), '-t', COMMENT);

console.log(`wrote ${path.relative(root, list)} and the samples in ${path.relative(root, samples)} (total ${report.payment.totalCents} cents)`);
