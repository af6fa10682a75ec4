/* cases_ota_install.c — install, roll back, install again and confirm an image that runs on
 * the device (tether-conform --ota-image, e.g. the factory app), with a marker appended so
 * that its measurement is new ([OTA-070]): the security counter is raised only at
 * confirmation ([OTA-040], [OTA-041]), after which a manifest or a rollback below it is
 * refused ([OTA-010] check 5, [OTA-053]). This changes the device for good (its counter):
 * the table of cases_ota.c runs it last. */
#include <sodium.h>

#include "cases_ota.h"
#include "tether/ota_manifest.h"

#define MARKER "tether-conform ota image marker"

/* The vendor's image with a marker appended, so that its measurement is new. */
static uint32_t marked_image(struct conf *c, uint8_t *out, size_t cap, int n)
{
    size_t len = c->ota_image_len;
    if (len + 48 > cap)
        return 0;
    memcpy(out, c->ota_image, len);
    memset(out + len, 0, 48);
    snprintf((char *)out + len, 48, MARKER " %d", n);
    return (uint32_t)(len + 48);
}

/* Begin, every chunk, verify, install; the status then PENDING with the counter as it
 * was ([OTA-040]) and the new measurement ([OTA-070]). */
static void install(struct conf_ota_run *t, const uint8_t *im, uint32_t size, uint32_t version,
                    uint32_t counter, uint32_t counter_before)
{
    const struct conf_ota_mopt o = {
        .image = im, .size_set = 1, .size = size, .version = version, .counter = counter};
    struct conf_ota_snap s;
    uint8_t sha[32];
    conf_ota_begin_new(t, t->a, &o);
    conf_ota_send(t, t->a, im, size, 0, tt_ota_chunk_count(size, CHUNK));
    conf_ota_call(t, t->a, tether_v1_Message_ota_verify_tag, TT_OK, "OtaVerify");
    conf_ota_call(t, t->a, tether_v1_Message_ota_install_tag, TT_OK, "OtaInstall");
    conf_ota_status(t, t->a, &s);
    crypto_hash_sha256(sha, im, size);
    if (t->res == CONF_PASS &&
        (s.st.state != tether_v1_OtaState_OTA_INSTALLED_PENDING_CONFIRM ||
         s.st.security_counter != counter_before || memcmp(s.measurement, sha, 32)))
        conf_ota_fail(t,
                      "after OtaInstall: %s, counter %u (was %u: raised only at confirm), "
                      "measurement %s; expected INSTALLED_PENDING_CONFIRM and the new image's "
                      "measurement",
                      conf_ota_state_name(s.st.state), (unsigned)s.st.security_counter,
                      (unsigned)counter_before,
                      memcmp(s.measurement, sha, 32) ? "not the new image's" : "the new image's");
}

/* AB: roll back to the image found, the counter as it was; SINGLE: nothing to return to. */
static void roll_back(struct conf_ota_run *t, const struct conf_ota_snap *s0)
{
    struct conf_ota_snap s;
    if (!conf_ota_is_ab(t->c)) {
        conf_ota_refused_tag(t, t->a, tether_v1_Message_ota_rollback_tag, TT_ERR_MSG_UNSUPPORTED,
                             "OtaRollback in SINGLE");
        return;
    }
    conf_ota_call(t, t->a, tether_v1_Message_ota_rollback_tag, TT_OK,
                  "OtaRollback of a pending image");
    conf_ota_status(t, t->a, &s);
    if (t->res == CONF_PASS && (s.st.state != tether_v1_OtaState_OTA_ROLLED_BACK ||
                                memcmp(s.measurement, s0->measurement, 32) ||
                                s.st.running_version != s0->st.running_version ||
                                s.st.security_counter != s0->st.security_counter))
        conf_ota_fail(t,
                      "after OtaRollback: %s, running 0x%x, counter %u, measurement %s; "
                      "expected ROLLED_BACK and the image found",
                      conf_ota_state_name(s.st.state), (unsigned)s.st.running_version,
                      (unsigned)s.st.security_counter,
                      memcmp(s.measurement, s0->measurement, 32) ? "not the one found"
                                                                 : "as found");
}

OTA_CASE(ota_install_rollback_confirm)
{
    static uint8_t im[0x200000];
    static const struct conf_ota_mopt any = {0};
    struct conf_ota_run t;
    struct conf_ota_snap s0, s;
    if (!conf_ota_ready(c, why, whylen))
        return CONF_NA;
    if (!c->ota_image) {
        WHY("no image that runs on the device given (--ota-image)");
        return CONF_NA;
    }
    if (conf_ota_open(&t, c, why, whylen) == CONF_NA)
        return CONF_NA;
    memset(&s0, 0, sizeof s0);
    conf_ota_status(&t, t.a, &s0);
    uint32_t k = s0.st.security_counter, size = marked_image(c, im, sizeof im, 1);
    if (size == 0)
        conf_ota_fail(&t, "--ota-image is too large for the suite (%zu bytes)", c->ota_image_len);
    /* 1: a test image, same counter; begin, abort and install refused while it is pending */
    install(&t, im, size, 0x7F0101, k, k);
    conf_ota_begin_refused(&t, t.a, &any, TT_ERR_STATE, 7, "OtaBegin while an image is pending");
    conf_ota_refused_tag(&t, t.a, tether_v1_Message_ota_abort_tag, TT_ERR_STATE,
                         "OtaAbort while an image is pending");
    conf_ota_refused_tag(&t, t.a, tether_v1_Message_ota_install_tag, TT_ERR_STATE,
                         "OtaInstall while an image is pending");
    roll_back(&t, &s0);
    /* 2: the counter raised to k + 1 at confirmation, not before */
    size = marked_image(c, im, sizeof im, 2);
    if (conf_ota_is_ab(c))
        install(&t, im, size, 0x7F0202, k + 1, k);
    conf_ota_call(&t, t.a, tether_v1_Message_ota_confirm_tag, TT_OK, "OtaConfirm");
    uint32_t want = conf_ota_is_ab(c) ? k + 1 : k,
             version = conf_ota_is_ab(c) ? 0x7F0202 : 0x7F0101;
    conf_ota_status(&t, t.a, &s);
    if (t.res == CONF_PASS && (s.st.state != tether_v1_OtaState_OTA_CONFIRMED ||
                               s.st.security_counter != want || s.st.running_version != version))
        conf_ota_fail(&t,
                      "after OtaConfirm: %s, counter %u, running 0x%x; expected CONFIRMED, "
                      "%u, 0x%x",
                      conf_ota_state_name(s.st.state), (unsigned)s.st.security_counter,
                      (unsigned)s.st.running_version, (unsigned)want, (unsigned)version);
    conf_ota_call(&t, t.a, tether_v1_Message_ota_confirm_tag, TT_OK,
                  "OtaConfirm again in CONFIRMED");
    /* check 5 of [OTA-010]: a manifest below the raised counter */
    if (want > 0) {
        const struct conf_ota_mopt below = {.counter = want - 1};
        conf_ota_begin_refused(&t, t.a, &below, TT_ERR_OTA_ROLLBACK, 5,
                               "OtaBegin below the security counter");
    }
    /* [OTA-053]: the image found has a lower counter than the one now persisted */
    if (conf_ota_is_ab(c) && want > k)
        conf_ota_refused_tag(&t, t.a, tether_v1_Message_ota_rollback_tag, TT_ERR_OTA_ROLLBACK,
                             "OtaRollback to an image below the security counter");
    return conf_ota_close(&t);
}
