/* image_slot.h — the installed-image record (TT_REC_INSTALL) and the check of a flash slot
 * against it ([NVS-050]..[NVS-053]).
 *
 * Provisioning (ref-device/tools/provision.py) writes the factory app into TT_AREA_SLOT_A
 * and this record; the OTA service will write the same record after an install. The
 * supervisor runs an image only when the slot's SHA-256 over `size` bytes equals the
 * record's; otherwise it runs no app and reports the app measurement as 32 zero bytes
 * ([OTA-070]). Depends on port.h and record_store.h. */
#ifndef TT_IMAGE_SLOT_H
#define TT_IMAGE_SLOT_H

#include <stdint.h>

#include "../../port/port.h"
#include "tether/crypto.h"
#include "tether/wire.h"

/* Record layout (big-endian): version 1 (1) | size (4) | image version (4) | SHA-256 (32). */
#define TT_IMAGE_RECORD_LEN 41u

struct tt_image_record {
    uint32_t size;    /* bytes of the image from the slot's start */
    uint32_t version; /* the image's version (major << 16 | minor << 8 | patch) */
    uint8_t sha256[TT_SHA256_LEN];
};

/* TT_ERR_STATE when no image is installed; TT_ERR_STORAGE when the record does not parse. */
TT_MUST_CHECK tt_err tt_image_record_read(struct tt_image_record *r);
TT_MUST_CHECK tt_err tt_image_record_write(const struct tt_image_record *r);

/* TT_OK when slot holds r->size bytes whose SHA-256 is r->sha256; TT_ERR_SIGNATURE when the
 * digest differs; TT_ERR_STORAGE when the size does not fit the slot or it cannot be read. */
TT_MUST_CHECK tt_err tt_image_slot_verify(enum tt_port_area slot, const struct tt_image_record *r);

#endif
