// The test signing key: a fresh Ed25519 pair per test process (never the development key in keys/),
// so a test proves that a device accepts exactly what its provisioned key signed.
import { generateKeyPairSync } from 'node:crypto';
import { rawPublicKey, signImage } from '../host/signing/signature.ts';

export const TEST_KEYS = generateKeyPairSync('ed25519');
export const TEST_PUBLIC_KEY_RAW = rawPublicKey(TEST_KEYS.publicKey);
export const signTest = (image: Uint8Array): Uint8Array => signImage(image, TEST_KEYS.privateKey);
