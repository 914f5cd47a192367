/* dt_msg.c: payload encoders and decoders of every message type (see dt_msg.h). */
#include <string.h>
#include "dt_msg.h"
#include "dt_le.h"

int dt_msg_known(uint8_t type)
{
    switch (type) {
    case DTP_HELLO: case DTP_ACK: case DTP_ERROR:
    case DTP_CONFIGURE: case DTP_START: case DTP_STOP: case DTP_LEARN:
    case DTP_SENSOR_FRAME: case DTP_ACTUATOR_FRAME: case DTP_TELEMETRY:
    case DTP_SNAPSHOT_GET: case DTP_SNAPSHOT_DATA: case DTP_SNAPSHOT_PUT:
    case DTP_CORE_UPLOAD_BEGIN: case DTP_CORE_UPLOAD_CHUNK: case DTP_CORE_UPLOAD_END:
        return 1;
    default:
        return 0;
    }
}

int dt_utf8_valid(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        if (c < 0x80) { i++; continue; }
        size_t k;          /* continuation bytes */
        uint8_t lo = 0x80, hi = 0xBF; /* allowed range of the first continuation byte */
        if (c >= 0xC2 && c <= 0xDF) k = 1;
        else if (c == 0xE0) { k = 2; lo = 0xA0; }        /* no overlong 3-byte forms */
        else if (c == 0xED) { k = 2; hi = 0x9F; }        /* no surrogates U+D800..DFFF */
        else if (c >= 0xE1 && c <= 0xEF) k = 2;
        else if (c == 0xF0) { k = 3; lo = 0x90; }        /* no overlong 4-byte forms */
        else if (c >= 0xF1 && c <= 0xF3) k = 3;
        else if (c == 0xF4) { k = 3; hi = 0x8F; }        /* nothing above U+10FFFF */
        else return 0;                                  /* 0x80..0xC1, 0xF5..0xFF */
        if (n - i <= k) return 0;
        if (s[i + 1] < lo || s[i + 1] > hi) return 0;
        for (size_t j = 2; j <= k; j++)
            if ((s[i + j] & 0xC0) != 0x80) return 0;
        i += k + 1;
    }
    return 1;
}

/* A string field: u8 length at `at`, then that many bytes of UTF-8 ending the payload exactly. */
static int dt_string_at(const uint8_t *p, size_t n, size_t at, dt_bytes *o)
{
    size_t len = p[at];
    if (n != at + 1 + len) return 0;
    if (!dt_utf8_valid(p + at + 1, len)) return 0;
    o->p = p + at + 1;
    o->n = (uint16_t)len;
    return 1;
}

dtp_reject dt_msg_decode(uint8_t type, const uint8_t *p, size_t n, dt_msg *o)
{
    if (!dt_msg_known(type)) return DTP_REJECT_UNKNOWN_TYPE;
    if (n > DTP_MAX_PAYLOAD) return DTP_REJECT_PAYLOAD;
    memset(o, 0, sizeof *o);
    o->type = type;
    switch (type) {
    case DTP_HELLO:
        if (n < 9) return DTP_REJECT_PAYLOAD;
        o->u.hello.protocol_version = dt_get_u16(p);
        o->u.hello.core_version = dt_get_u16(p + 2);
        o->u.hello.checksum = dt_get_u32(p + 4);
        return dt_string_at(p, n, 8, &o->u.hello.name) ? DTP_REJECT_NONE : DTP_REJECT_PAYLOAD;
    case DTP_ACK:
        if (n != 3) return DTP_REJECT_PAYLOAD;
        o->u.ack.acked_seq = p[0];
        o->u.ack.status = dt_get_u16(p + 1);
        return DTP_REJECT_NONE;
    case DTP_ERROR:
        if (n < 3) return DTP_REJECT_PAYLOAD;
        o->u.error.code = dt_get_u16(p);
        return dt_string_at(p, n, 2, &o->u.error.text) ? DTP_REJECT_NONE : DTP_REJECT_PAYLOAD;
    case DTP_CONFIGURE:
        o->u.configure.config.p = p;
        o->u.configure.config.n = (uint16_t)n;
        return DTP_REJECT_NONE;
    case DTP_START: case DTP_STOP: case DTP_SNAPSHOT_GET: case DTP_CORE_UPLOAD_END:
        return n == 0 ? DTP_REJECT_NONE : DTP_REJECT_PAYLOAD;
    case DTP_LEARN:
        if (n != 1 || p[0] > 1) return DTP_REJECT_PAYLOAD;
        o->u.learn.on = p[0];
        return DTP_REJECT_NONE;
    case DTP_SENSOR_FRAME: case DTP_ACTUATOR_FRAME:
        if (n < 4 || (n - 4) % 4) return DTP_REJECT_PAYLOAD;
        o->u.frame.step = dt_get_u32(p);
        o->u.frame.values.p = p + 4;
        o->u.frame.values.n = (uint16_t)(n - 4);
        return DTP_REJECT_NONE;
    case DTP_TELEMETRY:
        if (n < 10 || (n - 10) % 4) return DTP_REJECT_PAYLOAD;
        o->u.telemetry.step = dt_get_u32(p);
        o->u.telemetry.loss = dt_get_i32(p + 4);
        o->u.telemetry.flags = dt_get_u16(p + 8);
        o->u.telemetry.values.p = p + 10;
        o->u.telemetry.values.n = (uint16_t)(n - 10);
        return DTP_REJECT_NONE;
    case DTP_SNAPSHOT_DATA: case DTP_SNAPSHOT_PUT: {
        if (n < 8) return DTP_REJECT_PAYLOAD;
        uint32_t offset = dt_get_u32(p), total = dt_get_u32(p + 4);
        if ((uint64_t)offset + (n - 8) > total) return DTP_REJECT_PAYLOAD;
        o->u.snapshot.offset = offset;
        o->u.snapshot.total = total;
        o->u.snapshot.data.p = p + 8;
        o->u.snapshot.data.n = (uint16_t)(n - 8);
        return DTP_REJECT_NONE;
    }
    case DTP_CORE_UPLOAD_BEGIN:
        if (n != 8 + DTP_UPLOAD_SIGNATURE_BYTES) return DTP_REJECT_PAYLOAD;
        o->u.upload_begin.size = dt_get_u32(p);
        o->u.upload_begin.crc = dt_get_u32(p + 4);
        o->u.upload_begin.signature.p = p + 8;
        o->u.upload_begin.signature.n = DTP_UPLOAD_SIGNATURE_BYTES;
        return DTP_REJECT_NONE;
    case DTP_CORE_UPLOAD_CHUNK: {
        if (n < 4) return DTP_REJECT_PAYLOAD;
        uint32_t offset = dt_get_u32(p);
        /* bytes offset .. offset + len - 1: a chunk may end exactly at 2^32 (docs/protocol.md) */
        if ((uint64_t)offset + (n - 4) > 0x100000000ull) return DTP_REJECT_PAYLOAD;
        o->u.upload_chunk.offset = offset;
        o->u.upload_chunk.data.p = p + 4;
        o->u.upload_chunk.data.n = (uint16_t)(n - 4);
        return DTP_REJECT_NONE;
    }
    default:
        return DTP_REJECT_UNKNOWN_TYPE;
    }
}

