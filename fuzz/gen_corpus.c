/* gen_corpus.c — writes the seed corpora of every harness (committed under fuzz/corpus/):
 * valid frames and streams, the fixed-key initiation and responses, records of the
 * established session, envelope sequences, signed grants, and the message encodings of
 * spec/vectors/messages.txt. Uses the harnesses' own fixtures (harness/common.c,
 * harness/grant_fixtures.c), so every "valid" seed is valid for the harness that reads it.
 * Usage: fuzz_gen_corpus <corpus-dir> [messages.txt]. Depends on lib/ and the fixtures. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness/common.h"
#include "harness/grant_fixtures.h"
#include "../ref-client/conn/keyfile.h"
#include "tether/bytes.h"
#include "tether/hs_resend.h"
#include "tether/framing.h"
#include "tether/messages.h"
#include "tether/ota_manifest.h"
#include "tether/p256.h"

static const char *root;
static unsigned written;

static void put(const char *harness, const char *name, const uint8_t *p, size_t n)
{
    char path[512];
    FILE *f;
    snprintf(path, sizeof path, "%s/%s", root, harness);
    mkdir(path, 0777);
    snprintf(path, sizeof path, "%s/%s/%s", root, harness, name);
    f = fopen(path, "wb");
    if (f == NULL || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
        fprintf(stderr, "cannot write %s\n", path);
        exit(1);
    }
    written++;
}

static void need(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "gen_corpus: %s failed\n", what);
        exit(1);
    }
}

static uint8_t buf[1 << 16];

/* framing: 4 piece-size bytes, then a stream. */
static size_t frame(size_t at, const uint8_t *p, size_t n)
{
    size_t m;
    need(tt_frame_encode(p, n, buf + at, sizeof buf - at, &m) == TT_OK, "frame_encode");
    return at + m;
}

static void gen_framing(const uint8_t *init, size_t init_len, const uint8_t *resp,
                        size_t resp_len, const uint8_t *rec, size_t rec_len)
{
    static uint8_t big[TT_FRAME_MAX_PAYLOAD];
    size_t n;
    memcpy(buf, "\0\0\0\0", 4);
    put("framing", "one-frame", buf, frame(4, (const uint8_t *)"hello", 5));
    memcpy(buf, "\x01\x02\x03\x05", 4);
    n = frame(frame(4, init, init_len), resp, resp_len);
    put("framing", "handshake-bytewise", buf, frame(n, rec, rec_len));
    memcpy(buf, "\x07\x00\x0d\x01", 4);
    memcpy(buf + 4, "garbage\x54\x54\xd1", 10);
    n = frame(14, rec, rec_len);
    buf[n - 1] ^= 1; /* bad CRC, then a good frame */
    put("framing", "bad-crc-then-good", buf, frame(n, (const uint8_t *)"x", 1));
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (uint8_t)i;
    memcpy(buf, "\x40\x00\x80\xff", 4);
    put("framing", "max-payload", buf, frame(4, big, sizeof big));
    /* A false header (valid HCHK, LEN 1400) swallowing a real frame that must be found. */
    memcpy(buf, "\x00\x00\x00\x00\x54\xd1\x05\x78", 8);
    buf[8] = tt_crc8_smbus(buf + 6, 2);
    put("framing", "hidden-frame", buf, frame(frame(9, (const uint8_t *)"ab", 2), rec, rec_len));
}

static void gen_record(struct fuzz_pair *p)
{
    static uint8_t pkt[TT_PKT_MAX_LEN];
    struct tt_record_session cli = p->client.rec;
    const uint8_t env[] = {TT_REL_DATA, 0, 0, 0, 1, 0, 0, 0, 0, 0x08, 0x01};
    size_t n, at = 0;
    /* raw: the client's first three records as they would arrive */
    for (int i = 0; i < 3; i++) {
        need(tt_record_seal(&cli, cli.created_s, env, sizeof env, pkt, sizeof pkt, &n) == TT_OK,
             "seal");
        at = fuzz_put_op(buf, at, 0, pkt, n);
    }
    put("record", "raw-three-records", buf, at);
    at = fuzz_put_op(buf, 0, 0, pkt, n); /* seq 2 first: 0 and 1 still inside the window */
    pkt[1] ^= 1;
    at = fuzz_put_op(buf, at, 0, pkt, n); /* wrong receiver id */
    at = fuzz_put_op(buf, at, 0, pkt, 20); /* short */
    put("record", "raw-misaddressed", buf, at);
    /* authentic ops: next, replay, old, jump, resend, time, near the limit */
    at = fuzz_put_op(buf, 0, 1, env, sizeof env);
    at = fuzz_put_op(buf, at, 1, (const uint8_t *)"second", 6);
    at = fuzz_put_op(buf, at, 1 | 4 << 2, (const uint8_t *)"replay", 6);
    at = fuzz_put_op(buf, at, 1 | 6 << 2, (const uint8_t *)"jump", 4);
    at = fuzz_put_op(buf, at, 1 | 5 << 2, (const uint8_t *)"old", 3);
    at = fuzz_put_op(buf, at, 2, (const uint8_t *)"", 0);
    at = fuzz_put_op(buf, at, 2 | 1 << 2, (const uint8_t *)"\x00\x70", 2);
    at = fuzz_put_op(buf, at, 3 | 61 << 2, (const uint8_t *)"", 0);
    at = fuzz_put_op(buf, at, 1, (const uint8_t *)"late", 4);
    put("record", "authentic-window", buf, at);
    at = fuzz_put_op(buf, 0, 1 | 7 << 2, (const uint8_t *)"limit", 5);
    at = fuzz_put_op(buf, at, 1, (const uint8_t *)"past", 4);
    put("record", "authentic-limit", buf, at);
}

