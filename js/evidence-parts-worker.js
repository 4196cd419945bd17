// A Node worker of evaluateContract's (js/evidence-parts.js): its own instance of the module
// reads the parts of rosters it is sent and answers on its port, naming the job, then counts
// the reply in its flag so that the waiting thread wakes. A part it cannot read is an error
// reply (the thread that asked then reads the roster whole).
import { parentPort, workerData } from 'node:worker_threads';
import { initSync, __readRosterPart } from './evidence_check.js';

const { module, port, flag } = workerData;
initSync({ module });

parentPort.on('message', ({ id, contract, head, part }) => {
  let trapped = false;
  try {
    const read = __readRosterPart(contract, head, part);
    port.postMessage({ id, part: read }, [read.buffer]);
  } catch (e) {
    trapped = e instanceof WebAssembly.RuntimeError;
    port.postMessage({ id, error: String(e?.message ?? e) });
  }
  Atomics.add(flag, 0, 1);
  Atomics.notify(flag, 0);
  // A trap leaves the instance unsound: the worker ends (the next call starts another).
  if (trapped) process.exit(1);
});
