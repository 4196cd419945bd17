// Types of the badge's entry point (evidence-verify.js): the signed-report exports, with loading.
export { version, verifyReport, evaluatorOrigin, readKeyList, readReport } from './evidence_badge.js';
export type { InitInput } from './evidence-check.js';
import type { InitInput } from './evidence-check.js';

/** Loads the module once; later calls return at once. Without an argument, loads evidence_badge_bg.wasm next to this file, in a page or in Node. */
export default function init(input?: InitInput | { module_or_path: InitInput }): Promise<void>;
/** Loads the module synchronously from its bytes or a compiled module. */
export function initSync(input: BufferSource | WebAssembly.Module | { module: BufferSource | WebAssembly.Module }): void;
/** The size of the module's WebAssembly memory in bytes. */
export function wasmMemoryBytes(): number;
