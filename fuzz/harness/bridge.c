/* bridge.c — fuzz harness for the relay's data paths (relay/bridge_path.c and the client's
 * MQTT binding, ref-client/conn/mqtt_binding.c): what a modem bridge and an MQTT client do
 * with bytes they did not choose.
 *
 * Input: a sequence of operations (common.h's reader), op % 3 picks the path:
 *  0  UART bytes -> messages: the chunk is a device byte stream, fed in pieces whose sizes
 *     come from its first byte. Invariants: every message is 1..1400 bytes ([MTB-001]); the
 *     messages are exactly those of the same stream fed in one piece ([FRM-008]: merged or
 *     split input changes nothing); each message framed again decodes to itself ([MTB-010]:
 *     no merge, split or change).
 *  1  message -> frame: the chunk (0..2000 bytes) is one broker message. Empty or longer than
 *     1400 bytes: refused, nothing written ([MTB-001]). Otherwise one frame of len + 9 bytes
 *     that a fresh decoder turns back into exactly the message; all frames of the input
 *     concatenated decode to the same sequence of messages.
 *  2  broker message -> client packet: the first byte picks the topic (the subscribed up
 *     topic, down, presence, another device's up, or bytes from the input); the rest is the
 *     payload. Queued iff the topic is the subscribed one, 1..1400 bytes and the queue has
 *     room; every drop is counted once; what tt_mqtt_take returns is byte for byte what was
 *     queued, in order ([MTB-004]: nothing derived from the payload).
 * Depends on lib/framing, relay/bridge_path.c, ref-client/conn/mqtt_binding.c. */
#include <stdio.h>
#include <string.h>

#include "../../ref-client/conn/transport.h"
#include "../../relay/bridge_path.h"
#include "common.h"

#define MAX_MSGS 64

struct sink {
    uint8_t msg[MAX_MSGS][TT_FRAME_MAX_PAYLOAD];
    size_t len[MAX_MSGS];
    unsigned n, overflow;
};

static struct sink whole, pieces, refr;
static struct tt_frame_decoder dec;
static struct tt_mqtt mq;
static const uint8_t dev_id[16] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                                   0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};

static tt_err collect(void *ctx, const uint8_t *p, size_t n)
{
    struct sink *s = ctx;
    FUZZ_CHECK(n >= 1 && n <= TT_FRAME_MAX_PAYLOAD, "MTB-001", "message length out of range");
    if (s->n == MAX_MSGS) {
        s->overflow++;
        return TT_OK;
    }
    memcpy(s->msg[s->n], p, n);
    s->len[s->n++] = n;
    return TT_OK;
}

static int same(const struct sink *a, const struct sink *b)
{
    if (a->n != b->n || a->overflow != b->overflow)
        return 0;
    for (unsigned i = 0; i < a->n; i++)
        if (a->len[i] != b->len[i] || memcmp(a->msg[i], b->msg[i], a->len[i]))
            return 0;
    return 1;
}

static void uart_path(const uint8_t *chunk, size_t len)
{
    static uint8_t frame[TT_FRAME_MAX_PAYLOAD + TT_FRAME_OVERHEAD];
    size_t at = 0, step = len ? (size_t)chunk[0] % 23 + 1 : 1, fl;
    memset(&whole, 0, sizeof whole);
    memset(&pieces, 0, sizeof pieces);
    tt_frame_decoder_init(&dec);
    FUZZ_CHECK(tt_bridge_uart_in(&dec, chunk, len, collect, &whole) == TT_OK, "MTB-010",
               "uart_in failed on a whole stream");
    tt_frame_decoder_init(&dec);
    while (at < len) {
        size_t n = len - at < step ? len - at : step;
        FUZZ_CHECK(tt_bridge_uart_in(&dec, chunk + at, n, collect, &pieces) == TT_OK,
                   "MTB-010", "uart_in failed on a piece");
        at += n;
    }
    FUZZ_CHECK(same(&whole, &pieces), "FRM-008", "messages depend on how the stream was split");
    for (unsigned i = 0; i < whole.n; i++) {
        memset(&refr, 0, sizeof refr);
        FUZZ_CHECK(tt_bridge_message_out(whole.msg[i], whole.len[i], frame, sizeof frame,
                                         &fl) == TT_OK,
                   "MTB-010", "a relayed packet does not frame again");
        tt_frame_decoder_init(&dec);
        FUZZ_CHECK(tt_bridge_uart_in(&dec, frame, fl, collect, &refr) == TT_OK && refr.n == 1 &&
                       refr.len[0] == whole.len[i] &&
                       !memcmp(refr.msg[0], whole.msg[i], whole.len[i]),
                   "MTB-010", "frame -> message -> frame changed the packet");
    }
}

/* Frames of every message of one input, concatenated (checked at the end of the input). */
static uint8_t stream[8 * (TT_FRAME_MAX_PAYLOAD + TT_FRAME_OVERHEAD)];
static size_t stream_len;
static struct sink sent;

