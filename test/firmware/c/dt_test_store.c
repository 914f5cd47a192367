/* dt_test_store.c: the two-slot store (dt_store.c) under power cuts. A RAM HAL with a byte budget
 * stands in for the board's storage: a save runs until the budget is spent, the power goes (every
 * later write fails), then the "reboot" reads the store back the way the session's restore() does
 * (records newest first, the first whose snapshot loads). Every cut point of one save, from 0
 * bytes to all of them, in four ways storage can tear:
 *   atomic     a blob is all old or all new (the POSIX HAL's rename, ESP32 NVS)
 *   truncate   a file opened O_TRUNC holds the first K new bytes
 *   erase      flash: the slot is erased (0xFF) first, then programmed in order
 *   overwrite  programmed in place over the old bytes, the rest still old
 * After every cut the store must give the save before it or this save, bit for bit, never none;
 * and the next uncut save must win. Prints "store: N passed, M failed". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dt_crc32.h"
#include "dt_hal.h"
#include "dt_le.h"
#include "dt_store.h"

static int passed, failed;
#define CHECK(cond, what)                                                  \
    do {                                                                   \
        if (cond) passed++;                                                \
        else { failed++; printf("FAIL %s (line %d)\n", what, __LINE__); } \
    } while (0)

/* ---- a RAM HAL with a power budget ------------------------------------------------------------ */

enum tear { TEAR_ATOMIC, TEAR_TRUNCATE, TEAR_ERASE, TEAR_OVERWRITE };
static const char *const tear_name[] = { "atomic", "truncate", "erase", "overwrite" };

#define BLOB_CAP 4096
#define NBLOBS 8
typedef struct { char key[16]; int present; uint32_t len; uint8_t data[BLOB_CAP]; } blob;
typedef struct { blob b[NBLOBS]; } flash;

static flash mem;
static enum tear tear;
static long budget = -1; /* bytes the power still lasts for; -1: no cut */
static int powered = 1;
static long written;     /* bytes written since the counter was reset */

static blob *find(const char *key, int create)
{
    for (int i = 0; i < NBLOBS; i++) if (mem.b[i].key[0] && strcmp(mem.b[i].key, key) == 0) return &mem.b[i];
    if (!create) return NULL;
    for (int i = 0; i < NBLOBS; i++)
        if (!mem.b[i].key[0]) { snprintf(mem.b[i].key, sizeof mem.b[i].key, "%s", key); return &mem.b[i]; }
    return NULL;
}

int dt_hal_store_put(const char *key, const dt_span *parts, int nparts)
{
    uint8_t all[BLOB_CAP];
    uint32_t n = 0;
    for (int i = 0; i < nparts; i++) {
        if (parts[i].n > BLOB_CAP - n) return -1;
        memcpy(all + n, parts[i].p, parts[i].n);
        n += parts[i].n;
    }
    blob *b = find(key, 1);
    if (!powered || !b) return -1;
    uint32_t k = budget < 0 || budget >= (long)n ? n : (uint32_t)budget; /* bytes that make it */
    if (budget >= 0) budget -= k;
    written += k;
    if (tear == TEAR_ATOMIC) {
        if (k == n) { memcpy(b->data, all, n); b->len = n; b->present = 1; }
    } else {
        if (tear == TEAR_ERASE) memset(b->data, 0xFF, n);
        if (tear == TEAR_OVERWRITE && (!b->present || b->len < n)) memset(b->data + (b->present ? b->len : 0), 0, n - (b->present ? b->len : 0));
        memcpy(b->data, all, k);
        b->len = tear == TEAR_TRUNCATE ? k : n;
        b->present = 1;
    }
    if (k < n) { powered = 0; return -1; }
    return 0;
}

int32_t dt_hal_store_get(const char *key, uint8_t *buf, uint32_t cap)
{
    blob *b = find(key, 0);
    if (!b || !b->present || b->len > cap) return -1;
    memcpy(buf, b->data, b->len);
    return (int32_t)b->len;
}

/* ---- saves and boots ----------------------------------------------------------------------------- */

typedef struct { uint8_t cfg[DT_CONFIGURE_BYTES]; uint8_t snap[BLOB_CAP]; uint32_t len; } state;

static uint32_t rng = 12345;
static uint8_t rnd8(void) { rng = rng * 1103515245u + 12345u; return (uint8_t)(rng >> 16); }

static void make_state(state *s, uint32_t len)
{
    for (int i = 0; i < DT_CONFIGURE_BYTES; i++) s->cfg[i] = rnd8();
    for (uint32_t i = 0; i < len; i++) s->snap[i] = rnd8();
    s->len = len;
}

static int save(const state *s, long cut)
{
    budget = cut;
    powered = 1;
    int r = dt_store_save(s->cfg, s->snap, s->len);
    budget = -1;
    powered = 1; /* the reboot */
    return r;
}

/* What restore() would come up with: 1 and *o filled, or 0 (nothing stored / usable). */
static int boot(state *o)
{
    dt_store_rec recs[DT_STORE_SLOTS];
    int n = dt_store_records(recs);
    for (int i = 0; i < n; i++)
        if (dt_store_load_snapshot(&recs[i], o->snap, sizeof o->snap) == 0) {
            memcpy(o->cfg, recs[i].cfg, DT_CONFIGURE_BYTES);
            o->len = recs[i].snap_len;
            return 1;
        }
    return 0;
}

static int same(const state *a, const state *b)
{
    return a->len == b->len && memcmp(a->cfg, b->cfg, DT_CONFIGURE_BYTES) == 0 && memcmp(a->snap, b->snap, a->len) == 0;
}

