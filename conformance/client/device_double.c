/* device_double.c — the client suite's device ([CNF-022]): a scripted Tether device on a
 * local TCP port, built on lib's session engine (the responder half of the handshake,
 * records, reliability), that answers Ping with Pong and GetCapabilities, and misbehaves
 * exactly as the current case asks (client_suite.h). One connection at a time, like a
 * device's UART. Host only; the suite's, not a product. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client_suite.h"
#include "tether/bytes.h"
#include "tether/crypto_backends.h"
#include "tether/hs_resend.h"
#include "tether/p256.h"

static uint64_t now_ms(void) { return tt_client_now_ms(); }

int dd_listen(uint16_t *port)
{
    struct sockaddr_in a;
    socklen_t al = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 4) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &al) != 0) {
        close(fd);
        return -1;
    }
    *port = ntohs(a.sin_port);
    return fd;
}

static void put(struct dd *d, const uint8_t *pkt, size_t n)
{
    uint8_t frame[TT_PKT_MAX_LEN + TT_FRAME_OVERHEAD];
    size_t fn;
    if (d->conn >= 0 && tt_frame_encode(pkt, n, frame, sizeof frame, &fn) == TT_OK &&
        send(d->conn, frame, fn, MSG_NOSIGNAL) == (ssize_t)fn)
        d->sent_packets++;
}

/* Flushes what the engine owes (acks, retransmissions). */
static void flush(struct dd *d)
{
    uint8_t pkt[TT_PKT_MAX_LEN];
    size_t n;
    if (!d->established || d->rebooted)
        return;
    while (tt_session_poll(&d->s, now_ms(), pkt, sizeof pkt, &n) == TT_OK)
        put(d, pkt, n);
}

/* Sends m as the next message; the record packet stays in d->last for replays. */
static void send_msg(struct dd *d, const tether_v1_Message *m, int emit)
{
    uint8_t enc[TT_MESSAGE_MAX_LEN];
    size_t el;
    if (tt_msg_encode(m, enc, sizeof enc, &el) != TT_OK ||
        tt_session_send(&d->s, enc, el, now_ms(), d->last, sizeof d->last, &d->last_len) != TT_OK)
        return;
    if (emit)
        put(d, d->last, d->last_len);
}

/* Whether needle[0..nl) occurs in hay[0..hl): plaintext seen on the wire. */
static int contains(const uint8_t *hay, size_t hl, const uint8_t *needle, size_t nl)
{
    for (size_t i = 0; nl && i + nl <= hl; i++)
        if (memcmp(hay + i, needle, nl) == 0)
            return 1;
    return 0;
}

/* The first rule the client broke, kept for the verdict. */
static void client_broke(struct dd *d, const char *what)
{
    if (!d->problem[0])
        snprintf(d->problem, sizeof d->problem, "%s", what);
}

/* [HS-024] over every initiation of the run (one client key for all cases): each new one
 * carries a larger timestamp; a retransmission is the same bytes ([HS-030]). */
static void check_timestamp(struct dd *d, const uint8_t *pkt, size_t n, uint64_t ts)
{
    static uint8_t last[TT_PKT_MAX_LEN];
    static size_t last_len;
    static uint64_t last_ts;
    if (n == last_len && memcmp(pkt, last, n) == 0)
        return;
    if (last_len && ts <= last_ts)
        client_broke(d, "[HS-024] an initiation's timestamp is not above the previous one's");
    memcpy(last, pkt, n);
    last_len = n;
    last_ts = ts;
}

/* [REL-001] [REL-002] [REL-003] The envelope of an authentic record from the client, opened
 * on a copy of the record state (the engine then processes the record as usual). */
