/* transport_mqtt.c — the MQTT binding of a Tether link (transport.h, spec/transport.md
 * [MTB-001]..[MTB-004], [MTB-020], [MTB-022]..[MTB-029]) on libmosquitto.
 *
 * libmosquitto runs without its thread: recv() polls the broker socket, reads one MQTT packet
 * at a time (so unread packets stay in the kernel and pollfd() stays truthful), and the
 * message callback queues the packet. A lost broker connection is a transport reconnect: the
 * session above survives and resends what was not acknowledged ([MTB-020]). While the broker
 * is away, sends are dropped (counted) for the reliability layer to repeat. The binding's
 * rules without I/O (topics, which message is a packet) are in mqtt_binding.c. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mosquitto.h>

#include "transport.h"

#define KEEPALIVE_S 30
static const char PRESENCE_ONLINE[] = "online";
static const char PRESENCE_OFFLINE[] = "offline";

const char *tt_mqtt_refusal(const struct tt_mqtt *c)
{
    return c->connack_rc > 0 ? mosquitto_connack_string(c->connack_rc) : NULL;
}

static void on_connect(struct mosquitto *m, void *obj, int rc)
{
    struct tt_mqtt *c = obj;
    (void)m;
    c->connack_rc = rc;
    c->connected = rc == 0;
}

static void on_disconnect(struct mosquitto *m, void *obj, int rc)
{
    struct tt_mqtt *c = obj;
    (void)m;
    (void)rc;
    c->connected = 0;
    c->subscribed = 0;
}

static void on_subscribe(struct mosquitto *m, void *obj, int mid, int n, const int *granted)
{
    struct tt_mqtt *c = obj;
    (void)m;
    (void)mid;
    /* 0x80 is a refusal; mosquitto grants and then filters by ACL, which recv shows. */
    c->subscribed = n == 1 && granted[0] != 0x80 ? 1 : -1;
}

static void on_message(struct mosquitto *m, void *obj, const struct mosquitto_message *msg)
{
    tt_err e;
    struct tt_mqtt *c = obj;
    (void)m;
    /* What a conformance suite reads ([MTB-003]): a packet published with QoS 0 arrives
     * with QoS 0 on our QoS 1 subscription; a retained one arrives flagged on subscribing. */
    c->got_qos0 += msg->qos == 0;
    c->got_retained += msg->retain != 0;
    /* A dropped message is counted in the transport; the sender's session resends. */
    e = tt_mqtt_accept(obj, msg->topic, msg->payload,
                       msg->payloadlen < 0 ? 0 : (size_t)msg->payloadlen);
    (void)e;
}

static void on_unsubscribe(struct mosquitto *m, void *obj, int mid)
{
    struct tt_mqtt *c = obj;
    (void)m;
    (void)mid;
    c->synced = 1;
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* One turn of the network loop: waits up to timeout_ms for the socket, reads one packet,
 * writes what is pending, sends keepalives. TT_ERR_IO once the connection is gone. */
TT_MUST_CHECK static tt_err turn(struct tt_mqtt *c, int timeout_ms)
{
    int fd = mosquitto_socket(c->m), rc;
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (fd < 0)
        return TT_ERR_IO;
    if (mosquitto_want_write(c->m))
        p.events |= POLLOUT;
    rc = poll(&p, 1, timeout_ms);
    if (rc < 0)
        return errno == EINTR ? TT_OK : TT_ERR_IO;
    if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
        if (mosquitto_loop_read(c->m, 1) != MOSQ_ERR_SUCCESS)
            goto lost;
    }
    if ((p.revents & POLLOUT) && mosquitto_loop_write(c->m, 1) != MOSQ_ERR_SUCCESS)
        goto lost;
    if (mosquitto_loop_misc(c->m) != MOSQ_ERR_SUCCESS)
        goto lost;
    return TT_OK;
lost:
    c->connected = 0;
    c->subscribed = 0;
    return TT_ERR_IO;
}

/* Waits until *flag leaves 0 (CONNACK, SUBACK); TT_ERR_IO on a refusal or a lost link. */
TT_MUST_CHECK static tt_err wait_for(struct tt_mqtt *c, const int *flag, int timeout_ms)
{
    uint64_t end = now_ms() + (uint64_t)timeout_ms;
    while (*flag == 0 && c->connack_rc <= 0) {
        uint64_t t = now_ms();
        if (t >= end)
            return TT_ERR_TIMEOUT;
        if (turn(c, (int)(end - t > 50 ? 50 : end - t)) != TT_OK)
            return TT_ERR_IO;
    }
    return *flag > 0 && c->connack_rc <= 0 ? TT_OK : TT_ERR_IO;
}