static void gen_handshake(struct fuzz_pair *p, const uint8_t *init, size_t init_len,
                          const uint8_t *resp, size_t resp_len)
{
    const struct fuzz_keys *k = fuzz_keys();
    static struct tt_session c, d;
    static struct tt_rel_slot slots[FUZZ_NSLOTS];
    static uint8_t pkt[TT_PKT_MAX_LEN], hello[TT_PKT_MAX_LEN], payload[600];
    static const size_t sizes[] = {0, 1, 200, 600};
    size_t n, hn;
    uint8_t other_sk[32];
    (void)p;
    put("hs_responder", "fixed-initiation", init, init_len);
    put("hs_initiator", "fixed-response", resp, resp_len);
    { /* pending packets for the fixed initiation ([PKT-010]): bound, and one not bound */
        uint8_t hash[TT_SHA256_LEN], pend[TT_PENDING_LEN];
        size_t pl;
        need(fuzz_crypto()->sha256(hash, init, init_len, NULL, 0) == TT_OK &&
                 tt_pending_write(tt_load_be32(init + 1), hash, 2000, pend, sizeof pend,
                                  &pl) == TT_OK,
             "pending");
        put("hs_initiator", "pending-bound", pend, pl);
        pend[20] ^= 1;
        put("hs_initiator", "pending-other-digest", pend, pl);
    }
    memset(payload, 0x5A, sizeof payload);
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        char name[64];
        /* initiations with other hello sizes, from another client key */
        for (int j = 0; j < 32; j++)
            other_sk[j] = (uint8_t)(0x20 + j + (int)i);
        need(tt_session_initiate(&c, fuzz_crypto(), other_sk, k->device_pk, k->client_e,
                                 payload, sizes[i], slots, FUZZ_NSLOTS, 200, pkt, sizeof pkt,
                                 &n) == TT_OK,
             "initiate");
        snprintf(name, sizeof name, "initiation-hello-%zu", sizes[i]);
        put("hs_responder", name, pkt, n);
        /* responses to the fixed initiation with other reply sizes */
        need(tt_session_accept(&d, fuzz_crypto(), k->device_sk, init, init_len, hello,
                               sizeof hello, &hn) == TT_OK &&
                 tt_session_respond(&d, 0x1000u + (uint32_t)i, k->device_e, payload, sizes[i],
                                    slots, FUZZ_NSLOTS, 200, FUZZ_NOW_MS, pkt, sizeof pkt,
                                    &n) == TT_OK,
             "respond");
        snprintf(name, sizeof name, "response-reply-%zu", sizes[i]);
        put("hs_initiator", name, pkt, n);
    }
}

static void gen_reliable(void)
{
    const uint8_t data3[] = {TT_REL_DATA, 0, 0, 0, 3, 0, 0, 0, 2, 'r', 'a', 'w'};
    const uint8_t ack3[] = {TT_REL_ACK, 0, 0, 0, 0, 0, 0, 0, 3};
    size_t at;
    at = fuzz_put_op(buf, 0, 1, (const uint8_t *)"a", 1);
    at = fuzz_put_op(buf, at, 1, (const uint8_t *)"b", 1);
    at = fuzz_put_op(buf, at, 2 | 1 << 3, (const uint8_t *)"", 0); /* b first: a gap */
    at = fuzz_put_op(buf, at, 2, (const uint8_t *)"", 0);
    at = fuzz_put_op(buf, at, 2 | 1 << 3, (const uint8_t *)"", 0);
    at = fuzz_put_op(buf, at, 2 | 1 << 3, (const uint8_t *)"", 0); /* duplicate */
    at = fuzz_put_op(buf, at, 5, (const uint8_t *)"", 0);
    put("reliable", "twin-reorder-dup", buf, at);
    at = fuzz_put_op(buf, 0, 0, data3, sizeof data3);
    at = fuzz_put_op(buf, at, 0 | 8, ack3, sizeof ack3);
    at = fuzz_put_op(buf, at, 3, (const uint8_t *)"req", 3);
    at = fuzz_put_op(buf, at, 0, ack3, sizeof ack3);
    put("reliable", "raw-data-and-acks", buf, at);
    at = fuzz_put_op(buf, 0, 1, (const uint8_t *)"lost", 4);
    at = fuzz_put_op(buf, at, 4 | 3 << 3, (const uint8_t *)"", 0);
    at = fuzz_put_op(buf, at, 6, (const uint8_t *)"", 0);
    at = fuzz_put_op(buf, at, 4, (const uint8_t *)"", 0);
    at = fuzz_put_op(buf, at, 2 | 1 << 3, (const uint8_t *)"\x01", 1);
    at = fuzz_put_op(buf, at, 2 | 2 << 3, (const uint8_t *)"", 0);
    put("reliable", "timeout-reconnect", buf, at);
}

static void gen_grant(void)
{
    for (int i = 0; i < FUZZ_GRANT_N; i++) {
        tether_v1_GrantBody b;
        tether_v1_SignedGrant g;
        size_t n;
        char name[32];
        fuzz_grant_body(i, &b);
        need(tt_grant_sign(&b, fuzz_owner_priv(), &g) == TT_OK, "grant sign");
        buf[0] = (uint8_t)(i % 4); /* policy flags: clock / floor variants */
        need(tt_pb_encode(tether_v1_SignedGrant_fields, &g, buf + 1, sizeof buf - 1, &n) ==
                 TT_OK,
             "grant encode");
        snprintf(name, sizeof name, "signed-grant-%d", i);
        put("grant", name, buf, n + 1);
    }
}

