/* messages.c — exact-length nanopb encode/decode for Tether messages (messages.h). */
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
