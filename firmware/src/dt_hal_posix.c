/* dt_hal_posix.c: the HAL on Linux (and other POSIX systems): the serial link is a tty path given
 * on the command line (a pty from socat in the tests, or a USB-serial adapter), set to raw mode;
 * persistence is one file per blob in a directory, each written atomically (temporary file, fsync,
 * rename); blobs written in pieces (the core upload) go to KEY.new, are read in place through
 * mmap, and are committed by rename. Normally no sensors: the host drives the steps with SENSOR_FRAMEs. With --local the
 * firmware runs its own control loop (HAL mode) on a simulated joint, so that path runs here too.
 *
 *   dt_fw [--store DIR] [--local] PORT   serve the protocol on PORT ("-" = stdin/stdout)
 *   dt_fw --self-test                    print the core's self-test checksum and exit
 * --store-cut-at N (fault injection for npm run soak): after N bytes of store writes the process
 * kills itself (SIGKILL) where it stands, as a power cut would; the blob being written keeps the
 * first bytes in its temporary file. */
#include "dt_config.h"
#if defined(DT_BOARD_POSIX)

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include "dt_hal.h"

static int fd_in = -1, fd_out = -1;
static const char *store_dir;
static int local_loop;
static long long store_cut_at = -1; /* --store-cut-at N; -1: never */
static unsigned long long store_written; /* bytes of store writes so far */

static void usage(void)
{
    fprintf(stderr, "usage: dt_fw [--store DIR [--store-cut-at N]] [--local] PORT | dt_fw --self-test\n");
}

/* How many of the next n bytes of a store write come before the --store-cut-at power cut. */
static uint32_t cut_budget(uint32_t n)
{
    if (store_cut_at < 0) return n;
    unsigned long long left = (unsigned long long)store_cut_at > store_written ? (unsigned long long)store_cut_at - store_written : 0;
    return left < n ? (uint32_t)left : n;
}

/* The power cut: what was written to fd stays, nothing after it happens. */
static void cut_now(int fd)
{
    fsync(fd);
    dt_hal_log("store: power cut (--store-cut-at)");
    kill(getpid(), SIGKILL);
}

int dt_hal_init(int argc, char **argv)
{
    const char *port = NULL;
    int self_test = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--store") == 0 && i + 1 < argc) store_dir = argv[++i];
        else if (strcmp(argv[i], "--store-cut-at") == 0 && i + 1 < argc) {
            char *end;
            store_cut_at = strtoll(argv[++i], &end, 10);
            if (*end != '\0' || end == argv[i] || store_cut_at < 0) { usage(); return -1; }
        }
        else if (strcmp(argv[i], "--self-test") == 0) self_test = 1;
        else if (strcmp(argv[i], "--local") == 0) local_loop = 1;
        else if (argv[i][0] == '-' && argv[i][1] != '\0') { usage(); return -1; }
        else port = argv[i];
    }
    if (self_test) return 0; /* no link: dt_hal_read reports it closed after setup */
    if (!port) { usage(); return -1; }
    if (strcmp(port, "-") == 0) {
        fd_in = 0;
        fd_out = 1;
        return 0;
    }
    fd_in = fd_out = open(port, O_RDWR | O_NOCTTY);
    if (fd_in < 0) {
        fprintf(stderr, "dt: cannot open %s: %s\n", port, strerror(errno));
        return -1;
    }
    struct termios t;
    if (tcgetattr(fd_in, &t) == 0) {
        cfmakeraw(&t);
        cfsetispeed(&t, B115200);
        cfsetospeed(&t, B115200);
        tcsetattr(fd_in, TCSANOW, &t);
    }
    return 0;
}

static uint64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint32_t dt_hal_millis(void) { return (uint32_t)(now_us() / 1000u); }
uint32_t dt_hal_micros(void) { return (uint32_t)now_us(); }

int dt_hal_read(uint8_t *buf, uint32_t cap, uint32_t wait_us)
{
    if (fd_in < 0) return -1;
    struct pollfd p = { .fd = fd_in, .events = POLLIN };
    int r = poll(&p, 1, (int)((wait_us + 999) / 1000));
    if (r < 0) return errno == EINTR ? 0 : -1;
    if (r == 0) return 0;
    ssize_t n = read(fd_in, buf, cap);
    if (n > 0) return (int)n;
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return 0;
    return -1; /* end of file, or EIO: the other end of the pty is gone */
}

void dt_hal_write(const uint8_t *p, uint32_t n)
{
    while (n && fd_out >= 0) {
        ssize_t w = write(fd_out, p, n);
        if (w < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            return;
        }
        p += w;
        n -= (uint32_t)w;
    }
}

