// A DeviceClient on a serial port path (a USB adapter, or the pty `deeptrace device --pty` prints).
import { SerialTransport, type SerialOptions } from '../transport/serial.ts';
import { DeviceClient, type ClientOptions } from './client.ts';

/** Serial options (baud rate) plus DeviceClient options. */
export type PortClientOptions = SerialOptions & Omit<ClientOptions, 'open'>;

/** Opens a serial port (real SerialPort) and returns a connected DeviceClient. */
export function connectPort(path: string, opts: PortClientOptions = {}): Promise<DeviceClient> {
  const { baudRate, ...client } = opts;
  return DeviceClient.connect({ ...client, open: () => SerialTransport.open(path, { baudRate }) });
}
