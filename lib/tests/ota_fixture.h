/* ota_fixture.h — what the OTA tests share (test_ota_engine, test_stm32u585_ota,
 * test_ota_service): a manifest signed for a test image, and a push made as `tether ota
 * push` makes it (the sender engine, tether/ota_sender.h) straight into a device engine.
 * Depends on Check (failed expectations end the test), tether/ota_engine.h. */
#ifndef OTA_FIXTURE_H
#define OTA_FIXTURE_H

#include "tether/ota_engine.h"

/* A SignedManifest (format 1, scoped to device_id) of an image of `size` bytes hashing to
 * sha256, signed with the firmware key priv. */
void ota_fx_sign(const uint8_t device_id[16], uint32_t version, uint32_t counter, uint32_t size,
                 const uint8_t sha256[32], tether_v1_SlotLayout layout, uint32_t chunk_size,
                 const uint8_t priv[32], tether_v1_SignedManifest *sm);

/* A push of `bytes` (the image sm names) into engine e for transfer session `session`:
 * OtaBegin, chunks as the sender chooses with the acks fed back, the 500 ms ack when the
 * window is full, and the same OtaBegin again when the device ends the transfer session
 * ([OTA-133], at most 3 times, as tether ota push). *now is the device's clock (1 ms a
 * chunk, 500 ms a wait); *sent counts chunk messages. Returns TT_OK once every chunk is
 * reported stored, else the first engine error (a power cut, usually). */
tt_err ota_fx_push(struct tt_ota_engine *e, uint32_t session, const tether_v1_SignedManifest *sm,
                   const uint8_t *bytes, uint32_t chunk_size, uint32_t *now, unsigned *sent);

#endif
