/* sup_harness.c — the supervisor on the host port, driven by real clients (sup_harness.h).
 * Test code: failures abort through Check's assertions. */
#include "sup_harness.h"

#include <check.h>
#include <stddef.h>
#include <string.h>

#include "../core/loop.h"
#include "tether/bytes.h"
#include "tether/crypto_backends.h"
#include "tether/framing.h"
#include "tether/grant.h"
#include "tether/p256.h"

struct tt_sup h_sup;
struct tt_target h_target;
struct tt_sup_identity h_identity;
struct tt_port_keys h_keys;
struct tt_sup_ota h_ota;
uint8_t h_device_pub[32];
uint8_t h_owner_priv[32], h_owner_pub[TT_P256_PUB_LEN];
uint8_t h_attest_pub[TT_P256_PUB_LEN];

#define MAX_CLIENTS 8
static struct h_client *clients[MAX_CLIENTS];
static struct tt_frame_decoder hdec;
#define RAW_Q 64 /* a burst of initiations gets a pending and a response each ([HS-070]) */
static uint8_t raw[RAW_Q][TT_PKT_MAX_LEN];
static size_t raw_len[RAW_Q];
static unsigned raw_head, raw_count;

static const uint16_t prog_main[] = {0x2000, 0xBF00, 0xF000, 0xF87C, 0x3001, 0xE7FA};
static const uint16_t prog_func[] = {0xBF00, 0xBF00, 0x4770};
static const uint16_t prog_count[] = {0x2000, 0x3001, 0x2805, 0xD1FC, 0xBF00, 0xE7FE};
static const uint16_t prog_fault[] = {0xBF00, 0xDE00};

static tt_err rnd(void *ctx, uint8_t *b, size_t n)
{
    return tt_crypto_sodium.random(ctx, b, n);
}

static void load_app(void)
{
    const uint16_t vectors[] = {(uint16_t)H_RAM_TOP, (uint16_t)(H_RAM_TOP >> 16),
                                (uint16_t)(H_DEVICE_CODE(H_MAIN) | 1u),
                                (uint16_t)(H_DEVICE_CODE(H_MAIN) >> 16)};
    tt_double_init();
    tt_double_load(H_DEVICE_CODE(0), vectors, 4);
    tt_double_load(H_DEVICE_CODE(H_MAIN), prog_main, 6);
    tt_double_load(H_DEVICE_CODE(H_FUNC), prog_func, 3);
    tt_double_load(H_DEVICE_CODE(H_COUNT), prog_count, 6);
    tt_double_load(H_DEVICE_CODE(H_FAULT), prog_fault, 2);
}

/* What the port's main does: the app from reset, running; the supervisor started. */
static void start(void)
{
    tt_target_init(&h_target);
    ck_assert_int_eq(tt_target_reset_app(&h_target), TT_OK);
    ck_assert_int_eq(tt_target_resume(&h_target, TT_RUN_CONTINUE, 0, 0), TT_OK);
    ck_assert_int_eq(tt_sup_init_ota(&h_sup, &h_identity, &h_ota), TT_OK);
    tt_frame_decoder_init(&hdec);
    memset(clients, 0, sizeof clients);
    raw_head = raw_count = 0;
}

void h_boot(void)
{
    tt_host_init(); /* formats the flash: no record */
    memset(&h_keys, 0, sizeof h_keys);
    ck_assert_int_eq(rnd(NULL, h_keys.static_private, 32), TT_OK);
    ck_assert_int_eq(tt_crypto_sodium.x25519_public(h_device_pub, h_keys.static_private), TT_OK);
    ck_assert_int_eq(rnd(NULL, h_keys.device_id, 16), TT_OK);
    ck_assert_int_eq(tt_p256_keygen(h_owner_priv, h_owner_pub, rnd, NULL), TT_OK);
    memcpy(h_keys.owner_public, h_owner_pub, sizeof h_owner_pub);
    ck_assert_int_eq(tt_p256_keygen(h_keys.attest_private, h_attest_pub, rnd, NULL), TT_OK);
    tt_host_set_keys(&h_keys);
    memset(&h_identity, 0, sizeof h_identity);
    h_identity.supervisor_version = TT_SUP_VERSION;
    h_identity.app_version = 0x010203;
    memset(h_identity.app_measurement, 0xA5, sizeof h_identity.app_measurement);
    memset(h_identity.supervisor_measurement, 0x5A, sizeof h_identity.supervisor_measurement);
    h_identity.lifecycle = tether_v1_Lifecycle_LIFECYCLE_PROVISIONING;
    h_identity.debug_state = tether_v1_DebugState_DEBUG_HARDWARE_OPEN;
    load_app();
    start();
}

