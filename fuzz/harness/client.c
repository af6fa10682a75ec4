/* client.c — fuzz harness for the client's handling of what the device side sends: the
 * `tether gdbserver` stack below GDB — the RSP engine (ref-client/rsp) with the real backend
 * (ref-client/gdb/backend.c: replies → registers, memory, stops; StopEvents → RSP stops,
 * tt_gdb_drain_events) over the real session driver (ref-client/conn/client.c: framing,
 * records, reliability, reply matching, the event queue, reconnects, the handshake reply).
 *
 * Below the driver sits an in-memory link. Its far end is a twin device session (the
 * Noise responder, fixed keys) that seals whatever the input says into authentic records,
 * next to raw bytes an attacker on the relay injects. The driver's clock (clock.c) is
 * replaced by one only the input moves, so every input runs the same way and no call waits:
 * when the link has nothing more to read it reports the connection gone.
 *
 * Input: flags (1 byte), piece size (1 byte), then ops (common.h layout):
 *   flags bit 0  no_optimize (every GDB packet is a device call)
 *   flags bit 1  memory map: a RAM region and one at the top of the address space (the
 *                engine caches stack windows of stops inside regions)
 *   flags bit 2  connect: start before the handshake; tt_client_connect runs after the
 *                leading RAW and HELLO ops are queued (HELLO: the twin's HandshakeReply
 *                payload; without one the twin stays silent)
 *   op 0 GDB     bytes from GDB into tt_rsp_input (in pieces), then events drained
 *   op 1 RAW     bytes on the link from the relay (not authentic)
 *   op 2 MSG     the twin device sends a message: chunk[0] = how request_id is set
 *                (0: as encoded; 1..127: the id of the client's (chunk[0]-1)-th next
 *                request, appended as field 1, last one wins; ≥128: 0, an event), then the
 *                encoded Message
 *   op 3 DUP     the last authentic packet again (duplicate / replay)
 *   op 4 POLL    the twin's due retransmissions and acks
 *   op 5 CUT     the connection drops at this point of the byte stream (one reconnect)
 *   op 6 TIME    the clock moves chunk[0..1] (BE) milliseconds
 *   op 7 PUMP    the server loop's idle turn: tt_client_pump, then events drained
 *   op 8 HELLO   (connect mode) the twin's HandshakeReply payload
 *   op 9 ATTACH  tt_gdb_attach (what serve_one does first), then events drained
 *
 * Invariants:
 *  - [SEC-2][SEC-12] only the twin's records are delivered: the driver's count of delivered
 *    messages never exceeds the number of messages the twin sealed, and a pump over bytes
 *    of which none came from the twin since the last read delivers nothing;
 *  - [SEC-2] a handshake completes only with the twin's response: connect returns TT_OK
 *    only if the twin responded, and then with a DeviceHello;
 *  - [SEC-3][MSG-010][MSG-013] every request the backend makes has a fresh non-zero request_id, and
 *    a reply it is handed carries that request_id (replies are matched by id, never by
 *    order): the backend's calls to tt_client_call_ok pass through a wrapper the link
 *    installs (-Wl,--wrap, module.mk);
 *  - [SEC-15] the event queue stays within its bounds; everything sent to GDB is
 *    well-formed RSP, tt_rsp_input keeps its contract and no reply to GDB is lost.
 * Depends on ref-client (rsp, gdb/backend, conn/client) and lib. */
#include <string.h>

#include "common.h"
#include "rsp_output.h"
#include "tether/framing.h"
#include "tether/messages.h"
#include "../../ref-client/conn/client.h"
#include "../../ref-client/gdb/backend.h"

/* ---- the clock the driver reads (ref-client/conn/clock.c is not linked) --------------- */
static uint64_t clock_us;
uint64_t tt_client_now_us(void)
{
    return clock_us;
}
uint64_t tt_client_now_ms(void)
{
    return clock_us / 1000u;
}

/* ---- every backend call, seen on its way through the driver ----------------------- */
tt_err __real_tt_client_call_ok(struct tt_client *c, tether_v1_Message *req,
                                tether_v1_Message *reply, int timeout_ms);
