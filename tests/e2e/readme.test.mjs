// The README's browser examples (blocks marked `html page` and `js page`) run as written in headless
// Chromium, each as the page it describes: the package served at /evidence-check/ as a static site
// copies it, Chart.js at /chart.js/, the contract and the signed report where the examples name
// them, and the evaluator's key list answered for https://tea.example.gov.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { start, axe } from './harness.mjs';
import { sampleRoster, sampleContract } from '../../js/sample-roster.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ec = await import('../../pkg/evidence-check.js');
ec.initSync({ module: fs.readFileSync(path.join(root, 'pkg/evidence_check_bg.wasm')) });

const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/^```(html|js) page\n([\s\S]*?)^```$/gm)].map((m) => ({ kind: m[1], code: m[2] }));
const find = (text) => {
  const found = blocks.filter((b) => b.code.includes(text));
  assert.equal(found.length, 1, `one README page block with ${text}`);
  return found[0].code;
};

// The site: each example's page, and the files it names.
const site = path.join(root, 'target/readme-pages');
fs.rmSync(site, { recursive: true, force: true });
fs.mkdirSync(path.join(site, 'contracts'), { recursive: true });
const html = (title, body, script = '') => `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>${title}</title>\n`
  + `<link rel="icon" href="data:,">\n${script}</head>\n<body>\n<main>\n<h1>${title}</h1>\n${body}\n</main>\n</body>\n</html>\n`;
fs.writeFileSync(path.join(site, 'badge.html'), html('README badge', find('<evidence-badge')));
fs.writeFileSync(path.join(site, 'calculator.html'), html('README calculator', find('<evidence-calculator')));
fs.writeFileSync(path.join(site, 'contracts/our-contract.json'), JSON.stringify(sampleContract));
// The portal's form: the demo procurement page's, under the id the example looks for.
const procurement = fs.readFileSync(path.join(root, 'www/procurement.html'), 'utf8');
const form = procurement.slice(procurement.indexOf('<form id="profile"'), procurement.indexOf('</form>') + 7).replace('id="profile"', 'id="product-form"');
fs.writeFileSync(path.join(site, 'profile-form.js'), find('bindProfileForm(form'));
fs.writeFileSync(path.join(site, 'profile-form.html'), html('README profile form', form, '<script type="module" src="profile-form.js"></script>\n'));
// The report the badge example names, for the product, vendor and period it expects, signed by the
// real minisign with the demo evaluator's key, which the key list below publishes.
const report = { ...JSON.parse(fs.readFileSync(path.join(root, 'www/samples/outcomes.json'), 'utf8')), product: 'Readwell', vendor: 'Readwell Learning', period: '2025-26' };
fs.writeFileSync(path.join(site, 'outcomes.json'), JSON.stringify(report, null, 2) + '\n');
execFileSync('minisign', ['-S', '-s', path.join(root, 'www/demo-key/demo.key'), '-m', path.join(site, 'outcomes.json'), '-t', 'README example'], { stdio: 'pipe' });
const keyList = fs.readFileSync(path.join(root, 'www/.well-known/evidence-check.json'));

const evaluator = 'https://tea.example.gov';
const app = await start({
  origins: [evaluator],
  mounts: [['/evidence-check/', path.join(root, 'pkg')], ['/chart.js/', path.join(root, 'node_modules/chart.js/dist')],
    ['/contracts/', path.join(site, 'contracts')], ['/readme/', site],
    ...['outcomes.json.minisig', 'outcomes.json'].map((f) => [`/${f}`, path.join(site, f)])],
});
test.after(() => app.close());

test('the README has its three browser examples, each run below', () => {
  assert.equal(blocks.length, 3);
});

test('README: the badge example verifies a report signed with a key the evaluator publishes', async () => {
  const context = await app.browser.newContext();
  await context.route(`${evaluator}/.well-known/evidence-check.json`, (r) => r.fulfill({
    body: keyList, contentType: 'application/json', headers: { 'access-control-allow-origin': '*' },
  }));
  const tab = await context.newPage();
  const errors = [];
  tab.on('pageerror', (e) => errors.push(String(e)));
  tab.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await tab.goto(`${app.base}readme/badge.html`);
  await tab.waitForFunction(() => !['loading', null].includes(document.querySelector('evidence-badge').getAttribute('state')), null, { timeout: 20000 });
  assert.equal(await tab.getAttribute('evidence-badge', 'state'), 'verified', await tab.textContent('evidence-badge >> .reason'));
  assert.equal(await tab.textContent('evidence-badge >> .state-text'), 'Verified: signed by a key published by tea.example.gov');
  assert.equal(await tab.textContent('evidence-badge >> .product'), 'Readwell · Readwell Learning');
  assert.deepEqual(errors, []);
  assert.deepEqual(await axe(tab), []);
  await context.close();
});

test('README: the calculator example preloads its contract, draws its charts and evaluates as the package does', async () => {
  const { tab, errors } = await app.open('readme/calculator.html');
  await tab.waitForFunction(() => /Contract loaded from/.test(document.querySelector('evidence-calculator').$('#status').textContent));
  await tab.click('evidence-calculator >> #sample');
  const expected = ec.evaluateContract(sampleContract, sampleRoster());
  await tab.waitForFunction((t) => document.querySelector('evidence-calculator').result?.payment.totalCents === t, expected.payment.totalCents, { timeout: 30000 });
  assert.equal(await tab.locator('evidence-calculator >> canvas').count(), 4, 'Chart.js loaded from /chart.js/: payment, distribution, dose-response, fitted dose curve');
  assert.deepEqual(errors, []);
});

test('README: the profile-form example shows each problem at its field, and vets nothing while there are any', async () => {
  const { tab, errors } = await app.open('readme/profile-form.html');
  const logged = [];
  tab.on('console', (m) => { if (m.type() === 'log') logged.push(m.text()); });
  // Once the example has bound the form, a field typed in gets its message (the product name is
  // required); then the empty form is submitted.
  await tab.waitForFunction(() => {
    document.querySelector('#name').dispatchEvent(new Event('input', { bubbles: true }));
    return document.querySelector('#name-error') !== null;
  }, null, { polling: 250, timeout: 20000 });
  await tab.click('#product-form [type="submit"]');
  await tab.waitForFunction(() => document.querySelectorAll('.evidence-field-error:not(:empty)').length > 0);
  assert.equal(await tab.$eval('#name', (e) => e.validity.valid), false);
  assert.deepEqual(logged, [], 'nothing vetted while the form has problems');
  assert.deepEqual(errors, []);
});
