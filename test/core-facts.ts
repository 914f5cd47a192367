// What the tests know about the core they run: recorded from this build. A change to any arithmetic
// of the core changes the checksum, and a change of the state layout the version; both must be
// deliberate, and are edited here only.

/** The boot self-test's CRC-32 (assembly/selftest.ts) that firmware and host compare against. */
export const SELF_TEST_CHECKSUM = 0x8b0a545f;
/** version(): major << 16 | minor (assembly/index.ts). */
export const CORE_VERSION = 0x00010005;
/** HELLO's coreVersion: major << 8 | minor. */
export const HELLO_CORE_VERSION = ((CORE_VERSION >> 16) << 8) | (CORE_VERSION & 0xff);
/** How the CLI prints it: "1.1". */
export const CORE_VERSION_TEXT = `${CORE_VERSION >> 16}.${CORE_VERSION & 0xffff}`;
/** The checksum as the CLI prints it: "0xede190be". */
export const SELF_TEST_HEX = `0x${SELF_TEST_CHECKSUM.toString(16).padStart(8, '0')}`;
