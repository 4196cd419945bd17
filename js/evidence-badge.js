// <evidence-badge report="outcomes.json" evaluator="https://tea.example.gov" product="Readwell">
// Fetches a signed outcomes report and the key list the evaluator publishes at its own origin
// (/.well-known/evidence-check.json), verifies them in WebAssembly, and shows the headline outcome
// only when a key published there, valid on the report's issue date and not revoked, signed these
// exact bytes, and the report is about this product. The trust decisions are the core's
// (verifyReport); this element only fetches and renders. Embed with one module script:
//   <script type="module" src="/path/to/pkg/evidence-badge.js"></script>
import init, { verifyReport, evaluatorOrigin } from './evidence-verify.js';

const sheet = new CSSStyleSheet();
sheet.replaceSync(`
  :host {
    display: inline-block; max-width: 28rem; box-sizing: border-box;
    font-family: var(--evidence-badge-font, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif);
    color: var(--evidence-badge-fg, #1b1f24); background: var(--evidence-badge-bg, #ffffff);
    border: 2px solid var(--evidence-badge-border, #c9d1db); border-radius: var(--evidence-badge-radius, 10px);
    padding: var(--evidence-badge-padding, 0.9rem 1.1rem); line-height: 1.45;
  }
  :host([state="verified"]) { border-color: var(--evidence-badge-verified, #1d6b34); }
  :host([state="unverified-signer"]) { border-color: var(--evidence-badge-warning, #8a4600); border-style: dashed; }
  :host([state="failed"]) { border-color: var(--evidence-badge-failed, #a4161a); }
  :host([hidden]) { display: none; }
  .status { display: flex; align-items: flex-start; gap: 0.5rem; font-weight: 700; margin: 0 0 0.35rem; }
  .mark { display: inline-grid; place-items: center; width: 1.4rem; height: 1.4rem; border-radius: 50%;
    color: #fff; background: var(--evidence-badge-muted, #4a5563); font-size: 0.9rem; flex: none; }
  :host([state="verified"]) .mark { background: var(--evidence-badge-verified, #1d6b34); }
  :host([state="unverified-signer"]) .mark { background: var(--evidence-badge-warning, #8a4600); }
  :host([state="failed"]) .mark { background: var(--evidence-badge-failed, #a4161a); }
  :host([state="verified"]) .status { color: var(--evidence-badge-verified, #1d6b34); }
  :host([state="unverified-signer"]) .status { color: var(--evidence-badge-warning, #8a4600); }
  :host([state="failed"]) .status { color: var(--evidence-badge-failed, #a4161a); }
  .product { font-size: 1.05rem; font-weight: 650; margin: 0; }
  .headline { font-size: 1.15rem; margin: 0.2rem 0; font-variant-numeric: tabular-nums; }
  .warning { font-size: 0.9rem; margin: 0.25rem 0 0; color: var(--evidence-badge-fg, #1b1f24); }
  .signer, .detail, .reason { font-size: 0.85rem; color: var(--evidence-badge-muted, #4a5563); margin: 0.25rem 0 0; overflow-wrap: anywhere; }
  .signer q { font-style: italic; unicode-bidi: isolate; }
`);

const STATES = {
  loading: 'Checking signature…',
  verified: 'Verified outcomes',
  'unverified-signer': 'Signature valid, signer not verified',
  failed: 'Not verified',
};
const MARKS = { loading: '…', verified: '✓', 'unverified-signer': '!', failed: '✗' };
const number = new Intl.NumberFormat('en-US');
const signed = (x, digits) => (x >= 0 ? '+' : '−') + Math.abs(x).toFixed(digits);

const DESIGN = { rct: 'randomized', clusterRct: 'randomized by school', qed: 'not randomized' };

/**
 * The one-line headline of a verified report, in words a parent reads: the effect, whether it is
 * statistically significant, that it is a local comparison (not a WWC review) and of whom, e.g.
 * "+0.18 SD, not statistically significant, local comparison (not randomized) of 2,392 students
 * with a post-test, 2025-26". Without an effect, the share meeting the target and its population.
 */
export function headline(report) {
  const parts = [];
  const e = report.effect;
  if (e && Number.isFinite(e.g)) {
    const n = (e.nIntervention ?? 0) + (e.nComparison ?? 0);
    parts.push(`${signed(e.g, 2)} SD`, e.significant ? 'statistically significant' : 'not statistically significant',
      `local comparison${DESIGN[e.design] ? ` (${DESIGN[e.design]})` : ''} of ${number.format(n)} students with a post-test`);
  } else if (Number.isFinite(report.shareMetTarget)) {
    parts.push(`${Math.round(report.shareMetTarget * 100)}% met the growth target${shareOf(report.students)}`);
  }
  if (typeof report.period === 'string' && report.period) parts.push(report.period);
  const cost = costLine(report);
  return parts.join(', ') + (cost && parts.length ? `; ${cost}` : cost);
}