static void check_envelope(struct dd *d, const uint8_t *pkt, size_t n)
{
    static uint8_t env[TT_RECORD_MAX_PLAINTEXT];
    struct tt_record_session copy = d->s.rec;
    size_t el;
    tt_err e = tt_record_open(&copy, now_ms() / 1000u, pkt, n, env, sizeof env, &el);
    tt_record_session_wipe(&copy);
    if (e != TT_OK)
        return; /* not authentic: the engine drops it too */
    uint32_t seq = el >= TT_REL_HEADER_LEN ? tt_load_be32(env + 1) : 0;
    uint32_t ack = el >= TT_REL_HEADER_LEN ? tt_load_be32(env + 5) : 0;
    uint32_t sent = d->s.rel.next_seq - 1; /* the highest msg_seq this device sent */
    if (el < TT_REL_HEADER_LEN || (env[0] != TT_REL_DATA && env[0] != TT_REL_ACK) ||
        (env[0] == TT_REL_ACK && (seq != 0 || el != TT_REL_HEADER_LEN)) ||
        (env[0] == TT_REL_DATA && (seq == 0 || el - TT_REL_HEADER_LEN > TT_MESSAGE_MAX_LEN)))
        client_broke(d, "[REL-001] a malformed envelope");
    else if (env[0] == TT_REL_DATA && seq > d->peer_data_max + 1)
        client_broke(d, "[REL-002] DATA msg_seq skips a number");
    else if (ack > sent)
        client_broke(d, "[REL-003] an ack above the highest msg_seq the device sent");
    else if (env[0] == TT_REL_DATA && seq > d->peer_data_max &&
             seq - d->s.rel.delivered > (d->how == DD_BAD_LIMITS ? 1u : DD_WINDOW))
        /* the client cannot have seen an ack above what the device delivered: it had more
         * new messages outstanding than the announced window (at least 1) allows */
        client_broke(d, "[REL-015] more DATA messages outstanding than Limits.rel_window");
    if (el >= TT_REL_HEADER_LEN + 8 &&
        contains(pkt, n, env + TT_REL_HEADER_LEN, el - TT_REL_HEADER_LEN))
        client_broke(d, "[SEC-1] a message travels in clear inside its record");
    if (env[0] == TT_REL_DATA && seq > d->peer_data_max)
        d->peer_data_max = seq;
    if (ack > d->peer_ack_max)
        d->peer_ack_max = ack;
}

