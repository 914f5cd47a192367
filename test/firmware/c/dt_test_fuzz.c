/* dt_test_fuzz.c: randomised tests of the firmware's protocol codec, meant to run under
 * AddressSanitizer and UndefinedBehaviorSanitizer.
 *
 *   dt_test_fuzz run N SEED    N rounds; each round: a random valid message must round-trip; the
 *                              same frame with one random mutation (bit flip, byte replaced,
 *                              deleted, inserted, truncated) must be rejected; a random byte
 *                              stream (biased to delimiters and COBS-looking runs) in which every
 *                              non-empty 0x00-ended run must give exactly one outcome; and good
 *                              frames separated by garbage must all come through, in order.
 *   dt_test_fuzz emit N SEED   prints N random streams for a differential check against the host
 *                              decoder: "<stream hex> <outcome>;<outcome>;..." with outcomes
 *                              "ok:<type>:<seq>:<flags>:<payload hex>" or "rej:<reason>".
 * Exit 1 and a FAIL line on the first broken invariant. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dt_codes.h"
#include "dt_frame.h"
#include "dt_le.h"
#include "dt_msg.h"
#include "dt_test_util.h"

static uint64_t rng_state;
static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 16);
}
static uint32_t below(uint32_t n) { return n ? rnd() % n : 0; }

static const uint8_t types[] = {
    DTP_HELLO, DTP_ACK, DTP_ERROR, DTP_CONFIGURE, DTP_START, DTP_STOP, DTP_LEARN, DTP_SENSOR_FRAME, DTP_ACTUATOR_FRAME,
    DTP_TELEMETRY, DTP_SNAPSHOT_GET, DTP_SNAPSHOT_DATA, DTP_SNAPSHOT_PUT, DTP_CORE_UPLOAD_BEGIN, DTP_CORE_UPLOAD_CHUNK,
    DTP_CORE_UPLOAD_END,
};

static uint8_t pool[DTP_MAX_PAYLOAD]; /* backing bytes of random messages */

/* Random bytes, often with many zeros (COBS's hard case) or none. */
static void fill(uint8_t *p, size_t n)
{
    uint32_t style = below(3);
    for (size_t i = 0; i < n; i++) p[i] = style == 0 ? (uint8_t)rnd() : style == 1 ? (uint8_t)(below(4) ? 0 : rnd()) : (uint8_t)(1 + below(255));
}

