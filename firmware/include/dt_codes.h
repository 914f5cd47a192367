/* dt_codes.h: the numbered lists of the host <-> device protocol (docs/protocol.md sections 2-6,
 * host/protocol/codes.ts): message types, header flags, telemetry flags, status codes and the
 * receiver's rejection reasons. Same numbers as the host; change both or neither. */
#ifndef DT_CODES_H
#define DT_CODES_H

#define DTP_VERSION 1 /* byte 0 of every frame body */

/* Sizes (section 1). */
#define DTP_HEADER 6                                    /* version, type, seq, flags, length u16 */
#define DTP_CRC 4                                       /* CRC-32 u32 LE after the payload */
#define DTP_MAX_PAYLOAD 1024
#define DTP_MAX_BODY (DTP_MAX_PAYLOAD + DTP_HEADER + DTP_CRC)       /* 1034 */
#define DTP_MAX_ENCODED (DTP_MAX_BODY + DTP_MAX_BODY / 254 + 1)    /* 1039: COBS, no delimiter */
#define DTP_MAX_WIRE (DTP_MAX_ENCODED + 1)                         /* 1040: with the 0x00 */
#define DTP_MAX_STRING 255
#define DTP_MAX_VALUES ((DTP_MAX_PAYLOAD - 4) / 4)                 /* SENSOR/ACTUATOR_FRAME: 255 */
#define DTP_MAX_TELEMETRY_VALUES ((DTP_MAX_PAYLOAD - 10) / 4)      /* 253 */
#define DTP_MAX_SNAPSHOT_CHUNK (DTP_MAX_PAYLOAD - 8)               /* 1016 */
#define DTP_MAX_UPLOAD_CHUNK (DTP_MAX_PAYLOAD - 4)                 /* 1020 */
#define DTP_UPLOAD_SIGNATURE_BYTES 64 /* CORE_UPLOAD_BEGIN: the image's Ed25519 signature */

/* Message types (byte 1). 0x00 and every code not listed are invalid. */
enum {
    DTP_HELLO = 0x01,
    DTP_ACK = 0x02,
    DTP_ERROR = 0x03,
    DTP_CONFIGURE = 0x10,
    DTP_START = 0x11,
    DTP_STOP = 0x12,
    DTP_LEARN = 0x13,
    DTP_SENSOR_FRAME = 0x20,
    DTP_ACTUATOR_FRAME = 0x21,
    DTP_TELEMETRY = 0x22,
    DTP_SNAPSHOT_GET = 0x30,
    DTP_SNAPSHOT_DATA = 0x31,
    DTP_SNAPSHOT_PUT = 0x32,
    DTP_CORE_UPLOAD_BEGIN = 0x40,
    DTP_CORE_UPLOAD_CHUNK = 0x41,
    DTP_CORE_UPLOAD_END = 0x42
};

/* Header flags (byte 3). */
#define DTP_FLAG_ACK_REQUESTED 0x01u
#define DTP_FLAGS_RESERVED 0xFEu

/* TELEMETRY.flags. */
#define DTP_TLM_SAFE_STATE 0x0001u
#define DTP_TLM_RUNNING 0x0002u
#define DTP_TLM_LEARNING 0x0004u
#define DTP_TLM_CLIPPED 0x0008u

/* Why a receiver dropped a frame, in the order of REJECT_REASONS (codes.ts); 0 = not rejected.
 * The status code reporting reason r is 0x0100 + r. */
typedef enum {
    DTP_REJECT_NONE = 0,
    DTP_REJECT_COBS = 1,
    DTP_REJECT_LENGTH = 2,
    DTP_REJECT_TRUNCATED = 3,
    DTP_REJECT_CRC = 4,
    DTP_REJECT_VERSION = 5,
    DTP_REJECT_UNKNOWN_TYPE = 6,
    DTP_REJECT_PAYLOAD = 7,
    DTP_REJECT_COUNT = 8
} dtp_reject;

/* Status and error codes (u16), section 6: ACK.status and ERROR.code. */
enum {
    DTP_OK = 0x0000,
    DTP_E_FRAME_COBS = 0x0101,
    DTP_E_FRAME_LENGTH = 0x0102,
    DTP_E_FRAME_TRUNCATED = 0x0103,
    DTP_E_FRAME_CRC = 0x0104,
    DTP_E_FRAME_VERSION = 0x0105,
    DTP_E_FRAME_UNKNOWN_TYPE = 0x0106,
    DTP_E_FRAME_PAYLOAD = 0x0107,
    DTP_E_RX_OVERRUN = 0x0108,
    DTP_E_STATE = 0x0201,
    DTP_E_NOT_CONFIGURED = 0x0202,
    DTP_E_BUSY = 0x0203,
    DTP_E_UNSUPPORTED = 0x0204,
    DTP_E_VERSION_MISMATCH = 0x0205,
    DTP_E_VALUE_COUNT = 0x0206,
    DTP_E_STEP = 0x0207,
    DTP_E_WATCHDOG = 0x0208,
    DTP_E_SNAPSHOT_OFFSET = 0x0301,
    DTP_E_SNAPSHOT_TOTAL = 0x0302,
    DTP_E_UPLOAD_NOT_STARTED = 0x0401,
    DTP_E_UPLOAD_OFFSET = 0x0402,
    DTP_E_UPLOAD_SIZE = 0x0403,
    DTP_E_UPLOAD_CRC = 0x0404,
    DTP_E_UPLOAD_SELF_TEST = 0x0405,
    DTP_E_UPLOAD_STORE = 0x0406,
    DTP_E_UPLOAD_SIGNATURE = 0x0407,
    DTP_E_CORE = 0x1000, /* + (-s) for a core status s < 0 (dt_status.h) */
    DTP_E_INTERNAL = 0xFFFF
};

/* The protocol code of a core status s < 0: 0x1000 - s (E_CORE(s)); DTP_OK for s >= 0. */
#define DTP_CORE_STATUS(s) ((s) >= 0 ? DTP_OK : (uint16_t)(DTP_E_CORE - (s)))

/* The status code reporting a rejection reason. */
#define DTP_REJECT_STATUS(r) ((uint16_t)(0x0100 + (r)))

#endif /* DT_CODES_H */