/* After a CONNACK: subscribe to our topic and, for a device, announce it is online. */
TT_MUST_CHECK static tt_err session_up(struct tt_mqtt *c, int timeout_ms)
{
    tt_err e;
    c->subscribed = 0;
    if (mosquitto_subscribe(c->m, NULL, c->sub, 1) != MOSQ_ERR_SUCCESS)
        return TT_ERR_IO;
    e = wait_for(c, &c->subscribed, timeout_ms);
    if (e != TT_OK || c->role != TT_MQTT_DEVICE)
        return e;
    return mosquitto_publish(c->m, NULL, c->presence, (int)strlen(PRESENCE_ONLINE),
                             PRESENCE_ONLINE, 1, true) == MOSQ_ERR_SUCCESS ? TT_OK : TT_ERR_IO;
}

TT_MUST_CHECK static tt_err dial(struct tt_mqtt *c, int first, int timeout_ms)
{
    int rc;
    tt_err e;
    c->connected = 0;
    c->connack_rc = 0;
    rc = first ? mosquitto_connect(c->m, c->host, c->port, KEEPALIVE_S) : mosquitto_reconnect(c->m);
    if (rc != MOSQ_ERR_SUCCESS)
        return TT_ERR_IO;
    e = wait_for(c, &c->connected, timeout_ms);
    return e == TT_OK ? session_up(c, timeout_ms) : e;
}

TT_MUST_CHECK static tt_err mqtt_send(struct tt_transport *t, const uint8_t *buf, size_t len)
{
    struct tt_mqtt *c = (struct tt_mqtt *)t;
    int rc;
    if (len == 0 || len > TT_PKT_MAX_LEN) /* [MTB-001]: never put an empty or long message */
        return TT_ERR_PKT_LENGTH;
    if (!c->connected) {
        c->dropped_offline++; /* recv notices the loss and reconnects; the session resends */
        return TT_OK;
    }
    rc = mosquitto_publish(c->m, NULL, c->pub, (int)len, buf, 1, false); /* [MTB-003] */
    if (rc == MOSQ_ERR_NO_CONN || rc == MOSQ_ERR_CONN_LOST) {
        c->connected = 0;
        c->dropped_offline++;
        return TT_OK;
    }
    if (rc != MOSQ_ERR_SUCCESS)
        return TT_ERR_IO;
    if (mosquitto_want_write(c->m) && mosquitto_loop_write(c->m, 1) != MOSQ_ERR_SUCCESS)
        c->connected = 0;
    return TT_OK;
}

TT_MUST_CHECK static tt_err mqtt_recv(struct tt_transport *t, uint8_t *buf, size_t cap, size_t *n,
                        int timeout_ms)
{
    struct tt_mqtt *c = (struct tt_mqtt *)t;
    if (c->qn == 0) {
        if (!c->connected)
            return TT_ERR_IO;
        if (turn(c, timeout_ms) != TT_OK)
            return TT_ERR_IO;
        if (c->qn == 0)
            return TT_ERR_TIMEOUT;
    }
    return tt_mqtt_take(c, buf, cap, n);
}

TT_MUST_CHECK static tt_err make_handle(struct tt_mqtt *c);

TT_MUST_CHECK static tt_err mqtt_reconnect(struct tt_transport *t)
{
    struct tt_mqtt *c = (struct tt_mqtt *)t;
    uint64_t end = now_ms() + (uint64_t)c->reconnect_ms;
    struct timespec pause = {0, 100 * 1000000L};
    /* After close, as on TCP, a reconnect opens a new connection: the handle is made again. */
    int first = !c->m;
    if (first && make_handle(c) != TT_OK)
        return TT_ERR_IO;
    do {
        tt_err e = dial(c, first, 2000);
        if (e == TT_OK)
            return TT_OK;
        if (c->connack_rc > 0)
            return TT_ERR_IO; /* refused (credentials): retrying will not help */
        nanosleep(&pause, NULL);
    } while (now_ms() < end);
    return TT_ERR_IO;
}

static void mqtt_close(struct tt_transport *t)
{
    struct tt_mqtt *c = (struct tt_mqtt *)t;
    if (!c->m)
        return;
    if (c->connected && c->role == TT_MQTT_DEVICE) /* a clean exit sends no will */
        (void)mosquitto_publish(c->m, NULL, c->presence, (int)strlen(PRESENCE_OFFLINE),
                                PRESENCE_OFFLINE, 1, true);
    if (c->connected) {
        (void)mosquitto_loop_write(c->m, 1);
        (void)mosquitto_disconnect(c->m);
    }
    mosquitto_destroy(c->m);
    c->m = NULL;
    c->connected = 0;
}

