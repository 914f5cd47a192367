/* shim/sys/mman.h: newlib has no sys/mman.h, which wasm2c's wasm-rt-impl.c includes for its
 * guard-page allocator. That allocator is only used with WASM_RT_MEMCHECK_SIGNAL_HANDLER (64-bit
 * hosts); on this 32-bit target memory is calloc'ed, but the static helpers around mmap still have
 * to compile. Declarations only: nothing here is ever called, so nothing is linked. */
#ifndef DT_SHIM_SYS_MMAN_H
#define DT_SHIM_SYS_MMAN_H

#include <stddef.h>
#include <sys/types.h>

#define PROT_NONE 0
#define PROT_READ 1
#define PROT_WRITE 2
#define MAP_PRIVATE 2
#define MAP_ANONYMOUS 0x20
#define MAP_FAILED ((void *)-1)

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int munmap(void *addr, size_t len);
int mprotect(void *addr, size_t len, int prot);

#endif
