// The numbered lists of the host <-> device protocol: message types, header flags, telemetry flags,
// status/error codes and the decoder's rejection reasons. docs/protocol.md documents every entry;
// firmware must use the same numbers.

/** Byte 0 of every frame body. Bumped on any incompatible change of the header or of a payload. */
export const PROTOCOL_VERSION = 1;

/** Message type codes (byte 1 of the frame body). 0x00 and every code not listed are invalid. */
export const MessageType = {
  HELLO: 0x01,
  ACK: 0x02,
  ERROR: 0x03,
  CONFIGURE: 0x10,
  START: 0x11,
  STOP: 0x12,
  LEARN: 0x13,
  SENSOR_FRAME: 0x20,
  ACTUATOR_FRAME: 0x21,
  TELEMETRY: 0x22,
  SNAPSHOT_GET: 0x30,
  SNAPSHOT_DATA: 0x31,
  SNAPSHOT_PUT: 0x32,
  CORE_UPLOAD_BEGIN: 0x40,
  CORE_UPLOAD_CHUNK: 0x41,
  CORE_UPLOAD_END: 0x42,
} as const;
export type MessageTypeName = keyof typeof MessageType;

const TYPE_NAMES = new Map<number, MessageTypeName>(
  (Object.entries(MessageType) as [MessageTypeName, number][]).map(([name, code]) => [code, name]),
);

/** The name of a message type code, or undefined when the code is not a known type. */
export function messageTypeName(code: number): MessageTypeName | undefined {
  return TYPE_NAMES.get(code);
}

/** Bits of the header flags byte (byte 3). */
export const FrameFlag = {
  /** The sender asks the receiver to answer this frame with an ACK message (same seq). */
  ACK_REQUESTED: 0x01,
} as const;
/** Flag bits this version does not define: senders send 0; a frame with any of them set is rejected ('version'). */
export const FRAME_FLAGS_RESERVED = 0xfe;

/** Bits of TELEMETRY.flags (u16). Undefined bits are sent as 0 and passed through by decoders. */
export const TelemetryFlag = {
  /** Actuators are held at their safe values; the network's output is not applied. */
  SAFE_STATE: 0x0001,
  /** Between START and STOP: the device is stepping the network. */
  RUNNING: 0x0002,
  /** Online learning is on (LEARN on). */
  LEARNING: 0x0004,
  /** At least one actuator value was clipped to its limit in this step. */
  CLIPPED: 0x0008,
} as const;

/**
 * Status and error codes (u16), the one list used by ACK.status and ERROR.code. 0x1000..0x1FFF carry a
 * status s < 0 of the core itself (host/core/status.json) as 0x1000 - s; see coreStatusToCode.
 */
export const Status = {
  OK: 0x0000,
  // 0x01xx: a frame the receiver's decoder rejected (same order as RejectReason).
  E_FRAME_COBS: 0x0101,
  E_FRAME_LENGTH: 0x0102,
  E_FRAME_TRUNCATED: 0x0103,
  E_FRAME_CRC: 0x0104,
  E_FRAME_VERSION: 0x0105,
  E_FRAME_UNKNOWN_TYPE: 0x0106,
  E_FRAME_PAYLOAD: 0x0107,
  E_RX_OVERRUN: 0x0108,
  // 0x02xx: the session.
  E_STATE: 0x0201,
  E_NOT_CONFIGURED: 0x0202,
  E_BUSY: 0x0203,
  E_UNSUPPORTED: 0x0204,
  E_VERSION_MISMATCH: 0x0205,
  E_VALUE_COUNT: 0x0206,
  E_STEP: 0x0207,
  E_WATCHDOG: 0x0208,
  // 0x03xx: snapshot transfer.
  E_SNAPSHOT_OFFSET: 0x0301,
  E_SNAPSHOT_TOTAL: 0x0302,
  // 0x04xx: core upload.
  E_UPLOAD_NOT_STARTED: 0x0401,
  E_UPLOAD_OFFSET: 0x0402,
  E_UPLOAD_SIZE: 0x0403,
  E_UPLOAD_CRC: 0x0404,
  E_UPLOAD_SELF_TEST: 0x0405,
  E_UPLOAD_STORE: 0x0406,
  E_UPLOAD_SIGNATURE: 0x0407,
  // 0x1000..0x1FFF: a core status (see coreStatusToCode).
  E_CORE: 0x1000,
  E_INTERNAL: 0xffff,
} as const;
export type StatusName = keyof typeof Status;

