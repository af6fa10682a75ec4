/* test_linkemu.c — the link emulator: the delay queue on its own (delay, rate, order,
 * loss, backpressure), the frame cutter, and tether-linkemu as a process between a TCP client and an
 * echo server: a ping-pong through it takes about the configured RTT (the figure is
 * printed; this checks the emulated delay is right, it is not a performance target), a
 * scheduled cut closes the connection and a reconnect works, non-loopback addresses are
 * refused. */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../linkemu/delayq.h"
#include "../linkemu/frames.h"
#include "tether/wire.h"

static struct tt_delayq dq;

START_TEST(test_dq_delay_and_order)
{
    tt_dq_init(&dq, 50000, 0, 0, 1);
    ck_assert(tt_dq_push(&dq, 1000, (const uint8_t *)"abc", 3));
    ck_assert(tt_dq_push(&dq, 2000, (const uint8_t *)"def", 3));
    uint8_t b[16];
    ck_assert_uint_eq(tt_dq_pop(&dq, 50999, b, sizeof b), 0); /* not yet */
    ck_assert_uint_eq(tt_dq_next_due(&dq), 51000);
    ck_assert_uint_eq(tt_dq_pop(&dq, 51000, b, sizeof b), 3);
    ck_assert_mem_eq(b, "abc", 3);
    ck_assert_uint_eq(tt_dq_pop(&dq, 60000, b, 2), 2); /* partial pops */
    ck_assert_uint_eq(tt_dq_pop(&dq, 60000, b + 2, 8), 1);
    ck_assert_mem_eq(b, "def", 3);
    ck_assert_uint_eq(tt_dq_next_due(&dq), UINT64_MAX);
    ck_assert(!tt_dq_push(&dq, 0, b, 0));
    ck_assert(!tt_dq_push(&dq, 0, b, TT_DQ_CHUNK_MAX + 1));
}
END_TEST

START_TEST(test_dq_rate)
{
    static uint8_t kb[1000];
    tt_dq_init(&dq, 10000, 80000, 0, 1); /* 80 kbit/s: 1000 B = 100 ms */
    ck_assert(tt_dq_push(&dq, 0, kb, sizeof kb));
    ck_assert(tt_dq_push(&dq, 0, kb, sizeof kb)); /* queued behind the first */
    ck_assert_uint_eq(tt_dq_next_due(&dq), 110000);
    uint8_t b[2000];
    ck_assert_uint_eq(tt_dq_pop(&dq, 110000, b, sizeof b), 1000);
    ck_assert_uint_eq(tt_dq_next_due(&dq), 210000);
}
END_TEST

START_TEST(test_dq_loss_and_full)
{
    static uint8_t kb[1000];
    tt_dq_init(&dq, 0, 80000, 1000000, 7); /* every chunk lost, 1000 B = 100 ms */
    ck_assert(tt_dq_push(&dq, 0, kb, sizeof kb));
    ck_assert_uint_eq(dq.lost, 1);
    ck_assert_uint_eq(dq.count, 0);                 /* never comes out */
    ck_assert_uint_eq(tt_dq_next_due(&dq), UINT64_MAX);
    dq.drop_ppm = 0;
    ck_assert(tt_dq_push(&dq, 0, kb, sizeof kb));
    ck_assert_uint_eq(tt_dq_next_due(&dq), 200000); /* the lost one took its air time */
    uint8_t z[8] = {0};
    tt_dq_init(&dq, 1000, 0, 0, 7);
    for (int i = 0; i < TT_DQ_CHUNKS; i++)
        ck_assert(tt_dq_push(&dq, 0, z, 1));
    ck_assert(!tt_dq_has_room(&dq));
    ck_assert(!tt_dq_push(&dq, 0, z, 1)); /* full: the proxy stops reading */
    tt_dq_clear(&dq);
    ck_assert(tt_dq_has_room(&dq));
}
END_TEST

