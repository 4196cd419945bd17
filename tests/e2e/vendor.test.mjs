import test from 'node:test';
import assert from 'node:assert/strict';
import { start, axe, shot } from './harness.mjs';

const app = await start();
test.after(() => app.close());

test('the vendor page: a genuine badge verifies, a tampered one fails, no third-party request', async () => {
  const { tab, errors, requests } = await app.open('vendor.html');
  await tab.waitForFunction(() => [...document.querySelectorAll('evidence-badge')].every((b) => ['verified', 'failed'].includes(b.getAttribute('state'))));
  assert.equal(await tab.getAttribute('#genuine', 'state'), 'verified');
  assert.equal(await tab.getAttribute('#tampered', 'state'), 'failed');
  const text = (id) => tab.evaluate((id) => document.getElementById(id).shadowRoot.textContent.replace(/\s+/g, ' ').trim(), id);
  const genuine = await text('genuine');
  assert.match(genuine, /Verified outcomes/);
  assert.match(genuine, /Readwell \(demo\)/);
  assert.match(genuine, /[+−]\d\.\d\d SD, improvement index [+−]\d+, n = [\d,]+ students, 2025-26/);
  assert.match(genuine, /Signed: DEMO signature .* \(key 73DC8094F3DAF974\)/);
  const tampered = await text('tampered');
  assert.match(tampered, /Not verified/);
  assert.match(tampered, /changed after signing/);
  assert.doesNotMatch(tampered, /SD|students|improvement/, 'no outcome number is shown unless verified');
  assert.deepEqual(errors, []);
  assert.deepEqual(requests.filter((u) => !u.startsWith(app.base)), []);
  assert.deepEqual(await axe(tab), []);
  await shot(tab, 'vendor');
});

test('the badge fires evidence-badge:state and reports a missing file', async () => {
  const { tab } = await app.open('vendor.html');
  const states = await tab.evaluate(() => new Promise((resolve) => {
    const seen = [];
    const b = document.createElement('evidence-badge');
    b.addEventListener('evidence-badge:state', (e) => {
      seen.push(e.detail.state);
      if (e.detail.state !== 'loading') resolve({ seen, text: b.shadowRoot.textContent });
    });
    b.setAttribute('report', 'samples/missing.json');
    b.setAttribute('public-key', 'RWQ');
    document.body.append(b);
  }));
  assert.deepEqual(states.seen, ['loading', 'failed']);
  assert.match(states.text, /HTTP 404/);
});
