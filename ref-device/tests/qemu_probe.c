/* qemu_probe.c — the client half of the QEMU persistence tests (qemu_persist.sh): makes one
 * ClientHello and reuses it across device restarts, and reports what the device's handshake
 * answer says about its randomness and its app.
 *   qemu_probe DEVICE.json OWNER.pem STATE hello    a new client key and a ClientHello (grant
 *                                                  signed by the owner, serial 100, timestamp
 *                                                  now) kept
 *                                                  in STATE
 *   qemu_probe DEVICE.json OWNER.pem STATE connect  a handshake with STATE's hello (a new
 *                                                  client ephemeral each time); prints
 *     result=<error name> session=<device's session id> ephemeral=<device's ephemeral key>
 *     app=<app measurement from DeviceHello>
 * The device's ephemeral is read from its response packet (type, sender, receiver, e ...),
 * taken from the link as it arrives. Exit 0 when the device answered (accepted or refused),
 * 1 otherwise. Host only. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../../ref-client/conn/client.h"
#include "../../ref-client/conn/keyfile.h"
#include "../../ref-client/conn/transport.h"
#include "tether/crypto_backends.h"
#include "tether/framing.h"
#include "tether/grant.h"
#include "tether/messages.h"
#include "tether/p256.h"

static struct tt_client cl;
static struct tt_tcp tcp;
static struct tt_transport tap; /* tcp, with a look at what the device sends */
static struct tt_frame_decoder dec;
static uint8_t dev_ephemeral[32];
static int have_ephemeral;

static tt_err tap_send(struct tt_transport *t, const uint8_t *b, size_t n)
{
    (void)t;
    return tcp.t.send(&tcp.t, b, n);
}

static tt_err tap_recv(struct tt_transport *t, uint8_t *b, size_t cap, size_t *n, int ms)
{
    (void)t;
    tt_err e = tcp.t.recv(&tcp.t, b, cap, n, ms);
    for (size_t at = 0; e == TT_OK && at < *n;) {
        size_t used;
        const uint8_t *p;
        size_t plen;
        tt_err pe = tt_frame_push(&dec, b + at, *n - at, &used);
        at += used;
        while (pe == TT_OK && tt_frame_pop(&dec, &p, &plen) == TT_OK)
            if (!have_ephemeral && plen >= TT_RESPONSE_HEADER_LEN + 32 &&
                p[0] == TT_PKT_RESPONSE) {
                memcpy(dev_ephemeral, p + TT_RESPONSE_HEADER_LEN, 32);
                have_ephemeral = 1;
            }
        if (pe != TT_OK && used == 0)
            break;
    }
    return e;
}

static tt_err tap_reconnect(struct tt_transport *t)
{
    (void)t;
    return tcp.t.reconnect(&tcp.t);
}

static void tap_close(struct tt_transport *t)
{
    (void)t;
    tcp.t.close(&tcp.t);
}

static int tap_pollfd(struct tt_transport *t)
{
    (void)t;
    return tcp.t.pollfd(&tcp.t);
}

static void hex(const char *name, const uint8_t *p, size_t n)
{
    printf(" %s=", name);
    for (size_t i = 0; i < n; i++)
        printf("%02x", p[i]);
}

int main(int argc, char **argv)
{
    static struct tt_device_record rec;
    static char pem[2048];
    static uint8_t state[32 + tether_v1_ClientHello_size];
    static tether_v1_ClientHello hello;
    size_t n;
    if (argc != 5 || tt_device_record_load(argv[1], &rec) != TT_OK) {
        fprintf(stderr, "usage: qemu_probe DEVICE.json OWNER.pem STATE hello|connect\n");
        return 2;
    }
    if (strcmp(argv[4], "hello") == 0) {
        uint8_t owner[TT_P256_PRIV_LEN];
        tether_v1_GrantBody b;
        if (tt_file_read(argv[2], (uint8_t *)pem, sizeof pem - 1, &n) != TT_OK)
            return 2;
        pem[n] = 0;
        if (tt_p256_priv_from_pem(owner, pem) != TT_OK || tt_entropy_host(NULL, state, 32) != TT_OK)
            return 2;
        memset(&b, 0, sizeof b);
        b.format = 1;
        if (tt_crypto_sodium.x25519_public(b.client_key, state) != TT_OK)
            return 2;
        b.which_scope = tether_v1_GrantBody_device_id_tag;
        memcpy(b.scope.device_id, rec.device_id, 16);
        b.permissions = TT_PERM_ALL;
        b.not_before = (uint64_t)time(NULL) - 60;
        b.not_after = (uint64_t)time(NULL) + 3600;
        b.serial = 100; /* above any floor the tests raise */
        memset(&hello, 0, sizeof hello);
        hello.version_min = hello.version_max = TT_PROTOCOL_VERSION;
        hello.timestamp = (uint64_t)time(NULL) * 1000u;
        hello.has_grant = true;
        snprintf(hello.client_name, sizeof hello.client_name, "qemu_probe");
        if (tt_grant_sign(&b, owner, &hello.grant) != TT_OK ||
            tt_pb_encode(tether_v1_ClientHello_fields, &hello, state + 32, sizeof state - 32,
                         &n) != TT_OK ||
            tt_file_write(argv[3], state, 32 + n, 1) != TT_OK)
            return 2;
        return 0;
    }
    if (strcmp(argv[4], "connect") != 0)
        return 2;
    if (tt_file_read(argv[3], state, sizeof state, &n) != TT_OK || n <= 32 ||
        tt_pb_decode(tether_v1_ClientHello_fields, state + 32, n - 32, &hello) != TT_OK)
        return 2;
    uint8_t device_pk[32];
    memcpy(device_pk, rec.static_public, 32);
    if (tt_tcp_open(&tcp, rec.link, 3000) != TT_OK) {
        printf("result=no-link\n");
        return 1;
    }
    tap = tcp.t;
    tap.send = tap_send;
    tap.recv = tap_recv;
    tap.reconnect = tap_reconnect;
    tap.close = tap_close;
    tap.pollfd = tap_pollfd;
    tt_frame_decoder_init(&dec);
    /* 30 s: the power-cut sweeps call this on a machine that may be heavily loaded, where
     * the emulated device's handshake crypto alone can take several seconds */
    tt_err e = tt_client_connect(&cl, &tap, &tt_crypto_sodium, state, device_pk, &hello, 30000);
    int answered = e == TT_OK || cl.reply.which_reply == tether_v1_HandshakeReply_refusal_tag;
    printf("result=%s", tt_err_name(e));
    printf(" session=%08x", e == TT_OK ? cl.s.remote_id : 0u);
    hex("ephemeral", dev_ephemeral, have_ephemeral ? 32 : 0);
    if (e == TT_OK)
        hex("app", cl.reply.reply.hello.app_measurement, 32);
    printf("\n");
    if (e == TT_OK)
        tt_client_close(&cl);
    else
        tap.close(&tap);
    return answered ? 0 : 1;
}
