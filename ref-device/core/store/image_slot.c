/* image_slot.c — the installed-image record and the slot check (see image_slot.h). The slot
 * is hashed through tt_port_flash_read in small chunks (no image-sized buffer). Depends on
 * image_slot.h, record_store.h, tether/bytes.h and mbedTLS's SHA-256. */
#include "image_slot.h"

#include <mbedtls/sha256.h>
#include <string.h>

#include "record_store.h"
#include "tether/bytes.h"

#define RECORD_VERSION 1u

tt_err tt_image_record_read(struct tt_image_record *r)
{
    uint8_t b[TT_IMAGE_RECORD_LEN];
    size_t n = sizeof b;
    tt_err e = tt_store_read(TT_REC_INSTALL, b, &n);
    if (e == TT_ERR_NO_SPACE)
        return TT_ERR_STORAGE;
    if (e != TT_OK)
        return e;
    if (n == 0)
        return TT_ERR_STATE;
    if (n != sizeof b || b[0] != RECORD_VERSION)
        return TT_ERR_STORAGE;
    r->size = tt_load_be32(b + 1);
    r->version = tt_load_be32(b + 5);
    memcpy(r->sha256, b + 9, TT_SHA256_LEN);
    return TT_OK;
}

tt_err tt_image_record_write(const struct tt_image_record *r)
{
    uint8_t b[TT_IMAGE_RECORD_LEN];
    b[0] = RECORD_VERSION;
    tt_store_be32(b + 1, r->size);
    tt_store_be32(b + 5, r->version);
    memcpy(b + 9, r->sha256, TT_SHA256_LEN);
    return tt_store_write(TT_REC_INSTALL, b, sizeof b);
}

tt_err tt_image_slot_verify(enum tt_port_area slot, const struct tt_image_record *r)
{
    struct tt_port_area_info a;
    uint8_t chunk[64], digest[TT_SHA256_LEN];
    if (tt_port_flash_info(slot, &a) != TT_OK || r->size == 0 || r->size > a.size)
        return TT_ERR_STORAGE;
    mbedtls_sha256_context ctx;
    mbedtls_sha256_init(&ctx);
    tt_err e = mbedtls_sha256_starts_ret(&ctx, 0) == 0 ? TT_OK : TT_ERR_CRYPTO;
    for (uint32_t off = 0; e == TT_OK && off < r->size; off += sizeof chunk) {
        uint32_t n = r->size - off < sizeof chunk ? r->size - off : (uint32_t)sizeof chunk;
        if (tt_port_flash_read(slot, off, chunk, n) != TT_OK)
            e = TT_ERR_STORAGE;
        else if (mbedtls_sha256_update_ret(&ctx, chunk, n) != 0)
            e = TT_ERR_CRYPTO;
    }
    if (e == TT_OK && mbedtls_sha256_finish_ret(&ctx, digest) != 0)
        e = TT_ERR_CRYPTO;
    mbedtls_sha256_free(&ctx);
    if (e == TT_OK && memcmp(digest, r->sha256, sizeof digest) != 0)
        e = TT_ERR_SIGNATURE;
    return e;
}
