/* linkemu.c — tether-linkemu, a user-space link emulator placed between a Tether client and
 * a device (the kernel's netem is not available here): a TCP proxy on loopback that adds
 * half the RTT of delay to each direction, a rate limit, loss of whole frames (--drop-pct:
 * each Tether frame lost with that probability, frames.h, delayq.h) and scheduled cuts.
 *
 *   tether-linkemu --listen 127.0.0.1:PORT --connect 127.0.0.1:PORT2 [--rtt-ms N]
 *                  [--rate-bps N] [--drop-pct P] [--cut-after-ms N] [--seed S]
 *                  [--max-seconds N] [--verbose] [--drop-first-init N] [--trace]
 *                  [--trace-queue FILE]
 *
 * --drop-first-init N loses the first N initiation packets (type 0x01) going to the device,
 * deterministically (a test of [HS-030]'s resend needs exactly one lost, not a probability).
 * --trace prints one line per frame on stderr: "linkemu t_ms DIR type TT len N [dropped]",
 * DIR c2d (client → device) or d2c, t_ms from the start; and every connection's end prints
 * the packets of each type per direction ("packets c2d 01=N 02=N 03=N 04=N ..."): tests count
 * initiations and pending packets ([HS-070]) with them.
 *
 * --trace-queue FILE writes a line per frame queued: time (us), direction (0 up, 1 down), bytes,
 * the line's backlog at that moment in us (negative: the line had been idle that long) and
 * the frames queued: where a transfer leaves the link idle (docs/benchmark-ota-push.md).
 * One connection at a time: each accepted client gets a fresh connection to --connect.
 * --cut-after-ms closes both sockets N ms after a connection was accepted, dropping what
 * was in flight, and then accepts the next (a reconnect). PORT 0 picks a free port; the
 * port in use is printed as "listening PORT" on stdout. Only loopback addresses: it is a
 * test tool. TCP_NODELAY on every socket (Nagle would add its own delay). Single-threaded,
 * poll-based; exits on SIGTERM/SIGINT or after --max-seconds (default 600). Exit codes:
 * 0 done, 1 runtime error, 2 usage. Depends on delayq.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "tether/wire.h"

#include "delayq.h"
#include "frames.h"

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static uint64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* "127.x.y.z:port" or "localhost:port" → address; loopback only. */
static int parse_addr(const char *s, struct sockaddr_in *a)
{
    char host[64];
    const char *colon = strrchr(s, ':');
    if (!colon || (size_t)(colon - s) >= sizeof host)
        return -1;
    memcpy(host, s, (size_t)(colon - s));
    host[colon - s] = 0;
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || end == colon + 1 || port < 0 || port > 65535)
        return -1;
    memset(a, 0, sizeof *a);
    a->sin_family = AF_INET;
    a->sin_port = htons((uint16_t)port);
    if (strcmp(host, "localhost") == 0)
        strcpy(host, "127.0.0.1");
    if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
        return -1;
    if ((ntohl(a->sin_addr.s_addr) >> 24) != 127)
        return -2;
    return 0;
}

