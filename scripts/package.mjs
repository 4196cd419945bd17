// After wasm-pack: copies the custom elements, their helpers and stylesheets from js/ into pkg/
// and lists them in pkg/package.json, so the published package carries the components users embed.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = path.join(root, 'pkg');
const js = path.join(root, 'js');
const manifest = JSON.parse(fs.readFileSync(path.join(pkg, 'package.json'), 'utf8'));
// The badge's module (make build: the crate without its `full` feature, in target/badge-pkg):
// its glue, types and WebAssembly join the package, loaded by js/evidence-verify.js.
const badge = path.join(root, 'target/badge-pkg');
for (const f of ['evidence_badge.js', 'evidence_badge.d.ts', 'evidence_badge_bg.wasm']) {
  fs.copyFileSync(path.join(badge, f), path.join(pkg, f));
}
// The guarded entry points (js/guard.js) re-create the instance after a trap: the generated
// glue loads once and keeps its instance in a module variable, so give it a reset. The pattern
// is checked, so a wasm-bindgen upgrade that changes the glue fails here, loudly.
for (const glue of ['evidence_check.js', 'evidence_badge.js']) {
  const gluePath = path.join(pkg, glue);
  let glueText = fs.readFileSync(gluePath, 'utf8');
  if (glueText.includes('__resetInstance')) continue;
  for (const needed of ['let wasmModule, wasmInstance, wasm;', 'if (wasm !== undefined) return wasm;', 'cachedUint8ArrayMemory0 = null;']) {
    if (!glueText.includes(needed)) throw new Error(`scripts/package.mjs: the wasm-bindgen glue ${glue} no longer contains "${needed}"; update the reset.`);
  }
  if (glueText.includes('CLOSURE_DTORS')) throw new Error(`scripts/package.mjs: the glue ${glue} frees Rust closures from a finalizer, which a reset would misdirect.`);
  glueText += '\n/** Forgets the instance, so that initSync creates a fresh one (after a trap). */\nexport function __resetInstance() { wasm = undefined; }\n';
  fs.writeFileSync(gluePath, glueText);
}
// wasm-bindgen declares each class's `[Symbol.dispose]`, which TypeScript knows only with the
// esnext library: without it, a project on es2022 fails to compile our types. The entry point
// makes the one class's objects itself (createEvaluator), and frees them; the line goes.
const gluePath = path.join(pkg, 'evidence_check.d.ts');
fs.writeFileSync(gluePath, fs.readFileSync(gluePath, 'utf8').replace(/^ *\[Symbol\.dispose\]\(\): void;\n/gm, ''));
const extra = fs.existsSync(js) ? fs.readdirSync(js).filter((f) => /\.(js|css|d\.ts)$/.test(f)) : [];
for (const f of extra) fs.copyFileSync(path.join(js, f), path.join(pkg, f));
manifest.files = [...new Set([...(manifest.files ?? []), ...extra, 'evidence_badge.js', 'evidence_badge.d.ts', 'evidence_badge_bg.wasm'])];
// The custom elements register themselves on import: bundlers must keep them.
manifest.sideEffects = [...new Set([...(manifest.sideEffects ?? []), ...extra.filter((f) => f.endsWith('.js')).map((f) => `./${f}`)])];
// The guarded entry point is the package's main module.
manifest.main = manifest.module = 'evidence-check.js';
manifest.types = 'evidence-check.d.ts';
// What users import or load by name: the module, each component and the form helper (with their
// types), the stylesheet and the WebAssembly (for a bundler or server to copy). The components'
// own helpers are imported relatively and stay private.
const typed = (name) => ({ types: `./${name}.d.ts`, default: `./${name}.js` });
manifest.exports = {
  '.': typed('evidence-check'),
  './evidence-check.js': typed('evidence-check'),
  './evidence-badge.js': typed('evidence-badge'),
  './evidence-calculator.js': typed('evidence-calculator'),
  './profile-form.js': typed('profile-form'),
  './evidence-calculator.css': './evidence-calculator.css',
  './evidence-verify.js': typed('evidence-verify'),
  './evidence_check_bg.wasm': './evidence_check_bg.wasm',
  './evidence_badge_bg.wasm': './evidence_badge_bg.wasm',
  './package.json': './package.json',
};
for (const target of Object.values(manifest.exports).flatMap((t) => (typeof t === 'string' ? [t] : Object.values(t)))) {
  if (!fs.existsSync(path.join(pkg, target))) throw new Error(`scripts/package.mjs: the exports map names ${target}, which the package lacks.`);
}
fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
