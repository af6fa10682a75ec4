/* encoder.c — builds one frame of the byte-stream binding around a packet ([FRM-001]).
 *
 * The only producer of frames: header (SYNC, LEN, HCHK), payload copy, CRC-32 trailer. The
 * caller supplies the output buffer; nothing is written unless the whole frame fits.
 * Depends on framing.h, bytes.h and wire.h. */
#include <string.h>

#include "tether/bytes.h"
#include "tether/framing.h"

tt_err tt_frame_encode(const uint8_t *payload, size_t len, uint8_t *out, size_t cap,
                       size_t *outlen)
{
    if (payload == NULL || out == NULL || outlen == NULL)
        return TT_ERR_ARG;
    /* [FRM-009] a sender never produces a frame a conforming decoder would reject. */
    if (len == 0 || len > TT_FRAME_MAX_PAYLOAD)
        return TT_ERR_FRAME_LENGTH;
    if (cap < len + TT_FRAME_OVERHEAD) /* len is bounded above, so no overflow */
        return TT_ERR_NO_SPACE;

    out[0] = TT_FRAME_SYNC0;
    out[1] = TT_FRAME_SYNC1;
    tt_store_be16(out + 2, (uint16_t)len);
    out[4] = tt_crc8_smbus(out + 2, 2);
    memcpy(out + TT_FRAME_HEADER_LEN, payload, len);
    uint32_t crc = tt_crc32_update(0, out + 2, 3 + len);
    tt_store_be32(out + TT_FRAME_HEADER_LEN + len, crc);
    *outlen = len + TT_FRAME_OVERHEAD;
    return TT_OK;
}
