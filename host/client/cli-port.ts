// What the port commands of the CLI share: connecting with one-line errors (a path that is no
// serial port is a usage error, exit 2: host/cli/paths.ts), describing a device, and Ctrl-C as an
// abort signal.
import { checkSerialPort, serialOpenUsageError } from '../cli/paths.ts';
import { DEFAULT_BAUD } from '../transport/baud.ts';
import type { Hello } from '../protocol/index.ts';
import { connectPort, type PortClientOptions } from './connect.ts';
import type { DeviceClient } from './client.ts';

export async function openDevice(port: string, opts: PortClientOptions = {}): Promise<DeviceClient> {
  checkSerialPort('--port', port);
  try {
    return await connectPort(port, opts);
  } catch (err) {
    const usage = serialOpenUsageError('--port', port, err);
    if (usage) throw usage;
    const msg = (err as Error).message ?? String(err);
    if (/no answer/i.test(msg)) throw new Error(`--port ${port}: no HELLO from a device at ${opts.baudRate ?? DEFAULT_BAUD} baud (is a deeptrace device on the other end, at that rate?)`);
    throw new Error(`--port ${port}: ${msg.replace(/^Error:\s*/, '')}`);
  }
}

export function describeDevice(h: Hello): string {
  return `'${h.name}', protocol ${h.protocolVersion}, core ${h.coreVersion >> 8}.${h.coreVersion & 0xff}, self-test checksum 0x${h.selfTestChecksum.toString(16).padStart(8, '0')}`;
}

/** An abort signal raised by the first Ctrl-C (SIGINT) or SIGTERM; a second one kills as usual. */
export function interruptSignal(): { signal: AbortSignal; dispose(): void } {
  const ac = new AbortController();
  const on = () => {
    dispose();
    ac.abort();
  };
  const dispose = () => {
    process.off('SIGINT', on);
    process.off('SIGTERM', on);
  };
  process.once('SIGINT', on);
  process.once('SIGTERM', on);
  return { signal: ac.signal, dispose };
}

/** Resolves when the signal aborts. */
export function aborted(signal: AbortSignal): Promise<void> {
  return signal.aborted ? Promise.resolve() : new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
