/* supervisor.c — fuzz harness for the device: the supervisor core (ref-device/core/
 * supervisor and core/service) on the host port with its app double, driven through
 * ref-device/tests/sup_harness.c. One client with an all-permissions grant connects once at
 * start-up (again only if a Close or a lifetime ended its session); inputs then reach the
 * device two ways: as messages inside that authorized session (nanopb decode, dispatch,
 * every service handler with hostile addresses, sizes and counts) and as raw link bytes
 * from an unauthenticated attacker (framing, packets, handshakes, records).
 *
 * Ops (common.h layout), op & 3: 0 a message from the client (if it decodes, its
 * request_id is replaced by a fresh one and it is re-encoded, so its reply can be told
 * apart); 1 raw link bytes; 2 (op >> 2) * 100 ms pass on the device clock; 3 extra turns.
 * After each op the device runs and the client takes and acks what came back.
 * Invariants:
 *  - a ReadMemory / WriteMemory naming any byte outside the app's Non-secure map (code
 *    0x00200000 + 64 KiB, RAM 0x28200000 + 16 KiB, as app_double.h states it) is answered
 *    by an Error, never by data or an Ack ([SEC-16], [DBG-010]);
 *  - raw link bytes never end or add an established session: the attacker holds no client
 *    key or grant ([SEC-12], [SEC-14]);
 *  - whatever the client receives is a record of its session that opens ([SEC-2]) and
 *    carries a decodable Message ([SEC-15]).
 * State carries over between inputs (the app double's memory cannot be snapshot from
 * here), so AFL++ stability is below 100 %; the replay is deterministic per file order.
 * Depends on sup_harness.h (host port, app double, ref-client session driver). */
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "tether/messages.h"
#include "../../ref-device/tests/sup_harness.h"

static struct h_client cl;
static struct h_id id;
static uint32_t next_rid = 0x10000000u;
#define NREFUSE 64
static uint32_t must_refuse[NREFUSE];
static unsigned nrefuse;
static int client_may_end; /* the client sent a Close or a floor change in this input */

