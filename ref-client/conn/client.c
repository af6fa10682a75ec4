/* client.c — the client session driver (client.h). */
#include <signal.h>
#include <string.h>

#include "client.h"

/* Set by the signal handler: every wait of the driver gives up with TT_ERR_INTERRUPTED so the
 * command can still Close its session ([HS-061]) on the way out. */
static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
    if (stop_signal != 0) { /* asked twice: the user wants out now, Close or not */
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    stop_signal = sig;
}

void tt_client_catch_signals(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal; /* no SA_RESTART: a blocked poll() returns EINTR */
    sigemptyset(&sa.sa_mask);
    for (size_t k = 0; k < sizeof sigs / sizeof sigs[0]; k++)
        sigaction(sigs[k], &sa, NULL);
}

int tt_client_stop_signal(void)
{
    return (int)stop_signal;
}

/* A wait the user asked to end; the Close of tt_client_close is the one wait that is not. */
static int interrupted(const struct tt_client *c)
{
    return stop_signal != 0 && !c->closing;
}

static tt_err send_packet(struct tt_client *c, const uint8_t *pkt, size_t n)
{
    uint8_t frame[TT_PKT_MAX_LEN + TT_FRAME_OVERHEAD];
    size_t fn;
    tt_err e;
    c->last_sent_ms = tt_client_now_ms();
    if (!c->t->byte_stream)
        return c->t->send(c->t, pkt, n);
    e = tt_frame_encode(pkt, n, frame, sizeof frame, &fn);
    return e == TT_OK ? c->t->send(c->t, frame, fn) : e;
}

/* Reads what the transport has within timeout_ms and hands every complete packet to fn. */
typedef tt_err (*packet_fn)(struct tt_client *c, const uint8_t *pkt, size_t n);

static tt_err read_packets(struct tt_client *c, int timeout_ms, packet_fn fn)
{
    uint8_t buf[4096];
    size_t n, off = 0;
    tt_err e = c->t->recv(c->t, buf, sizeof buf, &n, timeout_ms);
    if (e == TT_ERR_IO) {
        /* The connection dropped: take a new one and carry on with the same session. */
        tt_frame_decoder_init(&c->dec);
        e = c->t->reconnect(c->t);
        if (e != TT_OK)
            return e;
        c->reconnects++;
        tt_session_on_reconnect(&c->s);
        return TT_OK;
    }
    if (e != TT_OK)
        return e == TT_ERR_TIMEOUT ? TT_OK : e;
    if (!c->t->byte_stream)
        return fn(c, buf, n);
    while (off < n) {
        size_t used;
        const uint8_t *f;
        size_t fl;
        tt_err pe = tt_frame_push(&c->dec, buf + off, n - off, &used);
        off += used;
        if (pe != TT_OK)
            continue;
        while (tt_frame_pop(&c->dec, &f, &fl) == TT_OK) {
            e = fn(c, f, fl);
            if (e != TT_OK)
                return e;
        }
    }
    return TT_OK;
}

static tt_err flush(struct tt_client *c)
{
    uint8_t pkt[TT_PKT_MAX_LEN];
    size_t n;
    tt_err e;
    /* [HS-054]: nothing sent for TT_KEEPALIVE_MS: an ACK, so the device does not count the
     * session idle ([HS-060]) while we wait (a running app, GDB not yet connected). */
    if (c->s.state == TT_SESSION_ESTABLISHED &&
        tt_client_now_ms() - c->last_sent_ms >= TT_KEEPALIVE_MS) {
        e = tt_session_keepalive(&c->s, tt_client_now_ms(), pkt, sizeof pkt, &n);
        if (e == TT_OK)
            e = send_packet(c, pkt, n);
        if (e != TT_OK)
            return e;
    }
    while ((e = tt_session_poll(&c->s, tt_client_now_ms(), pkt, sizeof pkt, &n)) == TT_OK) {
        e = send_packet(c, pkt, n);
        if (e != TT_OK)
            return e;
    }
    return e == TT_ERR_REL_NONE ? TT_OK : e;
}

static void queue_event(struct tt_client *c, const tether_v1_Message *m)
{
    if (c->ev_count == TT_CLIENT_EVENTS) { /* keep the newest: drop the oldest */
        c->ev_head = (c->ev_head + 1) % TT_CLIENT_EVENTS;
        c->ev_count--;
        c->ev_dropped++;
    }
    c->events[(c->ev_head + c->ev_count) % TT_CLIENT_EVENTS] = *m;
    c->ev_count++;
}