void h_reboot(void)
{
    uint8_t sink[256];
    while (tt_host_link_drain(sink, sizeof sink) > 0) {
    }
    load_app();
    start();
}

void h_id_new(struct h_id *id)
{
    memset(id, 0, sizeof *id);
    ck_assert_int_eq(rnd(NULL, id->sk, 32), TT_OK);
    ck_assert_int_eq(tt_crypto_sodium.x25519_public(id->pk, id->sk), TT_OK);
    id->ts = 1000;
}

void h_grant(const struct h_id *id, const struct h_grant_opts *o, tether_v1_SignedGrant *g)
{
    tether_v1_GrantBody b = tether_v1_GrantBody_init_zero;
    b.format = 1;
    memcpy(b.client_key, o->client_key ? o->client_key : id->pk, 32);
    b.which_scope = tether_v1_GrantBody_device_id_tag;
    memcpy(b.scope.device_id, h_keys.device_id, 16);
    if (o->other_device)
        b.scope.device_id[0] ^= 0xFF;
    b.permissions = o->permissions;
    b.not_before = o->not_before ? o->not_before : 1;
    b.not_after = o->not_after ? o->not_after : 4000000000u;
    b.serial = o->serial ? o->serial : 1;
    ck_assert_int_eq(tt_grant_sign(&b, h_owner_priv, g), TT_OK);
    if (o->bad_signature)
        g->signature[5] ^= 1;
}

void h_hello(struct h_id *id, const tether_v1_SignedGrant *g, tether_v1_ClientHello *h)
{
    memset(h, 0, sizeof *h);
    h->version_min = 1;
    h->version_max = 1;
    h->timestamp = ++id->ts;
    h->has_grant = g != NULL;
    if (g != NULL)
        h->grant = *g;
}

/* ---- the routed link ---- */

static struct h_client *of(struct tt_transport *t)
{
    return (struct h_client *)(void *)((char *)t - offsetof(struct h_client, t));
}

static void enqueue(uint8_t (*q)[TT_PKT_MAX_LEN], size_t *ql, unsigned cap, unsigned *head,
                    unsigned *count, const uint8_t *p, size_t n)
{
    if (*count == cap) { /* full: oldest dropped, like a lossy link */
        *head = (*head + 1) % cap;
        (*count)--;
    }
    unsigned at = (*head + *count) % cap;
    memcpy(q[at], p, n);
    ql[at] = n;
    (*count)++;
}

static void route(const uint8_t *p, size_t n)
{
    uint32_t id = 0;
    if (n >= 9 && p[0] == TT_PKT_RESPONSE)
        id = tt_load_be32(p + 5);
    else if (n >= 5 && (p[0] == TT_PKT_RECORD || p[0] == TT_PKT_PENDING))
        id = tt_load_be32(p + 1); /* a pending names the client's own sender_id */
    for (unsigned k = 0; k < MAX_CLIENTS; k++) {
        struct h_client *c = clients[k];
        if (c != NULL && id != 0 && c->c.s.local_id == id) {
            enqueue(c->q, c->qlen, 16, &c->head, &c->count, p, n);
            return;
        }
    }
    enqueue(raw, raw_len, RAW_Q, &raw_head, &raw_count, p, n);
}

void h_run(unsigned turns)
{
    uint8_t b[512];
    for (unsigned k = 0; k < turns; k++) {
        tt_loop_once(&h_target, tt_sup_service, &h_sup);
        size_t got;
        while ((got = tt_host_link_drain(b, sizeof b)) > 0) {
            size_t off = 0;
            while (off < got) {
                size_t used = 0;
                tt_err e = tt_frame_push(&hdec, b + off, got - off, &used);
                off += used;
                const uint8_t *p;
                size_t pl;
                while (tt_frame_pop(&hdec, &p, &pl) == TT_OK)
                    route(p, pl);
                if (e == TT_ERR_FRAME_NONE && used == 0)
                    break;
            }
        }
    }
}

