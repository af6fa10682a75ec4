/* test_client_hostile_device.c — the client session driver (ref-client/conn) facing a
 * hostile device side: garbage, oversized frames, records with broken tags, records for
 * another session, replayed records and retransmitted duplicates arrive around the real
 * reply. The client must deliver that reply exactly once, stay usable, and never crash
 * (ASan/UBSan watch). [FRM-005] [FRM-006] [REC-004] [REC-005] [REC-006] [REL-005] [SEC-14] */
#include <check.h>
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../conn/client.h"
#include "tether/crypto_backends.h"
#include "tether/framing.h"

static uint8_t dev_sk[32], dev_pk[32], cli_sk[32];
static int fds[2];

/* A socketpair end as a transport (byte stream, no reconnect). */
struct sp_transport {
    struct tt_transport t;
    int fd;
};
static tt_err sp_send(struct tt_transport *t, const uint8_t *b, size_t n)
{
    return write(((struct sp_transport *)t)->fd, b, n) == (ssize_t)n ? TT_OK : TT_ERR_IO;
}
static tt_err sp_recv(struct tt_transport *t, uint8_t *b, size_t cap, size_t *n, int ms)
{
    struct timeval tv = {.tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000};
    int fd = ((struct sp_transport *)t)->fd;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ssize_t r = read(fd, b, cap);
    if (r < 0)
        return TT_ERR_TIMEOUT;
    if (r == 0)
        return TT_ERR_IO;
    *n = (size_t)r;
    return TT_OK;
}
static tt_err sp_reconnect(struct tt_transport *t)
{
    (void)t;
    return TT_ERR_IO;
}
static void sp_close(struct tt_transport *t)
{
    (void)t;
}
static int sp_pollfd(struct tt_transport *t)
{
    return ((struct sp_transport *)t)->fd;
}

static void dev_write_frame(const uint8_t *p, size_t n)
{
    uint8_t f[TT_PKT_MAX_LEN + TT_FRAME_OVERHEAD];
    size_t fn;
    ck_assert_int_eq(tt_frame_encode(p, n, f, sizeof f, &fn), TT_OK);
    ck_assert_int_eq(write(fds[1], f, fn), (ssize_t)fn);
}

/* Reads frames until one complete packet arrives. */
static size_t dev_read_packet(struct tt_frame_decoder *d, uint8_t *out)
{
    for (;;) {
        const uint8_t *p;
        size_t n, used;
        uint8_t b[512];
        if (tt_frame_pop(d, &p, &n) == TT_OK) {
            memcpy(out, p, n);
            return n;
        }
        ssize_t r = read(fds[1], b, sizeof b);
        ck_assert_int_gt(r, 0);
        for (size_t off = 0; off < (size_t)r; off += used)
            if (tt_frame_push(d, b + off, (size_t)r - off, &used) == TT_OK && used == 0)
                break;
    }
}

