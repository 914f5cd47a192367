/* dt_core_aot.c: the AOT backend: build/core.wasm compiled to C by wasm2c (Debian wabt 1.0.32).
 * This is the only file that knows wasm2c's naming, which newer wabt renamed (w2c_*):
 * wasm_rt_init(), Z_core_init_module(), Z_core_instantiate(&inst), exports Z_coreZ_<name>(&inst,
 * ...), memory Z_coreZ_memory(&inst). The module is fixed at build time: no image can be loaded.
 *
 * Linear memory: this file, not wasm-rt-impl.c, provides wasm_rt_allocate_memory /
 * wasm_rt_grow_memory / wasm_rt_free_memory (the Makefile compiles the runtime with its own three
 * renamed out of the way). The runtime's version calloc's the whole declared page; here each core
 * slot gets a static buffer of DT_CORE_MEMORY_BYTES and the memory's size is set to that. In wabt
 * 1.0.32 with WASM_RT_MEMCHECK_SIGNAL_HANDLER=0 every load and store of the generated code, and
 * every data segment at instantiation (LOAD_DATA), is checked by RANGE_CHECK against mem->size
 * (offset + len > size traps WASM_RT_TRAP_OOB), so an access past the backed bytes traps instead of
 * touching the RAM after the buffer; the core itself keeps inside memory_limit() (dt_core.c). */
#include "dt_config.h"
#if DT_BACKEND == DT_BACKEND_AOT

#include <stddef.h>
#include "dt_core_backend.h"
#include "core.h"          /* generated: build/gen/core.h (make) */
#include "wasm-rt-impl.h"  /* wasm_rt_impl_try(): traps longjmp back here */

#ifndef DT_CORE_SLOTS
#define DT_CORE_SLOTS 1 /* one instance: the AOT core is never swapped */
#endif

/* Test double for the upload path (the native test build `make native-upload` only): an AOT build
 * can run nothing but the module it was compiled from, so it accepts an image exactly when it is
 * that module byte for byte (build/gen/dt_core_image.c) and refuses any other as unloadable. This
 * lets the session's CORE_UPLOAD handling run natively; real uploads need the WASM3 backend. */
#ifndef DT_AOT_ACCEPT_IMAGE
#define DT_AOT_ACCEPT_IMAGE 0
#endif
#include <string.h>
#if DT_AOT_ACCEPT_IMAGE
#include "dt_core_image.h"
#endif

struct dt_core {
    Z_core_instance_t inst;
    int used;
};

static struct dt_core slots[DT_CORE_SLOTS];
static int runtime_ready;

/* The RAM behind each slot's linear memory, and the buffer the next instantiation gets. */
static uint8_t memories[DT_CORE_SLOTS][DT_CORE_MEMORY_BYTES] __attribute__((aligned(16)));
static uint8_t *next_memory;

/* Called by the generated init_memories() inside Z_core_instantiate, with the module's declared
 * limits (1 page, at most 4): backs it with DT_CORE_MEMORY_BYTES, zeroed as a fresh memory is. */
void wasm_rt_allocate_memory(wasm_rt_memory_t *m, uint32_t initial_pages, uint32_t max_pages)
{
    uint8_t *buf = next_memory;
    next_memory = NULL;
    if (!buf) wasm_rt_trap(WASM_RT_TRAP_OOB); /* instantiated without dt_backend_open */
    memset(buf, 0, DT_CORE_MEMORY_BYTES);
    m->data = buf;
    m->size = DT_CORE_MEMORY_BYTES; /* what the bounds checks compare with */
    m->pages = initial_pages;
    m->max_pages = max_pages;
}

/* memory.grow: refused but for size 0 (the core grows only when memory_limit() asks for more than
 * its one page, which the firmware never does: it asks for DT_CORE_MEMORY_BYTES). */
uint32_t wasm_rt_grow_memory(wasm_rt_memory_t *m, uint32_t delta) { return delta == 0 ? m->pages : (uint32_t)-1; }

void wasm_rt_free_memory(wasm_rt_memory_t *m)
{
    m->data = NULL;
    m->size = 0;
}

int dt_backend_accepts_images(void) { return DT_AOT_ACCEPT_IMAGE; }
const char *dt_backend_name(void) { return "aot"; }

