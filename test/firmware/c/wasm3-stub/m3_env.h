/* m3_env.h (stub for a syntax check only): the one internal field dt_core_wasm3.c sets. */
#ifndef DT_M3_ENV_STUB_H
#define DT_M3_ENV_STUB_H
#include "wasm3.h"
struct M3Runtime {
    uint32_t memoryLimit;
};
#endif
