/* dt_cobs.c: COBS encoder and decoder (see dt_cobs.h). */
#include "dt_cobs.h"

size_t dt_cobs_encode(const uint8_t *in, size_t n, uint8_t *out)
{
    size_t code_at = 0; /* where the current block's code byte goes */
    size_t o = 1;
    uint8_t code = 1;
    for (size_t i = 0; i < n; i++) {
        if (in[i] == 0) {
            out[code_at] = code;
            code_at = o++;
            code = 1;
            continue;
        }
        out[o++] = in[i];
        if (++code == 0xFF) {
            out[code_at] = code;
            code = 1;
            if (i + 1 == n) return o; /* ends on a full block: canonical, no empty block after it */
            code_at = o++;
        }
    }
    out[code_at] = code;
    return o;
}

int dt_cobs_decode(const uint8_t *in, size_t n, uint8_t *out, size_t *o_len)
{
    size_t i = 0, o = 0;
    if (n == 0) return -1;
    while (i < n) {
        uint8_t code = in[i];
        if (code == 0 || (size_t)code > n - i) return -1; /* zero code, or block runs past the end */
        size_t end = i + code;
        for (i++; i < end; i++) {
            if (in[i] == 0) return -1;
            out[o++] = in[i];
        }
        if (code != 0xFF && i < n) out[o++] = 0;
    }
    *o_len = o;
    return 0;
}
