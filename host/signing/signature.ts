// Ed25519 signatures of core images, through Node's crypto (no npm dependency). A signature is the
// 64 raw bytes of RFC 8032 Ed25519 over the image bytes exactly as stored (build/core.wasm); the
// firmware checks the same bytes with libsodium's crypto_sign_verify_detached. A public key travels
// as its 32 raw bytes (RFC 8032 encoding) or as SPKI PEM (what Node and openssl write).
import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

export const SIGNATURE_BYTES = 64;
export const PUBLIC_KEY_BYTES = 32;

/** The Ed25519 signature of `image` with a private key. */
export function signImage(image: Uint8Array, privateKey: KeyObject): Uint8Array {
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`the signing key is ${privateKey.asymmetricKeyType}, not ed25519`);
  return new Uint8Array(sign(null, image, privateKey));
}

/** True when `signature` is a valid Ed25519 signature of exactly these bytes under `publicKey`. */
export function verifyImage(image: Uint8Array, signature: Uint8Array, publicKey: KeyObject): boolean {
  if (signature.length !== SIGNATURE_BYTES) return false;
  return verify(null, image, publicKey, signature);
}

/** The 32 raw bytes of an Ed25519 public key (from a public or a private key). */
export function rawPublicKey(key: KeyObject): Uint8Array {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  if (pub.asymmetricKeyType !== 'ed25519') throw new Error(`the key is ${pub.asymmetricKeyType}, not ed25519`);
  const x = pub.export({ format: 'jwk' }).x;
  return new Uint8Array(Buffer.from(x!, 'base64url'));
}

/** An Ed25519 public key from its 32 raw bytes. */
export function publicKeyFromRaw(raw: Uint8Array): KeyObject {
  if (raw.length !== PUBLIC_KEY_BYTES) throw new Error(`an ed25519 public key is ${PUBLIC_KEY_BYTES} bytes, got ${raw.length}`);
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' });
}