static void *hostile_device(void *arg)
{
    static struct tt_session s;
    static struct tt_rel_slot slots[4];
    static struct tt_frame_decoder d;
    static uint8_t pkt[TT_PKT_MAX_LEN], work[TT_RECORD_MAX_PLAINTEXT], hello[512];
    static tether_v1_Message m;
    uint8_t enc[256], reply[256], good[TT_PKT_MAX_LEN], bad[TT_PKT_MAX_LEN];
    size_t n, hn, en, rn, gn;
    const uint8_t *body;
    size_t bl;
    tether_v1_HandshakeReply hr;
    (void)arg;
    tt_frame_decoder_init(&d);
    n = dev_read_packet(&d, pkt);
    ck_assert_int_eq(tt_session_accept(&s, &tt_crypto_sodium, dev_sk, pkt, n, hello,
                                       sizeof hello, &hn), TT_OK);
    memset(&hr, 0, sizeof hr);
    hr.which_reply = tether_v1_HandshakeReply_hello_tag;
    hr.reply.hello.version = 1;
    ck_assert_int_eq(tt_pb_encode(tether_v1_HandshakeReply_fields, &hr, reply, sizeof reply,
                                  &rn), TT_OK);
    ck_assert_int_eq(tt_session_respond(&s, 77, NULL, reply, rn, slots, 4, 100000, 0, pkt,
                                        sizeof pkt, &n), TT_OK);
    dev_write_frame(pkt, n);

    for (int round = 0; round < 2; round++) {
        /* the client's ping */
        do {
            n = dev_read_packet(&d, pkt);
        } while (tt_session_receive(&s, pkt, n, 0, work, sizeof work, &body, &bl) != TT_OK);
        ck_assert_int_eq(tt_msg_decode(body, bl, &m), TT_OK);
        ck_assert_int_eq(m.which_body, tether_v1_Message_ping_tag);
        uint32_t rid = m.request_id;
        uint64_t nonce = m.body.ping.nonce;

        /* garbage, a false sync and an oversized frame header */
        static const uint8_t junk[] = {0x00, 0xFF, 0x54, 0xD1, 0xFF, 0xFF, 0x00, 0x54, 0x54};
        ck_assert_int_eq(write(fds[1], junk, sizeof junk), (ssize_t)sizeof junk);
        memset(&m, 0, sizeof m);
        m.request_id = rid;
        m.which_body = tether_v1_Message_pong_tag;
        m.body.pong.nonce = nonce;
        ck_assert_int_eq(tt_msg_encode(&m, enc, sizeof enc, &en), TT_OK);
        ck_assert_int_eq(tt_session_send(&s, enc, en, 0, good, sizeof good, &gn), TT_OK);
        /* the reply with a broken tag, then addressed to another session, then a
         * truncated one, then the real one twice (a replay), then a retransmission of the
         * same message in a new record (a reliability duplicate) */
        memcpy(bad, good, gn);
        bad[gn - 1] ^= 1;
        dev_write_frame(bad, gn);
        memcpy(bad, good, gn);
        bad[4] ^= 0x40;
        dev_write_frame(bad, gn);
        dev_write_frame(good, gn - 5);
        dev_write_frame(good, gn);
        dev_write_frame(good, gn);
        tt_session_on_reconnect(&s); /* makes the reply due again: resent in a new record */
        ck_assert_int_eq(tt_session_poll(&s, 1, pkt, sizeof pkt, &n), TT_OK);
        dev_write_frame(pkt, n);
    }
    return NULL;
}

START_TEST(client_survives_hostile_device)
{
    static struct tt_client c;
    static tether_v1_Message q, r;
    struct sp_transport t = {.t = {.byte_stream = 1, .send = sp_send, .recv = sp_recv,
                                   .reconnect = sp_reconnect, .close = sp_close,
                                   .pollfd = sp_pollfd}};
    tether_v1_ClientHello h;
    pthread_t th;
    for (int i = 0; i < 32; i++) {
        dev_sk[i] = (uint8_t)(i + 1);
        cli_sk[i] = (uint8_t)(i + 99);
    }
    ck_assert_int_eq(tt_crypto_sodium.x25519_public(dev_pk, dev_sk), TT_OK);
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    t.fd = fds[0];
    ck_assert_int_eq(pthread_create(&th, NULL, hostile_device, NULL), 0);
    memset(&h, 0, sizeof h);
    h.version_min = h.version_max = 1;
    h.timestamp = 1;
    ck_assert_int_eq(tt_client_connect(&c, &t.t, &tt_crypto_sodium, cli_sk, dev_pk, &h, 5000),
                     TT_OK);
    for (int round = 0; round < 2; round++) {
        memset(&q, 0, sizeof q);
        q.which_body = tether_v1_Message_ping_tag;
        q.body.ping.nonce = 1000u + (unsigned)round;
        ck_assert_int_eq(tt_client_call_ok(&c, &q, &r, 5000), TT_OK);
        ck_assert_int_eq(r.which_body, tether_v1_Message_pong_tag);
        ck_assert_uint_eq(r.body.pong.nonce, q.body.ping.nonce);
    }
    pthread_join(th, NULL);
    /* the duplicates and replays of the last reply: nothing more is delivered */
    ck_assert_int_eq(tt_client_pump(&c, 200), TT_OK);
    ck_assert_uint_eq(c.ev_count, 0);
    ck_assert_uint_eq(c.round_trips, 2);
    ck_assert_uint_eq(c.delivered, 2); /* two replies, whatever was replayed or resent */
    close(fds[0]);
    close(fds[1]);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("client_hostile_device");
    TCase *tc = tcase_create("hostile");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, client_survives_hostile_device);
    suite_add_tcase(s, tc);
    SRunner *r = srunner_create(s);
    srunner_set_fork_status(r, CK_NOFORK);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? 1 : 0;
}
