/* test_ota_service.c — the OTA service of the supervisor (core/service/ota.c) on the host
 * port: its flash store (core/store/ota_store.c) over the host flash, the app double as the
 * app, real sessions from ref-client's driver (sup_harness.h). Image A (the factory app in
 * slot A) is the double's own program; image B is A with a marker in an unused spot, so
 * both run. Each test names the requirements it checks (spec/services/ota.md). */
#include <check.h>
#include <stdio.h>
#include <sodium.h>
#include <string.h>

#include "../../lib/tests/ota_fixture.h"
#include "../core/store/image_slot.h"
#include "../core/store/ota_store.h"
#include "../core/store/record_store.h"
#include "sup_harness.h"
#include "tether/bytes.h"
#include "tether/ota_manifest.h"
#include "tether/ota_sender.h"
#include "tether/p256.h"

#define IMG 0x700u    /* bytes of the double's program the images hold */
#define MARK 0x6F0u   /* offset of image B's marker (no program there) */
#define CHUNK 64u
#define OTA TT_PERM_OTA

static uint8_t fw_priv[32], fw_pub[TT_P256_PUB_LEN], other_priv[32], other_pub[TT_P256_PUB_LEN];
static uint8_t img_a[IMG], img_b[IMG], sha_a[32], sha_b[32];
static struct h_id alice;
static struct h_client ca;
static tether_v1_Message req, rep, ev;

static tt_err rnd(void *ctx, uint8_t *b, size_t n)
{
    (void)ctx;
    randombytes_buf(b, n);
    return TT_OK;
}

static tether_v1_Message *msg(pb_size_t tag)
{
    memset(&req, 0, sizeof req);
    req.which_body = tag;
    return &req;
}

static void sign(const uint8_t *sha, uint32_t size, uint32_t version, uint32_t counter,
                 const uint8_t *priv, const uint8_t *device_id, tether_v1_SignedManifest *sm)
{
    ota_fx_sign(device_id, version, counter, size, sha, tether_v1_SlotLayout_AB, CHUNK, priv, sm);
}

/* A device provisioned with a firmware key and image A in slot A, booted, alice connected. */
static void setup(void)
{
    h_boot();
    ck_assert_int_eq(tt_p256_keygen(fw_priv, fw_pub, rnd, NULL), TT_OK);
    ck_assert_int_eq(tt_p256_keygen(other_priv, other_pub, rnd, NULL), TT_OK);
    ck_assert_int_eq(tt_port_app_mem_read(H_DEVICE_CODE(0), img_a, IMG), TT_OK);
    memcpy(img_b, img_a, IMG);
    memcpy(img_b + MARK, "image B, v0.2.0", 16);
    crypto_hash_sha256(sha_a, img_a, IMG);
    crypto_hash_sha256(sha_b, img_b, IMG);
    ck_assert_int_eq(tt_port_flash_program(TT_AREA_SLOT_A, 0, img_a, IMG), TT_OK);
    struct tt_image_record ir = {.size = IMG, .version = 0x000100};
    memcpy(ir.sha256, sha_a, 32);
    ck_assert_int_eq(tt_image_record_write(&ir), TT_OK);
    memcpy(h_keys.firmware_public, fw_pub, sizeof fw_pub);
    tt_host_set_keys(&h_keys);
    h_reboot();
    h_id_new(&alice);
    ck_assert_int_eq(h_connect(&ca, &alice, OTA | TT_PERM_ATTEST), TT_OK);
}

/* The device restarts (the same flash) and alice connects again with the OTA permission. */
static void reboot_and_connect(void)
{
    h_reboot();
    h_id_new(&alice);
    ck_assert_int_eq(h_connect(&ca, &alice, OTA), TT_OK);
}

static void teardown(void) {}

static tt_err begin(const tether_v1_SignedManifest *sm, uint32_t *resume)
{
    msg(tether_v1_Message_ota_begin_tag)->body.ota_begin.has_manifest = true;
    req.body.ota_begin.manifest = *sm;
    tt_err e = h_call(&ca, &req, &rep);
    if (e == TT_OK) {
        ck_assert_uint_eq(rep.which_body, tether_v1_Message_ota_begin_reply_tag);
        ck_assert_uint_eq(rep.body.ota_begin_reply.window_chunks, TT_SUP_OTA_WINDOW);
        *resume = rep.body.ota_begin_reply.resume_offset;
    }
    return e;
}

/* Sends one OtaChunk (a stream message: request_id 0) and lets the device take it. */
static void chunk(const uint8_t *img, uint32_t off, uint32_t len)
{
    uint8_t b[TT_MESSAGE_MAX_LEN];
    size_t n;
    msg(tether_v1_Message_ota_chunk_tag)->body.ota_chunk.offset = off;
    req.body.ota_chunk.data.size = (pb_size_t)len;
    memcpy(req.body.ota_chunk.data.bytes, img + off, len);
    ck_assert_int_eq(tt_msg_encode(&req, b, sizeof b, &n), TT_OK);
    h_send_raw(&ca, b, n);
    h_run(4);
    ck_assert_int_eq(tt_client_pump(&ca.c, 0), TT_OK);
}

static void chunks(const uint8_t *img, uint32_t from, uint32_t to)
{
    for (uint32_t off = from; off < to; off += CHUNK)
        chunk(img, off, to - off < CHUNK ? to - off : CHUNK);
}

static tt_err simple(pb_size_t tag)
{
    msg(tag);
    return h_call(&ca, &req, &rep);
}

