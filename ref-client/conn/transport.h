/* transport.h — how the client reaches a device: a small interface so that the direct TCP
 * link used now and message transports (MQTT via a relay) later are interchangeable.
 *
 * A byte-stream transport carries frames (lib/framing); a message transport carries one
 * packet per message. Host only. */
#ifndef TETHER_CLIENT_TRANSPORT_H
#define TETHER_CLIENT_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

#include "tether/err.h"

struct tt_transport {
    int byte_stream; /* 1: frame packets (TCP, UART); 0: one packet per message */
    tt_err (*send)(struct tt_transport *t, const uint8_t *buf, size_t len);
    /* Waits up to timeout_ms for bytes; TT_ERR_TIMEOUT when none, TT_ERR_IO when the
     * connection is gone. */
    tt_err (*recv)(struct tt_transport *t, uint8_t *buf, size_t cap, size_t *n,
                                 int timeout_ms);
    /* Replace the connection (after a cut); the session continues on the new one. */
    tt_err (*reconnect)(struct tt_transport *t);
    void (*close)(struct tt_transport *t);
    /* The descriptor to poll for readability (servers wait on it with other sockets). */
    int (*pollfd)(struct tt_transport *t);
};

/* TCP: "tcp:HOST:PORT" (HOST a numeric IPv4 address or localhost). TCP_NODELAY is set. */
struct tt_tcp {
    struct tt_transport t;
    int fd;
    char host[64];
    uint16_t port;
};

TT_MUST_CHECK tt_err tt_tcp_parse(const char *addr, char *host, size_t hostcap, uint16_t *port);
TT_MUST_CHECK tt_err tt_tcp_open(struct tt_tcp *tcp, const char *addr, int timeout_ms);

#endif
