/* rsp_fake_server.c — the RSP engine on a localhost TCP socket with the fake device behind
 * it, so stock GDB can be pointed at the engine (ref-client/tests/gdb_smoke.sh). Serves one
 * connection, then prints the engine's and the device's counters on stderr and exits.
 *   rsp_fake_server [--port N] [--elf FILE] [--trust-elf] [--no-optimize]
 * Port 0 (default) picks a free port; the chosen one is printed as "port N" on stdout.
 * Loopback only; exits after --max-seconds (default 60). Depends on rsp.h, the ELF reader
 * and fake_backend.h. */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "../rsp/rsp.h"
#include "fake_backend.h"

static struct fake_dev dev;
static struct tt_rsp eng;
static uint8_t elf_img[1 << 20];

static int load_file(const char *path, uint8_t *buf, size_t cap, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    *len = fread(buf, 1, cap, f);
    int bad = ferror(f) || !feof(f);
    fclose(f);
    return bad ? -1 : 0;
}

static int flush_out(int fd)
{
    uint8_t buf[4096];
    size_t n;
    while ((n = tt_rsp_output(&eng, buf, sizeof buf)) > 0) {
        size_t off = 0;
        while (off < n) {
            ssize_t w = write(fd, buf + off, n - off);
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0)
                return -1;
            off += (size_t)w;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    int port = 0, max_seconds = 60;
    const char *elf_path = NULL;
    bool trust = false, no_opt = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--port") && i + 1 < argc)
            port = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--elf") && i + 1 < argc)
            elf_path = argv[++i];
        else if (!strcmp(argv[i], "--trust-elf"))
            trust = true;
        else if (!strcmp(argv[i], "--no-optimize"))
            no_opt = true;
        else if (!strcmp(argv[i], "--max-seconds") && i + 1 < argc)
            max_seconds = atoi(argv[++i]);
        else {
            fprintf(stderr,
                    "usage: %s [--port N] [--elf FILE] [--trust-elf] [--no-optimize] "
                    "[--max-seconds N]\n",
                    argv[0]);
            return 2;
        }
    }
    struct tt_elf elf = {0};
    if (elf_path) {
        size_t len;
        if (load_file(elf_path, elf_img, sizeof elf_img, &len) != 0) {
            fprintf(stderr, "cannot read %s\n", elf_path);
            return 1;
        }
        if (tt_elf_open(&elf, elf_img, len) != TT_OK) {
            fprintf(stderr, "%s: malformed ELF (%s)\n", elf_path, tt_elf_fault_name(elf.fault));
            return 1;
        }
    }
    fake_init(&dev, elf_path ? &elf : NULL);
    struct tt_rsp_backend be = fake_backend(&dev);
    tt_rsp_init(&eng, &be);
    eng.no_optimize = no_opt;
    if (elf_path) {
        eng.elf = &elf;
        eng.elf_trusted = trust;
        if (!tt_rsp_add_elf_regions(&eng, &elf, TT_RSP_MEM_FLASH, 0x400)) {
            fprintf(stderr, "%s: segments do not make a memory map\n", elf_path);
            return 1;
        }
    } else if (!tt_rsp_add_region(&eng, FAKE_FLASH_BASE, FAKE_FLASH_SIZE, TT_RSP_MEM_FLASH,
                                  0x400)) {
        return 1;
    }
    /* the whole modelled RAM (the ELF's RAM segment covers only what the app uses) */
    if (!tt_rsp_add_region(&eng, FAKE_RAM_BASE, FAKE_RAM_SIZE, TT_RSP_MEM_RAM, 0))
        return 1;
    /* the device's initial stop: halted where it is (as Attach{halted} would report) */
    dev.running = false;
    struct tt_rsp_stop first = {.reason = TT_RSP_STOP_HALT};
    memcpy(first.regs, dev.regs, sizeof first.regs);
    if (tt_rsp_stopped(&eng, &first) != TT_OK)
        return 1;

    int ls = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t alen = sizeof a;
    if (bind(ls, (struct sockaddr *)&a, sizeof a) != 0 || listen(ls, 1) != 0 ||
        getsockname(ls, (struct sockaddr *)&a, &alen) != 0) {
        perror("bind/listen");
        return 1;
    }
    printf("port %u\n", ntohs(a.sin_port));
    fflush(stdout);
    time_t deadline = time(NULL) + max_seconds;
    struct pollfd lp = {.fd = ls, .events = POLLIN};
    if (poll(&lp, 1, max_seconds * 1000) <= 0) {
        fprintf(stderr, "no connection\n");
        return 1;
    }
    int fd = accept(ls, NULL, NULL);
    if (fd < 0)
        return 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    int rc = 0;
    while (time(NULL) < deadline) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 200) < 0 && errno != EINTR)
            break;
        if (!(p.revents & (POLLIN | POLLHUP | POLLERR)))
            continue;
        uint8_t buf[4096];
        ssize_t n = read(fd, buf, sizeof buf);
        if (n <= 0)
            break;
        size_t off = 0;
        while (off < (size_t)n) {
            size_t used = 0;
            tt_err err = tt_rsp_input(&eng, buf + off, (size_t)n - off, &used);
            off += used;
            struct tt_rsp_stop s;
            if (fake_take_stop(&dev, &s) && tt_rsp_stopped(&eng, &s) != TT_OK)
                rc = 1;
            if (flush_out(fd) != 0)
                goto done;
            if (err != TT_OK && err != TT_ERR_NO_SPACE)
                goto done;
        }
        if (eng.detached)
            break;
    }
done:
    flush_out(fd);
    close(fd);
    close(ls);
    fprintf(stderr,
            "engine: %u packets, %u backend calls, %u errors, cache %u hits / %u misses, %u ELF "
            "reads, %u bad checksums\n",
            eng.stats.packets, eng.stats.backend_calls, eng.stats.errors, eng.stats.cache_hits,
            eng.stats.cache_misses, eng.stats.elf_reads, eng.stats.bad_checksum);
    fprintf(stderr,
            "device: read_regs %u, write_reg %u, read_mem %u (%zu bytes), write_mem %u, resume %u, "
            "halt %u, set %u, clear %u, reset %u, detach %u\n",
            dev.n_read_regs, dev.n_write_reg, dev.n_read_mem, dev.read_mem_bytes, dev.n_write_mem,
            dev.n_resume, dev.n_halt, dev.n_set, dev.n_clear, dev.n_reset, dev.n_detach);
    return rc;
}
