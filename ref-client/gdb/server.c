/* server.c — the local GDB server loop (server.h): GDB's bytes into the RSP engine, the
 * engine's backend calls over the session, the device's StopEvents back to GDB. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../conn/keyfile.h"
#include "backend.h"
#include "server.h"

static struct tt_rsp rsp; /* large: static */
static struct tt_gdb_backend gb;
static struct tt_elf elf;
static uint8_t elf_image[4 << 20];

static int listen_on(uint16_t port, uint16_t *bound)
{
    struct sockaddr_in sa;
    socklen_t sl = sizeof sa;
    int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK); /* never exposed beyond this machine */
    sa.sin_port = htons(port);
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) || listen(fd, 1) ||
        getsockname(fd, (struct sockaddr *)&sa, &sl)) {
        close(fd);
        return -1;
    }
    *bound = ntohs(sa.sin_port);
    return fd;
}

static tt_err send_all(int fd, const uint8_t *p, size_t n)
{
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0 && errno != EINTR)
            return TT_ERR_IO;
        if (w > 0) {
            p += w;
            n -= (size_t)w;
        }
    }
    return TT_OK;
}

static tt_err flush_gdb(int fd)
{
    uint8_t out[4096];
    size_t n;
    while ((n = tt_rsp_output(&rsp, out, sizeof out)) > 0)
        if (send_all(fd, out, n) != TT_OK)
            return TT_ERR_IO;
    return TT_OK;
}

static bool elf_loaded, elf_trusted;

/* Reads and checks the app ELF once, before listening: a missing or broken ELF is an error
 * at start-up, a mismatched one a warning (code is then read from the device). */
static tt_err load_elf(struct tt_client *cl, const struct tt_gdb_options *o)
{
    size_t n;
    uint8_t m[32];
    tt_err e = tt_file_read(o->elf_path, elf_image, sizeof elf_image, &n);
    if (e != TT_OK) {
        fprintf(stderr, "tether gdbserver: cannot read %s\n", o->elf_path);
        return e;
    }
    e = tt_elf_open(&elf, elf_image, n);
    if (e != TT_OK) {
        fprintf(stderr, "tether gdbserver: %s is not a usable ELF (%s)\n", o->elf_path,
                tt_elf_fault_name(elf.fault));
        return TT_ERR_FORMAT;
    }
    e = tt_elf_measure(&elf, o->app_base, o->app_size, m, NULL);
    elf_trusted =
        e == TT_OK && memcmp(m, cl->reply.reply.hello.app_measurement, sizeof m) == 0;
    if (!elf_trusted)
        fprintf(stderr,
                "tether gdbserver: warning: %s does not match the app the device runs "
                "(measurement differs): code is read from the device, not the ELF\n",
                o->elf_path);
    elf_loaded = true;
    return TT_OK;
}

