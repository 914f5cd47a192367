/* dt_frame.c: frame building, body checks and the streaming receiver (see dt_frame.h). */
#include <string.h>
#include "dt_frame.h"
#include "dt_cobs.h"
#include "dt_crc32.h"
#include "dt_le.h"
#include "dt_msg.h"

size_t dt_frame_build(uint8_t *body, uint16_t len, uint8_t type, uint8_t seq, uint8_t flags, uint8_t *wire)
{
    if (len > DTP_MAX_PAYLOAD) return 0;
    body[0] = DTP_VERSION;
    body[1] = type;
    body[2] = seq;
    body[3] = flags;
    dt_put_u16(body + 4, len);
    size_t n = (size_t)DTP_HEADER + len;
    dt_put_u32(body + n, dt_crc32(body, n));
    size_t w = dt_cobs_encode(body, n + DTP_CRC, wire);
    wire[w] = 0x00;
    return w + 1;
}

dtp_reject dt_frame_check_body(const uint8_t *body, size_t n, dt_frame *o)
{
    if (n < DTP_HEADER + DTP_CRC) return DTP_REJECT_TRUNCATED;
    uint16_t len = dt_get_u16(body + 4);
    if (len > DTP_MAX_PAYLOAD) return DTP_REJECT_LENGTH;
    size_t have = n - (DTP_HEADER + DTP_CRC);
    if (have < len) return DTP_REJECT_TRUNCATED;
    if (have > len) return DTP_REJECT_LENGTH;
    if (dt_get_u32(body + DTP_HEADER + len) != dt_crc32(body, (size_t)DTP_HEADER + len)) return DTP_REJECT_CRC;
    if (body[0] != DTP_VERSION || (body[3] & DTP_FLAGS_RESERVED)) return DTP_REJECT_VERSION;
    if (!dt_msg_known(body[1])) return DTP_REJECT_UNKNOWN_TYPE;
    o->version = body[0];
    o->type = body[1];
    o->seq = body[2];
    o->flags = body[3];
    o->payload = body + DTP_HEADER;
    o->len = len;
    return DTP_REJECT_NONE;
}

void dt_rx_init(dt_rx *rx) { memset(rx, 0, sizeof *rx); }

void dt_rx_reset(dt_rx *rx)
{
    rx->len = 0;
    rx->oversize = 0;
}

static int dt_rx_reject(dt_rx *rx, dtp_reject r, dtp_reject *o_reason)
{
    rx->rejected[r]++;
    *o_reason = r;
    return -1;
}

int dt_rx_push(dt_rx *rx, uint8_t byte, dt_frame *o_frame, dtp_reject *o_reason)
{
    if (byte != 0x00) {
        if (rx->oversize) return 0;
        if (rx->len == DTP_MAX_ENCODED) {
            rx->oversize = 1;
            rx->len = 0;
            return 0;
        }
        rx->buf[rx->len++] = byte;
        return 0;
    }
    /* delimiter */
    if (rx->oversize) {
        rx->oversize = 0;
        return dt_rx_reject(rx, DTP_REJECT_LENGTH, o_reason);
    }
    if (rx->len == 0) return 0; /* idle fill */
    size_t n = rx->len, body_len = 0;
    rx->len = 0;
    if (dt_cobs_decode(rx->buf, n, rx->buf, &body_len) != 0) return dt_rx_reject(rx, DTP_REJECT_COBS, o_reason);
    dtp_reject r = dt_frame_check_body(rx->buf, body_len, o_frame);
    if (r != DTP_REJECT_NONE) return dt_rx_reject(rx, r, o_reason);
    rx->frames++;
    return 1;
}

int dt_rx_end(dt_rx *rx)
{
    if (rx->len == 0 && !rx->oversize) return 0;
    dt_rx_reset(rx);
    rx->rejected[DTP_REJECT_TRUNCATED]++;
    return 1;
}
