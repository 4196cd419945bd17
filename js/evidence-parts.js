// evaluateContract on more than one core in Node (options.threads): a large byte roster is cut at line ends into parts
// (the module's __rosterCuts); Node workers, each with its own instance of the module, read the
// parts after the first while this thread reads the first; then this thread joins them into
// exactly what one reader of the whole file gives, and evaluates (__evaluateRosterParts). The
// call stays synchronous: this thread waits for the workers with Atomics.wait and takes their
// answers with receiveMessageOnPort. Whatever goes wrong on the way (no worker, a worker's
// error, parts that cannot be joined) is no answer here: the roster is then read whole.

/** Smallest roster read in parts: below it, a worker's start costs more than it saves. */
export const PARTS_MIN_BYTES = 8 << 20;
/** Most parts (the module's MAX_PARTS): this thread and up to 63 workers. */
const MAX_PARTS = 64;

// Node's worker_threads and os modules, or null elsewhere (a page, Deno without them).
function nodeModules() {
  const get = globalThis.process?.getBuiltinModule;
  if (typeof get !== 'function') return null;
  try {
    const threads = get('node:worker_threads');
    const os = get('node:os');
    if (!threads?.Worker || !threads.receiveMessageOnPort || typeof os?.availableParallelism !== 'function') return null;
    return { threads, os };
  } catch {
    return null;
  }
}

// The workers, kept between calls (unref'd: they never keep a process alive), with the compiled
// module they were started with.
let pool = [];
let poolModule = null;
// Whether a call is reading in parts now (the workers are then taken).
let busy = false;

function retire(worker) {
  pool = pool.filter((w) => w !== worker);
  worker.worker.terminate().catch(() => {});
}

function workers(count, compiled, threads) {
  if (poolModule !== compiled) {
    for (const w of pool) retire(w);
    poolModule = compiled;
  }
  while (pool.length < count) {
    const { port1, port2 } = new threads.MessageChannel();
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const worker = new threads.Worker(new URL('./evidence-parts-worker.js', import.meta.url), {
      workerData: { module: compiled, port: port1, flag },
      transferList: [port1],
    });
    worker.unref();
    port2.unref?.();
    const entry = { worker, port: port2, flag, failed: false };
    // A worker that fails or ends outside a job (it could not start) is retired; a job then
    // waiting for it times out.
    const lost = () => {
      entry.failed = true;
      retire(entry);
    };
    worker.on('error', lost);
    worker.on('exit', lost);
    pool.push(entry);
  }
  return pool.slice(0, count);
}

/**
 * The evaluation of `roster` read in `options.threads` parts on Node's workers, or undefined
 * when it is not read so (not Node, a small roster, one thread asked for or available (the
 * default: on one thread, wasm memory holds less), a file not cut, or any
 * failure on the way: the caller then reads it whole). `glue` holds the module's guarded calls
 * `__rosterCuts` and `__evaluateRosterParts`; `compiled` is its WebAssembly.Module.
 */
export function evaluateInParts(glue, compiled, contract, roster, options) {
  const bytes = roster instanceof ArrayBuffer ? new Uint8Array(roster) : roster instanceof Uint8Array ? roster : null;
  if (!bytes || bytes.length < PARTS_MIN_BYTES || !compiled) return undefined;
  const asked = options?.threads;
  // A wrong value goes to the one reader, whose options check says what is wrong with it.
  if (asked !== undefined && !(Number.isInteger(asked) && asked >= 1 && asked <= MAX_PARTS)) return undefined;
  const node = nodeModules();
  if (!node) return undefined;
  // As many parts as threads asked for (one by default), at most one a core.
  const count = Math.min(asked ?? 1, node.os.availableParallelism(), MAX_PARTS);
  if (count < 2) return undefined;
  const cuts = glue.__rosterCuts(bytes, count);
  if (!cuts || cuts.length < 2) return undefined;
  // A quote before the last part could open a field a part starts in: such a file is read whole
  // at once rather than in parts that would not join.
  if (bytes.subarray(0, cuts[cuts.length - 1]).indexOf(0x22) !== -1) return undefined;
  const head = bytes.slice(0, cuts[0]);
  const starts = Array.from(cuts.subarray(1));
  if (busy) return undefined; // (a call from inside one: onProgress)
  let jobs;
  try {
    // The contract as given (cloned), so that each instance reads it exactly as this one does.
    jobs = workers(starts.length, compiled, node.threads).map((w, k) => {
      const part = bytes.slice(starts[k], starts[k + 1] ?? bytes.length);
      Atomics.store(w.flag, 0, 0);
      w.worker.postMessage({ contract, head, part }, [part.buffer]);
      return { w, size: part.length };
    });
  } catch {
    return undefined;
  }
  // Called by the module once it has read the first part: the workers' parts, or null.
  const wait = () => {
    const sent = [];
    for (const { w, size } of jobs) {
      // A generous bound (a second and a second a megabyte), past which the worker is lost.
      const waited = w.failed ? 'timed-out' : Atomics.wait(w.flag, 0, 0, 1000 + size / 1000);
      const reply = waited === 'timed-out' ? undefined : node.threads.receiveMessageOnPort(w.port)?.message;
      if (!(reply?.part instanceof Uint8Array)) {
        retire(w);
        return null;
      }
      sent.push(reply.part);
    }
    return sent;
  };
  busy = true;
  try {
    return glue.__evaluateRosterParts(contract, bytes, starts.length + 1, wait, options);
  } finally {
    busy = false;
  }
}
