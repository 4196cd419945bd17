// Drives Debian's Chromium with playwright-core against the demo server on a free port.
// Collects console errors, every request, and runs axe-core for WCAG 2.1 AA.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { createServer } from '../../scripts/serve.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const screenshots = path.join(root, 'target/screenshots');
const axeSource = fs.readFileSync(path.join(root, 'node_modules/axe-core/axe.min.js'), 'utf8');

const listen = async (server) => {
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server.address().port;
};

/**
 * The demo server and Chromium; `mounts` ([urlPrefix, directory] pairs) serve more folders, and the
 * pages' CSP allows reading key lists from `origins` too (answered by a test's own routes).
 */
export async function start({ mounts = [], origins = [] } = {}) {
  // The pages' CSP reads this list at each request, so evaluators started after the server count.
  const evaluators = [...origins];
  const server = createServer(mounts, { evaluators });
  const port = await listen(server);
  const base = `http://127.0.0.1:${port}/`;
  // Two more evaluator origins for the failure paths: one that serves its key list without CORS,
  // and one that redirects it to the vendor's own origin (the page's).
  const noCors = createServer([], { cors: false });
  const redirecting = createServer([], { keyListRedirect: `${base}.well-known/evidence-check.json` });
  const extra = [noCors, redirecting];
  const [noCorsPort, redirectingPort] = await Promise.all(extra.map(listen));
  evaluators.unshift(`http://localhost:${noCorsPort}`, `http://localhost:${redirectingPort}`);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--no-first-run', '--disable-sync', '--disable-quic'],
  });
  fs.mkdirSync(screenshots, { recursive: true });
  return {
    base,
    browser,
    /** The demo evaluator: this server under its other loopback name, a different origin. */
    evaluator: `http://localhost:${port}`,
    noCorsEvaluator: evaluators[0],
    redirectingEvaluator: evaluators[1],
    async open(page, { width = 1280, height = 900 } = {}) {
      const context = await browser.newContext({ viewport: { width, height }, acceptDownloads: true });
      const tab = await context.newPage();
      const errors = [];
      const requests = [];
      const responses = [];
      tab.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      tab.on('pageerror', (e) => errors.push(String(e)));
      tab.on('request', (r) => requests.push(r.url()));
      tab.on('response', (r) => responses.push(r));
      await tab.goto(base + page, { waitUntil: 'load' });
      return { tab, errors, requests, responses, context };
    },
    async close() {
      await browser.close();
      await Promise.all([server, ...extra].map((s) => new Promise((resolve) => s.close(resolve))));
    },
  };
}

/** axe-core violations for WCAG 2.0/2.1 A and AA, as readable lines. */
export async function axe(tab) {
  // Injected through the DevTools protocol, which the page's CSP (rightly) does not allow from inside.
  if (!(await tab.evaluate(() => 'axe' in window))) await tab.evaluate(axeSource);
  const result = await tab.evaluate(() => window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
  return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`);
}

export async function shot(tab, name) {
  await tab.screenshot({ path: path.join(screenshots, `${name}.png`), fullPage: true });
}
