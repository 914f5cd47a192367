/* dt_startup_mps2.c: bare-metal start-up for the MPS2 AN386 (Cortex-M4) under QEMU: the vector
 * table, the reset handler (copy .data, zero .bss, call main) and the few newlib system calls a
 * C library without an OS needs (_sbrk for the heap, _write to the log UART, _exit). */
#include "dt_config.h"
#if defined(DT_BOARD_MPS2)

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _estack;
extern uint8_t _heap_start, _heap_end;
#define STACK_PAINT 0xA5u
extern int main(int argc, char **argv);
void dt_reset(void);
void dt_systick_isr(void);
void dt_fault_isr(void);
void dt_mps2_log_bytes(const char *p, int n);

/* Cortex-M exception vectors 0..15 (no device interrupts are used). */
__attribute__((section(".vectors"), used)) static void (*const vectors[16])(void) = {
    (void (*)(void))(&_estack), dt_reset, dt_fault_isr, dt_fault_isr, dt_fault_isr, dt_fault_isr, dt_fault_isr,
    0, 0, 0, 0, dt_fault_isr, dt_fault_isr, 0, dt_fault_isr, dt_systick_isr,
};

void dt_reset(void)
{
    memcpy(&_sdata, &_sidata, (size_t)((uint8_t *)&_edata - (uint8_t *)&_sdata));
    memset(&_sbss, 0, (size_t)((uint8_t *)&_ebss - (uint8_t *)&_sbss));
    /* paint the stack below this frame, so dt_mps2_stack_used() can find the high-water mark */
    uintptr_t sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    for (uint8_t *p = &_heap_end; (uintptr_t)p < sp - 64u; p++) *p = STACK_PAINT;
    main(0, 0);
    for (;;) {
    }
}

void dt_fault_isr(void)
{
    dt_mps2_log_bytes("dt: fault\n", 10);
    for (;;) {
    }
}

/* ---- newlib system calls ---------------------------------------------------------------------- */

static uint8_t *heap_top = &_heap_start;
/* The heap never shrinks (nothing gives memory back to _sbrk): its size is its high-water mark. */
uint32_t dt_mps2_heap_used(void) { return (uint32_t)(heap_top - &_heap_start); }
/* .data + .bss, the stack reserved (heap end to the top of RAM), and the deepest the stack went. */
uint32_t dt_mps2_static_bytes(void) { return (uint32_t)((uint8_t *)&_ebss - (uint8_t *)&_sdata); }
uint32_t dt_mps2_stack_reserved(void) { return (uint32_t)((uint8_t *)&_estack - &_heap_end); }
uint32_t dt_mps2_stack_used(void)
{
    const uint8_t *p = &_heap_end;
    while (p < (const uint8_t *)&_estack && *p == STACK_PAINT) p++;
    return (uint32_t)((const uint8_t *)&_estack - p);
}

void *_sbrk(ptrdiff_t incr)
{
    uint8_t *old = heap_top;
    if (incr > 0 && (size_t)incr > (size_t)(&_heap_end - heap_top)) {
        errno = ENOMEM;
        return (void *)-1;
    }
    heap_top += incr;
    return old;
}

int _write(int fd, const char *p, int n)
{
    (void)fd;
    dt_mps2_log_bytes(p, n);
    return n;
}

void _exit(int code)
{
    (void)code;
    for (;;) {
    }
}

int _kill(int pid, int sig) { (void)pid; (void)sig; errno = EINVAL; return -1; }
int _getpid(void) { return 1; }

#endif /* DT_BOARD_MPS2 */
