/* attest.c — the attestation service (spec/services/attestation.md): a fresh nonce in,
 * Evidence out, signed with the device's attestation key ([ATT-010]..[ATT-022]).
 *
 * The Evidence carries the current identity (device id, versions, measurements from the
 * port's main, the persisted boot counter) and the challenge's nonce; its exact encoding is
 * what is signed: ECDSA P-256 over SHA-256("tether-evidence-v1" ‖ 0x00 ‖ evidence), RFC 6979
 * deterministic, so no randomness is spent. A device provisioned without an attestation key
 * answers TT_ERR_STATE. Depends on internal.h, p256.h, messages.h. */
#include <string.h>

#include "../supervisor/internal.h"
#include "tether/grant.h"
#include "tether/p256.h"

static int all_zero(const uint8_t *p, size_t n)
{
    uint8_t acc = 0;
    for (size_t k = 0; k < n; k++)
        acc |= p[k];
    return acc == 0;
}

static struct tt_sup_result handle(struct tt_sup *s, int i)
{
    (void)i;
    const uint8_t *nonce = s->req.body.attest_challenge.nonce;
    if (all_zero(nonce, TT_ATT_NONCE_LEN)) /* absent or zero ([ATT-010]) */
        return sup_error(TT_ERR_MSG_DECODE, 0);
    if (all_zero(s->keys.attest_private, sizeof s->keys.attest_private))
        return sup_error(TT_ERR_STATE, 0);
    tether_v1_Evidence ev = tether_v1_Evidence_init_zero; /* [ATT-011] */
    memcpy(ev.device_id, s->keys.device_id, sizeof ev.device_id);
    ev.supervisor_version = s->id->supervisor_version;
    memcpy(ev.supervisor_measurement, s->id->supervisor_measurement,
           sizeof ev.supervisor_measurement);
    ev.app_version = s->id->app_version;
    memcpy(ev.app_measurement, s->id->app_measurement, sizeof ev.app_measurement);
    ev.security_counter = svc_ota_security_counter(s); /* 0 without the OTA service */
    ev.lifecycle = (tether_v1_Lifecycle)s->id->lifecycle;
    ev.debug_state = (tether_v1_DebugState)s->id->debug_state;
    ev.boot_count = s->boot_count;
    memcpy(ev.nonce, nonce, sizeof ev.nonce);

    tether_v1_Message *m = sup_reply_body(s, tether_v1_Message_attest_evidence_tag);
    tether_v1_AttestEvidence *out = &m->body.attest_evidence;
    size_t n;
    uint8_t digest[TT_SHA256_LEN];
    tt_err e = tt_pb_encode(tether_v1_Evidence_fields, &ev, out->evidence.bytes,
                            sizeof out->evidence.bytes, &n);
    if (e == TT_OK) /* [ATT-020] */
        e = s->crypto.sha256(digest, (const uint8_t *)TT_EVIDENCE_SIG_CONTEXT,
                             sizeof TT_EVIDENCE_SIG_CONTEXT, out->evidence.bytes, n);
    if (e == TT_OK)
        e = tt_p256_sign(out->signature, s->keys.attest_private, digest);
    if (e != TT_OK)
        return sup_error(TT_ERR_CRYPTO, 0);
    out->evidence.size = (pb_size_t)n;
    return sup_reply_ready();
}

static const struct tt_sup_route routes[] = {
    {tether_v1_Message_attest_challenge_tag, TT_PERM_ATTEST, 0, handle},
};

static uint32_t capabilities(const struct tt_sup *s)
{
    (void)s;
    return tether_v1_Capability_CAP_ATTEST;
}

const struct tt_sup_service svc_attest_service = {
    .routes = routes,
    .nroutes = sizeof routes / sizeof routes[0],
    .capabilities = capabilities,
};
