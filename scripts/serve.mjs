// A small static server for the demo and the browser tests: www/ at /, the built package at /pkg/,
// and the few npm files the pages use at /vendor/. Binds to 127.0.0.1 only and sends a
// Content-Security-Policy that allows no third-party origin.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const mounts = [
  ['/pkg/', path.join(root, 'pkg')],
  ['/vendor/chart.js/', path.join(root, 'node_modules/chart.js/dist')],
  ['/vendor/@kurkle/color/', path.join(root, 'node_modules/@kurkle/color/dist')],
  ['/', path.join(root, 'www')],
];
const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8', '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.csv': 'text/csv; charset=utf-8',
  '.minisig': 'text/plain; charset=utf-8', '.pub': 'text/plain; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8', '.ico': 'image/x-icon',
};
export const csp = [
  "default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "style-src 'self'",
  "img-src 'self' data: blob:", "connect-src 'self'", "worker-src 'self'",
  "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
].join('; ');

function resolve(urlPath, extra) {
  for (const [prefix, dir] of [...extra, ...mounts]) {
    if (!urlPath.startsWith(prefix)) continue;
    const rel = decodeURIComponent(urlPath.slice(prefix.length));
    const file = path.resolve(dir, rel);
    if (file !== dir && !file.startsWith(dir + path.sep)) return null; // no escaping the mount
    return file;
  }
  return null;
}

/** The demo server; `extraMounts` ([urlPrefix, directory] pairs) come before the standard ones. */
export function createServer(extraMounts = []) {
  return http.createServer((req, res) => {
    const urlPath = new URL(req.url, 'http://localhost').pathname;
    let file = resolve(urlPath, extraMounts);
    try {
      if (file && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    } catch { /* not found below */ }
    if (!file || !fs.existsSync(file) || req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'content-security-policy': csp });
      res.end('Not found\n');
      return;
    }
    res.writeHead(200, {
      'content-type': types[path.extname(file)] ?? 'application/octet-stream',
      'content-security-policy': csp,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-cache',
      'access-control-allow-origin': '*',
    });
    if (req.method === 'HEAD') return res.end();
    fs.createReadStream(file).pipe(res);
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? 8080);
  createServer().listen(port, '127.0.0.1', () => {
    console.log(`evidence-check demo: http://127.0.0.1:${port}/  (Ctrl-C to stop)`);
  });
}
