// The package's entry point: the WebAssembly exports, each guarded (js/guard.js), and
// createEvaluator, the roster read piece by piece.
import * as glue from './evidence_check.js';
import { guard } from './guard.js';
import { evaluateInParts } from './evidence-parts.js';

/** The largest district file (usage, scores or students) accepted, in bytes (the core's
 * `MAX_ROSTER_BYTES`); a roster alone is read in pieces, whatever its size. */
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

const evaluateWhole = guarded('evaluateContract');
const inParts = {
  __rosterCuts: guarded('__rosterCuts'),
  __contractText: guarded('__contractText'),
  __evaluateRosterParts: guarded('__evaluateRosterParts'),
};
/** `evaluateContract(contract, roster, options)`; see evidence_check.d.ts. In Node, with
 * `options.threads`, a large byte roster is read on that many cores (js/evidence-parts.js), with
 * the same result. */
export const evaluateContract = (contract, roster, options) =>
  evaluateInParts(inParts, loader.module(), contract, roster, options, (o, c = contract) => evaluateWhole(c, roster, o));
/** `createEvaluator(contract, options)`: `{ push(chunk), finish() }`; see evidence-check.d.ts. */
export const createEvaluator = loader.guardedClass('RosterEvaluator', ['push', 'finish'], 'evaluator');

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

/** Traps on purpose: lets a test or a page check that the package recovers (see README, Robustness). */
export const __trapForTesting = guarded('__trapForTesting');
