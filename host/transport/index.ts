// Byte transports under the protocol, and the message link on top of them.
export * from './transport.ts';
export * from './null-modem.ts';
export * from './serial.ts';
export * from './socat.ts';
export * from './link.ts';
