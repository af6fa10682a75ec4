/* test_messages.c — Check tests of the message codecs (proto/ + lib/msg) against the
 * vectors of spec/vectors/messages.txt, made by an independent encoder (Python protobuf).
 *
 * [MSG-001] every message type decodes and re-encodes byte for byte; [MSG-002] a decode
 * consumes exactly its input; [MSG-003] static limits: every Message fits TT_MESSAGE_MAX_LEN;
 * [MSG-004] malformed input gets a specific error and leaves the output untouched;
 * [MSG-005] [VER-004] a Message whose body this version does not know is
 * TT_ERR_MSG_UNSUPPORTED; [VER-005] unknown fields inside a known message are ignored;
 * [MSG-015] the request id of an undecodable body (spec/vectors/reply-id.txt). */
#include <check.h>
#include <pb_common.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tether/messages.h"
#include "tether/registers.h"
#include "tether/wire.h"
#include "msgfill.h"
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

/* [MSG-002] [MSG-004] [MSG-005] malformed encodings: each a specific error, output
 * untouched. */
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
    {"request_id above 32 bits", "0880808080105200", TT_ERR_MSG_DECODE},
    {"request_id as fixed32 (wire type 5)", "080d000000005200", TT_ERR_MSG_DECODE},
    {"Ping.nonce with wire type 2", "0801" "5202" "0a00", TT_ERR_MSG_DECODE},
    {"wire type 7 (undefined)", "0801520007", TT_ERR_MSG_DECODE},
    {"group wire types (3, 4)", "08015200" "0b0c", TT_ERR_MSG_DECODE},
    {"field number 0", "0801" "0200" "5200", TT_ERR_MSG_DECODE},
    {"sub-message length past its parent", "0801" "5203" "0801", TT_ERR_MSG_DECODE},
    {"unknown field with truncated length", "08015200" "c20c05", TT_ERR_MSG_DECODE},
    /* bytes/string fields over max_size and boundary cases: see limits_boundaries */
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

/* Unusual but valid encodings that a decoder MUST accept ([MSG-001]) with the meaning
 * protobuf gives them: fields out of order, unknown fields inside a known body ([VER-005]),
 * a non-minimal varint, a repeated oneof (the last member wins, as in every protobuf
 * runtime), the largest request_id. */
static const struct {
    const char *name;
    const char *hex;
    uint32_t request_id;
    pb_size_t which_body;
} odd[] = {
    {"request_id after the body", "5200" "0807", 7, tether_v1_Message_ping_tag},
    {"unknown varint field inside Ping", "0801" "5202" "7801", 1, tether_v1_Message_ping_tag},
    {"unknown bytes field inside Halt", "0801" "8a0204" "a2060100", 1, tether_v1_Message_halt_tag},
    {"non-minimal varint request_id", "088100" "5200", 1, tether_v1_Message_ping_tag},
    {"two bodies: the last wins", "0801" "5200" "8a0200", 1, tether_v1_Message_halt_tag},
    {"request_id 0xffffffff", "08ffffffff0f" "5200", 0xFFFFFFFFu, tether_v1_Message_ping_tag},
};

START_TEST(odd_but_valid)
{
    uint8_t in[64];
    static tether_v1_Message m;
    size_t n = vec_hex(odd[_i].hex, in, sizeof in);
    ck_assert_msg(tt_msg_decode(in, n, &m) == TT_OK, "%s", odd[_i].name);
    ck_assert_uint_eq(m.request_id, odd[_i].request_id);
    ck_assert_uint_eq(m.which_body, odd[_i].which_body);
}
END_TEST

/* A tiny protobuf writer for the boundary tests: tag, length, payload. */
static size_t put_varint(uint8_t *p, uint32_t v)
{
    size_t n = 0;
    do {
        p[n++] = (uint8_t)((v & 0x7F) | (v > 0x7F ? 0x80 : 0));
        v >>= 7;
    } while (v);
    return n;
}

static size_t put_len_field(uint8_t *p, uint32_t tag, const uint8_t *payload, size_t len)
{
    size_t n = put_varint(p, tag << 3 | 2);
    n += put_varint(p + n, (uint32_t)len);
    if (len != 0)
        memmove(p + n, payload, len);
    return n + len;
}

/* Message{request_id 1, body = {field: len bytes of 'x'}}; with an outer sub-message when
 * inner_tag != 0 (e.g. LogEntries.entries[0].text). */
