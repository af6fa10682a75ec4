/* test_messages.c — Check tests of the message codecs (proto/ + lib/msg) against the
 * vectors of spec/vectors/messages.txt, made by an independent encoder (Python protobuf).
 *
 * [MSG-001] every message type decodes and re-encodes byte for byte; [MSG-002] a decode
 * consumes exactly its input; [MSG-003] static limits: every Message fits TT_MESSAGE_MAX_LEN;
 * [MSG-004] malformed input gets a specific error and leaves the output untouched;
 * [VER-004] a Message whose body this version does not know is TT_ERR_MSG_UNSUPPORTED. */
#include <check.h>
#include <pb_common.h>
#include <stdlib.h>
#include <string.h>

#include "tether/messages.h"
#include "tether/wire.h"
#include "vecfile.h"

_Static_assert(tether_v1_Message_size <= TT_MESSAGE_MAX_LEN, "[MSG-003] Message too large");
_Static_assert(tether_v1_ClientHello_size + TT_INITIATION_MIN_LEN <= TT_PKT_MAX_LEN,
               "[MSG-003] ClientHello too large for an initiation");
_Static_assert(tether_v1_HandshakeReply_size + TT_RESPONSE_MIN_LEN <= TT_PKT_MAX_LEN,
               "[MSG-003] HandshakeReply too large for a response");

static const pb_msgdesc_t *desc(const char *type)
{
    static const struct {
        const char *name;
        const pb_msgdesc_t *d;
    } t[] = {{"Message", tether_v1_Message_fields},
             {"ClientHello", tether_v1_ClientHello_fields},
             {"HandshakeReply", tether_v1_HandshakeReply_fields},
             {"Evidence", tether_v1_Evidence_fields},
             {"Manifest", tether_v1_Manifest_fields},
             {"GrantBody", tether_v1_GrantBody_fields},
             {"SignedGrant", tether_v1_SignedGrant_fields}};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (strcmp(t[i].name, type) == 0)
            return t[i].d;
    ck_abort_msg("unknown type %s", type);
    return NULL;
}

/* Big enough for any generated struct. */
static union {
    tether_v1_Message m;
    tether_v1_ClientHello ch;
    tether_v1_HandshakeReply hr;
    tether_v1_Evidence ev;
    tether_v1_Manifest mf;
} a, b;

/* [MSG-001] [MSG-002] decode → encode gives the same bytes; decode → encode → decode the
 * same struct; and every body of Message appears in the vectors. */
START_TEST(vectors_round_trip)
{
    static struct vec v;
    uint8_t in[2048], out[2048];
    size_t n, m;
    int seen[256] = {0}, count = 0;
    FILE *f = vec_open("messages.txt");
    while (vec_next(f, &v)) {
        const pb_msgdesc_t *d = desc(vec_get(&v, "type"));
        n = vec_hex(vec_get(&v, "hex"), in, sizeof in);
        memset(&a, 0, sizeof a);
        memset(&b, 0, sizeof b);
        ck_assert_msg(tt_pb_decode(d, in, n, &a) == TT_OK, "%s", vec_get(&v, "name"));
        ck_assert_int_eq(tt_pb_encode(d, &a, out, sizeof out, &m), TT_OK);
        ck_assert_msg(m == n && memcmp(in, out, n) == 0, "%s re-encodes differently",
                      vec_get(&v, "name"));
        ck_assert_int_eq(tt_pb_decode(d, out, m, &b), TT_OK);
        ck_assert_int_eq(memcmp(&a, &b, sizeof a), 0);
        if (d == tether_v1_Message_fields) {
            ck_assert_int_eq(tt_msg_decode(in, n, &b.m), TT_OK);
            ck_assert_int_lt(b.m.which_body, 256);
            seen[b.m.which_body] = 1;
        }
        count++;
    }
    fclose(f);
    ck_assert_int_ge(count, 40);
    /* every oneof member of Message (all fields but request_id) has a vector */
    pb_field_iter_t it;
    int bodies = 0, covered = 0;
    ck_assert(pb_field_iter_begin(&it, tether_v1_Message_fields, &a.m));
    do {
        if (it.tag == tether_v1_Message_request_id_tag)
            continue;
        bodies++;
        covered += seen[it.tag];
        ck_assert_msg(seen[it.tag], "no vector for Message body tag %u", (unsigned)it.tag);
    } while (pb_field_iter_next(&it));
    ck_assert_int_eq(bodies, covered);
}
END_TEST

