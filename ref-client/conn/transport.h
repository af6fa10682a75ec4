/* transport.h — how the client reaches a device: a small interface so that the direct TCP
 * link and message transports (MQTT through a relay, transport_mqtt.c) are interchangeable.
 *
 * A byte-stream transport carries frames (lib/framing); a message transport carries one
 * packet per message. Host only. */
#ifndef TETHER_CLIENT_TRANSPORT_H
#define TETHER_CLIENT_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

#include "tether/err.h"
#include "tether/wire.h"

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

/* MQTT binding (spec/transport.md [MTB-002]..[MTB-004], [MTB-022]..): one packet per QoS 1
 * message on tether/<device-id-hex>/down and .../up. The same transport serves both ends:
 * a client publishes on down and reads up; a device's modem bridge (relay/bridge.c) publishes
 * on up, reads down and keeps the device's retained presence with a last-will. libmosquitto,
 * driven without its thread: the caller's recv/pump is the loop. */
#define TT_MQTT_QUEUE 16 /* messages read off the socket and not yet taken by recv */
#define TT_MQTT_TOPIC_MAX 64

enum tt_mqtt_role { TT_MQTT_CLIENT, TT_MQTT_DEVICE };

struct tt_mqtt_login {
    char username[128];
    char password[128];
};

struct tt_mqtt_msg {
    uint16_t len;
    uint8_t b[TT_PKT_MAX_LEN];
};

struct mosquitto;
struct tt_mqtt {
    struct tt_transport t;
    struct mosquitto *m;
    char host[64];
    uint16_t port;
    enum tt_mqtt_role role;
    struct tt_mqtt_login login;
    char sub[TT_MQTT_TOPIC_MAX], pub[TT_MQTT_TOPIC_MAX], presence[TT_MQTT_TOPIC_MAX];
    int reconnect_ms;  /* how long reconnect() keeps trying (a broker restart) */
    int connected, subscribed, connack_rc;
    struct tt_mqtt_msg q[TT_MQTT_QUEUE];
    unsigned qh, qn;
    /* Dropped messages by reason ([MTB-001]: silently, counted for diagnostics). */
    uint32_t dropped_length, dropped_full, dropped_topic, dropped_offline;
    /* Messages received with QoS 0, and with the retain flag ([MTB-003] forbids both). */
    uint32_t got_qos0, got_retained;
    int synced; /* tt_mqtt_sync's answer came */
};

TT_MUST_CHECK tt_err tt_mqtt_parse(const char *addr, char *host, size_t hostcap, uint16_t *port);
/* tether/<32 hex digits>/<leaf>, e.g. leaf "down", "up", "presence". */
TT_MUST_CHECK tt_err tt_mqtt_topic(char *out, size_t cap, const uint8_t device_id[16],
                                   const char *leaf);
TT_MUST_CHECK tt_err tt_mqtt_open(struct tt_mqtt *c, const char *addr,
                                  const struct tt_mqtt_login *login,
                                  const uint8_t device_id[16], enum tt_mqtt_role role,
                                  int timeout_ms);
/* The message -> packet path, without I/O (the fuzz harness drives it): a message on the
 * subscribed topic with 1..1400 bytes is queued as one packet; anything else is dropped and
 * counted. TT_OK when queued. */
TT_MUST_CHECK tt_err tt_mqtt_accept(struct tt_mqtt *c, const char *topic, const void *payload,
                                    size_t len);
/* Takes the oldest queued packet: TT_ERR_TIMEOUT when none is queued. */
TT_MUST_CHECK tt_err tt_mqtt_take(struct tt_mqtt *c, uint8_t *buf, size_t cap, size_t *n);
/* For a conformance suite that tests what a device's side does with messages no
 * participant sends ([MTB-001]): publishes len bytes (0 and more than 1400 allowed, at most
 * 4096) on our publish topic, QoS 1, not retained. */
TT_MUST_CHECK tt_err tt_mqtt_publish_any(struct tt_mqtt *c, const uint8_t *buf, size_t len);
/* Sends a request the broker answers in order (UNSUBSCRIBE of an unused topic) and waits for
 * the answer: whatever the broker had for us before it, retained messages of our
 * subscription included, has been read ([MTB-032]). */
TT_MUST_CHECK tt_err tt_mqtt_sync(struct tt_mqtt *c, int timeout_ms);
/* The broker's CONNACK refusal as text (after tt_mqtt_open/reconnect failed), or NULL. */
const char *tt_mqtt_refusal(const struct tt_mqtt *c);

#endif
