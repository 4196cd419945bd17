// The guard of a wasm-bindgen module (the package's entry point, js/evidence-check.js, and the
// badge's, js/evidence-verify.js), so that
// - a call before initialisation throws the typed error `notInitialised`, not a TypeError;
// - a trap inside the module (a bug: every input is meant to get an answer or a typed error)
//   throws the typed error `internalError` and the module is re-created from its compiled code
//   at once, so one bad call never poisons the next (a trapped instance leaks its stack).

/** An Error like the ones the module throws: `name` EvidenceCheckError, a stable `code`. */
export function failure(code, message, extra = {}) {
  const e = new Error(message);
  e.name = 'EvidenceCheckError';
  e.code = code;
  Object.assign(e, extra);
  return e;
}

/** Whether an ArrayBuffer was transferred away (`detached` where the engine has it; else a view of it cannot be made). */
function isDetached(buffer) {
  if (buffer.byteLength > 0) return false;
  if (typeof buffer.detached === 'boolean') return buffer.detached;
  try {
    new Uint8Array(buffer);
    return false;
  } catch {
    return true;
  }
}

/** In Node, a `file:` URL or a path: fetch() reads neither, so the file is read instead. */
function nodeFile(source) {
  if (!globalThis.process?.versions?.node || !(typeof source === 'string' || source instanceof URL)) return null;
  const text = String(source);
  if (text.startsWith('file:')) return new URL(text);
  return /^[a-z][a-z0-9+.-]*:/i.test(text) ? null : text;
}

async function compile(source) {
  if (source instanceof WebAssembly.Module) return source;
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) return WebAssembly.compile(source);
  const file = nodeFile(source);
  if (file) {
    // A name in a variable: bundlers for the browser leave the import alone.
    const fsName = 'node:fs/promises';
    const { readFile } = await import(/* webpackIgnore: true */ /* @vite-ignore */ fsName);
    return WebAssembly.compile(await readFile(file));
  }
  const response = source instanceof Response ? source : await fetch(source);
  if (!response.ok) throw new Error(`The WebAssembly file could not be loaded from ${response.url} (HTTP ${response.status}).`);
  // compileStreaming needs the application/wasm MIME type; fall back to the bytes when a server sends another.
  if (typeof WebAssembly.compileStreaming === 'function' && response.headers.get('content-type')?.startsWith('application/wasm')) {
    return WebAssembly.compileStreaming(response);
  }
  return WebAssembly.compile(await response.arrayBuffer());
}

/**
 * The guarded calls of `glue` (a wasm-bindgen `--target web` glue with `__resetInstance`, see
 * scripts/package.mjs), its `.wasm` loaded by default from `defaultSource()` (a URL the entry
 * point builds with `new URL('…_bg.wasm', import.meta.url)`, the form bundlers follow).
 */
export function guard(glue, defaultSource) {
  let compiled = null;
  let exports = null;
  let loading = null;
  // Weak references to the objects of the module's classes made in the current instance, and the
  // instance's number (see guardedClass).
  const live = new Set();
  let pruneAt = 64;
  let generation = 0;

  /**
   * Loads the module once (later calls return the same promise). `input` is optional: the URL of
   * its `.wasm` file (by default the file next to the entry point, in a page or in Node), a file
   * path (Node), a Response, its bytes, or a compiled WebAssembly.Module; `{ module_or_path }` is
   * accepted too.
   */
  function init(input) {
    if (compiled) return Promise.resolve();
    const source = input?.module_or_path ?? input ?? defaultSource();
    loading ??= compile(source).then(async (module) => {
      exports = await glue.default({ module_or_path: module });
      compiled = module;
    }).catch((e) => {
      loading = null;
      throw e;
    });
    return loading;
  }

  /** Loads the module synchronously from its bytes or a compiled WebAssembly.Module (Node, workers). */
  function initSync(input) {
    if (compiled) return;
    const source = input?.module ?? input;
    const module = source instanceof WebAssembly.Module ? source : new WebAssembly.Module(source);
    exports = glue.initSync({ module });
    compiled = module;
  }

  /** The size of the module's memory in bytes (WebAssembly memory grows and is never given back). */
  function wasmMemoryBytes() {
    return exports ? exports.memory.buffer.byteLength : 0;
  }

  /** Throws away the trapped instance and starts a fresh one from the compiled module. */
  function restart() {
    // The live objects' memory was the trapped instance's: each is forgotten without being freed
    // (a finalizer freeing it later would free that address in the fresh instance).
    for (const ref of live) ref.deref()?.__destroy_into_raw();
    live.clear();
    generation += 1;
    glue.__resetInstance();
    exports = glue.initSync({ module: compiled });
  }

  function guarded(name, call = (...args) => glue[name](...args)) {
    return (...args) => {
      if (!compiled) {
        throw failure('notInitialised', `${name}() was called before the module was loaded: await init() (or call initSync) first.`);
      }
      try {
        return call(...args);
      } catch (e) {
        if (!(e instanceof WebAssembly.RuntimeError)) throw e;
        restart();
        throw failure('internalError', `evidence-check failed inside ${name}() (${e.message}) and has restarted; the next call works normally. This is a bug: please report it with the input.`);
      }
    };
  }

  /**
   * `new glue[name](...args)`, guarded, as a plain object with the guarded `methods`; `finish`
   * frees it, and so does an error (the object then repeats that error). An object whose instance
   * a trap replaced refuses every call. Objects are tracked weakly, so one dropped unfinished is
   * still freed when collected.
   */
  function guardedClass(name, methods, what) {
    const construct = guarded(name, (...args) => new glue[name](...args));
    return (...args) => {
      const inner = construct(...args);
      const born = generation;
      const ref = new WeakRef(inner);
      live.add(ref);
      // The references of objects collected since go now and then (twice the size kept, so the
      // sweeps cost a constant a creation).
      if (live.size > pruneAt) {
        for (const r of live) if (!r.deref()) live.delete(r);
        pruneAt = Math.max(64, 2 * live.size);
      }
      let ended = null; // the error that ended it, or 'finished'
      const end = (why) => {
        ended = why;
        live.delete(ref);
        inner.free();
      };
      const object = {};
      for (const method of methods) {
        object[method] = guarded(`${what}.${method}`, (...a) => {
          if (generation !== born) {
            throw failure('internalError', `This ${what} was lost when evidence-check restarted after an error: create another.`);
          }
          if (ended === 'finished') throw failure('invalidInput', `This ${what} has finished: create another for the next roster.`);
          if (ended) throw ended;
          // A transferred (detached) buffer would throw inside the call and leave it stuck. Like
          // any error, it ends the object: a piece not read is never silently skipped.
          const buffer = a[0] instanceof ArrayBuffer ? a[0] : ArrayBuffer.isView(a[0]) ? a[0].buffer : null;
          if (buffer && isDetached(buffer)) {
            const e = failure('invalidRoster', `The ${what}'s piece is a detached ArrayBuffer (transferred elsewhere, as to a worker): its bytes are gone.`);
            end(e);
            throw e;
          }
          let result;
          try {
            result = inner[method](...a);
          } catch (e) {
            if (!(e instanceof WebAssembly.RuntimeError)) end(e); // a trap: restart() forgets it
            throw e;
          }
          if (method === 'finish') end('finished');
          return result;
        });
      }
      return object;
    };
  }

  /** The compiled module, once loaded (for workers' own instances). */
  const module = () => compiled;

  return { init, initSync, wasmMemoryBytes, guarded, guardedClass, module };
}