static tt_err on_record(struct tt_client *c, const uint8_t *pkt, size_t n)
{
    static uint8_t work[TT_RECORD_MAX_PLAINTEXT];
    static tether_v1_Message m;
    const uint8_t *body;
    size_t bl;
    tt_err e = tt_session_receive(&c->s, pkt, n, tt_client_now_ms(), work, sizeof work, &body,
                                  &bl);
    if (e != TT_OK)
        return TT_OK; /* rejected or nothing to deliver: the session is unchanged */
    c->delivered++;
    if (tt_msg_decode(body, bl, &m) != TT_OK)
        return TT_OK; /* a message this client does not know: skipped, already acked */
    if (m.request_id == 0 && m.which_body == tether_v1_Message_close_tag)
        c->peer_closed = 1; /* [CTL-021]: the device ended the session; nothing to Close */
    if (m.request_id == 0)
        queue_event(c, &m);
    else if (c->waiting_reply && m.request_id == c->waiting_for) {
        *c->waiting_reply = m;
        c->got_reply = 1;
    }
    return TT_OK;
}

tt_err tt_client_pump(struct tt_client *c, int timeout_ms)
{
    tt_err e = read_packets(c, timeout_ms, on_record);
    if (e == TT_OK)
        e = flush(c);
    return e;
}

static tt_err on_response(struct tt_client *c, const uint8_t *pkt, size_t n)
{
    uint8_t payload[TT_PKT_MAX_LEN];
    size_t pl;
    tt_err e = tt_session_on_response(&c->s, pkt, n, tt_client_now_ms(), payload,
                                      sizeof payload, &pl);
    if (e != TT_OK)
        return TT_OK; /* not our response, forged or corrupted: keep waiting */
    c->handshake_done = 1;
    memset(c->pending_reply, 0, sizeof *c->pending_reply);
    c->handshake_error = tt_pb_decode(tether_v1_HandshakeReply_fields, payload, pl, c->pending_reply);
    if (c->handshake_error == TT_OK && c->pending_reply->which_reply == 0)
        c->handshake_error = TT_ERR_HS_PAYLOAD;
    return TT_OK;
}

/* During the handshake: a pending packet feeds the resend timer (one not bound to our
 * initiation is counted there and changes nothing, [HS-073]); anything else may be the
 * response. */
static tt_err on_handshake_packet(struct tt_client *c, const uint8_t *pkt, size_t n)
{
    if (n > 0 && pkt[0] == TT_PKT_PENDING) {
        if (tt_hs_resend_on_pending(&c->resend, pkt, n, tt_client_now_ms()) == TT_OK)
            c->pending_at_us = tt_client_now_us();
        return TT_OK;
    }
    return on_response(c, pkt, n);
}

tt_err tt_client_connect(struct tt_client *c, struct tt_transport *t,
                         const struct tt_crypto *crypto, const uint8_t client_sk[32],
                         const uint8_t device_pk[32], const tether_v1_ClientHello *hello,
                         int timeout_ms)
{
    return tt_client_connect_extra(c, t, crypto, client_sk, device_pk, hello, NULL, 0,
                                   timeout_ms);
}

