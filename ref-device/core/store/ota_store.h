/* ota_store.h — the OTA engine's storage contract (tether/ota_engine.h, struct
 * tt_ota_storage) over the record store and the port's two slot areas.
 *
 * The engine's record is TT_REC_SECURITY (it carries the security counter, [NVS-050]); the
 * chunk marks are a bitmap in TT_REC_BOOT after the boot counter (the "pending-update
 * flags" spec/storage.md reserved there). Both are replaced atomically by the record store.
 * A transfer generation ties the marks to the record: the record holds it, the marks record
 * names it, and a save that clears the marks only raises the generation, so the record and
 * "no marks" land in one atomic write; marks of another generation read as none. Slot 0 is
 * TT_AREA_SLOT_A, slot 1 TT_AREA_SLOT_B; writes are padded to whole quad-words with 0xFF
 * (erased bytes stay erased). Depends on ota_engine.h, record_store.h, port.h. */
#ifndef TT_OTA_STORE_H
#define TT_OTA_STORE_H

#include "../../port/port.h"
#include "tether/ota_engine.h"

/* Chunk marks the boot record can hold (TT_PORT_RECORD_MAX less counter and generation). */
#define TT_OTA_STORE_MAX_CHUNKS ((TT_PORT_RECORD_MAX - 8u) * 8u)

struct tt_ota_flash {
    uint32_t gen; /* transfer generation of the saved record */
    void *owner;  /* the caller's, for its run_app/stop_app (st->ctx is this struct) */
};

/* Reads the saved record and the marks of its generation into marks (cap bytes; *marks_len
 * set). TT_ERR_STATE: nothing saved yet; TT_ERR_STORAGE: unreadable or malformed. */
TT_MUST_CHECK tt_err tt_ota_flash_load(struct tt_ota_flash *f, struct tt_ota_record *r,
                                       uint8_t *marks, size_t cap, size_t *marks_len);

/* Fills st with this store's functions (ctx = f); run_app/stop_app are the caller's. */
void tt_ota_flash_storage(struct tt_ota_flash *f, struct tt_ota_storage *st);

/* The area of engine slot 0 or 1. */
enum tt_port_area tt_ota_flash_area(uint32_t slot);

#endif
