/* exchange.c — sessions, calls and raw records for the cases (cases.h), each exchange
 * written to the case's trace so that a failure report shows what was sent and received. */
#include <stdarg.h>

#include "cases.h"
#include "tether/err.h"
#include "tether/framing.h"

void conf_trace(struct conf *c, const char *fmt, ...)
{
    va_list ap;
    int n;
    if (c->trace_len + 2 >= sizeof c->trace)
        return;
    va_start(ap, fmt);
    n = vsnprintf(c->trace + c->trace_len, sizeof c->trace - c->trace_len - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    c->trace_len += (size_t)n;
    if (c->trace_len > sizeof c->trace - 2)
        c->trace_len = sizeof c->trace - 2;
    c->trace[c->trace_len++] = '\n';
    c->trace[c->trace_len] = 0;
}

/* Message body names, by oneof tag (the proto's own names). */
static const struct {
    pb_size_t tag;
    const char *name;
} body_names[] = {
    {tether_v1_Message_ping_tag, "ping"},
    {tether_v1_Message_pong_tag, "pong"},
    {tether_v1_Message_get_capabilities_tag, "get_capabilities"},
    {tether_v1_Message_capabilities_tag, "capabilities"},
    {tether_v1_Message_close_tag, "close"},
    {tether_v1_Message_error_tag, "error"},
    {tether_v1_Message_ack_tag, "ack"},
    {tether_v1_Message_raise_revocation_floor_tag, "raise_revocation_floor"},
    {tether_v1_Message_attach_tag, "attach"},
    {tether_v1_Message_attach_reply_tag, "attach_reply"},
    {tether_v1_Message_detach_tag, "detach"},
    {tether_v1_Message_halt_tag, "halt"},
    {tether_v1_Message_resume_tag, "resume"},
    {tether_v1_Message_set_breakpoint_tag, "set_breakpoint"},
    {tether_v1_Message_clear_breakpoint_tag, "clear_breakpoint"},
    {tether_v1_Message_set_watchpoint_tag, "set_watchpoint"},
    {tether_v1_Message_clear_watchpoint_tag, "clear_watchpoint"},
    {tether_v1_Message_read_memory_tag, "read_memory"},
    {tether_v1_Message_memory_data_tag, "memory_data"},
    {tether_v1_Message_write_memory_tag, "write_memory"},
    {tether_v1_Message_read_registers_tag, "read_registers"},
    {tether_v1_Message_registers_tag, "registers"},
    {tether_v1_Message_write_registers_tag, "write_registers"},
    {tether_v1_Message_reset_app_tag, "reset_app"},
    {tether_v1_Message_stop_event_tag, "stop_event"},
    {tether_v1_Message_attest_challenge_tag, "attest_challenge"},
    {tether_v1_Message_attest_evidence_tag, "attest_evidence"},
    {tether_v1_Message_log_subscribe_tag, "log_subscribe"},
    {tether_v1_Message_log_unsubscribe_tag, "log_unsubscribe"},
    {tether_v1_Message_log_entries_tag, "log_entries"},
    {tether_v1_Message_ota_begin_tag, "ota_begin"},
    {tether_v1_Message_ota_begin_reply_tag, "ota_begin_reply"},
    {tether_v1_Message_ota_chunk_tag, "ota_chunk"},
    {tether_v1_Message_ota_chunk_ack_tag, "ota_chunk_ack"},
    {tether_v1_Message_ota_status_tag, "ota_status"},
    {tether_v1_Message_ota_status_reply_tag, "ota_status_reply"},
    {tether_v1_Message_ota_verify_tag, "ota_verify"},
    {tether_v1_Message_ota_install_tag, "ota_install"},
    {tether_v1_Message_ota_confirm_tag, "ota_confirm"},
    {tether_v1_Message_ota_rollback_tag, "ota_rollback"},
    {tether_v1_Message_ota_abort_tag, "ota_abort"},
};

void conf_describe(const tether_v1_Message *m, char *out, size_t cap)
{
    const char *name = "?";
    for (size_t i = 0; i < sizeof body_names / sizeof body_names[0]; i++)
        if (body_names[i].tag == m->which_body)
            name = body_names[i].name;
    if (m->which_body == tether_v1_Message_error_tag)
        snprintf(out, cap, "#%u error(%s, detail %u)", (unsigned)m->request_id,
                 tt_err_name((tt_err)m->body.error.code), (unsigned)m->body.error.detail);
    else if (m->which_body == tether_v1_Message_stop_event_tag)
        snprintf(out, cap, "#%u stop_event(reason %d, pc 0x%08x, stop_count %u)",
                 (unsigned)m->request_id, (int)m->body.stop_event.reason,
                 (unsigned)m->body.stop_event.regs.pc, (unsigned)m->body.stop_event.stop_count);
    else
        snprintf(out, cap, "#%u %s (body %u)", (unsigned)m->request_id, name,
                 (unsigned)m->which_body);
}

void msg(tether_v1_Message *m, pb_size_t which)
{
    memset(m, 0, sizeof *m);
    m->which_body = which;
}

/* A byte-stream link carries one connection at a time (a UART behind a socket, [HS-050]):
 * the session a case talks to gets the connection, the others keep their sessions and
 * reconnect when their turn comes. */
static struct sess *linked;

static void sess_use(struct sess *s)
{
    if (linked == s)
        return;
    if (linked && linked->open)
        linked->cl.t->close(linked->cl.t);
    linked = NULL;
    if (s->open && s->cl.t->reconnect(s->cl.t) == TT_OK) {
        tt_frame_decoder_init(&s->cl.dec);
        tt_session_on_reconnect(&s->cl.s);
        linked = s;
    }
}

void sess_release_link(void)
{
    if (linked && linked->open)
        linked->cl.t->close(linked->cl.t);
    linked = NULL;
}

enum conf_result sess_open(struct conf *c, struct sess *s, uint32_t perms, char *why,
                           size_t whylen)
{
    return sess_open_extra(c, s, perms, NULL, 0, why, whylen);
}

enum conf_result sess_open_extra(struct conf *c, struct sess *s, uint32_t perms,
                                 const uint8_t *extra, size_t n, char *why, size_t whylen)
{
    if (linked && linked->open)
        linked->cl.t->close(linked->cl.t);
    linked = NULL;
    struct conf_grant g = {.permissions = perms};
    tether_v1_SignedGrant sg;
    tether_v1_ClientHello h;
    tt_err e = conf_mint(c, &g, &sg);
    if (e == TT_OK) {
        conf_hello(c, &h, &sg);
        e = conf_connect_extra(c, &s->link, &s->cl, &h, extra, n);
    }
    if (e == TT_OK)
        linked = s;
    conf_trace(c, "handshake (permissions 0x%02x): %s", perms ? perms : 0x7Fu, tt_err_name(e));
    if (e != TT_OK) {
        WHY("handshake failed: %s", tt_err_name(e));
        s->open = 0;
        return CONF_FAIL;
    }
    s->open = 1;
    return CONF_PASS;
}

/* Ends the session politely (Close, [CTL-020]) so that it does not hold a device slot that
 * another client key could not evict ([HS-041]). */
void sess_close(struct sess *s)
{
    if (s->open) {
        sess_use(s);
        conf_end(&s->cl);
    }
    if (linked == s)
        linked = NULL;
    s->open = 0;
}

tt_err sess_call(struct conf *c, struct sess *s, tether_v1_Message *q, tether_v1_Message *r)
{
    char a[96], b[96];
    sess_use(s);
    tt_err e = tt_client_call(&s->cl, q, r, CONF_REPLY_MS);
    conf_describe(q, a, sizeof a);
    if (e != TT_OK) {
        conf_trace(c, "sent %s -> %s", a, tt_err_name(e));
        return e;
    }
    conf_describe(r, b, sizeof b);
    conf_trace(c, "sent %s -> received %s", a, b);
    return r->which_body == tether_v1_Message_error_tag ? (tt_err)r->body.error.code : TT_OK;
}

enum conf_result sess_expect(struct conf *c, struct sess *s, tether_v1_Message *q, tt_err want,
                             long detail, char *why, size_t whylen)
{
    static tether_v1_Message r;
    tt_err e = sess_call(c, s, q, &r);
    if (e != want) {
        WHY("got %s, expected %s", tt_err_name(e), tt_err_name(want));
        return CONF_FAIL;
    }
    if (detail >= 0 && r.body.error.detail != (uint32_t)detail) {
        WHY("%s with detail %u, expected detail %ld", tt_err_name(e),
            (unsigned)r.body.error.detail, detail);
        return CONF_FAIL;
    }
    return CONF_PASS;
}

tt_err sess_event(struct conf *c, struct sess *s, tether_v1_Message *ev, int ms)
{
    char a[96];
    sess_use(s);
    tt_err e = tt_client_next_event(&s->cl, ev, ms);
    if (e != TT_OK) {
        conf_trace(c, "waited %d ms for an event: %s", ms, tt_err_name(e));
        return e;
    }
    conf_describe(ev, a, sizeof a);
    conf_trace(c, "received event %s", a);
    return TT_OK;
}

/* Counts the non-event messages delivered (the replies: only rid is outstanding in the
 * cases that wait), waiting up to first_ms for the first and after_ms more for copies. The
 * driver's got_reply is a flag, so two replies read in one pump would count once: the
 * session's delivery counter does not miss them. */
static int sess_count(struct sess *s, uint32_t rid, tether_v1_Message *r, int first_ms,
                      int after_ms)
{
    uint64_t end = tt_client_now_ms() + (uint64_t)first_ms;
    int extended = 0;
    sess_use(s);
    uint32_t d0 = s->cl.delivered;
    unsigned e0 = s->cl.ev_count + s->cl.ev_dropped;
    while (tt_client_now_ms() < end) {
        s->cl.waiting_for = rid;
        s->cl.waiting_reply = r;
        if (tt_client_pump(&s->cl, 20) != TT_OK)
            break;
        if (!extended && s->cl.delivered - d0 > s->cl.ev_count + s->cl.ev_dropped - e0) {
            extended = 1;
            end = tt_client_now_ms() + (uint64_t)after_ms;
        }
    }
    s->cl.waiting_reply = NULL;
    return (int)(s->cl.delivered - d0) - (int)(s->cl.ev_count + s->cl.ev_dropped - e0);
}

int sess_wait(struct sess *s, uint32_t rid, tether_v1_Message *r, int ms)
{
    return ms >= 0 ? sess_count(s, rid, r, CONF_REPLY_MS, ms) : sess_count(s, rid, r, -ms, -ms);
}

static tt_err send_packet(struct sess *s, const uint8_t *pkt, size_t n)
{
    sess_use(s);
    return conf_send_packet(s->cl.t, pkt, n);
}

int sess_raw(struct conf *c, struct sess *s, const uint8_t *body, size_t len, uint32_t rid,
             tether_v1_Message *r, int ms, uint8_t *pkt, size_t *pktlen)
{
    tt_err e = tt_session_send(&s->cl.s, body, len, tt_client_now_ms(), pkt, TT_PKT_MAX_LEN,
                               pktlen);
    if (e == TT_OK)
        e = send_packet(s, pkt, *pktlen);
    if (e != TT_OK) {
        conf_trace(c, "could not send %zu message bytes: %s", len, tt_err_name(e));
        return -1;
    }
    int got = sess_wait(s, rid, r, ms);
    conf_trace(c, "sent %zu raw message bytes (request_id %u) -> %d replies", len,
               (unsigned)rid, got);
    return got;
}

int sess_resend(struct conf *c, struct sess *s, const uint8_t *pkt, size_t n, uint32_t rid,
                tether_v1_Message *r, int ms)
{
    if (send_packet(s, pkt, n) != TT_OK)
        return -1;
    if (ms == 0)
        return 0; /* the caller sends more before it waits */
    int got = sess_wait(s, rid, r, ms);
    conf_trace(c, "resent a %zu-byte packet as it was -> %d replies to #%u", n, got,
               (unsigned)rid);
    return got;
}
