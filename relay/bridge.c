/* bridge.c — `tether-bridge`: the device's modem. It holds the device's byte-stream link
 * (QEMU's UART socket here, a serial port in the field) and the broker connection, logged in
 * as the device, and moves packets between them: one verified frame -> one QoS 1 message on
 * tether/<id>/up, one message on tether/<id>/down -> one frame ([MTB-010]). It holds no
 * device keys and reads nothing inside a packet ([MTB-011], [MTB-013]). It keeps the device's
 * presence retained on tether/<id>/presence: "online" while connected, the broker's last-will
 * "offline" if the bridge vanishes ([MTB-030]..[MTB-033]).
 *
 *   tether-bridge --link tcp:HOST:PORT --broker mqtt://HOST:PORT --credentials FILE
 *                 --device-id HEX
 *
 * A lost broker is reconnected for as long as it takes (the device's sessions survive, the
 * reliability layer resends, [MTB-020]); a lost device link is re-opened the same way.
 * SIGTERM/SIGINT: announce offline, disconnect, print counters, exit 0. */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../ref-client/conn/keyfile.h"
#include "../ref-client/conn/link.h"
#include "bridge_path.h"

static volatile sig_atomic_t stop;
static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

struct bridge {
    struct tt_tcp uart;
    struct tt_mqtt mqtt;
    struct tt_frame_decoder dec;
    uint32_t up, down, dropped_down, broker_reconnects, link_reopens;
};

/* frame -> message: publish on up. While the broker is away the transport drops it. */
TT_MUST_CHECK static tt_err publish_up(void *ctx, const uint8_t *packet, size_t len)
{
    struct bridge *b = ctx;
    tt_err e = b->mqtt.t.send(&b->mqtt.t, packet, len);
    if (e == TT_OK)
        b->up++;
    return e;
}

/* Moves every queued broker message to the device; TT_ERR_IO when the broker is gone. */
TT_MUST_CHECK static tt_err pump_down(struct bridge *b, int timeout_ms)
{
    uint8_t msg[TT_PKT_MAX_LEN], frame[TT_PKT_MAX_LEN + TT_FRAME_OVERHEAD];
    size_t n, fl;
    tt_err e;
    while ((e = b->mqtt.t.recv(&b->mqtt.t, msg, sizeof msg, &n, timeout_ms)) == TT_OK) {
        timeout_ms = 0;
        if (tt_bridge_message_out(msg, n, frame, sizeof frame, &fl) != TT_OK) {
            b->dropped_down++;
            continue;
        }
        e = b->uart.t.send(&b->uart.t, frame, fl);
        if (e != TT_OK)
            return e == TT_ERR_IO ? TT_ERR_STATE : e; /* the device link, not the broker */
        b->down++;
    }
    return e == TT_ERR_TIMEOUT ? TT_OK : e;
}

TT_MUST_CHECK static tt_err pump_up(struct bridge *b)
{
    uint8_t buf[4096];
    size_t n;
    tt_err e = b->uart.t.recv(&b->uart.t, buf, sizeof buf, &n, 0);
    if (e == TT_ERR_TIMEOUT)
        return TT_OK;
    if (e != TT_OK)
        return TT_ERR_STATE;
    return tt_bridge_uart_in(&b->dec, buf, n, publish_up, b);
}

/* A cut device link: a new connection, and no half frame carried over ([FRM-010]). */
static int reopen_link(struct bridge *b)
{
    tt_frame_decoder_init(&b->dec);
    b->link_reopens++;
    fprintf(stderr, "tether-bridge: device link lost, re-opening\n");
    for (int i = 0; i < 50 && !stop; i++) {
        if (b->uart.t.reconnect(&b->uart.t) == TT_OK)
            return 0;
        nanosleep(&(struct timespec){0, 100000000L}, NULL);
    }
    fprintf(stderr, "tether-bridge: device link gone for good\n");
    return -1;
}

