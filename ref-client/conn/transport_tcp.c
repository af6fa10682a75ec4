/* transport_tcp.c — the direct TCP link to a device (QEMU's UART socket, or a serial
 * bridge). Nagle is off: every record is a round trip someone is waiting for. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "transport.h"

tt_err tt_tcp_parse(const char *addr, char *host, size_t hostcap, uint16_t *port)
{
    const char *h, *colon;
    char *end;
    unsigned long p;
    if (!addr || !host || !port || strncmp(addr, "tcp:", 4) != 0)
        return TT_ERR_FORMAT;
    h = addr + 4;
    colon = strrchr(h, ':');
    if (!colon || colon == h || (size_t)(colon - h) >= hostcap)
        return TT_ERR_FORMAT;
    errno = 0;
    p = strtoul(colon + 1, &end, 10);
    if (errno || *end || end == colon + 1 || p == 0 || p > 65535)
        return TT_ERR_FORMAT;
    memcpy(host, h, (size_t)(colon - h));
    host[colon - h] = 0;
    if (strcmp(host, "localhost") == 0)
        snprintf(host, hostcap, "127.0.0.1");
    *port = (uint16_t)p;
    return TT_OK;
}

static tt_err dial(struct tt_tcp *c, int timeout_ms)
{
    struct sockaddr_in sa;
    struct pollfd pfd;
    int one = 1, fd, err = 0;
    socklen_t elen = sizeof err;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons(c->port);
    if (inet_pton(AF_INET, c->host, &sa.sin_addr) != 1)
        return TT_ERR_FORMAT;
    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return TT_ERR_IO;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fcntl(fd, F_SETFL, O_NONBLOCK);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0 && errno != EINPROGRESS) {
        close(fd);
        return TT_ERR_IO;
    }
    pfd.fd = fd;
    pfd.events = POLLOUT;
    if (poll(&pfd, 1, timeout_ms) != 1 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) ||
        err) {
        close(fd);
        return err ? TT_ERR_IO : TT_ERR_TIMEOUT;
    }
    c->fd = fd;
    return TT_OK;
}

static tt_err tcp_send(struct tt_transport *t, const uint8_t *buf, size_t len)
{
    struct tt_tcp *c = (struct tt_tcp *)t;
    while (len) {
        ssize_t w = send(c->fd, buf, len, MSG_NOSIGNAL);
        if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
            struct pollfd pfd = {.fd = c->fd, .events = POLLOUT};
            if (poll(&pfd, 1, 5000) != 1)
                return TT_ERR_TIMEOUT;
            continue;
        }
        if (w <= 0)
            return TT_ERR_IO;
        buf += w;
        len -= (size_t)w;
    }
    return TT_OK;
}

static tt_err tcp_recv(struct tt_transport *t, uint8_t *buf, size_t cap, size_t *n,
                       int timeout_ms)
{
    struct tt_tcp *c = (struct tt_tcp *)t;
    struct pollfd pfd = {.fd = c->fd, .events = POLLIN};
    int r = poll(&pfd, 1, timeout_ms);
    ssize_t got;
    if (r == 0)
        return TT_ERR_TIMEOUT;
    if (r < 0)
        return errno == EINTR ? TT_ERR_TIMEOUT : TT_ERR_IO;
    got = recv(c->fd, buf, cap, 0);
    if (got < 0 && (errno == EAGAIN || errno == EINTR))
        return TT_ERR_TIMEOUT;
    if (got <= 0)
        return TT_ERR_IO; /* closed by the peer: the caller may reconnect */
    *n = (size_t)got;
    return TT_OK;
}

static tt_err tcp_reconnect(struct tt_transport *t)
{
    struct tt_tcp *c = (struct tt_tcp *)t;
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    return dial(c, 5000);
}

static void tcp_close(struct tt_transport *t)
{
    struct tt_tcp *c = (struct tt_tcp *)t;
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
}

static int tcp_pollfd(struct tt_transport *t)
{
    return ((struct tt_tcp *)t)->fd;
}

tt_err tt_tcp_open(struct tt_tcp *c, const char *addr, int timeout_ms)
{
    tt_err e;
    memset(c, 0, sizeof *c);
    c->fd = -1;
    e = tt_tcp_parse(addr, c->host, sizeof c->host, &c->port);
    if (e != TT_OK)
        return e;
    c->t.byte_stream = 1;
    c->t.send = tcp_send;
    c->t.recv = tcp_recv;
    c->t.reconnect = tcp_reconnect;
    c->t.close = tcp_close;
    c->t.pollfd = tcp_pollfd;
    return dial(c, timeout_ms);
}
