// The badge on the vendor page, in headless Chromium: the demo evaluator is this server under its
// other loopback name, so its key list is read cross-origin, with CORS, as from an agency's site.
import test from 'node:test';
import assert from 'node:assert/strict';
import { start, axe, shot } from './harness.mjs';

const app = await start();
test.after(() => app.close());

const KEY_LIST = '/.well-known/evidence-check.json';
const settled = (tab) => tab.waitForFunction(() => [...document.querySelectorAll('evidence-badge')]
  .every((b) => b.getAttribute('state') && b.getAttribute('state') !== 'loading'));
const text = (tab, id) => tab.evaluate((id) => document.getElementById(id).shadowRoot.textContent.replace(/\s+/g, ' ').trim(), id);
const code = (tab, id) => tab.evaluate((id) => document.getElementById(id).result.error?.code ?? null, id);
const NUMBERS = /SD|students|improvement/;

/** Adds a badge with `attrs` to the open page and waits for its verdict. */
async function badge(tab, attrs) {
  return tab.evaluate((attrs) => new Promise((resolve) => {
    const b = document.createElement('evidence-badge');
    b.addEventListener('evidence-badge:state', (e) => {
      if (e.detail.state === 'loading') return;
      resolve({ state: e.detail.state, code: e.detail.result.error?.code ?? null,
        text: b.shadowRoot.textContent.replace(/\s+/g, ' ').trim() });
      b.remove();
    });
    for (const [k, v] of Object.entries(attrs)) b.setAttribute(k, v);
    document.querySelector('main').append(b);
  }), attrs);
}

const readwell = { product: 'Readwell (demo)', vendor: 'Readwell Learning (demo)', period: '2025-26' };

