/* dt_test_util.h: helpers shared by the C test programs: message equality, hex output. */
#ifndef DT_TEST_UTIL_H
#define DT_TEST_UTIL_H

#include <stdio.h>
#include <string.h>
#include "dt_msg.h"

static inline int dt_bytes_eq(dt_bytes a, dt_bytes b) { return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0); }

/* Field-by-field equality of two messages of the same type. */
static inline int dt_msg_equal(const dt_msg *a, const dt_msg *b)
{
    if (a->type != b->type) return 0;
    switch (a->type) {
    case DTP_HELLO:
        return a->u.hello.protocol_version == b->u.hello.protocol_version && a->u.hello.core_version == b->u.hello.core_version &&
               a->u.hello.checksum == b->u.hello.checksum && dt_bytes_eq(a->u.hello.name, b->u.hello.name);
    case DTP_ACK: return a->u.ack.acked_seq == b->u.ack.acked_seq && a->u.ack.status == b->u.ack.status;
    case DTP_ERROR: return a->u.error.code == b->u.error.code && dt_bytes_eq(a->u.error.text, b->u.error.text);
    case DTP_CONFIGURE: return dt_bytes_eq(a->u.configure.config, b->u.configure.config);
    case DTP_LEARN: return a->u.learn.on == b->u.learn.on;
    case DTP_SENSOR_FRAME: case DTP_ACTUATOR_FRAME:
        return a->u.frame.step == b->u.frame.step && dt_bytes_eq(a->u.frame.values, b->u.frame.values);
    case DTP_TELEMETRY:
        return a->u.telemetry.step == b->u.telemetry.step && a->u.telemetry.loss == b->u.telemetry.loss &&
               a->u.telemetry.flags == b->u.telemetry.flags && dt_bytes_eq(a->u.telemetry.values, b->u.telemetry.values);
    case DTP_SNAPSHOT_DATA: case DTP_SNAPSHOT_PUT:
        return a->u.snapshot.offset == b->u.snapshot.offset && a->u.snapshot.total == b->u.snapshot.total &&
               dt_bytes_eq(a->u.snapshot.data, b->u.snapshot.data);
    case DTP_CORE_UPLOAD_BEGIN: return a->u.upload_begin.size == b->u.upload_begin.size && a->u.upload_begin.crc == b->u.upload_begin.crc &&
               dt_bytes_eq(a->u.upload_begin.signature, b->u.upload_begin.signature);
    case DTP_CORE_UPLOAD_CHUNK:
        return a->u.upload_chunk.offset == b->u.upload_chunk.offset && dt_bytes_eq(a->u.upload_chunk.data, b->u.upload_chunk.data);
    default: return 1; /* empty payloads */
    }
}

static inline void dt_print_hex(FILE *f, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) fprintf(f, "%02x", p[i]);
}

static const char *const dt_reason_names[] = { "none", "cobs", "length", "truncated", "crc", "version", "unknown_type", "payload" };

#endif
