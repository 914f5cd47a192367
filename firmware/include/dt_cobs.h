/* dt_cobs.h: Consistent Overhead Byte Stuffing (Cheshire & Baker 1999), as docs/protocol.md
 * section 1 and host/protocol/cobs.ts: blocks of a code byte c (1..255) and c - 1 non-zero bytes;
 * c < 255 implies a 0x00 after the block except after the last one. The encoder is canonical (no
 * empty block after a final full block); the decoder also accepts that extra 0x01 block.
 * Neither function writes or expects the 0x00 frame delimiter. */
#ifndef DT_COBS_H
#define DT_COBS_H

#include <stddef.h>
#include <stdint.h>

/* Largest encoding of n bytes: n + n / 254 + 1. */
#define DT_COBS_MAX(n) ((n) + (n) / 254 + 1)

/* Encodes n bytes into out (capacity DT_COBS_MAX(n)); returns the encoded length (>= 1). */
size_t dt_cobs_encode(const uint8_t *in, size_t n, uint8_t *out);

/* Decodes n encoded bytes into out (capacity n). out may equal in (the decoder never writes ahead
 * of where it reads). Returns 0 and sets *o_len, or -1 when the input is not valid COBS (empty, a
 * zero byte, or a block running past the end). */
int dt_cobs_decode(const uint8_t *in, size_t n, uint8_t *out, size_t *o_len);

#endif /* DT_COBS_H */
