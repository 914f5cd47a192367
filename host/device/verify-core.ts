// Is an uploaded image a core this device can run? It must compile, import nothing, export the
// whole ABI (docs/core-abi.md), and pass its self_test(): without trapping and, for a core of the
// running core's version, with the running core's checksum (same version = same maths, e.g. the
// release and debug builds). Nothing here touches the running core.
import { Core } from '../core/core.ts';
import { Status } from '../protocol/index.ts';
import { hex } from './upload.ts';

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

export type Verified = ({ ok: true } & CandidateCore) | { ok: false; status: number; text: string };

const refuse = (text: string): Verified => ({ ok: false, status: Status.E_UPLOAD_SELF_TEST, text });

export function verifyCore(image: Uint8Array, running: { version: number; checksum: number }): Verified {
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
  let core: Core;
  let checksum: number;
  let version: number;
  try {
    core = new Core(module);
    version = core.x.version() >>> 0;
    checksum = core.selfTest();
  } catch (err) {
    return refuse(`self_test() failed: ${(err as Error).message}`);
  }
  if (version === running.version && checksum !== running.checksum) {
    return refuse(`self-test checksum 0x${hex(checksum)} differs from 0x${hex(running.checksum)} of the running core of the same version`);
  }
  return { ok: true, module, core, version, checksum };
}
