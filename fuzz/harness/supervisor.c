/* supervisor.c — fuzz harness for the device: the supervisor core (ref-device/core/
 * supervisor and core/service) on the host port with its app double, driven through
 * ref-device/tests/sup_harness.c. One client with an all-permissions grant connects once at
 * start-up (again only if a Close or a lifetime ended its session); inputs then reach the
 * device two ways: as messages inside that authorized session (nanopb decode, dispatch,
 * every service handler with hostile addresses, sizes and counts) and as raw link bytes
 * from an unauthenticated attacker (framing, packets, handshakes, records).
 *
 * Ops (common.h layout), op & 3: 0 a message from the client (if it decodes, its
 * request_id is replaced by a fresh one and it is re-encoded, so its reply can be told
 * apart; an OtaChunk keeps request_id 0, a stream message); 1 raw link bytes; 2 (op >> 2) *
 * 100 ms pass on the device clock; 3 extra turns, or with op >= 128 an OTA step the fuzzer
 * cannot forge: ((op >> 2) - 32) % 4 = 0 OtaBegin of signed fixture manifest chunk[0] % 4,
 * 1 the true chunk chunk[0] of its image, 2 every chunk of it, 3 verify, install, confirm.
 * The device is provisioned with a fixed test firmware key (fuzz only) and the factory app
 * in slot A, so the OTA service runs; hostile OTA requests and chunks (offsets, sizes,
 * states) come as ordinary messages.
 * After each op the device runs and the client takes and acks what came back.
 * Invariants:
 *  - a ReadMemory / WriteMemory naming any byte outside the app's Non-secure map (code
 *    0x00200000 + 64 KiB, RAM 0x28200000 + 16 KiB, as app_double.h states it) is answered
 *    by an Error, never by data or an Ack ([SEC-16], [DBG-010]);
 *  - raw link bytes never end or add an established session: the attacker holds no client
 *    key or grant ([SEC-12], [SEC-14]);
 *  - whatever the client receives is a record of its session that opens ([SEC-2]) and
 *    carries a decodable Message ([SEC-15]);
 *  - an OtaBeginReply answers only an OtaBegin of a manifest the firmware key signed: the
 *    fixtures ([SEC-19], [OTA-021]);
 *  - every byte an OtaChunkAck reports stored is in the transfer slot as the signed image
 *    has it ([OTA-016], [OTA-014]);
 *  - the measurement the device reports is the factory image's, a fixture image's or none
 *    (never an image whose hash no signed manifest named, [OTA-070]); the security counter
 *    never decreases ([OTA-040]).
 * State carries over between inputs (the app double's memory cannot be snapshot from
 * here), so AFL++ stability is below 100 %; the replay is deterministic per file order.
 * Depends on sup_harness.h (host port, app double, ref-client session driver). */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "common.h"
#include "tether/messages.h"
#include "tether/ota_manifest.h"
#include "tether/p256.h"
#include "../../ref-device/core/store/image_slot.h"
#include "../../ref-device/core/store/ota_store.h"
#include "../../ref-device/tests/sup_harness.h"

static struct h_client cl;
static struct h_id id;
static uint32_t next_rid = 0x10000000u;
#define NREFUSE 64
static uint32_t must_refuse[NREFUSE];
static unsigned nrefuse;
static int client_may_end; /* the client sent a Close or a floor change in this input */

/* OTA fixtures: image 0 is the factory app (slot A), 1 and 2 the same program with a
 * marker in an unused spot; manifests signed at start-up with the test firmware key. */
#define OTA_IMG 0x700u
#define OTA_NMAN 4
static uint8_t fw_priv[32], fw_pub[TT_P256_PUB_LEN];
static uint8_t ota_img[3][OTA_IMG], ota_sha[3][32];
static tether_v1_SignedManifest ota_man[OTA_NMAN];
static const struct {
    int image;
    uint32_t counter, chunk;
    int bad_hash;
} ota_fix[OTA_NMAN] = {{1, 1, 64, 0}, {2, 2, 128, 0}, {1, 0, 1024, 0}, {2, 3, 64, 1}};
static uint8_t ota_msha[OTA_NMAN][32]; /* image_sha256 each fixture names */
#define NBEGIN 16
static uint32_t begin_rids[NBEGIN]; /* request_ids of the fixture OtaBegins sent */
static unsigned nbegin;
static uint32_t counter_max; /* highest security counter seen */
static tether_v1_Message ota_msg;

