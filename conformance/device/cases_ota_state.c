/* cases_ota_state.c — OTA requests the device must refuse and leave everything as it was:
 * without the OTA permission ([GRT-040]), in a state the table of spec/services/ota.md does
 * not allow them in ([OTA-050]..[OTA-054]), and the verify of an image that is not the
 * manifest's ([OTA-024]). */
#include "cases_ota.h"

#define NROWS(a) (sizeof(a) / sizeof((a)[0]))

/* Every OTA request without the OTA permission, then the state read back. */
OTA_CASE(ota_no_permission)
{
    static const pb_size_t tags[] = {
        tether_v1_Message_ota_status_tag,   tether_v1_Message_ota_verify_tag,
        tether_v1_Message_ota_install_tag,  tether_v1_Message_ota_confirm_tag,
        tether_v1_Message_ota_rollback_tag, tether_v1_Message_ota_abort_tag};
    static tether_v1_Message m;
    struct conf_ota_run t;
    struct conf_ota_snap before, after;
    /* a transfer in progress, so that abort and chunks would change something */
    if (conf_ota_open_transfer(&t, c, NULL, why, whylen) == CONF_NA)
        return CONF_NA;
    conf_ota_status(&t, t.a, &before);
    conf_ota_session(&t, t.b, TT_PERM_ALL & ~TT_PERM_OTA);
    for (size_t i = 0; i < NROWS(tags); i++) {
        msg(&m, tags[i]);
        conf_ota_expect_error(&t, t.b, &m, TT_ERR_PERMISSION, -1);
    }
    msg(&m, tether_v1_Message_ota_begin_tag);
    m.body.ota_begin.has_manifest = true;
    m.body.ota_begin.manifest = t.sm;
    conf_ota_expect_error(&t, t.b, &m, TT_ERR_PERMISSION, -1);
    conf_ota_status(&t, t.a, &after);
    conf_ota_status_unchanged(&t, &before, &after, "OTA requests without OTA");
    return conf_ota_close(&t);
}

/* Every chunk of an image whose manifest names another hash: OtaVerify fails and the
 * transfer is gone. */
OTA_CASE(ota_verify_bad_hash)
{
    static const struct conf_ota_mopt o = {.wrong_hash = 1};
    struct conf_ota_run t;
    struct conf_ota_snap s;
    if (conf_ota_open_transfer(&t, c, &o, why, whylen) == CONF_NA)
        return CONF_NA;
    conf_ota_send(&t, t.a, t.img, IMG_SIZE, 0, NCHUNKS);
    conf_ota_call(&t, t.a, tether_v1_Message_ota_verify_tag, TT_ERR_OTA_HASH,
                  "OtaVerify of an image that is not the manifest's");
    conf_ota_status(&t, t.a, &s);
    if (t.res == CONF_PASS && (s.st.state != tether_v1_OtaState_OTA_IDLE || s.st.received != 0))
        conf_ota_fail(&t, "after a failed verify: %s received %u, expected IDLE and 0",
                      conf_ota_state_name(s.st.state), (unsigned)s.st.received);
    conf_ota_call(&t, t.a, tether_v1_Message_ota_install_tag, TT_ERR_STATE,
                  "OtaInstall after a failed verify");
    return conf_ota_close(&t);
}

/* A request the state table refuses: state, or for a rollback the refusal the layout
 * makes ([OTA-053]: msg-unsupported on SINGLE). */
struct refusal {
    pb_size_t tag;
    const char *what;
};

static void refuse_each(struct conf_ota_run *t, const struct refusal *rows, size_t n)
{
    tt_err rollback = conf_ota_is_ab(t->c) ? TT_ERR_STATE : TT_ERR_MSG_UNSUPPORTED;
    for (size_t i = 0; i < n; i++)
        conf_ota_refused_tag(t, t->a, rows[i].tag,
                             rows[i].tag == tether_v1_Message_ota_rollback_tag ? rollback
                                                                               : TT_ERR_STATE,
                             rows[i].what);
}

static const struct refusal no_transfer[] = {
    {tether_v1_Message_ota_verify_tag, "OtaVerify with no transfer"},
    {tether_v1_Message_ota_install_tag, "OtaInstall with no transfer"},
};
/* only in IDLE: a confirmed or rolled-back device answers confirm / rollback otherwise,
 * and rolling back would change it */
static const struct refusal idle[] = {
    {tether_v1_Message_ota_confirm_tag, "OtaConfirm in IDLE"},
    {tether_v1_Message_ota_rollback_tag, "OtaRollback in IDLE"},
};
static const struct refusal receiving[] = {
    {tether_v1_Message_ota_verify_tag, "OtaVerify with chunks missing"},
    {tether_v1_Message_ota_install_tag, "OtaInstall in RECEIVING"},
    {tether_v1_Message_ota_confirm_tag, "OtaConfirm in RECEIVING"},
    {tether_v1_Message_ota_rollback_tag, "OtaRollback in RECEIVING"},
};
static const struct refusal verified[] = {
    {tether_v1_Message_ota_confirm_tag, "OtaConfirm in VERIFIED"},
    {tether_v1_Message_ota_rollback_tag, "OtaRollback in VERIFIED"},
};

/* The state table's refusals, each read back: no transfer, RECEIVING, VERIFIED. */
OTA_CASE(ota_state_errors)
{
    static const struct conf_ota_mopt o = {0};
    struct conf_ota_run t;
    struct conf_ota_snap s;
    if (conf_ota_open(&t, c, why, whylen) == CONF_NA)
        return CONF_NA;
    conf_ota_status(&t, t.a, &s);
    refuse_each(&t, no_transfer, NROWS(no_transfer));
    if (t.res == CONF_PASS && s.st.state == tether_v1_OtaState_OTA_IDLE)
        refuse_each(&t, idle, NROWS(idle));
    conf_ota_begin_new(&t, t.a, &o);
    conf_ota_send(&t, t.a, t.img, IMG_SIZE, 0, 2);
    refuse_each(&t, receiving, NROWS(receiving));
    conf_ota_send(&t, t.a, t.img, IMG_SIZE, 2, NCHUNKS);
    conf_ota_call(&t, t.a, tether_v1_Message_ota_verify_tag, TT_OK, "OtaVerify");
    refuse_each(&t, verified, NROWS(verified));
    conf_ota_chunk(&t, t.a, 0, t.img, CHUNK);
    conf_ota_expect_error_event(&t, t.a, TT_ERR_STATE, 0);
    conf_ota_call(&t, t.a, tether_v1_Message_ota_abort_tag, TT_OK, "OtaAbort in VERIFIED");
    conf_ota_expect_state(&t, t.a, tether_v1_OtaState_OTA_IDLE, "OtaAbort in VERIFIED");
    /* [OTA-054] in IDLE: Ack, nothing changes */
    conf_ota_call(&t, t.a, tether_v1_Message_ota_abort_tag, TT_OK, "OtaAbort in IDLE");
    return conf_ota_close(&t);
}