/* ota: layout flag, then ops (fuzz/harness/ota.c): an update pushed in order, verified,
 * installed and confirmed; one cut by a power loss and resumed after the reset. */
static size_t ota_op(size_t at, uint8_t op, uint8_t a, uint8_t b, uint8_t c)
{
    const uint8_t arg[3] = {a, b, c};
    return fuzz_put_op(buf, at, op, arg, 3);
}

static void gen_ota(void)
{
    for (int layout = 0; layout < 2; layout++) {
        size_t at = 0;
        buf[at++] = (uint8_t)layout;
        at = ota_op(at, 0, 0, 0, 0); /* begin manifest 0 (40 chunks of 64) on session 1 */
        for (uint8_t i = 0; i < 40; i++)
            at = ota_op(at, 2, i, 0, 0);
        at = ota_op(at, 4, 0, 0, 0);
        at = ota_op(at, 5, 0, 0, 0);
        at = ota_op(at, 6, 0, 0, 0);
        put("ota", layout ? "update-ab" : "update-single", buf, at);
        at = 1;
        at = ota_op(at, 0, 1, 1, 0); /* manifest 1 (group scope, 20 chunks of 128), session 2 */
        for (uint8_t i = 0; i < 20; i += 2)
            at = ota_op(at, 2, i, 0, 1);
        at = ota_op(at, 12, 5, 0, 0); /* power cut a few storage operations on */
        for (uint8_t i = 1; i < 20; i += 2)
            at = ota_op(at, 2, i, 0, 1);
        at = ota_op(at, 13, 0, 0, 0); /* reset */
        at = ota_op(at, 0, 1, 2, 0);  /* resume on session 3 */
        for (uint8_t i = 0; i < 20; i++)
            at = ota_op(at, 2, i, 0, 2);
        at = ota_op(at, 10, 70, 0, 0);
        at = ota_op(at, 4, 0, 0, 0);
        at = ota_op(at, 5, 0, 0, 0);
        at = ota_op(at, 9, 0, 0, 0); /* the new app faults: AB reverts */
        at = ota_op(at, 7, 0, 0, 0);
        at = ota_op(at, 8, 0, 0, 0);
        put("ota", layout ? "cut-resume-ab" : "cut-resume-single", buf, at);
    }
}

/* manifest: flags, counter (4 LE), bit (2 BE), body [, signature] (fuzz/harness/manifest.c,
 * whose fixed test key and device id these are): the valid manifest for each layout and
 * scope, each [OTA-010] row failing, and one carrying the key's own signature. */
static void gen_manifest(void)
{
    static const uint8_t dev[16] = {0xD0, 0x0D, 0x01}, grp[16] = {0x6B, 0x01};
    static const struct {
        const char *name;
        uint8_t flags;
        uint32_t counter, chunk, size, mcounter;
        int scope; /* 0 device, 1 group, 2 another device */
        int layout;
    } rows[] = {
        {"valid-single", 4, 0, 256, 5000, 1, 0, 0}, {"valid-ab", 5, 3, 1024, 200000, 3, 0, 1},
        {"valid-group", 6, 0, 64, 64, 0, 1, 0},     {"other-device", 4, 0, 64, 100, 0, 2, 0},
        {"group-not-member", 4, 0, 64, 100, 0, 1, 0}, {"other-layout", 4, 0, 64, 100, 0, 0, 1},
        {"below-counter", 5, 7, 128, 100, 6, 0, 1},   {"too-large", 4, 0, 1024, 300000, 0, 0, 0},
    };
    uint8_t priv[32], sig[64], d[32];
    memset(priv, 0x4D, sizeof priv);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        tether_v1_Manifest m;
        size_t n;
        memset(&m, 0, sizeof m);
        m.format = 1;
        m.which_scope = rows[i].scope == 1 ? tether_v1_Manifest_group_id_tag
                                           : tether_v1_Manifest_device_id_tag;
        memcpy(m.scope.device_id, rows[i].scope == 1 ? grp : dev, 16);
        if (rows[i].scope == 2)
            m.scope.device_id[15] ^= 1;
        m.version = 0x000200;
        m.security_counter = rows[i].mcounter;
        m.image_size = rows[i].size;
        memset(m.image_sha256, 0x5E, 32);
        m.layout = rows[i].layout ? tether_v1_SlotLayout_AB : tether_v1_SlotLayout_SINGLE;
        m.chunk_size = rows[i].chunk;
        buf[0] = rows[i].flags;
        for (int k = 0; k < 4; k++)
            buf[1 + k] = (uint8_t)(rows[i].counter >> (8 * k));
        buf[5] = 0x01;
        buf[6] = (uint8_t)(i * 37);
        need(tt_pb_encode(tether_v1_Manifest_fields, &m, buf + 7, 128, &n) == TT_OK, "manifest");
        put("manifest", rows[i].name, buf, 7 + n);
        if (i == 0) { /* the same, signed here: the signature travels in the input */
            need(tt_ota_manifest_digest(buf + 7, n, d) == TT_OK &&
                     tt_p256_sign(sig, priv, d) == TT_OK,
                 "manifest sign");
            buf[0] = 0;
            memcpy(buf + 7 + n, sig, 64);
            put("manifest", "valid-single-signature-in-input", buf, 7 + n + 64);
        }
    }
}