/* Random ASCII / valid multi-byte UTF-8 of at most max bytes. */
static uint16_t fill_utf8(uint8_t *p, size_t max)
{
    static const char *const pieces[] = { "a", "Z", " ", "\xc3\xb1", "\xc2\xb5", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xef\xbf\xbf" };
    size_t n = 0, want = below((uint32_t)max + 1);
    while (n < want) {
        const char *s = pieces[below(8)];
        size_t l = strlen(s);
        if (n + l > max) break;
        memcpy(p + n, s, l);
        n += l;
    }
    return (uint16_t)n;
}

static uint32_t big(void) { return below(4) ? below(2000) : rnd() ^ (rnd() << 16); }

static void random_msg(dt_msg *m)
{
    memset(m, 0, sizeof *m);
    m->type = types[below(sizeof types)];
    switch (m->type) {
    case DTP_HELLO:
        m->u.hello.protocol_version = (uint16_t)rnd(); m->u.hello.core_version = (uint16_t)rnd(); m->u.hello.checksum = big();
        m->u.hello.name.p = pool; m->u.hello.name.n = fill_utf8(pool, 255); break;
    case DTP_ACK: m->u.ack.acked_seq = (uint8_t)rnd(); m->u.ack.status = (uint16_t)rnd(); break;
    case DTP_ERROR: m->u.error.code = (uint16_t)rnd(); m->u.error.text.p = pool; m->u.error.text.n = fill_utf8(pool, 255); break;
    case DTP_CONFIGURE: m->u.configure.config.p = pool; m->u.configure.config.n = (uint16_t)below(DTP_MAX_PAYLOAD + 1); fill(pool, m->u.configure.config.n); break;
    case DTP_LEARN: m->u.learn.on = (uint8_t)below(2); break;
    case DTP_SENSOR_FRAME: case DTP_ACTUATOR_FRAME:
        m->u.frame.step = big(); m->u.frame.values.p = pool; m->u.frame.values.n = (uint16_t)(4 * below(DTP_MAX_VALUES + 1)); fill(pool, m->u.frame.values.n); break;
    case DTP_TELEMETRY:
        m->u.telemetry.step = big(); m->u.telemetry.loss = (int32_t)rnd(); m->u.telemetry.flags = (uint16_t)rnd();
        m->u.telemetry.values.p = pool; m->u.telemetry.values.n = (uint16_t)(4 * below(DTP_MAX_TELEMETRY_VALUES + 1)); fill(pool, m->u.telemetry.values.n); break;
    case DTP_SNAPSHOT_DATA: case DTP_SNAPSHOT_PUT: {
        uint16_t n = (uint16_t)below(DTP_MAX_SNAPSHOT_CHUNK + 1);
        uint32_t off = big();
        if (off > 0xFFFFFFFFu - n) off = 0;
        m->u.snapshot.offset = off; m->u.snapshot.total = off + n + (below(2) ? 0 : below(5000));
        if (m->u.snapshot.total < off + n) m->u.snapshot.total = off + n;
        m->u.snapshot.data.p = pool; m->u.snapshot.data.n = n; fill(pool, n); break;
    }
    case DTP_CORE_UPLOAD_BEGIN:
        m->u.upload_begin.size = big(); m->u.upload_begin.crc = rnd() ^ (rnd() << 16);
        m->u.upload_begin.signature.p = pool; m->u.upload_begin.signature.n = DTP_UPLOAD_SIGNATURE_BYTES; fill(pool, DTP_UPLOAD_SIGNATURE_BYTES); break;
    case DTP_CORE_UPLOAD_CHUNK: {
        uint16_t n = (uint16_t)below(DTP_MAX_UPLOAD_CHUNK + 1);
        uint32_t off = big();
        if (off > 0xFFFFFFFFu - n) off = 0;
        m->u.upload_chunk.offset = off; m->u.upload_chunk.data.p = pool; m->u.upload_chunk.data.n = n; fill(pool, n); break;
    }
    default: break;
    }
}

static uint8_t body[DTP_MAX_BODY], wire[DTP_MAX_WIRE + 64];

/* Encodes m into `wire`; returns the wire length (with delimiter). */
static size_t encode(const dt_msg *m, uint8_t seq, uint8_t flags)
{
    int len = dt_msg_encode(m, body + DTP_HEADER);
    if (len < 0) { printf("FAIL: encoder refused a valid message of type 0x%02x\n", m->type); exit(1); }
    return dt_frame_build(body, (uint16_t)len, m->type, seq, flags, wire);
}

/* Outcome counting over a byte stream. */
typedef struct { int frames, rejected, runs; } tally;

static tally feed(dt_rx *rx, const uint8_t *p, size_t n, void (*on)(int ok, const dt_frame *f, dtp_reject r, void *ctx), void *ctx)
{
    tally t = { 0, 0, 0 };
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i]) run++;
        else { if (run) t.runs++; run = 0; }
        dt_frame f;
        dtp_reject r = DTP_REJECT_NONE;
        int e = dt_rx_push(rx, p[i], &f, &r);
        if (e > 0) {
            dt_msg m;
            r = dt_msg_decode(f.type, f.payload, f.len, &m);
            if (r == DTP_REJECT_NONE) t.frames++; else t.rejected++;
            if (on) on(r == DTP_REJECT_NONE, &f, r, ctx);
        } else if (e < 0) {
            t.rejected++;
            if (on) on(0, NULL, r, ctx);
        }
    }
    if (run) t.runs++;
    if (dt_rx_end(rx)) { t.rejected++; if (on) on(0, NULL, DTP_REJECT_TRUNCATED, ctx); }
    return t;
}

static void fail(const char *what, uint64_t round)
{
    printf("FAIL (round %llu): %s\n", (unsigned long long)round, what);
    exit(1);
}

/* Random stream: garbage biased to delimiters and small codes, sometimes with real frames inside. */
static size_t random_stream(uint8_t *s, size_t cap)
{
    static const uint8_t biased[] = { 0, 0, 1, 2, 3, 5, 0x10, 0x21, 0xFF };
    size_t n = 0, parts = 1 + below(4);
    for (size_t k = 0; k < parts && n < cap; k++) {
        uint32_t kind = below(4);
        if (kind == 0) {
            dt_msg m;
            random_msg(&m);
            size_t w = encode(&m, (uint8_t)rnd(), (uint8_t)(below(8) ? below(2) : rnd()));
            if (n + w > cap) break;
            memcpy(s + n, wire, w);
            if (below(3) == 0) s[n + below((uint32_t)w)] ^= (uint8_t)(1u << below(8)); /* corrupt one bit */
            n += w;
        } else {
            size_t len = below(kind == 3 ? 1300 : 300);
            for (size_t i = 0; i < len && n < cap; i++) s[n++] = kind == 1 ? (uint8_t)rnd() : kind == 2 ? biased[below(9)] : (uint8_t)(1 + below(255));
        }
    }
    return n;
}

static void emit_outcome(int ok, const dt_frame *f, dtp_reject r, void *ctx)
{
    int *first = ctx;
    if (!*first) putchar(';');
    *first = 0;
    if (ok) {
        printf("ok:%u:%u:%u:", f->type, f->seq, f->flags);
        dt_print_hex(stdout, f->payload, f->len);
    } else {
        printf("rej:%s", dt_reason_names[r]);
    }
}