static tether_v1_OtaStatusReply status(void)
{
    ck_assert_int_eq(simple(tether_v1_Message_ota_status_tag), TT_OK);
    ck_assert_uint_eq(rep.which_body, tether_v1_Message_ota_status_reply_tag);
    return rep.body.ota_status_reply;
}

/* What the device says it runs: Capabilities (and DeviceHello on a new session) agree. */
static void runs(const uint8_t *sha, const uint8_t *img)
{
    ck_assert_int_eq(simple(tether_v1_Message_get_capabilities_tag), TT_OK);
    ck_assert_mem_eq(rep.body.capabilities.app_measurement, sha, 32);
    uint8_t code[IMG];
    ck_assert_int_eq(tt_port_app_mem_read(H_DEVICE_CODE(0), code, IMG), TT_OK);
    ck_assert_mem_eq(code, img, IMG);
}

static void push_b(uint32_t counter)
{
    tether_v1_SignedManifest sm;
    uint32_t resume = 99;
    sign(sha_b, IMG, 0x000200, counter, fw_priv, h_keys.device_id, &sm);
    ck_assert_int_eq(begin(&sm, &resume), TT_OK);
    ck_assert_uint_eq(resume, 0);
    chunks(img_b, 0, IMG);
}

/* The acks of the transfer: the last one says everything is stored ([OTA-015]). */
static void all_acked(void)
{
    uint32_t cum = 0;
    while (cum < IMG) {
        ck_assert_int_eq(h_event(&ca, &ev, 3000), TT_OK);
        if (ev.which_body == tether_v1_Message_ota_chunk_ack_tag)
            cum = ev.body.ota_chunk_ack.cumulative_offset;
    }
    ck_assert_uint_eq(cum, IMG);
}

START_TEST(ota_capabilities_and_permission)
{
    /* [CTL-002], [OTA-012]: CAP_OTA and CAP_OTA_AB, the window within rel_window */
    ck_assert_int_eq(simple(tether_v1_Message_get_capabilities_tag), TT_OK);
    const tether_v1_Capabilities *c = &rep.body.capabilities;
    ck_assert(c->capabilities & tether_v1_Capability_CAP_OTA);
    ck_assert(c->capabilities & tether_v1_Capability_CAP_OTA_AB);
    ck_assert_uint_eq(c->limits.ota_window, TT_SUP_OTA_WINDOW);
    ck_assert_uint_le(c->limits.ota_window, c->limits.rel_window);
    runs(sha_a, img_a);
    /* [GRT-040]: every OTA request needs the OTA permission */
    struct h_id bob;
    struct h_client cb;
    h_id_new(&bob);
    ck_assert_int_eq(h_connect(&cb, &bob, TT_PERM_DEBUG_READ), TT_OK);
    static const pb_size_t tags[] = {
        tether_v1_Message_ota_status_tag, tether_v1_Message_ota_verify_tag,
        tether_v1_Message_ota_install_tag, tether_v1_Message_ota_confirm_tag,
        tether_v1_Message_ota_rollback_tag, tether_v1_Message_ota_abort_tag,
        tether_v1_Message_ota_begin_tag};
    for (size_t k = 0; k < sizeof tags / sizeof tags[0]; k++) {
        msg(tags[k]);
        ck_assert_int_eq(h_call(&cb, &req, &rep), TT_ERR_PERMISSION);
    }
}
END_TEST

START_TEST(ota_not_offered_without_firmware_key)
{
    memset(h_keys.firmware_public, 0, sizeof h_keys.firmware_public);
    tt_host_set_keys(&h_keys);
    reboot_and_connect();
    ck_assert_int_eq(simple(tether_v1_Message_get_capabilities_tag), TT_OK);
    ck_assert(!(rep.body.capabilities.capabilities & tether_v1_Capability_CAP_OTA));
    ck_assert_uint_eq(rep.body.capabilities.limits.ota_window, 0);
    ck_assert_int_eq(simple(tether_v1_Message_ota_status_tag), TT_ERR_MSG_UNSUPPORTED);
}
END_TEST

