/* m3_env.h (stub for a syntax check only): the internals of Wasm3 0.5.0 that dt_core_wasm3.c uses,
 * as declared in its source/m3_env.h and m3_function.h: the runtime's memoryLimit, a function's
 * compiled code pointer, and v_FindFunction (a lookup by export name that compiles nothing). */
#ifndef DT_M3_ENV_STUB_H
#define DT_M3_ENV_STUB_H
#include "wasm3.h"
typedef const void *pc_t;
struct M3Runtime {
    uint32_t memoryLimit;
};
struct M3Function {
    pc_t compiled;
};
void *v_FindFunction(IM3Module i_module, const char *const i_name);
#endif