/* A frame of payload length n at p: SYNC, LEN, HCHK (not checked here), payload, CRC. */
static size_t frame(uint8_t *p, size_t n, uint8_t fill)
{
    p[0] = TT_FRAME_SYNC0, p[1] = TT_FRAME_SYNC1, p[2] = (uint8_t)(n >> 8), p[3] = (uint8_t)n;
    p[4] = 0;
    memset(p + 5, fill, n + 4);
    return n + TT_FRAME_OVERHEAD;
}

START_TEST(test_frames_cut_whole) /* whatever pieces the reads give, units are whole frames */
{
    static struct tt_frame_cut f;
    uint8_t s[4096];
    size_t a = frame(s, 100, 0x11), b = frame(s + a, 1400, 0x22);
    s[a + b] = 0x00, s[a + b + 1] = 0x01; /* two bytes that are no frame */
    size_t c = frame(s + a + b + 2, 1, 0x33), total = a + b + 2 + c;
    size_t want[] = {a, b, 2, c}, got[8], ngot = 0;
    tt_fc_init(&f);
    for (size_t off = 0; off < total; off += 7) { /* 7-byte reads */
        size_t k = total - off < 7 ? total - off : 7, n;
        ck_assert_uint_ge(tt_fc_room(&f), k);
        tt_fc_feed(&f, s + off, k);
        while ((n = tt_fc_next(&f)) > 0) {
            ck_assert_uint_lt(ngot, 8);
            got[ngot++] = n;
            tt_fc_consume(&f, n);
        }
    }
    /* the frames whole and in order; the two stray bytes as they came (never held back) */
    ck_assert_uint_ge(ngot, 4);
    ck_assert_uint_eq(got[0], want[0]);
    ck_assert_uint_eq(got[1], want[1]);
    size_t stray = 0;
    for (size_t i = 2; i + 1 < ngot; i++)
        stray += got[i];
    ck_assert_uint_eq(stray, want[2]);
    ck_assert_uint_eq(got[ngot - 1], want[3]);
    ck_assert_uint_eq(f.len, 0);
    /* A LEN out of range is no frame: one byte passes, the next SYNC0 starts over. */
    s[0] = TT_FRAME_SYNC0, s[1] = TT_FRAME_SYNC1, s[2] = 0xFF, s[3] = 0xFF, s[4] = 0;
    tt_fc_feed(&f, s, 5);
    ck_assert_uint_eq(tt_fc_next(&f), 5); /* no other SYNC0: all of it */
}
END_TEST

/* ---- the process ---------------------------------------------------------------------- */

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* An echo server in a child process; returns its port. */
static int echo_server(pid_t *pid)
{
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t alen = sizeof a;
    ck_assert_int_eq(bind(ls, (struct sockaddr *)&a, sizeof a), 0);
    ck_assert_int_eq(listen(ls, 4), 0);
    ck_assert_int_eq(getsockname(ls, (struct sockaddr *)&a, &alen), 0);
    *pid = fork();
    ck_assert_int_ge(*pid, 0);
    if (*pid == 0) {
        signal(SIGTERM, SIG_DFL); /* not Check's handler, which signals the whole group */
        alarm(30);
        for (;;) {
            int fd = accept(ls, NULL, NULL);
            if (fd < 0)
                _exit(0);
            int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            char b[4096];
            ssize_t n;
            while ((n = read(fd, b, sizeof b)) > 0)
                if (write(fd, b, (size_t)n) != n)
                    break;
            close(fd);
        }
    }
    close(ls);
    return ntohs(a.sin_port);
}

