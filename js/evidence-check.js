// The package's entry point: the WebAssembly exports, each guarded (js/guard.js), and a roster
// given as a very long string measured as UTF-8 in JS, before it is copied into WebAssembly
// memory, where it would stay.
import * as glue from './evidence_check.js';
import { guard, failure } from './guard.js';

/** The largest roster accepted, in bytes (the core's `MAX_ROSTER_BYTES`). */
export const MAX_ROSTER_BYTES = 256 * 1024 * 1024;

const loader = guard(glue, () => new URL('evidence_check_bg.wasm', import.meta.url));
const { guarded } = loader;

/**
 * Loads the module once (later calls return the same promise). `input` is optional: the URL of
 * `evidence_check_bg.wasm` (by default the file next to this one, in a page or in Node), a file
 * path (Node), a Response, its bytes, or a compiled WebAssembly.Module; `{ module_or_path }` is
 * accepted too.
 */
export default loader.init;
/** Loads the module synchronously from its bytes or a compiled WebAssembly.Module (Node, workers). */
export const initSync = loader.initSync;
/** The size of the module's memory in bytes (WebAssembly memory grows and is never given back). */
export const wasmMemoryBytes = loader.wasmMemoryBytes;

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
