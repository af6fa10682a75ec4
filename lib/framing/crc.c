/* crc.c — the two checksums of the byte-stream framing ([FRM-002], [FRM-003]).
 *
 * CRC-8/SMBUS guards the length field so a corrupted LEN cannot make the decoder wait for
 * (or swallow) a bogus number of bytes; CRC-32/ISO-HDLC (zlib's crc32) guards the whole
 * frame so line noise is dropped before any crypto runs. Both are small enough for the M33:
 * CRC-8 bit by bit (it only ever covers two bytes), CRC-32 with a 16-entry nibble table
 * (64 bytes of flash instead of 1 KiB). Depends on framing.h only. */
#include "tether/framing.h"

uint8_t tt_crc8_smbus(const uint8_t *p, size_t len)
{
    uint8_t crc = 0x00;
    for (size_t i = 0; i < len; i++) {
        crc ^= p[i];
        for (int bit = 0; bit < 8; bit++)
            crc = (uint8_t)((crc & 0x80u) ? ((unsigned)crc << 1) ^ 0x07u : (unsigned)crc << 1);
    }
    return crc;
}

/* crc32 of each nibble value, reflected polynomial 0xEDB88320. */
static const uint32_t crc32_nibble[16] = {
    0x00000000u, 0x1DB71064u, 0x3B6E20C8u, 0x26D930ACu, 0x76DC4190u, 0x6B6B51F4u,
    0x4DB26158u, 0x5005713Cu, 0xEDB88320u, 0xF00F9344u, 0xD6D6A3E8u, 0xCB61B38Cu,
    0x9B64C2B0u, 0x86D3D2D4u, 0xA00AE278u, 0xBDBDF21Cu,
};

uint32_t tt_crc32_update(uint32_t crc, const uint8_t *p, size_t len)
{
    /* zlib convention: the running value is kept inverted, so chaining starts from 0. */
    crc = ~crc;
    for (size_t i = 0; i < len; i++) {
        crc ^= p[i];
        crc = (crc >> 4) ^ crc32_nibble[crc & 0x0Fu];
        crc = (crc >> 4) ^ crc32_nibble[crc & 0x0Fu];
    }
    return ~crc;
}
