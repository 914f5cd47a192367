// The host side of the device protocol.
export * from './client.ts';
export * from './errors.ts';
export * from './connect.ts';
export * from './snapshot-file.ts';
export * from './remote-runner.ts';
export * from './device-controller.ts';
export * from './remote-demo.ts';
