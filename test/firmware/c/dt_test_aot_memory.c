/* dt_test_aot_memory.c: the AOT backend with less RAM than the page (build with
 * -DDT_CORE_MEMORY_BYTES=40960): the core is told its limit at open, a net that does not fit is
 * refused with E_TOO_LARGE, and an access past the backed bytes traps (wasm2c's bounds checks at
 * mem->size) instead of writing past the buffer. Prints "aot-memory: N passed, M failed".
 *   dt_test_aot_memory UNITS_FIT UNITS_TOO_LARGE   (units per layer of an 8-in, 2-layer LIF net) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dt_config.h"
#include "dt_core.h"

static int passed, failed;
#define CHECK(cond, what)                                         \
    do {                                                          \
        if (cond) passed++;                                       \
        else { failed++; printf("FAIL %s (line %d)\n", what, __LINE__); } \
    } while (0)

/* 8 in, 2 x units recurrent LIF, 2 out, deep-fact, learn every step */
static void net(int32_t cfg[DT_CORE_FIELDS], int32_t units)
{
    static const int32_t base[DT_CORE_FIELDS] = { 0, 8, 2, 0, 0, 0, 0, 2, 3, 2, 0, 31164, 2048, 1229, 819, 32604, 29491, 429497, 1, 16384, 1 };
    memcpy(cfg, base, sizeof base);
    cfg[3] = cfg[4] = units;
}

int main(int argc, char **argv)
{
    if (argc != 3) { fprintf(stderr, "usage: dt_test_aot_memory UNITS_FIT UNITS_TOO_LARGE\n"); return 2; }
    int32_t fit[DT_CORE_FIELDS], big[DT_CORE_FIELDS], r = 0, arg[1];
    uint32_t size = 0, sum = 0, sum2 = 0;
    net(fit, atoi(argv[1]));
    net(big, atoi(argv[2]));
    dt_core *c = NULL;
    CHECK(dt_core_open(&c, NULL, 0) == 0, "open");
    CHECK(dt_core_memory(c, &size) != NULL && size == DT_CORE_MEMORY_BYTES, "linear memory is DT_CORE_MEMORY_BYTES, not the page");
    arg[0] = 0;
    CHECK(dt_core_call(c, "memory_limit", 1, arg, &r) == DT_OK && r == DT_CORE_MEMORY_BYTES, "the core was told the limit at open");
    CHECK(dt_core_self_test(c, &sum) == DT_OK, "self-test runs in the reduced memory");
    CHECK(dt_core_init(c, fit) == DT_OK, "a net that fits");
    CHECK(dt_core_init(c, big) == DT_E_TOO_LARGE, "a net that does not fit: E_TOO_LARGE");
    CHECK(dt_core_init_weights(c, 4096, 819, 2048) == DT_OK, "the previous net is still there");
    int32_t x[8] = { 4096, 0, 4096, 0, 0, 4096, 0, 0 }, y[2], e[2] = { 100, -100 };
    CHECK(dt_core_step(c, x, 8, y, 2) == DT_OK && dt_core_learn(c, e, 2) == DT_OK, "and steps");
    uint32_t cap = 0;
    const uint8_t *snap = NULL;
    uint8_t *staging = dt_core_staging(c, &cap);
    int32_t len = dt_core_snapshot_save(c, &snap);
    uint8_t *mem = dt_core_memory(c, &size);
    CHECK(staging && len > 0 && staging + cap == mem + DT_CORE_MEMORY_BYTES, "the staging area ends at the limit");

    /* Lie to the core: it now believes the whole page is there. init() of the big net zeroes its
     * state past the backed bytes: the first store past them must trap. */
    arg[0] = 65536;
    CHECK(dt_core_call(c, "memory_limit", 1, arg, &r) == DT_OK && r == 65536, "limit raised to the page (a faulty core)");
    CHECK(dt_core_init(c, big) == DT_CORE_E_TRAP, "an access past DT_CORE_MEMORY_BYTES traps");
    dt_core_close(c);
    CHECK(dt_core_open(&c, NULL, 0) == 0 && dt_core_self_test(c, &sum2) == DT_OK && sum2 == sum, "reopened: a fresh memory, the same checksum");
    dt_core_close(c);
    printf("aot-memory: %d passed, %d failed (DT_CORE_MEMORY_BYTES %d, self-test 0x%08x)\n", passed, failed, DT_CORE_MEMORY_BYTES, (unsigned)sum);
    return failed ? 1 : 0;
}
