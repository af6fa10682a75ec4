/* record.c — fuzz harness for packet parsing and record open on an established session
 * (lib/record), the device side of a session whose handshake ran once at start-up with the
 * fixed keys (common.c). Every input starts from that same state.
 *
 * Input: a sequence of ops (common.h layout); op & 3 selects:
 *   0  raw packet: the chunk is handed to tt_record_open as it is;
 *   1  authentic record: the client twin seals the chunk as plaintext, at the next seq or,
 *      by op bits 2..4, at a replayed, old, skipped-ahead or near-limit seq, so the replay
 *      window is exercised with records whose tags verify;
 *   2  re-send one of the last 8 authentic records, one bit flipped if the chunk says so;
 *   3  let (op >> 2) * 64 seconds pass (reaches the reject-after-time limit).
 * Invariants:
 *  - rejected record: the session is byte-for-byte unchanged ([SEC-14], [REC-007]) and the
 *    output buffer holds no byte string of the session keys ([SEC-18]);
 *  - accepted record: re-sealed by the twin at its seq it is byte-identical to the input, so
 *    nothing but the peer's own records is ever accepted ([SEC-2]); opened again it is a
 *    replay ([SEC-3]);
 *  - for records whose tags verify, accept/reject agrees with an independent model of the
 *    64-record window and the limits ([SEC-3], [SEC-23], [SEC-24]);
 *  - tt_packet_parse accepts only the three types with their exact lengths ([PKT-005]).
 * The backend is whichever backend_*.c is linked (record = libsodium, record_mbedtls =
 * mbedTLS). Depends on record.h, session.h (set-up only). */
#include <string.h>

#include "common.h"
#include "tether/bytes.h"

static struct tt_record_session base_dev, base_cli;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static struct fuzz_pair pair;
    (void)argc;
    (void)argv;
    fuzz_establish(&pair, NULL, NULL, NULL, NULL);
    base_dev = pair.device.rec;
    base_cli = pair.client.rec;
    return 0;
}

/* The independent model of what the device must accept. */
#define MAX_SEEN 512
struct model {
    uint64_t seen[MAX_SEEN];
    size_t nseen;
    uint64_t max;
};

static int model_accepts(const struct model *m, uint64_t seq)
{
    if (seq >= base_dev.limits.reject_after_records)
        return 0;
    if (m->nseen == 0 || seq > m->max)
        return 1;
    if (m->max - seq >= TT_REPLAY_WINDOW)
        return 0;
    for (size_t i = 0; i < m->nseen; i++)
        if (m->seen[i] == seq)
            return 0;
    return 1;
}

static void check_parse(const uint8_t *pkt, size_t len)
{
    struct tt_packet p;
    tt_err e = tt_packet_parse(pkt, len, &p);
    if (e != TT_OK) {
        FUZZ_CHECK(e == TT_ERR_PKT_TYPE || e == TT_ERR_PKT_LENGTH, "SEC-15",
                   "packet parse: unexpected error");
        return;
    }
    FUZZ_CHECK(len >= 1 && len <= TT_PKT_MAX_LEN && p.type == pkt[0], "SEC-15", "parse: bad");
    FUZZ_CHECK(p.body >= pkt && p.body + p.body_len == pkt + len, "SEC-15",
               "parse: body is not the packet's tail");
    if (p.type == TT_PKT_RECORD)
        FUZZ_CHECK(p.body_len >= TT_TAG_LEN && p.body_len == len - TT_RECORD_HEADER_LEN &&
                       p.receiver_id == tt_load_be32(pkt + 1) && p.seq == tt_load_be64(pkt + 5),
                   "SEC-15", "parse: record fields wrong");
    else if (p.type == TT_PKT_INITIATION)
        FUZZ_CHECK(len >= TT_INITIATION_MIN_LEN, "SEC-15", "parse: short initiation");
    else if (p.type == TT_PKT_PENDING)
        FUZZ_CHECK(len == TT_PENDING_LEN && p.sender_id == tt_load_be32(pkt + 1), "PKT-010",
                   "parse: pending of a wrong length or sender_id");
    else
        FUZZ_CHECK(p.type == TT_PKT_RESPONSE && len >= TT_RESPONSE_MIN_LEN, "SEC-15",
                   "parse: unknown type or short response accepted");
}

