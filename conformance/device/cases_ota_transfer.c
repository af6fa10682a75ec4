/* cases_ota_transfer.c — the chunk stream of one transfer (spec/services/ota.md): a new
 * transfer's reply and status ([OTA-011], [OTA-055]), chunks within the granted window and
 * the acks they make due ([OTA-012], [OTA-015], [OTA-016]), a stored chunk sent again
 * ([OTA-014]), and the chunks the device must refuse with an Error event ([OTA-013]). */
#include <sodium.h>

#include "cases_ota.h"

/* A new transfer: resume 0, the window, the status of [OTA-055], nothing stored. */
OTA_CASE(ota_new_transfer)
{
    static const struct conf_ota_mopt o = {.version = 0x7F0102};
    struct conf_ota_run t;
    struct conf_ota_snap before, after;
    if (conf_ota_open(&t, c, why, whylen) == CONF_NA)
        return CONF_NA;
    conf_ota_sign(&t, &o, &t.sm);
    conf_ota_status(&t, t.a, &before);
    conf_ota_begin(&t, t.a, &t.sm);
    if (t.res == CONF_PASS && t.resume != 0)
        conf_ota_fail(&t, "a new transfer replied resume_offset %u, expected 0",
                      (unsigned)t.resume);
    conf_ota_status(&t, t.a, &after);
    if (t.res == CONF_PASS) {
        uint8_t sha[32];
        crypto_hash_sha256(sha, t.img, IMG_SIZE);
        const tether_v1_OtaStatusReply *s = &after.st;
        if (s->state != tether_v1_OtaState_OTA_RECEIVING || s->received != 0 ||
            s->image_size != IMG_SIZE || memcmp(s->image_sha256, sha, 32) ||
            s->pending_version != o.version || s->running_version != before.st.running_version ||
            s->security_counter != before.st.security_counter ||
            memcmp(after.measurement, before.measurement, 32))
            conf_ota_fail(&t,
                          "status after OtaBegin: %s received %u image_size %u pending 0x%x "
                          "running 0x%x counter %u; expected RECEIVING 0 %u 0x%x, running, "
                          "counter and measurement unchanged",
                          conf_ota_state_name(s->state), (unsigned)s->received,
                          (unsigned)s->image_size, (unsigned)s->pending_version,
                          (unsigned)s->running_version, (unsigned)s->security_counter, IMG_SIZE,
                          (unsigned)o.version);
    }
    conf_ota_call(&t, t.a, tether_v1_Message_ota_abort_tag, TT_OK, "OtaAbort in RECEIVING");
    conf_ota_status(&t, t.a, &after);
    if (t.res == CONF_PASS && (after.st.state != tether_v1_OtaState_OTA_IDLE ||
                               after.st.image_size != 0 || after.st.pending_version != 0))
        conf_ota_fail(&t, "after OtaAbort: %s image_size %u pending 0x%x, expected IDLE, 0, 0",
                      conf_ota_state_name(after.st.state), (unsigned)after.st.image_size,
                      (unsigned)after.st.pending_version);
    return conf_ota_close(&t);
}

/* Chunks within the window, acks that advance and agree with OtaStatus, a chunk out of
 * order reported in the selective bitmap. */
OTA_CASE(ota_chunks_and_acks)
{
    struct conf_ota_run t;
    if (conf_ota_open_transfer(&t, c, NULL, why, whylen) == CONF_NA)
        return CONF_NA;
    conf_ota_send(&t, t.a, t.img, IMG_SIZE, 0, 10);
    conf_ota_expect_received(&t, t.a, 10 * CHUNK, "after chunks 0..9 were acked");
    /* chunk 12 before 10 and 11: bit 1 of the bitmap ([OTA-015]), cumulative unchanged;
     * chunk 0 again (stored) makes an ack due at once */
    conf_ota_chunk(&t, t.a, 12 * CHUNK, t.img + 12 * CHUNK, CHUNK);
    conf_ota_chunk(&t, t.a, 0, t.img, CHUNK);
    conf_ota_expect_ack(&t, t.a, 10 * CHUNK, 0x2, "chunk 12 alone and chunk 0 again");
    conf_ota_expect_received(&t, t.a, 10 * CHUNK, "with chunk 10 missing");
    return conf_ota_close(&t);
}

