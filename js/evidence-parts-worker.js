// A Node worker of evaluateContract's (js/evidence-parts.js): its own instance of the module
// reads the parts of rosters it is sent, and answers on its port, then raises its flag so that
// the waiting thread wakes. A failed read (a bug: the thread that asked then reads the roster
// whole) ends the worker, whose instance may be unsound after a trap.
import { parentPort, workerData } from 'node:worker_threads';
import { initSync, __readRosterPart } from './evidence_check.js';

const { module, port, flag } = workerData;
initSync({ module });

parentPort.on('message', ({ contract, head, part }) => {
  let failed = false;
  try {
    const read = __readRosterPart(contract, head, part);
    port.postMessage({ part: read }, [read.buffer]);
  } catch (e) {
    failed = true;
    port.postMessage({ error: String(e?.message ?? e) });
  }
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
  if (failed) process.exit(1);
});
