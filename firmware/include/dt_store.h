/* dt_store.h: persistence of the learned state across power cycles, on top of the HAL's named
 * blobs. Two blobs: "snap" (the core's snapshot as snapshot_save() gives it; it carries its own
 * CRC and config hash) and "cfg" (written second, so it commits the pair):
 *     magic 'DTST' u32 | format u32 = 1 | CONFIGURE payload (104 bytes) | snapshot length u32 |
 *     snapshot CRC-32 u32 | CRC-32 of everything before it u32
 * A stale or torn pair fails the CRCs and is ignored at boot. */
#ifndef DT_STORE_H
#define DT_STORE_H

#include <stdint.h>

#define DT_CONFIGURE_BYTES 104 /* 21 config words + telemetryEvery, watchdogMs, 3 amplitudes */
#define DT_STORE_CFG_BYTES (8 + DT_CONFIGURE_BYTES + 12)

/* Saves the configuration and the snapshot; 0 or -1. */
int dt_store_save(const uint8_t cfg[DT_CONFIGURE_BYTES], const uint8_t *snap, uint32_t snap_len);

/* Reads the configuration record; 0 and the snapshot's length and CRC, or -1 (none / corrupt). */
int dt_store_load_config(uint8_t cfg[DT_CONFIGURE_BYTES], uint32_t *o_snap_len, uint32_t *o_snap_crc);

/* Reads the snapshot into dst (cap bytes) and checks it against the record; 0 or -1. */
int dt_store_load_snapshot(uint8_t *dst, uint32_t cap, uint32_t len, uint32_t crc);

#endif /* DT_STORE_H */