static void ota_fixtures(void)
{
    memset(fw_priv, 0x46, sizeof fw_priv); /* a test key, fuzz only */
    if (tt_p256_public(fw_pub, fw_priv) != TT_OK ||
        tt_port_app_mem_read(H_DEVICE_CODE(0), ota_img[0], OTA_IMG) != TT_OK)
        fuzz_fail(__FILE__, __LINE__, "setup", "OTA fixtures");
    for (int i = 1; i < 3; i++) {
        memcpy(ota_img[i], ota_img[0], OTA_IMG);
        memcpy(ota_img[i] + 0x6F0, i == 1 ? "fuzz image 1" : "fuzz image 2", 12);
    }
    for (int i = 0; i < 3; i++)
        crypto_hash_sha256(ota_sha[i], ota_img[i], OTA_IMG);
    for (int k = 0; k < OTA_NMAN; k++) {
        tether_v1_Manifest m;
        memset(&m, 0, sizeof m);
        m.format = 1;
        m.which_scope = tether_v1_Manifest_device_id_tag;
        memcpy(m.scope.device_id, h_keys.device_id, 16);
        m.version = 0x000200u + (uint32_t)k;
        m.security_counter = ota_fix[k].counter;
        m.image_size = OTA_IMG;
        memcpy(m.image_sha256, ota_sha[ota_fix[k].image], 32);
        m.image_sha256[0] ^= (uint8_t)ota_fix[k].bad_hash;
        memcpy(ota_msha[k], m.image_sha256, 32);
        m.layout = TT_SUP_OTA_LAYOUT;
        m.chunk_size = ota_fix[k].chunk;
        if (tt_ota_manifest_sign(&m, fw_priv, &ota_man[k]) != TT_OK)
            fuzz_fail(__FILE__, __LINE__, "setup", "manifest sign");
    }
    /* provisioning: the firmware key and the factory app in slot A with its record */
    struct tt_image_record ir = {.size = OTA_IMG, .version = 0x000100};
    memcpy(ir.sha256, ota_sha[0], 32);
    memcpy(h_keys.firmware_public, fw_pub, sizeof fw_pub);
    tt_host_set_keys(&h_keys);
    if (tt_port_flash_program(TT_AREA_SLOT_A, 0, ota_img[0], OTA_IMG) != TT_OK ||
        tt_image_record_write(&ir) != TT_OK)
        fuzz_fail(__FILE__, __LINE__, "setup", "factory app");
    h_reboot();
}

