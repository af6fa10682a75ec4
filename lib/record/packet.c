/* packet.c — the packet-type dispatch and its exact length rules ([PKT-001]..[PKT-005],
 * [PKT-010]).
 *
 * Every packet, framed or carried whole by a message transport, starts with a type byte that
 * fixes its header layout and its length range (header + the Noise/AEAD overhead up to
 * TT_PKT_MAX_LEN; a pending packet has one exact length). Parsing reads fields with the
 * byte-order helpers and returns pointers into the caller's buffer. Depends on record.h,
 * bytes.h and wire.h. */
#include "tether/bytes.h"
#include "tether/record.h"

/* One row per packet type: where its header ends and which lengths it allows. */
struct packet_shape {
    uint8_t type;
    uint8_t header;
    uint16_t min, max;
};

static const struct packet_shape shapes[] = {
    {TT_PKT_INITIATION, TT_INITIATION_HEADER_LEN, TT_INITIATION_MIN_LEN, TT_PKT_MAX_LEN},
    {TT_PKT_RESPONSE, TT_RESPONSE_HEADER_LEN, TT_RESPONSE_MIN_LEN, TT_PKT_MAX_LEN},
    {TT_PKT_RECORD, TT_RECORD_HEADER_LEN, TT_RECORD_OVERHEAD, TT_PKT_MAX_LEN},
    {TT_PKT_PENDING, TT_PENDING_HEADER_LEN, TT_PENDING_LEN, TT_PENDING_LEN},
};

tt_err tt_packet_parse(const uint8_t *pkt, size_t len, struct tt_packet *out)
{
    if ((pkt == NULL && len != 0) || out == NULL)
        return TT_ERR_ARG;
    if (len == 0)
        return TT_ERR_PKT_LENGTH;

    const struct packet_shape *sh = NULL;
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
        if (shapes[i].type == pkt[0])
            sh = &shapes[i];
    if (sh == NULL)
        return TT_ERR_PKT_TYPE;
    if (len < sh->min || len > sh->max)
        return TT_ERR_PKT_LENGTH;

    struct tt_packet p = {.type = pkt[0], .body = pkt + sh->header, .body_len = len - sh->header};
    if (p.type == TT_PKT_INITIATION || p.type == TT_PKT_PENDING) {
        p.sender_id = tt_load_be32(pkt + 1); /* a pending names the initiation's sender_id */
    } else if (p.type == TT_PKT_RESPONSE) {
        p.sender_id = tt_load_be32(pkt + 1);
        p.receiver_id = tt_load_be32(pkt + 5);
    } else {
        p.receiver_id = tt_load_be32(pkt + 1);
        p.seq = tt_load_be64(pkt + 5);
    }
    *out = p;
    return TT_OK;
}