START_TEST(ota_push_install_confirm_rollback)
{
    /* [OTA-011], [OTA-013]..[OTA-015], [OTA-024], [OTA-050], [OTA-052], [OTA-053], [OTA-070] */
    push_b(3);
    all_acked();
    tether_v1_OtaStatusReply st = status();
    ck_assert_int_eq(st.state, tether_v1_OtaState_OTA_RECEIVING);
    ck_assert_uint_eq(st.received, IMG);
    ck_assert_uint_eq(st.pending_version, 0x000200);
    ck_assert_int_eq(simple(tether_v1_Message_ota_install_tag), TT_ERR_STATE); /* not verified */
    ck_assert_int_eq(simple(tether_v1_Message_ota_verify_tag), TT_OK);
    ck_assert_int_eq(status().state, tether_v1_OtaState_OTA_VERIFIED);
    runs(sha_a, img_a);
    ck_assert_int_eq(simple(tether_v1_Message_ota_install_tag), TT_OK);
    runs(sha_b, img_b); /* the new app runs, and is what the device reports */
    st = status();
    ck_assert_int_eq(st.state, tether_v1_OtaState_OTA_INSTALLED_PENDING_CONFIRM);
    ck_assert_uint_eq(st.running_version, 0x000200);
    ck_assert_uint_eq(st.security_counter, 0); /* raised only on confirm ([OTA-040]) */
    ck_assert_int_eq(simple(tether_v1_Message_ota_confirm_tag), TT_OK);
    st = status();
    ck_assert_int_eq(st.state, tether_v1_OtaState_OTA_CONFIRMED);
    ck_assert_uint_eq(st.security_counter, 3);
    /* Evidence carries the counter and the running image ([ATT-011]) */
    msg(tether_v1_Message_attest_challenge_tag);
    memset(req.body.attest_challenge.nonce, 7, sizeof req.body.attest_challenge.nonce);
    ck_assert_int_eq(h_call(&ca, &req, &rep), TT_OK);
    tether_v1_Evidence evd;
    memset(&evd, 0, sizeof evd);
    ck_assert_int_eq(tt_pb_decode(tether_v1_Evidence_fields, rep.body.attest_evidence.evidence.bytes,
                                  rep.body.attest_evidence.evidence.size, &evd),
                     TT_OK);
    ck_assert_uint_eq(evd.security_counter, 3);
    ck_assert_mem_eq(evd.app_measurement, sha_b, 32);
    /* a reboot keeps B: DeviceHello names it */
    reboot_and_connect();
    ck_assert_mem_eq(ca.c.reply.reply.hello.app_measurement, sha_b, 32);
    runs(sha_b, img_b);
    /* [OTA-053]: A's counter (0) is below the confirmed 3: no rollback, B runs on */
    ck_assert_int_eq(simple(tether_v1_Message_ota_rollback_tag), TT_ERR_OTA_ROLLBACK);
    runs(sha_b, img_b);
    ck_assert_int_eq(status().state, tether_v1_OtaState_OTA_CONFIRMED);
}
END_TEST

START_TEST(ota_unconfirmed_reverts_on_app_restart_and_nsc_confirms)
{
    push_b(1);
    ck_assert_int_eq(simple(tether_v1_Message_ota_verify_tag), TT_OK);
    ck_assert_int_eq(simple(tether_v1_Message_ota_install_tag), TT_OK);
    runs(sha_b, img_b);
    /* [OTA-051]: the app asks for a reboot before confirming: A runs again */
    tt_host_app_request(TT_APP_REQ_REBOOT);
    h_run(2);
    runs(sha_a, img_a);
    ck_assert_int_eq(status().state, tether_v1_OtaState_OTA_ROLLED_BACK);
    /* the same image again, confirmed by the app through its NSC call ([OTA-052]) */
    push_b(1);
    ck_assert_int_eq(simple(tether_v1_Message_ota_verify_tag), TT_OK);
    ck_assert_int_eq(simple(tether_v1_Message_ota_install_tag), TT_OK);
    tt_host_app_request(TT_APP_REQ_CONFIRM_UPDATE);
    h_run(2);
    tether_v1_OtaStatusReply st = status();
    ck_assert_int_eq(st.state, tether_v1_OtaState_OTA_CONFIRMED);
    ck_assert_uint_eq(st.security_counter, 1);
    runs(sha_b, img_b);
}
END_TEST

/* Image F: A whose reset vector names the double's faulting program (nop; udf), so it
 * faults right after it starts. */
static uint8_t img_f[IMG], sha_f[32];

static void install_f(uint32_t counter)
{
    tether_v1_SignedManifest sm;
    uint32_t resume = 99;
    memcpy(img_f, img_a, IMG);
    uint32_t entry = H_DEVICE_CODE(H_FAULT) | 1u;
    for (unsigned k = 0; k < 4; k++)
        img_f[4 + k] = (uint8_t)(entry >> (8 * k));
    crypto_hash_sha256(sha_f, img_f, IMG);
    sign(sha_f, IMG, 0x000300, counter, fw_priv, h_keys.device_id, &sm);
    ck_assert_int_eq(begin(&sm, &resume), TT_OK);
    chunks(img_f, 0, IMG);
    ck_assert_int_eq(simple(tether_v1_Message_ota_verify_tag), TT_OK);
    ck_assert_int_eq(simple(tether_v1_Message_ota_install_tag), TT_OK);
}

static tt_err resume_app(tether_v1_ResumeAction a, const uint32_t *bp)
{
    tether_v1_Resume *r = &msg(tether_v1_Message_resume_tag)->body.resume;
    r->action = a;
    r->replace_breakpoints = bp != NULL;
    if (bp)
        r->breakpoints[0] = (tether_v1_Breakpoint){*bp, tether_v1_BreakpointKind_SOFTWARE, 2};
    r->breakpoints_count = bp != NULL;
    return h_call(&ca, &req, &rep);
}

static tether_v1_StopReason next_stop(void)
{
    do
        ck_assert_int_eq(h_event(&ca, &ev, 3000), TT_OK);
    while (ev.which_body != tether_v1_Message_stop_event_tag);
    return ev.body.stop_event.reason;
}

START_TEST(ota_faulting_test_image_reverts)
{
    /* [OTA-051], [OTA-100]: the test image faults at start with no debugger attached: the
     * supervisor reverts to A, which runs; the counter stays where it was ([OTA-041]) */
    install_f(2);
    h_run(20);
    tether_v1_OtaStatusReply st = status();
    ck_assert_int_eq(st.state, tether_v1_OtaState_OTA_ROLLED_BACK);
    ck_assert_uint_eq(st.running_version, 0x000100);
    ck_assert_uint_eq(st.security_counter, 0);
    runs(sha_a, img_a);
    ck_assert_int_eq(h_target.state, TT_TARGET_RUNNING);
    h_run(20);
    ck_assert_int_eq(h_target.state, TT_TARGET_RUNNING); /* A does not fault */
    ck_assert_mem_eq(tt_ota_running(&h_sup.ota->e)->sha256, sha_a, 32);
}
END_TEST

