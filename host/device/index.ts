// The virtual device (docs/protocol.md §9) and the CONFIGURE payload it shares with the host.
export * from './device.ts';
export * from './session.ts';
export * from './session-config.ts';
export { U_LIMIT } from './fel.ts';
export { MAX_CORE_BYTES } from './upload.ts';
