// The host <-> device protocol codec. See docs/protocol.md.
export * from './codes.ts';
export * from './cobs.ts';
export * from './crc.ts';
export * from './frame.ts';
export * from './messages.ts';
export * from './decoder.ts';
export * from './json.ts';
export * from './stream.ts';