START_TEST(ota_debugger_stops_are_not_faults_and_faults_wait_for_detach)
{
    /* [OTA-100]: a halt and a breakpoint stop of a test image revert nothing */
    ck_assert_int_eq(h_connect(&ca, &alice, OTA | TT_PERM_ALL), TT_OK);
    push_b(1);
    ck_assert_int_eq(simple(tether_v1_Message_ota_verify_tag), TT_OK);
    ck_assert_int_eq(simple(tether_v1_Message_ota_install_tag), TT_OK);
    ck_assert_int_eq(simple(tether_v1_Message_attach_tag), TT_OK);
    ck_assert_int_eq(simple(tether_v1_Message_halt_tag), TT_OK);
    uint32_t bp = H_DEVICE_CODE(H_FUNC);
    ck_assert_int_eq(resume_app(tether_v1_ResumeAction_CONTINUE, &bp), TT_OK);
    ck_assert_int_eq(next_stop(), tether_v1_StopReason_BREAKPOINT);
    h_run(20);
    ck_assert_int_eq(status().state, tether_v1_OtaState_OTA_INSTALLED_PENDING_CONFIRM);
    runs(sha_b, img_b);
    /* [OTA-101]: a fault under the attached debugger is the developer's to inspect */
    tether_v1_WriteRegisters *wr = &msg(tether_v1_Message_write_registers_tag)->body.write_registers;
    wr->regs[0] = (tether_v1_RegValue){15, H_DEVICE_CODE(H_FAULT)};
    wr->regs_count = 1;
    ck_assert_int_eq(h_call(&ca, &req, &rep), TT_OK);
    ck_assert_int_eq(resume_app(tether_v1_ResumeAction_CONTINUE, NULL), TT_OK);
    ck_assert_int_eq(next_stop(), tether_v1_StopReason_FAULT);
    h_run(20);
    ck_assert_int_eq(status().state, tether_v1_OtaState_OTA_INSTALLED_PENDING_CONFIRM);
    ck_assert_int_eq(h_target.state, TT_TARGET_HALTED);
    /* the attachment ends with the app still at its fault: now it counts */
    ck_assert_int_eq(simple(tether_v1_Message_detach_tag), TT_OK);
    h_run(20);
    ck_assert_int_eq(status().state, tether_v1_OtaState_OTA_ROLLED_BACK);
    runs(sha_a, img_a);
    ck_assert_int_eq(h_target.state, TT_TARGET_RUNNING);
}
END_TEST

START_TEST(ota_fault_of_a_confirmed_image_reverts_nothing)
{
    /* [OTA-100] applies to a test image only: once confirmed, a fault is left halted for
     * post-mortem ([DBG-061]) and the image stays. A debugger holds the fault off
     * ([OTA-101]) until the confirm is in. */
    ck_assert_int_eq(h_connect(&ca, &alice, OTA | TT_PERM_ALL), TT_OK);
    ck_assert_int_eq(simple(tether_v1_Message_attach_tag), TT_OK);
    install_f(2);
    ck_assert_int_eq(simple(tether_v1_Message_ota_confirm_tag), TT_OK);
    ck_assert_int_eq(simple(tether_v1_Message_detach_tag), TT_OK);
    h_run(20);
    tether_v1_OtaStatusReply st = status();
    ck_assert_int_eq(st.state, tether_v1_OtaState_OTA_CONFIRMED);
    ck_assert_uint_eq(st.security_counter, 2);
    ck_assert_mem_eq(tt_ota_running(&h_sup.ota->e)->sha256, sha_f, 32);
    ck_assert_int_eq(h_target.state, TT_TARGET_HALTED);
    ck_assert_int_eq(h_target.stop.reason, TT_STOP_FAULT);
}
END_TEST

START_TEST(ota_begin_error_table)
{
    /* [OTA-010]: each check's error, with the check number as detail; nothing changes */
    tether_v1_SignedManifest sm;
    uint32_t resume;
    uint8_t other_dev[16] = {9};
    sign(sha_b, IMG, 0x000200, 1, other_priv, h_keys.device_id, &sm); /* another key */
    ck_assert_int_eq(begin(&sm, &resume), TT_ERR_SIGNATURE);
    ck_assert_uint_eq(rep.body.error.detail, 2);
    sm.body.size = 3; /* check 1 */
    ck_assert_int_eq(begin(&sm, &resume), TT_ERR_OTA_MANIFEST);
    ck_assert_uint_eq(rep.body.error.detail, 1);
    sign(sha_b, IMG, 0x000200, 1, fw_priv, other_dev, &sm); /* check 3 */
    ck_assert_int_eq(begin(&sm, &resume), TT_ERR_OTA_MANIFEST);
    ck_assert_uint_eq(rep.body.error.detail, 3);
    sign(sha_b, 0x00200000u, 0x000200, 1, fw_priv, h_keys.device_id, &sm); /* check 6 */
    ck_assert_int_eq(begin(&sm, &resume), TT_ERR_OTA_SIZE);
    ck_assert_uint_eq(rep.body.error.detail, 6);
    ck_assert_int_eq(status().state, tether_v1_OtaState_OTA_IDLE);
    /* check 5: a counter below the confirmed one */
    push_b(5);
    ck_assert_int_eq(simple(tether_v1_Message_ota_verify_tag), TT_OK);
    ck_assert_int_eq(simple(tether_v1_Message_ota_install_tag), TT_OK);
    /* check 7: pending confirm */
    sign(sha_a, IMG, 0x000300, 6, fw_priv, h_keys.device_id, &sm);
    ck_assert_int_eq(begin(&sm, &resume), TT_ERR_STATE);
    ck_assert_uint_eq(rep.body.error.detail, 7);
    ck_assert_int_eq(simple(tether_v1_Message_ota_confirm_tag), TT_OK);
    sign(sha_a, IMG, 0x000300, 4, fw_priv, h_keys.device_id, &sm);
    ck_assert_int_eq(begin(&sm, &resume), TT_ERR_OTA_ROLLBACK);
    ck_assert_uint_eq(rep.body.error.detail, 5);
    ck_assert_int_eq(status().state, tether_v1_OtaState_OTA_CONFIRMED);
    runs(sha_b, img_b);
}
END_TEST

