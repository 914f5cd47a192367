/* dt_msg.h: message payloads (docs/protocol.md section 5, host/protocol/messages.ts). Decoding is
 * zero-copy: byte arrays, strings and value lists point into the payload; value lists stay raw
 * i32 little-endian bytes (read them with dt_get_i32(values + 4 * i)). A payload must be consumed
 * exactly and strings must be valid UTF-8; anything else is rejected with reason PAYLOAD. */
#ifndef DT_MSG_H
#define DT_MSG_H

#include <stddef.h>
#include <stdint.h>
#include "dt_codes.h"

typedef struct dt_bytes {
    const uint8_t *p;
    uint16_t n;
} dt_bytes;

typedef struct dt_msg {
    uint8_t type; /* DTP_HELLO ... */
    union {
        struct { uint16_t protocol_version, core_version; uint32_t checksum; dt_bytes name; } hello;
        struct { uint8_t acked_seq; uint16_t status; } ack;
        struct { uint16_t code; dt_bytes text; } error;
        struct { dt_bytes config; } configure;
        struct { uint8_t on; } learn;
        /* SENSOR_FRAME, ACTUATOR_FRAME: values.n = 4 * count */
        struct { uint32_t step; dt_bytes values; } frame;
        struct { uint32_t step; int32_t loss; uint16_t flags; dt_bytes values; } telemetry;
        /* SNAPSHOT_DATA, SNAPSHOT_PUT */
        struct { uint32_t offset, total; dt_bytes data; } snapshot;
        /* signature: the image's Ed25519 signature, DTP_UPLOAD_SIGNATURE_BYTES (64) bytes */
        struct { uint32_t size, crc; dt_bytes signature; } upload_begin;
        struct { uint32_t offset; dt_bytes data; } upload_chunk;
    } u;
} dt_msg;

/* 1 when type is a message type of section 4. */
int dt_msg_known(uint8_t type);

/* Decodes the payload of a frame of this type. Returns DTP_REJECT_NONE, DTP_REJECT_UNKNOWN_TYPE
 * or DTP_REJECT_PAYLOAD. */
dtp_reject dt_msg_decode(uint8_t type, const uint8_t *payload, size_t n, dt_msg *o);

/* Encodes m's payload into out (capacity DTP_MAX_PAYLOAD). Returns the length, or -1 when a field
 * does not fit (string over 255 bytes, payload over 1024, chunk past its total, unknown type). */
int dt_msg_encode(const dt_msg *m, uint8_t *out);

/* 1 when the n bytes are valid UTF-8 (no overlong forms, surrogates or code points > U+10FFFF). */
int dt_utf8_valid(const uint8_t *s, size_t n);

#endif /* DT_MSG_H */