test('the vendor page: genuine verifies and names the evaluator origin; forged and another product fail; the inline key warns', async () => {
  const { tab, errors, requests, responses } = await app.open('vendor.html');
  await settled(tab);
  const host = new URL(app.evaluator).host;

  assert.equal(await tab.getAttribute('#genuine', 'evaluator'), app.evaluator, 'the demo names the other loopback origin');
  assert.equal(await tab.getAttribute('#genuine', 'state'), 'verified');
  const genuine = await text(tab, 'genuine');
  assert.match(genuine, new RegExp(`^✓Verified: signed by a key published by ${host} `));
  assert.match(genuine, /Readwell \(demo\) · Readwell Learning \(demo\)/);
  assert.match(genuine, /\+0\.18 SD, not statistically significant, local comparison \(not randomized\) of 5,780 students with a post-test, 2025-26/);
  assert.match(genuine, /The signer wrote: DEMO signature by the evidence-check demo evaluator, not a real agency: Readwell \(demo\) 2025-26/);
  assert.match(genuine, /Issued 2026-08-14 · key 73DC8094F3DAF974 · a test origin on this computer/);
  const result = await tab.evaluate(() => document.getElementById('genuine').result);
  assert.equal(result.trust, 'evaluator');
  assert.equal(result.evaluator.origin, app.evaluator);
  assert.equal(result.report.rosterDigest.slice(0, 7), 'sha256:');

  // The forged report: the vendor's own key, the evaluator's key id and trusted comment, g raised.
  assert.equal(await tab.getAttribute('#forged', 'state'), 'failed');
  assert.equal(await code(tab, 'forged'), 'badSignature');
  const forged = await text(tab, 'forged');
  assert.match(forged, new RegExp(`does not match key 73DC8094F3DAF974 published by ${host}: .* or another key carrying a copied id signed it`));
  assert.doesNotMatch(forged, NUMBERS, 'no outcome number is shown unless verified');
  assert.doesNotMatch(forged, /DEMO signature/, 'the copied trusted comment is not shown');

  assert.equal(await code(tab, 'other-product'), 'subjectMismatch');
  const other = await text(tab, 'other-product');
  assert.match(other, /it names product "Mathwise \(demo\)", not "Readwell \(demo\)"/);
  assert.doesNotMatch(other, NUMBERS);

  assert.equal(await code(tab, 'tampered'), 'badSignature');

  // The same forged report with the forger's key in the page: a warning, never "verified".
  assert.equal(await tab.getAttribute('#inline', 'state'), 'unverified-signer');
  const inline = await text(tab, 'inline');
  assert.match(inline, /^!Signature valid, signer not verified/);
  assert.match(inline, /This page gave the key itself, so nothing shows who signed/);
  assert.match(inline, /\+0\.61 SD/);
  assert.doesNotMatch(inline, /Verified/);
  assert.equal(await tab.evaluate(() => document.getElementById('inline').result.trust), 'inlineKey');

  // The key list was read from the evaluator's origin, cross-origin with CORS, never from the page's.
  const listUrl = `${app.evaluator}${KEY_LIST}`;
  const fetched = responses.filter((r) => r.url() === listUrl);
  assert.equal(fetched.length, 1, 'one read for the four evaluator badges');
  for (const r of fetched) {
    const sent = await r.request().allHeaders();
    assert.equal(sent.origin, app.base.replace(/\/$/, ''), 'a CORS request carries the page origin');
    assert.equal(sent.cookie, undefined, 'credentials omitted');
    assert.equal((await r.allHeaders())['access-control-allow-origin'], '*');
    assert.equal(r.status(), 200);
  }
  assert.ok(!requests.includes(`${app.base.replace(/\/$/, '')}${KEY_LIST}`), 'not read from the vendor page origin');
  assert.deepEqual(requests.filter((u) => !u.startsWith(app.base) && u !== listUrl), [], 'no other request leaves the page origin');
  // One request per file: each report, signature and key list once, though the page's script sets
  // the badges' evaluator after they started, and two badges show the same report.
  const files = requests.filter((u) => u.includes('/samples/') || u.endsWith(KEY_LIST));
  const tally = new Map();
  for (const u of files) tally.set(u, (tally.get(u) ?? 0) + 1);
  const counts = [...tally].map(([u, n]) => [u.replace(/^.*\//, ''), n]);
  assert.equal(counts.length, 9, `four reports, their signatures and the key list: ${counts.join(' ')}`);
  assert.deepEqual(counts.filter(([, n]) => n !== 1), [], 'each file requested exactly once');

  assert.deepEqual(errors, []);
  assert.deepEqual(await axe(tab), []);
  await shot(tab, 'vendor');
});

test('a revoked key, a key outside its validity, duplicate keys and an undated report each fail with their reason', async () => {
  const { tab } = await app.open('vendor.html');
  await settled(tab);
  const host = new URL(app.evaluator).host;
  const check = (report) => badge(tab, { evaluator: app.evaluator, report: `samples/${report}`, ...readwell });

  const revoked = await check('outcomes-revoked.json');
  assert.equal(revoked.code, 'revokedKey');
  assert.match(revoked.text, new RegExp(`Key 804C7CA5B13042BA was revoked by ${host} on 2026-03-02 \\(Demo: its secret key was published\\): nothing it signed is trusted, whatever date the report carries\\.`));

  const retired = await check('outcomes-retired.json');
  assert.equal(retired.code, 'keyNotValidOnDate');
  assert.match(retired.text, new RegExp(`issued on 2026-08-14, but ${host} publishes key EBE1C6CFF35C9F68 as valid only from 2023-07-01 to 2025-06-30`));

  const duplicate = await check('outcomes-duplicate.json');
  assert.equal(duplicate.code, 'duplicateKey');
  assert.match(duplicate.text, /The report has the key "g" twice in effect/);

  const undated = await check('outcomes-undated.json');
  assert.equal(undated.code, 'noIssuedDate');
  assert.match(undated.text, /carries no issue date/);

  for (const r of [revoked, retired, duplicate, undated]) {
    assert.equal(r.state, 'failed');
    assert.doesNotMatch(r.text, NUMBERS);
  }
});

test('CORS is really needed, and a redirected key list is refused', async () => {
  const { tab, requests } = await app.open('vendor.html');
  await settled(tab);
  // The same key list, from an origin that does not allow other sites to read it.
  const noCors = await badge(tab, { evaluator: app.noCorsEvaluator, report: 'samples/outcomes.json', ...readwell });
  assert.equal(noCors.code, 'keyListUnavailable');
  assert.match(noCors.text, /does not let other sites read it \(CORS\)/);
  assert.ok(requests.includes(`${app.noCorsEvaluator}${KEY_LIST}`), 'the request was made and its answer withheld');
  // An evaluator address that redirects to the vendor's own origin (which serves a key list too).
  const redirected = await badge(tab, { evaluator: app.redirectingEvaluator, report: 'samples/outcomes.json', ...readwell });
  assert.equal(redirected.code, 'keyListUnavailable');
  assert.match(redirected.text, /redirected elsewhere \(not allowed\)/);
  assert.ok(!requests.includes(`${app.base}.well-known/evidence-check.json`), 'the redirect was not followed');
});

test('the attributes are checked: a bare https origin, a product, one kind of trust', async () => {
  const { tab } = await app.open('vendor.html');
  await settled(tab);
  const report = 'samples/outcomes.json';
  const http = await badge(tab, { evaluator: 'http://tea.example.gov', report, ...readwell });
  assert.deepEqual([http.state, http.code], ['failed', 'invalidEvaluator']);
  assert.match(http.text, /trusted only over https/);
  const lookalike = await badge(tab, { evaluator: 'https://tеa.example.gov', report, ...readwell }); // Cyrillic е
  assert.equal(lookalike.code, 'invalidEvaluator');
  const path = await badge(tab, { evaluator: `${app.evaluator}/keys`, report, ...readwell });
  assert.match(path.text, /without a path/);
  const noProduct = await badge(tab, { evaluator: app.evaluator, report });
  assert.equal(noProduct.code, 'missingSubject');
  const both = await badge(tab, { evaluator: app.evaluator, report, 'public-key': 'RWR0+drzlIDccwSg/nfIhZN6S1g9x0VtMtPSI7tYFKr5N89RLB8S9r5+', ...readwell });
  assert.equal(both.code, 'conflictingTrust');
  // The page's own origin as the evaluator: allowed (a district may list reports it signed
  // itself), but said plainly.
  const self = await badge(tab, { evaluator: app.base.replace(/\/$/, ''), report, ...readwell });
  assert.equal(self.state, 'verified');
  assert.match(self.text, new RegExp(`Verified: signed by a key published by ${new URL(app.base).host} \\(this site itself\\)`));
  const wrongYear = await badge(tab, { evaluator: app.evaluator, report, ...readwell, period: '2026-27' });
  assert.equal(wrongYear.code, 'subjectMismatch');
  assert.match(wrongYear.text, /period "2025-26", not "2026-27"/);
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

test('the headline names the population the share meeting the target is over', async () => {
  const { tab } = await app.open('vendor.html');
  const lines = await tab.evaluate(async () => {
    const { headline } = await import(document.querySelector('script[src*="evidence-badge.js"]').src);
    const of = (students) => headline({ shareMetTarget: 0.625, students, period: '2025-26' });
    return [
      of({ enrolled: 120, withOutcome: 80, judged: 80 }),
      // missingOutcome: notMet: the share is over everyone at fidelity, 8 of them without a post-test.
      of({ enrolled: 120, atFidelity: 88, withOutcome: 80, judged: 88 }),
      of({ enrolled: 120, judged: 88 }),
    ];
  });
  assert.deepEqual(lines, [
    '63% met the growth target (of 80 students at fidelity with an outcome), 2025-26',
    '63% met the growth target (of 88 students at fidelity, those without an outcome counted as not meeting it), 2025-26',
    '63% met the growth target (of 88 students at fidelity), 2025-26',
  ]);
});

test('the headline adds the cost per student meeting the target when the report carries it, about it when the payment is rounded', async () => {
  const { tab } = await app.open('vendor.html');
  const lines = await tab.evaluate(async () => {
    const { headline } = await import(document.querySelector('script[src*="evidence-badge.js"]').src);
    const report = { shareMetTarget: 0.625, students: { judged: 80, withOutcome: 80 }, period: '2025-26', currency: 'USD',
      cost: { perStudentMeetingTargetCents: 19625, priceYear: 2025 } };
    return [
      headline(report),
      headline({ ...report, cost: { perStudentMeetingTargetCents: null } }),
      headline({ ...report, currency: 'EUR', cost: { perStudentMeetingTargetCents: 123456 } }),
      headline({ ...report, currency: 'not one', cost: { perStudentMeetingTargetCents: 100 } }),
      headline({ ...report, cost: { ...report.cost, paymentRoundedToCents: 10000 } }),
    ];
  });
  assert.deepEqual(lines, [
    '63% met the growth target (of 80 students at fidelity with an outcome), 2025-26; $196.25 a student meeting the target (2025 prices)',
    '63% met the growth target (of 80 students at fidelity with an outcome), 2025-26',
    '63% met the growth target (of 80 students at fidelity with an outcome), 2025-26; €1,234.56 a student meeting the target',
    '63% met the growth target (of 80 students at fidelity with an outcome), 2025-26',
    '63% met the growth target (of 80 students at fidelity with an outcome), 2025-26; about $196.25 a student meeting the target (2025 prices)',
  ]);
});