/* An OtaBegin (request_id 4242) whose SignedManifest body is body_len bytes. */
static size_t oversized_begin(uint8_t *b, uint32_t body_len)
{
    size_t n = 0, sm = 3u + body_len + 2u + 64u, ob = 3u + sm;
    b[n++] = 0x08, b[n++] = 0x92, b[n++] = 0x21;                      /* request_id 4242 */
    b[n++] = 0xB2, b[n++] = 0x04;                                     /* ota_begin (70) */
    b[n++] = (uint8_t)(ob | 0x80), b[n++] = (uint8_t)(ob >> 7);
    b[n++] = 0x0A, b[n++] = (uint8_t)(sm | 0x80), b[n++] = (uint8_t)(sm >> 7); /* manifest */
    b[n++] = 0x0A, b[n++] = (uint8_t)(body_len | 0x80), b[n++] = (uint8_t)(body_len >> 7);
    memset(b + n, 0x55, body_len);
    n += body_len;
    b[n++] = 0x12, b[n++] = 0x40;
    memset(b + n, 0x66, 64);
    return n + 64;
}

START_TEST(ota_oversized_manifest_is_check_1)
{
    /* [LIM-003]: SignedManifest.body over 128 bytes is refused as a manifest (check 1 of
     * [OTA-010]), after the permission ([GRT-040]); nothing changes */
    uint8_t b[400];
    size_t n = oversized_begin(b, 200);
    ck_assert_int_eq(tt_client_call_raw(&ca.c, b, n, 4242, &rep, 3000), TT_OK);
    ck_assert_uint_eq(rep.request_id, 4242);
    ck_assert_uint_eq(rep.which_body, tether_v1_Message_error_tag);
    ck_assert_uint_eq(rep.body.error.code, TT_ERR_OTA_MANIFEST);
    ck_assert_uint_eq(rep.body.error.detail, 1);
    ck_assert_int_eq(status().state, tether_v1_OtaState_OTA_IDLE);
    /* at the limit the message decodes and check 1 runs on its (junk) body: still check 1 */
    n = oversized_begin(b, 128);
    ck_assert_int_eq(tt_client_call_raw(&ca.c, b, n, 4242, &rep, 3000), TT_OK);
    ck_assert_uint_eq(rep.body.error.code, TT_ERR_OTA_MANIFEST);
    ck_assert_uint_eq(rep.body.error.detail, 1);
    struct h_id bob;
    struct h_client cb;
    h_id_new(&bob);
    ck_assert_int_eq(h_connect(&cb, &bob, TT_PERM_DEBUG_READ), TT_OK);
    n = oversized_begin(b, 200);
    ck_assert_int_eq(tt_client_call_raw(&cb.c, b, n, 4242, &rep, 3000), TT_OK);
    ck_assert_uint_eq(rep.body.error.code, TT_ERR_PERMISSION);
    /* a top level that is not well formed stays a decode failure ([MSG-004]) */
    n = oversized_begin(b, 200) - 1; /* ota_begin's length runs past the end */
    ck_assert_int_eq(tt_client_call_raw(&ca.c, b, n, 4242, &rep, 3000), TT_OK);
    ck_assert_uint_eq(rep.body.error.code, TT_ERR_MSG_DECODE);
}
END_TEST

START_TEST(ota_chunk_errors_verify_hash_abort)
{
    tether_v1_SignedManifest sm;
    uint32_t resume;
    /* state errors outside a transfer */
    ck_assert_int_eq(simple(tether_v1_Message_ota_verify_tag), TT_ERR_STATE);
    ck_assert_int_eq(simple(tether_v1_Message_ota_confirm_tag), TT_ERR_STATE);
    ck_assert_int_eq(simple(tether_v1_Message_ota_rollback_tag), TT_ERR_STATE);
    /* a manifest over B's hash, A's bytes sent: verify fails [OTA-024] */
    sign(sha_b, IMG, 0x000200, 1, fw_priv, h_keys.device_id, &sm);
    ck_assert_int_eq(begin(&sm, &resume), TT_OK);
    chunk(img_a, 3, CHUNK); /* [OTA-013]: not at a chunk boundary: an error event */
    int got = 0;
    while (!got) {
        ck_assert_int_eq(h_event(&ca, &ev, 3000), TT_OK);
        if (ev.which_body == tether_v1_Message_error_tag) {
            ck_assert_uint_eq(ev.body.error.code, TT_ERR_OTA_CHUNK);
            ck_assert_uint_eq(ev.body.error.detail, 3);
            got = 1;
        }
    }
    ck_assert_int_eq(simple(tether_v1_Message_ota_verify_tag), TT_ERR_STATE); /* incomplete */
    chunks(img_a, 0, IMG);
    ck_assert_int_eq(simple(tether_v1_Message_ota_verify_tag), TT_ERR_OTA_HASH);
    ck_assert_int_eq(status().state, tether_v1_OtaState_OTA_IDLE);
    /* [OTA-054]: abort of a transfer in progress */
    ck_assert_int_eq(begin(&sm, &resume), TT_OK);
    chunks(img_b, 0, 4 * CHUNK);
    ck_assert_int_eq(simple(tether_v1_Message_ota_abort_tag), TT_OK);
    ck_assert_int_eq(status().state, tether_v1_OtaState_OTA_IDLE);
    runs(sha_a, img_a);
}
END_TEST

