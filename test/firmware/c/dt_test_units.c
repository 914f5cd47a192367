/* dt_test_units.c: unit tests of the firmware parts with no I/O: the fixed-rate scheduler
 * (dt_sched.c) and the core image check (dt_image.c). Prints "units: N passed, M failed". */
#include <stdio.h>
#include <string.h>
#include "dt_image.h"
#include "dt_sched.h"

static int passed, failed;
#define CHECK(cond, what)                                         \
    do {                                                          \
        if (cond) passed++;                                       \
        else { failed++; printf("FAIL %s (line %d)\n", what, __LINE__); } \
    } while (0)

static void test_sched(void)
{
    dt_sched s;
    dt_sched_init(&s, 100, 1000); /* 10 ms period, first tick due at t = 1000 us */
    CHECK(s.period_us == 10000, "period of 100 Hz");
    CHECK(dt_sched_due(&s, 1000) == 1, "first tick due at start");
    CHECK(dt_sched_due(&s, 1000) == 0, "not twice");
    CHECK(dt_sched_wait_us(&s, 5000) == 6000, "wait until the grid point");
    CHECK(dt_sched_due(&s, 10999) == 0, "early");
    CHECK(dt_sched_due(&s, 11500) == 1 && s.next_us == 21000, "on the grid despite 500 us jitter");
    CHECK(dt_sched_due(&s, 45000) == 1 && s.overruns == 2 && s.next_us == 51000, "two periods late: two overruns, back on the grid");
    CHECK(s.ticks == 3, "ticks counted");
    /* wrap-around of the 32-bit microsecond clock */
    dt_sched_init(&s, 1000, 0xFFFFFF00u);
    CHECK(dt_sched_due(&s, 0xFFFFFF00u) == 1, "tick before the wrap");
    CHECK(dt_sched_due(&s, 0x00000100u) == 0 && dt_sched_wait_us(&s, 0x00000100u) == 0x1E8, "waits across the wrap");
    CHECK(dt_sched_due(&s, 0x000002E8u) == 1 && s.overruns == 0, "tick after the wrap");
}

static void test_image(void)
{
    static const uint8_t empty[] = { 0, 0x61, 0x73, 0x6D, 1, 0, 0, 0 };
    static const uint8_t import[] = { 0, 0x61, 0x73, 0x6D, 1, 0, 0, 0, 2, 7, 1, 1, 0x6D, 1, 0x66, 0, 0 };
    static const uint8_t no_import[] = { 0, 0x61, 0x73, 0x6D, 1, 0, 0, 0, 2, 1, 0 };
    static const uint8_t mem1[] = { 0, 0x61, 0x73, 0x6D, 1, 0, 0, 0, 5, 4, 1, 1, 1, 1 };
    static const uint8_t mem2[] = { 0, 0x61, 0x73, 0x6D, 1, 0, 0, 0, 5, 4, 1, 1, 1, 2 };
    static const uint8_t mem4[] = { 0, 0x61, 0x73, 0x6D, 1, 0, 0, 0, 5, 4, 1, 1, 1, 4 };
    static const uint8_t mem5[] = { 0, 0x61, 0x73, 0x6D, 1, 0, 0, 0, 5, 4, 1, 1, 1, 5 };
    static const uint8_t min2[] = { 0, 0x61, 0x73, 0x6D, 1, 0, 0, 0, 5, 4, 1, 1, 2, 4 };
    static const uint8_t order[] = { 0, 0x61, 0x73, 0x6D, 1, 0, 0, 0, 5, 1, 0, 2, 1, 0 };
    static const uint8_t datacount[] = { 0, 0x61, 0x73, 0x6D, 1, 0, 0, 0, 9, 1, 0, 12, 1, 0, 10, 1, 0 };
    static const uint8_t custom[] = { 0, 0x61, 0x73, 0x6D, 1, 0, 0, 0, 5, 1, 0, 0, 2, 1, 0x78, 2, 1, 0 };
    static const uint8_t overrun[] = { 0, 0x61, 0x73, 0x6D, 1, 0, 0, 0, 1, 9, 0 };
    static const uint8_t badleb[] = { 0, 0x61, 0x73, 0x6D, 1, 0, 0, 0, 1, 0x80, 0x80, 0x80, 0x80, 0x80, 0 };
    static const uint8_t v2[] = { 0, 0x61, 0x73, 0x6D, 2, 0, 0, 0 };
    CHECK(dt_image_check(empty, sizeof empty) == 0, "empty module");
    CHECK(dt_image_check(import, sizeof import) == DT_IMAGE_E_IMPORTS, "an import is refused");
    CHECK(dt_image_check(no_import, sizeof no_import) == 0, "an empty import section is fine");
    CHECK(dt_image_check(mem1, sizeof mem1) == 0, "one page, max one");
    CHECK(dt_image_check(mem2, sizeof mem2) == 0, "max two pages");
    CHECK(dt_image_check(mem4, sizeof mem4) == 0, "max four pages (the core's)");
    CHECK(dt_image_check(mem5, sizeof mem5) == DT_IMAGE_E_MEMORY, "max five pages");
    CHECK(dt_image_check(min2, sizeof min2) == DT_IMAGE_E_MEMORY, "two initial pages");
    CHECK(dt_image_check(order, sizeof order) == DT_IMAGE_E_SECTION, "sections out of order");
    CHECK(dt_image_check(datacount, sizeof datacount) == 0, "data count between element and code");
    CHECK(dt_image_check(custom, sizeof custom) == DT_IMAGE_E_SECTION, "custom sections anywhere, order still checked");
    CHECK(dt_image_check(overrun, sizeof overrun) == DT_IMAGE_E_SECTION, "section past the end");
    CHECK(dt_image_check(badleb, sizeof badleb) == DT_IMAGE_E_SECTION, "LEB128 over 32 bits");
    CHECK(dt_image_check(v2, sizeof v2) == DT_IMAGE_E_HEADER, "version 2");
    CHECK(dt_image_check(empty, 7) == DT_IMAGE_E_HEADER, "short header");
    /* every prefix of a valid module is either valid or refused, never read past its end (ASan) */
    for (uint32_t n = 0; n <= sizeof datacount; n++) (void)dt_image_check(datacount, n);
}

int main(int argc, char **argv)
{
    test_sched();
    test_image();
    /* the real core, when given */
    if (argc > 1) {
        static uint8_t buf[1 << 20];
        FILE *f = fopen(argv[1], "rb");
        size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;
        if (f) fclose(f);
        CHECK(n > 8 && dt_image_check(buf, (uint32_t)n) == 0, "build/core.wasm passes the image check");
    }
    printf("units: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
