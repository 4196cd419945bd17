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

export async function start() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}/`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--no-first-run', '--disable-sync', '--disable-quic'],
  });
  fs.mkdirSync(screenshots, { recursive: true });
  return {
    base,
    browser,
    async open(page, { width = 1280, height = 900 } = {}) {
      const context = await browser.newContext({ viewport: { width, height }, acceptDownloads: true });
      const tab = await context.newPage();
      const errors = [];
      const requests = [];
      tab.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      tab.on('pageerror', (e) => errors.push(String(e)));
      tab.on('request', (r) => requests.push(r.url()));
      await tab.goto(base + page, { waitUntil: 'load' });
      return { tab, errors, requests, context };
    },
    async close() {
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
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