void h_feed_bytes(const uint8_t *b, size_t len)
{
    while (len > 0) {
        size_t n = tt_host_link_feed(b, len);
        b += n;
        len -= n;
        if (len > 0)
            h_run(1);
    }
}

void h_feed_packet(const uint8_t *pkt, size_t len)
{
    uint8_t f[TT_PKT_MAX_LEN + TT_FRAME_OVERHEAD];
    size_t n;
    ck_assert_int_eq(tt_frame_encode(pkt, len, f, sizeof f, &n), TT_OK);
    h_feed_bytes(f, n);
}

size_t h_raw_packet(uint8_t *out, size_t cap)
{
    if (raw_count == 0)
        return 0;
    size_t n = raw_len[raw_head];
    ck_assert_uint_le(n, cap);
    memcpy(out, raw[raw_head], n);
    raw_head = (raw_head + 1) % RAW_Q;
    raw_count--;
    return n;
}

static tt_err lb_send(struct tt_transport *t, const uint8_t *buf, size_t len)
{
    (void)t;
    h_feed_packet(buf, len);
    return TT_OK;
}

static tt_err lb_recv(struct tt_transport *t, uint8_t *buf, size_t cap, size_t *n,
                      int timeout_ms)
{
    struct h_client *c = of(t);
    (void)timeout_ms; /* the device is turned here: a few turns stand for the wait */
    for (unsigned k = 0; k < 64; k++) {
        if (c->count > 0) {
            size_t l = c->qlen[c->head];
            if (l > cap)
                return TT_ERR_NO_SPACE;
            memcpy(buf, c->q[c->head], l);
            *n = l;
            c->head = (c->head + 1) % 16;
            c->count--;
            return TT_OK;
        }
        h_run(1);
    }
    return TT_ERR_TIMEOUT;
}

static tt_err lb_reconnect(struct tt_transport *t)
{
    (void)t;
    return TT_OK;
}

static void lb_close(struct tt_transport *t)
{
    (void)t;
}

void h_forget(struct h_client *cl)
{
    for (unsigned k = 0; k < MAX_CLIENTS; k++)
        if (clients[k] == cl)
            clients[k] = NULL;
}

tt_err h_connect_hello(struct h_client *cl, const struct h_id *id, const tether_v1_ClientHello *h)
{
    memset(cl, 0, sizeof *cl);
    cl->t.byte_stream = 0; /* one packet per message: the harness frames */
    cl->t.send = lb_send;
    cl->t.recv = lb_recv;
    cl->t.reconnect = lb_reconnect;
    cl->t.close = lb_close;
    unsigned k = 0;
    while (k < MAX_CLIENTS && clients[k] != NULL && clients[k] != cl)
        k++;
    ck_assert_uint_lt(k, MAX_CLIENTS);
    clients[k] = cl;
    return tt_client_connect(&cl->c, &cl->t, &tt_crypto_sodium, id->sk, h_device_pub, h, 3000);
}

tt_err h_connect(struct h_client *cl, struct h_id *id, uint32_t perms)
{
    tether_v1_SignedGrant g;
    tether_v1_ClientHello h;
    struct h_grant_opts o = {.permissions = perms};
    h_grant(id, &o, &g);
    h_hello(id, &g, &h);
    return h_connect_hello(cl, id, &h);
}

tt_err h_call(struct h_client *cl, tether_v1_Message *req, tether_v1_Message *rep)
{
    tt_err e = tt_client_call(&cl->c, req, rep, 3000);
    if (e != TT_OK)
        return e;
    ck_assert_uint_eq(rep->request_id, req->request_id);
    return rep->which_body == tether_v1_Message_error_tag ? (tt_err)rep->body.error.code : TT_OK;
}

tt_err h_event(struct h_client *cl, tether_v1_Message *ev, int timeout_ms)
{
    return tt_client_next_event(&cl->c, ev, timeout_ms);
}

void h_send_raw(struct h_client *cl, const uint8_t *msg, size_t len)
{
    uint8_t pkt[TT_PKT_MAX_LEN];
    size_t n;
    ck_assert_int_eq(tt_session_send(&cl->c.s, msg, len, tt_client_now_ms(), pkt, sizeof pkt, &n),
                     TT_OK);
    h_feed_packet(pkt, n);
}
