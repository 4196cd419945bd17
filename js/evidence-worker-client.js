// The page's side of js/evidence-worker.js, for <evidence-calculator>: starts the worker (and the
// WebAssembly in it) ahead of any roster, sends one roster at a time to evaluate, and passes on
// what comes back: ready, progress, the result or the error. A running evaluation cannot be
// interrupted inside the worker, so cancelling it, or starting another, restarts the worker.

export class EvidenceWorkerClient {
  #worker = null;
  #running = false;
  #on;

  /**
   * `on` receives what the worker says: `ready()`, `progress(fraction)`, `result(result, reading)`
   * (`reading`: `{ bytes, memoryBytes }` for a roster read as a stream),
   * `error(error)` (the roster or contract was refused) and `unavailable(error)` (no worker could start).
   */
  constructor(on) {
    this.#on = on;
  }

  /** Starts a new worker, ending the current one and whatever it was evaluating. */
  start() {
    this.stop();
    this.#worker = new Worker(new URL('./evidence-worker.js', import.meta.url), { type: 'module' });
    this.#worker.onmessage = ({ data }) => this.#receive(data);
    this.#worker.onerror = (e) => {
      e.preventDefault();
      this.#running = false;
      this.#on.unavailable({ code: 'unavailable', message: 'The calculator could not start its worker: this page\'s Content-Security-Policy must allow worker-src \'self\' and script-src \'wasm-unsafe-eval\'.', errors: [] });
    };
    this.#worker.postMessage({ type: 'init' });
  }

  /** Whether an evaluation is running. */
  get running() {
    return this.#running;
  }

  /** Ends the worker (a new one starts with `start`). */
  stop() {
    this.#worker?.terminate();
    this.#worker = null;
    this.#running = false;
  }

  /**
   * Evaluates `roster` (a Blob, read by the worker as a stream, or the district's files as
   * `{ usage, scores, students }` ArrayBuffers; left intact) with `contract`, in place of any
   * running evaluation.
   */
  evaluate(contract, roster) {
    if (this.#running) this.start();
    this.#running = true;
    // A Blob (a File) is passed by reference: its bytes are read in the worker, piece by piece.
    if (roster instanceof Blob) {
      this.#worker.postMessage({ type: 'evaluate', contract, file: roster });
      return;
    }
    // Copies are transferred, so the loaded files can be evaluated again with another contract.
    const sources = Object.fromEntries(Object.entries(roster).map(([role, bytes]) => [role, bytes.slice(0)]));
    this.#worker.postMessage({ type: 'evaluate', contract, sources }, Object.values(sources));
  }

  /** Abandons the running evaluation: its answer will never come. */
  cancel() {
    this.start();
  }

  #receive(data) {
    if (data.type === 'ready') this.#on.ready();
    else if (data.type === 'progress') this.#on.progress(data.fraction);
    else if (data.type === 'result') {
      this.#running = false;
      this.#on.result(data.result, data.reading);
    } else if (data.type === 'error') {
      this.#running = false;
      this.#on.error(data.error);
    }
  }
}
