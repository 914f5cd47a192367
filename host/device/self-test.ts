// A candidate core's self-test, run off the device's event loop: in a worker thread with a time
// limit, so that a core whose self-test never ends is refused after the limit while the device
// keeps answering (HELLO, the watchdog, steps on the running core). The worker instantiates the
// module and calls version() and self_test() (self-test-worker.mjs); past the limit it is
// terminated (V8 stops wasm at its next loop back edge or call).
import { Worker } from 'node:worker_threads';

/** How long a self-test may take on the virtual device. The real core's takes about 20 ms. */
export const SELF_TEST_LIMIT_MS = 2000;

export type SelfTestResult = { ok: true; version: number; checksum: number } | { ok: false; text: string; timedOut: boolean };

const WORKER = new URL('./self-test-worker.mjs', import.meta.url);

/** Runs the module's self-test in a worker; the limit counts from the moment the worker is up. */
export function selfTestInWorker(module: WebAssembly.Module, limitMs = SELF_TEST_LIMIT_MS): { result: Promise<SelfTestResult>; cancel: () => void } {
  const w = new Worker(WORKER, { workerData: { module } });
  let timer: NodeJS.Timeout | null = null;
  let settle: (r: SelfTestResult) => void = () => {};
  const result = new Promise<SelfTestResult>((resolve) => {
    let done = false;
    settle = (r) => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      void w.terminate();
      resolve(r);
    };
    w.once('online', () => {
      timer = setTimeout(() => settle({ ok: false, timedOut: true, text: `self_test() did not finish within ${limitMs} ms` }), limitMs);
    });
    w.once('message', (m: SelfTestResult) => settle(m.ok ? m : { ...m, timedOut: false }));
    w.once('error', (err) => settle({ ok: false, timedOut: false, text: err.message }));
    w.once('exit', (code) => settle({ ok: false, timedOut: false, text: `the self-test worker exited (code ${code})` }));
  });
  return { result, cancel: () => settle({ ok: false, timedOut: false, text: 'cancelled' }) };
}