/**
 * The programme's cost per student meeting the target, when the report carries it (its cost
 * figures are computed from the report's own published figures), in the report's currency:
 * "$196.25 a student meeting the target (2025 prices)", with "about" when the payment it rests on
 * is the report's rounded total.
 */
export function costLine(report) {
  const cents = report.cost?.perStudentMeetingTargetCents;
  if (!Number.isSafeInteger(cents) || cents < 0) return '';
  let amount;
  try {
    amount = new Intl.NumberFormat('en-US', { style: 'currency', currency: report.currency }).format(cents / 100);
  } catch {
    return ''; // not a currency code: no amount is shown rather than a wrong one
  }
  const year = Number.isInteger(report.cost.priceYear) ? ` (${report.cost.priceYear} prices)` : '';
  // Resting on a payment the report rounds, the figure is near, not exact.
  const about = report.cost.paymentRoundedToCents == null ? '' : 'about ';
  return `${about}${amount} a student meeting the target${year}`;
}

/**
 * Whom the share meeting the target is over: its judged students, who are those at fidelity with
 * an outcome, or under a contract counting a missing post-test as not met, every student at
 * fidelity (the with-outcome count alone named the wrong population then).
 */
function shareOf(students) {
  const { judged, withOutcome } = students ?? {};
  if (!Number.isFinite(judged)) return '';
  const n = number.format(judged);
  if (judged === withOutcome) return ` (of ${n} students at fidelity with an outcome)`;
  if (Number.isFinite(withOutcome)) return ` (of ${n} students at fidelity, those without an outcome counted as not meeting it)`;
  return ` (of ${n} students at fidelity)`;
}

/** An Error with a stable code, as the badge's failure result reports it. */
function coded(code, message) {
  return Object.assign(new Error(message), { code });
}

/**
 * Each file is fetched once per page, however many badges show it and however often their
 * attributes change (a page script setting one after the badge started would fetch it again):
 * key -> the promise of its contents, forgotten when it fails, so that a retry fetches afresh.
 */
const fetched = new Map();
function once(key, load) {
  if (!fetched.has(key)) {
    const contents = load();
    fetched.set(key, contents);
    contents.catch(() => fetched.delete(key));
  }
  return fetched.get(key);
}

/** The evaluator's key list at `url`: no cookies, no redirect, no HTTP cache. */
async function fetchKeyList(url) {
  let response;
  try {
    response = await fetch(url, { mode: 'cors', credentials: 'omit', redirect: 'error', cache: 'no-store', referrerPolicy: 'no-referrer' });
  } catch {
    throw coded('keyListUnavailable', `The evaluator's key list could not be read from ${url}: the network failed, the address redirected elsewhere (not allowed), the evaluator does not let other sites read it (CORS), or this page's Content-Security-Policy (connect-src) does not allow it.`);
  }
  if (!response.ok) throw coded('keyListUnavailable', `The evaluator's key list could not be read from ${url} (HTTP ${response.status}).`);
  if (response.redirected || response.url !== url) throw coded('keyListUnavailable', `The evaluator's key list at ${url} redirected elsewhere, which is not allowed.`);
  return new Uint8Array(await response.arrayBuffer());
}