static tt_err serve_one(struct tt_client *cl, int gfd, const struct tt_gdb_options *o)
{
    struct tt_rsp_backend be;
    tt_err e;
    memset(&gb, 0, sizeof gb);
    gb.client = cl;
    gb.timeout_ms = o->timeout_ms;
    gb.round_trips_base = cl->round_trips; /* `monitor status` counts this GDB session's */
    tt_gdb_backend_table(&gb, &be);
    tt_rsp_init(&rsp, &be);
    rsp.no_optimize = o->no_optimize;
    tt_gdb_watch_limits(&cl->reply.reply.hello, &rsp);
    if (elf_loaded) {
        rsp.elf = &elf;
        rsp.elf_trusted = elf_trusted;
        if (!tt_rsp_add_elf_regions(&rsp, &elf, TT_RSP_MEM_RAM, 0))
            fprintf(stderr, "tether gdbserver: warning: the ELF gives no usable memory map\n");
    }
    for (unsigned i = 0; elf_loaded && i < o->nram; i++)
        if (!tt_rsp_add_region(&rsp, o->ram_start[i], o->ram_size[i], TT_RSP_MEM_RAM, 0))
            fprintf(stderr, "tether gdbserver: warning: RAM region 0x%08x+0x%x not added\n",
                    o->ram_start[i], o->ram_size[i]);
    e = tt_gdb_attach(&gb);
    if (e != TT_OK) {
        /* attach needs debug-read, the halt that follows debug-control: say which it was */
        uint32_t granted = cl->reply.reply.hello.granted_permissions;
        if (e == TT_ERR_PERMISSION && (granted & TT_PERM_DEBUG_READ) &&
            !(granted & TT_PERM_DEBUG_CONTROL))
            fprintf(stderr, "tether gdbserver: the device refused to halt the app: the grant "
                            "lacks debug-control (attached read-only; ask the owner for a "
                            "grant with --perms debug-read,debug-control)\n");
        else
            fprintf(stderr, "tether gdbserver: attach refused: %s [%s]\n", tt_err_text(e),
                    tt_err_name(e));
        return e;
    }
    e = tt_gdb_drain_events(&gb, &rsp);
    while (e == TT_OK && !rsp.detached) {
        if (tt_client_stop_signal()) { /* the caller's Close ends the attachment too */
            e = TT_ERR_INTERRUPTED;
            break;
        }
        struct pollfd p[2] = {{.fd = gfd, .events = POLLIN},
                              {.fd = cl->t->pollfd(cl->t), .events = POLLIN}};
        if (poll(p, 2, 50) < 0 && errno != EINTR)
            return TT_ERR_IO;
        if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            uint8_t buf[4096];
            ssize_t n = recv(gfd, buf, sizeof buf, 0);
            size_t off = 0;
            if (n <= 0)
                break; /* GDB went away without detaching */
            while (e == TT_OK && off < (size_t)n) {
                size_t used;
                e = tt_rsp_input(&rsp, buf + off, (size_t)n - off, &used);
                off += used;
                if (e == TT_ERR_NO_SPACE)
                    e = flush_gdb(gfd);
                if (e == TT_OK)
                    e = tt_gdb_drain_events(&gb, &rsp); /* a halt inside a call produced a stop */
            }
        }
        if (e == TT_OK)
            e = tt_client_pump(cl, 0);
        if (e == TT_OK)
            e = tt_gdb_drain_events(&gb, &rsp);
        if (e == TT_OK)
            e = flush_gdb(gfd);
    }
    if (!rsp.detached && e != TT_ERR_INTERRUPTED) { /* leave the app running, attachment free */
        static tether_v1_Message q, r;
        memset(&q, 0, sizeof q);
        q.which_body = tether_v1_Message_detach_tag;
        if (tt_client_call(cl, &q, &r, o->timeout_ms) != TT_OK)
            fprintf(stderr, "tether gdbserver: detach after GDB left failed\n");
    }
    return e;
}

tt_err tt_gdb_serve(struct tt_client *cl, const struct tt_gdb_options *o)
{
    uint16_t port;
    int lfd;
    tt_err e = TT_OK;
    if (o->elf_path && (e = load_elf(cl, o)) != TT_OK)
        return e;
    lfd = listen_on(o->port, &port);
    if (lfd < 0) {
        fprintf(stderr, "tether gdbserver: cannot listen on 127.0.0.1:%u\n", o->port);
        return TT_ERR_IO;
    }
    printf("tether gdbserver: listening on 127.0.0.1:%u (target remote :%u)\n", port, port);
    fflush(stdout);
    for (;;) {
        /* Waiting for GDB in short polls: a stop signal is seen within one, and the session
         * is driven meanwhile (acks, keepalives, a Close event from the device). */
        struct pollfd lp = {.fd = lfd, .events = POLLIN};
        if (tt_client_stop_signal()) {
            e = TT_ERR_INTERRUPTED;
            break;
        }
        int r = poll(&lp, 1, 200);
        if (r < 0 && errno != EINTR) {
            e = TT_ERR_IO;
            break;
        }
        if (r <= 0) {
            if ((e = tt_client_pump(cl, 0)) != TT_OK)
                break;
            continue;
        }
        int one = 1, gfd = accept(lfd, NULL, NULL);
        if (gfd < 0) {
            if (errno == EINTR)
                continue;
            e = TT_ERR_IO;
            break;
        }
        setsockopt(gfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        e = serve_one(cl, gfd, o);
        close(gfd);
        fprintf(stderr,
                "tether gdbserver: GDB disconnected (%s); %u round trips to the device in "
                "this GDB session\n",
                tt_err_name(e), cl->round_trips - gb.round_trips_base);
        if (o->once || (e != TT_OK && e != TT_ERR_IO))
            break;
    }
    close(lfd);
    return e;
}