static void nodelay(int fd)
{
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/* One direction: source fd → queue → pending write buffer → destination fd. */
struct dir {
    int from, to;
    struct tt_delayq q;
    struct tt_frame_cut cut; /* bytes read, cut into frames for the queue */
    uint8_t out[TT_DQ_CHUNK_MAX];
    size_t out_len, out_off;
    bool eof; /* source closed: shut the destination once drained */
    bool shut;
    unsigned long long bytes;
};

static struct dir dirs[2]; /* 0: client → device, 1: device → client */
static FILE *queue_trace;  /* --trace-queue: one line per frame queued (where link time goes) */

/* Packet types seen per direction (frames only; index: the type byte, 0x01..0x04 used). */
static unsigned long seen[2][256];
static unsigned long drop_first_init; /* --drop-first-init: initiations still to lose */
static bool trace;
static uint64_t t_start;

/* The packet type a whole frame carries, -1 for bytes that are not a frame. */
static int frame_type(const uint8_t *b, size_t n)
{
    if (n < TT_FRAME_OVERHEAD + 1 || b[0] != TT_FRAME_SYNC0 || b[1] != TT_FRAME_SYNC1)
        return -1;
    return b[TT_FRAME_HEADER_LEN];
}

/* Counts the unit, traces it, and says whether --drop-first-init loses it. */
static bool account(int k, const uint8_t *b, size_t n, uint64_t t)
{
    int type = frame_type(b, n);
    bool drop = false;
    if (type >= 0) {
        seen[k][type]++;
        if (k == 0 && type == TT_PKT_INITIATION && drop_first_init > 0) {
            drop_first_init--;
            drop = true;
        }
    }
    if (trace)
        fprintf(stderr, "linkemu %llu %s type %02x len %zu%s\n",
                (unsigned long long)((t - t_start) / 1000u), k == 0 ? "c2d" : "d2c",
                type < 0 ? 0xFFu : (unsigned)type, n, drop ? " dropped" : "");
    return drop;
}

static int pump_write(struct dir *d, uint64_t t)
{
    for (;;) {
        if (d->out_off == d->out_len) {
            d->out_len = tt_dq_pop(&d->q, t, d->out, sizeof d->out);
            d->out_off = 0;
            if (d->out_len == 0)
                break;
        }
        ssize_t w = write(d->to, d->out + d->out_off, d->out_len - d->out_off);
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
            return 0;
        if (w <= 0)
            return -1;
        d->out_off += (size_t)w;
        d->bytes += (unsigned long long)w;
    }
    if (d->eof && !d->shut && d->q.count == 0) {
        shutdown(d->to, SHUT_WR);
        d->shut = true;
    }
    return 0;
}

/* Whole frames (or non-frame bytes) from the cutter into the queue, while it has room. */
static int pump_frames(struct dir *d, uint64_t t)
{
    size_t n;
    while (tt_dq_has_room(&d->q) && (n = tt_fc_next(&d->cut)) > 0) {
        uint64_t line_free = d->q.line_free_us;
        if (account((int)(d - dirs), d->cut.buf, n, t)) {
            d->q.lost++;
            tt_fc_consume(&d->cut, n);
            continue;
        }
        if (!tt_dq_push(&d->q, t, d->cut.buf, n))
            return -1;
        /* microseconds, direction, bytes, the line's backlog when it arrived (negative:
         * the line had been idle that long), frames queued */
        if (queue_trace)
            fprintf(queue_trace, "%llu %d %zu %lld %u\n", (unsigned long long)t, d == &dirs[1], n,
                    (long long)line_free - (long long)t, d->q.count);
        tt_fc_consume(&d->cut, n);
    }
    return 0;
}

static int pump_read(struct dir *d, uint64_t t)
{
    uint8_t buf[TT_FC_CAP];
    size_t room = tt_fc_room(&d->cut);
    ssize_t n = room ? read(d->from, buf, room) : 0;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return 0;
    if (n <= 0 && room) {
        d->eof = true;
        /* a partial frame at the end: deliver what there is */
        if (d->cut.len && tt_dq_push(&d->q, t, d->cut.buf, d->cut.len))
            tt_fc_consume(&d->cut, d->cut.len);
        return n == 0 ? 0 : -1;
    }
    tt_fc_feed(&d->cut, buf, (size_t)n);
    return pump_frames(d, t);
}

static void usage(const char *argv0)
{
    fprintf(stderr,
            "usage: %s --listen 127.0.0.1:PORT --connect 127.0.0.1:PORT [--rtt-ms N]\n"
            "       [--rate-bps N] [--drop-pct P] [--cut-after-ms N] [--seed S]\n"
            "       [--max-seconds N] [--verbose] [--drop-first-init N] [--trace]\n"
            "       [--trace-queue FILE]\n",
            argv0);
}

int main(int argc, char **argv)
{
    struct sockaddr_in la, ca;
    bool have_l = false, have_c = false, verbose = false;
    double drop_pct = 0;
    unsigned long rtt_ms = 0, cut_ms = 0, max_s = 600;
    unsigned long long rate = 0, seed = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        char *end = NULL;
        if (!strcmp(a, "--verbose")) {
            verbose = true;
            continue;
        }
        if (!strcmp(a, "--trace")) {
            trace = true;
            continue;
        }
        if (!v) {
            usage(argv[0]);
            return 2;
        }
        i++;
        errno = 0;
        if (!strcmp(a, "--listen") || !strcmp(a, "--connect")) {
            int r = parse_addr(v, !strcmp(a, "--listen") ? &la : &ca);
            if (r != 0) {
                fprintf(stderr, "%s %s: %s\n", a, v,
                        r == -2 ? "only loopback addresses are allowed" : "not HOST:PORT");
                return 2;
            }
            *(!strcmp(a, "--listen") ? &have_l : &have_c) = true;
            continue;
        } else if (!strcmp(a, "--rtt-ms")) {
            rtt_ms = strtoul(v, &end, 10);
        } else if (!strcmp(a, "--rate-bps")) {
            rate = strtoull(v, &end, 10);
        } else if (!strcmp(a, "--drop-pct")) {
            drop_pct = strtod(v, &end);
            if (drop_pct < 0 || drop_pct > 100)
                end = NULL;
        } else if (!strcmp(a, "--cut-after-ms")) {
            cut_ms = strtoul(v, &end, 10);
        } else if (!strcmp(a, "--seed")) {
            seed = strtoull(v, &end, 10);
        } else if (!strcmp(a, "--trace-queue")) {
            queue_trace = fopen(v, "w");
            if (queue_trace == NULL) {
                perror(v);
                return 2;
            }
            continue;
        } else if (!strcmp(a, "--max-seconds")) {
            max_s = strtoul(v, &end, 10);
        } else if (!strcmp(a, "--drop-first-init")) {
            drop_first_init = strtoul(v, &end, 10);
        } else {
            end = NULL; /* an unknown option */
        }
        if (!end || *end || end == v || errno) {
            fprintf(stderr, "%s: bad value '%s'\n", a, v);
            usage(argv[0]);
            return 2;
        }
    }
    if (!have_l || !have_c || ca.sin_port == 0) {
        usage(argv[0]);
        return 2;
    }
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    signal(SIGPIPE, SIG_IGN);

    int ls = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    socklen_t alen = sizeof la;
    if (ls < 0 || bind(ls, (struct sockaddr *)&la, sizeof la) != 0 || listen(ls, 4) != 0 ||
        getsockname(ls, (struct sockaddr *)&la, &alen) != 0) {
        perror("tether-linkemu: listen");
        return 1;
    }
    printf("listening %u\n", ntohs(la.sin_port));
    fflush(stdout);

    t_start = now_us();
    uint64_t deadline = t_start + (uint64_t)max_s * 1000000u;
    uint32_t drop_ppm = (uint32_t)(drop_pct * 10000.0 + 0.5);
    unsigned long conns = 0, cuts = 0;
    int rc = 0;
    while (!stop_flag && now_us() < deadline) {
        struct pollfd lp = {.fd = ls, .events = POLLIN};
        if (poll(&lp, 1, 100) <= 0)
            continue;
        int cfd = accept(ls, NULL, NULL);
        if (cfd < 0)
            continue;
        int dfd = socket(AF_INET, SOCK_STREAM, 0);
        if (dfd < 0 || connect(dfd, (struct sockaddr *)&ca, sizeof ca) != 0) {
            perror("tether-linkemu: connect");
            close(cfd);
            if (dfd >= 0)
                close(dfd);
            continue; /* the device may come back: the client will retry */
        }
        nodelay(cfd);
        nodelay(dfd);
        conns++;
        for (int k = 0; k < 2; k++) {
            tt_dq_init(&dirs[k].q, (uint64_t)rtt_ms * 500u, rate, drop_ppm,
                       seed + conns * 2 + (uint64_t)k);
            dirs[k].out_len = dirs[k].out_off = 0;
            dirs[k].eof = dirs[k].shut = false;
            dirs[k].bytes = 0;
            tt_fc_init(&dirs[k].cut);
        }
        dirs[0].from = cfd, dirs[0].to = dfd;
        dirs[1].from = dfd, dirs[1].to = cfd;
        uint64_t cut_at = cut_ms ? now_us() + (uint64_t)cut_ms * 1000u : UINT64_MAX;
        bool cut = false;
        while (!stop_flag) {
            uint64_t t = now_us();
            if (t >= deadline)
                break;
            if (t >= cut_at) {
                cut = true;
                break;
            }
            bool bad = false;
            for (int k = 0; k < 2; k++)
                if (pump_frames(&dirs[k], t) != 0 || pump_write(&dirs[k], t) != 0)
                    bad = true;
            if (bad || (dirs[0].shut && dirs[1].shut))
                break;
            struct pollfd p[2];
            for (int k = 0; k < 2; k++) {
                p[k].fd = k == 0 ? cfd : dfd;
                p[k].events = 0;
                p[k].revents = 0;
                struct dir *rd = &dirs[k];     /* k's fd is dirs[k].from */
                struct dir *wd = &dirs[1 - k]; /* and dirs[1-k].to */
                if (!rd->eof && tt_dq_has_room(&rd->q) && tt_fc_room(&rd->cut))
                    p[k].events |= POLLIN;
                if (wd->out_off < wd->out_len)
                    p[k].events |= POLLOUT;
                if (!p[k].events)
                    p[k].fd = -1; /* a closed socket would report POLLHUP forever */
            }
            uint64_t next = cut_at;
            for (int k = 0; k < 2; k++) {
                uint64_t due = tt_dq_next_due(&dirs[k].q);
                if (due < next)
                    next = due;
            }
            if (deadline < next)
                next = deadline;
            int timeout = 100;
            if (next != UINT64_MAX)
                timeout = next <= t ? 0 : (int)((next - t + 999) / 1000);
            if (timeout > 100)
                timeout = 100;
            if (poll(p, 2, timeout) < 0 && errno != EINTR) {
                rc = 1;
                break;
            }
            t = now_us();
            for (int k = 0; k < 2; k++)
                if ((p[k].revents & (POLLIN | POLLHUP | POLLERR)) && !dirs[k].eof &&
                    pump_read(&dirs[k], t) != 0)
                    bad = true;
            if (bad)
                break;
        }
        cuts += cut;
        if (verbose || trace)
            for (int k = 0; k < 2; k++)
                fprintf(stderr, "packets %s 01=%lu 02=%lu 03=%lu 04=%lu\n", k ? "d2c" : "c2d",
                        seen[k][1], seen[k][2], seen[k][3], seen[k][4]);
        if (verbose)
            fprintf(stderr,
                    "tether-linkemu: connection %lu %s: %llu bytes up, %llu down, %lu+%lu "
                    "frames lost\n",
                    conns, cut ? "cut" : "closed", dirs[0].bytes, dirs[1].bytes,
                    dirs[0].q.lost, dirs[1].q.lost);
        close(cfd);
        close(dfd);
    }
    close(ls);
    if (queue_trace)
        fclose(queue_trace);
    if (verbose)
        fprintf(stderr, "tether-linkemu: %lu connections, %lu cuts\n", conns, cuts);
    return rc;
}
