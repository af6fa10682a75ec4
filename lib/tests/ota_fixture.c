/* ota_fixture.c — the OTA tests' shared set-up (ota_fixture.h). */
#include <check.h>
#include <string.h>

#include "ota_fixture.h"
#include "tether/messages.h"
#include "tether/ota_sender.h"

void ota_fx_sign(const uint8_t device_id[16], uint32_t version, uint32_t counter, uint32_t size,
                 const uint8_t sha256[32], tether_v1_SlotLayout layout, uint32_t chunk_size,
                 const uint8_t priv[32], tether_v1_SignedManifest *sm)
{
    tether_v1_Manifest m;
    memset(&m, 0, sizeof m);
    m.format = 1;
    m.which_scope = tether_v1_Manifest_device_id_tag;
    memcpy(m.scope.device_id, device_id, 16);
    m.version = version;
    m.security_counter = counter;
    m.image_size = size;
    memcpy(m.image_sha256, sha256, 32);
    m.layout = layout;
    m.chunk_size = chunk_size;
    ck_assert_int_eq(tt_ota_manifest_sign(&m, priv, sm), TT_OK);
}

/* OtaBegin and the sender told what the device holds (and the ack that may follow). */
static tt_err begin(struct tt_ota_engine *e, uint32_t session, const tether_v1_SignedManifest *sm,
                    uint32_t now, struct tt_ota_sender *s)
{
    tether_v1_OtaBeginReply rep;
    struct tt_ota_ack ack;
    uint32_t check;
    tt_err err = tt_ota_begin(e, session, sm, now, &rep, &ack, &check);
    if (err != TT_OK)
        return err;
    ck_assert_int_eq(tt_ota_sender_begun(s, rep.resume_offset, rep.window_chunks), TT_OK);
    if (ack.due)
        ck_assert_int_eq(tt_ota_sender_acked(s, ack.cumulative_offset, ack.selective_bitmap),
                         TT_OK);
    return TT_OK;
}

tt_err ota_fx_push(struct tt_ota_engine *e, uint32_t session, const tether_v1_SignedManifest *sm,
                   const uint8_t *bytes, uint32_t chunk_size, uint32_t *now, unsigned *sent)
{
    static uint8_t cs[TT_OTA_MAX_CHUNKS];
    tether_v1_Manifest m;
    struct tt_ota_sender s;
    struct tt_ota_ack ack;
    uint32_t off, len;
    unsigned rebegins = 0;
    *sent = 0;
    memset(&m, 0, sizeof m);
    ck_assert_int_eq(tt_pb_decode(tether_v1_Manifest_fields, sm->body.bytes, sm->body.size, &m),
                     TT_OK);
    ck_assert_int_eq(tt_ota_sender_init(&s, m.image_size, chunk_size, cs, sizeof cs), TT_OK);
    tt_err err = begin(e, session, sm, *now, &s);
    if (err != TT_OK)
        return err;
    while (!tt_ota_sender_done(&s)) {
        memset(&ack, 0, sizeof ack);
        if (!tt_ota_sender_next(&s, &off, &len)) {
            *now += TT_OTA_ACK_INTERVAL_MS; /* window full: the 500 ms ack comes */
            tt_ota_poll(e, *now, &ack);
            ck_assert(ack.due);
        } else {
            (*sent)++;
            *now += 1;
            err = tt_ota_chunk(e, session, off, bytes + off, len, *now, &ack);
            if (err == TT_ERR_STATE && tt_ota_sender_chunk_error(&s, err, off) == TT_ERR_STATE) {
                /* [OTA-131]: a torn chunk restarted the transfer; begin again ([OTA-133]).
                 * Bounded: after a cut nothing the device does is written. */
                if (++rebegins > 3)
                    return TT_ERR_STATE;
                if ((err = begin(e, session, sm, *now, &s)) != TT_OK)
                    return err;
                continue;
            }
            if (err != TT_OK)
                return err;
        }
        if (ack.due)
            ck_assert_int_eq(tt_ota_sender_acked(&s, ack.cumulative_offset, ack.selective_bitmap),
                             TT_OK);
    }
    return TT_OK;
}
