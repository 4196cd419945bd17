// The calculator's Web Worker: evaluates a roster off the main thread so the page never freezes,
// posting progress as it reads. A roster arrives as a Blob (a File) and is read as a stream,
// piece by piece, so memory holds a piece and the students, never the file; the district's files
// arrive as transferred ArrayBuffers. Nothing leaves.
import init, { createEvaluator, evaluateContract, wasmMemoryBytes } from './evidence-check.js';

const ready = init();

self.onmessage = async ({ data }) => {
  try {
    await ready;
    if (data.type === 'init') return self.postMessage({ type: 'ready' });
    let last = 0;
    const onProgress = (fraction) => {
      // At most one message per percent, and always the final 1.
      if (fraction === 1 || fraction - last >= 0.01) {
        last = fraction;
        self.postMessage({ type: 'progress', fraction });
      }
    };
    if (data.file) {
      const evaluator = createEvaluator(data.contract, { size: data.file.size, onProgress });
      const pieces = data.file.stream().getReader();
      let result;
      try {
        for (let piece = await pieces.read(); !piece.done; piece = await pieces.read()) evaluator.push(piece.value);
        result = evaluator.finish();
      } catch (e) {
        pieces.cancel(); // the rest of the file is not read (the evaluator freed itself)
        throw e;
      }
      // WebAssembly memory never shrinks: its size now is its peak in this worker.
      return self.postMessage({ type: 'result', result, reading: { bytes: data.file.size, memoryBytes: wasmMemoryBytes() } });
    }
    const sources = Object.fromEntries(Object.entries(data.sources).map(([role, bytes]) => [role, new Uint8Array(bytes)]));
    self.postMessage({ type: 'result', result: evaluateContract(data.contract, sources, { onProgress }) });
  } catch (e) {
    self.postMessage({
      type: 'error',
      error: { code: e.code ?? 'unavailable', message: e.message, errors: e.errors ?? [], errorCount: e.errorCount ?? 0 },
    });
  }
};
