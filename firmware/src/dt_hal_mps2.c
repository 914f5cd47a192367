/* dt_hal_mps2.c: the HAL on the MPS2 AN386 board (Cortex-M4, 25 MHz) as qemu-system-arm emulates
 * it: the protocol on CMSDK UART0 (0x40004000), human-readable logs on UART1 (0x40005000), time
 * from SysTick (1 ms interrupt, sub-millisecond from the current value). Polled UART, no FIFO:
 * QEMU holds incoming bytes until the firmware reads the previous one. No sensors, no storage. */
#include "dt_config.h"
#if defined(DT_BOARD_MPS2)

#include <stdio.h>
#include <string.h>
#include "dt_hal.h"

#define CPU_HZ 25000000u

typedef struct {
    volatile uint32_t data;      /* +0x00 */
    volatile uint32_t state;     /* +0x04 bit 0 TX full, bit 1 RX full */
    volatile uint32_t ctrl;      /* +0x08 bit 0 TX enable, bit 1 RX enable */
    volatile uint32_t intstatus; /* +0x0C */
    volatile uint32_t bauddiv;   /* +0x10 */
} cmsdk_uart;

#define UART0 ((cmsdk_uart *)0x40004000u)
#define UART1 ((cmsdk_uart *)0x40005000u)
#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define TICK_RELOAD (CPU_HZ / 1000u - 1u)

static volatile uint32_t ms_ticks;

void dt_systick_isr(void) { ms_ticks++; }
uint32_t dt_mps2_heap_used(void);
uint32_t dt_mps2_static_bytes(void);
uint32_t dt_mps2_stack_reserved(void);
uint32_t dt_mps2_stack_used(void);

static void uart_init(cmsdk_uart *u)
{
    u->bauddiv = CPU_HZ / DT_BAUD;
    u->ctrl = 3u;
}

static void uart_put(cmsdk_uart *u, uint8_t b)
{
    while (u->state & 1u) {
    }
    u->data = b;
}

void dt_mps2_log_bytes(const char *p, int n)
{
    for (int i = 0; i < n; i++) uart_put(UART1, (uint8_t)p[i]);
}

int dt_hal_init(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    uart_init(UART0);
    uart_init(UART1);
    SYST_RVR = TICK_RELOAD;
    SYST_CVR = 0;
    SYST_CSR = 7u; /* processor clock, interrupt, enable */
    return 0;
}

uint32_t dt_hal_millis(void) { return ms_ticks; }

uint32_t dt_hal_micros(void)
{
    uint32_t ms, cv;
    do { /* a tick between the two reads would pair a new count with an old ms */
        ms = ms_ticks;
        cv = SYST_CVR;
    } while (ms != ms_ticks);
    return ms * 1000u + (TICK_RELOAD - cv) / (CPU_HZ / 1000000u);
}

int dt_hal_read(uint8_t *buf, uint32_t cap, uint32_t wait_us)
{
    uint32_t n = 0, t0 = dt_hal_micros(), last = t0;
    while (n < cap) {
        uint32_t now = dt_hal_micros();
        if (UART0->state & 2u) {
            buf[n++] = (uint8_t)UART0->data;
            last = now;
        } else if (n == 0 ? now - t0 >= wait_us : now - last >= 200u) {
            break; /* nothing yet within the wait, or the burst has paused */
        }
    }
    return (int)n;
}

void dt_hal_write(const uint8_t *p, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) uart_put(UART0, p[i]);
}

int dt_hal_sense(int32_t *values, int n) { (void)values; (void)n; return -1; }
void dt_hal_actuate(const int32_t *u, int n) { (void)u; (void)n; }
void dt_hal_safe(void) {}
int dt_hal_local_loop(void) { return 0; }

int dt_hal_store_put(const char *key, const dt_span *parts, int nparts) { (void)key; (void)parts; (void)nparts; return -1; }
int32_t dt_hal_store_get(const char *key, uint8_t *buf, uint32_t cap) { (void)key; (void)buf; (void)cap; return -1; }
int dt_hal_store_begin(const char *key, uint32_t size) { (void)key; (void)size; return -1; }
int dt_hal_store_write(const char *key, uint32_t off, const uint8_t *p, uint32_t n) { (void)key; (void)off; (void)p; (void)n; return -1; }
const uint8_t *dt_hal_store_candidate(const char *key, uint32_t *o_len) { (void)key; (void)o_len; return NULL; }
int dt_hal_store_commit(const char *key) { (void)key; return -1; }
const uint8_t *dt_hal_store_map(const char *key, uint32_t *o_len) { (void)key; (void)o_len; return NULL; }

/* RAM in use: static (.data + .bss), the heap's high-water mark, the stack's. AOT: the core's
 * linear memory (DT_CORE_MEMORY_BYTES) is a static buffer in .bss, the heap holds wasm2c's runtime
 * tables. WASM3: nothing of the core is static (core memory 0 B); the heap holds the interpreter's
 * runtime, its stack (DT_WASM3_STACK_BYTES), the parsed module, the compiled code and the core's
 * linear memory (DT_CORE_MEMORY_BYTES, M3Runtime.memoryLimit), said on a second line. */
#if DT_BACKEND == DT_BACKEND_WASM3
#define STATIC_CORE_MEMORY 0ul
#else
#define STATIC_CORE_MEMORY ((unsigned long)DT_CORE_MEMORY_BYTES)
#endif
static void log_ram(void)
{
    char line[160];
    int n = snprintf(line, sizeof line, "dt: ram: static %lu B (core memory %lu B), heap %lu B, stack %lu B of %lu B\n",
                     (unsigned long)dt_mps2_static_bytes(), STATIC_CORE_MEMORY, (unsigned long)dt_mps2_heap_used(),
                     (unsigned long)dt_mps2_stack_used(), (unsigned long)dt_mps2_stack_reserved());
    dt_mps2_log_bytes(line, n < (int)sizeof line ? n : (int)sizeof line - 1);
#if DT_BACKEND == DT_BACKEND_WASM3
    n = snprintf(line, sizeof line, "dt: ram: wasm3: the heap holds the core's linear memory (%lu B) and the interpreter stack (%lu B)\n",
                 (unsigned long)DT_CORE_MEMORY_BYTES, (unsigned long)DT_WASM3_STACK_BYTES);
    dt_mps2_log_bytes(line, n < (int)sizeof line ? n : (int)sizeof line - 1);
#endif
}

void dt_hal_log(const char *msg)
{
    char line[128];
    int n = snprintf(line, sizeof line, "dt: %s\n", msg);
    dt_mps2_log_bytes(line, n < (int)sizeof line ? n : (int)sizeof line - 1);
    /* after boot (the self-test line) and after each run (the step timing at STOP) */
    if (strncmp(msg, "self-test", 9) == 0 || strncmp(msg, "control step", 12) == 0) log_ram();
}

#endif /* DT_BOARD_MPS2 */