int dt_backend_open(dt_core **o_core, const uint8_t *image, uint32_t len)
{
    (void)len;
#if DT_AOT_ACCEPT_IMAGE
    if (image && (len != dt_core_image_len || memcmp(image, dt_core_image, len) != 0)) return DT_CORE_E_LOAD;
#else
    if (image) return DT_CORE_E_LOAD; /* only the compiled-in core */
#endif
    if (!runtime_ready) {
        wasm_rt_init();
        Z_core_init_module();
        runtime_ready = 1;
    }
    for (int i = 0; i < DT_CORE_SLOTS; i++) {
        if (slots[i].used) continue;
        next_memory = memories[i];
        if (wasm_rt_impl_try() != 0) return DT_CORE_E_LOAD; /* a trap in the start code or a data segment */
        Z_core_instantiate(&slots[i].inst);
        slots[i].used = 1;
        *o_core = &slots[i];
        return 0;
    }
    return DT_CORE_E_NO_SLOT;
}

void dt_backend_close(dt_core *c)
{
    if (!c->used) return;
    Z_core_free(&c->inst);
    c->used = 0;
}

uint8_t *dt_backend_memory(dt_core *c, uint32_t *o_size)
{
    wasm_rt_memory_t *m = Z_coreZ_memory(&c->inst);
    *o_size = m->size;
    return m->data;
}

int dt_backend_call(dt_core *c, dt_fn fn, const int32_t *a, int32_t *o_result)
{
    Z_core_instance_t *in = &c->inst;
    volatile uint32_t r = 0;
    if (wasm_rt_impl_try() != 0) return DT_CORE_E_TRAP;
    switch (fn) {
    case DT_FN_VERSION: r = Z_coreZ_version(in); break;
    case DT_FN_CONFIG_PTR: r = Z_coreZ_config_ptr(in); break;
    case DT_FN_CONFIG_FIELDS: r = Z_coreZ_config_fields(in); break;
    case DT_FN_INPUT_PTR: r = Z_coreZ_input_ptr(in); break;
    case DT_FN_OUTPUT_PTR: r = Z_coreZ_output_ptr(in); break;
    case DT_FN_ERROR_PTR: r = Z_coreZ_error_ptr(in); break;
    case DT_FN_INIT: r = Z_coreZ_init(in); break;
    case DT_FN_INIT_WEIGHTS: r = Z_coreZ_init_weights(in, (u32)a[0], (u32)a[1], (u32)a[2]); break;
    case DT_FN_RESET_STATE: r = Z_coreZ_reset_state(in); break;
    case DT_FN_STEP: r = Z_coreZ_step(in); break;
    case DT_FN_LEARN: r = Z_coreZ_learn(in); break;
    case DT_FN_APPLY_GRADIENT: r = Z_coreZ_apply_gradient(in); break;
    case DT_FN_CLEAR_GRADIENT: r = Z_coreZ_clear_gradient(in); break;
    case DT_FN_LAYER_PTR: r = Z_coreZ_layer_ptr(in, (u32)a[0], (u32)a[1]); break;
    case DT_FN_READOUT_PTR: r = Z_coreZ_readout_ptr(in, (u32)a[0]); break;
    case DT_FN_STEPS: r = Z_coreZ_steps(in); break;
    case DT_FN_MEMORY_USED: r = Z_coreZ_memory_used(in); break;
    case DT_FN_STATIC_BYTES: r = Z_coreZ_static_bytes(in); break;
    case DT_FN_STATE_BYTES: r = Z_coreZ_state_bytes(in); break;
    case DT_FN_CONFIG_HASH: r = Z_coreZ_config_hash(in); break;
    case DT_FN_SNAPSHOT_SAVE: r = Z_coreZ_snapshot_save(in); break;
    case DT_FN_SNAPSHOT_PTR: r = Z_coreZ_snapshot_ptr(in); break;
    case DT_FN_STAGING_PTR: r = Z_coreZ_staging_ptr(in); break;
    case DT_FN_STAGING_CAPACITY: r = Z_coreZ_staging_capacity(in); break;
    case DT_FN_SNAPSHOT_LOAD: r = Z_coreZ_snapshot_load(in, (u32)a[0]); break;
    case DT_FN_SELF_TEST: r = Z_coreZ_self_test(in); break;
    case DT_FN_MEMORY_LIMIT: r = Z_coreZ_memory_limit(in, (u32)a[0]); break;
    default: return DT_CORE_E_ABI;
    }
    *o_result = (int32_t)r;
    return 0;
}

#endif /* DT_BACKEND_AOT */
