// Types of the package's entry point (evidence-check.js): the module's exports, with loading.
export * from './evidence_check.js';

/** Where the WebAssembly comes from: its URL (in Node, a file: URL or a path too), a Response, its bytes, or a compiled module. */
export type InitInput = string | URL | Request | Response | BufferSource | WebAssembly.Module;

/** Loads the module once; later calls return at once. Without an argument, loads evidence_check_bg.wasm next to this file, in a page or in Node. */
export default function init(input?: InitInput | { module_or_path: InitInput }): Promise<void>;
/** Loads the module synchronously from its bytes or a compiled module (Node, Web Workers). */
export function initSync(input: BufferSource | WebAssembly.Module | { module: BufferSource | WebAssembly.Module }): void;
/** The largest district file (usage, scores or students) accepted, in bytes; a roster alone is read in pieces, whatever its size. */
export const MAX_ROSTER_BYTES: number;
/** A roster read piece by piece as it arrives (a file's stream): `push` each piece, then `finish` for the evaluation evaluateContract would give the whole roster. Memory holds a piece and the students, never the whole file. A structural problem throws from the push that meets it, and from every call after; after `finish` the evaluator is spent. */
export interface Evaluator {
  push(chunk: Uint8Array | ArrayBuffer | string): void;
  finish(): import('./evidence_check.js').Evaluation;
}
/** The evaluator of a roster read piece by piece; `options.size` (the roster's bytes, when known) lets onProgress report the share read. */
export function createEvaluator(contract: import('./evidence_check.js').Contract | string, options?: import('./evidence_check.js').EvaluatorOptions): Evaluator;
/** Not exported: createEvaluator makes evaluators. */
export type RosterEvaluator = Evaluator;
/** The size of the module's WebAssembly memory in bytes (it grows and is never given back). */
export function wasmMemoryBytes(): number;