export class EvidenceBadge extends HTMLElement {
  static observedAttributes = ['report', 'signature', 'evaluator', 'public-key', 'product', 'vendor', 'period', 'contract-id'];
  #run = 0;
  #scheduled = false;

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    root.adoptedStyleSheets = [sheet];
    root.innerHTML = `
      <div part="badge" role="group" aria-label="Outcomes report">
        <p class="status" part="status" role="status" aria-live="polite"><span class="mark" aria-hidden="true">…</span><span class="state-text"></span></p>
        <p class="product" part="product"></p>
        <p class="headline" part="headline"></p>
        <p class="warning" part="warning"></p>
        <p class="signer" part="signer"></p>
        <p class="detail" part="detail"></p>
        <p class="reason" part="reason"></p>
      </div>`;
    /** The last verification result (`verifyReport`'s answer, or a failure to fetch), or null while loading. */
    this.result = null;
  }

  connectedCallback() {
    this.#schedule();
  }

  attributeChangedCallback() {
    if (this.isConnected) this.#schedule();
  }

  /** One verification for a burst of attribute changes (an upgrade sets them one by one). */
  #schedule() {
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      if (this.isConnected) this.#load();
    });
  }

  #set(state, { product = '', headline: head = '', warning = '', signer = '', detail = '', reason = '' } = {}) {
    const $ = (c) => this.shadowRoot.querySelector(c);
    $('.mark').textContent = MARKS[state];
    // The same origin as the page: the site vouches for itself, which readers should know.
    const self = state === 'verified' && this.result.evaluator.origin === location.origin ? ' (this site itself)' : '';
    $('.state-text').textContent = state === 'verified' ? `Verified: signed by a key published by ${this.result.evaluator.host}${self}` : STATES[state];
    $('.product').textContent = product;
    $('.headline').textContent = head;
    $('.warning').textContent = warning;
    $('.signer').replaceChildren(...(signer ? ['The signer wrote: ', Object.assign(document.createElement('q'), { textContent: signer })] : []));
    $('.detail').textContent = detail;
    $('.reason').textContent = reason;
    for (const c of ['.product', '.headline', '.warning', '.signer', '.detail', '.reason']) $(c).hidden = !$(c).textContent;
    this.setAttribute('state', state);
    this.dispatchEvent(new CustomEvent('evidence-badge:state', { bubbles: true, composed: true, detail: { state, result: this.result } }));
  }

  #fetch(url, what) {
    const absolute = new URL(url, document.baseURI);
    return once(`${what} ${absolute}`, async () => {
      let response;
      try {
        response = await fetch(absolute, { credentials: 'omit' });
      } catch {
        throw coded('unavailable', `The ${what} could not be fetched from ${url}: the network failed, or the server does not allow this page to read it (CORS or Content-Security-Policy).`);
      }
      if (!response.ok) throw coded('unavailable', `The ${what} could not be fetched from ${url} (HTTP ${response.status}).`);
      return what === 'report' ? new Uint8Array(await response.arrayBuffer()) : response.text();
    });
  }

  /** The evaluator's key list, from its own origin only: no cookies, no redirect, no HTTP cache. */
  #fetchKeyList(origin) {
    return once(`key list ${origin.keyListUrl}`, () => fetchKeyList(origin.keyListUrl));
  }

  async #load() {
    const run = ++this.#run;
    this.result = null;
    this.#set('loading');
    const attr = (name) => this.getAttribute(name)?.trim() || undefined;
    const report = attr('report');
    const signature = attr('signature') ?? (report ? `${report}.minisig` : undefined);
    const evaluator = attr('evaluator');
    const keys = (this.getAttribute('public-key') ?? '').split(/\s+/).filter(Boolean);
    const expect = {
      product: attr('product'), vendor: attr('vendor'), period: attr('period'), contractId: attr('contract-id'),
      today: new Date().toISOString().slice(0, 10), pageOrigin: location.origin,
    };
    let origin = null;
    try {
      if (!report) throw coded('missingAttribute', 'No report is named: set the report attribute.');
      if (evaluator && keys.length) throw coded('conflictingTrust', 'Both evaluator and public-key are set: give the evaluator\'s origin, or a key for testing, not both.');
      await init();
      if (evaluator) origin = evaluatorOrigin(evaluator, location.origin); // throws invalidEvaluator
      const [bytes, sig, list] = await Promise.all([this.#fetch(report, 'report'), this.#fetch(signature, 'signature'),
        origin ? this.#fetchKeyList(origin) : null]);
      if (run !== this.#run) return;
      this.result = verifyReport(bytes, sig, origin ? { evaluator: origin.origin, keyList: list } : keys, expect);
      // Never left "checking": an answer that is not a verification is a failure.
      if (typeof this.result?.valid !== 'boolean') throw coded('internalError', 'The verifier gave no answer for this report.');
    } catch (e) {
      if (run !== this.#run) return;
      const wasm = e instanceof WebAssembly.CompileError || e instanceof WebAssembly.LinkError;
      const message = wasm
        ? 'The verifier could not start: this browser or its Content-Security-Policy does not allow WebAssembly (script-src needs \'wasm-unsafe-eval\').'
        : e.message;
      this.result = { valid: false, error: { code: wasm ? 'unavailable' : e.code ?? 'unavailable', message } };
    }
    const r = this.result;
    if (!r.valid) {
      this.#set('failed', { reason: `No outcome is shown. ${r.error.message}` });
      return;
    }
    const product = [r.report.product ?? 'Outcomes report', r.report.vendor].filter(Boolean).join(' · ');
    const issued = r.report.issued ? `Issued ${r.report.issued} · ` : '';
    if (r.trust === 'evaluator') {
      this.#set('verified', {
        product,
        headline: headline(r.report),
        signer: r.trustedComment,
        detail: `${issued}key ${r.keyId}${origin?.local ? ' · a test origin on this computer' : ''}`,
      });
    } else {
      this.#set('unverified-signer', {
        product,
        headline: headline(r.report),
        warning: 'This page gave the key itself, so nothing shows who signed: anyone can make a key and sign any numbers.',
        signer: r.trustedComment,
        detail: `${issued}key ${r.keyId}`,
      });
    }
  }
}

if (!customElements.get('evidence-badge')) customElements.define('evidence-badge', EvidenceBadge);
