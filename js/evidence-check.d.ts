// Types of the package's entry point (evidence-check.js): the module's exports, with loading.
export * from './evidence_check.js';

/** Where the WebAssembly comes from: its URL (in Node, a file: URL or a path too), a Response, its bytes, or a compiled module. */
export type InitInput = string | URL | Request | Response | BufferSource | WebAssembly.Module;

/** Loads the module once; later calls return at once. Without an argument, loads evidence_check_bg.wasm next to this file, in a page or in Node. */
export default function init(input?: InitInput | { module_or_path: InitInput }): Promise<void>;
/** Loads the module synchronously from its bytes or a compiled module (Node, Web Workers). */
export function initSync(input: BufferSource | WebAssembly.Module | { module: BufferSource | WebAssembly.Module }): void;
/** The largest roster accepted, in bytes. */
export const MAX_ROSTER_BYTES: number;
/** The size of the module's WebAssembly memory in bytes (it grows and is never given back). */
export function wasmMemoryBytes(): number;
