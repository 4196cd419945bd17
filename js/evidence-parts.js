// evaluateContract on more than one core in Node (options.threads): a large byte roster is cut
// at line ends into parts (the module's __rosterCuts); Node workers, each with its own instance
// of the module, read the parts after the first while this thread reads the first; then this
// thread joins them into exactly what one reader of the whole file gives, and evaluates
// (__evaluateRosterParts). The call stays synchronous: this thread waits for the workers with
// Atomics.wait and takes their answers with receiveMessageOnPort. Whatever goes wrong on the way
// (no worker, a worker's error, parts that cannot be joined) sends the roster to one reader.

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
    // How many replies the worker has posted.
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

/** The next job's number: a worker's reply names its job, so a late one is never taken for another's. */
let nextJob = 0;

/**
 * A worker's reply to job `id`, or undefined when none comes within `ms` milliseconds. Replies
 * to earlier jobs (whose caller stopped waiting) are dropped. The worker posts its reply, then
 * counts it in `flag`: a count read before looking at the port again cannot miss one.
 */
function replyTo(w, id, ms, threads) {
  const deadline = performance.now() + ms;
  for (;;) {
    const seen = Atomics.load(w.flag, 0);
    for (let m = threads.receiveMessageOnPort(w.port); m; m = threads.receiveMessageOnPort(w.port)) {
      if (m.message?.id === id) return m.message;
    }
    const left = deadline - performance.now();
    if (w.failed || left <= 0 || Atomics.wait(w.flag, 0, seen, left) === 'timed-out') return undefined;
  }
}

/**
 * `options` whose `onProgress` never goes back (a roster read whole after its parts failed
 * starts again at 0); everything else is read from `options` itself, as the module reads it.
 */
function forwardOnly(options) {
  const report = options?.onProgress;
  if (typeof report !== 'function') return options;
  let reached = 0;
  const onProgress = (fraction) => {
    if (!(fraction < reached)) reached = fraction;
    return report(reached);
  };
  return new Proxy(options, { get: (target, key) => (key === 'onProgress' ? onProgress : Reflect.get(target, key)) });
}

// The typed-array getters themselves (a roster's own properties could say otherwise).
const typedArray = Object.getPrototypeOf(Uint8Array.prototype);
const view = (name) => Object.getOwnPropertyDescriptor(typedArray, name).get;
const [bufferOf, offsetOf, lengthOf] = ['buffer', 'byteOffset', 'length'].map(view);

/**
 * The evaluation of `roster` read in `options.threads` parts on Node's workers. When it is not
 * read so (not Node, a small roster, one thread asked for or available (the default: on one
 * thread, wasm memory holds less), a file not cut, or any failure on the way),
 * `whole(options, contract)` reads it on this thread (the contract as given, or its JSON text
 * once read), or undefined without `whole`. `glue` holds the module's guarded calls
 * `__rosterCuts`, `__contractText` and `__evaluateRosterParts`; `compiled` is its
 * WebAssembly.Module.
 */
export function evaluateInParts(glue, compiled, contract, roster, options, whole = () => undefined) {
  // A plain view of the bytes (a Node Buffer's slice would be a view, not a copy).
  // (A roster whose own `length` property hides its length is left to the one reader.)
  const plain = roster instanceof Uint8Array && roster.length === lengthOf.call(roster);
  const bytes = roster instanceof ArrayBuffer ? new Uint8Array(roster)
    : plain ? new Uint8Array(bufferOf.call(roster), offsetOf.call(roster), lengthOf.call(roster)) : null;
  // (The module counts a roster's bytes in 32 bits.)
  if (!bytes || bytes.length < PARTS_MIN_BYTES || bytes.length >= 2 ** 32 || !compiled || busy) return whole(options);
  const asked = options?.threads;
  // A wrong value goes to the one reader, whose options check says what is wrong with it.
  if (asked !== undefined && !(Number.isInteger(asked) && asked >= 1 && asked <= MAX_PARTS)) return whole(options);
  const node = nodeModules();
  // As many parts as threads asked for (one by default), at most one a core.
  const count = node ? Math.min(asked ?? 1, node.os.availableParallelism(), MAX_PARTS) : 1;
  const cuts = count > 1 ? glue.__rosterCuts(bytes, count) : null;
  if (!cuts || cuts.length < 2) return whole(options);
  // A quote before the last part could open a field a part starts in: such a file is read whole
  // at once rather than in parts that would not join.
  if (bytes.subarray(0, cuts[cuts.length - 1]).indexOf(0x22) !== -1) return whole(options);
  const head = bytes.slice(0, cuts[0]);
  const starts = Array.from(cuts.subarray(1));
  // The contract's JSON text, read once as the one reader reads it (its error is the one
  // reader's first), and that text given to every instance, and to one reader if the parts fail.
  const text = glue.__contractText(contract);
  let jobs;
  try {
    jobs = workers(starts.length, compiled, node.threads).map((w, k) => {
      const part = bytes.slice(starts[k], starts[k + 1] ?? bytes.length);
      const id = nextJob++;
      w.worker.postMessage({ id, contract: text, head, part }, [part.buffer]);
      return { w, id, size: part.length };
    });
  } catch {
    return whole(options, text);
  }
  // Called by the module once it has read the first part: the workers' parts, or null.
  const wait = () => {
    const sent = [];
    for (const { w, id, size } of jobs) {
      // A generous bound (a second and a second a megabyte), past which the worker is lost.
      const reply = replyTo(w, id, 1000 + size / 1000, node.threads);
      if (!(reply?.part instanceof Uint8Array)) {
        if (!reply) retire(w);
        return null;
      }
      sent.push(reply.part);
    }
    return sent;
  };
  const monotone = forwardOnly(options);
  busy = true;
  let result;
  try {
    result = glue.__evaluateRosterParts(text, bytes, starts.length + 1, wait, monotone);
  } finally {
    busy = false;
  }
  return result ?? whole(monotone, text);
}
