/* bytes.h — byte-order load/store helpers used by every parser and encoder.
 *
 * Untrusted bytes are never cast to structs or wider integer types: each field is read and
 * written byte by byte through these helpers, which is correct on any alignment and any
 * host byte order (the M33 and x86 are both little-endian, the wire is big-endian). The
 * little-endian forms exist for Noise's nonce encoding. Depends only on <stdint.h>. */
#ifndef TETHER_BYTES_H
#define TETHER_BYTES_H

#include <stdint.h>

static inline uint16_t tt_load_be16(const uint8_t *p)
{
    return (uint16_t)(((uint16_t)p[0] << 8) | p[1]);
}

static inline uint32_t tt_load_be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static inline uint64_t tt_load_be64(const uint8_t *p)
{
    return ((uint64_t)tt_load_be32(p) << 32) | tt_load_be32(p + 4);
}

static inline void tt_store_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline void tt_store_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static inline void tt_store_be64(uint8_t *p, uint64_t v)
{
    tt_store_be32(p, (uint32_t)(v >> 32));
    tt_store_be32(p + 4, (uint32_t)v);
}

static inline uint16_t tt_load_le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | ((uint16_t)p[1] << 8));
}

static inline uint32_t tt_load_le32(const uint8_t *p)
{
    return p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static inline uint64_t tt_load_le64(const uint8_t *p)
{
    return tt_load_le32(p) | ((uint64_t)tt_load_le32(p + 4) << 32);
}

static inline void tt_store_le16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static inline void tt_store_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static inline void tt_store_le64(uint8_t *p, uint64_t v)
{
    tt_store_le32(p, (uint32_t)v);
    tt_store_le32(p + 4, (uint32_t)(v >> 32));
}

#endif