int main(int argc, char **argv)
{
    if (argc != 4) { fprintf(stderr, "usage: %s run|emit N SEED\n", argv[0]); return 2; }
    uint64_t rounds = strtoull(argv[2], NULL, 10);
    rng_state = strtoull(argv[3], NULL, 10) * 0x9E3779B97F4A7C15ull + 1;
    static dt_rx rx;
    static uint8_t stream[8192], copy[DTP_MAX_WIRE + 64];

    if (strcmp(argv[1], "emit") == 0) {
        for (uint64_t k = 0; k < rounds; k++) {
            size_t n = random_stream(stream, sizeof stream);
            dt_print_hex(stdout, stream, n);
            putchar(' ');
            int first = 1;
            dt_rx_init(&rx);
            feed(&rx, stream, n, emit_outcome, &first);
            if (first) printf("-");
            putchar('\n');
        }
        return 0;
    }
    if (strcmp(argv[1], "run") != 0) { fprintf(stderr, "unknown mode %s\n", argv[1]); return 2; }

    uint64_t frames_ok = 0, mutants = 0, streams = 0;
    for (uint64_t k = 0; k < rounds; k++) {
        /* 1. round trip */
        dt_msg m, back;
        random_msg(&m);
        uint8_t seq = (uint8_t)rnd(), flags = (uint8_t)below(2);
        size_t w = encode(&m, seq, flags);
        dt_rx_init(&rx);
        int got = 0;
        for (size_t i = 0; i < w; i++) {
            dt_frame f;
            dtp_reject r;
            int e = dt_rx_push(&rx, wire[i], &f, &r);
            if (e < 0) fail("a valid frame was rejected", k);
            if (e > 0) {
                got++;
                if (f.seq != seq || f.flags != flags || f.type != m.type) fail("header fields changed", k);
                if (dt_msg_decode(f.type, f.payload, f.len, &back) != DTP_REJECT_NONE) fail("a valid payload was rejected", k);
                if (!dt_msg_equal(&m, &back)) fail("message changed in a round trip", k);
            }
        }
        if (got != 1) fail("a valid frame did not decode exactly once", k);
        frames_ok++;

        /* 2. one mutation of the same frame (its COBS bytes, delimiter excluded) */
        size_t n = w - 1;
        memcpy(copy, wire, n);
        uint32_t kind = below(5);
        size_t at = below((uint32_t)n);
        if (kind == 0) {
            uint8_t bit = (uint8_t)(1u << below(8));
            if ((copy[at] ^ bit) == 0) bit = copy[at] == 1 ? 2 : 1;
            copy[at] ^= bit;
        } else if (kind == 1) {
            uint8_t v = (uint8_t)(1 + below(255));
            if (v == copy[at]) v = (uint8_t)(v == 255 ? 1 : v + 1);
            copy[at] = v;
        } else if (kind == 2) {
            memmove(copy + at, copy + at + 1, n - at - 1);
            n--;
        } else if (kind == 3) {
            memmove(copy + at + 1, copy + at, n - at);
            copy[at] = (uint8_t)(1 + below(255));
            n++;
        } else {
            n = at; /* truncate (at < original n) */
        }
        copy[n++] = 0;
        dt_rx_init(&rx);
        tally t = feed(&rx, copy, n, NULL, NULL);
        if (t.frames + t.rejected != t.runs) fail("mutated frame: outcomes != runs", k);
        if (t.frames != 0) fail("a mutated frame was accepted", k);
        mutants++;

        /* 3. random stream: every non-empty run accounted for exactly once */
        size_t sn = random_stream(stream, sizeof stream);
        dt_rx_init(&rx);
        t = feed(&rx, stream, sn, NULL, NULL);
        if (t.frames + t.rejected != t.runs) fail("random stream: outcomes != runs", k);
        streams++;

        /* 4. every 16th round: good frames separated by garbage and delimiters all come through */
        if (k % 16 == 0) {
            uint8_t seqs[4];
            dt_rx_init(&rx);
            int want = 1 + (int)below(4), seen = 0;
            for (int j = 0; j < want; j++) {
                size_t gn = below(200);
                dt_frame f;
                dtp_reject r;
                for (size_t i = 0; i < gn; i++) dt_rx_push(&rx, (uint8_t)rnd(), &f, &r);
                dt_rx_push(&rx, 0, &f, &r); /* close the garbage */
                random_msg(&m);
                seqs[j] = (uint8_t)j;
                size_t fw = encode(&m, seqs[j], 0);
                for (size_t i = 0; i < fw; i++) {
                    if (dt_rx_push(&rx, wire[i], &f, &r) > 0) {
                        if (f.seq != seqs[j] || dt_msg_decode(f.type, f.payload, f.len, &back) != 0 || !dt_msg_equal(&m, &back))
                            fail("a good frame after garbage was lost or changed", k);
                        seen++;
                    }
                }
            }
            if (seen != want) fail("good frames after garbage: wrong count", k);
        }
    }
    printf("fuzz: %llu round trips, %llu mutated frames rejected, %llu random streams accounted for\n",
           (unsigned long long)frames_ok, (unsigned long long)mutants, (unsigned long long)streams);
    printf("fuzz: %llu passed, 0 failed\n", (unsigned long long)rounds);
    return 0;
}
