/* cases_spec11.c — conformance cases for the points spec v1.1 settled (issue 13): the
 * request id of an undecodable request, the log ring's size and from_seq 0, the Thumb bit,
 * the pc of a breakpoint stop, the stack window's exact length, and a second connection to
 * a byte-stream link. Each case names the requirement IDs it checks. */
#include <stdio.h>
#include <string.h>

#include "conform.h"

#define WHY(...) snprintf(why, whylen, __VA_ARGS__)

static struct tt_client cl;
static struct tt_link link;
static tether_v1_Message q, r;

static enum conf_result open_session(struct conf *c, char *why, size_t whylen)
{
    tt_err e = conf_session(c, &link, &cl, 0);
    if (e != TT_OK) {
        WHY("handshake failed: %s", tt_err_name(e));
        return CONF_FAIL;
    }
    return CONF_PASS;
}

/* One request built by the caller; its reply's Error code (TT_OK for another reply). */
static tt_err call(tt_err *code)
{
    tt_err e = tt_client_call(&cl, &q, &r, 5000);
    if (e == TT_OK)
        *code = r.which_body == tether_v1_Message_error_tag ? (tt_err)r.body.error.code : TT_OK;
    return e;
}

static void request(pb_size_t tag)
{
    memset(&q, 0, sizeof q);
    q.which_body = tag;
}

/* Request ids above any the client's counter reaches in a case. */
#define RID_BASE 9000u

/* [MSG-015]: bodies that do not decode, each starting with request_id (field 1) as every
 * encoder writes it, and what must come back. The tails are spec/vectors/reply-id.txt's. */
static const struct {
    const char *name;
    uint8_t tail[24];
    size_t len;
} broken[] = {
    /* AttestChallenge (90) with a 16-byte nonce ([ATT-010], [LIM-003]) */
    {"16-byte nonce",
     {0xD2, 0x05, 0x12, 0x0A, 0x10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16},
     21},
    {"truncated field", {0x52, 0x05, 0x01}, 3},      /* ping, 5 bytes announced */
    {"trailing partial key", {0x52, 0x00, 0x80}, 3}, /* a key that never ends */
    {"truncated fixed32", {0x15, 0x01, 0x02}, 3},    /* field 2, 2 of 4 bytes */
};