/* ota_sender: image size (3 LE), chunk selector, then ops (fuzz/harness/ota_sender.c): a
 * push with acks as Message bytes, a resume with a bitmap, and storage errors. */
static size_t put_u32(uint8_t *p, uint32_t v)
{
    for (int k = 0; k < 4; k++)
        p[k] = (uint8_t)(v >> (8 * k));
    return 4;
}

static size_t sender_msg(size_t at, const tether_v1_Message *m)
{
    uint8_t enc[256];
    size_t n;
    need(tt_msg_encode(m, enc, sizeof enc, &n) == TT_OK, "sender message");
    return fuzz_put_op(buf, at, 0, enc, n);
}

static void gen_ota_sender(void)
{
    tether_v1_Message m;
    uint8_t a[12], one = 8;
    size_t at = 0;
    /* 5000 bytes in chunks of 256 (20 chunks), window 8 */
    buf[at++] = 5000 & 0xFF;
    buf[at++] = 5000 >> 8;
    buf[at++] = 0;
    buf[at++] = 2;
    memset(&m, 0, sizeof m);
    m.request_id = 1;
    m.which_body = tether_v1_Message_ota_begin_reply_tag;
    m.body.ota_begin_reply.window_chunks = 8;
    at = sender_msg(at, &m);
    at = fuzz_put_op(buf, at, 1, &one, 1);
    for (uint32_t cum = 4 * 256; cum <= 5000; cum += 4 * 256) {
        memset(&m, 0, sizeof m);
        m.which_body = tether_v1_Message_ota_chunk_ack_tag;
        m.body.ota_chunk_ack.cumulative_offset = cum > 5000 - 256 ? 5000 : cum;
        at = sender_msg(at, &m);
        at = fuzz_put_op(buf, at, 1, &one, 1);
    }
    memset(&m, 0, sizeof m);
    m.which_body = tether_v1_Message_ota_chunk_ack_tag;
    m.body.ota_chunk_ack.cumulative_offset = 5000;
    at = sender_msg(at, &m);
    memset(&m, 0, sizeof m);
    m.request_id = 2;
    m.which_body = tether_v1_Message_ota_status_reply_tag;
    m.body.ota_status_reply.state = tether_v1_OtaState_OTA_RECEIVING;
    m.body.ota_status_reply.received = 5000;
    m.body.ota_status_reply.image_size = 5000;
    at = sender_msg(at, &m);
    put("ota_sender", "push-in-order", buf, at);
    /* a resume at 3 chunks with chunks 5 and 7 stored, a storage error, a non-storage one */
    at = 4;
    buf[3] = 0; /* chunks of 64: 79 chunks */
    at = fuzz_put_op(buf, at, 3, a, put_u32(a, 3 * 64) + put_u32(a + 4, 16));
    put_u32(a, 3 * 64);
    put_u32(a + 4, 0x5);
    put_u32(a + 8, 0);
    at = fuzz_put_op(buf, at, 2, a, 12);
    at = fuzz_put_op(buf, at, 1, (const uint8_t *)"\x10", 1);
    put_u32(a, TT_ERR_STORAGE);
    put_u32(a + 4, 4 * 64);
    at = fuzz_put_op(buf, at, 4, a, 8);
    at = fuzz_put_op(buf, at, 1, (const uint8_t *)"\x04", 1);
    put_u32(a, 6 * 64);
    put_u32(a + 4, 0);
    put_u32(a + 8, 0);
    at = fuzz_put_op(buf, at, 2, a, 12);
    put_u32(a, TT_ERR_OTA_CHUNK);
    put_u32(a + 4, 6 * 64);
    at = fuzz_put_op(buf, at, 4, a, 8);
    put("ota_sender", "resume-bitmap-errors", buf, at);
}

/* rsp: flags, piece size, then what GDB sends (checksums computed here). */
static size_t gdb_packet(size_t at, const char *payload)
{
    unsigned sum = 0;
    size_t n = strlen(payload);
    for (size_t i = 0; i < n; i++)
        sum += (uint8_t)payload[i];
    at += (size_t)sprintf((char *)buf + at, "$%s#%02x", payload, sum & 0xFF);
    return at;
}

static void gen_rsp(void)
{
    static const char *session[] = {
        "qSupported:multiprocess+;swbreak+;hwbreak+;xmlRegisters=arm", "vMustReplyEmpty",
        "QStartNoAckMode", "qXfer:features:read:target.xml:0,ffb", "qXfer:memory-map:read::0,ffb",
        "?", "qfThreadInfo", "qsThreadInfo", "qAttached", "Hg0", "Hc-1", "qC", "g", "p0f",
        "P1=78563412", "m28200000,40", "m200000,4", "M28200010,4:01020304",
        "X28200020,0:", "Z0,200100,2", "Z1,200104,2", "Z2,28200000,4", "vCont?",
        "vCont;s:1", "vCont;r200100,200108:1", "s", "c", "z0,200100,2", "qRcmd,737461747573",
        "G" , "T1", "D"};
    size_t at = 2;
    buf[0] = 0;
    buf[1] = 0;
    buf[at++] = '+';
    for (size_t i = 0; i < sizeof session / sizeof session[0]; i++) {
        at = gdb_packet(at, session[i]);
        buf[at++] = '+';
    }
    put("rsp", "gdb-session", buf, at);
    buf[0] = 1; /* no_optimize */
    buf[1] = 7;
    put("rsp", "gdb-session-tunnel-pieces", buf, at);
    at = 2;
    buf[0] = 0;
    buf[1] = 0;
    at = gdb_packet(at, "c");
    buf[at++] = 0x03; /* Ctrl-C */
    at = gdb_packet(at, "X28200000,4:}\x03}]ab");
    buf[at++] = '-';
    at = gdb_packet(at, "m ffffffff,2");
    put("rsp", "interrupt-escape-nak", buf, at);
}

