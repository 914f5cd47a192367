// What can go wrong talking to a device, as error classes the CLI can turn into one line.
import { statusName } from '../protocol/index.ts';

/** The device answered with a status other than OK. */
export class DeviceError extends Error {
  constructor(readonly status: number, what: string, detail?: string) {
    super(`${what}: device says ${statusName(status)}${detail ? ` (${detail})` : ''}`);
    this.name = 'DeviceError';
  }
}

/** No answer in time (after every retransmission). */
export class TimeoutError extends Error {
  constructor(what: string) {
    super(`${what}: no answer from the device`);
    this.name = 'TimeoutError';
  }
}

/** The link went away while a request was waiting. */
export class DisconnectedError extends Error {
  constructor(what: string) {
    super(`${what}: the link to the device closed`);
    this.name = 'DisconnectedError';
  }
}