/* Writes a string field (u8 length + bytes); returns the bytes written or -1. */
static int dt_put_string(uint8_t *out, size_t at, dt_bytes s)
{
    if (s.n > DTP_MAX_STRING || at + 1 + s.n > DTP_MAX_PAYLOAD) return -1;
    out[at] = (uint8_t)s.n;
    if (s.n) memcpy(out + at + 1, s.p, s.n);
    return (int)(at + 1 + s.n);
}

/* Copies a byte field at `at`; returns the payload length or -1 when it would not fit. */
static int dt_put_bytes(uint8_t *out, size_t at, dt_bytes b)
{
    if (at + b.n > DTP_MAX_PAYLOAD) return -1;
    if (b.n) memmove(out + at, b.p, b.n);
    return (int)(at + b.n);
}

int dt_msg_encode(const dt_msg *m, uint8_t *out)
{
    switch (m->type) {
    case DTP_HELLO:
        dt_put_u16(out, m->u.hello.protocol_version);
        dt_put_u16(out + 2, m->u.hello.core_version);
        dt_put_u32(out + 4, m->u.hello.checksum);
        return dt_put_string(out, 8, m->u.hello.name);
    case DTP_ACK:
        out[0] = m->u.ack.acked_seq;
        dt_put_u16(out + 1, m->u.ack.status);
        return 3;
    case DTP_ERROR:
        dt_put_u16(out, m->u.error.code);
        return dt_put_string(out, 2, m->u.error.text);
    case DTP_CONFIGURE:
        return dt_put_bytes(out, 0, m->u.configure.config);
    case DTP_START: case DTP_STOP: case DTP_SNAPSHOT_GET: case DTP_CORE_UPLOAD_END:
        return 0;
    case DTP_LEARN:
        if (m->u.learn.on > 1) return -1;
        out[0] = m->u.learn.on;
        return 1;
    case DTP_SENSOR_FRAME: case DTP_ACTUATOR_FRAME:
        if (m->u.frame.values.n % 4) return -1;
        dt_put_u32(out, m->u.frame.step);
        return dt_put_bytes(out, 4, m->u.frame.values);
    case DTP_TELEMETRY:
        if (m->u.telemetry.values.n % 4) return -1;
        dt_put_u32(out, m->u.telemetry.step);
        dt_put_i32(out + 4, m->u.telemetry.loss);
        dt_put_u16(out + 8, m->u.telemetry.flags);
        return dt_put_bytes(out, 10, m->u.telemetry.values);
    case DTP_SNAPSHOT_DATA: case DTP_SNAPSHOT_PUT:
        if ((uint64_t)m->u.snapshot.offset + m->u.snapshot.data.n > m->u.snapshot.total) return -1;
        dt_put_u32(out, m->u.snapshot.offset);
        dt_put_u32(out + 4, m->u.snapshot.total);
        return dt_put_bytes(out, 8, m->u.snapshot.data);
    case DTP_CORE_UPLOAD_BEGIN:
        if (m->u.upload_begin.signature.n != DTP_UPLOAD_SIGNATURE_BYTES) return -1;
        dt_put_u32(out, m->u.upload_begin.size);
        dt_put_u32(out + 4, m->u.upload_begin.crc);
        return dt_put_bytes(out, 8, m->u.upload_begin.signature);
    case DTP_CORE_UPLOAD_CHUNK:
        if ((uint64_t)m->u.upload_chunk.offset + m->u.upload_chunk.data.n > 0x100000000ull) return -1; /* may end exactly at 2^32 */
        dt_put_u32(out, m->u.upload_chunk.offset);
        return dt_put_bytes(out, 4, m->u.upload_chunk.data);
    default:
        return -1;
    }
}
