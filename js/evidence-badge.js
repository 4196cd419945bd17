// <evidence-badge report="outcomes.json" signature="outcomes.json.minisig" public-key="RW...">
// Fetches a signed outcomes report, verifies it in WebAssembly, and shows its headline outcome
// only when the signature is genuine and made by a trusted key. Embed with one module script:
//   <script type="module" src="/path/to/pkg/evidence-badge.js"></script>
import init, { verifyReport } from './evidence-check.js';

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
  :host([state="failed"]) { border-color: var(--evidence-badge-failed, #a4161a); }
  :host([hidden]) { display: none; }
  .status { display: flex; align-items: center; gap: 0.5rem; font-weight: 700; margin: 0 0 0.35rem; }
  .mark { display: inline-grid; place-items: center; width: 1.4rem; height: 1.4rem; border-radius: 50%;
    color: #fff; background: var(--evidence-badge-muted, #4a5563); font-size: 0.9rem; flex: none; }
  :host([state="verified"]) .mark { background: var(--evidence-badge-verified, #1d6b34); }
  :host([state="failed"]) .mark { background: var(--evidence-badge-failed, #a4161a); }
  :host([state="verified"]) .status { color: var(--evidence-badge-verified, #1d6b34); }
  :host([state="failed"]) .status { color: var(--evidence-badge-failed, #a4161a); }
  .product { font-size: 1.05rem; font-weight: 650; margin: 0; }
  .headline { font-size: 1.15rem; margin: 0.2rem 0; font-variant-numeric: tabular-nums; }
  .signer, .reason { font-size: 0.85rem; color: var(--evidence-badge-muted, #4a5563); margin: 0.25rem 0 0; overflow-wrap: anywhere; }
  code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 0.95em; }
`);

const STATES = { loading: 'Checking signature…', verified: 'Verified outcomes', failed: 'Not verified' };
const number = new Intl.NumberFormat('en-US');
const signed = (x, digits) => (x >= 0 ? '+' : '−') + Math.abs(x).toFixed(digits);

/** The one-line headline of a verified report, e.g. "+0.21 SD, improvement index +8, n = 1,240 students, 2025-26". */
export function headline(report) {
  const parts = [];
  const e = report.effect;
  if (e && Number.isFinite(e.g)) {
    parts.push(`${signed(e.g, 2)} SD`);
    if (Number.isFinite(e.improvementIndex)) parts.push(`improvement index ${signed(e.improvementIndex, 0)}`);
  } else if (Number.isFinite(report.shareMetTarget)) {
    parts.push(`${Math.round(report.shareMetTarget * 100)}% met the growth target`);
  }
  const n = report.students?.enrolled;
  if (Number.isFinite(n)) parts.push(`n = ${number.format(n)} students`);
  if (typeof report.period === 'string' && report.period) parts.push(report.period);
  return parts.join(', ');
}

export class EvidenceBadge extends HTMLElement {
  static observedAttributes = ['report', 'signature', 'public-key'];
  #run = 0;

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    root.adoptedStyleSheets = [sheet];
    root.innerHTML = `
      <div part="badge" role="group" aria-label="Outcomes report">
        <p class="status" part="status" role="status" aria-live="polite"><span class="mark" aria-hidden="true">…</span><span class="state-text"></span></p>
        <p class="product" part="product"></p>
        <p class="headline" part="headline"></p>
        <p class="signer" part="signer"></p>
        <p class="reason" part="reason"></p>
      </div>`;
    /** The last verification result (`verifyReport`'s answer), or null while loading. */
    this.result = null;
  }

  connectedCallback() {
    this.#load();
  }

  attributeChangedCallback() {
    if (this.isConnected) this.#load();
  }

  #set(state, { product = '', headline: head = '', signer = '', reason = '' } = {}) {
    const $ = (c) => this.shadowRoot.querySelector(c);
    $('.mark').textContent = state === 'verified' ? '✓' : state === 'failed' ? '✗' : '…';
    $('.state-text').textContent = STATES[state];
    $('.product').textContent = product;
    $('.headline').textContent = head;
    $('.signer').textContent = signer;
    $('.reason').textContent = reason;
    for (const c of ['.product', '.headline', '.signer', '.reason']) $(c).hidden = !$(c).textContent;
    this.setAttribute('state', state);
    this.dispatchEvent(new CustomEvent('evidence-badge:state', { bubbles: true, composed: true, detail: { state, result: this.result } }));
  }

  async #fetch(url, what) {
    let response;
    try {
      response = await fetch(new URL(url, document.baseURI), { credentials: 'omit' });
    } catch {
      throw new Error(`The ${what} could not be fetched from ${url}: the network failed, or the server does not allow this page to read it (CORS or Content-Security-Policy).`);
    }
    if (!response.ok) throw new Error(`The ${what} could not be fetched from ${url} (HTTP ${response.status}).`);
    return what === 'report' ? new Uint8Array(await response.arrayBuffer()) : response.text();
  }

  async #load() {
    const run = ++this.#run;
    this.result = null;
    this.#set('loading');
    const report = this.getAttribute('report');
    const signature = this.getAttribute('signature') || (report ? `${report}.minisig` : null);
    const keys = (this.getAttribute('public-key') || '').split(/\s+/).filter(Boolean);
    try {
      if (!report) throw new Error('No report is named: set the report attribute.');
      const [bytes, sig] = await Promise.all([this.#fetch(report, 'report'), this.#fetch(signature, 'signature'), init()]);
      if (run !== this.#run) return;
      this.result = verifyReport(bytes, sig, keys);
    } catch (e) {
      if (run !== this.#run) return;
      const reason = e instanceof WebAssembly.CompileError || e instanceof WebAssembly.LinkError
        ? 'The verifier could not start: this browser or its Content-Security-Policy does not allow WebAssembly (script-src needs \'wasm-unsafe-eval\').'
        : e.message;
      this.result = { valid: false, error: { code: 'unavailable', message: reason } };
    }
    const r = this.result;
    if (r.valid) {
      const product = typeof r.report.product === 'string' ? r.report.product : 'Outcomes report';
      this.#set('verified', {
        product,
        headline: headline(r.report),
        signer: `Signed: ${r.trustedComment} (key ${r.keyId})`,
      });
    } else {
      this.#set('failed', { reason: `No outcome is shown. ${r.error.message}` });
    }
  }
}

if (!customElements.get('evidence-badge')) customElements.define('evidence-badge', EvidenceBadge);
