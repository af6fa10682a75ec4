/* messages.c — exact-length nanopb encode/decode for Tether messages (messages.h), and the
 * request id of a body that does not decode ([MSG-015]). */
#include <pb_decode.h>
#include <pb_encode.h>
#include <string.h>

#include "tether/messages.h"

tt_err tt_pb_encode(const pb_msgdesc_t *fields, const void *msg, uint8_t *out, size_t cap,
                    size_t *outlen)
{
    pb_ostream_t os;
    if (!fields || !msg || (!out && cap) || !outlen)
        return TT_ERR_ARG;
    size_t need;
    /* Size first: distinguishes "buffer too small" from "message not encodable" (e.g. a
     * length beyond the static buffer), which nanopb reports alike. */
    if (!pb_get_encoded_size(&need, fields, msg))
        return TT_ERR_MSG_ENCODE;
    if (need > cap)
        return TT_ERR_NO_SPACE;
    os = pb_ostream_from_buffer(out, cap);
    if (!pb_encode(&os, fields, msg))
        return TT_ERR_MSG_ENCODE;
    *outlen = os.bytes_written;
    return TT_OK;
}

tt_err tt_pb_decode(const pb_msgdesc_t *fields, const uint8_t *in, size_t len, void *msg)
{
    pb_istream_t is;
    if (!fields || (!in && len) || !msg)
        return TT_ERR_ARG;
    is = pb_istream_from_buffer(in, len);
    /* pb_decode reads to the end of the stream; a trailing partial field fails there. */
    if (!pb_decode(&is, fields, msg) || is.bytes_left != 0)
        return TT_ERR_MSG_DECODE;
    return TT_OK;
}

tt_err tt_msg_encode(const tether_v1_Message *m, uint8_t *out, size_t cap, size_t *outlen)
{
    if (!m)
        return TT_ERR_ARG;
    if (m->which_body == 0)
        return TT_ERR_MSG_UNSUPPORTED;
    return tt_pb_encode(tether_v1_Message_fields, m, out, cap, outlen);
}

tt_err tt_msg_decode(const uint8_t *in, size_t len, tether_v1_Message *m)
{
    tether_v1_Message tmp;
    tt_err e;
    if (!m)
        return TT_ERR_ARG;
    memset(&tmp, 0, sizeof tmp);
    e = tt_pb_decode(tether_v1_Message_fields, in, len, &tmp);
    if (e != TT_OK)
        return e;
    /* A body from a later version decodes as an unknown field: no body here. */
    if (tmp.which_body == 0)
        return TT_ERR_MSG_UNSUPPORTED;
    *m = tmp;
    return TT_OK;
}

/* One protobuf varint at in[*at..len): at most 10 bytes. *big is set when the value does not
 * fit 32 bits (the value itself is then meaningless). 0 when the bytes end first. */
static int read_varint(const uint8_t *in, size_t len, size_t *at, uint32_t *v, int *big)
{
    uint64_t acc = 0;
    *big = 0;
    for (unsigned k = 0; k < 10 && *at < len; k++) {
        uint8_t b = in[(*at)++];
        uint64_t bits = b & 0x7Fu;
        if (7u * k < 32u)
            acc |= bits << (7u * k);
        else if (bits != 0)
            *big = 1;
        if ((b & 0x80u) == 0) {
            if (acc > UINT32_MAX)
                *big = 1;
            *v = (uint32_t)acc;
            return 1;
        }
    }
    return 0;
}

/* [MSG-015]: walk the top-level fields of a body that did not decode, as far as they are
 * well formed, to find the request it was meant to be. Every client encoder puts
 * request_id first ([MSG-001]), so a fault further in still leaves the id readable. */
uint32_t tt_msg_reply_id(const uint8_t *in, size_t len)
{
    uint32_t rid = 0;
    int stream = 0;
    size_t at = 0;
    if (in == NULL)
        return 0;
    while (at < len) {
        uint32_t key, v;
        int big;
        if (!read_varint(in, len, &at, &key, &big) || big || (key >> 3) == 0)
            break;
        uint32_t field = key >> 3, type = key & 7u;
        if (type == PB_WT_VARINT) {
            if (!read_varint(in, len, &at, &v, &big))
                break;
            if (field == tether_v1_Message_request_id_tag && !big)
                rid = v;
        } else if (type == PB_WT_64BIT || type == PB_WT_32BIT) {
            size_t n = type == PB_WT_64BIT ? 8 : 4;
            if (len - at < n)
                break;
            at += n;
        } else if (type == PB_WT_STRING) {
            if (!read_varint(in, len, &at, &v, &big) || big || v > len - at)
                break;
            at += v;
        } else {
            break; /* groups (3, 4) and 6, 7: not in proto3 */
        }
        if (field == tether_v1_Message_ota_chunk_tag)
            stream = 1; /* a stream message has no reply of its own ([MSG-011]) */
    }
    return stream ? 0 : rid;
}

/* [LIM-003]: the body field of a Message that did not decode, when its top level is well
 * formed (every field's key and length read exactly to the end): the fault is then inside
 * that body. 0 otherwise. */
uint32_t tt_msg_body_field(const uint8_t *in, size_t len)
{
    uint32_t body = 0;
    size_t at = 0;
    if (in == NULL)
        return 0;
    while (at < len) {
        uint32_t key, v;
        int big;
        if (!read_varint(in, len, &at, &key, &big) || big || (key >> 3) == 0)
            return 0;
        uint32_t field = key >> 3, type = key & 7u;
        if (type == PB_WT_VARINT) {
            if (!read_varint(in, len, &at, &v, &big))
                return 0;
        } else if (type == PB_WT_STRING) {
            if (!read_varint(in, len, &at, &v, &big) || big || v > len - at)
                return 0;
            at += v;
            if (field != tether_v1_Message_request_id_tag)
                body = field;
        } else {
            return 0; /* Message has no fixed-width fields */
        }
    }
    return body;
}
