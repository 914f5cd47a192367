// Signed core images: Ed25519 through Node's crypto (signature.ts), keys from files or the environment (keys.ts).
export * from './signature.ts';
export * from './keys.ts';
