/* packet.c — the packet-type dispatch and its exact length rules ([PKT-001]..[PKT-005]).
 *
 * Every packet, framed or carried whole by a message transport, starts with a type byte that
 * fixes its header layout and its minimum size (header + the Noise/AEAD overhead); nothing
 * longer than TT_PKT_MAX_LEN is accepted. Parsing reads fields with the byte-order helpers
 * and returns pointers into the caller's buffer. Depends on record.h, bytes.h and wire.h. */
#include "tether/bytes.h"
#include "tether/record.h"

tt_err tt_packet_parse(const uint8_t *pkt, size_t len, struct tt_packet *out)
{
    if ((pkt == NULL && len != 0) || out == NULL)
        return TT_ERR_ARG;
    if (len == 0)
        return TT_ERR_PKT_LENGTH;

    size_t header, min;
    switch (pkt[0]) {
    case TT_PKT_INITIATION:
        header = TT_INITIATION_HEADER_LEN;
        min = TT_INITIATION_MIN_LEN;
        break;
    case TT_PKT_RESPONSE:
        header = TT_RESPONSE_HEADER_LEN;
        min = TT_RESPONSE_MIN_LEN;
        break;
    case TT_PKT_RECORD:
        header = TT_RECORD_HEADER_LEN;
        min = TT_RECORD_OVERHEAD;
        break;
    default:
        return TT_ERR_PKT_TYPE;
    }
    if (len < min || len > TT_PKT_MAX_LEN)
        return TT_ERR_PKT_LENGTH;

    struct tt_packet p = {.type = pkt[0], .body = pkt + header, .body_len = len - header};
    if (p.type == TT_PKT_INITIATION) {
        p.sender_id = tt_load_be32(pkt + 1);
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
