// Loads the built package (pkg/) the way a Node user does: initSync with the wasm bytes.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

const pkgDir = fileURLToPath(new URL('../../pkg/', import.meta.url));
const ec = await import(new URL('../../pkg/evidence-check.js', import.meta.url));
ec.initSync({ module: fs.readFileSync(pkgDir + 'evidence_check_bg.wasm') });

export default ec;
export { pkgDir };

/** Calls `fn` and returns what it threw; fails when it does not throw. */
export function thrown(fn) {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected the call to throw');
}
