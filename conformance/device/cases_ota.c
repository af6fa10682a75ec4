/* cases_ota.c — the OTA service's cases in the order they run (spec/services/ota.md): the
 * checks of OtaBegin (cases_ota_manifest.c), the chunk stream (cases_ota_transfer.c), resume
 * (cases_ota_resume.c), refusals by permission and state (cases_ota_state.c), then install,
 * rollback and confirm (cases_ota_install.c). That last case raises the device's security
 * counter for good, so it runs last, and the OTA group last of the suite (groups.c). Every
 * refusal is read back: OtaStatus and the app measurement (ota_exchange.c).
 *
 * Needs the firmware private key the device trusts (tether-conform --firmware; without it
 * every case is N/A); the install case also an image that runs on the device (--ota-image). */
#include "cases_ota.h"

const struct conf_case conf_ota_cases[] = {
    {"[OTA-010] [OTA-020]", "OtaBegin check 1: manifest format 2 (ota-manifest, detail 1), nothing changes", ota_begin_format},
    {"[OTA-010] [OTA-021]", "OtaBegin check 2: manifest signed by another key (signature, detail 2)", ota_begin_other_key},
    {"[OTA-010] [OTA-021]", "OtaBegin check 2: one signature bit flipped (signature, detail 2)", ota_begin_flipped_signature},
    {"[OTA-010] [OTA-023]", "OtaBegin check 3: manifest for another device (ota-manifest, detail 3)", ota_begin_other_device},
    {"[OTA-010] [OTA-023]", "OtaBegin check 3: manifest for a group the device is not in (detail 3)", ota_begin_other_group},
    {"[OTA-010] [OTA-080]", "OtaBegin check 4: the other slot layout (ota-manifest, detail 4)", ota_begin_other_layout},
    {"[OTA-010] [OTA-022]", "OtaBegin check 4: chunk_size 96, not a power of two (detail 4)", ota_begin_chunk_not_power},
    {"[OTA-010] [OTA-022]", "OtaBegin check 4: chunk_size 32, below 64 (detail 4)", ota_begin_chunk_small},
    {"[OTA-010] [OTA-022]", "OtaBegin check 4: chunk_size 2048, above 1024 (detail 4)", ota_begin_chunk_large},
    {"[OTA-010]", "OtaBegin check 6: image_size 0 (ota-size, detail 6)", ota_begin_size_zero},
    {"[OTA-010]", "OtaBegin check 6: image_size 0xFFFFFFF0, beyond any slot (ota-size, detail 6)", ota_begin_size_huge},
    {"[OTA-010]", "OtaBegin checks run in order: two failures, the first reported", ota_begin_order},
    {"[GRT-040] [SEC-9]", "every OTA request without OTA: permission, the transfer unchanged", ota_no_permission},
    {"[OTA-011] [OTA-055]", "new transfer: resume 0, window within ota_window, status RECEIVING; abort to IDLE", ota_new_transfer},
    {"[OTA-012] [OTA-015] [OTA-016]", "chunks within the window: acks advance, agree with OtaStatus, bitmap for a chunk out of order", ota_chunks_and_acks},
    {"[OTA-014] [OTA-015] [OTA-024]", "a stored chunk sent again with other bytes: acked, not rewritten (the image verifies)", ota_duplicate_chunk},
    {"[OTA-013]", "chunks off a boundary, past the end, of the wrong length: ota-chunk events with the offset, nothing stored", ota_chunk_checks},
    {"[OTA-013] [OTA-031]", "chunks from a session that is not the transfer session, and with no transfer: state", ota_chunk_wrong_session},
    {"[OTA-011] [OTA-030] [OTA-031] [OTA-091]", "resume from another client's session: resume_offset, the ack of stored chunks, no chunks before OtaBegin", ota_resume_other_session},
    {"[OTA-011]", "another manifest during a transfer discards it (resume 0 for both)", ota_begin_other_discards},
    {"[OTA-024]", "OtaVerify of an image that is not the manifest's: ota-hash, transfer discarded", ota_verify_bad_hash},
    {"[OTA-024] [OTA-050] [OTA-052] [OTA-053] [OTA-054]", "verify/install/confirm/rollback/abort in the wrong state: state, nothing changes", ota_state_errors},
    {"[OTA-050] [OTA-052] [OTA-053] [OTA-040] [OTA-041] [OTA-010] [OTA-070] [SEC-19]", "install, roll back, install and confirm: the counter raised only at confirmation, a manifest below it refused ota-rollback (changes the device: last)", ota_install_rollback_confirm},
};
const size_t conf_ota_ncases = sizeof conf_ota_cases / sizeof conf_ota_cases[0];