tt_err __wrap_tt_client_call_ok(struct tt_client *c, tether_v1_Message *req,
                                tether_v1_Message *reply, int timeout_ms);
static uint32_t last_request_id;

tt_err __wrap_tt_client_call_ok(struct tt_client *c, tether_v1_Message *req,
                                tether_v1_Message *reply, int timeout_ms)
{
    tt_err e;
    memset(reply, 0, sizeof *reply); /* what is in it afterwards, the driver put there */
    e = __real_tt_client_call_ok(c, req, reply, timeout_ms);
    if (req->request_id != 0) { /* 0: the call failed before a request went out */
        FUZZ_CHECK(req->request_id != last_request_id, "SEC-3 MSG-010", "request_id reused");
        last_request_id = req->request_id;
    }
    if (reply->which_body != 0 || reply->request_id != 0)
        FUZZ_CHECK(reply->request_id == req->request_id, "SEC-3 MSG-013",
                   "a reply with another request_id was taken as the answer");
    return e;
}

/* ---- the in-memory link ------------------------------------------------------------- */
#define LINK_IN_MAX 65536
#define LINK_CUTS 4
static struct link {
    struct tt_transport t;
    uint8_t in[LINK_IN_MAX]; /* device → client bytes, read from `off` */
    size_t len, off, piece;
    size_t cut_at[LINK_CUTS]; /* stream offsets where the connection drops */
    unsigned ncuts, cut_next;
    int may_reconnect;   /* the last recv reported a cut: one reconnect succeeds */
    size_t authentic_at; /* end of the last twin-made bytes in `in` */
} link;

/* The twin device: the responder end of the session. */
static struct twin {
    struct tt_session s;
    struct tt_rel_slot slots[TT_REL_DEFAULT_WINDOW];
    struct tt_frame_decoder dec;
    uint8_t last[TT_PKT_MAX_LEN]; /* last authentic packet, for DUP */
    size_t last_len;
    uint32_t sealed;   /* messages sealed (each a new msg_seq) */
    uint32_t requests; /* the client's messages it received */
    int responded;
    const uint8_t *reply; /* HandshakeReply payload for the next initiation, NULL: silent */
    size_t reply_len;
} twin;

static struct tt_client cl;
static struct tt_client cl_snap;   /* established, as after tt_client_connect */
static struct twin twin_snap;      /* the twin at the same point */
static uint64_t clock_snap;
static struct tt_gdb_backend gb;
static struct tt_rsp rsp;
static struct rsp_output_check out;

static void link_append(const uint8_t *p, size_t n)
{
    if (n > LINK_IN_MAX - link.len)
        n = LINK_IN_MAX - link.len; /* the input is bounded; a full link drops the rest */
    memcpy(link.in + link.len, p, n);
    link.len += n;
}

static void twin_put_packet(const uint8_t *pkt, size_t n)
{
    uint8_t f[TT_PKT_MAX_LEN + TT_FRAME_OVERHEAD];
    size_t fn;
    if (tt_frame_encode(pkt, n, f, sizeof f, &fn) != TT_OK)
        fuzz_fail(__FILE__, __LINE__, "setup", "frame_encode of a twin packet");
    link_append(f, fn);
    link.authentic_at = link.len;
    memcpy(twin.last, pkt, n);
    twin.last_len = n;
}

/* A packet the client sent: the initiation (answered when the twin has a reply), then
 * records the twin receives so that its acks and window follow the client's. */
static void twin_on_packet(const uint8_t *pkt, size_t n)
{
    static uint8_t work[TT_RECORD_MAX_PLAINTEXT];
    uint8_t hello[TT_PKT_MAX_LEN], resp[TT_PKT_MAX_LEN];
    size_t hn, rn;
    const uint8_t *m;
    size_t ml;
    const struct fuzz_keys *k = fuzz_keys();
    if (twin.s.state == TT_SESSION_ESTABLISHED) {
        /* Requests are not served (the input answers them); received, they move the
         * twin's acks and window as the device's would. */
        if (tt_session_receive(&twin.s, pkt, n, tt_client_now_ms(), work, sizeof work, &m,
                               &ml) == TT_OK)
            twin.requests++;
        return;
    }
    if (!twin.reply || twin.responded)
        return;
    if (tt_session_accept(&twin.s, fuzz_crypto(), k->device_sk, pkt, n, hello, sizeof hello,
                          &hn) != TT_OK)
        return; /* a resend of the initiation after the twin answered */
    if (tt_session_respond(&twin.s, FUZZ_DEVICE_ID, k->device_e, twin.reply, twin.reply_len,
                           twin.slots, TT_REL_DEFAULT_WINDOW, 1000, tt_client_now_ms(), resp,
                           sizeof resp, &rn) != TT_OK)
        return; /* a reply too large for the packet: the twin stays silent */
    twin.responded = 1;
    twin_put_packet(resp, rn);
}