tt_err tt_client_connect_extra(struct tt_client *c, struct tt_transport *t,
                               const struct tt_crypto *crypto, const uint8_t client_sk[32],
                               const uint8_t device_pk[32], const tether_v1_ClientHello *hello,
                               const uint8_t *extra, size_t extra_len, int timeout_ms)
{
    uint8_t enc[tether_v1_ClientHello_size + 256], pkt[TT_PKT_MAX_LEN];
    size_t el, n;
    uint64_t start = tt_client_now_ms(), t0;
    tt_err e;
    memset(c, 0, sizeof *c);
    c->t = t;
    c->crypto = crypto;
    tt_frame_decoder_init(&c->dec);
    e = tt_pb_encode(tether_v1_ClientHello_fields, hello, enc, sizeof enc - 256, &el);
    if (e != TT_OK)
        return e;
    if (extra_len > 256)
        return TT_ERR_ARG;
    if (extra_len)
        memcpy(enc + el, extra, extra_len);
    el += extra_len;
    e = tt_session_initiate(&c->s, crypto, client_sk, device_pk, NULL, enc, el, c->slots,
                            TT_CLIENT_REL_SLOTS, TT_RTO_INITIAL_MS, pkt, sizeof pkt, &n);
    if (e != TT_OK)
        return e;
    t0 = tt_client_now_us();
    e = send_packet(c, pkt, n);
    if (e == TT_OK) /* no RTT known before the first exchange: [HS-030]'s 1 s */
        e = tt_hs_resend_start(&c->resend, crypto, pkt, n, tt_client_now_ms(), 0);
    c->pending_reply = &c->reply;
    c->handshake_done = 0;
    while (e == TT_OK && !c->handshake_done) {
        /* Read before judging the timer: a client that wakes late (a loaded machine) takes
         * the response or pending already waiting instead of resending first. */
        uint64_t now = tt_client_now_ms(), due = tt_hs_resend_next_ms(&c->resend);
        e = read_packets(c, due <= now ? 0 : due - now < 50 ? (int)(due - now) : 50,
                         on_handshake_packet);
        if (e != TT_OK || c->handshake_done)
            break;
        now = tt_client_now_ms();
        if (interrupted(c)) {
            e = TT_ERR_INTERRUPTED;
            break;
        }
        enum tt_hs_resend_action act = tt_hs_resend_poll(&c->resend, now);
        if (now - start >= (uint64_t)timeout_ms || act == TT_HS_RESEND_GIVE_UP) {
            e = TT_ERR_TIMEOUT;
            break;
        }
        if (act == TT_HS_RESEND_SEND) { /* [HS-030], [HS-074]: the same bytes again */
            const uint8_t *ip;
            size_t il;
            e = tt_session_initiation(&c->s, &ip, &il);
            if (e == TT_OK)
                e = send_packet(c, ip, il);
        }
    }
    c->pending_reply = NULL;
    if (e != TT_OK) {
        tt_session_close(&c->s);
        return e;
    }
    c->handshake_us = tt_client_now_us() - t0;
    if (c->pending_at_us != 0)
        c->pending_at_us -= t0;
    if (c->handshake_error != TT_OK) {
        tt_session_close(&c->s);
        return c->handshake_error;
    }
    if (c->reply.which_reply == tether_v1_HandshakeReply_refusal_tag) {
        tt_session_close(&c->s);
        return c->reply.reply.refusal.error_code ? (tt_err)c->reply.reply.refusal.error_code
                                                 : TT_ERR_HS_REFUSED;
    }
    if (c->reply.reply.hello.version < hello->version_min ||
        c->reply.reply.hello.version > hello->version_max) { /* [HS-018]: not offered */
        tt_session_close(&c->s);
        return TT_ERR_HS_VERSION;
    }
    c->next_request_id = 1;
    /* [REL-015]: never more unacked toward the device than it announced */
    tt_rel_set_window(&c->s.rel, c->reply.reply.hello.has_limits
                                     ? c->reply.reply.hello.limits.rel_window
                                     : TT_REL_DEFAULT_WINDOW);
    return TT_OK;
}

void tt_client_adaptive(struct tt_client *c)
{
    tt_rel_adapt(&c->s.rel, (uint32_t)(c->handshake_us / 1000u));
}

void tt_client_start_window(struct tt_client *c, uint32_t cwnd)
{
    tt_rel_start_window(&c->s.rel, cwnd);
}

uint32_t tt_client_in_flight(const struct tt_client *c)
{
    return (uint32_t)tt_rel_unacked(&c->s.rel);
}

uint32_t tt_client_send_window(const struct tt_client *c)
{
    return tt_rel_send_window(&c->s.rel);
}

uint32_t tt_client_rto_ms(const struct tt_client *c)
{
    return c->s.rel.rto_ms;
}

uint32_t tt_client_peer_acked(const struct tt_client *c)
{
    return c->s.rel.peer_acked;
}

/* Sends one encoded request and waits for the message that carries its request_id. */
static tt_err send_and_wait(struct tt_client *c, const uint8_t *enc, size_t el, uint32_t rid,
                            tether_v1_Message *reply, uint64_t start, int timeout_ms)
{
    uint8_t pkt[TT_PKT_MAX_LEN];
    size_t n;
    tt_err e;
    while ((e = tt_session_send(&c->s, enc, el, tt_client_now_ms(), pkt, sizeof pkt, &n)) ==
           TT_ERR_REL_WINDOW_FULL) {
        if (interrupted(c))
            return TT_ERR_INTERRUPTED;
        if (tt_client_now_ms() - start >= (uint64_t)timeout_ms)
            return TT_ERR_TIMEOUT;
        e = tt_client_pump(c, 20);
        if (e != TT_OK)
            return e;
    }
    if (e == TT_OK)
        e = send_packet(c, pkt, n);
    if (e != TT_OK)
        return e;
    c->waiting_for = rid;
    c->waiting_reply = reply;
    c->got_reply = 0;
    while (!c->got_reply) {
        uint64_t now = tt_client_now_ms();
        if (interrupted(c)) {
            e = TT_ERR_INTERRUPTED;
            break;
        }
        if (now - start >= (uint64_t)timeout_ms) {
            e = TT_ERR_TIMEOUT;
            break;
        }
        e = tt_client_pump(c, 20);
        if (e != TT_OK)
            break;
    }
    c->waiting_reply = NULL;
    if (c->got_reply)
        c->round_trips++;
    return c->got_reply ? TT_OK : e;
}