static void on_initiation(struct dd *d, const uint8_t *pkt, size_t n)
{
    uint8_t hello[TT_PKT_MAX_LEN], enc[512], out[TT_PKT_MAX_LEN];
    size_t hl, el, on;
    tether_v1_HandshakeReply rep;
    if (n != d->last_init_len || memcmp(pkt, d->last_init, n) != 0) {
        d->new_initiations++;
        memcpy(d->last_init, pkt, n);
        d->last_init_len = n;
    }
    if (n < TT_INITIATION_MIN_LEN)
        client_broke(d, "[PKT-002] an initiation shorter than 101 bytes");
    else if (tt_load_be32(pkt + 1) == 0)
        client_broke(d, "[HS-010] an initiation with sender_id 0");
    if (d->established)
        return; /* one session per connection is all the cases need */
    if (d->how == DD_PENDING_FORGED && !d->first_init_len) { /* [HS-073] */
        uint8_t hash[TT_SHA256_LEN], pend[TT_PENDING_LEN];
        size_t pl;
        memcpy(d->first_init, pkt, n);
        d->first_init_len = n;
        if (tt_crypto_sodium.sha256(hash, pkt, n, NULL, 0) != TT_OK)
            return;
        /* another initiation's sender_id, then this one's with a digest that is not */
        if (tt_pending_write(tt_load_be32(pkt + 1) ^ 0x00010000u, hash, 30000, pend,
                             sizeof pend, &pl) == TT_OK)
            put(d, pend, pl);
        hash[3] ^= 0x40;
        if (tt_pending_write(tt_load_be32(pkt + 1), hash, 30000, pend, sizeof pend, &pl) ==
            TT_OK)
            put(d, pend, pl);
        return; /* the initiation itself is "lost": only a resend is answered */
    }
    if (d->how == DD_PENDING_WAIT) { /* [HS-071]: "computing, expect 20 s" */
        uint8_t hash[TT_SHA256_LEN], pend[TT_PENDING_LEN];
        size_t pl;
        if (tt_crypto_sodium.sha256(hash, pkt, n, NULL, 0) == TT_OK &&
            tt_pending_write(tt_load_be32(pkt + 1), hash, 20000, pend, sizeof pend, &pl) ==
                TT_OK)
            put(d, pend, pl);
    }
    if (d->how == DD_DROP_INITIATION) { /* [HS-030]: the first is lost, the resend must equal it */
        if (!d->first_init_len) {
            memcpy(d->first_init, pkt, n);
            d->first_init_len = n;
            return;
        }
        if (n != d->first_init_len || memcmp(pkt, d->first_init, n) != 0) {
            client_broke(d, "[HS-030] the resent initiation differs from the first");
            return;
        }
    }
    if (d->how == DD_IMPOSTOR) { /* holds another static key: cannot read the initiation */
        out[0] = TT_PKT_RESPONSE;
        randombytes_buf(out + 1, 4);
        memcpy(out + 5, pkt + 1, 4); /* receiver id = the initiation's sender id */
        randombytes_buf(out + 9, TT_NOISE_MSG2_OVERHEAD + 40);
        put(d, out, 9 + TT_NOISE_MSG2_OVERHEAD + 40);
        d->bad_response_sent = 1;
        return;
    }
    if (tt_session_accept(&d->s, &tt_crypto_sodium, d->static_sk, pkt, n, hello, sizeof hello,
                          &hl) != TT_OK)
        return;
    { /* [HS-011]: what the client must put in its ClientHello */
        static tether_v1_ClientHello ch;
        if (tt_pb_decode(tether_v1_ClientHello_fields, hello, hl, &ch) != TT_OK)
            snprintf(d->hello_problem, sizeof d->hello_problem, "ClientHello does not decode");
        else if (ch.version_min > TT_PROTOCOL_VERSION || ch.version_max < TT_PROTOCOL_VERSION ||
                 ch.version_min > ch.version_max)
            snprintf(d->hello_problem, sizeof d->hello_problem, "versions %u..%u",
                     (unsigned)ch.version_min, (unsigned)ch.version_max);
        else if (!ch.has_grant || ch.timestamp == 0)
            snprintf(d->hello_problem, sizeof d->hello_problem, "no grant or timestamp 0");
        else
            check_timestamp(d, pkt, n, ch.timestamp);
        /* [SEC-6]: neither the client's static key nor its grant is visible on the wire */
        if (contains(pkt, n, d->s.peer_static, 32) ||
            (ch.has_grant && contains(pkt, n, ch.grant.signature, sizeof ch.grant.signature)))
            client_broke(d, "[SEC-6] the initiation shows the client's key or grant in clear");
    }
    memset(&rep, 0, sizeof rep);
    rep.which_reply = tether_v1_HandshakeReply_hello_tag;
    tether_v1_DeviceHello *h = &rep.reply.hello;
    h->version = TT_PROTOCOL_VERSION;
    memcpy(h->device_id, d->device_id, 16);
    h->capabilities = tether_v1_Capability_CAP_DEBUG | tether_v1_Capability_CAP_LOG;
    h->has_limits = true;
    h->limits.max_message = TT_MESSAGE_MAX_LEN;
    h->limits.max_mem_chunk = 1024;
    h->limits.breakpoints = 8;
    h->limits.rel_window = DD_WINDOW;
    h->limits.max_sessions = 1;
    h->granted_permissions = TT_PERM_ALL;
    h->supervisor_version = 0x000100;
    memset(h->app_measurement, DD_CLAIMED_APP, 32);
    if (d->how == DD_WRONG_ID)
        h->device_id[0] ^= 0x80;
    if (d->how == DD_BAD_VERSION)
        h->version = 7;
    if (d->how == DD_BAD_LIMITS) { /* [LIM-011]: outside 1..255 and 1..1024 */
        h->limits.rel_window = 0;
        h->limits.max_mem_chunk = 5000;
    }
    if (d->how == DD_REFUSAL || d->how == DD_REPLAY_REFUSAL) {
        memset(&rep, 0, sizeof rep);
        rep.which_reply = tether_v1_HandshakeReply_refusal_tag;
        rep.reply.refusal.error_code =
            d->how == DD_REFUSAL ? TT_ERR_GRANT_REVOKED : TT_ERR_HS_REPLAY;
    }
    if (d->how == DD_EMPTY_REPLY) /* [HS-019]: decodes, but neither hello nor refusal */
        memset(&rep, 0, sizeof rep);
    if (tt_pb_encode(tether_v1_HandshakeReply_fields, &rep, enc, sizeof enc, &el) != TT_OK ||
        tt_session_respond(&d->s, 0x01020304u ^ (uint32_t)d->case_no, NULL, enc, el, d->rel,
                           DD_WINDOW, 1000, now_ms(), out, sizeof out, &on) != TT_OK)
        return;
    d->established = 1;
    if (d->how == DD_WRONG_ID || d->how == DD_BAD_VERSION || d->how == DD_REFUSAL ||
        d->how == DD_EMPTY_REPLY || d->how == DD_REPLAY_REFUSAL)
        d->bad_response_sent = 1;
    if (d->how == DD_REPLAY_REFUSAL) /* refused: the next initiation starts afresh */
        d->established = 0;
    if (d->how == DD_FORGED_RESPONSE) {
        uint8_t bad[TT_PKT_MAX_LEN];
        memcpy(bad, out, on);
        bad[on - 3] ^= 0x20; /* in the tag */
        put(d, bad, on);
        d->bad_response_sent = 1;
        d->established = 0; /* a client that accepted it has keys we never send with */
        return;
    }
    if (d->how == DD_LOW_ORDER) {
        uint8_t bad[TT_PKT_MAX_LEN];
        memcpy(bad, out, on);
        memset(bad + TT_RESPONSE_HEADER_LEN, 0, 32); /* e = the point of order 2 */
        put(d, bad, on);
        d->bad_response_sent = 1;
        d->established = 0;
        return;
    }
    if (d->how == DD_REPLAYED_RESPONSE && d->old_response_len) {
        memcpy(d->old_response + 5, pkt + 1, 4); /* addressed to this initiation */
        put(d, d->old_response, d->old_response_len);
        d->bad_response_sent = 1;
        d->established = 0;
        return;
    }
    memcpy(d->response, out, on);
    d->response_len = on;
    if (d->how == DD_PENDING_WAIT) { /* well within the announced 20 s */
        memcpy(d->held, out, on);
        d->held_len = on;
        d->release_at = now_ms() + 1500; /* past [HS-030]'s 1 s, within --timeout 3000 */
        return;
    }
    put(d, out, on);
}