/* supervisor: messages of the authorized client and raw link bytes. */
static size_t put_msg(size_t at, const tether_v1_Message *m)
{
    static uint8_t enc[TT_MESSAGE_MAX_LEN];
    size_t n;
    need(tt_msg_encode(m, enc, sizeof enc, &n) == TT_OK, "msg encode");
    return fuzz_put_op(buf, at, 0, enc, n);
}

/* supervisor OTA steps (harness/supervisor.c: op 3 | (32 + kind) << 2, the harness signs
 * its fixture manifests): an update to the end, hostile chunks and requests in each state. */
static size_t ota_step(size_t at, uint8_t kind, uint8_t arg)
{
    return fuzz_put_op(buf, at, (uint8_t)(3 | (32 + kind) << 2), &arg, 1);
}

static size_t ota_req(size_t at, pb_size_t tag)
{
    static tether_v1_Message m;
    memset(&m, 0, sizeof m);
    m.request_id = 9;
    m.which_body = tag;
    return put_msg(at, &m);
}

static size_t ota_raw_chunk(size_t at, uint32_t off, uint32_t len)
{
    static tether_v1_Message m;
    memset(&m, 0, sizeof m);
    m.which_body = tether_v1_Message_ota_chunk_tag;
    m.body.ota_chunk.offset = off;
    m.body.ota_chunk.data.size = (pb_size_t)len;
    memset(m.body.ota_chunk.data.bytes, 0xA7, len);
    return put_msg(at, &m);
}

static void gen_supervisor_ota(void)
{
    size_t at = 0;
    at = ota_req(at, tether_v1_Message_ota_status_tag);
    at = ota_step(at, 0, 0); /* begin fixture 0: image 1, counter 1, chunks of 64 */
    at = ota_step(at, 2, 0); /* every chunk */
    at = ota_req(at, tether_v1_Message_ota_status_tag);
    at = ota_step(at, 3, 0); /* verify, install, confirm */
    at = ota_req(at, tether_v1_Message_get_capabilities_tag);
    put("supervisor", "ota-update-confirm", buf, at);
    at = 0;
    at = ota_step(at, 0, 1); /* fixture 1: image 2, chunks of 128 */
    at = ota_step(at, 1, 0);
    at = ota_step(at, 1, 2);
    at = ota_raw_chunk(at, 3, 128);          /* off a boundary */
    at = ota_raw_chunk(at, 128, 127);        /* short */
    at = ota_raw_chunk(at, 0x700, 128);      /* past the end */
    at = ota_raw_chunk(at, 0xFFFFFF80u, 128); /* far past */
    at = ota_raw_chunk(at, 0, 128);          /* a stored chunk with other bytes */
    at = ota_req(at, tether_v1_Message_ota_verify_tag);
    at = ota_req(at, tether_v1_Message_ota_install_tag);
    at = ota_req(at, tether_v1_Message_ota_abort_tag);
    at = ota_raw_chunk(at, 128, 128);        /* no transfer */
    put("supervisor", "ota-hostile-chunks", buf, at);
    at = 0;
    at = ota_step(at, 0, 3); /* fixture 3: the hash of no image */
    at = ota_step(at, 2, 0);
    at = ota_step(at, 3, 0); /* verify fails: discarded */
    at = ota_req(at, tether_v1_Message_ota_rollback_tag);
    at = ota_req(at, tether_v1_Message_ota_confirm_tag);
    at = ota_step(at, 0, 2); /* fixture 2: counter 0, below a confirmed 1 */
    at = ota_req(at, tether_v1_Message_ota_status_tag);
    put("supervisor", "ota-bad-hash-and-states", buf, at);
}

static void gen_supervisor(const uint8_t *init, size_t init_len)
{
    static tether_v1_Message m;
    static uint8_t framed[TT_PKT_MAX_LEN + TT_FRAME_OVERHEAD];
    size_t at = 0, n;
    memset(&m, 0, sizeof m);
    m.request_id = 1;
    m.which_body = tether_v1_Message_attach_tag;
    at = put_msg(at, &m);
    m.which_body = tether_v1_Message_halt_tag;
    at = put_msg(at, &m);
    at = fuzz_put_op(buf, at, 3 | 7 << 2, NULL, 0);
    m.which_body = tether_v1_Message_read_memory_tag;
    m.body.read_memory.ranges_count = 2;
    m.body.read_memory.ranges[0].addr = 0x28200000u;
    m.body.read_memory.ranges[0].len = 16;
    m.body.read_memory.ranges[1].addr = 0x00200100u;
    m.body.read_memory.ranges[1].len = 8;
    at = put_msg(at, &m);
    m.body.read_memory.ranges[1].addr = 0x10000000u; /* Secure: must be refused */
    at = put_msg(at, &m);
    m.body.read_memory.ranges_count = 1;
    m.body.read_memory.ranges[0].addr = 0x28203ff0u; /* straddles the end of NS RAM */
    m.body.read_memory.ranges[0].len = 32;
    at = put_msg(at, &m);
    memset(&m.body, 0, sizeof m.body);
    m.which_body = tether_v1_Message_write_memory_tag;
    m.body.write_memory.ranges_count = 1;
    m.body.write_memory.ranges[0].addr = 0xFFFFFFFEu; /* wraps */
    m.body.write_memory.ranges[0].len = 4;
    m.body.write_memory.data.size = 4;
    at = put_msg(at, &m);
    m.body.write_memory.ranges[0].addr = 0x28200040u;
    at = put_msg(at, &m);
    put("supervisor", "attach-halt-memory", buf, at);
    /* raw link: the fixed-key initiation (a client without a grant), garbage, time */
    need(tt_frame_encode(init, init_len, framed, sizeof framed, &n) == TT_OK, "frame");
    at = fuzz_put_op(buf, 0, 1, framed, n);
    at = fuzz_put_op(buf, at, 1, (const uint8_t *)"\x54\xd1\x05\x78", 4);
    at = fuzz_put_op(buf, at, 2 | 50 << 2, NULL, 0);
    memset(&m, 0, sizeof m);
    m.request_id = 2;
    m.which_body = tether_v1_Message_ping_tag;
    at = put_msg(at, &m);
    put("supervisor", "link-attacker-and-ping", buf, at);
    gen_supervisor_ota();
}

