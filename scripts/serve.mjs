// A small static server for the demo and the browser tests: www/ at /, the built package at /pkg/,
// and the few npm files the pages use at /vendor/. Binds to 127.0.0.1 only and sends a
// Content-Security-Policy that allows no third-party origin.
//
// It is also the demo evaluator: /.well-known/evidence-check.json (the demo key list) is served
// with CORS, and the demo pages name the evaluator by the server's other loopback name
// (http://localhost:PORT for a page at http://127.0.0.1:PORT), a different origin, so the badge
// fetches the key list cross-origin exactly as it would from a real agency's site.
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
/**
 * The Content-Security-Policy for a server on `port`. connect-src adds the server's own two
 * loopback origins, so that a page may read the demo evaluator's key list from the other name
 * (a vendor's policy names its evaluator's origin the same way), and any `evaluators` a test runs.
 */
export function csp(port, evaluators = []) {
  const connect = ["'self'", `http://localhost:${port}`, `http://127.0.0.1:${port}`, ...evaluators];
  return [
    "default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "style-src 'self'",
    "img-src 'self' data: blob:", `connect-src ${connect.join(' ')}`, "worker-src 'self'",
    "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
  ].join('; ');
}
export const KEY_LIST_PATH = '/.well-known/evidence-check.json';

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

/**
 * The demo server; `extraMounts` ([urlPrefix, directory] pairs) come before the standard ones.
 * For tests of the evaluator's side: `cors: false` serves the key list without
 * Access-Control-Allow-Origin, `keyListRedirect` answers the key list with a redirect there,
 * `evaluators` lists further origins the pages may read key lists from.
 */
export function createServer(extraMounts = [], { cors = true, keyListRedirect, evaluators = [] } = {}) {
  return http.createServer((req, res) => {
    const policy = csp(req.socket.localPort, evaluators);
    const urlPath = new URL(req.url, 'http://localhost').pathname;
    if (urlPath === KEY_LIST_PATH && keyListRedirect) {
      res.writeHead(302, { location: keyListRedirect, 'access-control-allow-origin': '*' });
      res.end();
      return;
    }
    let file = resolve(urlPath, extraMounts);
    try {
      if (file && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    } catch { /* not found below */ }
    if (!file || !fs.existsSync(file) || req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'content-security-policy': policy });
      res.end('Not found\n');
      return;
    }
    res.writeHead(200, {
      'content-type': types[path.extname(file)] ?? 'application/octet-stream',
      'content-security-policy': policy,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-cache',
      // Only the evaluator's key list is for other sites to read (what an agency must serve).
      ...(cors && urlPath === KEY_LIST_PATH ? { 'access-control-allow-origin': '*' } : {}),
    });
    if (req.method === 'HEAD') return res.end();
    fs.createReadStream(file).pipe(res);
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? 8080);
  createServer().listen(port, '127.0.0.1', () => {
    console.log(`evidence-check demo: http://127.0.0.1:${port}/  (its demo evaluator: http://localhost:${port}; Ctrl-C to stop)`);
  });
}