/* [REC-006] DD_OLD_RECORD. At the first reply the device's record seq jumps ahead by more
 * than the largest window a receiver may keep (8192): the reply itself is authentic and
 * new, so the client accepts it and its window moves past the skipped seqs. Before each
 * later reply comes an authentic record under one of the skipped seqs — never used, so not
 * a duplicate, but at or below highest_accepted - W — carrying what would be the reply
 * with a wrong Pong nonce. A client that drops it takes the real reply next; one that
 * opens it reports a nonce mismatch (`tether ping` then fails). */
#define DD_SEQ_JUMP 10000u
static void send_outside_window(struct dd *d, const tether_v1_Message *reply)
{
    uint8_t env[TT_REL_HEADER_LEN + TT_MESSAGE_MAX_LEN], pkt[TT_PKT_MAX_LEN];
    size_t el, pl;
    if (!d->jumped) {
        d->old_rec = d->s.rec; /* seals under the seqs the jump skips */
        d->s.rec.send_seq += DD_SEQ_JUMP;
        d->jumped = 1;
        return;
    }
    static tether_v1_Message bad;
    bad = *reply;
    if (bad.which_body == tether_v1_Message_pong_tag)
        bad.body.pong.nonce ^= 0x5a5a;
    env[0] = TT_REL_DATA; /* the msg_seq and ack the real reply is about to carry */
    tt_store_be32(env + 1, d->s.rel.next_seq);
    tt_store_be32(env + 5, d->s.rel.delivered);
    if (tt_msg_encode(&bad, env + TT_REL_HEADER_LEN, sizeof env - TT_REL_HEADER_LEN, &el) ==
            TT_OK &&
        tt_record_seal(&d->old_rec, now_ms() / 1000u, env, TT_REL_HEADER_LEN + el, pkt,
                       sizeof pkt, &pl) == TT_OK)
        put(d, pkt, pl);
}

/* [ATT-020] Evidence for a challenge, signed as a device signs it, or misbehaving as the
 * case says: the attestation cases judge the verifier, [ATT-030]/[ATT-031]. */
static void evidence_for(struct dd *d, const tether_v1_AttestChallenge *ch, tether_v1_Message *m)
{
    static tether_v1_Evidence ev;
    uint8_t digest[32];
    size_t n;
    memset(&ev, 0, sizeof ev);
    memcpy(ev.device_id, d->device_id, 16);
    ev.supervisor_version = 0x000100;
    memset(ev.supervisor_measurement, 0x22, 32);
    ev.app_version = 0x000100;
    memset(ev.app_measurement, DD_CLAIMED_APP, 32);
    if (d->how == DD_LYING_MEASUREMENT) /* runs another app than its DeviceHello said */
        ev.app_measurement[31] ^= 0x01;
    memcpy(ev.nonce, ch->nonce, 32);
    if (d->how == DD_OTHER_NONCE)
        ev.nonce[0] ^= 0x01;
    ev.lifecycle = tether_v1_Lifecycle_LIFECYCLE_SECURED;
    ev.boot_count = 1;
    tether_v1_AttestEvidence *out = &m->body.attest_evidence;
    if (tt_pb_encode(tether_v1_Evidence_fields, &ev, out->evidence.bytes,
                     sizeof out->evidence.bytes, &n) != TT_OK ||
        tt_crypto_sodium.sha256(digest, (const uint8_t *)TT_EVIDENCE_SIG_CONTEXT,
                                sizeof TT_EVIDENCE_SIG_CONTEXT, out->evidence.bytes,
                                n) != TT_OK ||
        tt_p256_sign(out->signature, d->attest_sk, digest) != TT_OK) {
        m->which_body = tether_v1_Message_error_tag;
        m->body.error.code = TT_ERR_CRYPTO;
        return;
    }
    if (d->how == DD_FORGED_EVIDENCE)
        out->signature[40] ^= 0x04;
    out->evidence.size = (pb_size_t)n;
    m->which_body = tether_v1_Message_attest_evidence_tag;
}