static int run(struct bridge *b)
{
    while (!stop) {
        struct pollfd p[2] = {{.fd = b->uart.t.pollfd(&b->uart.t), .events = POLLIN},
                              {.fd = b->mqtt.t.pollfd(&b->mqtt.t), .events = POLLIN}};
        tt_err e;
        if (poll(p, 2, 200) < 0 && errno != EINTR)
            return 3;
        e = (p[0].revents & (POLLIN | POLLHUP | POLLERR)) ? pump_up(b) : TT_OK;
        if (e == TT_OK)
            e = pump_down(b, 0);
        if (e == TT_ERR_STATE && reopen_link(b) != 0)
            return 3;
        while (e == TT_ERR_IO && !stop) { /* the broker: retry for as long as it takes */
            fprintf(stderr, "tether-bridge: broker connection lost, reconnecting\n");
            e = b->mqtt.t.reconnect(&b->mqtt.t);
            if (e == TT_OK)
                b->broker_reconnects++;
            else if (tt_mqtt_refusal(&b->mqtt)) {
                fprintf(stderr, "tether-bridge: broker refused the login: %s\n",
                        tt_mqtt_refusal(&b->mqtt));
                return 4;
            }
        }
    }
    return 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: tether-bridge --link tcp:HOST:PORT --broker mqtt://HOST:PORT "
                    "--credentials FILE --device-id HEX32\n");
    return 1;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"link", 1, 0, 'l'},        {"broker", 1, 0, 'b'},
                                         {"credentials", 1, 0, 'c'}, {"device-id", 1, 0, 'd'},
                                         {"help", 0, 0, 'h'},        {0, 0, 0, 0}};
    static struct bridge b;
    const char *link = NULL, *broker = NULL, *creds = NULL, *idhex = NULL;
    struct tt_mqtt_login login;
    uint8_t id[16];
    int c, rc;
    tt_err e;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'l': link = optarg; break;
        case 'b': broker = optarg; break;
        case 'c': creds = optarg; break;
        case 'd': idhex = optarg; break;
        default: return usage();
        }
    }
    if (optind != argc || !link || !broker || !creds || !idhex)
        return usage();
    if (strlen(idhex) != 32 || tt_hex_decode(idhex, 32, id, sizeof id) != TT_OK) {
        fprintf(stderr, "tether-bridge: --device-id must be 32 hex digits\n");
        return 1;
    }
    e = tt_broker_login_load(creds, &login);
    if (e != TT_OK) {
        fprintf(stderr, "tether-bridge: %s: %s (a JSON object with username and password)\n",
                creds, tt_err_text(e));
        return 2;
    }
    tt_frame_decoder_init(&b.dec);
    e = tt_tcp_open(&b.uart, link, 5000);
    if (e != TT_OK) {
        fprintf(stderr, "tether-bridge: device link %s: %s\n", link, tt_err_text(e));
        return 3;
    }
    /* Generous: a broker node of a cluster on a busy host may take seconds to answer its
     * first CONNECT; a modem waits for its network rather than give up. */
    e = tt_mqtt_open(&b.mqtt, broker, &login, id, TT_MQTT_DEVICE, 30000);
    memset(&login, 0, sizeof login);
    if (e != TT_OK) {
        fprintf(stderr, "tether-bridge: broker %s: %s%s%s\n", broker, tt_err_text(e),
                tt_mqtt_refusal(&b.mqtt) ? ": " : "",
                tt_mqtt_refusal(&b.mqtt) ? tt_mqtt_refusal(&b.mqtt) : "");
        b.uart.t.close(&b.uart.t);
        return tt_mqtt_refusal(&b.mqtt) ? 4 : 3;
    }
    b.mqtt.reconnect_ms = 5000;
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    signal(SIGPIPE, SIG_IGN);
    printf("tether-bridge: device %s online: %s <-> %s\n", idhex, link, broker);
    fflush(stdout);
    rc = run(&b);
    fprintf(stderr,
            "tether-bridge: up %u, down %u, dropped down %u (length %u, topic %u, queue %u), "
            "dropped while offline %u, rejected frames %u, broker reconnects %u, link "
            "re-opens %u\n",
            b.up, b.down, b.dropped_down, b.mqtt.dropped_length, b.mqtt.dropped_topic,
            b.mqtt.dropped_full, b.mqtt.dropped_offline,
            b.dec.stats.bad_header + b.dec.stats.bad_length + b.dec.stats.bad_crc,
            b.broker_reconnects, b.link_reopens);
    b.mqtt.t.close(&b.mqtt.t);
    b.uart.t.close(&b.uart.t);
    return rc;
}
