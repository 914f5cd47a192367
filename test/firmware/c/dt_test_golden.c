/* dt_test_golden.c: the firmware's protocol codec against every vector of host/protocol/golden.json
 * (as generated into dt_golden.h). Valid vectors: encoding the message with its seq and flag gives
 * exactly the wire bytes, and decoding the wire bytes gives the message back. Invalid vectors: fed
 * alone to a fresh receiver, rejected exactly once with the expected reason.
 * Prints one line per failure and "golden: N passed, M failed"; exit 1 on any failure. */
#include <stdio.h>
#include <string.h>
#include "dt_codes.h"
#include "dt_crc32.h"
#include "dt_frame.h"
#include "dt_msg.h"
#include "dt_test_util.h"
#include "dt_golden.h"

static int passed, failed;

static void check(int ok, const char *name, const char *what)
{
    if (ok) { passed++; return; }
    failed++;
    printf("FAIL %s: %s\n", name, what);
}

/* Feeds wire bytes to a fresh receiver; returns the number of outcomes, the last one in o_frame / o_reason. */
static int feed(dt_rx *rx, dt_bytes wire, dt_msg *o_msg, dt_frame *o_frame, dtp_reject *o_reason, int *o_frames)
{
    int outcomes = 0;
    *o_frames = 0;
    dt_rx_init(rx);
    for (size_t i = 0; i < wire.n; i++) {
        dt_frame f;
        dtp_reject r = DTP_REJECT_NONE;
        int e = dt_rx_push(rx, wire.p[i], &f, &r);
        if (e == 0) continue;
        outcomes++;
        if (e > 0) {
            r = dt_msg_decode(f.type, f.payload, f.len, o_msg);
            if (r == DTP_REJECT_NONE) { (*o_frames)++; *o_frame = f; }
        }
        *o_reason = r;
    }
    if (dt_rx_end(rx)) { outcomes++; *o_reason = DTP_REJECT_TRUNCATED; }
    return outcomes;
}

int main(void)
{
    static dt_rx rx;
    static uint8_t body[DTP_MAX_BODY], wire[DTP_MAX_WIRE];

    check(dt_crc32((const uint8_t *)"123456789", 9) == 0xCBF43926u, "crc32", "check value of \"123456789\"");

    for (size_t k = 0; k < sizeof dt_golden_valid_vectors / sizeof dt_golden_valid_vectors[0]; k++) {
        const dt_golden_valid *v = &dt_golden_valid_vectors[k];
        int len = dt_msg_encode(&v->msg, body + DTP_HEADER);
        check(len >= 0, v->name, "encode refused the message");
        if (len < 0) continue;
        size_t w = dt_frame_build(body, (uint16_t)len, v->msg.type, v->seq, v->ack ? DTP_FLAG_ACK_REQUESTED : 0, wire);
        check(w == v->wire.n && memcmp(wire, v->wire.p, w) == 0, v->name, "encoded frame differs from frameHex");

        dt_msg m;
        dt_frame f;
        dtp_reject r = DTP_REJECT_NONE;
        int frames = 0;
        int outcomes = feed(&rx, v->wire, &m, &f, &r, &frames);
        check(outcomes == 1 && frames == 1, v->name, "frameHex did not decode to exactly one message");
        if (frames != 1) continue;
        check(f.seq == v->seq && f.flags == (v->ack ? DTP_FLAG_ACK_REQUESTED : 0) && f.type == v->msg.type, v->name, "header fields differ");
        check(dt_msg_equal(&m, &v->msg), v->name, "decoded message differs");
    }

    for (size_t k = 0; k < sizeof dt_golden_invalid_vectors / sizeof dt_golden_invalid_vectors[0]; k++) {
        const dt_golden_invalid *v = &dt_golden_invalid_vectors[k];
        dt_msg m;
        dt_frame f;
        dtp_reject r = DTP_REJECT_NONE;
        int frames = 0;
        int outcomes = feed(&rx, v->wire, &m, &f, &r, &frames);
        char what[96];
        snprintf(what, sizeof what, "expected one rejection '%s', got %d outcome(s), %d frame(s), last '%s'",
                 dt_reason_names[v->reason], outcomes, frames, dt_reason_names[r]);
        check(outcomes == 1 && frames == 0 && r == v->reason, v->name, what);
    }

    printf("golden: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