/* Start tether-linkemu with extra arguments; returns its listening port. */
static int linkemu(pid_t *pid, int echo_port, const char *extra)
{
    int pfd[2];
    ck_assert_int_eq(pipe(pfd), 0);
    *pid = fork();
    ck_assert_int_ge(*pid, 0);
    if (*pid == 0) {
        dup2(pfd[1], 1);
        close(pfd[0]);
        char cmd[512];
        snprintf(cmd, sizeof cmd,
                 "exec %s --listen 127.0.0.1:0 --connect 127.0.0.1:%d --max-seconds 30 %s",
                 LINKEMU_BIN, echo_port, extra);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    close(pfd[1]);
    char line[64] = {0};
    ssize_t n = read(pfd[0], line, sizeof line - 1);
    close(pfd[0]);
    int port = 0;
    ck_assert_msg(n > 0 && sscanf(line, "listening %d", &port) == 1, "no port: %s", line);
    return port;
}

static int dial(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

/* One ping-pong of n bytes; returns ms, or -1 if the connection closed. */
static double ping(int fd, size_t n)
{
    char b[256];
    memset(b, 'p', n);
    double t0 = now_ms();
    if (write(fd, b, n) != (ssize_t)n)
        return -1;
    size_t got = 0;
    while (got < n) {
        ssize_t k = read(fd, b + got, n - got);
        if (k <= 0)
            return -1;
        got += (size_t)k;
    }
    return now_ms() - t0;
}

static void stop(pid_t pid)
{
    kill(pid, SIGTERM);
    int st;
    waitpid(pid, &st, 0);
}

START_TEST(test_rtt_through_linkemu)
{
    pid_t echo, emu;
    int ep = echo_server(&echo);
    int lp = linkemu(&emu, ep, "--rtt-ms 100 --rate-bps 10000000");
    int fd = dial(lp);
    double rtts[10], sum = 0, min = 1e9, max = 0;
    for (int i = 0; i < 10; i++) {
        rtts[i] = ping(fd, 32);
        ck_assert(rtts[i] > 0);
        sum += rtts[i];
        min = rtts[i] < min ? rtts[i] : min;
        max = rtts[i] > max ? rtts[i] : max;
    }
    printf(
        "linkemu: configured RTT 100 ms, measured ping-pong min %.1f / mean %.1f / max %.1f ms\n",
        min, sum / 10, max);
    /* Only the lower bound is a property of the emulator; how much slower a loaded machine
     * makes it is a figure (printed), not a verdict: no test depends on timing. */
    ck_assert_msg(min >= 100.0, "faster than the configured RTT: %.1f ms", min);
    close(fd);
    stop(emu);
    stop(echo);
}
END_TEST

START_TEST(test_no_delay_baseline)
{
    pid_t echo, emu;
    int ep = echo_server(&echo);
    int lp = linkemu(&emu, ep, "");
    int fd = dial(lp);
    double r = ping(fd, 32);
    printf("linkemu: configured RTT 0 ms, measured %.2f ms\n", r);
    ck_assert(r >= 0);
    close(fd);
    stop(emu);
    stop(echo);
}
END_TEST

START_TEST(test_cut_and_reconnect)
{
    pid_t echo, emu;
    int ep = echo_server(&echo);
    int lp = linkemu(&emu, ep, "--rtt-ms 20 --cut-after-ms 300");
    int fd = dial(lp);
    ck_assert(ping(fd, 8) > 0);
    double t0 = now_ms();
    double r;
    while ((r = ping(fd, 8)) > 0 && now_ms() - t0 < 60000) /* a hang guard, not a verdict */
        ;
    ck_assert_msg(r < 0, "connection was not cut");
    close(fd);
    fd = dial(lp); /* reconnect: a new connection */
    ck_assert(ping(fd, 8) >= 20.0);
    close(fd);
    stop(emu);
    stop(echo);
}
END_TEST

START_TEST(test_refuses_non_loopback)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "%s --listen 0.0.0.0:0 --connect 127.0.0.1:1 2>/dev/null >/dev/null",
             LINKEMU_BIN);
    int st = system(cmd);
    ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 2);
    snprintf(cmd, sizeof cmd,
             "%s --listen 127.0.0.1:0 --connect 127.0.0.1:1 --rtt-ms x 2>/dev/null >/dev/null",
             LINKEMU_BIN);
    st = system(cmd);
    ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 2);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("linkemu");
    TCase *tc = tcase_create("linkemu");
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, test_dq_delay_and_order);
    tcase_add_test(tc, test_dq_rate);
    tcase_add_test(tc, test_dq_loss_and_full);
    tcase_add_test(tc, test_frames_cut_whole);
    tcase_add_test(tc, test_rtt_through_linkemu);
    tcase_add_test(tc, test_no_delay_baseline);
    tcase_add_test(tc, test_cut_and_reconnect);
    tcase_add_test(tc, test_refuses_non_loopback);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