/* client: flags, piece size, then ops (harness/client.c): GDB packets, device messages
 * (request_id chosen by the harness), raw link bytes, cuts, pumps. */
static size_t dev_msg(size_t at, uint8_t id_mode, const tether_v1_Message *m)
{
    static uint8_t enc[TT_MESSAGE_MAX_LEN + 1];
    size_t n;
    enc[0] = id_mode;
    need(tt_msg_encode(m, enc + 1, sizeof enc - 1, &n) == TT_OK, "msg encode");
    return fuzz_put_op(buf, at, 2, enc, n + 1);
}

static size_t gdb_op(size_t at, const char *payload)
{
    static uint8_t pkt[4200];
    size_t n = 0;
    unsigned sum = 0;
    for (const char *q = payload; *q; q++)
        sum += (uint8_t)*q;
    n = (size_t)snprintf((char *)pkt, sizeof pkt, "$%s#%02x", payload, sum & 0xFF);
    return fuzz_put_op(buf, at, 0, pkt, n);
}

static void stop_event(tether_v1_StopEvent *s, tether_v1_StopReason reason, uint32_t pc)
{
    memset(s, 0, sizeof *s);
    s->reason = reason;
    s->has_regs = true;
    s->regs.pc = pc;
    s->regs.sp = 0x28203f80u;
    s->regs.lr = 0x00200101u;
    s->regs.xpsr = 0x01000000u;
    s->regs.r0 = 7;
    s->stack_addr = 0x28203f80u;
    s->stack.size = 64;
    for (int i = 0; i < 64; i++)
        s->stack.bytes[i] = (uint8_t)i;
    s->stop_count = 1;
}

/* A StopEvent message (an event when sealed with id mode 0x80) and an Ack reply. */
static tether_v1_Message *stop_msg(tether_v1_StopReason reason, uint32_t pc)
{
    static tether_v1_Message m;
    memset(&m, 0, sizeof m);
    m.which_body = tether_v1_Message_stop_event_tag;
    stop_event(&m.body.stop_event, reason, pc);
    return &m;
}

static size_t ack(size_t at, uint8_t id_mode)
{
    static tether_v1_Message m;
    memset(&m, 0, sizeof m);
    m.which_body = tether_v1_Message_ack_tag;
    return dev_msg(at, id_mode, &m);
}

static size_t client_session(size_t at)
{
    static tether_v1_Message m;
    /* attach: the reply carries the halted stop */
    memset(&m, 0, sizeof m);
    m.which_body = tether_v1_Message_attach_reply_tag;
    m.body.attach_reply.halted = true;
    m.body.attach_reply.has_stop = true;
    stop_event(&m.body.attach_reply.stop, tether_v1_StopReason_HALT_REQUEST, 0x00200120u);
    at = dev_msg(at, 1, &m);
    at = fuzz_put_op(buf, at, 9, NULL, 0);
    at = gdb_op(at, "?");
    at = gdb_op(at, "g");
    /* m: one ReadMemory answered by its MemoryData */
    memset(&m, 0, sizeof m);
    m.which_body = tether_v1_Message_memory_data_tag;
    m.body.memory_data.data.size = 64;
    memset(m.body.memory_data.data.bytes, 0xA5, 64);
    at = dev_msg(at, 1, &m);
    at = gdb_op(at, "m28200000,40");
    /* p: registers */
    memset(&m, 0, sizeof m);
    m.which_body = tether_v1_Message_registers_tag;
    m.body.registers.regs_count = 2;
    m.body.registers.regs[0].num = 0;
    m.body.registers.regs[0].value = 0x1234;
    m.body.registers.regs[1].num = 15;
    m.body.registers.regs[1].value = 0x00200124u;
    at = dev_msg(at, 1, &m);
    at = gdb_op(at, "Z0,200130,2");
    /* continue: Ack, then a breakpoint stop pushed as an event */
    at = ack(at, 1);
    at = gdb_op(at, "c");
    at = dev_msg(at, 0x80, stop_msg(tether_v1_StopReason_BREAKPOINT, 0x00200130u));
    at = fuzz_put_op(buf, at, 7, NULL, 0);
    /* an Error reply to a write */
    memset(&m, 0, sizeof m);
    m.which_body = tether_v1_Message_error_tag;
    m.body.error.code = 0x0301;
    at = dev_msg(at, 1, &m);
    at = gdb_op(at, "M10000000,4:01020304");
    /* a fault stop after a step */
    at = ack(at, 1);
    at = gdb_op(at, "vCont;s:1");
    tether_v1_Message *fault = stop_msg(tether_v1_StopReason_FAULT, 0x00200140u);
    fault->body.stop_event.stack_addr = 0xFFFFFFC0u; /* a window at the top of the space */
    at = dev_msg(at, 0x80, fault);
    return fuzz_put_op(buf, at, 7, NULL, 0);
}

