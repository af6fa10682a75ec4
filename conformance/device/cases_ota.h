/* cases_ota.h — the OTA service's cases (spec/services/ota.md), one file per topic; the
 * table that runs them in order is cases_ota.c. Included by cases_ota*.c only. */
#ifndef TETHER_CONFORM_CASES_OTA_H
#define TETHER_CONFORM_CASES_OTA_H

#include "ota_exchange.h"

/* A case the table of cases_ota.c names (CASE of cases.h is file-local). */
#define OTA_CASE(name) enum conf_result name(struct conf *c, char *why, size_t whylen)

/* cases_ota_manifest.c: each check of OtaBegin ([OTA-010]) failing in turn, and in order */
OTA_CASE(ota_begin_format);
OTA_CASE(ota_begin_other_key);
OTA_CASE(ota_begin_flipped_signature);
OTA_CASE(ota_begin_other_device);
OTA_CASE(ota_begin_other_group);
OTA_CASE(ota_begin_other_layout);
OTA_CASE(ota_begin_chunk_not_power);
OTA_CASE(ota_begin_chunk_small);
OTA_CASE(ota_begin_chunk_large);
OTA_CASE(ota_begin_size_zero);
OTA_CASE(ota_begin_size_huge);
OTA_CASE(ota_begin_order);

/* cases_ota_transfer.c: a new transfer, chunks within the window, acks, chunk checks */
OTA_CASE(ota_new_transfer);
OTA_CASE(ota_chunks_and_acks);
OTA_CASE(ota_duplicate_chunk);
OTA_CASE(ota_chunk_checks);
OTA_CASE(ota_chunk_wrong_session);

/* cases_ota_resume.c: a transfer resumed by another session, or discarded by a manifest */
OTA_CASE(ota_resume_other_session);
OTA_CASE(ota_begin_other_discards);

/* cases_ota_state.c: requests refused by permission or by the state table */
OTA_CASE(ota_no_permission);
OTA_CASE(ota_verify_bad_hash);
OTA_CASE(ota_state_errors);

/* cases_ota_install.c: install, roll back, confirm (changes the device for good) */
OTA_CASE(ota_install_rollback_confirm);

#endif
