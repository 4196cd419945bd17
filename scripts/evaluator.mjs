#!/usr/bin/env node
// The evaluator's tool: key pairs, signed outcomes reports and the published key list, around
// the real minisign CLI. Run `node scripts/evaluator.mjs --help`. Needs `minisign` on PATH and
// the built package (pkg/, from `make build`), whose strict readers check every file it writes.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const HELP = `evidence-check evaluator tool: sign outcomes reports and publish your keys.

Your identity is your web origin (https://your-agency.example.gov). Badges trust a report only
when it is signed by a key that your origin publishes at
  https://your-agency.example.gov/.well-known/evidence-check.json
as valid on the report's issue date, and not revoked.

Usage: node scripts/evaluator.mjs <command> [options]

  keygen  --out DIR [--name NAME] [--no-password]
          Creates DIR/NAME.key (the secret key: keep it offline, never publish it) and
          DIR/NAME.pub with minisign -G. NAME defaults to evaluator-YYYY-MM-DD. minisign asks
          for a password unless --no-password (for tests and demos only).

  publish --list FILE --pub KEY.pub --valid-from DATE [--valid-until DATE] [--evaluator NAME]
          Adds the public key to the key list FILE (creating it; --evaluator names you in a new
          list): reports issued from --valid-from to --valid-until (inclusive; open-ended when
          absent) may be signed with it. Serve FILE at /.well-known/evidence-check.json on your
          origin, over https, with the header Access-Control-Allow-Origin: * and no redirect.

  retire  --list FILE --key-id ID --valid-until DATE
          Ends a key's validity (key rotation): reports it signed up to DATE stay valid.

  revoke  --list FILE --key-id ID --reason TEXT [--date DATE]
          Withdraws a key that is lost or may be known to someone else: nothing it signed is
          trusted any more, whatever date a report carries. Re-sign what still matters.

  sign    --key KEY.key --report FILE [--issued DATE] [--comment TEXT] [--pub KEY.pub]
          [--list FILE]
          Checks that FILE is one outcomes report (strict JSON: no key twice, nothing after
          it, UTF-8), sets its "issued" date (today, UTC, unless --issued or already set),
          writes it back and signs it: FILE.minisig. With --list, refuses to sign unless the
          key is published there as valid on the issue date and not revoked. Checks the new
          signature with KEY.pub (default: KEY.key with .pub).

  verify  --report FILE --list FILE --origin ORIGIN --product NAME [--signature FILE]
          [--vendor NAME] [--period TEXT] [--contract-id ID]
          Checks a signed report as the badge does, against a key list file as if fetched from
          ORIGIN. Exit status 0 only when verified.

Dates are YYYY-MM-DD. Exit status 2 on a usage error, 1 on any other failure.
`;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

class UsageError extends Error {}

/** `--name value` pairs and `--flag` switches after the command. */
function parseArgs(argv) {
  const [command, ...rest] = argv;
  const options = {};
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (!arg.startsWith('--')) throw new UsageError(`Unexpected argument "${arg}".`);
    const name = arg.slice(2);
    if (name === 'no-password' || name === 'help') options[name] = true;
    else if (i + 1 < rest.length && !rest[i + 1].startsWith('--')) options[name] = rest[++i];
    else throw new UsageError(`--${name} needs a value.`);
  }
  return { command, options };
}

function need(options, ...names) {
  for (const n of names) if (options[n] === undefined) throw new UsageError(`--${n} is required.`);
}

const today = () => new Date().toISOString().slice(0, 10);

function date(value, flag) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))
    || new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value) {
    throw new UsageError(`--${flag} must be a date written YYYY-MM-DD, not "${value}".`);
  }
  return value;
}

let wasm;
async function ec() {
  if (wasm) return wasm;
  const file = path.join(root, 'pkg/evidence_check_bg.wasm');
  if (!fs.existsSync(file)) throw new Error('The package is not built: run `make build` first.');
  wasm = await import(new URL('../pkg/evidence-check.js', import.meta.url));
  wasm.initSync({ module: fs.readFileSync(file) });
  return wasm;
}

function minisign(args, { interactive = false } = {}) {
  try {
    return execFileSync('minisign', args, { stdio: interactive ? 'inherit' : ['ignore', 'pipe', 'pipe'] })?.toString() ?? '';
  } catch (e) {
    if (e.code === 'ENOENT') throw new Error('minisign is not installed (Debian: apt-get install minisign).');
    throw new Error(`minisign ${args[0]} failed: ${(e.stderr ?? '').toString().trim() || e.message}`);
  }
}

/** Whether minisign will ask for the secret key's password (its KDF is scrypt, "Sc"). */
function encrypted(keyFile) {
  const line = fs.readFileSync(keyFile, 'utf8').split(/\r?\n/)[1] ?? '';
  return Buffer.from(line, 'base64').subarray(2, 4).toString('latin1') === 'Sc';
}

/** The base64 key line of a .pub file. */
function publicKey(pubFile) {
  const line = fs.readFileSync(pubFile, 'utf8').split(/\r?\n/).find((l) => l && !l.startsWith('untrusted comment:'));
  if (!line) throw new Error(`${pubFile} holds no minisign public key.`);
  return line.trim();
}

async function readList(file) {
  const { readKeyList } = await ec();
  try {
    return readKeyList(fs.readFileSync(file));
  } catch (e) {
    throw new Error(`${file}: ${e.message} (${e.code})`);
  }
}

/** Writes a key list after reading it back through the same strict reader the badge uses. */
async function writeList(file, list) {
  const { readKeyList } = await ec();
  const plain = {
    schema: 'evidence-check/keys@1',
    evaluator: list.evaluator,
    keys: list.keys.map(({ publicKey, validFrom, validUntil, revoked, reason }) => ({
      publicKey, validFrom,
      ...(validUntil ? { validUntil } : {}),
      ...(revoked ? { revoked } : {}),
      ...(reason ? { reason } : {}),
    })),
  };
  const text = JSON.stringify(plain, null, 2) + '\n';
  readKeyList(text); // throws with the reason if the list would not be accepted
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, text);
  return plain;
}

function findKey(list, id) {
  const want = id.toUpperCase().padStart(16, '0');
  const key = list.keys.find((k) => k.keyId === want);
  if (!key) throw new Error(`Key ${want} is not in the list (it has ${list.keys.map((k) => k.keyId).join(', ')}).`);
  return key;
}

const commands = {
  async keygen(o) {
    need(o, 'out');
    const name = o.name ?? `evaluator-${today()}`;
    const pub = path.join(o.out, `${name}.pub`);
    const key = path.join(o.out, `${name}.key`);
    for (const f of [pub, key]) if (fs.existsSync(f)) throw new Error(`${f} exists already; choose another --name.`);
    fs.mkdirSync(o.out, { recursive: true });
    minisign(['-G', ...(o['no-password'] ? ['-W'] : []), '-p', pub, '-s', key], { interactive: !o['no-password'] });
    fs.chmodSync(key, 0o600);
    const { readKeyList } = await ec();
    const probe = readKeyList(JSON.stringify({ schema: 'evidence-check/keys@1', evaluator: 'probe',
      keys: [{ publicKey: publicKey(pub), validFrom: '2000-01-01' }] }));
    console.log(`Created ${key} (secret: keep it offline) and ${pub}.\nKey id: ${probe.keys[0].keyId}\nPublic key: ${publicKey(pub)}\n`
      + `Next: node scripts/evaluator.mjs publish --list evidence-check.json --pub ${pub} --valid-from ${today()}`);
  },

  async publish(o) {
    need(o, 'list', 'pub', 'valid-from');
    const entry = { publicKey: publicKey(o.pub), validFrom: date(o['valid-from'], 'valid-from') };
    if (o['valid-until']) entry.validUntil = date(o['valid-until'], 'valid-until');
    let list;
    if (fs.existsSync(o.list)) {
      list = await readList(o.list);
      if (o.evaluator && o.evaluator !== list.evaluator) throw new Error(`${o.list} names the evaluator "${list.evaluator}"; edit it by hand to rename.`);
    } else {
      if (!o.evaluator) throw new UsageError('A new key list needs --evaluator "Your agency\'s name".');
      list = { evaluator: o.evaluator, keys: [] };
    }
    if (list.keys.some((k) => k.publicKey === entry.publicKey)) throw new Error(`${o.pub} is already in ${o.list}.`);
    const written = await writeList(o.list, { ...list, keys: [...list.keys, entry] });
    const added = (await readList(o.list)).keys.at(-1);
    console.log(`${o.list}: key ${added.keyId} valid from ${added.validFrom}${added.validUntil ? ` to ${added.validUntil}` : ''} (${written.keys.length} key(s)).\n`
      + 'Serve it at https://<your origin>/.well-known/evidence-check.json with Access-Control-Allow-Origin: * and no redirect.');
  },

  async retire(o) {
    need(o, 'list', 'key-id', 'valid-until');
    const list = await readList(o.list);
    const key = findKey(list, o['key-id']);
    key.validUntil = date(o['valid-until'], 'valid-until');
    await writeList(o.list, list);
    console.log(`${o.list}: key ${key.keyId} valid from ${key.validFrom} to ${key.validUntil}.`);
  },

  async revoke(o) {
    need(o, 'list', 'key-id', 'reason');
    const list = await readList(o.list);
    const key = findKey(list, o['key-id']);
    key.revoked = date(o.date ?? today(), 'date');
    key.reason = o.reason;
    await writeList(o.list, list);
    console.log(`${o.list}: key ${key.keyId} revoked on ${key.revoked}. Nothing it signed verifies any more; publish the file now.`);
  },

  async sign(o) {
    need(o, 'key', 'report');
    const { readReport, verifyReport } = await ec();
    const bytes = fs.readFileSync(o.report);
    try {
      readReport(bytes); // strict: no key twice, nothing after the value, UTF-8, the report schema
    } catch (e) {
      throw new Error(`${o.report} is not signed: ${e.message} (${e.code})`);
    }
    // Safe now: with no key twice, JSON.parse reads what the strict reader read, in file order.
    const report = JSON.parse(bytes.toString('utf8'));
    const issued = o.issued ? date(o.issued, 'issued') : report.issued ?? today();
    if (report.issued && report.issued !== issued) {
      throw new Error(`${o.report} says it was issued on ${report.issued}, not ${issued}; evaluate again rather than change the date.`);
    }
    if (issued > today()) throw new Error(`The issue date ${issued} is in the future.`);
    const pub = o.pub ?? o.key.replace(/\.key$/, '') + '.pub';
    if (!fs.existsSync(pub)) throw new Error(`${pub} not found: give the public key with --pub.`);
    if (o.list) {
      const list = await readList(o.list);
      const mine = list.keys.find((k) => k.publicKey === publicKey(pub));
      if (!mine) throw new Error(`${o.list} does not publish the key in ${pub}: publish it first.`);
      if (mine.revoked) throw new Error(`Key ${mine.keyId} is revoked (${mine.revoked}).`);
      if (issued < mine.validFrom || (mine.validUntil && issued > mine.validUntil)) {
        throw new Error(`Key ${mine.keyId} is published as valid from ${mine.validFrom}${mine.validUntil ? ` to ${mine.validUntil}` : ''}, not on ${issued}.`);
      }
    }
    let text = bytes.toString('utf8');
    if (report.issued !== issued) {
      report.issued = issued;
      text = JSON.stringify(report, null, 2) + '\n';
      fs.writeFileSync(o.report, text);
    }
    const comment = o.comment ?? [report.product, report.period, `issued ${issued}`].filter(Boolean).join(', ');
    minisign(['-S', '-s', o.key, '-m', o.report, '-t', comment], { interactive: encrypted(o.key) });
    const check = verifyReport(fs.readFileSync(o.report), fs.readFileSync(`${o.report}.minisig`, 'utf8'), [publicKey(pub)]);
    if (!check.valid) throw new Error(`The new signature does not verify with ${pub}: ${check.error.message}`);
    console.log(`Signed ${o.report} (issued ${issued}) with key ${check.keyId}: ${o.report}.minisig`);
  },

  async verify(o) {
    need(o, 'report', 'list', 'origin', 'product');
    const { verifyReport } = await ec();
    const r = verifyReport(fs.readFileSync(o.report), fs.readFileSync(o.signature ?? `${o.report}.minisig`, 'utf8'),
      { evaluator: o.origin, keyList: fs.readFileSync(o.list) },
      { product: o.product, vendor: o.vendor, period: o.period, contractId: o['contract-id'], today: today() });
    if (!r.valid) {
      console.log(`Not verified (${r.error.code}): ${r.error.message}`);
      process.exitCode = 1;
      return;
    }
    console.log(`Verified: signed by a key published by ${r.evaluator.host} (key ${r.keyId}, valid from ${r.evaluator.keyValidFrom}`
      + `${r.evaluator.keyValidUntil ? ` to ${r.evaluator.keyValidUntil}` : ''}), issued ${r.report.issued}, for ${r.report.product}.\n`
      + `The signer wrote: ${r.trustedComment}`);
  },
};

async function main(argv) {
  let parsed;
  try {
    parsed = parseArgs(argv);
  } catch (e) {
    console.error(`${e.message} Run with --help for usage.`);
    return 2;
  }
  const { command, options } = parsed;
  if (!command || command === '--help' || command === 'help' || options.help) {
    console.log(HELP);
    return command && command !== '--help' && command !== 'help' && !commands[command] ? 2 : 0;
  }
  if (!commands[command]) {
    console.error(`Unknown command "${command}". Run with --help for usage.`);
    return 2;
  }
  try {
    await commands[command](options);
    return process.exitCode ?? 0;
  } catch (e) {
    console.error(`evaluator ${command}: ${e.message}`);
    return e instanceof UsageError ? 2 : 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
