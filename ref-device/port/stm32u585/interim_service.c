/* interim_service.c — the service the STM32U585 image runs until the portable session core
 * (ref-device/core sessions and services) lands; then main.c passes that core's service to
 * tt_loop_once instead and this file goes.
 *
 * It links the real protocol stack so the image's size and stack figures mean something:
 * framing (decoder/encoder) on the link, one device session (Noise IK responder through
 * lib/session), the ClientHello checks that gate a session (grant signature and scope with
 * ECDSA P-256, replay timestamp persisted in TT_REC_REPLAY), the reliable message layer,
 * and the message codec answering Ping with Pong and anything else with Error
 * (MSG_UNSUPPORTED). No debug/OTA/attestation handlers: those belong to the core. Depends on
 * u585.h, core/loop.h and lib/ (framing, session, grant, messages, crypto). */
#include "interim_service.h"

#include <string.h>

#include "tether/crypto_backends.h"
#include "tether/framing.h"
#include "tether/grant.h"
#include "tether/messages.h"
#include "tether/session.h"

#define WINDOW 2u /* reliability slots: 1.4 KB each (RAM goal, see README) */
#define SESSION_ID 1u

static struct tt_frame_decoder dec;
static struct tt_session sess;
static struct tt_rel_slot slots[WINDOW];
static uint8_t pkt[TT_PKT_MAX_LEN], frame[TT_PKT_MAX_LEN + TT_FRAME_OVERHEAD];
static uint8_t work[TT_RECORD_MAX_PLAINTEXT];
static tether_v1_Message msg;
static tether_v1_ClientHello hello;
static struct tt_port_keys keys;
static const struct tt_crypto *crypto;

static void send_packet(const uint8_t *p, size_t len)
{
    size_t n;
    if (tt_frame_encode(p, len, frame, sizeof frame, &n) != TT_OK)
        return;
    size_t off = 0;
    while (off < n) { /* the tx ring is larger than a frame: this only waits for space */
        off += tt_port_link_write(frame + off, n - off);
        if (off < n)
            tt_port_idle();
    }
}

static uint64_t replay_floor(void)
{
    uint8_t b[8];
    size_t n = sizeof b;
    uint64_t v = 0;
    if (tt_port_store_read(TT_REC_REPLAY, b, &n) == TT_OK && n == sizeof b)
        for (unsigned i = 0; i < 8; i++)
            v = v << 8 | b[i];
    return v;
}

/* Judges an accepted initiation and answers it ([HS]): grant, then replay timestamp. */
static void on_initiation(const uint8_t *p, size_t len, uint64_t now)
{
    uint8_t hb[sizeof(tether_v1_ClientHello) + 64];
    size_t hlen;
    if (sess.state == TT_SESSION_ESTABLISHED)
        tt_session_close(&sess);
    if (tt_session_accept(&sess, crypto, keys.static_private, p, len, hb, sizeof hb, &hlen) !=
        TT_OK)
        return;
    tether_v1_HandshakeReply reply = tether_v1_HandshakeReply_init_zero;
    tether_v1_GrantBody body;
    tt_err why = tt_pb_decode(tether_v1_ClientHello_fields, hb, hlen, &hello);
    if (why == TT_OK && !hello.has_grant)
        why = TT_ERR_GRANT_MALFORMED;
    if (why == TT_OK) {
        struct tt_grant_policy pol = {.owner_pub = keys.owner_public};
        memcpy(pol.device_id, keys.device_id, sizeof pol.device_id);
        why = tt_grant_verify(&hello.grant, &pol, sess.peer_static, &body);
    }
    uint64_t floor = replay_floor();
    if (why == TT_OK && hello.timestamp <= floor)
        why = TT_ERR_HS_REPLAY;
    if (why == TT_OK) {
        uint8_t b[8];
        for (unsigned i = 0; i < 8; i++)
            b[i] = (uint8_t)(hello.timestamp >> (56 - 8 * i));
        if (tt_port_store_write(TT_REC_REPLAY, b, sizeof b) != TT_OK)
            why = TT_ERR_STORAGE;
    }
    if (why == TT_OK) {
        reply.which_reply = tether_v1_HandshakeReply_hello_tag;
        reply.reply.hello.version = TT_PROTOCOL_VERSION;
        memcpy(reply.reply.hello.device_id, keys.device_id, sizeof keys.device_id);
        reply.reply.hello.granted_permissions = body.permissions;
    } else {
        reply.which_reply = tether_v1_HandshakeReply_refusal_tag;
        reply.reply.refusal.error_code = (uint32_t)why;
    }
    uint8_t rb[sizeof(tether_v1_HandshakeReply) + 16];
    size_t rlen, n;
    if (tt_pb_encode(tether_v1_HandshakeReply_fields, &reply, rb, sizeof rb, &rlen) != TT_OK ||
        tt_session_respond(&sess, SESSION_ID, NULL, rb, rlen, slots, WINDOW, TT_RTO_INITIAL_MS,
                           now, pkt, sizeof pkt, &n) != TT_OK)
        return;
    send_packet(pkt, n);
    if (why != TT_OK)
        tt_session_close(&sess);
}

