// <evidence-calculator contract="contract.json">: the whole outcomes-based-contract calculator as
// one element. A roster is read on this device (file picker, drag and drop, or synthetic sample
// data) and evaluated in a Web Worker; nothing is uploaded. Charts appear when Chart.js (its UMD
// build, global `Chart`) is loaded on the page; the same numbers are always in tables too.
//
// This module is the element's shell: its public API (the tag, the `contract` attribute, the
// `result` and `ready` properties, `evaluate()`, `contract()`, `$()` and the
// `evidence-calculator:result` event) and the order of things. The work is done by its parts: the
// roster panel (calculator-roster.js), the contract form (calculator-form.js, with the step that maps
// a roster's columns to its fields, calculator-columns.js), the results view
// (calculator-results.js) and the worker client (evidence-worker-client.js); its styles are
// evidence-calculator.css.
import { sampleContract } from './sample-roster.js';
import { money } from './money.js';
import { adoptStylesheet, downloadJson } from './dom.js';
import { RosterPanel, rosterFromText, rosterOf } from './calculator-roster.js';
import { ContractForm } from './calculator-form.js';
import { headerNames } from './calculator-columns.js';
import { ResultsView } from './calculator-results.js';
import { EvidenceWorkerClient } from './evidence-worker-client.js';

// Beside this module, so that the published package, the demo and a bundler (which copies what
// `new URL(…, import.meta.url)` names) all find it.
const STYLESHEET_URL = new URL('./evidence-calculator.css', import.meta.url).href;

export class EvidenceCalculator extends HTMLElement {
  static observedAttributes = ['contract'];
  #roster = null; // { file: Blob, head: ArrayBuffer, name }, or the district's files: { files, name }
  /** The contract the page gave (the `contract` attribute), once loaded; null without one. */
  #pageContract = null;
  /** Settles when the page's contract is loaded (or failed to load); `#preloading` until then. */
  #preloaded = Promise.resolve();
  #preloading = false;
  #form = new ContractForm({ evaluate: () => this.#evaluate(), cancel: () => this.#cancel(), download: () => this.#downloadContract() });
  #results = new ResultsView();
  #worker;

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    /** The last evaluation, as `evaluateContract` returned it. */
    this.result = null;
    const use = (roster, sample) => {
      // The sample never replaces a contract the page gave: its columns are mapped under that
      // contract like any file's.
      if (sample && !this.#pageContract) this.#form.fill(sampleContract);
      this.#setRoster(roster);
      this.#evaluate();
    };
    const rosterPanel = new RosterPanel((roster, { sample }) => {
      // (The sample waits for the page's contract while it loads.)
      if (sample && this.#preloading) this.#preloaded.then(() => use(roster, sample));
      else use(roster, sample);
    }, (files) => this.#preloaded.then(() => this.#setFiles(files)));
    root.append(rosterPanel.element, this.#form.element, this.#results.element);
    const styled = adoptStylesheet(root, STYLESHEET_URL);
    // Until a contract is preloaded, the form holds the sample's terms without its roster-specific
    // parts (school clustering, subgroup columns), so that any roster with the required columns works.
    this.#form.fill({ ...sampleContract, assignedBy: 'student', subgroupColumns: [] });
    let workerReady;
    const workerStarted = new Promise((resolve) => { workerReady = resolve; });
    this.#worker = new EvidenceWorkerClient({
      ready: () => workerReady(),
      progress: (fraction) => { this.#results.progress = fraction; },
      result: (result, reading) => this.#showResult(result, reading),
      error: (error) => this.#showRefusal(error),
      unavailable: (error) => {
        this.#form.running = false;
        this.#results.showErrors(error);
      },
    });
    /** Resolves when the stylesheet, the worker and its WebAssembly are loaded (no further request is needed). */
    this.ready = Promise.all([styled, workerStarted]).then(() => {});
  }

  connectedCallback() {
    // Start the worker (and the WebAssembly in it) now, so that no request is made once a roster is loaded.
    this.#worker.start();
    this.#preloaded = this.#preload();
  }

  disconnectedCallback() {
    this.#worker.stop();
  }

  attributeChangedCallback() {
    if (this.isConnected) this.#preloaded = this.#preload();
  }

  $(selector) {
    return this.shadowRoot.querySelector(selector);
  }

  /** Reads the form as a contract; problems of form entry are returned as `{ path, message }`. */
  contract() {
    return this.#form.read();
  }

  /**
   * Evaluates a roster given as text, bytes (an ArrayBuffer or a typed array) or a Blob (a File)
   * with the form's contract (also what the buttons do); a Blob is read as a stream.
   */
  async evaluate(roster, name = 'roster') {
    const blob = roster instanceof Blob ? roster : new Blob([roster], { type: 'text/csv' });
    this.#setRoster(typeof roster === 'string' ? await rosterFromText(roster, name) : await rosterOf(blob, name));
    this.#evaluate();
  }

  /** Keeps a roster (`{ file, head, name }`) and shows its columns to be mapped to the roster's fields. */
  #setRoster(roster) {
    this.#roster = roster;
    this.#form.showHeaders(headerNames(roster.head), roster.name);
  }

  /**
   * Keeps the district's files (`[{ bytes, name }]`) and shows their roles and columns to be
   * checked; they are evaluated when the form is submitted (the guesses need a look first).
   */
  #setFiles(files) {
    this.#roster = { files, name: files.map((f) => f.name).join(', ') };
    this.#form.showFiles(files);
    this.#results.say('The district\'s files are loaded: check which file is which and their columns under 2. Contract, then Evaluate.');
  }