static void gen_client(void)
{
    static tether_v1_HandshakeReply r;
    static uint8_t enc[tether_v1_HandshakeReply_size];
    size_t at, n;
    buf[0] = 2; /* memory map */
    buf[1] = 0;
    put("client", "attach-read-continue-stop", buf, client_session(2));
    buf[0] = 3; /* no_optimize, in pieces of 13 bytes */
    buf[1] = 13;
    put("client", "tunnel-pieces", buf, client_session(2));
    /* a relay's garbage and a cut around an authentic reply, the twin's resend, a dup */
    buf[0] = 0;
    buf[1] = 0;
    at = fuzz_put_op(buf, 2, 1, (const uint8_t *)"\x54\xd1\x05\x78\x00\x10garbage", 13);
    at = fuzz_put_op(buf, at, 5, NULL, 0);
    at = fuzz_put_op(buf, at, 4, NULL, 0);
    at = fuzz_put_op(buf, at, 3, NULL, 0);
    at = fuzz_put_op(buf, at, 6, (const uint8_t *)"\x03\xe8", 2);
    at = fuzz_put_op(buf, at, 7, NULL, 0);
    put("client", "relay-garbage-cut-dup", buf, client_session(at));
    /* connect mode: the device's hello, then a refusal, then a reply that does not decode */
    memset(&r, 0, sizeof r);
    r.which_reply = tether_v1_HandshakeReply_hello_tag;
    r.reply.hello.version = 1;
    r.reply.hello.supervisor_version = 0x010203;
    need(tt_pb_encode(tether_v1_HandshakeReply_fields, &r, enc, sizeof enc, &n) == TT_OK,
         "hello encode");
    buf[0] = 4 | 2;
    at = fuzz_put_op(buf, 2, 8, enc, n);
    put("client", "connect-hello", buf, client_session(at));
    /* a forged response on the link before the device's: a whole frame (CRC right) whose
     * packet claims to be a response and is not the device's */
    {
        static uint8_t forged[64], framed[64 + TT_FRAME_OVERHEAD];
        size_t fn;
        memset(forged, 0x5A, sizeof forged);
        forged[0] = TT_PKT_RESPONSE;
        need(tt_frame_encode(forged, sizeof forged, framed, sizeof framed, &fn) == TT_OK,
             "frame");
        at = fuzz_put_op(buf, 2, 1, framed, fn);
        at = fuzz_put_op(buf, at, 8, enc, n);
        put("client", "connect-forged-response-first", buf, client_session(at));
    }
    memset(&r, 0, sizeof r);
    r.which_reply = tether_v1_HandshakeReply_refusal_tag;
    r.reply.refusal.error_code = 0x0205;
    need(tt_pb_encode(tether_v1_HandshakeReply_fields, &r, enc, sizeof enc, &n) == TT_OK,
         "refusal encode");
    at = fuzz_put_op(buf, 2, 8, enc, n);
    put("client", "connect-refusal", buf, at);
    at = fuzz_put_op(buf, 2, 1, (const uint8_t *)"\x54\xd1\x05\x78", 4);
    at = fuzz_put_op(buf, at, 8, (const uint8_t *)"\x0a\xff\xff", 3);
    put("client", "connect-garbage-reply", buf, at);
    /* running, then Ctrl-C: the Halt's reply is the stop; a read larger than one message
     * (two ReadMemory calls); a watchpoint stop reported several times in one read */
    static tether_v1_Message m;
    buf[0] = 0;  /* no memory map: reads go to the device as GDB sends them */
    buf[1] = 64; /* the link delivers 64 bytes per read, so the second reply of the big read
                  * is still on the wire when the first call returns, as with a real device */
    at = client_session(2);
    at = ack(at, 1);
    at = gdb_op(at, "c");
    at = dev_msg(at, 1, stop_msg(tether_v1_StopReason_HALT_REQUEST, 0x00200150u));
    at = fuzz_put_op(buf, at, 0, (const uint8_t *)"\x03", 1);
    memset(&m, 0, sizeof m);
    m.which_body = tether_v1_Message_memory_data_tag;
    m.body.memory_data.data.size = TT_MEM_MAX_DATA;
    at = dev_msg(at, 1, &m);
    m.body.memory_data.data.size = 0x500 - TT_MEM_MAX_DATA;
    at = dev_msg(at, 2, &m);
    at = gdb_op(at, "m28201000,500");
    /* Z2 is kept locally and sent with the resume: c makes two calls (watchpoint, resume) */
    at = gdb_op(at, "Z2,28200000,4");
    at = ack(at, 1);
    at = ack(at, 2);
    at = gdb_op(at, "c");
    tether_v1_Message *watch = stop_msg(tether_v1_StopReason_WATCHPOINT, 0x00200160u);
    watch->body.stop_event.watch_addr = 0x28200000u;
    for (int i = 0; i < 6; i++) /* several stops in one read: all reach the engine */
        at = dev_msg(at, 0x80, watch);
    for (int i = 0; i < 16; i++) /* the server loop's turns: 64 bytes each */
        at = fuzz_put_op(buf, at, 7, NULL, 0);
    put("client", "interrupt-big-read-watch-stops", buf, at);
}