/* --local: one simulated joint, unit inertia with viscous friction (q'' = u - 0.5 q'), integrated
 * per control period; reference r = sin(2 pi 0.5 t); PD kp = 10, kd = 1; features [r, r'/4,
 * r''/10, cos(2 pi 0.5 t)]; network units = 4 actuator units. n_in = 4, n_out = 1. */
static double sim_q, sim_dq, sim_u, sim_t;
static uint64_t sim_last_us;

int dt_hal_sense(int32_t *values, int n)
{
    const double w = 2.0 * 3.14159265358979 * 0.5, scale = 4.0;
    if (!local_loop || n != 5) return -1;
    uint64_t now = now_us();
    double dt = sim_last_us ? (double)(now - sim_last_us) * 1e-6 : 0.0;
    sim_last_us = now;
    sim_dq += dt * (sim_u - 0.5 * sim_dq); /* semi-implicit Euler over the elapsed period */
    sim_q += dt * sim_dq;
    sim_t += dt;
    double r = sin(w * sim_t), rv = w * cos(w * sim_t), ra = -w * w * sin(w * sim_t);
    double u_pd = 10.0 * (r - sim_q) + 1.0 * (rv - sim_dq);
    double f[5] = { r, rv / 4.0, ra / 10.0, cos(w * sim_t), u_pd / scale };
    for (int i = 0; i < 5; i++) values[i] = (int32_t)lround(f[i] * 4096.0);
    return 0;
}

void dt_hal_actuate(const int32_t *u, int n)
{
    if (n >= 1) sim_u = (double)u[0] / 4096.0 * 4.0;
}

void dt_hal_safe(void) { sim_u = 0.0; }
int dt_hal_local_loop(void) { return local_loop; }

void dt_hal_log(const char *msg) { fprintf(stderr, "dt: %s\n", msg); }

static int blob_path(char *out, size_t cap, const char *key, const char *suffix)
{
    int n = snprintf(out, cap, "%s/%s%s", store_dir, key, suffix);
    return n > 0 && (size_t)n < cap ? 0 : -1;
}

int dt_hal_store_put(const char *key, const dt_span *parts, int nparts)
{
    char tmp[512], dst[512];
    if (!store_dir || blob_path(tmp, sizeof tmp, key, ".tmp") || blob_path(dst, sizeof dst, key, "")) return -1;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return -1;
    for (int i = 0; i < nparts; i++) {
        const uint8_t *p = parts[i].p;
        uint32_t n = parts[i].n, m = cut_budget(n);
        while (m) {
            ssize_t w = write(fd, p, m);
            if (w <= 0) { close(fd); unlink(tmp); return -1; }
            p += w;
            n -= (uint32_t)w;
            m -= (uint32_t)w;
            store_written += (unsigned long long)w;
        }
        if (n) cut_now(fd);
    }
    if (fsync(fd) != 0 || close(fd) != 0 || rename(tmp, dst) != 0) { unlink(tmp); return -1; }
    int dir = open(store_dir, O_RDONLY);
    if (dir >= 0) { fsync(dir); close(dir); } /* make the rename itself durable */
    return 0;
}

int32_t dt_hal_store_get(const char *key, uint8_t *buf, uint32_t cap)
{
    char path[512];
    if (!store_dir || blob_path(path, sizeof path, key, "")) return -1;
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    uint32_t got = 0;
    for (;;) {
        uint8_t extra;
        ssize_t r = got < cap ? read(fd, buf + got, cap - got) : read(fd, &extra, 1);
        if (r < 0) { close(fd); return -1; }
        if (r == 0) break;
        if (got == cap) { close(fd); return -1; } /* larger than cap */
        got += (uint32_t)r;
    }
    close(fd);
    return (int32_t)got;
}

/* ---- blobs written in pieces and read in place (dt_hal.h) ------------------------------------ */

/* Per key: the candidate file KEY.new (its size and, once asked for, its mapping), the mapping of
 * the committed file KEY, and that of the file an earlier commit replaced (still mapped: a core may
 * run from it until the swap; a renamed-over file lives on while mapped). */
typedef struct {
    char key[16];
    uint32_t cand_size;
    int cand_open;
    const uint8_t *cand, *cur, *old;
    uint32_t cand_len, cur_len, old_len;
} inplace_blob;

static inplace_blob inplace[2];

