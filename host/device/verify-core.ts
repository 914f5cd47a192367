// Is an uploaded image a core this device can run? In this order, so that no instruction of an
// unsigned image ever runs:
//   1. its Ed25519 signature verifies against the device's public key (E_UPLOAD_SIGNATURE);
//   2. it compiles, imports nothing and exports the whole ABI (docs/core-abi.md); compiling runs
//      none of its code;
//   3. its self_test() finishes within the time limit in a worker thread (self-test.ts), without
//      trapping and, for a core of the running core's version, with the running core's checksum
//      (same version = same maths, e.g. the release and debug builds).
// Nothing here touches the running core, and the device's event loop is never blocked by the image.
import type { KeyObject } from 'node:crypto';
import { Core } from '../core/core.ts';
import { Status } from '../protocol/index.ts';
import { verifyImage } from '../signing/signature.ts';
import { hex } from './upload.ts';
import { SELF_TEST_LIMIT_MS, selfTestInWorker, type SelfTestResult } from './self-test.ts';

export const CORE_EXPORTS = [
  'memory', 'version', 'config_ptr', 'config_fields', 'input_ptr', 'output_ptr', 'error_ptr', 'init', 'init_weights',
  'reset_state', 'step', 'learn', 'apply_gradient', 'clear_gradient', 'layer_ptr', 'readout_ptr', 'steps', 'memory_used',
  'static_bytes', 'state_bytes', 'config_hash', 'snapshot_save', 'snapshot_ptr', 'staging_ptr', 'staging_capacity',
  'snapshot_load', 'self_test',
] as const;

export interface CandidateCore {
  module: WebAssembly.Module;
  core: Core;
  version: number;
  checksum: number;
}

export type Refusal = { ok: false; status: number; text: string };
export type Verified = ({ ok: true } & CandidateCore) | Refusal;

const refuse = (text: string, status: number = Status.E_UPLOAD_SELF_TEST): Refusal => ({ ok: false, status, text });

/** Steps 1 and 2: signature, then the module's shape. Runs no code of the image. */
export function checkImage(image: Uint8Array, signature: Uint8Array, publicKey: KeyObject | null): ({ ok: true; module: WebAssembly.Module }) | Refusal {
  if (!publicKey) return refuse('this device has no public key provisioned: it takes no uploaded core', Status.E_UPLOAD_SIGNATURE);
  if (!verifyImage(image, signature, publicKey)) return refuse("the image's signature does not verify against this device's public key", Status.E_UPLOAD_SIGNATURE);
  let module: WebAssembly.Module;
  try {
    module = new WebAssembly.Module(image as Uint8Array<ArrayBuffer>);
  } catch (err) {
    return refuse(`not a valid WebAssembly module (${(err as Error).message})`);
  }
  const imports = WebAssembly.Module.imports(module);
  if (imports.length > 0) return refuse(`the module imports ${imports.map((i) => `${i.module}.${i.name}`).join(', ')}; a core must import nothing`);
  const have = new Map(WebAssembly.Module.exports(module).map((e) => [e.name, e.kind]));
  const missing = CORE_EXPORTS.filter((n) => have.get(n) !== (n === 'memory' ? 'memory' : 'function'));
  if (missing.length > 0) return refuse(`the module lacks the core export(s) ${missing.join(', ')}`);
  return { ok: true, module };
}

export interface VerifyOptions {
  publicKey: KeyObject | null;
  /** Time limit of the self-test (ms). */
  selfTestLimitMs?: number;
}

/** All three steps. `cancel` stops a self-test under way (the device is closing). */
export function verifyCore(
  image: Uint8Array,
  signature: Uint8Array,
  running: { version: number; checksum: number },
  opts: VerifyOptions,
): { result: Promise<Verified>; cancel: () => void } {
  const shape = checkImage(image, signature, opts.publicKey);
  if (!shape.ok) return { result: Promise.resolve(shape), cancel: () => {} };
  const t = selfTestInWorker(shape.module, opts.selfTestLimitMs ?? SELF_TEST_LIMIT_MS);
  return { result: t.result.then((r) => adoptable(shape.module, r, running)), cancel: t.cancel };
}

/** After the worker's self-test: the candidate instance for this thread, or why not. */
function adoptable(module: WebAssembly.Module, r: SelfTestResult, running: { version: number; checksum: number }): Verified {
  if (!r.ok) return refuse(r.timedOut ? r.text : `self_test() failed: ${r.text}`);
  if (r.version === running.version && r.checksum !== running.checksum) {
    return refuse(`self-test checksum 0x${hex(r.checksum)} differs from 0x${hex(running.checksum)} of the running core of the same version`);
  }
  // Instantiating runs the module's start code, if any: the worker just ran the same code to the
  // end (deterministic, no imports), so it ends here too.
  let core: Core;
  try {
    core = new Core(module);
  } catch (err) {
    return refuse(`could not instantiate the module (${(err as Error).message})`);
  }
  return { ok: true, module, core, version: r.version, checksum: r.checksum };
}
