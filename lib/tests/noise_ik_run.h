/* noise_ik_run.h — test helper: one complete IK handshake between two contexts, possibly
 * on different backends, with every step asserted (test-only, header-only).
 *
 * Shared by test_noise.c and gen_noise_vector.c so the committed transcript vector and the
 * test that checks it drive the engine the same way. */
#ifndef TETHER_TESTS_NOISE_IK_RUN_H
#define TETHER_TESTS_NOISE_IK_RUN_H

#include <string.h>

#include "tether/noise.h"

struct ik_params {
    const uint8_t *prologue;
    size_t prologue_len;
    uint8_t init_static[32], init_ephemeral[32], resp_static[32], resp_ephemeral[32];
    const uint8_t *payload1, *payload2;
    size_t payload1_len, payload2_len;
};

struct ik_result {
    uint8_t msg1[512], msg2[512];
    size_t msg1_len, msg2_len;
    uint8_t got1[512], got2[512];
    size_t got1_len, got2_len;
    uint8_t resp_saw_static[32];
    struct tt_noise_keys ki, kr;
};

/* Runs the handshake; returns the first error (TT_OK when all steps passed). */
static inline tt_err ik_run(const struct tt_crypto *ci, const struct tt_crypto *cr,
                            const struct ik_params *p, struct ik_result *r)
{
    struct tt_noise_hs hi, hr;
    uint8_t rs[32];
    tt_err e;
    memset(r, 0, sizeof *r);
    if ((e = cr->x25519_public(rs, p->resp_static)) != TT_OK ||
        (e = tt_noise_ik_init_initiator(&hi, ci, p->prologue, p->prologue_len, p->init_static,
                                        rs)) != TT_OK ||
        (e = tt_noise_ik_init_responder(&hr, cr, p->prologue, p->prologue_len, p->resp_static)) !=
            TT_OK ||
        (e = tt_noise_ik_write_msg1(&hi, p->init_ephemeral, p->payload1, p->payload1_len, r->msg1,
                                    sizeof r->msg1, &r->msg1_len)) != TT_OK ||
        (e = tt_noise_ik_read_msg1(&hr, r->msg1, r->msg1_len, r->got1, sizeof r->got1,
                                   &r->got1_len)) != TT_OK ||
        (e = tt_noise_ik_remote_static(&hr, r->resp_saw_static)) != TT_OK ||
        (e = tt_noise_ik_write_msg2(&hr, p->resp_ephemeral, p->payload2, p->payload2_len, r->msg2,
                                    sizeof r->msg2, &r->msg2_len)) != TT_OK ||
        (e = tt_noise_ik_read_msg2(&hi, r->msg2, r->msg2_len, r->got2, sizeof r->got2,
                                   &r->got2_len)) != TT_OK ||
        (e = tt_noise_split(&hi, &r->ki)) != TT_OK || (e = tt_noise_split(&hr, &r->kr)) != TT_OK)
        return e;
    return TT_OK;
}

#endif
