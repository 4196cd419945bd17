// The package's entry point: the WebAssembly exports, each guarded so that
// - a call before initialisation throws the typed error `notInitialised`, not a TypeError;
// - a trap inside the module (a bug: every input is meant to get an answer or a typed error)
//   throws the typed error `internalError` and the module is re-created from its compiled code
//   at once, so one bad call never poisons the next (a trapped instance leaks its stack);
// - a roster given as a very long string is measured as UTF-8 in JS, before it is copied into
//   WebAssembly memory, where it would stay.
import * as glue from './evidence_check.js';

/** The largest roster accepted, in bytes (the core's `MAX_ROSTER_BYTES`). */
export const MAX_ROSTER_BYTES = 256 * 1024 * 1024;

let compiled = null;
let exports = null;
let loading = null;

/** An Error like the ones the module throws: `name` EvidenceCheckError, a stable `code`. */
function failure(code, message, extra = {}) {
  const e = new Error(message);
  e.name = 'EvidenceCheckError';
  e.code = code;
  Object.assign(e, extra);
  return e;
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
 * Loads the module once (later calls return the same promise). `input` is optional: the URL of
 * `evidence_check_bg.wasm` (by default the file next to this one, in a page or in Node), a file
 * path (Node), a Response, its bytes, or a compiled WebAssembly.Module; `{ module_or_path }` is
 * accepted too.
 */
export default function init(input) {
  if (compiled) return Promise.resolve();
  const source = input?.module_or_path ?? input ?? new URL('evidence_check_bg.wasm', import.meta.url);
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
export function initSync(input) {
  if (compiled) return;
  const source = input?.module ?? input;
  const module = source instanceof WebAssembly.Module ? source : new WebAssembly.Module(source);
  exports = glue.initSync({ module });
  compiled = module;
}

/** The size of the module's memory in bytes (WebAssembly memory grows and is never given back). */
export function wasmMemoryBytes() {
  return exports ? exports.memory.buffer.byteLength : 0;
}

/** Throws away the trapped instance and starts a fresh one from the compiled module. */
function restart() {
  glue.__resetInstance();
  exports = glue.initSync({ module: compiled });
}

function guarded(name) {
  return (...args) => {
    if (!compiled) {
      throw failure('notInitialised', `${name}() was called before the module was loaded: await init() (or call initSync) first.`);
    }
    try {
      return glue[name](...args);
    } catch (e) {
      if (!(e instanceof WebAssembly.RuntimeError)) throw e;
      restart();
      throw failure('internalError', `evidence-check failed inside ${name}() (${e.message}) and has restarted; the next call works normally. This is a bug: please report it with the input.`);
    }
  };
}

const evaluate = guarded('evaluateContract');

export const version = guarded('version');
export const effectSize = guarded('effectSize');
export const minimumDetectableEffect = guarded('minimumDetectableEffect');
export const validateProfile = guarded('validateProfile');
export const vetProduct = guarded('vetProduct');
export const schemas = guarded('schemas');
export const verifyReport = guarded('verifyReport');
export const evaluatorOrigin = guarded('evaluatorOrigin');
export const readKeyList = guarded('readKeyList');
export const readReport = guarded('readReport');

/** `evaluateContract(contract, roster, options)`; see evidence_check.d.ts. */
export function evaluateContract(contract, roster, options) {
  // Copying a string into the module reserves up to 3 bytes per UTF-16 unit: past a third of the
  // limit, measure its UTF-8 size here and hand over exactly its bytes, or refuse it.
  if (typeof roster === 'string' && roster.length * 3 > MAX_ROSTER_BYTES) {
    const bytes = utf8Length(roster);
    if (bytes > MAX_ROSTER_BYTES) throw tooLarge(bytes);
    roster = new TextEncoder().encode(roster);
  }
  return evaluate(contract, roster, options);
}

/** The length of `text` in UTF-8, as TextEncoder would write it (a lone surrogate as U+FFFD). */
function utf8Length(text) {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function tooLarge(bytes) {
  const message = `the file is ${Math.floor(bytes / 2 ** 20)} MB; the largest roster accepted is ${MAX_ROSTER_BYTES / 2 ** 20} MB. Split it by district or school.`;
  return failure('invalidRoster', `The roster cannot be read: ${message}`, {
    errors: [{ line: 1, code: 'tooLarge', message }],
    errorCount: 1,
  });
}

/** Traps on purpose: lets a test or a page check that the package recovers (see README, Robustness). */
export const __trapForTesting = guarded('__trapForTesting');