/* One request from the client: the case's script decides what goes back. */
static void on_request(struct dd *d, const tether_v1_Message *q)
{
    static tether_v1_Message m;
    d->requests++;
    if (q->which_body != tether_v1_Message_close_tag)
        d->requests_other++;
    else
        d->closes++;
    if (d->close_sent) { /* the session is over: nothing is answered */
        if (d->peer_ack_max >= d->close_seq) /* sent after the client had the Close */
            client_broke(d, "[CTL-021] a request on a session after its Close event");
        return;
    }
    if (d->how == DD_UNKNOWN_ERROR && q->which_body == tether_v1_Message_ping_tag &&
        d->failed_nonce && q->body.ping.nonce == d->failed_nonce)
        client_broke(d, "[MSG-016] the request answered by an Error was sent again unchanged");
    memset(&m, 0, sizeof m);
    m.request_id = q->request_id;
    if (q->which_body == tether_v1_Message_ping_tag) {
        m.which_body = tether_v1_Message_pong_tag;
        m.body.pong.nonce = q->body.ping.nonce;
        m.body.pong.device_time_ms = now_ms();
    } else if (q->which_body == tether_v1_Message_attest_challenge_tag) {
        evidence_for(d, &q->body.attest_challenge, &m);
        d->challenges += m.which_body == tether_v1_Message_attest_evidence_tag;
    } else if (q->which_body == tether_v1_Message_close_tag) {
        m.which_body = tether_v1_Message_ack_tag;
    } else {
        m.which_body = tether_v1_Message_error_tag;
        m.body.error.code = TT_ERR_MSG_UNSUPPORTED;
    }
    if (d->how == DD_STOP_IN_FLIGHT || d->how == DD_REORDERED) {
        static tether_v1_Message ev;
        memset(&ev, 0, sizeof ev);
        ev.which_body = tether_v1_Message_stop_event_tag;
        ev.body.stop_event.reason = tether_v1_StopReason_BREAKPOINT;
        ev.body.stop_event.stop_count = (uint32_t)d->requests;
        ev.body.stop_event.has_regs = true;
        ev.body.stop_event.regs.pc = 0x00200100u;
        if (d->how == DD_STOP_IN_FLIGHT) {
            send_msg(d, &ev, 1);
        } else { /* the event's record held back: the reply overtakes it */
            uint8_t held[TT_PKT_MAX_LEN];
            size_t hl;
            send_msg(d, &ev, 0);
            memcpy(held, d->last, d->last_len);
            hl = d->last_len;
            send_msg(d, &m, 1);
            put(d, held, hl);
            d->answered++;
            return;
        }
    }
    if (d->how == DD_UNKNOWN_ERROR && d->answered == 1 &&
        q->which_body == tether_v1_Message_ping_tag) { /* [VER-008] a code no client knows */
        m.which_body = tether_v1_Message_error_tag;
        m.body.error.code = 9999;
        d->failed_nonce = q->body.ping.nonce ? q->body.ping.nonce : 1;
    }
    if (d->how == DD_CLOSE_EVENT && d->answered == 0) {
        /* [CTL-021] the device ends the session (reason 0). The Close event goes before the
         * first reply, so that a client that has the reply has the Close too: any request
         * after it acks the Close and is on an ended session. */
        static tether_v1_Message ev;
        memset(&ev, 0, sizeof ev);
        ev.which_body = tether_v1_Message_close_tag;
        d->close_seq = d->s.rel.next_seq;
        send_msg(d, &ev, 1);
    }
    if (d->how == DD_OLD_RECORD)
        send_outside_window(d, &m);
    if (d->how == DD_FORGED_RECORD) { /* a bit-flipped copy of the reply goes first */
        send_msg(d, &m, 0);
        uint8_t bad[TT_PKT_MAX_LEN];
        memcpy(bad, d->last, d->last_len);
        bad[TT_RECORD_HEADER_LEN + 12] ^= 0x01; /* in the ciphertext: the nonce's bytes */
        put(d, bad, d->last_len);
        put(d, d->last, d->last_len);
    } else if (d->how == DD_REPLAYED_RECORD && d->prev_len) {
        send_msg(d, &m, 1);
        put(d, d->prev, d->prev_len); /* the previous reply's record, again */
    } else {
        send_msg(d, &m, 1);
        if (d->how == DD_DUPLICATE)
            put(d, d->last, d->last_len);
    }
    memcpy(d->prev, d->last, d->last_len);
    d->prev_len = d->last_len;
    d->answered++;
    if (d->how == DD_REBOOT && d->answered == 1)
        d->rebooted = 1; /* forgets the session: later records name no session */
    if (d->how == DD_CLOSE_EVENT && d->answered == 1)
        d->close_sent = 1; /* from now on nothing is answered */
}