static tt_err link_send(struct tt_transport *t, const uint8_t *b, size_t n)
{
    size_t off = 0, used;
    const uint8_t *p;
    size_t pl;
    (void)t;
    while (off < n) {
        if (tt_frame_push(&twin.dec, b + off, n - off, &used) != TT_OK && used == 0)
            break;
        off += used;
        while (tt_frame_pop(&twin.dec, &p, &pl) == TT_OK)
            twin_on_packet(p, pl);
    }
    return TT_OK;
}

static tt_err link_recv(struct tt_transport *t, uint8_t *b, size_t cap, size_t *n, int ms)
{
    size_t end = link.len;
    (void)t;
    (void)ms;
    if (link.cut_next < link.ncuts && link.cut_at[link.cut_next] == link.off) {
        link.cut_next++;
        link.may_reconnect = 1;
        return TT_ERR_IO;
    }
    if (link.off == link.len)
        return TT_ERR_IO; /* nothing more will come: the device is gone */
    if (link.cut_next < link.ncuts && link.cut_at[link.cut_next] < end)
        end = link.cut_at[link.cut_next];
    *n = end - link.off;
    if (*n > cap)
        *n = cap;
    if (link.piece && *n > link.piece)
        *n = link.piece;
    memcpy(b, link.in + link.off, *n);
    link.off += *n;
    return TT_OK;
}

static tt_err link_reconnect(struct tt_transport *t)
{
    (void)t;
    if (!link.may_reconnect)
        return TT_ERR_IO;
    link.may_reconnect = 0;
    tt_frame_decoder_init(&twin.dec);
    tt_session_on_reconnect(&twin.s);
    return TT_OK;
}

static void link_close(struct tt_transport *t)
{
    (void)t;
}

static int link_pollfd(struct tt_transport *t)
{
    (void)t;
    return -1;
}

static void link_reset(size_t piece)
{
    link.len = link.off = 0;
    link.ncuts = link.cut_next = 0;
    link.may_reconnect = 0;
    link.authentic_at = 0;
    link.piece = piece;
    tt_frame_decoder_init(&twin.dec);
}

/* ---- set-up ------------------------------------------------------------------------- */
static const uint8_t *default_reply(size_t *n)
{
    static uint8_t buf[tether_v1_HandshakeReply_size];
    static size_t len;
    if (!len) {
        tether_v1_HandshakeReply r = tether_v1_HandshakeReply_init_zero;
        r.which_reply = tether_v1_HandshakeReply_hello_tag;
        r.reply.hello.version = 1;
        memset(r.reply.hello.device_id, 0x0D, sizeof r.reply.hello.device_id);
        r.reply.hello.supervisor_version = 0x000100;
        r.reply.hello.granted_permissions = 0xFFFFFFFFu;
        if (tt_pb_encode(tether_v1_HandshakeReply_fields, &r, buf, sizeof buf, &len) != TT_OK)
            fuzz_fail(__FILE__, __LINE__, "setup", "encode HandshakeReply");
    }
    *n = len;
    return buf;
}

