/* dt_test_sig.c: dt_sig_verify (libsodium) with the provisioned key on a real signed image: the
 * image as signed verifies; every one-byte change of it (each position, a different non-zero xor),
 * every bit flip of the signature and a truncated image are refused. Prints "sig: N passed, M failed".
 * Usage: dt_test_sig core.wasm core.wasm.sig */
#include <stdio.h>
#include <stdlib.h>
#include "dt_sig.h"

static uint8_t *slurp(const char *path, long *o_n)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *p = malloc(n > 0 ? (size_t)n : 1);
    if (!p || fread(p, 1, (size_t)n, f) != (size_t)n) { fclose(f); free(p); return NULL; }
    fclose(f);
    *o_n = n;
    return p;
}

int main(int argc, char **argv)
{
    long n = 0, ns = 0;
    if (argc != 3) { fprintf(stderr, "usage: dt_test_sig core.wasm core.wasm.sig\n"); return 2; }
    uint8_t *img = slurp(argv[1], &n), *sig = slurp(argv[2], &ns);
    if (!img || !sig || ns != DT_SIG_BYTES) { fprintf(stderr, "dt_test_sig: cannot read %s and a 64-byte %s\n", argv[1], argv[2]); return 2; }
    int passed = 0, failed = 0;
    if (dt_sig_verify(sig, img, (uint32_t)n) == DT_SIG_OK) passed++;
    else { failed++; printf("FAIL the image as signed does not verify (was PUBKEY the key of this build?)\n"); }
    long refused = 0;
    for (long p = 0; p < n; p++) {
        uint8_t x = (uint8_t)(1 + (p * 37) % 255);
        img[p] ^= x;
        if (dt_sig_verify(sig, img, (uint32_t)n) == DT_SIG_E_BAD) refused++;
        else if (failed++ < 10) printf("FAIL byte %ld ^ 0x%02x accepted\n", p, x);
        img[p] ^= x;
    }
    if (refused == n) passed++;
    for (int b = 0; b < DT_SIG_BYTES * 8; b++) {
        sig[b >> 3] ^= (uint8_t)(1u << (b & 7));
        if (dt_sig_verify(sig, img, (uint32_t)n) == DT_SIG_E_BAD) passed++;
        else { failed++; printf("FAIL signature bit %d flipped accepted\n", b); }
        sig[b >> 3] ^= (uint8_t)(1u << (b & 7));
    }
    if (dt_sig_verify(sig, img, (uint32_t)n - 1) == DT_SIG_E_BAD) passed++;
    else { failed++; printf("FAIL a truncated image accepted\n"); }
    printf("sig: %d passed, %d failed (%ld of %ld one-byte changes refused)\n", passed, failed, refused, n);
    free(img);
    free(sig);
    return failed ? 1 : 0;
}
