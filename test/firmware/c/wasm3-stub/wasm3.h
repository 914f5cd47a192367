/* wasm3.h (stub for a syntax check only): the declarations of Wasm3 0.5.0's public API that
 * firmware/src/dt_core_wasm3.c uses, written from the library's documented signatures, so that
 * `make check-wasm3` can type-check the backend here, where Wasm3 itself is not available. Not a
 * replacement: nothing is linked against it. */
#ifndef DT_WASM3_STUB_H
#define DT_WASM3_STUB_H
#include <stdint.h>

typedef const char *M3Result;
typedef struct M3Environment *IM3Environment;
typedef struct M3Runtime *IM3Runtime;
typedef struct M3Module *IM3Module;
typedef struct M3Function *IM3Function;
typedef enum { c_m3Type_none = 0, c_m3Type_i32 = 1, c_m3Type_i64 = 2, c_m3Type_f32 = 3, c_m3Type_f64 = 4, c_m3Type_unknown } M3ValueType;

extern const M3Result m3Err_none;

IM3Environment m3_NewEnvironment(void);
void m3_FreeEnvironment(IM3Environment environment);
IM3Runtime m3_NewRuntime(IM3Environment env, uint32_t stackSizeInBytes, void *userdata);
void m3_FreeRuntime(IM3Runtime runtime);
uint8_t *m3_GetMemory(IM3Runtime runtime, uint32_t *o_memorySizeInBytes, uint32_t memoryIndex);
M3Result m3_ParseModule(IM3Environment env, IM3Module *o_module, const uint8_t *const wasmBytes, uint32_t numWasmBytes);
void m3_FreeModule(IM3Module module);
M3Result m3_LoadModule(IM3Runtime runtime, IM3Module module);
M3Result m3_FindFunction(IM3Function *o_function, IM3Runtime runtime, const char *const functionName);
uint32_t m3_GetArgCount(IM3Function function);
uint32_t m3_GetRetCount(IM3Function function);
M3ValueType m3_GetArgType(IM3Function function, uint32_t index);
M3ValueType m3_GetRetType(IM3Function function, uint32_t index);
M3Result m3_CallV(IM3Function function, ...);
M3Result m3_GetResultsV(IM3Function function, ...);

#endif
