/* dt_sig.h: the one call that checks a core image's Ed25519 signature (RFC 8032, the 64 bytes the
 * host's build writes to build/core.wasm.sig) against the public key this firmware was provisioned
 * with (dt_pubkey[], generated into build/gen/dt_pubkey.c from build/core-signing.pub.pem by
 * tools/pubkey.mjs; PUBKEY=FILE on the make command line picks another: firmware/README.md).
 *
 * Implementations, one linked per build: dt_sig_sodium.c (libsodium's crypto_sign_verify_detached:
 * Debian's libsodium-dev natively, ESP-IDF's libsodium component on the ESP32) and dt_sig_none.c
 * (targets with no library here, e.g. mps2: every image is refused). No hand-written crypto. */
#ifndef DT_SIG_H
#define DT_SIG_H

#include <stdint.h>

#define DT_SIG_BYTES 64
#define DT_SIG_PUBKEY_BYTES 32

#define DT_SIG_OK 0
#define DT_SIG_E_BAD (-1)  /* the signature does not verify */
#define DT_SIG_E_NONE (-2) /* this build has no signature verifier: nothing can be accepted */

/* The provisioned public key (generated). */
extern const uint8_t dt_pubkey[DT_SIG_PUBKEY_BYTES];

/* DT_SIG_OK when sig is a valid signature of the len bytes at msg under dt_pubkey. */
int dt_sig_verify(const uint8_t sig[DT_SIG_BYTES], const uint8_t *msg, uint32_t len);

#endif /* DT_SIG_H */
