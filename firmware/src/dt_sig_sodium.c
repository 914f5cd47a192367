/* dt_sig_sodium.c: dt_sig_verify with libsodium (Debian libsodium-dev natively; on the ESP32 the
 * ESP-IDF component espressif/libsodium, same API). See dt_sig.h. */
#include <sodium.h>
#include "dt_sig.h"

int dt_sig_verify(const uint8_t sig[DT_SIG_BYTES], const uint8_t *msg, uint32_t len)
{
    static int ready;
    if (!ready) {
        if (sodium_init() < 0) return DT_SIG_E_NONE;
        ready = 1;
    }
    return crypto_sign_verify_detached(sig, msg, len, dt_pubkey) == 0 ? DT_SIG_OK : DT_SIG_E_BAD;
}