static size_t one_field_message(uint8_t *out, uint32_t body_tag, uint32_t inner_tag,
                                uint32_t field_tag, size_t len)
{
    static uint8_t payload[2048], field[2048];
    memset(payload, 'x', len);
    size_t n = put_len_field(field, field_tag, payload, len);
    if (inner_tag != 0) {
        memcpy(payload, field, n);
        n = put_len_field(field, inner_tag, payload, n);
    }
    out[0] = 0x08;
    out[1] = 0x01;
    return 2 + put_len_field(out + 2, body_tag, field, n);
}

/* [MSG-002] [MSG-003] every variable-length field is accepted at its limit and refused one
 * byte above it (a decode error, not a truncation). */
static const struct {
    const char *name;
    uint32_t body_tag, inner_tag, field_tag;
    size_t limit;
} lim[] = {
    {"MemoryData.data", tether_v1_Message_memory_data_tag, 0, 1, TT_MEM_MAX_DATA},
    {"WriteMemory.data", tether_v1_Message_write_memory_tag, 0, 2, TT_MEM_MAX_DATA},
    {"OtaChunk.data", tether_v1_Message_ota_chunk_tag, 0, 2, 1024},
    {"StopEvent.stack", tether_v1_Message_stop_event_tag, 0, 4, TT_STACK_WINDOW_MAX},
    {"Error.message", tether_v1_Message_error_tag, 0, 3, 48},
    {"LogEntry.text", tether_v1_Message_log_entries_tag, 1, 4, 120},
    {"AttestEvidence.evidence", tether_v1_Message_attest_evidence_tag, 0, 1, 192},
    {"RaiseRevocationFloor.body", tether_v1_Message_raise_revocation_floor_tag, 0, 1, 64},
    {"OtaBegin.manifest.body", tether_v1_Message_ota_begin_tag, 1, 1, 128},
};

START_TEST(limits_boundaries)
{
    static uint8_t in[2100];
    static tether_v1_Message m;
    size_t n = one_field_message(in, lim[_i].body_tag, lim[_i].inner_tag, lim[_i].field_tag,
                                 lim[_i].limit);
    ck_assert_msg(tt_msg_decode(in, n, &m) == TT_OK, "%s at its limit", lim[_i].name);
    n = one_field_message(in, lim[_i].body_tag, lim[_i].inner_tag, lim[_i].field_tag,
                          lim[_i].limit + 1);
    ck_assert_msg(tt_msg_decode(in, n, &m) == TT_ERR_MSG_DECODE, "%s above its limit",
                  lim[_i].name);
}
END_TEST

/* Repeated fields: accepted at max_count, refused above ([MSG-002]). */
START_TEST(repeated_boundaries)
{
    static const struct {
        uint32_t body_tag, field_tag;
        size_t max;
    } r[] = {
        {tether_v1_Message_read_memory_tag, 1, 8},
        {tether_v1_Message_write_memory_tag, 1, 8},
        {tether_v1_Message_resume_tag, 5, 16},
        {tether_v1_Message_registers_tag, 1, 32},
        {tether_v1_Message_write_registers_tag, 1, 32},
        {tether_v1_Message_log_entries_tag, 1, 8},
    };
    static uint8_t body[512], in[600];
    static tether_v1_Message m;
    for (size_t i = 0; i < sizeof r / sizeof r[0]; i++) {
        for (size_t count = r[i].max; count <= r[i].max + 1; count++) {
            size_t n = 0;
            for (size_t k = 0; k < count; k++)
                n += put_len_field(body + n, r[i].field_tag, NULL, 0);
            in[0] = 0x08;
            in[1] = 0x01;
            n = 2 + put_len_field(in + 2, r[i].body_tag, body, n);
            ck_assert_msg(tt_msg_decode(in, n, &m) ==
                              (count == r[i].max ? TT_OK : TT_ERR_MSG_DECODE),
                          "body %u with %zu items", (unsigned)r[i].body_tag, count);
        }
    }
    /* ReadRegisters.regnums is packed: 32 numbers fit, 33 do not */
    for (size_t count = 32; count <= 33; count++) {
        memset(body, 0x01, count);
        size_t n = put_len_field(in + 2, 1, body, count);
        memmove(body, in + 2, n);
        n = 2 + put_len_field(in + 2, tether_v1_Message_read_registers_tag, body, n);
        ck_assert_int_eq(tt_msg_decode(in, n, &m), count == 32 ? TT_OK : TT_ERR_MSG_DECODE);
    }
}
END_TEST

