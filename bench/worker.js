// Runs inside a Web Worker in Chromium, as the demo's calculator does: times evaluateContract.
import init, { evaluateContract } from '/pkg/evidence-check.js';

const ready = init();
self.onmessage = async ({ data }) => {
  await ready;
  const t = performance.now();
  const result = evaluateContract(data.contract, new Uint8Array(data.roster), { onProgress() {} });
  self.postMessage({ ms: performance.now() - t, totalCents: result.payment.totalCents });
};
