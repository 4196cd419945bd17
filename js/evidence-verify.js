// The badge's entry point: the exports that read and verify signed outcomes reports, from the
// module built without the evaluator (evidence_badge_bg.wasm, a fraction of the full module's
// size), each guarded as the package's (js/guard.js). The same functions as evidence-check.js's.
import * as glue from './evidence_badge.js';
import { guard } from './guard.js';

const loader = guard(glue, () => new URL('evidence_badge_bg.wasm', import.meta.url));
const { guarded } = loader;

/** Loads the module once; `input` as for evidence-check.js's init, `evidence_badge_bg.wasm` by default. */
export default loader.init;
/** Loads the module synchronously from its bytes or a compiled WebAssembly.Module. */
export const initSync = loader.initSync;
/** The size of the module's memory in bytes. */
export const wasmMemoryBytes = loader.wasmMemoryBytes;

export const version = guarded('version');
export const verifyReport = guarded('verifyReport');
export const evaluatorOrigin = guarded('evaluatorOrigin');
export const readKeyList = guarded('readKeyList');
export const readReport = guarded('readReport');
/** Traps on purpose: lets a test check that the badge's module recovers. */
export const __trapForTesting = guarded('__trapForTesting');
