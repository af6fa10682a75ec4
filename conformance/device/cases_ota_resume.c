/* cases_ota_resume.c — what an OtaBegin does to a transfer already under way: the same
 * manifest from another client's session resumes it from what is stored ([OTA-030],
 * [OTA-031]); another manifest discards it ([OTA-011]). */
#include <sodium.h>

#include "cases_ota.h"

/* A transfer begun by one client, left with a gap, resumed by another ([OTA-031]) from
 * what is stored: resume_offset, then an ack reporting the chunk past the gap. */
OTA_CASE(ota_resume_other_session)
{
    struct conf_ota_run t;
    struct conf_key saved;
    if (conf_ota_open_transfer(&t, c, NULL, why, whylen) == CONF_NA)
        return CONF_NA;
    conf_ota_send(&t, t.a, t.img, IMG_SIZE, 0, 6);
    conf_ota_chunk(&t, t.a, 7 * CHUNK, t.img + 7 * CHUNK, CHUNK);
    /* a stored chunk again: the ack is due at once ([OTA-015]) */
    conf_ota_chunk(&t, t.a, 0, t.img, CHUNK);
    conf_ota_expect_ack(&t, t.a, 6 * CHUNK, 0x1, "chunk 7 past the gap at 6");
    sess_close(t.a); /* the transfer session ends ([OTA-030]: the transfer stays) */
    conf_new_key(c, &saved);
    conf_ota_session(&t, t.b, TT_PERM_OTA);
    /* [OTA-031] no chunks before an OtaBegin names the session */
    conf_ota_chunk(&t, t.b, 6 * CHUNK, t.img + 6 * CHUNK, CHUNK);
    conf_ota_expect_error_event(&t, t.b, TT_ERR_STATE, 6 * CHUNK);
    conf_ota_begin(&t, t.b, &t.sm);
    if (t.res == CONF_PASS && t.resume != 6 * CHUNK)
        conf_ota_fail(&t, "resume_offset %u, expected %u (chunks 0..5 stored)", (unsigned)t.resume,
                      6 * CHUNK);
    conf_ota_expect_ack(&t, t.b, 6 * CHUNK, 0x1, "the resume");
    conf_ota_send(&t, t.b, t.img, IMG_SIZE, 6, 7);
    conf_ota_send(&t, t.b, t.img, IMG_SIZE, 8, NCHUNKS);
    conf_ota_expect_received(&t, t.b, IMG_SIZE, "after every chunk");
    conf_ota_call(&t, t.b, tether_v1_Message_ota_verify_tag, TT_OK, "OtaVerify");
    conf_ota_call(&t, t.b, tether_v1_Message_ota_abort_tag, TT_OK, "OtaAbort in VERIFIED");
    conf_ota_expect_state(&t, t.b, tether_v1_OtaState_OTA_IDLE, "OtaAbort in VERIFIED");
    conf_restore_key(c, &saved);
    return conf_ota_close(&t);
}

/* Another manifest during a transfer discards it: resume 0, the new image's status, and
 * the first manifest starts from 0 again. */
OTA_CASE(ota_begin_other_discards)
{
    static const struct conf_ota_mopt o1 = {0};
    struct conf_ota_run t;
    struct conf_ota_snap s;
    tether_v1_SignedManifest m2;
    uint8_t sha2[32];
    if (conf_ota_open(&t, c, why, whylen) == CONF_NA)
        return CONF_NA;
    const struct conf_ota_mopt o2 = {.image = t.img2, .version = 0x7F0003};
    conf_ota_sign(&t, &o1, &t.sm);
    conf_ota_sign(&t, &o2, &m2);
    conf_ota_begin(&t, t.a, &t.sm);
    conf_ota_send(&t, t.a, t.img, IMG_SIZE, 0, 3);
    conf_ota_begin(&t, t.a, &m2);
    if (t.res == CONF_PASS && t.resume != 0)
        conf_ota_fail(&t, "another manifest replied resume_offset %u, expected 0",
                      (unsigned)t.resume);
    crypto_hash_sha256(sha2, t.img2, IMG_SIZE);
    conf_ota_status(&t, t.a, &s);
    if (t.res == CONF_PASS && (s.st.received != 0 || memcmp(s.st.image_sha256, sha2, 32) ||
                               s.st.pending_version != o2.version))
        conf_ota_fail(&t, "status after another manifest: received %u, pending 0x%x, image hash %s",
                      (unsigned)s.st.received, (unsigned)s.st.pending_version,
                      memcmp(s.st.image_sha256, sha2, 32) ? "not the new one" : "the new one");
    conf_ota_begin(&t, t.a, &t.sm);
    if (t.res == CONF_PASS && t.resume != 0)
        conf_ota_fail(&t,
                      "the first manifest again: resume_offset %u, expected 0 (it was "
                      "discarded)",
                      (unsigned)t.resume);
    return conf_ota_close(&t);
}