/* [MSG-004] [VER-004] malformed encodings: each a specific error, output untouched. */
static const struct {
    const char *name;
    const char *hex;
    tt_err want;
} bad[] = {
    {"empty: no body", "", TT_ERR_MSG_UNSUPPORTED},
    {"request id only", "0801", TT_ERR_MSG_UNSUPPORTED},
    {"unknown body field 200 (a later version)", "0801c00c01", TT_ERR_MSG_UNSUPPORTED},
    {"trailing zero byte (tag 0)", "08015200" "00", TT_ERR_MSG_DECODE},
    {"request_id with wire type 2", "0a00", TT_ERR_MSG_DECODE},
    {"truncated varint", "0880", TT_ERR_MSG_DECODE},
    {"sub-message longer than the input", "520508", TT_ERR_MSG_DECODE},
    {"varint longer than 10 bytes", "08ffffffffffffffffffff01", TT_ERR_MSG_DECODE},
    /* MemoryData.data of 1025 bytes: length prefix 0x81 0x08 */
    {"bytes field over its max_size", "c202848108" "0a8108", TT_ERR_MSG_DECODE},
    /* ReadMemory with 9 ranges (max_count 8) */
    {"too many repeated items",
     "ba0212" "0a00" "0a00" "0a00" "0a00" "0a00" "0a00" "0a00" "0a00" "0a00",
     TT_ERR_MSG_DECODE},
    /* AttestChallenge.nonce of 31 bytes (fixed length 32) */
    {"fixed-length bytes of the wrong size",
     "d20521" "0a1f00000000000000000000000000000000000000000000000000000000000000",
     TT_ERR_MSG_DECODE},
};

START_TEST(malformed_table)
{
    uint8_t in[64];
    static tether_v1_Message m, before;
    size_t n = vec_hex(bad[_i].hex, in, sizeof in);
    memset(&m, 0x5A, sizeof m);
    before = m;
    ck_assert_msg(tt_msg_decode(in, n, &m) == bad[_i].want, "%s: got %s", bad[_i].name,
                  tt_err_name(tt_msg_decode(in, n, &m)));
    ck_assert_msg(memcmp(&m, &before, sizeof m) == 0, "%s: output changed", bad[_i].name);
}
END_TEST

/* Every strict prefix of every Message vector either fails or is a different message: a
 * decoder never reads past the input (ASan watches) and never returns the full message. */
START_TEST(truncations)
{
    static struct vec v;
    uint8_t in[2048], out[2048];
    static tether_v1_Message m;
    FILE *f = vec_open("messages.txt");
    while (vec_next(f, &v)) {
        if (strcmp(vec_get(&v, "type"), "Message") != 0)
            continue;
        size_t n = vec_hex(vec_get(&v, "hex"), in, sizeof in);
        for (size_t k = 0; k < n; k++) {
            uint8_t *cut = malloc(k ? k : 1); /* exact-size buffer so ASan sees overreads */
            memcpy(cut, in, k);
            tt_err e = tt_msg_decode(cut, k, &m);
            if (e == TT_OK) {
                size_t outn;
                ck_assert_int_eq(tt_msg_encode(&m, out, sizeof out, &outn), TT_OK);
                ck_assert(outn != n || memcmp(out, in, n) != 0);
            }
            free(cut);
        }
    }
    fclose(f);
}
END_TEST

START_TEST(encode_errors)
{
    static tether_v1_Message m;
    uint8_t out[8];
    size_t n;
    memset(&m, 0, sizeof m);
    ck_assert_int_eq(tt_msg_encode(&m, out, sizeof out, &n), TT_ERR_MSG_UNSUPPORTED);
    m.which_body = tether_v1_Message_memory_data_tag;
    m.body.memory_data.data.size = 100;
    ck_assert_int_eq(tt_msg_encode(&m, out, sizeof out, &n), TT_ERR_NO_SPACE);
    m.body.memory_data.data.size = 2000; /* beyond the static buffer: refused */
    uint8_t big[4096];
    ck_assert_int_eq(tt_msg_encode(&m, big, sizeof big, &n), TT_ERR_MSG_ENCODE);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("messages");
    TCase *t = tcase_create("codec");
    tcase_add_test(t, vectors_round_trip);
    tcase_add_loop_test(t, malformed_table, 0, (int)(sizeof bad / sizeof bad[0]));
    tcase_add_test(t, truncations);
    tcase_add_test(t, encode_errors);
    suite_add_tcase(s, t);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? 1 : 0;
}
