// After wasm-pack: copies the custom elements and helpers from js/ into pkg/ and lists them
// in pkg/package.json, so the published package carries the components users embed.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = path.join(root, 'pkg');
const js = path.join(root, 'js');
const manifest = JSON.parse(fs.readFileSync(path.join(pkg, 'package.json'), 'utf8'));
const extra = fs.existsSync(js) ? fs.readdirSync(js).filter((f) => /\.(js|d\.ts)$/.test(f)) : [];
for (const f of extra) fs.copyFileSync(path.join(js, f), path.join(pkg, f));
manifest.files = [...new Set([...(manifest.files ?? []), ...extra])];
// The custom elements register themselves on import: bundlers must keep them.
manifest.sideEffects = [...new Set([...(manifest.sideEffects ?? []), ...extra.filter((f) => f.endsWith('.js')).map((f) => `./${f}`)])];
fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
