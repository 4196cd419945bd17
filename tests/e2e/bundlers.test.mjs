// The README's bundler recipes (Vite, esbuild, webpack), each building the same small page from the
// packed package (tests/bundlers/build.mjs): in headless Chromium the page initialises the module
// with no argument, vets a profile exactly as the package does in Node, shows a badge whose
// signature the bundled WebAssembly verified, and runs the calculator in its bundled worker.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { start, axe } from './harness.mjs';
import { buildFixtures } from '../bundlers/build.mjs';
import { sampleRoster, sampleContract } from '../../js/sample-roster.js';

const ec = await import('../../pkg/evidence-check.js');
ec.initSync({ module: fs.readFileSync(new URL('../../pkg/evidence_check_bg.wasm', import.meta.url)) });
const sample = (file) => JSON.parse(fs.readFileSync(new URL(`../../www/samples/${file}`, import.meta.url), 'utf8'));
const [profile, report] = [sample('profile.json'), sample('outcomes.json')];

const dists = await buildFixtures();
const app = await start({ mounts: Object.entries(dists).map(([name, dir]) => [`/bundlers/${name}/`, dir]) });
test.after(() => app.close());

for (const name of Object.keys(dists)) {
  test(`${name}: the page built from the packed package vets a profile, verifies a badge and runs the calculator`, async () => {
    const { tab, errors, requests } = await app.open(`bundlers/${name}/`);
    await tab.waitForFunction(() => document.getElementById('out').textContent !== 'loading…', null, { timeout: 20000 });
    const shown = JSON.parse(await tab.textContent('#out'));
    assert.deepEqual(shown, { version: ec.version(), vetting: ec.vetProduct(profile) });
    // Signed by the demo key, which the page itself gives: the signature holds, and the badge says
    // that nothing vouches for the key.
    await tab.waitForFunction(() => !['loading', null].includes(document.querySelector('evidence-badge').getAttribute('state')), null, { timeout: 20000 });
    assert.equal(await tab.getAttribute('evidence-badge', 'state'), 'unverified-signer');
    // It shows the signed report's own product and period.
    const text = (selector) => tab.textContent(`evidence-badge >> ${selector}`);
    assert.equal(await text('.product'), `${report.product} · ${report.vendor}`);
    assert.ok((await text('.headline')).endsWith(report.period), await text('.headline'));
    // The calculator's sample, evaluated in its worker, as the package evaluates it.
    await tab.click('evidence-calculator >> #sample');
    const expected = ec.evaluateContract(sampleContract, sampleRoster());
    await tab.waitForFunction((t) => document.querySelector('evidence-calculator').result?.payment.totalCents === t, expected.payment.totalCents, { timeout: 30000 });
    // Styled by its own stylesheet (its panels are laid out as a grid of fields, not bare blocks).
    assert.equal(await tab.$eval('evidence-calculator >> .row', (e) => getComputedStyle(e).display), 'flex');
    // The .wasm fetched from the bundle's own files: the full module once by the page and once by
    // the calculator's worker, the badge's small module once by the badge (webpack names each by
    // its hash: two files, one fetched twice).
    const wasm = requests.filter((u) => u.endsWith('.wasm'));
    const times = [...new Set(wasm)].map((u) => wasm.filter((w) => w === u).length).sort();
    assert.deepEqual(times, [1, 2], requests.join('\n'));
    assert.ok(requests.every((u) => u.startsWith(`${app.base}bundlers/${name}/`) || !/^https?:/.test(u)), requests.join('\n'));
    assert.deepEqual(errors, []);
    assert.deepEqual(await axe(tab), []);
  });
}