static void client_connect(void)
{
    tt_err e = TT_ERR_STATE;
    /* Inputs that Close at every turn make the client reconnect faster than the device's
     * initiation rate limit allows ([HS-045]); the device then drops the initiation and
     * the driver waits out its 3 s connect timeout in real time (AFL++ saw such inputs as
     * timeouts, and once as aborts). So a second passes on the device clock before every
     * attempt, not only after a failed one. */
    for (int tries = 0; tries < 3 && e != TT_OK; tries++) {
        tt_host_time_advance(1100);
        h_forget(&cl);
        e = h_connect(&cl, &id, TT_PERM_ALL);
    }
    if (e != TT_OK) {
        fprintf(stderr, "reconnect failed: %d (%u sessions)\n", (int)e, tt_sup_sessions(&h_sup));
        fuzz_fail(__FILE__, __LINE__, "setup", "authorized client cannot connect");
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (sodium_init() < 0)
        return 1;
    h_boot();
    ota_fixtures();
    FUZZ_CHECK(h_ota.enabled && h_ota.app_ready, "setup", "the OTA service did not start");
    h_id_new(&id);
    client_connect();
    return 0;
}

static int inside_ns(uint32_t addr, uint32_t len)
{
    uint64_t end = (uint64_t)addr + len;
    return (addr >= TT_DOUBLE_CODE_BASE && end <= (uint64_t)TT_DOUBLE_CODE_BASE + TT_DOUBLE_CODE_SIZE) ||
           (addr >= TT_DOUBLE_RAM_BASE && end <= (uint64_t)TT_DOUBLE_RAM_BASE + TT_DOUBLE_RAM_SIZE);
}

static int names_secure(const tether_v1_Message *m)
{
    const tether_v1_MemRange *r = NULL;
    pb_size_t n = 0;
    if (m->which_body == tether_v1_Message_read_memory_tag) {
        r = m->body.read_memory.ranges;
        n = m->body.read_memory.ranges_count;
    } else if (m->which_body == tether_v1_Message_write_memory_tag) {
        r = m->body.write_memory.ranges;
        n = m->body.write_memory.ranges_count;
    }
    for (pb_size_t k = 0; k < n; k++)
        if (r[k].len > 0 && !inside_ns(r[k].addr, r[k].len))
            return 1;
    return 0;
}

static void client_send(const uint8_t *msg, size_t len)
{
    static tether_v1_Message m;
    static uint8_t enc[TT_MESSAGE_MAX_LEN], pkt[TT_PKT_MAX_LEN];
    size_t n;
    if (len <= TT_MESSAGE_MAX_LEN && tt_msg_decode(msg, len, &m) == TT_OK) {
        m.request_id = m.which_body == tether_v1_Message_ota_chunk_tag ? 0 : next_rid++;
        if (tt_msg_encode(&m, enc, sizeof enc, &len) != TT_OK)
            return;
        msg = enc;
        if (names_secure(&m) && nrefuse < NREFUSE)
            must_refuse[nrefuse++] = m.request_id;
        if (m.which_body == tether_v1_Message_close_tag ||
            m.which_body == tether_v1_Message_raise_revocation_floor_tag)
            client_may_end = 1;
    }
    if (len > TT_MESSAGE_MAX_LEN ||
        tt_session_send(&cl.c.s, msg, len, tt_client_now_ms(), pkt, sizeof pkt, &n) != TT_OK)
        return; /* window full: the fuzzer's message is simply not sent */
    h_feed_packet(pkt, n);
}

/* The fixture whose transfer the device holds (-1: none of them). */
static int current_fixture(void)
{
    const tether_v1_Manifest *m = &h_ota.e.m;
    for (int k = 0; k < OTA_NMAN; k++)
        if (!memcmp(m->image_sha256, ota_msha[k], 32) && m->chunk_size == ota_fix[k].chunk)
            return k;
    return -1;
}

/* The bytes below an ack's cumulative offset, in the transfer slot, are the image's. */
static void check_ack(const tether_v1_OtaChunkAck *a)
{
    static uint8_t got[OTA_IMG];
    const struct tt_ota_engine *e = &h_ota.e;
    if (e->rec.state != tether_v1_OtaState_OTA_RECEIVING || a->cumulative_offset > e->m.image_size)
        return; /* an ack owed from before the transfer changed */
    int k = current_fixture();
    FUZZ_CHECK(k >= 0, "SEC-19", "the device holds a transfer no signed manifest named");
    uint32_t slot = TT_SUP_OTA_LAYOUT == tether_v1_SlotLayout_AB ? e->rec.active ^ 1u : 0u;
    uint32_t n = a->cumulative_offset < OTA_IMG ? a->cumulative_offset : OTA_IMG;
    FUZZ_CHECK(tt_port_flash_read(tt_ota_flash_area(slot), 0, got, n) == TT_OK, "OTA-016",
               "the acknowledged bytes cannot be read");
    FUZZ_CHECK(!memcmp(got, ota_img[ota_fix[k].image], n), "OTA-016",
               "an OtaChunkAck reports bytes that are not the signed image's");
}

static void check_reply(const uint8_t *msg, size_t len)
{
    static tether_v1_Message m;
    FUZZ_CHECK(tt_msg_decode(msg, len, &m) == TT_OK, "SEC-15", "device sent an undecodable Message");
    if (m.which_body == tether_v1_Message_ota_begin_reply_tag) {
        int fixture = 0;
        for (unsigned k = 0; k < NBEGIN; k++)
            fixture |= m.request_id != 0 && m.request_id == begin_rids[k];
        FUZZ_CHECK(fixture, "SEC-19", "an OtaBegin the firmware key did not sign was accepted");
    }
    if (m.which_body == tether_v1_Message_ota_chunk_ack_tag)
        check_ack(&m.body.ota_chunk_ack);
    for (unsigned k = 0; k < nrefuse; k++)
        if (m.request_id == must_refuse[k])
            FUZZ_CHECK(m.which_body == tether_v1_Message_error_tag, "SEC-16",
                       "a memory request naming Secure memory was not refused");
}

/* The client takes everything queued for it, then sends its acks. */
static void client_pump(void)
{
    static uint8_t work[TT_RECORD_MAX_PLAINTEXT], pkt[TT_PKT_MAX_LEN];
    while (cl.count > 0) {
        const uint8_t *p = cl.q[cl.head], *msg;
        size_t n = cl.qlen[cl.head], mlen;
        cl.head = (cl.head + 1) % 16;
        cl.count--;
        if (cl.c.s.state != TT_SESSION_ESTABLISHED)
            continue;
        tt_err e = tt_session_receive(&cl.c.s, p, n, tt_client_now_ms(), work, sizeof work,
                                      &msg, &mlen);
        FUZZ_CHECK(e == TT_OK || e == TT_ERR_REL_NONE || e == TT_ERR_REC_REPLAY, "SEC-2",
                   "a record the device sent does not open");
        if (e == TT_OK)
            check_reply(msg, mlen);
    }
    size_t n;
    while (cl.c.s.state == TT_SESSION_ESTABLISHED &&
           tt_session_poll(&cl.c.s, tt_client_now_ms(), pkt, sizeof pkt, &n) == TT_OK)
        h_feed_packet(pkt, n);
}

/* Does the device still hold our client's session? */
static int device_has_client(void)
{
    if (cl.c.s.state != TT_SESSION_ESTABLISHED)
        return 0;
    for (unsigned k = 0; k < TT_SUP_SESSIONS; k++)
        if (h_sup.slot[k].s.state == TT_SESSION_ESTABLISHED &&
            h_sup.slot[k].s.local_id == cl.c.s.remote_id)
            return 1;
    return 0;
}

/* What the sessions looked like when an invariant about them failed. */
static void describe(unsigned before)
{
    fprintf(stderr, "sessions before %u, after %u, device time %llu ms\n", before,
            tt_sup_sessions(&h_sup), (unsigned long long)tt_port_time_ms());
    for (unsigned k = 0; k < TT_SUP_SESSIONS; k++)
        fprintf(stderr, "  slot %u: state %d local %08x remote %08x confirmed %u active %llu\n", k,
                (int)h_sup.slot[k].s.state, h_sup.slot[k].s.local_id, h_sup.slot[k].s.remote_id,
                h_sup.slot[k].confirmed, (unsigned long long)h_sup.slot[k].active_ms);
    fprintf(stderr, "  client: state %d local %08x remote %08x\n", (int)cl.c.s.state,
            cl.c.s.local_id, cl.c.s.remote_id);
}

/* A message the harness makes (not the fuzzer's bytes) from the client. */
static void client_send_msg(tether_v1_Message *m)
{
    static uint8_t enc[TT_MESSAGE_MAX_LEN], pkt[TT_PKT_MAX_LEN];
    size_t n, len;
    if (m->which_body != tether_v1_Message_ota_chunk_tag)
        m->request_id = next_rid++;
    if (tt_msg_encode(m, enc, sizeof enc, &len) != TT_OK ||
        tt_session_send(&cl.c.s, enc, len, tt_client_now_ms(), pkt, sizeof pkt, &n) != TT_OK)
        return;
    h_feed_packet(pkt, n);
}

static void ota_chunk(uint32_t i)
{
    const tether_v1_Manifest *m = &h_ota.e.m;
    int k = current_fixture();
    if (k < 0 || i >= tt_ota_chunk_count(OTA_IMG, m->chunk_size))
        return;
    memset(&ota_msg, 0, sizeof ota_msg);
    ota_msg.which_body = tether_v1_Message_ota_chunk_tag;
    ota_msg.body.ota_chunk.offset = i * m->chunk_size;
    ota_msg.body.ota_chunk.data.size = (pb_size_t)tt_ota_chunk_len(OTA_IMG, m->chunk_size, i);
    memcpy(ota_msg.body.ota_chunk.data.bytes, ota_img[ota_fix[k].image] + i * m->chunk_size,
           ota_msg.body.ota_chunk.data.size);
    client_send_msg(&ota_msg);
    h_run(2);
    client_pump();
}

static void ota_step(unsigned kind, const uint8_t *arg, size_t len)
{
    static const pb_size_t finish[] = {tether_v1_Message_ota_verify_tag,
                                       tether_v1_Message_ota_install_tag,
                                       tether_v1_Message_ota_confirm_tag};
    unsigned a = len ? arg[0] : 0;
    memset(&ota_msg, 0, sizeof ota_msg);
    switch (kind % 4) {
    case 0:
        ota_msg.which_body = tether_v1_Message_ota_begin_tag;
        ota_msg.body.ota_begin.has_manifest = true;
        ota_msg.body.ota_begin.manifest = ota_man[a % OTA_NMAN];
        begin_rids[nbegin++ % NBEGIN] = next_rid; /* the id client_send_msg gives it */
        client_send_msg(&ota_msg);
        h_run(2);
        client_pump();
        break;
    case 1:
        ota_chunk(a);
        break;
    case 2:
        for (uint32_t i = 0; i < OTA_IMG / 64; i++)
            ota_chunk(i);
        break;
    default:
        for (size_t k = 0; k < sizeof finish / sizeof finish[0]; k++) {
            memset(&ota_msg, 0, sizeof ota_msg);
            ota_msg.which_body = finish[k];
            client_send_msg(&ota_msg);
            h_run(2);
            client_pump();
        }
        break;
    }
}

/* What the device runs and its counter, after every op. */
static void check_ota(void)
{
    const uint8_t *meas = h_sup.ident.app_measurement;
    static const uint8_t none[32];
    int known = !memcmp(meas, none, 32);
    for (int i = 0; i < 3; i++)
        known |= !memcmp(meas, ota_sha[i], 32);
    FUZZ_CHECK(known, "OTA-070", "the device reports an app no signed manifest named");
    uint32_t c = h_ota.e.rec.security_counter;
    FUZZ_CHECK(c >= counter_max, "OTA-040", "the security counter decreased");
    counter_max = c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_reader r = {data, size};
    const uint8_t *chunk;
    size_t len;
    uint8_t op;
    if (!device_has_client())
        client_connect();
    /* Each input is a new connection: a partial frame left in the device's decoder by the
     * last input would otherwise hold back this input's first packets ([FRM-007]). */
    tt_frame_decoder_init(&h_sup.dec);
    nrefuse = 0;
    client_may_end = 0;
    while (fuzz_next_op(&r, 2 * TT_PKT_MAX_LEN, &op, &chunk, &len)) {
        unsigned before;
        switch (op & 3) {
        case 0:
            client_send(chunk, len);
            break;
        case 1:
            /* Settle first: timers due now (lifetimes, idle eviction) end sessions on their
             * own, and must not be blamed on the bytes that follow. */
            h_run(2);
            client_pump();
            before = tt_sup_sessions(&h_sup);
            h_feed_bytes(chunk, len);
            h_run(2);
            if (!client_may_end && tt_sup_sessions(&h_sup) != before)
                describe(before);
            /* A Close sent earlier may still sit behind the attacker's garbage in the
             * device's decoder and take effect now: only judge inputs without one. */
            FUZZ_CHECK(client_may_end || tt_sup_sessions(&h_sup) == before, "SEC-12",
                       "raw link bytes changed the established sessions");
            break;
        case 2:
            tt_host_time_advance((uint64_t)(op >> 2) * 100u);
            break;
        default:
            if (op >= 128)
                ota_step((unsigned)(op >> 2) - 32u, chunk, len);
            else
                h_run((op >> 2) % 8 + 1);
            break;
        }
        h_run(2);
        client_pump();
        h_run(1);
        client_pump();
        check_ota();
    }
    return 0;
}
