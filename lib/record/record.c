/* record.c — sealing and opening transport records, replay window, rekey/reject limits.
 *
 * The record's explicit 64-bit seq is the AEAD nonce, so records may be lost or reordered
 * (message transports, reconnects) and still open; a 64-entry bitmap window refuses
 * replays. Opening follows one rule: every check that can fail runs first, the session is
 * written last, so a forged or replayed record costs the receiver one AEAD attempt and
 * changes nothing ([REC-007]). Depends on record.h, crypto.h (tt_crypto table, tt_wipe),
 * bytes.h and wire.h. */
#include <string.h>

#include "tether/bytes.h"
#include "tether/record.h"

void tt_record_limits_default(struct tt_record_limits *l)
{
    l->rekey_after_records = TT_REKEY_AFTER_RECORDS;
    l->reject_after_records = TT_REJECT_AFTER_RECORDS;
    l->rekey_after_s = TT_REKEY_AFTER_SECONDS;
    l->reject_after_s = TT_REJECT_AFTER_SECONDS;
}

tt_err tt_record_session_init(struct tt_record_session *s, const struct tt_crypto *crypto,
                              const struct tt_record_keys *keys, uint32_t local_id,
                              uint32_t remote_id, uint64_t now_s,
                              const struct tt_record_limits *limits)
{
    if (s == NULL || crypto == NULL || keys == NULL || local_id == 0 || remote_id == 0)
        return TT_ERR_ARG;
    memset(s, 0, sizeof *s);
    s->crypto = crypto;
    memcpy(&s->keys, keys, sizeof s->keys);
    s->local_id = local_id;
    s->remote_id = remote_id;
    if (limits != NULL)
        s->limits = *limits;
    else
        tt_record_limits_default(&s->limits);
    s->created_s = now_s;
    return TT_OK;
}

void tt_record_session_wipe(struct tt_record_session *s)
{
    if (s != NULL)
        tt_wipe(s, sizeof *s);
}

static uint64_t age(const struct tt_record_session *s, uint64_t now_s)
{
    return now_s > s->created_s ? now_s - s->created_s : 0;
}

/* [REC-009] Past these limits the keys are retired in both directions. */
static int expired(const struct tt_record_session *s, uint64_t now_s, uint64_t seq)
{
    return seq >= s->limits.reject_after_records || seq == UINT64_MAX ||
           age(s, now_s) >= s->limits.reject_after_s;
}

static void put_header(uint8_t *out, uint32_t receiver_id, uint64_t seq)
{
    out[0] = TT_PKT_RECORD;
    tt_store_be32(out + 1, receiver_id);
    tt_store_be64(out + 5, seq);
}

tt_err tt_record_seal(struct tt_record_session *s, uint64_t now_s, const uint8_t *plaintext,
                      size_t len, uint8_t *out, size_t cap, size_t *outlen)
{
    if (s == NULL || (plaintext == NULL && len != 0) || out == NULL || outlen == NULL)
        return TT_ERR_ARG;
    if (len > TT_RECORD_MAX_PLAINTEXT)
        return TT_ERR_REC_TOO_LARGE;
    if (cap < len + TT_RECORD_OVERHEAD) /* len is bounded, no overflow */
        return TT_ERR_NO_SPACE;
    if (expired(s, now_s, s->send_seq))
        return TT_ERR_REC_EXPIRED;

    put_header(out, s->remote_id, s->send_seq);
    tt_err e = s->crypto->aead_seal(out + TT_RECORD_HEADER_LEN, s->keys.send, s->send_seq, out,
                                    TT_RECORD_HEADER_LEN, plaintext, len);
    if (e != TT_OK)
        return e;
    *outlen = len + TT_RECORD_OVERHEAD;
    s->send_seq++; /* [REC-003] a seq, hence a nonce, is never used twice */
    return TT_OK;
}

/* [REC-006] Would seq be new to the window? Reads only. */
static int replay_ok(const struct tt_record_session *s, uint64_t seq)
{
    if (s->recv_bitmap == 0 || seq > s->recv_max)
        return 1;
    uint64_t behind = s->recv_max - seq;
    return behind < TT_REPLAY_WINDOW && (s->recv_bitmap & (1ull << behind)) == 0;
}

/* Marks seq as seen; only called after the tag verified. */
static void replay_mark(struct tt_record_session *s, uint64_t seq)
{
    if (s->recv_bitmap == 0) {
        s->recv_max = seq;
        s->recv_bitmap = 1;
    } else if (seq > s->recv_max) {
        uint64_t shift = seq - s->recv_max;
        s->recv_bitmap = shift >= TT_REPLAY_WINDOW ? 1 : (s->recv_bitmap << shift) | 1;
        s->recv_max = seq;
    } else {
        s->recv_bitmap |= 1ull << (s->recv_max - seq);
    }
}

tt_err tt_record_open(struct tt_record_session *s, uint64_t now_s, const uint8_t *packet,
                      size_t len, uint8_t *out, size_t cap, size_t *outlen)
{
    if (s == NULL || (packet == NULL && len != 0) || out == NULL || outlen == NULL)
        return TT_ERR_ARG;
    struct tt_packet p;
    tt_err e = tt_packet_parse(packet, len, &p);
    if (e != TT_OK)
        return e;
    if (p.type != TT_PKT_RECORD)
        return TT_ERR_PKT_TYPE;
    if (p.receiver_id != s->local_id)
        return TT_ERR_REC_SESSION;
    if (expired(s, now_s, p.seq))
        return TT_ERR_REC_EXPIRED;
    if (!replay_ok(s, p.seq))
        return TT_ERR_REC_REPLAY;
    size_t ptlen = p.body_len - TT_TAG_LEN; /* body_len >= TT_TAG_LEN by the length rule */
    if (cap < ptlen)
        return TT_ERR_NO_SPACE;

    e = s->crypto->aead_open(out, s->keys.recv, p.seq, packet, TT_RECORD_HEADER_LEN, p.body,
                             p.body_len);
    if (e != TT_OK) {
        tt_wipe(out, ptlen); /* never leave unauthenticated plaintext behind */
        return e;
    }
    replay_mark(s, p.seq);
    *outlen = ptlen;
    return TT_OK;
}

unsigned tt_record_needs_rekey(const struct tt_record_session *s, uint64_t now_s)
{
    unsigned flags = 0;
    if (s->send_seq >= s->limits.rekey_after_records)
        flags |= TT_RECORD_REKEY_RECORDS;
    if (age(s, now_s) >= s->limits.rekey_after_s)
        flags |= TT_RECORD_REKEY_TIME;
    return flags;
}
