// The calculator's Web Worker: evaluates a roster off the main thread so the page never freezes,
// posting progress as it reads. The roster (or the district's files) arrives as transferred
// ArrayBuffers and never leaves.
import init, { evaluateContract } from './evidence-check.js';

const ready = init();

self.onmessage = async ({ data }) => {
  try {
    await ready;
    if (data.type === 'init') return self.postMessage({ type: 'ready' });
    let last = 0;
    const roster = data.sources
      ? Object.fromEntries(Object.entries(data.sources).map(([role, bytes]) => [role, new Uint8Array(bytes)]))
      : new Uint8Array(data.roster);
    const result = evaluateContract(data.contract, roster, {
      onProgress(fraction) {
        // At most one message per percent, and always the final 1.
        if (fraction === 1 || fraction - last >= 0.01) {
          last = fraction;
          self.postMessage({ type: 'progress', fraction });
        }
      },
    });
    self.postMessage({ type: 'result', result });
  } catch (e) {
    self.postMessage({
      type: 'error',
      error: { code: e.code ?? 'unavailable', message: e.message, errors: e.errors ?? [], errorCount: e.errorCount ?? 0 },
    });
  }
};