export const STATUS_MEANING: Record<number, string> = {
  [Status.OK]: 'success',
  [Status.E_FRAME_COBS]: 'a frame was not valid COBS',
  [Status.E_FRAME_LENGTH]: 'a frame was longer than the maximum, declared a payload over 1024 bytes, or had bytes after its declared payload',
  [Status.E_FRAME_TRUNCATED]: 'a frame was shorter than its header + CRC or than its declared payload, or the stream ended inside a frame',
  [Status.E_FRAME_CRC]: 'a frame failed its CRC-32',
  [Status.E_FRAME_VERSION]: 'a frame had another protocol version or a reserved header flag set',
  [Status.E_FRAME_UNKNOWN_TYPE]: 'a frame had a message type this side does not know',
  [Status.E_FRAME_PAYLOAD]: 'a payload was malformed for its message type',
  [Status.E_RX_OVERRUN]: 'the receiver dropped bytes (buffer or UART overrun)',
  [Status.E_STATE]: 'the message is not valid in the current state (e.g. SENSOR_FRAME before START, CONFIGURE while running)',
  [Status.E_NOT_CONFIGURED]: 'START, LEARN or a snapshot before a successful CONFIGURE',
  [Status.E_BUSY]: 'the device cannot take the request now (e.g. a snapshot or upload is in progress); retry later',
  [Status.E_UNSUPPORTED]: 'a known message this device does not implement',
  [Status.E_VERSION_MISMATCH]: "the peer's HELLO has a protocol or core version this side does not support",
  [Status.E_VALUE_COUNT]: 'a SENSOR_FRAME has a number of values other than the configured input count',
  [Status.E_STEP]: 'a step index was not the expected one',
  [Status.E_WATCHDOG]: 'sensor frames stopped arriving; the device entered SAFE_STATE',
  [Status.E_SNAPSHOT_OFFSET]: 'a snapshot chunk offset was not contiguous with the previous chunk',
  [Status.E_SNAPSHOT_TOTAL]: "a snapshot total differs from earlier chunks or from the device's state size",
  [Status.E_UPLOAD_NOT_STARTED]: 'CORE_UPLOAD_CHUNK or CORE_UPLOAD_END without CORE_UPLOAD_BEGIN',
  [Status.E_UPLOAD_OFFSET]: 'a core upload chunk offset was not contiguous with the previous chunk',
  [Status.E_UPLOAD_SIZE]: 'the core does not fit the device, a chunk runs past the total, or END came before all bytes',
  [Status.E_UPLOAD_CRC]: 'the uploaded core does not match the CRC-32 announced in CORE_UPLOAD_BEGIN',
  [Status.E_UPLOAD_SELF_TEST]: 'the uploaded core failed its self-test',
  [Status.E_UPLOAD_STORE]: 'writing the uploaded core to storage failed',
  [Status.E_UPLOAD_SIGNATURE]: "the uploaded core's signature does not verify against the device's public key (or the device has none)",
  [Status.E_CORE]: 'a core call failed: the code is 0x1000 - core status',
  [Status.E_INTERNAL]: 'an internal error of the device or host',
};

/** The protocol code for a core status s (s < 0, s >= -4095): 0x1000 - s. */
export function coreStatusToCode(s: number): number {
  if (!Number.isInteger(s) || s >= 0 || s < -0xfff) throw new RangeError(`core status ${s} is not in [-4095, -1]`);
  return Status.E_CORE - s;
}

/** The core status carried by a code in 0x1001..0x1FFF, or undefined for any other code. */
export function codeToCoreStatus(code: number): number | undefined {
  return code > Status.E_CORE && code <= 0x1fff ? Status.E_CORE - code : undefined;
}

const STATUS_NAMES = new Map<number, StatusName>(
  (Object.entries(Status) as [StatusName, number][]).map(([name, code]) => [code, name]),
);

/** A readable name for a status code: 'E_FRAME_CRC', 'E_CORE(-14)', or '0x1234' for an unknown code. */
export function statusName(code: number): string {
  const core = codeToCoreStatus(code);
  if (core !== undefined) return `E_CORE(${core})`;
  return STATUS_NAMES.get(code) ?? `0x${code.toString(16).padStart(4, '0')}`;
}

/** Why a decoder dropped a frame; see docs/protocol.md for the order of the checks. */
export const REJECT_REASONS = ['cobs', 'length', 'truncated', 'crc', 'version', 'unknown_type', 'payload'] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** The status code a receiver reports (e.g. in ERROR) for each rejection reason. */
export const REJECT_STATUS: Record<RejectReason, number> = {
  cobs: Status.E_FRAME_COBS,
  length: Status.E_FRAME_LENGTH,
  truncated: Status.E_FRAME_TRUNCATED,
  crc: Status.E_FRAME_CRC,
  version: Status.E_FRAME_VERSION,
  unknown_type: Status.E_FRAME_UNKNOWN_TYPE,
  payload: Status.E_FRAME_PAYLOAD,
};