static tt_err do_connect(void)
{
    tether_v1_ClientHello h = tether_v1_ClientHello_init_zero;
    h.version_min = h.version_max = 1;
    h.timestamp = 1;
    fuzz_rng_reset(0x7E7E7E7E); /* the same ephemeral and session id every time */
    return tt_client_connect(&cl, &link.t, fuzz_crypto(), fuzz_keys()->client_sk,
                             fuzz_keys()->device_pk, &h, 1000);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    link.t = (struct tt_transport){.byte_stream = 1,
                                   .send = link_send,
                                   .recv = link_recv,
                                   .reconnect = link_reconnect,
                                   .close = link_close,
                                   .pollfd = link_pollfd};
    clock_us = (uint64_t)FUZZ_NOW_MS * 1000u;
    clock_snap = clock_us;
    memset(&twin, 0, sizeof twin);
    link_reset(0);
    twin.reply = default_reply(&twin.reply_len);
    if (do_connect() != TT_OK || !twin.responded)
        fuzz_fail(__FILE__, __LINE__, "setup", "fixed-key connect failed");
    twin.reply = NULL;
    cl_snap = cl;
    twin_snap = twin;
    return 0;
}

/* ---- one input ---------------------------------------------------------------------- */
static void drain_gdb(void)
{
    static uint8_t buf[1024];
    size_t n;
    while ((n = tt_rsp_output(&rsp, buf, sizeof buf)) > 0)
        rsp_output_check(&out, buf, n);
}

static void check_client(void)
{
    FUZZ_CHECK(cl.delivered <= twin.sealed, "SEC-2",
               "the client delivered a message the device never sent");
    FUZZ_CHECK(cl.ev_count <= TT_CLIENT_EVENTS && cl.ev_head < TT_CLIENT_EVENTS, "SEC-15",
               "event queue out of bounds");
    FUZZ_CHECK(rsp.stats.lost_replies == 0, "SEC-15", "a reply to GDB was lost");
}

/* What serve_one does after each input and pump: stops to the engine, its output to GDB. */
static void drain_events(void)
{
    FUZZ_CHECK(tt_gdb_drain_events(&gb, &rsp) == TT_OK, "SEC-15",
               "a stop the device reported was not accepted by the engine");
    drain_gdb();
}

static void op_gdb(const uint8_t *p, size_t n, size_t piece)
{
    size_t at = 0;
    while (at < n) {
        size_t len = n - at < piece ? n - at : piece, used = 0;
        tt_err e = tt_rsp_input(&rsp, p + at, len, &used);
        FUZZ_CHECK(e == TT_OK || e == TT_ERR_NO_SPACE, "SEC-15", "input: unexpected result");
        FUZZ_CHECK(used <= len && (e != TT_OK || used == len), "SEC-15", "input: consumed");
        at += used;
        drain_events();
        if (e == TT_ERR_NO_SPACE && used == 0) {
            e = tt_rsp_input(&rsp, p + at, len, &used);
            FUZZ_CHECK(used > 0, "SEC-15", "no progress after draining the output");
            at += used;
            drain_events();
        }
    }
}

static void op_msg(const uint8_t *p, size_t n)
{
    uint8_t msg[TT_MESSAGE_MAX_LEN + 8], pkt[TT_PKT_MAX_LEN];
    size_t ml, pn;
    if (n == 0 || n - 1 > TT_MESSAGE_MAX_LEN)
        return;
    memcpy(msg, p + 1, n - 1);
    ml = n - 1;
    if (p[0] != 0) { /* field 1 (request_id) appended: protobuf keeps the last one */
        uint32_t id = p[0] >= 128 ? 0 : cl.next_request_id + (uint32_t)(p[0] - 1);
        msg[ml++] = 0x08;
        do {
            msg[ml++] = (uint8_t)((id & 0x7f) | (id > 0x7f ? 0x80 : 0));
            id >>= 7;
        } while (id);
    }
    if (tt_session_send(&twin.s, msg, ml, tt_client_now_ms(), pkt, sizeof pkt, &pn) != TT_OK)
        return; /* window full or too long: the twin cannot send it now */
    twin.sealed++;
    twin_put_packet(pkt, pn);
}

static void op_poll(void)
{
    uint8_t pkt[TT_PKT_MAX_LEN];
    size_t pn;
    for (int i = 0; i < 16 && tt_session_poll(&twin.s, tt_client_now_ms(), pkt, sizeof pkt,
                                               &pn) == TT_OK;
         i++)
        twin_put_packet(pkt, pn);
}

