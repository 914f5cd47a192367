/* dt_core_backend.h: what a backend provides to dt_core.c (private to the firmware's core layer).
 * A backend knows how to run the module's exports and where its memory is; nothing else. */
#ifndef DT_CORE_BACKEND_H
#define DT_CORE_BACKEND_H

#include <stdint.h>
#include "dt_core.h"

/* The exports dt_core.c calls, by index; dt_core_fn_names[] has their names and arities. */
typedef enum {
    DT_FN_VERSION, DT_FN_CONFIG_PTR, DT_FN_CONFIG_FIELDS, DT_FN_INPUT_PTR, DT_FN_OUTPUT_PTR, DT_FN_ERROR_PTR,
    DT_FN_INIT, DT_FN_INIT_WEIGHTS, DT_FN_RESET_STATE, DT_FN_STEP, DT_FN_LEARN, DT_FN_APPLY_GRADIENT,
    DT_FN_CLEAR_GRADIENT, DT_FN_LAYER_PTR, DT_FN_READOUT_PTR, DT_FN_STEPS, DT_FN_MEMORY_USED, DT_FN_STATIC_BYTES,
    DT_FN_STATE_BYTES, DT_FN_CONFIG_HASH, DT_FN_SNAPSHOT_SAVE, DT_FN_SNAPSHOT_PTR, DT_FN_STAGING_PTR,
    DT_FN_STAGING_CAPACITY, DT_FN_SNAPSHOT_LOAD, DT_FN_SELF_TEST, DT_FN_MEMORY_LIMIT, DT_FN_COUNT
} dt_fn;

typedef struct { const char *name; uint8_t argc; } dt_fn_info;
extern const dt_fn_info dt_core_fns[DT_FN_COUNT];

/* Backend entry points (one backend is linked). */
int dt_backend_open(dt_core **o_core, const uint8_t *image, uint32_t len);
void dt_backend_close(dt_core *c);
/* Calls export fn with its argc i32 arguments; 0 and *o_result, or DT_CORE_E_TRAP. */
int dt_backend_call(dt_core *c, dt_fn fn, const int32_t *args, int32_t *o_result);
uint8_t *dt_backend_memory(dt_core *c, uint32_t *o_size);
int dt_backend_accepts_images(void);
const char *dt_backend_name(void);

#endif /* DT_CORE_BACKEND_H */