/* A stored chunk sent again with other bytes: ignored and acked, never rewritten (the
 * image still verifies). */
OTA_CASE(ota_duplicate_chunk)
{
    static uint8_t changed[CHUNK];
    struct conf_ota_run t;
    if (conf_ota_open_transfer(&t, c, NULL, why, whylen) == CONF_NA)
        return CONF_NA;
    conf_ota_send(&t, t.a, t.img, IMG_SIZE, 0, 4);
    memcpy(changed, t.img + CHUNK, CHUNK);
    changed[5] ^= 0xFF;
    conf_ota_chunk(&t, t.a, CHUNK, changed, CHUNK);
    conf_ota_expect_ack(&t, t.a, 4 * CHUNK, 0, "a duplicate chunk");
    conf_ota_send(&t, t.a, t.img, IMG_SIZE, 4, NCHUNKS);
    conf_ota_call(&t, t.a, tether_v1_Message_ota_verify_tag, TT_OK,
                  "OtaVerify after a duplicate chunk with other bytes (was it rewritten?)");
    conf_ota_call(&t, t.a, tether_v1_Message_ota_verify_tag, TT_OK, "OtaVerify again in VERIFIED");
    return conf_ota_close(&t);
}

/* Chunks the device must refuse with an Error event naming the offset; nothing stored. */
OTA_CASE(ota_chunk_checks)
{
    static const struct {
        uint32_t off, len;
    } bad[] = {
        {1, CHUNK},               /* not a multiple of chunk_size */
        {NCHUNKS * CHUNK, CHUNK}, /* at or beyond image_size */
        {0xFFFFFFC0u, CHUNK},     /* far beyond, a multiple */
        {0, CHUNK - 1},           /* short */
        {0, CHUNK + 1},           /* long */
        {20 * CHUNK, CHUNK},      /* the last chunk at full length (it holds 37) */
        {20 * CHUNK, 36},
    };
    static uint8_t data[CHUNK + 1];
    struct conf_ota_run t;
    struct conf_ota_snap before, after;
    if (conf_ota_open_transfer(&t, c, NULL, why, whylen) == CONF_NA)
        return CONF_NA;
    conf_ota_status(&t, t.a, &before);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(data, 0xC3, sizeof data);
        conf_ota_chunk(&t, t.a, bad[i].off, data, bad[i].len);
        conf_ota_expect_error_event(&t, t.a, TT_ERR_OTA_CHUNK, bad[i].off);
    }
    conf_ota_status(&t, t.a, &after);
    conf_ota_status_unchanged(&t, &before, &after, "refused chunks");
    conf_ota_call(&t, t.a, tether_v1_Message_ota_verify_tag, TT_ERR_STATE,
                  "OtaVerify with chunks missing");
    return conf_ota_close(&t);
}

/* Chunks from a session that is not the transfer session, and chunks with no transfer. */
OTA_CASE(ota_chunk_wrong_session)
{
    struct conf_ota_run t;
    struct conf_ota_snap before, after;
    struct conf_key saved;
    if (conf_ota_open_transfer(&t, c, NULL, why, whylen) == CONF_NA)
        return CONF_NA;
    conf_ota_status(&t, t.a, &before);
    conf_new_key(c, &saved);
    conf_ota_session(&t, t.b, 0);
    conf_restore_key(c, &saved);
    conf_ota_chunk(&t, t.b, 0, t.img, CHUNK);
    conf_ota_expect_error_event(&t, t.b, TT_ERR_STATE, 0);
    conf_ota_status(&t, t.a, &after);
    conf_ota_status_unchanged(&t, &before, &after, "a chunk from another session");
    conf_ota_call(&t, t.a, tether_v1_Message_ota_abort_tag, TT_OK, "OtaAbort");
    conf_ota_chunk(&t, t.a, 0, t.img, CHUNK);
    conf_ota_expect_error_event(&t, t.a, TT_ERR_STATE, 0);
    return conf_ota_close(&t);
}
