/* dt_core.c: the typed core interface (dt_core.h) on top of a backend's two primitives: call an
 * export, find linear memory. Every address the module hands out is bounds-checked here. */
#include <string.h>
#include "dt_config.h"
#include "dt_core.h"
#include "dt_core_backend.h"
#include "dt_le.h"

const dt_fn_info dt_core_fns[DT_FN_COUNT] = {
    [DT_FN_VERSION] = { "version", 0 },           [DT_FN_CONFIG_PTR] = { "config_ptr", 0 },
    [DT_FN_CONFIG_FIELDS] = { "config_fields", 0 }, [DT_FN_INPUT_PTR] = { "input_ptr", 0 },
    [DT_FN_OUTPUT_PTR] = { "output_ptr", 0 },     [DT_FN_ERROR_PTR] = { "error_ptr", 0 },
    [DT_FN_INIT] = { "init", 0 },                 [DT_FN_INIT_WEIGHTS] = { "init_weights", 3 },
    [DT_FN_RESET_STATE] = { "reset_state", 0 },   [DT_FN_STEP] = { "step", 0 },
    [DT_FN_LEARN] = { "learn", 0 },               [DT_FN_APPLY_GRADIENT] = { "apply_gradient", 0 },
    [DT_FN_CLEAR_GRADIENT] = { "clear_gradient", 0 }, [DT_FN_LAYER_PTR] = { "layer_ptr", 2 },
    [DT_FN_READOUT_PTR] = { "readout_ptr", 1 },   [DT_FN_STEPS] = { "steps", 0 },
    [DT_FN_MEMORY_USED] = { "memory_used", 0 },   [DT_FN_STATIC_BYTES] = { "static_bytes", 0 },
    [DT_FN_STATE_BYTES] = { "state_bytes", 0 },   [DT_FN_CONFIG_HASH] = { "config_hash", 0 },
    [DT_FN_SNAPSHOT_SAVE] = { "snapshot_save", 0 }, [DT_FN_SNAPSHOT_PTR] = { "snapshot_ptr", 0 },
    [DT_FN_STAGING_PTR] = { "staging_ptr", 0 },   [DT_FN_STAGING_CAPACITY] = { "staging_capacity", 0 },
    [DT_FN_SNAPSHOT_LOAD] = { "snapshot_load", 1 }, [DT_FN_SELF_TEST] = { "self_test", 0 },
    [DT_FN_MEMORY_LIMIT] = { "memory_limit", 1 },
};

int dt_core_accepts_images(void) { return dt_backend_accepts_images(); }
const char *dt_core_backend(void) { return dt_backend_name(); }
void dt_core_close(dt_core *c) { if (c) dt_backend_close(c); }
uint8_t *dt_core_memory(dt_core *c, uint32_t *o_size) { return dt_backend_memory(c, o_size); }

/* Calls an export; the status it returns, or DT_CORE_E_TRAP. */
static int32_t call(dt_core *c, dt_fn fn, int32_t a, int32_t b, int32_t d)
{
    int32_t args[3] = { a, b, d }, r = 0;
    if (dt_backend_call(c, fn, args, &r) != 0) return DT_CORE_E_TRAP;
    return r;
}

/* Opens the instance, then tells the core how much of its page RAM backs (memory_limit, before
 * any init()): the backend must really provide that much, and the core must accept it. */
int dt_core_open(dt_core **o_core, const uint8_t *image, uint32_t len)
{
    dt_core *c = NULL;
    uint32_t size = 0;
    int r = dt_backend_open(&c, image, len);
    if (r != 0) return r;
    if (!dt_backend_memory(c, &size) || size < DT_CORE_MEMORY_BYTES ||
        call(c, DT_FN_MEMORY_LIMIT, DT_CORE_MEMORY_BYTES, 0, 0) != DT_CORE_MEMORY_BYTES) {
        dt_backend_close(c);
        return DT_CORE_E_LOAD;
    }
    *o_core = c;
    return 0;
}

/* len bytes of linear memory at the address export fn returns, or NULL when out of bounds. */
static uint8_t *region(dt_core *c, dt_fn fn, uint32_t len)
{
    int32_t r = 0, none[1] = { 0 };
    uint32_t size = 0;
    if (dt_backend_call(c, fn, none, &r) != 0) return NULL;
    uint8_t *mem = dt_backend_memory(c, &size);
    if (!mem || (uint32_t)r > size || len > size - (uint32_t)r) return NULL;
    return mem + (uint32_t)r;
}