static int mqtt_pollfd(struct tt_transport *t)
{
    struct tt_mqtt *c = (struct tt_mqtt *)t;
    return c->m ? mosquitto_socket(c->m) : -1;
}

/* Everything but the network: topics, callbacks, options. */
TT_MUST_CHECK static tt_err prepare(struct tt_mqtt *c, const char *addr, const struct tt_mqtt_login *login,
                      const uint8_t id[16], enum tt_mqtt_role role)
{
    static int lib_ready;
    tt_err e;
    memset(c, 0, sizeof *c);
    e = tt_mqtt_parse(addr, c->host, sizeof c->host, &c->port);
    if (e != TT_OK)
        return e;
    c->role = role;
    c->login = *login;
    c->reconnect_ms = 30000;
    e = tt_mqtt_topic(c->sub, sizeof c->sub, id, role == TT_MQTT_CLIENT ? "up" : "down");
    if (e == TT_OK)
        e = tt_mqtt_topic(c->pub, sizeof c->pub, id, role == TT_MQTT_CLIENT ? "down" : "up");
    if (e == TT_OK)
        e = tt_mqtt_topic(c->presence, sizeof c->presence, id, "presence");
    if (e != TT_OK)
        return e;
    if (!lib_ready && mosquitto_lib_init() != MOSQ_ERR_SUCCESS)
        return TT_ERR_IO;
    lib_ready = 1;
    c->t.byte_stream = 0;
    c->t.send = mqtt_send;
    c->t.recv = mqtt_recv;
    c->t.reconnect = mqtt_reconnect;
    c->t.close = mqtt_close;
    c->t.pollfd = mqtt_pollfd;
    return make_handle(c);
}

/* The libmosquitto handle with our callbacks and options (at open, and again for a
 * reconnect after close). */
TT_MUST_CHECK static tt_err make_handle(struct tt_mqtt *c)
{
    c->m = mosquitto_new(NULL, true, c); /* a random client id: ACLs key on the username */
    if (!c->m)
        return TT_ERR_IO;
    mosquitto_connect_callback_set(c->m, on_connect);
    mosquitto_disconnect_callback_set(c->m, on_disconnect);
    mosquitto_subscribe_callback_set(c->m, on_subscribe);
    mosquitto_message_callback_set(c->m, on_message);
    mosquitto_unsubscribe_callback_set(c->m, on_unsubscribe);
    /* Nagle + delayed ACK cost ~88 ms per QoS 1 round trip on loopback ([MTB-024]). */
    if (mosquitto_int_option(c->m, MOSQ_OPT_TCP_NODELAY, 1) != MOSQ_ERR_SUCCESS ||
        mosquitto_username_pw_set(c->m, c->login.username, c->login.password) != MOSQ_ERR_SUCCESS)
        return TT_ERR_IO;
    if (c->role == TT_MQTT_DEVICE &&
        mosquitto_will_set(c->m, c->presence, (int)strlen(PRESENCE_OFFLINE), PRESENCE_OFFLINE,
                           1, true) != MOSQ_ERR_SUCCESS)
        return TT_ERR_IO;
    return TT_OK;
}

tt_err tt_mqtt_open(struct tt_mqtt *c, const char *addr, const struct tt_mqtt_login *login,
                    const uint8_t id[16], enum tt_mqtt_role role, int timeout_ms)
{
    tt_err e = prepare(c, addr, login, id, role);
    if (e == TT_OK)
        e = dial(c, 1, timeout_ms);
    if (e != TT_OK && c->m) {
        int refused = c->connack_rc;
        mqtt_close(&c->t);
        c->connack_rc = refused;
    }
    return e;
}

tt_err tt_mqtt_publish_any(struct tt_mqtt *c, const uint8_t *buf, size_t len)
{
    if (!c->connected || len > 4096)
        return TT_ERR_IO;
    if (mosquitto_publish(c->m, NULL, c->pub, (int)len, len ? buf : NULL, 1, false) !=
        MOSQ_ERR_SUCCESS)
        return TT_ERR_IO;
    return mosquitto_want_write(c->m) && mosquitto_loop_write(c->m, 1) != MOSQ_ERR_SUCCESS
               ? TT_ERR_IO
               : TT_OK;
}

tt_err tt_mqtt_sync(struct tt_mqtt *c, int timeout_ms)
{
    c->synced = 0;
    if (!c->connected || mosquitto_unsubscribe(c->m, NULL, "tether/-/sync") != MOSQ_ERR_SUCCESS)
        return TT_ERR_IO;
    return wait_for(c, &c->synced, timeout_ms);
}