static enum conf_result undecodable_answered_by_id(struct conf *c, char *why, size_t whylen)
{
    uint8_t body[32];
    if (open_session(c, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    enum conf_result res = CONF_PASS;
    for (size_t k = 0; k < sizeof broken / sizeof broken[0] && res == CONF_PASS; k++) {
        uint32_t rid = RID_BASE + (uint32_t)k; /* two-byte varint */
        body[0] = 0x08;
        body[1] = (uint8_t)(0x80u | (rid & 0x7Fu));
        body[2] = (uint8_t)(rid >> 7);
        memcpy(body + 3, broken[k].tail, broken[k].len);
        tt_err e = tt_client_call_raw(&cl, body, 3 + broken[k].len, rid, &r, 5000);
        if (e != TT_OK) {
            WHY("%s: no answer with request_id %u (%s)", broken[k].name, rid, tt_err_name(e));
            res = CONF_FAIL;
        } else if (r.which_body != tether_v1_Message_error_tag ||
                   r.body.error.code != TT_ERR_MSG_DECODE) {
            WHY("%s: answered with body %u, not Error msg-decode", broken[k].name, r.which_body);
            res = CONF_FAIL;
        }
    }
    tt_client_close(&cl);
    return res;
}

/* [ATT-010] an all-zero nonce decodes and is refused by the service, with the request id. */
static enum conf_result zero_nonce_answered(struct conf *c, char *why, size_t whylen)
{
    tt_err code = TT_OK;
    if (!(c->capabilities & tether_v1_Capability_CAP_ATTEST)) {
        WHY("no attestation service");
        return CONF_NA;
    }
    if (open_session(c, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    request(tether_v1_Message_attest_challenge_tag); /* nonce: 32 zero bytes */
    tt_err e = call(&code);
    tt_client_close(&cl);
    if (e != TT_OK || code != TT_ERR_MSG_DECODE) {
        WHY("got %s / Error %u, want Error msg-decode with the request id", tt_err_name(e), code);
        return CONF_FAIL;
    }
    return CONF_PASS;
}

/* [LOG-030] Limits.log_ring is set exactly when the log service is; Capabilities agrees. */
static enum conf_result log_ring_advertised(struct conf *c, char *why, size_t whylen)
{
    tt_err code = TT_OK;
    if (open_session(c, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    uint32_t hello = cl.reply.reply.hello.limits.log_ring;
    int has_log = (c->capabilities & tether_v1_Capability_CAP_LOG) != 0;
    request(tether_v1_Message_get_capabilities_tag);
    tt_err e = call(&code);
    tt_client_close(&cl);
    if (e != TT_OK || code != TT_OK) {
        WHY("GetCapabilities failed");
        return CONF_FAIL;
    }
    if (r.body.capabilities.limits.log_ring != hello) {
        WHY("DeviceHello says %u, Capabilities %u", hello, r.body.capabilities.limits.log_ring);
        return CONF_FAIL;
    }
    if (has_log ? hello == 0 : hello != 0) {
        WHY("log_ring %u with CAP_LOG %s", hello, has_log ? "set" : "clear");
        return CONF_FAIL;
    }
    WHY("log_ring %u", hello);
    return CONF_PASS;
}

/* [LOG-031] after from_seq 0 the first LogEntries counts from seq 1. */
static enum conf_result log_from_zero(struct conf *c, char *why, size_t whylen)
{
    tt_err code = TT_OK;
    if (!(c->capabilities & tether_v1_Capability_CAP_LOG)) {
        WHY("no log service");
        return CONF_NA;
    }
    if (open_session(c, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    request(tether_v1_Message_log_subscribe_tag);
    tt_err e = call(&code);
    enum conf_result res = CONF_NA;
    if (e != TT_OK || code != TT_OK) {
        WHY("LogSubscribe failed");
        res = CONF_FAIL;
    }
    while (res == CONF_NA && tt_client_next_event(&cl, &r, 5000) == TT_OK) {
        if (r.which_body != tether_v1_Message_log_entries_tag)
            continue;
        const tether_v1_LogEntries *le = &r.body.log_entries;
        if (le->entries_count == 0 || le->entries[0].seq - le->dropped != 1) {
            WHY("first entry %u with dropped %u: not counted from 1",
                le->entries_count ? le->entries[0].seq : 0, le->dropped);
            res = CONF_FAIL;
        } else {
            WHY("first entry %u, dropped %u", le->entries[0].seq, le->dropped);
            res = CONF_PASS;
        }
    }
    if (res == CONF_NA)
        WHY("the app wrote no log entry within 5 s");
    tt_client_close(&cl);
    return res;
}

static enum conf_result debug_detach(enum conf_result res)
{
    tt_err code;
    request(tether_v1_Message_detach_tag);
    (void)call(&code);
    tt_client_close(&cl);
    return res;
}

/* [DBG-072] the halt's stack window: 320 bytes, or it ends where app memory ends; and it
 * holds what ReadMemory reads there. */
static enum conf_result check_window(const tether_v1_StopEvent *st, char *why, size_t whylen)
{
    static tether_v1_StopEvent s;
    tt_err code = TT_OK;
    s = *st;
    if (s.stack.size > TT_STACK_WINDOW_MAX) {
        WHY("stack window of %u bytes", s.stack.size);
        return CONF_FAIL;
    }
    if (s.stack.size > 0) {
        request(tether_v1_Message_read_memory_tag);
        q.body.read_memory.ranges_count = 1;
        q.body.read_memory.ranges[0] = (tether_v1_MemRange){s.stack_addr, s.stack.size};
        if (call(&code) != TT_OK || code != TT_OK || r.body.memory_data.data.size != s.stack.size ||
            memcmp(r.body.memory_data.data.bytes, s.stack.bytes, s.stack.size) != 0) {
            WHY("the window's bytes differ from ReadMemory at stack_addr");
            return CONF_FAIL;
        }
    }
    if (s.stack.size < TT_STACK_WINDOW_MAX) {
        request(tether_v1_Message_read_memory_tag);
        q.body.read_memory.ranges_count = 1;
        q.body.read_memory.ranges[0] = (tether_v1_MemRange){s.stack_addr + s.stack.size, 1};
        if (call(&code) != TT_OK || code != TT_ERR_DBG_ACCESS) {
            WHY("window of %u bytes, but the byte after it is readable", s.stack.size);
            return CONF_FAIL;
        }
    }
    return CONF_PASS;
}

/* [DBG-070] [DBG-071] [DBG-072] [DBG-023]: halt at P, continue with a breakpoint at P | 1;
 * the app's loop comes back to P: a BREAKPOINT stop with pc = P. */
static enum conf_result breakpoint_pc_and_window(struct conf *c, char *why, size_t whylen)
{
    tt_err code = TT_OK;
    if (!(c->capabilities & tether_v1_Capability_CAP_DEBUG)) {
        WHY("no debug service");
        return CONF_NA;
    }
    if (open_session(c, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    request(tether_v1_Message_attach_tag);
    if (call(&code) != TT_OK || code != TT_OK) {
        WHY("Attach failed");
        return debug_detach(CONF_FAIL);
    }
    request(tether_v1_Message_halt_tag);
    if (call(&code) != TT_OK || code != TT_OK || r.which_body != tether_v1_Message_stop_event_tag) {
        WHY("Halt did not answer a StopEvent");
        return debug_detach(CONF_FAIL);
    }
    uint32_t p = r.body.stop_event.regs.pc;
    if (p & 1u) {
        WHY("reported pc %08x has bit 0 set", p);
        return debug_detach(CONF_FAIL);
    }
    if (check_window(&r.body.stop_event, why, whylen) != CONF_PASS)
        return debug_detach(CONF_FAIL);
    request(tether_v1_Message_resume_tag);
    q.body.resume.action = tether_v1_ResumeAction_CONTINUE;
    q.body.resume.replace_breakpoints = true;
    q.body.resume.breakpoints_count = 1;
    q.body.resume.breakpoints[0] =
        (tether_v1_Breakpoint){p | 1u, tether_v1_BreakpointKind_SOFTWARE, 2};
    if (call(&code) != TT_OK || code != TT_OK) {
        WHY("Resume with a breakpoint at pc|1 refused: Error %u", code);
        return debug_detach(CONF_FAIL);
    }
    while (tt_client_next_event(&cl, &r, 5000) == TT_OK) {
        if (r.which_body != tether_v1_Message_stop_event_tag)
            continue;
        static tether_v1_StopEvent stop; /* r is the next call's reply */
        stop = r.body.stop_event;
        const tether_v1_StopEvent *s = &stop;
        if (s->reason != tether_v1_StopReason_BREAKPOINT) {
            WHY("stopped with reason %d, not BREAKPOINT", (int)s->reason);
            return debug_detach(CONF_NA);
        }
        if (s->regs.pc != p) {
            WHY("breakpoint at %08x|1 stopped with pc %08x", p, s->regs.pc);
            return debug_detach(CONF_FAIL);
        }
        if (check_window(s, why, whylen) != CONF_PASS)
            return debug_detach(CONF_FAIL);
        WHY("pc %08x, sp %08x, window %u bytes at %08x", p, s->regs.sp, s->stack.size,
            s->stack_addr);
        return debug_detach(CONF_PASS);
    }
    WHY("the app did not come back to %08x within 5 s", p);
    return debug_detach(CONF_NA);
}

/* [MTB-051] [MTB-020] a second connection while the first is served: the first session is
 * unaffected; when the first connection ends, the second carries that same session on. */
static enum conf_result second_connection(struct conf *c, char *why, size_t whylen)
{
    static struct tt_link second;
    tt_err code = TT_OK;
    if (!c->byte_stream) {
        WHY("the link is a message transport, not a connection-oriented byte-stream endpoint "
            "(several connections share a broker's topics: the message group, [MTB-004])");
        return CONF_NA;
    }
    if (open_session(c, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    if (conf_link_open(c, &second) != TT_OK) {
        tt_client_close(&cl);
        WHY("a second connection was refused: allowed, nothing more to check");
        return CONF_PASS;
    }
    request(tether_v1_Message_ping_tag);
    q.body.ping.nonce = 51;
    if (call(&code) != TT_OK || code != TT_OK) {
        second.t->close(second.t);
        tt_client_close(&cl);
        WHY("the first session stopped working when a second connection opened");
        return CONF_FAIL;
    }
    cl.t->close(cl.t); /* the first connection ends; the session goes on over the second */
    cl.t = second.t;
    tt_frame_decoder_init(&cl.dec);
    tt_session_on_reconnect(&cl.s);
    request(tether_v1_Message_ping_tag);
    q.body.ping.nonce = 52;
    tt_err e = call(&code);
    tt_client_close(&cl);
    if (e != TT_OK || code != TT_OK || r.body.pong.nonce != 52) {
        WHY("the session did not continue over the second connection (%s)", tt_err_name(e));
        return CONF_FAIL;
    }
    return CONF_PASS;
}

const struct conf_case conf_spec11_cases[] = {
    {"[MSG-004] [MSG-015] [LIM-003]", "an undecodable request is answered with its request_id",
     undecodable_answered_by_id},
    {"[ATT-010] [MSG-011]", "an all-zero nonce gets Error msg-decode with the request_id",
     zero_nonce_answered},
    {"[LOG-030] [LIM-010]", "Limits.log_ring is announced with the log service",
     log_ring_advertised},
    {"[LOG-031] [LOG-012]", "from_seq 0: the first LogEntries counts from seq 1", log_from_zero},
    {"[DBG-070] [DBG-071] [DBG-072]", "breakpoint at pc|1 stops with pc; exact stack window",
     breakpoint_pc_and_window},
    {"[MTB-051] [MTB-020]", "a second connection leaves sessions alone and takes over",
     second_connection},
};
const size_t conf_spec11_ncases = sizeof conf_spec11_cases / sizeof conf_spec11_cases[0];