static void message_path(const uint8_t *chunk, size_t len)
{
    static uint8_t frame[TT_FRAME_MAX_PAYLOAD + TT_FRAME_OVERHEAD];
    size_t fl = 0;
    tt_err e;
    memset(frame, 0xA5, sizeof frame);
    e = tt_bridge_message_out(chunk, len, frame, sizeof frame, &fl);
    if (len == 0 || len > TT_FRAME_MAX_PAYLOAD) {
        FUZZ_CHECK(e != TT_OK && frame[0] == 0xA5, "MTB-001",
                   "an empty or oversized message was framed");
        return;
    }
    FUZZ_CHECK(e == TT_OK && fl == len + TT_FRAME_OVERHEAD, "MTB-010", "frame length wrong");
    memset(&refr, 0, sizeof refr);
    tt_frame_decoder_init(&dec);
    FUZZ_CHECK(tt_bridge_uart_in(&dec, frame, fl, collect, &refr) == TT_OK && refr.n == 1 &&
                   refr.len[0] == len && !memcmp(refr.msg[0], chunk, len),
               "MTB-010", "message -> frame -> message changed it");
    if (stream_len + fl <= sizeof stream && sent.n < MAX_MSGS) {
        memcpy(stream + stream_len, frame, fl);
        stream_len += fl;
        (void)collect(&sent, chunk, len);
    }
}

static void client_path(const uint8_t *chunk, size_t len)
{
    static uint8_t got[TT_PKT_MAX_LEN];
    char topic[TT_MQTT_TOPIC_MAX];
    const uint8_t *payload = len ? chunk + 1 : chunk;
    size_t plen = len ? len - 1 : 0, n = 0;
    unsigned before = mq.qn;
    uint32_t drops = mq.dropped_length + mq.dropped_full + mq.dropped_topic;
    int should;
    uint8_t other[16];
    tt_err e;
    switch (len ? chunk[0] % 5 : 0) {
    case 0: snprintf(topic, sizeof topic, "%s", mq.sub); break;
    case 1: snprintf(topic, sizeof topic, "%s", mq.pub); break;
    case 2: snprintf(topic, sizeof topic, "%s", mq.presence); break;
    case 3:
        memcpy(other, dev_id, 16);
        other[15] ^= 1;
        FUZZ_CHECK(tt_mqtt_topic(topic, sizeof topic, other, "up") == TT_OK, "MTB-002",
                   "topic of a valid id does not fit");
        break;
    default: { /* bytes of the input as a topic (NUL-terminated, maybe empty) */
        size_t tl = plen < sizeof topic - 1 ? plen : sizeof topic - 1;
        memcpy(topic, payload, tl);
        topic[tl] = 0;
    }
    }
    should = !strcmp(topic, mq.sub) && plen >= 1 && plen <= TT_PKT_MAX_LEN &&
             before < TT_MQTT_QUEUE;
    e = tt_mqtt_accept(&mq, topic, payload, plen);
    FUZZ_CHECK((e == TT_OK) == should, "MTB-001", "a message queued or dropped wrongly");
    FUZZ_CHECK(mq.qn == before + (should ? 1u : 0u), "MTB-001", "queue length wrong");
    FUZZ_CHECK(mq.dropped_length + mq.dropped_full + mq.dropped_topic == drops + (should ? 0u : 1u),
               "MTB-001", "a drop was not counted exactly once");
    if (should && mq.qn == 1) { /* the only one queued: take it back, byte for byte */
        FUZZ_CHECK(tt_mqtt_take(&mq, got, sizeof got, &n) == TT_OK && n == plen &&
                       !memcmp(got, payload, plen),
                   "MTB-004", "the packet taken is not the message queued");
    }
    if (mq.qn == TT_MQTT_QUEUE) /* drain in order: the oldest first */
        while (tt_mqtt_take(&mq, got, sizeof got, &n) == TT_OK)
            FUZZ_CHECK(n >= 1 && n <= TT_PKT_MAX_LEN, "MTB-001", "queued length out of range");
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_reader r = {data, size};
    const uint8_t *chunk;
    size_t len;
    uint8_t op;
    memset(&mq, 0, sizeof mq);
    if (tt_mqtt_topic(mq.sub, sizeof mq.sub, dev_id, "up") != TT_OK ||
        tt_mqtt_topic(mq.pub, sizeof mq.pub, dev_id, "down") != TT_OK ||
        tt_mqtt_topic(mq.presence, sizeof mq.presence, dev_id, "presence") != TT_OK)
        fuzz_fail(__FILE__, __LINE__, "MTB-002", "topics of the fixed id do not fit");
    stream_len = 0;
    memset(&sent, 0, sizeof sent);
    while (fuzz_next_op(&r, 2000, &op, &chunk, &len)) {
        if (op % 3 == 0)
            uart_path(chunk, len);
        else if (op % 3 == 1)
            message_path(chunk, len);
        else
            client_path(chunk, len);
    }
    /* Frames back to back, one stream: exactly the messages, none merged or split. */
    memset(&whole, 0, sizeof whole);
    tt_frame_decoder_init(&dec);
    FUZZ_CHECK(tt_bridge_uart_in(&dec, stream, stream_len, collect, &whole) == TT_OK &&
                   same(&whole, &sent),
               "MTB-010", "back-to-back frames did not give back the messages");
    return 0;
}