static void on_packet(struct dd *d, const uint8_t *pkt, size_t n)
{
    static uint8_t work[TT_RECORD_MAX_PLAINTEXT];
    static tether_v1_Message q;
    const uint8_t *body;
    size_t bl;
    if (n > 0 && pkt[0] == TT_PKT_INITIATION) {
        d->initiations++;
        if (d->rebooted && d->how == DD_REBOOT) { /* after a reboot: a fresh device */
            d->rebooted = 0;
            d->established = 0;
            d->rehandshake = 1;
        }
        on_initiation(d, pkt, n);
        return;
    }
    if (n == 0 || pkt[0] != TT_PKT_RECORD)
        return;
    d->records++;
    if (!d->established || d->rebooted)
        return;
    if (d->how == DD_DROP_FIRST && !d->dropped_first) {
        d->dropped_first = 1; /* lost on the link: the client must retransmit it */
        return;
    }
    check_envelope(d, pkt, n);
    if (tt_session_receive(&d->s, pkt, n, now_ms(), work, sizeof work, &body, &bl) != TT_OK)
        return;
    d->records_ok++;
    if (tt_msg_decode(body, bl, &q) != TT_OK)
        return;
    if (q.request_id == 0) /* every client message is a request */
        client_broke(d, "[MSG-010] a request with request_id 0");
    else
        on_request(d, &q);
}

void dd_serve(struct dd *d, int lfd, int ms)
{
    uint64_t end = now_ms() + (uint64_t)ms;
    while (now_ms() < end && !d->stop) {
        struct pollfd p[2] = {{lfd, POLLIN, 0}, {d->conn, POLLIN, 0}};
        if (poll(p, d->conn >= 0 ? 2 : 1, 10) > 0) {
            if (p[0].revents & POLLIN) {
                int c = accept(lfd, NULL, NULL);
                if (c >= 0) {
                    if (d->conn >= 0)
                        close(d->conn);
                    d->conn = c;
                    tt_frame_decoder_init(&d->dec);
                    if (d->established)
                        tt_session_on_reconnect(&d->s);
                    continue;
                }
            }
            if (d->conn >= 0 && (p[1].revents & (POLLIN | POLLHUP | POLLERR))) {
                uint8_t buf[2048];
                ssize_t r = recv(d->conn, buf, sizeof buf, 0);
                if (r <= 0) {
                    close(d->conn);
                    d->conn = -1;
                } else {
                    size_t off = 0;
                    while (off < (size_t)r) {
                        const uint8_t *pl;
                        size_t used = 0, plen;
                        tt_err pe = tt_frame_push(&d->dec, buf + off, (size_t)r - off, &used);
                        off += used;
                        if (pe != TT_OK)
                            continue;
                        while (tt_frame_pop(&d->dec, &pl, &plen) == TT_OK)
                            on_packet(d, pl, plen);
                    }
                }
            }
        }
        if (d->held_len && now_ms() >= d->release_at) { /* DD_PENDING_WAIT */
            d->inits_at_release = d->initiations;
            if (d->initiations > 1)
                client_broke(d, "[HS-071] the client resent its initiation during the wait "
                                "a matching pending packet set");
            put(d, d->held, d->held_len);
            d->held_len = 0;
        }
        flush(d);
        d->stop = d->poll_child && d->poll_child(d);
    }
}
