/* dt_core.h: the one C interface to the learning core (build/core.wasm, docs/core-abi.md).
 *
 * Two backends implement it: dt_core_aot.c (the module compiled to C by wasm2c; one fixed core)
 * and dt_core_wasm3.c (the module interpreted by WASM3; any image, so a new core can be uploaded).
 * Both only call exports and touch linear memory; dt_core.c builds everything below on those two
 * primitives and checks every address the module returns against the memory size, so a faulty
 * uploaded core cannot make the firmware read or write outside its page.
 *
 * Every function returning int32_t returns the core's status (dt_status.h: DT_OK or a negative
 * DT_E_*), or DT_CORE_E_TRAP when the module trapped or lacks an export. No allocation after
 * dt_core_open: instances come from a static pool of DT_CORE_SLOTS. */
#ifndef DT_CORE_H
#define DT_CORE_H

#include <stdint.h>
#include "dt_status.h"

/* Firmware-side failures, below every core status. */
#define DT_CORE_E_TRAP (-1000)      /* the module trapped, or an address it gave is out of bounds */
#define DT_CORE_E_LOAD (-1001)      /* the image could not be parsed / instantiated */
#define DT_CORE_E_NO_SLOT (-1002)   /* every instance slot is in use */
#define DT_CORE_E_ABI (-1003)       /* an export of the ABI is missing or has another signature */

#define DT_CORE_FIELDS 22 /* words of the config block */

typedef struct dt_core dt_core;

/* 1 when this backend can run an image given at run time (WASM3); 0 for AOT. */
int dt_core_accepts_images(void);
/* "aot" or "wasm3". */
const char *dt_core_backend(void);

/* Opens an instance. image/len: a core.wasm image that must outlive the instance (WASM3), or
 * NULL/0 for the built-in core (both backends: AOT's compiled one, WASM3's embedded array). The
 * instance's linear memory is DT_CORE_MEMORY_BYTES of RAM, and the core is told so
 * (memory_limit(DT_CORE_MEMORY_BYTES)) before anything else; a core that refuses it (its static
 * data does not fit, or it lacks the export) is closed again with DT_CORE_E_LOAD.
 * Returns 0 or a DT_CORE_E_* code. */
int dt_core_open(dt_core **o_core, const uint8_t *image, uint32_t len);
void dt_core_close(dt_core *c);

/* version() of the core: major << 16 | minor. */
int32_t dt_core_version(dt_core *c);
/* self_test(): the checksum; leaves the core unconfigured. *o_checksum is set on success. */
int32_t dt_core_self_test(dt_core *c, uint32_t *o_checksum);

/* Writes the 22 config words and calls init(). */
int32_t dt_core_init(dt_core *c, const int32_t cfg[DT_CORE_FIELDS]);
int32_t dt_core_init_weights(dt_core *c, int32_t amp_in, int32_t amp_rec, int32_t amp_out);
int32_t dt_core_reset_state(dt_core *c);

/* One step: n_in Q12 inputs in, n_out Q12 outputs out. */
int32_t dt_core_step(dt_core *c, const int32_t *x, int n_in, int32_t *y, int n_out);
/* One learning step with the error dE/dy (Q12, n_out values). */
int32_t dt_core_learn(dt_core *c, const int32_t *err, int n_out);

/* snapshot_save(): on success *o_bytes points at the snapshot inside linear memory (valid until
 * the next call) and the result is its length. */
int32_t dt_core_snapshot_save(dt_core *c, const uint8_t **o_bytes);
/* The staging area for an incoming snapshot: writable bytes in linear memory, *o_cap of them. */
uint8_t *dt_core_staging(dt_core *c, uint32_t *o_cap);
/* snapshot_load(len) of the bytes written to the staging area. */
int32_t dt_core_snapshot_load(dt_core *c, uint32_t len);

/* Linear memory: base and size in bytes (NULL on failure). */
uint8_t *dt_core_memory(dt_core *c, uint32_t *o_size);
/* Any export taking and returning i32 only, by name (the ABI's names), for tools and tests. */
int32_t dt_core_call(dt_core *c, const char *name, int argc, const int32_t *args, int32_t *o_result);

#endif /* DT_CORE_H */