/* m points into work: it is decoded into msg before work is reused for the answer. */
static void on_message(const uint8_t *m, size_t len, uint64_t now)
{
    uint32_t req;
    if (tt_msg_decode(m, len, &msg) != TT_OK)
        return;
    req = msg.request_id;
    if (msg.which_body == tether_v1_Message_ping_tag) {
        uint64_t nonce = msg.body.ping.nonce;
        memset(&msg, 0, sizeof msg);
        msg.which_body = tether_v1_Message_pong_tag;
        msg.body.pong.nonce = nonce;
        msg.body.pong.device_time_ms = now;
    } else {
        memset(&msg, 0, sizeof msg);
        msg.which_body = tether_v1_Message_error_tag;
        msg.body.error.code = TT_ERR_MSG_UNSUPPORTED;
    }
    msg.request_id = req;
    size_t elen, n;
    if (tt_msg_encode(&msg, work, sizeof work, &elen) == TT_OK &&
        tt_session_send(&sess, work, elen, now, pkt, sizeof pkt, &n) == TT_OK)
        send_packet(pkt, n);
}

static void on_packet(const uint8_t *p, size_t len, uint64_t now)
{
    if (len == 0)
        return;
    if (p[0] == TT_PKT_INITIATION) {
        on_initiation(p, len, now);
        return;
    }
    if (sess.state != TT_SESSION_ESTABLISHED)
        return;
    const uint8_t *m;
    size_t mlen;
    if (tt_session_receive(&sess, p, len, now, work, sizeof work, &m, &mlen) == TT_OK)
        on_message(m, mlen, now);
}

tt_err u585_interim_init(const struct tt_crypto *c)
{
    crypto = c;
    tt_frame_decoder_init(&dec);
    return tt_port_keys(&keys);
}

void u585_interim_service(void *ctx, struct tt_target *t)
{
    (void)ctx;
    (void)t;
    uint8_t in[64];
    size_t got;
    uint64_t now = tt_port_time_ms();
    while ((got = tt_port_link_read(in, sizeof in)) > 0) {
        size_t off = 0;
        while (off < got) {
            size_t used = 0;
            tt_err e = tt_frame_push(&dec, in + off, got - off, &used);
            off += used;
            const uint8_t *p;
            size_t plen;
            while (tt_frame_pop(&dec, &p, &plen) == TT_OK)
                on_packet(p, plen, now);
            if (e == TT_ERR_FRAME_NONE && used == 0)
                break;
        }
    }
    size_t n;
    while (sess.state == TT_SESSION_ESTABLISHED &&
           tt_session_poll(&sess, now, pkt, sizeof pkt, &n) == TT_OK)
        send_packet(pkt, n);
    uint8_t log[TT_APP_LOG_SLOT];
    uint32_t seq;
    while (tt_port_app_log_read(log, sizeof log, &seq) > 0) {
    }
    if (tt_port_app_requests() & TT_APP_REQ_REBOOT)
        tt_port_reset();
}
