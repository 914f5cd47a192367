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
 * the holes its growing tables leave on the heap can take the runtime and its stack.
 * The self-test exercises all three engines; run in the core's own runtime it would leave the code
 * of all of them compiled there for good. So self_test closes the runtime, runs each phase of the
 * self-test (export self_test_phase) but the last in a fresh runtime of its own, then opens the core
 * again and runs the last phase there (the mcu-ref engine, which the net compiles anyway): the
 * self-test leaves the core uninitialised anyway, and the running runtime then holds only the code
 * the configured net calls (for mcu-ref; plus that engine's for other nets). (A core without
 * self_test_phase runs self_test in place.) Each of the other phases also gets an environment of
 * its own, freed with it: Wasm3 keeps a freed runtime's code pages in its environment's pool for
 * the next runtime, and pages left high on the heap by one phase split the free space below them so
 * that the next phase's linear memory no longer fits in any hole (core 1.3: +26 KB of heap); a
 * freed environment frees its pool. */
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
    IM3Function phase; /* self_test_phase(k, crc), or NULL */
    const uint8_t *image;
    uint32_t len;
};

#define PHASES 3

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

/* Parses and loads image into c (c->rt NULL before) in environment e; 0 or a DT_CORE_E_ code. */
static int load(struct dt_core *c, IM3Environment e, const uint8_t *image, uint32_t len)
{
    IM3Module mod = NULL;
    if (m3_ParseModule(e, &mod, image, len) != m3Err_none) return DT_CORE_E_LOAD;
    IM3Runtime rt = m3_NewRuntime(e, DT_WASM3_STACK_BYTES, NULL);
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
    c->phase = (IM3Function)v_FindFunction(mod, "self_test_phase");
    if (c->phase && !abi_ok(c->phase, 2)) c->phase = NULL;
    c->rt = rt;
    c->image = image;
    c->len = len;
    return 0;
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
    int rc = load(c, env, image, len);
    if (rc) return rc;
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
    if (!c->rt) return NULL;
    return m3_GetMemory(c->rt, o_size, 0);
}

/* Compiles f at its first call (m3_FindFunction compiles it; load() checked its signature). */
static int ready(IM3Runtime rt, IM3Function f, const char *name)
{
    IM3Function g = f;
    return f->compiled || (m3_FindFunction(&g, rt, name) == m3Err_none && g == f);
}

static int call(IM3Runtime rt, IM3Function f, const char *name, uint8_t argc, const int32_t *a, int32_t *o_result)
{
    if (!ready(rt, f, name)) return DT_CORE_E_TRAP;
    M3Result r;
    switch (argc) {
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

/* memory_limit(DT_CORE_MEMORY_BYTES) on a fresh runtime, as dt_core_open does; 0 when accepted. */
static int limit(struct dt_core *c)
{
    int32_t a[1] = { DT_CORE_MEMORY_BYTES }, r = 0;
    return call(c->rt, c->fn[DT_FN_MEMORY_LIMIT], dt_core_fns[DT_FN_MEMORY_LIMIT].name, 1, a, &r) || r != DT_CORE_MEMORY_BYTES;
}

/* Runs self-test phase k in t (open, fresh or uninitialised), continuing *io_crc; 0 or
 * DT_CORE_E_TRAP. */
static int run_phase(struct dt_core *t, int32_t k, uint32_t *io_crc)
{
    int32_t args[2] = { k, (int32_t)*io_crc }, status = -1, out = 0;
    if (!t->phase || limit(t) || call(t->rt, t->phase, "self_test_phase", 2, args, &status) || status != 0 ||
        call(t->rt, t->fn[DT_FN_OUTPUT_PTR], dt_core_fns[DT_FN_OUTPUT_PTR].name, 0, args, &out))
        return DT_CORE_E_TRAP;
    uint32_t size = 0;
    const uint8_t *mem = m3_GetMemory(t->rt, &size, 0);
    if (!mem || out < 0 || (uint32_t)out + 4 > size) return DT_CORE_E_TRAP;
    *io_crc = (uint32_t)mem[out] | (uint32_t)mem[out + 1] << 8 | (uint32_t)mem[out + 2] << 16 | (uint32_t)mem[out + 3] << 24;
    return 0;
}

/* The self-test, one phase per fresh runtime and environment (see the top of this file) but the
 * last, which runs in the core's own runtime, opened again: it is the engine of the mcu-ref net
 * (assembly/selftest.ts), whose code that runtime compiles for the net anyway, so the boot's peak
 * is no higher than the running core's. c is open again after it (unless the heap no longer has
 * room for it: then every later call traps). 0 and the checksum in *o_result, or DT_CORE_E_TRAP. */
static int self_test_phased(struct dt_core *c, int32_t *o_result)
{
    const uint8_t *image = c->image;
    uint32_t len = c->len;
    uint32_t crc = 0xffffffffu;
    int rc = 0;
    m3_FreeRuntime(c->rt);
    c->rt = NULL;
    for (int32_t k = 0; k < PHASES - 1 && !rc; k++) {
        struct dt_core t = { 0 };
        IM3Environment pe = m3_NewEnvironment();
        rc = pe ? load(&t, pe, image, len) : DT_CORE_E_LOAD;
        if (!rc) {
            rc = run_phase(&t, k, &crc);
            m3_FreeRuntime(t.rt);
        }
        m3_FreeEnvironment(pe); /* and the code pages the phase compiled */
    }
    int again = load(c, env, image, len);
    if (!again && !rc) rc = run_phase(c, PHASES - 1, &crc);
    if (!again && limit(c)) {
        m3_FreeRuntime(c->rt);
        c->rt = NULL;
        again = 1;
    }
    if (rc || again) return DT_CORE_E_TRAP;
    *o_result = (int32_t)~crc;
    return 0;
}

int dt_backend_call(dt_core *c, dt_fn fn, const int32_t *a, int32_t *o_result)
{
    if (!c->rt) return DT_CORE_E_TRAP;
    if (fn == DT_FN_SELF_TEST && c->phase) return self_test_phased(c, o_result);
    return call(c->rt, c->fn[fn], dt_core_fns[fn].name, dt_core_fns[fn].argc, a, o_result);
}

#endif /* DT_BACKEND_WASM3 */