START_TEST(ota_resume_after_reboot)
{
    /* [OTA-030], [OTA-011]: stored chunks survive a reset; the same manifest resumes */
    tether_v1_SignedManifest sm;
    uint32_t resume = 99;
    sign(sha_b, IMG, 0x000200, 0, fw_priv, h_keys.device_id, &sm);
    ck_assert_int_eq(begin(&sm, &resume), TT_OK);
    chunks(img_b, 0, 10 * CHUNK);
    reboot_and_connect();
    runs(sha_a, img_a);
    tether_v1_OtaStatusReply st = status();
    ck_assert_int_eq(st.state, tether_v1_OtaState_OTA_RECEIVING);
    ck_assert_uint_eq(st.received, 10 * CHUNK);
    ck_assert_int_eq(begin(&sm, &resume), TT_OK);
    ck_assert_uint_eq(resume, 10 * CHUNK);
    chunks(img_b, resume, IMG);
    ck_assert_int_eq(simple(tether_v1_Message_ota_verify_tag), TT_OK);
    ck_assert_int_eq(simple(tether_v1_Message_ota_install_tag), TT_OK);
    runs(sha_b, img_b);
    ck_assert_int_eq(simple(tether_v1_Message_ota_confirm_tag), TT_OK);
    /* [OTA-053]: the same counter (0): rollback runs A again */
    ck_assert_int_eq(simple(tether_v1_Message_ota_rollback_tag), TT_OK);
    runs(sha_a, img_a);
    tether_v1_OtaStatusReply st2 = status();
    ck_assert_int_eq(st2.state, tether_v1_OtaState_OTA_ROLLED_BACK);
    ck_assert_uint_eq(st2.running_version, 0x000100);
}
END_TEST