static void client_connect(void)
{
    tt_err e = TT_ERR_STATE;
    /* Inputs that Close at every turn make the client reconnect faster than the device's
     * initiation rate limit allows ([HS-045]); the device then drops the initiation and
     * the driver waits out its 3 s connect timeout in real time (AFL++ saw such inputs as
     * timeouts, and once as aborts). So a second passes on the device clock before every
     * attempt, not only after a failed one. */
    for (int tries = 0; tries < 3 && e != TT_OK; tries++) {
        tt_host_time_advance(1100);
        h_forget(&cl);
        e = h_connect(&cl, &id, TT_PERM_ALL);
    }
    if (e != TT_OK) {
        fprintf(stderr, "reconnect failed: %d (%u sessions)\n", (int)e, tt_sup_sessions(&h_sup));
        fuzz_fail(__FILE__, __LINE__, "setup", "authorized client cannot connect");
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    h_boot();
    h_id_new(&id);
    client_connect();
    return 0;
}

static int inside_ns(uint32_t addr, uint32_t len)
{
    uint64_t end = (uint64_t)addr + len;
    return (addr >= TT_DOUBLE_CODE_BASE && end <= (uint64_t)TT_DOUBLE_CODE_BASE + TT_DOUBLE_CODE_SIZE) ||
           (addr >= TT_DOUBLE_RAM_BASE && end <= (uint64_t)TT_DOUBLE_RAM_BASE + TT_DOUBLE_RAM_SIZE);
}

static int names_secure(const tether_v1_Message *m)
{
    const tether_v1_MemRange *r = NULL;
    pb_size_t n = 0;
    if (m->which_body == tether_v1_Message_read_memory_tag) {
        r = m->body.read_memory.ranges;
        n = m->body.read_memory.ranges_count;
    } else if (m->which_body == tether_v1_Message_write_memory_tag) {
        r = m->body.write_memory.ranges;
        n = m->body.write_memory.ranges_count;
    }
    for (pb_size_t k = 0; k < n; k++)
        if (r[k].len > 0 && !inside_ns(r[k].addr, r[k].len))
            return 1;
    return 0;
}

static void client_send(const uint8_t *msg, size_t len)
{
    static tether_v1_Message m;
    static uint8_t enc[TT_MESSAGE_MAX_LEN], pkt[TT_PKT_MAX_LEN];
    size_t n;
    if (len <= TT_MESSAGE_MAX_LEN && tt_msg_decode(msg, len, &m) == TT_OK) {
        m.request_id = next_rid++;
        if (tt_msg_encode(&m, enc, sizeof enc, &len) != TT_OK)
            return;
        msg = enc;
        if (names_secure(&m) && nrefuse < NREFUSE)
            must_refuse[nrefuse++] = m.request_id;
        if (m.which_body == tether_v1_Message_close_tag ||
            m.which_body == tether_v1_Message_raise_revocation_floor_tag)
            client_may_end = 1;
    }
    if (len > TT_MESSAGE_MAX_LEN ||
        tt_session_send(&cl.c.s, msg, len, tt_client_now_ms(), pkt, sizeof pkt, &n) != TT_OK)
        return; /* window full: the fuzzer's message is simply not sent */
    h_feed_packet(pkt, n);
}

static void check_reply(const uint8_t *msg, size_t len)
{
    static tether_v1_Message m;
    FUZZ_CHECK(tt_msg_decode(msg, len, &m) == TT_OK, "SEC-15", "device sent an undecodable Message");
    for (unsigned k = 0; k < nrefuse; k++)
        if (m.request_id == must_refuse[k])
            FUZZ_CHECK(m.which_body == tether_v1_Message_error_tag, "SEC-16",
                       "a memory request naming Secure memory was not refused");
}

/* The client takes everything queued for it, then sends its acks. */
static void client_pump(void)
{
    static uint8_t work[TT_RECORD_MAX_PLAINTEXT], pkt[TT_PKT_MAX_LEN];
    while (cl.count > 0) {
        const uint8_t *p = cl.q[cl.head], *msg;
        size_t n = cl.qlen[cl.head], mlen;
        cl.head = (cl.head + 1) % 16;
        cl.count--;
        if (cl.c.s.state != TT_SESSION_ESTABLISHED)
            continue;
        tt_err e = tt_session_receive(&cl.c.s, p, n, tt_client_now_ms(), work, sizeof work,
                                      &msg, &mlen);
        FUZZ_CHECK(e == TT_OK || e == TT_ERR_REL_NONE || e == TT_ERR_REC_REPLAY, "SEC-2",
                   "a record the device sent does not open");
        if (e == TT_OK)
            check_reply(msg, mlen);
    }
    size_t n;
    while (cl.c.s.state == TT_SESSION_ESTABLISHED &&
           tt_session_poll(&cl.c.s, tt_client_now_ms(), pkt, sizeof pkt, &n) == TT_OK)
        h_feed_packet(pkt, n);
}

/* Does the device still hold our client's session? */
static int device_has_client(void)
{
    if (cl.c.s.state != TT_SESSION_ESTABLISHED)
        return 0;
    for (unsigned k = 0; k < TT_SUP_SESSIONS; k++)
        if (h_sup.slot[k].s.state == TT_SESSION_ESTABLISHED &&
            h_sup.slot[k].s.local_id == cl.c.s.remote_id)
            return 1;
    return 0;
}

/* What the sessions looked like when an invariant about them failed. */
static void describe(unsigned before)
{
    fprintf(stderr, "sessions before %u, after %u, device time %llu ms\n", before,
            tt_sup_sessions(&h_sup), (unsigned long long)tt_port_time_ms());
    for (unsigned k = 0; k < TT_SUP_SESSIONS; k++)
        fprintf(stderr, "  slot %u: state %d local %08x remote %08x confirmed %u active %llu\n", k,
                (int)h_sup.slot[k].s.state, h_sup.slot[k].s.local_id, h_sup.slot[k].s.remote_id,
                h_sup.slot[k].confirmed, (unsigned long long)h_sup.slot[k].active_ms);
    fprintf(stderr, "  client: state %d local %08x remote %08x\n", (int)cl.c.s.state,
            cl.c.s.local_id, cl.c.s.remote_id);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_reader r = {data, size};
    const uint8_t *chunk;
    size_t len;
    uint8_t op;
    if (!device_has_client())
        client_connect();
    /* Each input is a new connection: a partial frame left in the device's decoder by the
     * last input would otherwise hold back this input's first packets ([FRM-007]). */
    tt_frame_decoder_init(&h_sup.dec);
    nrefuse = 0;
    client_may_end = 0;
    while (fuzz_next_op(&r, 2 * TT_PKT_MAX_LEN, &op, &chunk, &len)) {
        unsigned before;
        switch (op & 3) {
        case 0:
            client_send(chunk, len);
            break;
        case 1:
            /* Settle first: timers due now (lifetimes, idle eviction) end sessions on their
             * own, and must not be blamed on the bytes that follow. */
            h_run(2);
            client_pump();
            before = tt_sup_sessions(&h_sup);
            h_feed_bytes(chunk, len);
            h_run(2);
            if (!client_may_end && tt_sup_sessions(&h_sup) != before)
                describe(before);
            /* A Close sent earlier may still sit behind the attacker's garbage in the
             * device's decoder and take effect now: only judge inputs without one. */
            FUZZ_CHECK(client_may_end || tt_sup_sessions(&h_sup) == before, "SEC-12",
                       "raw link bytes changed the established sessions");
            break;
        case 2:
            tt_host_time_advance((uint64_t)(op >> 2) * 100u);
            break;
        default:
            h_run((op >> 2) % 8 + 1);
            break;
        }
        h_run(2);
        client_pump();
        h_run(1);
        client_pump();
    }
    return 0;
}