int32_t dt_core_call(dt_core *c, const char *name, int argc, const int32_t *args, int32_t *o_result)
{
    for (int f = 0; f < DT_FN_COUNT; f++) {
        if (strcmp(dt_core_fns[f].name, name) != 0) continue;
        if (argc != dt_core_fns[f].argc) return DT_CORE_E_ABI;
        return dt_backend_call(c, (dt_fn)f, args, o_result) ? DT_CORE_E_TRAP : DT_OK;
    }
    return DT_CORE_E_ABI;
}

int32_t dt_core_version(dt_core *c) { return call(c, DT_FN_VERSION, 0, 0, 0); }

int32_t dt_core_self_test(dt_core *c, uint32_t *o_checksum)
{
    int32_t args[1] = { 0 }, r = 0;
    if (dt_backend_call(c, DT_FN_SELF_TEST, args, &r) != 0) return DT_CORE_E_TRAP;
    *o_checksum = (uint32_t)r;
    return DT_OK;
}

int32_t dt_core_init(dt_core *c, const int32_t cfg[DT_CORE_FIELDS])
{
    if (call(c, DT_FN_CONFIG_FIELDS, 0, 0, 0) != DT_CORE_FIELDS) return DT_CORE_E_ABI;
    uint8_t *p = region(c, DT_FN_CONFIG_PTR, 4 * DT_CORE_FIELDS);
    if (!p) return DT_CORE_E_TRAP;
    for (int i = 0; i < DT_CORE_FIELDS; i++) dt_put_i32(p + 4 * i, cfg[i]);
    return call(c, DT_FN_INIT, 0, 0, 0);
}

int32_t dt_core_init_weights(dt_core *c, int32_t amp_in, int32_t amp_rec, int32_t amp_out)
{
    return call(c, DT_FN_INIT_WEIGHTS, amp_in, amp_rec, amp_out);
}

int32_t dt_core_reset_state(dt_core *c) { return call(c, DT_FN_RESET_STATE, 0, 0, 0); }

int32_t dt_core_step(dt_core *c, const int32_t *x, int n_in, int32_t *y, int n_out)
{
    uint8_t *in = region(c, DT_FN_INPUT_PTR, 4u * (uint32_t)n_in);
    if (!in) return DT_CORE_E_TRAP;
    for (int i = 0; i < n_in; i++) dt_put_i32(in + 4 * i, x[i]);
    int32_t s = call(c, DT_FN_STEP, 0, 0, 0);
    if (s < 0) return s;
    uint8_t *out = region(c, DT_FN_OUTPUT_PTR, 4u * (uint32_t)n_out);
    if (!out) return DT_CORE_E_TRAP;
    for (int k = 0; k < n_out; k++) y[k] = dt_get_i32(out + 4 * k);
    return s;
}

int32_t dt_core_learn(dt_core *c, const int32_t *err, int n_out)
{
    uint8_t *e = region(c, DT_FN_ERROR_PTR, 4u * (uint32_t)n_out);
    if (!e) return DT_CORE_E_TRAP;
    for (int k = 0; k < n_out; k++) dt_put_i32(e + 4 * k, err[k]);
    return call(c, DT_FN_LEARN, 0, 0, 0);
}

int32_t dt_core_snapshot_save(dt_core *c, const uint8_t **o_bytes)
{
    int32_t len = call(c, DT_FN_SNAPSHOT_SAVE, 0, 0, 0);
    if (len < 0) return len;
    const uint8_t *p = region(c, DT_FN_SNAPSHOT_PTR, (uint32_t)len);
    if (!p) return DT_CORE_E_TRAP;
    *o_bytes = p;
    return len;
}

uint8_t *dt_core_staging(dt_core *c, uint32_t *o_cap)
{
    int32_t cap = call(c, DT_FN_STAGING_CAPACITY, 0, 0, 0);
    if (cap < 0) return NULL;
    uint8_t *p = region(c, DT_FN_STAGING_PTR, (uint32_t)cap);
    if (p) *o_cap = (uint32_t)cap;
    return p;
}

int32_t dt_core_snapshot_load(dt_core *c, uint32_t len)
{
    if (len > 0x7FFFFFFFu) return DT_E_ARG;
    return call(c, DT_FN_SNAPSHOT_LOAD, (int32_t)len, 0, 0);
}