static inplace_blob *inplace_of(const char *key)
{
    inplace_blob *free_one = NULL;
    if (strlen(key) >= sizeof inplace[0].key) return NULL;
    for (int i = 0; i < 2; i++) {
        if (strcmp(inplace[i].key, key) == 0) return &inplace[i];
        if (!inplace[i].key[0] && !free_one) free_one = &inplace[i];
    }
    if (free_one) strcpy(free_one->key, key);
    return free_one;
}

static void unmap(const uint8_t **p, uint32_t *len)
{
    if (*p) munmap((void *)*p, *len);
    *p = NULL;
    *len = 0;
}

/* Maps the whole file at path read-only; NULL when absent or empty. */
static const uint8_t *map_file(const char *path, uint32_t *o_len)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) return NULL;
    off_t end = lseek(fd, 0, SEEK_END);
    void *p = end > 0 && end <= 0x7FFFFFFF ? mmap(NULL, (size_t)end, PROT_READ, MAP_SHARED, fd, 0) : MAP_FAILED;
    close(fd);
    if (p == MAP_FAILED) return NULL;
    *o_len = (uint32_t)end;
    return p;
}

int dt_hal_store_begin(const char *key, uint32_t size)
{
    char path[512];
    inplace_blob *b = inplace_of(key);
    if (!store_dir || !b || size == 0 || blob_path(path, sizeof path, key, ".new")) return -1;
    unmap(&b->old, &b->old_len);   /* replaced by the last commit: nothing runs from it any more */
    unmap(&b->cand, &b->cand_len); /* an earlier candidate that was not committed */
    b->cand_open = 0;
    unlink(path);                  /* a fresh file: no mapping of the old one can see the new bytes */
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return -1;
    int r = ftruncate(fd, (off_t)size);
    if (close(fd) != 0 || r != 0) return -1;
    b->cand_size = size;
    b->cand_open = 1;
    return 0;
}

int dt_hal_store_write(const char *key, uint32_t off, const uint8_t *p, uint32_t n)
{
    char path[512];
    inplace_blob *b = inplace_of(key);
    if (!store_dir || !b || !b->cand_open || b->cand || off > b->cand_size || n > b->cand_size - off ||
        blob_path(path, sizeof path, key, ".new"))
        return -1;
    int fd = open(path, O_WRONLY);
    if (fd < 0) return -1;
    uint32_t m = cut_budget(n);
    while (m) {
        ssize_t w = pwrite(fd, p, m, (off_t)off);
        if (w <= 0) { close(fd); return -1; }
        p += w;
        off += (uint32_t)w;
        n -= (uint32_t)w;
        m -= (uint32_t)w;
        store_written += (unsigned long long)w;
    }
    if (n) cut_now(fd);
    return close(fd);
}

const uint8_t *dt_hal_store_candidate(const char *key, uint32_t *o_len)
{
    char path[512];
    inplace_blob *b = inplace_of(key);
    if (!store_dir || !b || !b->cand_open || blob_path(path, sizeof path, key, ".new")) return NULL;
    if (!b->cand) {
        int fd = open(path, O_RDONLY);
        if (fd < 0) return NULL;
        int synced = fsync(fd); /* what is verified is what the storage holds */
        close(fd);
        if (synced != 0 || !(b->cand = map_file(path, &b->cand_len))) return NULL;
    }
    *o_len = b->cand_len;
    return b->cand;
}

int dt_hal_store_commit(const char *key)
{
    char src[512], dst[512];
    inplace_blob *b = inplace_of(key);
    if (!store_dir || !b || !b->cand_open || blob_path(src, sizeof src, key, ".new") || blob_path(dst, sizeof dst, key, ""))
        return -1;
    int fd = open(src, O_RDONLY);
    if (fd < 0) return -1;
    int synced = fsync(fd);
    close(fd);
    if (synced != 0 || rename(src, dst) != 0) return -1;
    int dir = open(store_dir, O_RDONLY);
    if (dir >= 0) { fsync(dir); close(dir); }
    unmap(&b->old, &b->old_len);
    b->old = b->cur; /* stays mapped until the next begin */
    b->old_len = b->cur_len;
    b->cur = b->cand;
    b->cur_len = b->cand_len;
    b->cand = NULL;
    b->cand_len = 0;
    b->cand_open = 0;
    return 0;
}

const uint8_t *dt_hal_store_map(const char *key, uint32_t *o_len)
{
    char path[512];
    inplace_blob *b = inplace_of(key);
    if (!store_dir || !b || blob_path(path, sizeof path, key, "")) return NULL;
    if (!b->cur && !(b->cur = map_file(path, &b->cur_len))) return NULL;
    *o_len = b->cur_len;
    return b->cur;
}

#endif /* DT_BOARD_POSIX */
