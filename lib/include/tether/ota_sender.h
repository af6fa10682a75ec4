/* ota_sender.h — the client's side of an OTA transfer as an engine without I/O: which chunk
 * to send next given the granted window, the latest cumulative offset and selective bitmap
 * the device reported, resume, and the errors the device reports about chunks
 * (spec/services/ota.md [OTA-011], [OTA-012], [OTA-015], [OTA-017]).
 *
 * Each chunk is NEED (to send), SENT (in flight; loss is repaired by the reliability layer,
 * so it is not resent on a timer) or STORED (the device said so). The caller owns the
 * per-chunk state array (one byte per chunk), so images of any size fit without malloc.
 * Every report from the device is untrusted: an ack or reply naming an offset that is not a
 * chunk boundary of this image, or going backwards, is refused with no state change.
 * Depends on ota_manifest.h (chunk arithmetic). */
#ifndef TETHER_OTA_SENDER_H
#define TETHER_OTA_SENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tether/ota_manifest.h"

enum tt_ota_chunk_state { TT_OTA_NEED = 0, TT_OTA_SENT = 1, TT_OTA_STORED = 2 };

struct tt_ota_sender {
    uint32_t image_size, chunk_size, nchunks;
    uint32_t window;      /* granted window_chunks; 0 until a begin reply */
    uint32_t cum_chunks;  /* first chunk the device has not reported stored */
    uint32_t next_hint;   /* no NEED chunk below it (search start) */
    uint8_t *chunk;       /* nchunks entries of enum tt_ota_chunk_state */
};

/* state must hold tt_ota_chunk_count(image_size, chunk_size) bytes (cap). TT_ERR_ARG for a
 * chunk size [OTA-022] refuses, an empty image, or too small a state array. */
TT_MUST_CHECK tt_err tt_ota_sender_init(struct tt_ota_sender *s, uint32_t image_size,
                                        uint32_t chunk_size, uint8_t *state, size_t cap);

/* OtaBeginReply (a new begin or a resume, [OTA-011]): everything below resume_offset is
 * stored; everything from it on is to be sent unless the OtaChunkAck that may follow says
 * it is stored ([OTA-091]; chunks in flight on a lost session are forgotten, [OTA-017]). TT_ERR_OTA_CHUNK: resume_offset is not a chunk boundary of the
 * image; TT_ERR_MSG_DECODE: window_chunks is 0. No change on error. */
TT_MUST_CHECK tt_err tt_ota_sender_begun(struct tt_ota_sender *s, uint32_t resume_offset,
                                         uint32_t window_chunks);

/* OtaChunkAck ([OTA-015]). TT_ERR_OTA_CHUNK: cumulative_offset is not a chunk boundary, or
 * the bitmap names chunks past the end; TT_ERR_STATE: it goes backwards (a stored chunk
 * stays stored, [OTA-014]; acks to one transfer session never shrink, [OTA-130], [OTA-132])
 * or no begin reply was seen since the transfer session ended. No change on error. */
TT_MUST_CHECK tt_err tt_ota_sender_acked(struct tt_ota_sender *s, uint32_t cumulative_offset,
                                         uint64_t selective_bitmap);

/* An Error event about the chunk at offset ([OTA-013]). TT_ERR_STORAGE: the chunk is sent
 * again, TT_OK returned. TT_ERR_STATE about a chunk in flight: the transfer session ended
 * ([OTA-131], [OTA-133]); TT_ERR_STATE returned, nothing is in flight any more, and nothing
 * is sent or acked until the caller begins again (tt_ota_sender_begun); about a chunk not
 * in flight it is from before
 * the last begin: TT_OK, no change. Any other code is returned as the transfer's failure
 * (the caller begins again or gives up); TT_ERR_OTA_CHUNK also for an offset that names no
 * chunk. */
TT_MUST_CHECK tt_err tt_ota_sender_chunk_error(struct tt_ota_sender *s, uint32_t code,
                                               uint32_t offset);

/* The next chunk to send, if the window allows one ([OTA-012]: never at or beyond
 * cumulative_offset + window × chunk_size): true and its offset and length, marked SENT.
 * False when nothing may be sent now (window full, all sent, or no begin reply yet). */
bool tt_ota_sender_next(struct tt_ota_sender *s, uint32_t *offset, uint32_t *len);

/* True once the device reported every chunk stored. */
bool tt_ota_sender_done(const struct tt_ota_sender *s);

/* Bytes the device reported stored (for progress). */
uint32_t tt_ota_sender_stored_bytes(const struct tt_ota_sender *s);

#endif
