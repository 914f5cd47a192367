/* dt_core_wasm3.c: the WASM3 backend: core.wasm interpreted by Wasm3 0.5.0 (the Arduino /
 * PlatformIO library "Wasm3"), written against its public API (wasm3.h) plus one field of
 * m3_env.h, the runtime's memoryLimit.
 *
 * Nothing of Wasm3 is in this repository (PlatformIO fetches it for the boards; `make check-wasm3`
 * only type-checks this file). It was built and run outside the tree against Wasm3 v0.5.0, natively
 * and on QEMU's Cortex-M4 (README.md, "WASM3 for real"). Kept deliberately small; everything it does
 * not have to know lives in dt_core.c.
 *
 * RAM: Wasm3 compiles a function when it is first looked up (m3_FindFunction) or called, and keeps
 * the code (about 3 B per byte of wasm on a 32-bit MCU). So open() only checks that every export
 * dt_core.c uses exists with its signature (v_FindFunction of m3_env.h, which compiles nothing);
 * an export is compiled at its first call. The module is parsed before the runtime is created, so
 * the holes its growing tables leave on the heap can take the runtime and its stack. */
#include "dt_config.h"
#if DT_BACKEND == DT_BACKEND_WASM3

#include <stddef.h>
#include "wasm3.h"
#include "m3_env.h" /* M3Runtime.memoryLimit, v_FindFunction */
#include "dt_core_backend.h"
#include "dt_core_image.h"

#ifndef DT_CORE_SLOTS
#define DT_CORE_SLOTS 2 /* the running core and an uploaded candidate */
#endif

struct dt_core {
    IM3Runtime rt;
    IM3Function fn[DT_FN_COUNT];
};

static IM3Environment env;
static struct dt_core slots[DT_CORE_SLOTS];

int dt_backend_accepts_images(void) { return 1; }
const char *dt_backend_name(void) { return "wasm3"; }

/* 1 when f takes argc i32 and returns one i32. */
static int abi_ok(IM3Function f, uint32_t argc)
{
    if (m3_GetArgCount(f) != argc || m3_GetRetCount(f) != 1 || m3_GetRetType(f, 0) != c_m3Type_i32) return 0;
    for (uint32_t i = 0; i < argc; i++)
        if (m3_GetArgType(f, i) != c_m3Type_i32) return 0;
    return 1;
}

int dt_backend_open(dt_core **o_core, const uint8_t *image, uint32_t len)
{
    struct dt_core *c = NULL;
    for (int i = 0; i < DT_CORE_SLOTS && !c; i++)
        if (!slots[i].rt) c = &slots[i];
    if (!c) return DT_CORE_E_NO_SLOT;
    if (!image) {
        image = dt_core_image;
        len = dt_core_image_len;
    }
    if (!env && !(env = m3_NewEnvironment())) return DT_CORE_E_LOAD;

    IM3Module mod = NULL;
    if (m3_ParseModule(env, &mod, image, len) != m3Err_none) return DT_CORE_E_LOAD;
    IM3Runtime rt = m3_NewRuntime(env, DT_WASM3_STACK_BYTES, NULL);
    if (!rt) {
        m3_FreeModule(mod);
        return DT_CORE_E_LOAD;
    }
    /* before LoadModule allocates the page: Wasm3 then allocates (and bounds-checks against) only
     * this much; dt_core_open tells the core the same with memory_limit() */
    rt->memoryLimit = DT_CORE_MEMORY_BYTES;
    if (m3_LoadModule(rt, mod) != m3Err_none) {
        m3_FreeModule(mod); /* not owned by the runtime when loading failed */
        m3_FreeRuntime(rt);
        return DT_CORE_E_LOAD;
    }
    for (int f = 0; f < DT_FN_COUNT; f++) {
        c->fn[f] = (IM3Function)v_FindFunction(mod, dt_core_fns[f].name); /* found, not compiled */
        if (!c->fn[f] || !abi_ok(c->fn[f], dt_core_fns[f].argc)) {
            m3_FreeRuntime(rt);
            return DT_CORE_E_ABI;
        }
    }
    c->rt = rt;
    *o_core = c;
    return 0;
}

void dt_backend_close(dt_core *c)
{
    if (!c->rt) return;
    m3_FreeRuntime(c->rt); /* frees the loaded module too; the image stays the caller's */
    c->rt = NULL;
}

uint8_t *dt_backend_memory(dt_core *c, uint32_t *o_size)
{
    return m3_GetMemory(c->rt, o_size, 0);
}

int dt_backend_call(dt_core *c, dt_fn fn, const int32_t *a, int32_t *o_result)
{
    IM3Function f = c->fn[fn];
    /* compiled at its first call (m3_FindFunction compiles it; open() checked its signature) */
    if (!f->compiled && (m3_FindFunction(&f, c->rt, dt_core_fns[fn].name) != m3Err_none || f != c->fn[fn])) return DT_CORE_E_TRAP;
    M3Result r;
    switch (dt_core_fns[fn].argc) {
    case 0: r = m3_CallV(f); break;
    case 1: r = m3_CallV(f, a[0]); break;
    case 2: r = m3_CallV(f, a[0], a[1]); break;
    default: r = m3_CallV(f, a[0], a[1], a[2]); break;
    }
    if (r != m3Err_none) return DT_CORE_E_TRAP;
    int32_t v = 0;
    if (m3_GetResultsV(f, &v) != m3Err_none) return DT_CORE_E_TRAP;
    *o_result = v;
    return 0;
}

#endif /* DT_BACKEND_WASM3 */