/* keyfile: selector, then a key PEM, a device record or hex (the formats keyfile.c writes
 * and provisioning writes). */
static void gen_keyfile(void)
{
    const struct fuzz_keys *k = fuzz_keys();
    char pem[256];
    static const char rec[] =
        "{\n  \"device_id\": \"0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d\",\n"
        "  \"static_public\": \"9bd1d1e0a3c7f4a1b9f0e2d3c4b5a69788796a5b4c3d2e1f0a1b2c3d4e5f6071\",\n"
        "  \"owner_public\": \"04"
        "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"
        "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5\",\n"
        "  \"link\": \"tcp:127.0.0.1:4000\"\n}\n";
    need(tt_x25519_priv_to_pem(pem + 1, sizeof pem - 1, k->client_sk) == TT_OK, "priv pem");
    pem[0] = 0;
    put("keyfile", "private-key", (const uint8_t *)pem, strlen(pem + 1) + 1);
    need(tt_x25519_pub_to_pem(pem + 1, sizeof pem - 1, k->device_pk) == TT_OK, "pub pem");
    pem[0] = 1;
    put("keyfile", "public-key", (const uint8_t *)pem, strlen(pem + 1) + 1);
    buf[0] = 2;
    memcpy(buf + 1, rec, sizeof rec - 1);
    put("keyfile", "device-record", buf, sizeof rec);
    memcpy(buf, "\x03\x04" "0A1b2C3d", 10);
    put("keyfile", "hex", buf, 10);
    /* a grant file and a revocation file as tether writes them ([FIL-031], [FIL-040]) */
    tether_v1_GrantBody gb;
    tether_v1_SignedGrant sg;
    size_t n;
    fuzz_grant_body(0, &gb);
    need(tt_grant_sign(&gb, fuzz_owner_priv(), &sg) == TT_OK, "grant sign");
    buf[0] = 4;
    need(tt_pb_encode(tether_v1_SignedGrant_fields, &sg, buf + 1, sizeof buf - 1, &n) == TT_OK,
         "grant encode");
    put("keyfile", "grant-file", buf, n + 1);
    tether_v1_RevocationFloorBody fb = {.floor = 9};
    tether_v1_RaiseRevocationFloor rf;
    memset(&rf, 0, sizeof rf);
    memset(fb.device_id, 0x0d, sizeof fb.device_id);
    need(tt_pb_encode(tether_v1_RevocationFloorBody_fields, &fb, rf.body.bytes,
                      sizeof rf.body.bytes, &n) == TT_OK,
         "floor encode");
    rf.body.size = (pb_size_t)n;
    memset(rf.signature, 0x5c, sizeof rf.signature); /* the parser judges structure only */
    buf[0] = 5;
    need(tt_pb_encode(tether_v1_RaiseRevocationFloor_fields, &rf, buf + 1, sizeof buf - 1, &n) ==
             TT_OK,
         "floor file encode");
    put("keyfile", "revocation-file", buf, n + 1);
}

/* spec/vectors/messages.txt: records of name / type / hex. */
static void gen_messages(const char *path)
{
    static const char *types[] = {"Message", "ClientHello", "HandshakeReply", "GrantBody",
                                  "SignedGrant", "RevocationFloorBody",
                                  "RaiseRevocationFloor", "Manifest", "SignedManifest",
                                  "Evidence"};
    char line[8192], name[128] = "", type[64] = "";
    FILE *f = fopen(path, "r");
    need(f != NULL, path);
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        if (sscanf(line, "name = %127s", name) == 1 || sscanf(line, "type = %63s", type) == 1)
            continue;
        if (strncmp(line, "hex = ", 6) != 0)
            continue;
        for (size_t t = 0; t < sizeof types / sizeof types[0]; t++) {
            const char *h = line + 6;
            size_t n = 0;
            if (strcmp(type, types[t]) != 0)
                continue;
            buf[n++] = (uint8_t)t;
            for (; h[0] && h[1]; h += 2) {
                unsigned v;
                need(sscanf(h, "%2x", &v) == 1, "hex");
                buf[n++] = (uint8_t)v;
            }
            put("message", name, buf, n);
        }
    }
    fclose(f);
}

int main(int argc, char **argv)
{
    static struct fuzz_pair p;
    static uint8_t init[TT_PKT_MAX_LEN], resp[TT_PKT_MAX_LEN], rec[TT_PKT_MAX_LEN];
    size_t init_len, resp_len, rec_len;
    struct tt_record_session cli;
    if (argc < 2) {
        fprintf(stderr, "usage: %s corpus-dir [messages.txt]\n", argv[0]);
        return 2;
    }
    root = argv[1];
    mkdir(root, 0777);
    fuzz_establish(&p, init, &init_len, resp, &resp_len);
    cli = p.client.rec;
    need(tt_record_seal(&cli, cli.created_s, (const uint8_t *)"\x01\0\0\0\x01\0\0\0\0", 9, rec,
                        sizeof rec, &rec_len) == TT_OK,
         "seal");
    gen_framing(init, init_len, resp, resp_len, rec, rec_len);
    gen_record(&p);
    gen_handshake(&p, init, init_len, resp, resp_len);
    gen_reliable();
    gen_grant();
    gen_rsp();
    gen_supervisor(init, init_len);
    gen_client();
    gen_keyfile();
    gen_ota();
    gen_manifest();
    gen_ota_sender();
    gen_messages(argc > 2 ? argv[2] : "spec/vectors/messages.txt");
    printf("%u seed files written to %s\n", written, root);
    return 0;
}