/* [MSG-003] A maximal instance of every Message body — every field at its limit, even enums
 * at values no version declares — encodes within TT_MESSAGE_MAX_LEN and nanopb's bound for
 * the whole Message, decodes, and re-encodes identically. Prints the largest. */
START_TEST(max_size_instances)
{
    static tether_v1_Message m, back;
    static uint8_t out[2048], again[2048];
    size_t largest = 0, n, n2;
    unsigned largest_tag = 0;
    pb_field_iter_t it;
    ck_assert(pb_field_iter_begin(&it, tether_v1_Message_fields, &m));
    do {
        if (it.tag == tether_v1_Message_request_id_tag)
            continue;
        memset(&m, 0, sizeof m);
        m.request_id = 0xFFFFFFFFu;
        m.which_body = it.tag;
        ck_assert(msgfill_max(tether_v1_Message_fields, &m));
        ck_assert_uint_eq(m.which_body, it.tag);
        ck_assert_msg(tt_msg_encode(&m, out, sizeof out, &n) == TT_OK, "tag %u", (unsigned)it.tag);
        ck_assert_msg(n <= tether_v1_Message_size && n <= TT_MESSAGE_MAX_LEN, "tag %u: %zu bytes",
                      (unsigned)it.tag, n);
        ck_assert_int_eq(tt_msg_decode(out, n, &back), TT_OK);
        ck_assert_int_eq(tt_msg_encode(&back, again, sizeof again, &n2), TT_OK);
        ck_assert(n2 == n && memcmp(out, again, n) == 0);
        if (n > largest) {
            largest = n;
            largest_tag = it.tag;
        }
    } while (pb_field_iter_next(&it));
    printf("[MSG-003] largest maximal Message: body tag %u, %zu bytes (static bound %u, limit %u)\n",
           largest_tag, largest, (unsigned)tether_v1_Message_size, TT_MESSAGE_MAX_LEN);
    ck_assert_uint_eq(largest_tag, tether_v1_Message_log_entries_tag);

    /* the handshake payloads against their packets */
    static tether_v1_ClientHello ch;
    static tether_v1_HandshakeReply hr;
    memset(&ch, 0, sizeof ch);
    ck_assert(msgfill_max(tether_v1_ClientHello_fields, &ch));
    ck_assert_int_eq(tt_pb_encode(tether_v1_ClientHello_fields, &ch, out, sizeof out, &n), TT_OK);
    ck_assert_uint_le(n + TT_INITIATION_MIN_LEN, TT_PKT_MAX_LEN);
    printf("[MSG-003] largest ClientHello %zu bytes, initiation %zu\n", n,
           n + TT_INITIATION_MIN_LEN);
    memset(&hr, 0, sizeof hr);
    ck_assert(msgfill_max(tether_v1_HandshakeReply_fields, &hr));
    ck_assert_int_eq(tt_pb_encode(tether_v1_HandshakeReply_fields, &hr, out, sizeof out, &n),
                     TT_OK);
    ck_assert_uint_le(n + TT_RESPONSE_MIN_LEN, TT_PKT_MAX_LEN);
    printf("[MSG-003] largest HandshakeReply %zu bytes, response %zu\n", n,
           n + TT_RESPONSE_MIN_LEN);
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

/* [MSG-015] the request id a device answers an undecodable body with, from
 * spec/vectors/reply-id.txt (expected ids from a walker written from the text); and nanopb
 * agrees with the vector on which bodies decode. Short reads are checked too: every prefix
 * of a body is read without going past its end (ASan). */
START_TEST(reply_id_vectors)
{
    static struct vec v;
    static uint8_t in[2048];
    unsigned count = 0;
    FILE *f = vec_open("reply-id.txt");
    while (vec_next(f, &v)) {
        const char *name = vec_get(&v, "name");
        size_t n = vec_hex(vec_get(&v, "body"), in, sizeof in);
        int decodes = strcmp(vec_get(&v, "decodes"), "yes") == 0;
        memset(&a, 0, sizeof a);
        ck_assert_msg((tt_pb_decode(tether_v1_Message_fields, in, n, &a.m) == TT_OK) == decodes,
                      "%s: decodes", name);
        ck_assert_msg(tt_msg_reply_id(in, n) == strtoul(vec_get(&v, "reply_id"), NULL, 10),
                      "%s: reply id %u", name, tt_msg_reply_id(in, n));
        for (size_t k = 0; k < n; k++) {
            uint8_t *cut = malloc(k ? k : 1);
            memcpy(cut, in, k);
            (void)tt_msg_reply_id(cut, k);
            free(cut);
        }
        count++;
    }
    fclose(f);
    ck_assert_uint_ge(count, 10);
    ck_assert_uint_eq(tt_msg_reply_id(NULL, 0), 0);
}
END_TEST

/* Wire register numbers (GDB's) and CoreRegisters <-> array, shared by both ends. */
START_TEST(register_numbering)
{
    static const uint32_t numbers[TT_CORE_REGS] = {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11,
                                                   12, 13, 14, 15, 25, 26, 27, 28, 29, 30, 31};
    for (unsigned i = 0; i < TT_CORE_REGS; i++) {
        ck_assert_uint_eq(tt_reg_number(i), numbers[i]);
        ck_assert_int_eq(tt_reg_index(numbers[i]), (int)i);
    }
    const uint32_t none[] = {16, 20, 24, 32, 35, 0xFFFFFFFFu};
    for (unsigned i = 0; i < sizeof none / sizeof none[0]; i++)
        ck_assert_int_eq(tt_reg_index(none[i]), -1);
    ck_assert_int_eq(tt_reg_index(TT_REGNUM_PC), TT_CORE_PC);
    ck_assert_int_eq(tt_reg_index(TT_REGNUM_CONTROL), TT_CORE_CONTROL);
    uint32_t v[TT_CORE_REGS], back[TT_CORE_REGS];
    for (unsigned i = 0; i < TT_CORE_REGS; i++)
        v[i] = 0x1000u * (i + 1) + i;
    tether_v1_CoreRegisters c;
    tt_core_regs_from_array(v, &c);
    ck_assert_uint_eq(c.sp, v[TT_CORE_SP]);
    ck_assert_uint_eq(c.pc, v[TT_CORE_PC]);
    ck_assert_uint_eq(c.xpsr, v[TT_CORE_XPSR]);
    ck_assert_uint_eq(c.control, v[TT_CORE_CONTROL]);
    tt_core_regs_to_array(&c, back);
    ck_assert_mem_eq(back, v, sizeof v);
}
END_TEST

/* [LIM-003]: the body field of an undecodable Message with a well-formed top level. */
START_TEST(body_field_of_undecodable)
{
    /* request_id 5, ota_begin (70) of 2 bytes */
    static const uint8_t begin[] = {0x08, 0x05, 0xB2, 0x04, 0x02, 0x0A, 0x00};
    static const uint8_t ping[] = {0x08, 0x05, 0x52, 0x00}; /* field 10, empty */
    static const uint8_t only_id[] = {0x08, 0x05};
    static const uint8_t bad_type[] = {0x08, 0x05, 0xB5, 0x04, 0, 0, 0, 0}; /* 32-bit */
    ck_assert_uint_eq(tt_msg_body_field(begin, sizeof begin), 70);
    ck_assert_uint_eq(tt_msg_body_field(ping, sizeof ping), 10);
    ck_assert_uint_eq(tt_msg_body_field(only_id, sizeof only_id), 0);
    ck_assert_uint_eq(tt_msg_body_field(bad_type, sizeof bad_type), 0);
    for (size_t k = 0; k < sizeof begin; k++) /* every truncation: the length runs out */
        ck_assert_uint_eq(tt_msg_body_field(begin, k), 0);
    ck_assert_uint_eq(tt_msg_body_field(NULL, 0), 0);
}
END_TEST

int main(void)
{
Suite *s = suite_create("messages");
    TCase *t = tcase_create("codec");
    tcase_add_test(t, vectors_round_trip);
    tcase_add_test(t, register_numbering);
    tcase_add_loop_test(t, malformed_table, 0, (int)(sizeof bad / sizeof bad[0]));
    tcase_add_test(t, truncations);
    tcase_add_test(t, encode_errors);
    tcase_add_loop_test(t, odd_but_valid, 0, (int)(sizeof odd / sizeof odd[0]));
    tcase_add_loop_test(t, limits_boundaries, 0, (int)(sizeof lim / sizeof lim[0]));
    tcase_add_test(t, repeated_boundaries);
    tcase_add_test(t, max_size_instances);
    tcase_add_test(t, reply_id_vectors);
    tcase_add_test(t, body_field_of_undecodable);
    suite_add_tcase(s, t);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? 1 : 0;
}
