/* pending.c — the pending packet ([PKT-010]): `0x04 ‖ sender_id ‖ digest(16) ‖ expected_ms`,
 * exactly TT_PENDING_LEN bytes, big-endian. The device writes it before the expensive part of
 * an initiation's judgement; the client's resend timer reads it (hs_resend.c).
 * Depends on hs_resend.h, record.h (packet parser), bytes.h. */
#include <string.h>

#include "tether/bytes.h"
#include "tether/hs_resend.h"
#include "tether/record.h"

tt_err tt_pending_write(uint32_t sender_id, const uint8_t init_hash[TT_SHA256_LEN],
                        uint32_t expected_ms, uint8_t *out, size_t cap, size_t *outlen)
{
    if (init_hash == NULL || out == NULL || outlen == NULL || cap < TT_PENDING_LEN ||
        sender_id == 0)
        return TT_ERR_ARG;
    out[0] = TT_PKT_PENDING;
    tt_store_be32(out + 1, sender_id);
    memcpy(out + TT_PENDING_HEADER_LEN, init_hash, TT_PENDING_DIGEST_LEN);
    tt_store_be32(out + TT_PENDING_HEADER_LEN + TT_PENDING_DIGEST_LEN, expected_ms);
    *outlen = TT_PENDING_LEN;
    return TT_OK;
}

tt_err tt_pending_parse(const uint8_t *pkt, size_t len, struct tt_pending *out)
{
    struct tt_packet p;
    if (out == NULL)
        return TT_ERR_ARG;
    tt_err e = tt_packet_parse(pkt, len, &p); /* [PKT-008] order: length, type, length */
    if (e != TT_OK)
        return e;
    if (p.type != TT_PKT_PENDING)
        return TT_ERR_PKT_TYPE;
    out->sender_id = p.sender_id;
    out->digest = p.body;
    out->expected_ms = tt_load_be32(p.body + TT_PENDING_DIGEST_LEN);
    return TT_OK;
}