static void feed(struct tt_record_session *dev, struct model *m, uint64_t now_s,
                 const uint8_t *pkt, size_t len, int authentic)
{
    static uint8_t out[TT_PKT_MAX_LEN], again[TT_PKT_MAX_LEN];
    static struct tt_record_session before, twin;
    size_t olen = 0, n2;
    uint64_t seq;
    tt_err e;
    check_parse(pkt, len);
    memcpy(&before, dev, sizeof before);
    memset(out, 0, sizeof out);
    e = tt_record_open(dev, now_s, pkt, len, out, sizeof out, &olen);
    if (authentic) {
        int expired = now_s - base_dev.created_s >= base_dev.limits.reject_after_s;
        FUZZ_CHECK((e == TT_OK) == (!expired && model_accepts(m, tt_load_be64(pkt + 5))),
                   "SEC-3", "record window disagrees with the model");
    }
    if (e != TT_OK) {
        FUZZ_CHECK(memcmp(dev, &before, sizeof before) == 0, "SEC-14",
                   "rejected record changed the session");
        FUZZ_CHECK(!fuzz_leaks(out, sizeof out, dev->keys.recv, TT_KEY_LEN) &&
                       !fuzz_leaks(out, sizeof out, dev->keys.send, TT_KEY_LEN),
                   "SEC-18", "key bytes in the output of a rejected record");
        return;
    }
    seq = tt_load_be64(pkt + 5);
    FUZZ_CHECK(len == olen + TT_RECORD_OVERHEAD, "SEC-15", "plaintext length wrong");
    /* The twin (the client, which holds the matching send key) seals the same plaintext at
     * the same seq: deterministic AEAD, so it must give back exactly the accepted bytes. */
    twin = base_cli;
    twin.send_seq = seq;
    FUZZ_CHECK(tt_record_seal(&twin, base_cli.created_s, out, olen, again, sizeof again,
                              &n2) == TT_OK &&
                   n2 == len && memcmp(again, pkt, len) == 0,
               "SEC-2", "accepted a record the peer did not seal");
    memcpy(&before, dev, sizeof before);
    FUZZ_CHECK(tt_record_open(&before, now_s, pkt, len, again, sizeof again, &n2) ==
                   TT_ERR_REC_REPLAY,
               "SEC-3", "an accepted record was accepted again");
    if (m->nseen < MAX_SEEN)
        m->seen[m->nseen++] = seq;
    if (m->nseen == 1 || seq > m->max)
        m->max = seq;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct tt_record_session dev, cli;
    static struct model m;
    static uint8_t sent[8][TT_PKT_MAX_LEN], pkt[TT_PKT_MAX_LEN];
    static size_t sent_len[8];
    struct fuzz_reader r = {data, size};
    const uint8_t *chunk;
    size_t len, nsent = 0;
    uint64_t now_s = base_dev.created_s;
    uint8_t op;
    dev = base_dev;
    cli = base_cli;
    m.nseen = 0;
    m.max = 0;
    while (fuzz_next_op(&r, TT_PKT_MAX_LEN, &op, &chunk, &len)) {
        switch (op & 3) {
        case 0:
            if (m.nseen < MAX_SEEN)
                feed(&dev, &m, now_s, chunk, len, 0);
            break;
        case 1: {
            static const uint64_t back[8] = {0, 0, 0, 0, 1, 64, 0, 0};
            size_t plen = len > TT_RECORD_MAX_PLAINTEXT ? TT_RECORD_MAX_PLAINTEXT : len, n;
            unsigned how = (op >> 2) & 7;
            if (how <= 5)
                cli.send_seq = cli.send_seq >= back[how] ? cli.send_seq - back[how] : 0;
            else if (how == 6)
                cli.send_seq += 100;
            else
                cli.send_seq = base_dev.limits.reject_after_records - 1 - (op >> 5);
            if (tt_record_seal(&cli, base_cli.created_s, chunk, plen, pkt, sizeof pkt, &n) !=
                TT_OK)
                FUZZ_CHECK(cli.send_seq >= base_cli.limits.reject_after_records, "SEC-15",
                           "twin could not seal");
            else {
                memcpy(sent[nsent % 8], pkt, n);
                sent_len[nsent++ % 8] = n;
                if (m.nseen < MAX_SEEN)
                    feed(&dev, &m, now_s, pkt, n, 1);
            }
            break;
        }
        case 2:
            if (nsent > 0) {
                size_t k = (nsent - 1 - (op >> 2) % (nsent < 8 ? nsent : 8)) % 8, n = sent_len[k];
                memcpy(pkt, sent[k], n);
                if (len >= 2) {
                    size_t bit = tt_load_be16(chunk) % (n * 8);
                    pkt[bit / 8] ^= (uint8_t)(1u << (bit % 8));
                }
                if (m.nseen < MAX_SEEN)
                    feed(&dev, &m, now_s, pkt, n, len < 2);
            }
            break;
        default:
            now_s += (uint64_t)(op >> 2) * 64;
            break;
        }
    }
    return 0;
}