static void op_pump(void)
{
    uint32_t before = cl.delivered;
    int none_authentic = link.authentic_at <= link.off;
    tt_err e = tt_client_pump(&cl, 0);
    FUZZ_CHECK(e == TT_OK || e == TT_ERR_IO, "SEC-15",
               "pump: an error other than the link's end"); /* TT_ERR_IO: link drained */
    if (none_authentic)
        FUZZ_CHECK(cl.delivered == before, "SEC-12",
                   "bytes the device did not send delivered a message");
    drain_events();
}

/* Connect mode: leading RAW and HELLO ops are queued, then the handshake runs. */
static int connect_from(struct fuzz_reader *rd)
{
    struct fuzz_reader peek = *rd;
    uint8_t op;
    const uint8_t *c;
    size_t n;
    tt_err e;
    memset(&twin, 0, sizeof twin);
    tt_frame_decoder_init(&twin.dec);
    memset(&cl, 0, sizeof cl);
    while (fuzz_next_op(&peek, TT_PKT_MAX_LEN, &op, &c, &n) && (op == 1 || op == 8)) {
        if (op == 1)
            link_append(c, n);
        else {
            twin.reply = c;
            twin.reply_len = n;
        }
        *rd = peek;
    }
    e = do_connect();
    twin.reply = NULL;
    FUZZ_CHECK(e != TT_OK || twin.responded, "SEC-2",
               "a handshake completed without the device's response");
    FUZZ_CHECK(e != TT_OK || cl.reply.which_reply == tether_v1_HandshakeReply_hello_tag,
               "SEC-15", "connect accepted a reply that is not a DeviceHello");
    if (e == TT_OK)
        FUZZ_CHECK(cl.s.state == TT_SESSION_ESTABLISHED, "SEC-15", "connected, not established");
    return e == TT_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tt_rsp_backend be;
    struct fuzz_reader rd;
    size_t piece;
    uint8_t op;
    const uint8_t *c;
    size_t n;
    if (size < 2)
        return 0;
    piece = data[1] ? data[1] : TT_RSP_PACKET_MAX;
    rd = (struct fuzz_reader){data + 2, size - 2};
    clock_us = clock_snap;
    last_request_id = 0;
    link_reset(data[1]);
    if (data[0] & 4) {
        if (!connect_from(&rd))
            return 0;
    } else {
        cl = cl_snap;
        twin = twin_snap;
    }
    memset(&gb, 0, sizeof gb);
    gb.client = &cl;
    gb.timeout_ms = 1000; /* the clock only moves by TIME ops: calls end when the link does */
    tt_gdb_backend_table(&gb, &be);
    tt_rsp_init(&rsp, &be);
    rsp.no_optimize = data[0] & 1;
    if (data[0] & 2) {
        if (!tt_rsp_add_region(&rsp, 0x28000000u, 0x40000u, TT_RSP_MEM_RAM, 0) ||
            !tt_rsp_add_region(&rsp, 0xFFFFF000u, 0x1000u, TT_RSP_MEM_RAM, 0))
            fuzz_fail(__FILE__, __LINE__, "setup", "regions");
    }
    rsp_output_reset(&out);
    while (fuzz_next_op(&rd, TT_PKT_MAX_LEN, &op, &c, &n)) {
        switch (op % 10) {
        case 0: op_gdb(c, n, piece); break;
        case 1: link_append(c, n); break;
        case 2: op_msg(c, n); break;
        case 3:
            if (twin.last_len)
                twin_put_packet(twin.last, twin.last_len);
            break;
        case 4: op_poll(); break;
        case 5:
            if (link.ncuts < LINK_CUTS)
                link.cut_at[link.ncuts++] = link.len;
            break;
        case 6:
            if (n >= 2)
                clock_us += (uint64_t)(c[0] << 8 | c[1]) * 1000u;
            break;
        case 7: op_pump(); break;
        case 8: break; /* HELLO outside connect mode: nothing to answer */
        case 9:
            if (tt_gdb_attach(&gb) != TT_OK)
                break; /* refused or failed: serve_one would end here */
            drain_events();
            break;
        }
        check_client();
    }
    return 0;
}