/* The store holds `before` (saves already done); save `next` cut at every byte. */
static void cut_every_byte(const state *before, int nbefore, const state *next, const char *what)
{
    flash base;
    state got;
    char msg[160];
    long total, olds = 0, news = 0, bad = 0;
    memset(&mem, 0, sizeof mem);
    for (int i = 0; i < nbefore; i++) CHECK(save(&before[i], -1) == 0, "an uncut save succeeds");
    base = mem;
    written = 0;
    CHECK(save(next, -1) == 0, "the save to cut succeeds uncut");
    total = written;
    for (long k = 0; k <= total; k++) {
        mem = base;
        int r = save(next, k);
        int ok = boot(&got);
        if (ok && same(&got, next)) news++;
        else if (nbefore > 0 && ok && same(&got, &before[nbefore - 1])) olds++;
        else if (nbefore == 0 && !ok) olds++;
        else { bad++; if (bad < 4) printf("  %s %s: cut after %ld of %ld bytes: %s\n", tear_name[tear], what, k, total, ok ? "some other state" : "nothing"); }
        if (k < total && r == 0 && tear != TEAR_ATOMIC) { bad++; printf("  a cut save reported success\n"); }
        /* the store recovers: the next uncut saves win */
        state after;
        make_state(&after, 900 + (uint32_t)(k % 7));
        if (save(&after, -1) != 0 || !boot(&got) || !same(&got, &after)) { bad++; if (bad < 4) printf("  %s %s: cut at %ld, the next save is not what boots\n", tear_name[tear], what, k); }
        if (save(next, -1) != 0 || !boot(&got) || !same(&got, next)) { bad++; if (bad < 4) printf("  %s %s: cut at %ld, the save after next is not what boots\n", tear_name[tear], what, k); }
    }
    snprintf(msg, sizeof msg, "%s, %s: %ld cut points, old %ld, new %ld, lost %ld", tear_name[tear], what, total + 1, olds, news, bad);
    printf("  %s\n", msg);
    CHECK(bad == 0 && news >= 1 && (nbefore == 0 || olds >= 1), msg);
}

/* Writes a record for slot s with sequence seq directly (no snapshot check needed for ordering). */
static void raw_save(uint8_t s, uint32_t seq, const state *st)
{
    uint8_t rec[DT_STORE_CFG_BYTES];
    char key[8];
    dt_span part = { st->snap, st->len };
    snprintf(key, sizeof key, "snap%u", s);
    dt_hal_store_put(key, &part, 1);
    dt_put_u32(rec, 0x54535444u);
    dt_put_u32(rec + 4, 3); /* DT_STORE_FORMAT */
    dt_put_u32(rec + 8, seq);
    memcpy(rec + 12, st->cfg, DT_CONFIGURE_BYTES);
    dt_put_u32(rec + 12 + DT_CONFIGURE_BYTES, st->len);
    dt_put_u32(rec + 16 + DT_CONFIGURE_BYTES, dt_crc32(st->snap, st->len));
    dt_put_u32(rec + DT_STORE_CFG_BYTES - 4, dt_crc32(rec, DT_STORE_CFG_BYTES - 4));
    part.p = rec;
    part.n = sizeof rec;
    snprintf(key, sizeof key, "cfg%u", s);
    dt_hal_store_put(key, &part, 1);
}

int main(void)
{
    static state a, b, c, got;
    setvbuf(stdout, NULL, _IOLBF, 0);
    make_state(&a, 1500);
    make_state(&b, 2000);
    make_state(&c, 1200);
    for (tear = TEAR_ATOMIC; tear <= TEAR_OVERWRITE; tear++) {
        state ab[2] = { a, b };
        cut_every_byte(ab, 2, &c, "third save (over the first)");
        cut_every_byte(ab, 1, &b, "second save (empty slot)");
        cut_every_byte(ab, 0, &a, "first save (empty store)");
    }
    tear = TEAR_ATOMIC;

    /* sequence numbers wrap: 0 is newer than 0xFFFFFFFF */
    memset(&mem, 0, sizeof mem);
    raw_save(1, 0xFFFFFFFFu, &a);
    raw_save(0, 0, &b);
    CHECK(boot(&got) && same(&got, &b), "sequence 0 is newer than 0xFFFFFFFF");
    CHECK(save(&c, -1) == 0 && boot(&got) && same(&got, &c), "the next save goes to the older slot and wins");
    CHECK(find("cfg1", 0) && dt_get_u32(find("cfg1", 0)->data + 8) == 1, "with sequence 1, in slot 1");

    /* a flipped bit in the newest snapshot: the save before it boots */
    memset(&mem, 0, sizeof mem);
    save(&a, -1);
    save(&b, -1);
    blob *snap1 = find("snap1", 0), *cfg0 = find("cfg0", 0);
    CHECK(snap1 && cfg0, "two saves fill both slots");
    if (snap1) snap1->data[777] ^= 0x10;
    CHECK(boot(&got) && same(&got, &a), "a corrupt newest snapshot falls back to the save before");
    if (cfg0) cfg0->data[20] ^= 0x01;
    CHECK(!boot(&got), "both slots corrupt: nothing is restored");
    CHECK(save(&c, -1) == 0 && boot(&got) && same(&got, &c), "and the next save works");

    /* a snapshot larger than the caller's buffer is refused, not overrun (ASan) */
    memset(&mem, 0, sizeof mem);
    save(&b, -1);
    dt_store_rec recs[DT_STORE_SLOTS];
    uint8_t small[100];
    CHECK(dt_store_records(recs) == 1 && dt_store_load_snapshot(&recs[0], small, sizeof small) == -1, "snapshot larger than cap");

    printf("store: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
