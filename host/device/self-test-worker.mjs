// The body of the worker thread of self-test.ts (plain JavaScript, so that it loads without the
// TypeScript loader in any Node process): instantiates the posted core module and calls version()
// and self_test(). A self-test that never ends blocks this thread only; self-test.ts terminates
// it when its time limit is up.
import { parentPort, workerData } from 'node:worker_threads';

try {
  const x = new WebAssembly.Instance(workerData.module, {}).exports;
  const version = x.version() >>> 0;
  const checksum = x.self_test() >>> 0;
  parentPort.postMessage({ ok: true, version, checksum });
} catch (err) {
  parentPort.postMessage({ ok: false, text: String(err && err.message ? err.message : err) });
}