  async #preload() {
    const url = this.getAttribute('contract');
    if (!url) return;
    this.#preloading = true;
    try {
      const response = await fetch(new URL(url, document.baseURI), { credentials: 'omit' });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      this.#pageContract = await response.json();
      this.#form.fill(this.#pageContract);
      this.#results.say(`Contract loaded from ${url}.`);
    } catch (e) {
      this.#results.say(`The contract at ${url} could not be loaded (${e.message}); the form shows the sample contract.`);
    } finally {
      this.#preloading = false;
    }
  }

  /** The form's contract, or null after showing what in the form needs attention. */
  #readContract() {
    const { contract, problems } = this.#form.read();
    this.#form.markInvalid(problems);
    if (!problems.length) return contract;
    this.#results.showErrors(this.#labelled({ code: 'invalidContract', message: 'Some contract fields need attention.', errors: problems }));
    this.#results.say('Nothing was evaluated: some contract fields need attention.');
    return null;
  }

  #downloadContract() {
    const contract = this.#readContract();
    if (!contract) return;
    downloadJson(contract, 'contract.json', this.shadowRoot.querySelector('form'));
    this.#results.say('The contract is downloaded as contract.json.');
  }

  #evaluate() {
    if (!this.#roster) {
      this.#results.say('Load a roster first: choose a CSV file or try the sample data.');
      return;
    }
    const contract = this.#readContract();
    if (!contract) {
      // What is shown must be of this roster: the last one's results go, and so does an
      // evaluation of the last one still running (its answer would come after this roster's problems).
      if (this.#worker.running) this.#worker.cancel();
      this.#form.running = false;
      this.#results.progress = 0;
      this.result = null;
      this.#results.clear();
      return;
    }
    this.#results.begin(`Evaluating ${this.#roster.name}…`);
    this.#form.running = true;
    this.#worker.evaluate(contract, this.#form.sources() ?? this.#roster.file);
  }

  #cancel() {
    this.#worker.cancel();
    this.#form.running = false;
    this.#results.progress = 0;
    this.#results.say('Evaluation cancelled.');
  }

  #showResult(result, reading) {
    this.#form.running = false;
    this.result = result;
    this.#results.render(result, reading);
    this.#results.say(`Evaluated: total payment ${money(result.payment.totalCents, result.report.currency)}.`);
    this.dispatchEvent(new CustomEvent('evidence-calculator:result', { bubbles: true, composed: true, detail: result }));
  }

  /** The error with each problem's field named as the form labels it (`label`), beside its path. */
  #labelled(error) {
    return { ...error, errors: (error.errors ?? []).map((e) => (e.path == null ? e : { ...e, label: this.#form.labelOf(e.path) })) };
  }

  #showRefusal(error) {
    this.#form.running = false;
    this.result = null;
    this.#results.clear();
    this.#results.showErrors(this.#labelled(error));
    this.#form.markInvalid(error.errors.filter((e) => e.path != null));
    this.#results.say('The roster was not evaluated: see the problems listed.');
  }
}

if (!customElements.get('evidence-calculator')) customElements.define('evidence-calculator', EvidenceCalculator);