tt_err tt_client_call(struct tt_client *c, tether_v1_Message *req, tether_v1_Message *reply,
                      int timeout_ms)
{
    uint8_t enc[TT_MESSAGE_MAX_LEN];
    size_t el;
    uint64_t start = tt_client_now_ms();
    tt_err e;
    /* [CTL-021]: after the device's Close event the session is over on our side too */
    if (c->s.state != TT_SESSION_ESTABLISHED || c->peer_closed)
        return TT_ERR_STATE;
    req->request_id = c->next_request_id++;
    if (c->next_request_id == 0)
        c->next_request_id = 1;
    e = tt_msg_encode(req, enc, sizeof enc, &el);
    if (e != TT_OK)
        return e;
    e = send_and_wait(c, enc, el, req->request_id, reply, start, timeout_ms);
    if (e == TT_OK && req->which_body == tether_v1_Message_close_tag)
        c->peer_closed = 1; /* [CTL-020]: answered, the device has ended the session */
    return e;
}

tt_err tt_client_call_raw(struct tt_client *c, const uint8_t *body, size_t len,
                          uint32_t request_id, tether_v1_Message *reply, int timeout_ms)
{
    if (c->s.state != TT_SESSION_ESTABLISHED || c->peer_closed) /* [CTL-021] */
        return TT_ERR_STATE;
    if (request_id == 0 || (body == NULL && len != 0) || len > TT_MESSAGE_MAX_LEN)
        return TT_ERR_ARG;
    return send_and_wait(c, body, len, request_id, reply, tt_client_now_ms(), timeout_ms);
}

tt_err tt_client_send_stream(struct tt_client *c, tether_v1_Message *m, int timeout_ms)
{
    uint8_t enc[TT_MESSAGE_MAX_LEN], pkt[TT_PKT_MAX_LEN];
    size_t el, n;
    uint64_t start = tt_client_now_ms();
    if (c->s.state != TT_SESSION_ESTABLISHED || c->peer_closed) /* [CTL-021] */
        return TT_ERR_STATE;
    m->request_id = 0; /* a stream message: no reply ([MSG-011]) */
    tt_err e = tt_msg_encode(m, enc, sizeof enc, &el);
    if (e != TT_OK)
        return e;
    while ((e = tt_session_send(&c->s, enc, el, tt_client_now_ms(), pkt, sizeof pkt, &n)) ==
           TT_ERR_REL_WINDOW_FULL) {
        if (tt_client_now_ms() - start >= (uint64_t)timeout_ms)
            return TT_ERR_TIMEOUT;
        e = tt_client_pump(c, 20);
        if (e != TT_OK)
            return e;
    }
    return e == TT_OK ? send_packet(c, pkt, n) : e;
}

tt_err tt_client_call_ok(struct tt_client *c, tether_v1_Message *req, tether_v1_Message *reply,
                         int timeout_ms)
{
    tt_err e = tt_client_call(c, req, reply, timeout_ms);
    if (e == TT_OK && reply->which_body == tether_v1_Message_error_tag)
        return reply->body.error.code ? (tt_err)reply->body.error.code : TT_ERR_MSG_DECODE;
    return e;
}

tt_err tt_client_next_event(struct tt_client *c, tether_v1_Message *ev, int timeout_ms)
{
    uint64_t start = tt_client_now_ms();
    while (c->ev_count == 0) {
        if (interrupted(c))
            return TT_ERR_INTERRUPTED;
        if (tt_client_now_ms() - start >= (uint64_t)timeout_ms)
            return TT_ERR_TIMEOUT;
        tt_err e = tt_client_pump(c, 20);
        if (e != TT_OK)
            return e;
    }
    *ev = c->events[c->ev_head];
    c->ev_head = (c->ev_head + 1) % TT_CLIENT_EVENTS;
    c->ev_count--;
    return TT_OK;
}

/* [CTL-020], [HS-061]: Close and wait (bounded) for its Ack, so the device frees the slot
 * and the debug attachment now rather than after TT_SESSION_IDLE_MS. Not for a session the
 * device already ended (its Close event arrived): the Close would go unanswered. */
void tt_client_close(struct tt_client *c)
{
    static tether_v1_Message q, r;
    if (c->s.state == TT_SESSION_ESTABLISHED && !c->peer_closed && c->t != NULL) {
        memset(&q, 0, sizeof q);
        q.which_body = tether_v1_Message_close_tag;
        c->closing = 1;
        if (tt_client_call(c, &q, &r, TT_CLIENT_CLOSE_WAIT_MS) == TT_OK)
            c->closed_acked = 1;
        c->closing = 0;
    }
    tt_session_close(&c->s);
    if (c->t)
        c->t->close(c->t);
}

void tt_client_abandon(struct tt_client *c)
{
    tt_session_close(&c->s);
    if (c->t)
        c->t->close(c->t);
}