START_TEST(ota_unreadable_record_refused_supervisor_serves)
{
    /* [NVS-012], [NVS-013], [NVS-053]: a malformed OTA record is not guessed at: no app,
     * OTA requests TT_ERR_STORAGE, the supervisor still answers */
    static const uint8_t junk[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    ck_assert_int_eq(tt_store_write(TT_REC_SECURITY, junk, sizeof junk), TT_OK);
    reboot_and_connect();
    static const uint8_t zero[32];
    ck_assert_mem_eq(ca.c.reply.reply.hello.app_measurement, zero, 32);
    ck_assert_int_eq(simple(tether_v1_Message_ota_status_tag), TT_ERR_STORAGE);
    ck_assert_int_eq(simple(tether_v1_Message_ping_tag), TT_OK);
}
END_TEST

START_TEST(ota_record_the_engine_refuses_is_not_replaced_by_factory)
{
    /* [NVS-012], [NVS-050], [NVS-053]: a record that reads (version, lengths) but that the
     * engine cannot adopt (a state no transition saves; RECEIVING with no manifest) is
     * malformed storage: no factory fallback (slot A's factory image would run and be
     * reported over what the record names), no app, OTA TT_ERR_STORAGE, the supervisor
     * serves. Each is saved through the device's own store, as a transition saves. */
    static const uint8_t zero[32];
    struct tt_ota_flash f;
    struct tt_ota_storage st;
    struct tt_ota_record r;
    struct tt_ota_image a = {.valid = 1, .version = 0x000100, .size = IMG};
    memcpy(a.sha256, sha_a, 32);
    for (int k = 0; k < 2; k++) {
        memset(&f, 0, sizeof f);
        tt_ota_flash_storage(&f, &st);
        tt_ota_record_factory(&r, &a);
        if (k == 0)
            r.state = tether_v1_OtaState_OTA_ROLLED_BACK + 1;
        else
            r.state = tether_v1_OtaState_OTA_RECEIVING; /* body_len 0 */
        ck_assert_int_eq(st.save(st.ctx, &r, true), TT_OK);
        reboot_and_connect();
        ck_assert_mem_eq(ca.c.reply.reply.hello.app_measurement, zero, 32);
        ck_assert_int_eq(simple(tether_v1_Message_get_capabilities_tag), TT_OK);
        ck_assert_mem_eq(rep.body.capabilities.app_measurement, zero, 32);
        ck_assert_int_eq(simple(tether_v1_Message_ota_status_tag), TT_ERR_STORAGE);
        tether_v1_SignedManifest sm;
        uint32_t resume;
        sign(sha_b, IMG, 0x000200, 1, fw_priv, h_keys.device_id, &sm);
        ck_assert_int_eq(begin(&sm, &resume), TT_ERR_STORAGE);
        ck_assert_int_eq(simple(tether_v1_Message_ping_tag), TT_OK);
    }
}
END_TEST

START_TEST(ota_boot_refuses_a_slot_that_no_longer_verifies)
{
    /* [NVS-051], [NVS-053], [OTA-070]: B installed and confirmed, then one byte of slot B
     * changes behind the supervisor's back (the QEMU power-cut sweep's wrong-order
     * demonstration makes this state): the next boot runs nothing and reports zero, while
     * the record still names B; the supervisor serves. A new install runs again. */
    push_b(1);
    all_acked();
    ck_assert_int_eq(simple(tether_v1_Message_ota_verify_tag), TT_OK);
    ck_assert_int_eq(simple(tether_v1_Message_ota_install_tag), TT_OK);
    ck_assert_int_eq(simple(tether_v1_Message_ota_confirm_tag), TT_OK);
    runs(sha_b, img_b);
    tt_host_flash_mem(TT_AREA_SLOT_B)[MARK] ^= 0x01;
    reboot_and_connect();
    static const uint8_t zero[32];
    ck_assert_mem_eq(ca.c.reply.reply.hello.app_measurement, zero, 32);
    uint8_t code[IMG];
    ck_assert_int_eq(tt_port_app_mem_read(H_DEVICE_CODE(0), code, IMG), TT_OK);
    ck_assert_mem_ne(code, img_b, IMG);
    ck_assert_int_eq(simple(tether_v1_Message_ping_tag), TT_OK);
    /* the rollback to A (counter 0 < 1) is refused; A pushed again (to slot A) runs */
    tether_v1_SignedManifest sm;
    uint32_t resume = 99;
    sign(sha_a, IMG, 0x000300, 1, fw_priv, h_keys.device_id, &sm);
    ck_assert_int_eq(begin(&sm, &resume), TT_OK);
    chunks(img_a, 0, IMG);
    all_acked();
    ck_assert_int_eq(simple(tether_v1_Message_ota_verify_tag), TT_OK);
    ck_assert_int_eq(simple(tether_v1_Message_ota_install_tag), TT_OK);
    runs(sha_a, img_a);
}
END_TEST

/* The whole update of image B (begin, chunks, verify, install, confirm); results ignored:
 * with the power gone every request fails, which is the point. */
static void update_ignoring_results(const tether_v1_SignedManifest *sm)
{
    uint32_t resume;
    (void)begin(sm, &resume);
    chunks(img_b, 0, IMG);
    (void)simple(tether_v1_Message_ota_verify_tag);
    (void)simple(tether_v1_Message_ota_install_tag);
    (void)simple(tether_v1_Message_ota_confirm_tag);
}

/* One push of image B as `tether ota push --confirm` makes it (the sender engine follows
 * the acks and chunk errors; the device ending the transfer session, [OTA-131], makes it
 * begin again, [OTA-133]): TT_OK once B is confirmed. *begins: OtaBegins it took. */
static tt_err push_once(const tether_v1_SignedManifest *sm, unsigned *begins)
{
    static uint8_t cs[TT_OTA_MAX_CHUNKS];
    struct tt_ota_sender snd;
    uint32_t resume, off, len;
    tt_err e;
    *begins = 0;
    ck_assert_int_eq(tt_ota_sender_init(&snd, IMG, CHUNK, cs, sizeof cs), TT_OK);
    for (unsigned turn = 0; !tt_ota_sender_done(&snd); turn++) {
        if (turn > 10 * IMG / CHUNK)
            return TT_ERR_TIMEOUT; /* no progress */
        if (snd.window == 0) { /* no transfer session: (re)begin */
            if (++*begins > 4)
                return TT_ERR_STATE; /* the bound of [OTA-133] */
            if ((e = begin(sm, &resume)) != TT_OK)
                return e;
            ck_assert_int_eq(tt_ota_sender_begun(&snd, resume, TT_SUP_OTA_WINDOW), TT_OK);
        }
        if (tt_ota_sender_next(&snd, &off, &len))
            chunk(img_b, off, len);
        else { /* the window is full or all is sent: the device's turns, then its acks */
            h_run(4);
            ck_assert_int_eq(tt_client_pump(&ca.c, 0), TT_OK);
        }
        while (h_event(&ca, &ev, 0) == TT_OK) {
            if (ev.which_body == tether_v1_Message_ota_chunk_ack_tag)
                e = tt_ota_sender_acked(&snd, ev.body.ota_chunk_ack.cumulative_offset,
                                        ev.body.ota_chunk_ack.selective_bitmap);
            else if (ev.which_body == tether_v1_Message_error_tag)
                e = tt_ota_sender_chunk_error(&snd, ev.body.error.code, ev.body.error.detail);
            else
                e = TT_OK;
            if (e != TT_OK && e != TT_ERR_STATE)
                return e;
            if (e == TT_ERR_STATE && snd.window != 0)
                return e; /* an ack going backwards: refused, the push stops */
        }
    }
    if ((e = simple(tether_v1_Message_ota_verify_tag)) != TT_OK ||
        (e = simple(tether_v1_Message_ota_install_tag)) != TT_OK)
        return e;
    return simple(tether_v1_Message_ota_confirm_tag);
}

START_TEST(ota_torn_chunk_one_push_completes)
{
    /* [OTA-131], [OTA-133], [OTA-134], [OTA-030]: the power goes while chunk 10 of B is
     * programmed (the host flash tears it: half the quad-word written). After the reboot
     * one push completes: it resumes at 10 chunks, the torn chunk ends the transfer
     * session, the same push begins again at 0 and B is installed and confirmed. */
    tether_v1_SignedManifest sm;
    uint32_t resume = 99;
    unsigned begins;
    sign(sha_b, IMG, 0x000200, 1, fw_priv, h_keys.device_id, &sm);
    ck_assert_int_eq(begin(&sm, &resume), TT_OK);
    chunks(img_b, 0, 10 * CHUNK);
    tt_host_flash_cut_at(1); /* the next flash operation: chunk 10's program */
    chunk(img_b, 10 * CHUNK, CHUNK);
    ck_assert(tt_host_flash_power_lost());
    const uint8_t *slot = tt_host_flash_mem(TT_AREA_SLOT_B);
    ck_assert_mem_ne(slot + 10 * CHUNK, img_b + 10 * CHUNK, CHUNK); /* torn, not erased */
    ck_assert_uint_ne(slot[10 * CHUNK], 0xFF);
    tt_host_flash_power_on();
    reboot_and_connect();
    runs(sha_a, img_a);
    tether_v1_OtaStatusReply st = status();
    ck_assert_int_eq(st.state, tether_v1_OtaState_OTA_RECEIVING);
    ck_assert_uint_eq(st.received, 10 * CHUNK);
    ck_assert_int_eq(push_once(&sm, &begins), TT_OK);
    ck_assert_uint_eq(begins, 2); /* the resume, and the begin after the restart */
    runs(sha_b, img_b);
    st = status();
    ck_assert_int_eq(st.state, tether_v1_OtaState_OTA_CONFIRMED);
    ck_assert_uint_eq(st.security_counter, 1);
}
END_TEST

START_TEST(ota_power_cut_at_every_flash_operation)
{
    /* [OTA-030], [OTA-050], [OTA-060], [NVS-010], [NVS-013]: the update of B cut at each
     * erase or program of the real store and slots (host flash, a torn operation, then no
     * power); after the next boot the device serves, runs A or B whole and reports what it
     * runs, the counter is 0 or 1; then the same update completes and B runs. */
    tether_v1_SignedManifest sm;
    uint32_t base = tt_host_flash_ops();
    sign(sha_b, IMG, 0x000200, 1, fw_priv, h_keys.device_id, &sm);
    update_ignoring_results(&sm);
    uint32_t total = tt_host_flash_ops() - base;
    ck_assert_uint_gt(total, 40);
    runs(sha_b, img_b);
    unsigned cuts = 0, torn = 0;
    for (uint32_t k = 1; k <= total; k++) {
        setup();
        sign(sha_b, IMG, 0x000200, 1, fw_priv, h_keys.device_id, &sm);
        tt_host_flash_cut_at(k);
        update_ignoring_results(&sm);
        ck_assert(tt_host_flash_power_lost());
        cuts++;
        tt_host_flash_power_on(); /* the next boot */
        reboot_and_connect();
        uint8_t code[IMG];
        ck_assert_int_eq(tt_port_app_mem_read(H_DEVICE_CODE(0), code, IMG), TT_OK);
        int is_b = memcmp(code, img_b, IMG) == 0;
        ck_assert(is_b || memcmp(code, img_a, IMG) == 0);
        runs(is_b ? sha_b : sha_a, is_b ? img_b : img_a);
        tether_v1_OtaStatusReply st = status();
        ck_assert_uint_le(st.security_counter, 1);
        ck_assert(!is_b || st.state == tether_v1_OtaState_OTA_CONFIRMED); /* else reverted */
        if (!is_b) {
            /* one push completes; a chunk torn by the cut costs it one more begin */
            unsigned begins;
            ck_assert_int_eq(push_once(&sm, &begins), TT_OK);
            ck_assert_uint_le(begins, 2);
            torn += begins == 2;
            runs(sha_b, img_b);
        }
        ck_assert_int_eq(status().state, tether_v1_OtaState_OTA_CONFIRMED);
        ck_assert_uint_eq(status().security_counter, 1);
    }
    ck_assert_uint_eq(cuts, total);
    ck_assert_uint_gt(torn, 0); /* the sweep did cut chunk programs */
    printf("ota power-cut sweep: %u cuts, %u torn chunks restarted the transfer, each within"
           " one push\n", cuts, torn);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("ota_service");
    TCase *t = tcase_create("ota");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_set_timeout(t, 120);
    tcase_add_test(t, ota_capabilities_and_permission);
    tcase_add_test(t, ota_not_offered_without_firmware_key);
    tcase_add_test(t, ota_push_install_confirm_rollback);
    tcase_add_test(t, ota_unconfirmed_reverts_on_app_restart_and_nsc_confirms);
    tcase_add_test(t, ota_faulting_test_image_reverts);
    tcase_add_test(t, ota_debugger_stops_are_not_faults_and_faults_wait_for_detach);
    tcase_add_test(t, ota_fault_of_a_confirmed_image_reverts_nothing);
    tcase_add_test(t, ota_begin_error_table);
    tcase_add_test(t, ota_oversized_manifest_is_check_1);
    tcase_add_test(t, ota_chunk_errors_verify_hash_abort);
    tcase_add_test(t, ota_resume_after_reboot);
    tcase_add_test(t, ota_unreadable_record_refused_supervisor_serves);
    tcase_add_test(t, ota_record_the_engine_refuses_is_not_replaced_by_factory);
    tcase_add_test(t, ota_boot_refuses_a_slot_that_no_longer_verifies);
    tcase_add_test(t, ota_torn_chunk_one_push_completes);
    tcase_add_test(t, ota_power_cut_at_every_flash_operation);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    SRunner *r = srunner_create(suite());
    srunner_run_all(r, CK_ENV);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed == 0 ? 0 : 1;
}
