/* dt_store.h: persistence of the learned state across power cycles, on top of the HAL's named
 * blobs, in two slots so that a power cut at any byte of a save leaves the previous save usable.
 * Slot s (0 or 1) is two blobs: "snapS" (the core's snapshot as snapshot_save() gives it; it
 * carries its own CRC and config hash) and "cfgS", the record that commits it, written second:
 *     magic 'DTST' u32 | format u32 = 3 | sequence u32 | CONFIGURE payload (108 bytes) |
 *     snapshot length u32 | snapshot CRC-32 u32 | CRC-32 of everything before it u32
 * A save goes to the slot that does not hold the newest valid record, with sequence = newest + 1,
 * so the newest save is never written over. At boot the records whose own CRC holds are tried
 * newest first (sequence compared modulo 2^32); one whose snapshot fails its CRC (a save cut
 * before its record was complete never gets that far) falls back to the other slot.
 * Nothing here relies on dt_hal_store_put being atomic: a torn blob only fails a CRC.
 * (Format 1, one "cfg" + "snap" pair, is not read: its snapshot was written over the old one.
 * Format 2, with the 21-word config block of core 1.2, is not read either: its snapshot is refused by core 1.3.) */
#ifndef DT_STORE_H
#define DT_STORE_H

#include <stdint.h>

#define DT_CONFIGURE_BYTES 108 /* 22 config words + telemetryEvery, watchdogMs, 3 amplitudes */
#define DT_STORE_CFG_BYTES (12 + DT_CONFIGURE_BYTES + 12)
#define DT_STORE_SLOTS 2

/* A slot's commit record, as read back. */
typedef struct dt_store_rec {
    uint8_t slot;
    uint32_t seq;
    uint32_t snap_len, snap_crc;
    uint8_t cfg[DT_CONFIGURE_BYTES];
} dt_store_rec;

/* Saves the configuration and the snapshot into the older slot; 0 or -1 (then the newest earlier
 * save is still there). */
int dt_store_save(const uint8_t cfg[DT_CONFIGURE_BYTES], const uint8_t *snap, uint32_t snap_len);

/* The slots whose record is intact, newest first; returns how many (0 .. DT_STORE_SLOTS). */
int dt_store_records(dt_store_rec o_recs[DT_STORE_SLOTS]);

/* Reads record r's snapshot into dst (cap bytes) and checks its length and CRC; 0 or -1. */
int dt_store_load_snapshot(const dt_store_rec *r, uint8_t *dst, uint32_t cap);

#endif /* DT_STORE_H */
