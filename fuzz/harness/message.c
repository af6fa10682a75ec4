/* message.c — fuzz harness for the message codecs (lib/msg over the nanopb code generated
 * from proto/tether.proto): every message that arrives from outside decoded with exact
 * lengths, then re-encoded.
 *
 * Input: one selector byte (which top-level message: the record-borne tether.v1.Message
 * through tt_msg_decode, or one of the messages parsed on their own — handshake hellos,
 * grants, revocation floors, manifests, evidence), then the encoding. Invariants:
 *  - a decoded message re-encodes, and decode → encode → decode → encode is a fixed point:
 *    the two structs are byte-identical and the two encodings equal ([SEC-15], [MSG-001..005]);
 *  - a decoded tether.v1.Message has a known body ([VER-004]) and its canonical encoding
 *    fits a record ([SEC-13]: TT_MESSAGE_MAX_LEN);
 *  - the reply id of any input is computed within its bytes, and for the canonical encoding
 *    of a decoded Message it is its request_id (0 for an OtaChunk) ([MSG-015]).
 * nanopb's runtime is compiled into the fuzz builds so its decoder is instrumented too.
 * Depends on messages.h. */
#include <string.h>

#include "common.h"
#include "tether/messages.h"

struct kind {
    const pb_msgdesc_t *fields;
    size_t size;
};

#define K(T) {tether_v1_##T##_fields, sizeof(tether_v1_##T)}
static const struct kind kinds[] = {
    {NULL, sizeof(tether_v1_Message)}, /* 0: tt_msg_decode */
    K(ClientHello), K(HandshakeReply), K(GrantBody), K(SignedGrant), K(RevocationFloorBody),
    K(RaiseRevocationFloor), K(Manifest), K(SignedManifest), K(Evidence),
};
#define NKINDS (sizeof kinds / sizeof kinds[0])

union any {
    tether_v1_Message m;
    tether_v1_ClientHello ch;
    tether_v1_HandshakeReply hr;
    tether_v1_GrantBody gb;
    tether_v1_SignedGrant sg;
    tether_v1_RevocationFloorBody rfb;
    tether_v1_RaiseRevocationFloor rrf;
    tether_v1_Manifest mf;
    tether_v1_SignedManifest smf;
    tether_v1_Evidence ev;
};

static tt_err dec(const struct kind *k, const uint8_t *in, size_t len, union any *out)
{
    memset(out, 0, sizeof *out);
    if (k->fields == NULL)
        return tt_msg_decode(in, len, &out->m);
    return tt_pb_decode(k->fields, in, len, out);
}

static tt_err enc(const struct kind *k, const union any *in, uint8_t *out, size_t cap,
                  size_t *outlen)
{
    if (k->fields == NULL)
        return tt_msg_encode(&in->m, out, cap, outlen);
    return tt_pb_encode(k->fields, in, out, cap, outlen);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static union any a, c, e2;
    static uint8_t b[8192], d[8192];
    const struct kind *k;
    size_t bn, dn;
    if (size < 1)
        return 0;
    k = &kinds[data[0] % NKINDS];
    /* Reads only within the input (ASan), on every input, decodable or not ([MSG-015]). */
    (void)tt_msg_reply_id(data + 1, size - 1);
    if (dec(k, data + 1, size - 1, &a) != TT_OK)
        return 0;
    FUZZ_CHECK(enc(k, &a, b, sizeof b, &bn) == TT_OK, "SEC-15", "decoded message re-encodes");
    FUZZ_CHECK(dec(k, b, bn, &c) == TT_OK, "SEC-15", "canonical encoding decodes");
    FUZZ_CHECK(enc(k, &c, d, sizeof d, &dn) == TT_OK && dn == bn && memcmp(b, d, bn) == 0,
               "SEC-15", "encode(decode(encode(x))) differs");
    FUZZ_CHECK(dec(k, d, dn, &e2) == TT_OK && memcmp(&c, &e2, k->size) == 0, "SEC-15",
               "decode is not a fixed point");
    if (k->fields == NULL) {
        FUZZ_CHECK(a.m.which_body != 0 && bn <= TT_MESSAGE_MAX_LEN, "SEC-13",
                   "Message without a body or larger than a record");
        /* The canonical encoding walks whole: its reply id is the request_id. (The input
         * itself may not: nanopb skips unknown varints of any length, the walk stops at
         * 10 bytes; the device answers a decoded Message with its request_id anyway.) */
        uint32_t want = a.m.which_body == tether_v1_Message_ota_chunk_tag ? 0 : a.m.request_id;
        FUZZ_CHECK(tt_msg_reply_id(b, bn) == want, "MSG-015",
                   "reply id of a canonical Message is not its request_id");
    }
    return 0;
}
