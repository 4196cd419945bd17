// make size: what each part of the two modules costs. Reads builds that keep their functions'
// names (wasm-pack --profiling: the release code, names in a custom section), sums each
// function body's bytes by the crate it belongs to, and prints a table per module with the
// data section and the whole file gzipped. Not a test.
// The format read: the WebAssembly binary format, sections 10 (code) and 11 (data), and the
// "name" custom section's function names (subsection 1),
// https://webassembly.github.io/spec/core/binary/modules.html and appendix 7.4.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** A reader of unsigned LEB128 numbers, names and bytes from `bytes` at `at`. */
function reader(bytes, at = 0) {
  return {
    get at() { return at; },
    set at(v) { at = v; },
    u32() {
      let result = 0, shift = 0, byte;
      do {
        byte = bytes[at++];
        result += (byte & 0x7f) * 2 ** shift;
        shift += 7;
      } while (byte & 0x80);
      return result;
    },
    name() {
      const n = this.u32();
      const text = new TextDecoder().decode(bytes.subarray(at, at + n));
      at += n;
      return text;
    },
  };
}

/** The sections of a module: [{ id, start, end, name? }]. */
function sections(bytes) {
  const r = reader(bytes, 8);
  const out = [];
  while (r.at < bytes.length) {
    const id = bytes[r.at++];
    const size = r.u32();
    const start = r.at;
    const section = { id, start, end: start + size };
    if (id === 0) section.name = r.name();
    out.push(section);
    r.at = start + size;
  }
  return out;
}

/** The crate a demangled Rust name belongs to: `evidence_check::roster::read` is
 * evidence_check's, `<serde_json::Value as core::fmt::Debug>::fmt` serde_json's (the type's
 * crate, or the trait's when the type is a primitive); names that are not paths are "other". */
export function crateOf(name) {
  let n = name.replace(/\[[0-9a-f]+\]/g, '');
  const impl = n.match(/^<([^ >]+)(?: as ([^>]+))?>/);
  if (impl) n = impl[1].includes('::') || !impl[2] ? impl[1] : impl[2];
  n = n.replace(/^[&*]+(mut |const )?/, '');
  const first = n.split('::')[0];
  return n.includes('::') && /^[a-z_][a-z0-9_]*$/.test(first) ? first : 'other (runtime, glue, unnamed)';
}

/** Code bytes by crate, the data section's bytes and the file's size raw and gzipped. */
export function moduleCost(file) {
  const bytes = fs.readFileSync(file);
  const all = sections(bytes);
  const imported = (() => {
    const s = all.find((x) => x.id === 2);
    if (!s) return 0;
    const r = reader(bytes, s.start);
    let functions = 0;
    for (let i = r.u32(); i > 0; i--) {
      r.name();
      r.name();
      const kind = bytes[r.at++];
      if (kind === 0) { r.u32(); functions++; }
      else if (kind === 1) { r.at++; const flags = bytes[r.at++]; r.u32(); if (flags & 1) r.u32(); }
      else if (kind === 2) { const flags = bytes[r.at++]; r.u32(); if (flags & 1) r.u32(); }
      else if (kind === 3) r.at += 2;
      else throw new Error(`unknown import kind ${kind}`);
    }
    return functions;
  })();
  const names = new Map();
  const nameSection = all.find((x) => x.id === 0 && x.name === 'name');
  if (nameSection) {
    const r = reader(bytes, nameSection.start);
    r.name();
    while (r.at < nameSection.end) {
      const kind = bytes[r.at++];
      const size = r.u32();
      const end = r.at + size;
      if (kind === 1) for (let i = r.u32(); i > 0; i--) names.set(r.u32(), r.name());
      r.at = end;
    }
  }
  const byCrate = new Map();
  const code = all.find((x) => x.id === 10);
  const r = reader(bytes, code.start);
  const count = r.u32();
  for (let i = 0; i < count; i++) {
    const size = r.u32();
    const crate = crateOf(names.get(imported + i) ?? '');
    byCrate.set(crate, (byCrate.get(crate) ?? 0) + size);
    r.at += size;
  }
  const data = all.filter((x) => x.id === 11).reduce((n, s) => n + s.end - s.start, 0);
  const custom = all.filter((x) => x.id === 0).reduce((n, s) => n + s.end - s.start, 0);
  return { byCrate, data, raw: bytes.length - custom, code: code.end - code.start };
}

function table(title, file) {
  const { byCrate, data, raw, code } = moduleCost(file);
  const kb = (n) => (n / 1024).toFixed(1);
  const rows = [...byCrate].sort((a, b) => b[1] - a[1]);
  console.log(`\n${title} (${path.relative(root, file)}): ${kb(raw)} KB without names; code ${kb(code)} KB, data ${kb(data)} KB\n`);
  console.log('| part | code KB | share of code |\n|---|---:|---:|');
  for (const [crate, n] of rows) console.log(`| ${crate} | ${kb(n)} | ${(100 * n / code).toFixed(1)}% |`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const gz = (f) => (zlib.gzipSync(fs.readFileSync(f), { level: 9 }).length / 1024).toFixed(1);
  for (const [title, named, shipped] of [
    ["The badge's module", 'target/size-badge/evidence_badge_bg.wasm', 'pkg/evidence_badge_bg.wasm'],
    ['The full module', 'target/size-pkg/evidence_check_bg.wasm', 'pkg/evidence_check_bg.wasm'],
  ]) {
    table(title, path.join(root, named));
    if (fs.existsSync(path.join(root, shipped))) console.log(`\nShipped as ${shipped}: ${gz(path.join(root, shipped))} KB gzipped.`);
  }
}
