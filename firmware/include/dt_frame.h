/* dt_frame.h: frames (docs/protocol.md sections 2-3). A body is
 *     version u8 | type u8 | seq u8 | flags u8 | length u16 | payload[length] | CRC-32 u32
 * (all little-endian), sent as COBS(body) then 0x00. The receiver takes bytes one at a time and
 * ends every non-empty run at a 0x00 with exactly one outcome: a frame, or a rejection reason
 * checked in the order of section 3 (payload checks are dt_msg_decode's, reason PAYLOAD). */
#ifndef DT_FRAME_H
#define DT_FRAME_H

#include <stddef.h>
#include <stdint.h>
#include "dt_codes.h"

/* A decoded frame; payload points into the receiver's buffer until its next push. */
typedef struct dt_frame {
    uint8_t version, type, seq, flags;
    const uint8_t *payload;
    uint16_t len;
} dt_frame;

/* Builds a complete wire frame (COBS body + 0x00) for a payload already placed at
 * body + DTP_HEADER: writes the header and CRC into body (capacity DTP_HEADER + len + DTP_CRC),
 * then encodes into wire (capacity DTP_MAX_WIRE). Returns the wire length, 0 if len is too long. */
size_t dt_frame_build(uint8_t *body, uint16_t len, uint8_t type, uint8_t seq, uint8_t flags, uint8_t *wire);

/* Checks a COBS-decoded body (section 3, checks 3-9). Returns DTP_REJECT_NONE and fills *o. */
dtp_reject dt_frame_check_body(const uint8_t *body, size_t n, dt_frame *o);

/* The streaming receiver. Bytes of a run longer than DTP_MAX_ENCODED are dropped as they arrive. */
typedef struct dt_rx {
    uint8_t buf[DTP_MAX_ENCODED];
    uint16_t len;                       /* bytes buffered of the current run */
    uint8_t oversize;                   /* the current run outgrew buf */
    uint32_t frames;                    /* frames decoded */
    uint32_t rejected[DTP_REJECT_COUNT]; /* per reason; [0] unused */
} dt_rx;

void dt_rx_init(dt_rx *rx);

/* One byte in. Returns 1 with *o_frame set when a frame completed, 0 when nothing completed (the
 * byte was buffered, or idle fill), or -1 with *o_reason set when a run was rejected. Never fails
 * on any input. */
int dt_rx_push(dt_rx *rx, uint8_t byte, dt_frame *o_frame, dtp_reject *o_reason);

/* End of stream: returns 1 and counts a TRUNCATED rejection when a frame was unfinished. */
int dt_rx_end(dt_rx *rx);

/* Drops an unfinished frame without counting it (after reopening the port). */
void dt_rx_reset(dt_rx *rx);

#endif /* DT_FRAME_H */
