/* ota_sender.c — fuzz harness for the client's side of an OTA transfer (lib/ota/sender.c,
 * the engine `tether ota push` runs) facing a hostile device: OtaBeginReply, OtaChunkAck,
 * Error events about chunks and OtaStatusReply, as Message bytes the client decodes or as
 * structured values, interleaved with the client asking for chunks to send.
 *
 * Input: image size (3 bytes, LE; 0 is taken as 1), chunk size selector (64 << (b % 5)),
 * then ops (common.h layout), op % 5:
 *   0 Message bytes from the device, decoded with tt_msg_decode and handled as ota_push.c
 *     does (begin reply -> begun, chunk ack -> acked, error -> chunk_error; a status reply
 *     is decoded and not acted on: the push only displays it)
 *   1 the client sends: up to chunk[0] calls of tt_ota_sender_next
 *   2 OtaChunkAck{cumulative (4 LE), bitmap (8 LE)}   3 OtaBeginReply{resume (4), window (4)}
 *   4 Error{code (4), offset (4)} about a chunk
 * Invariants after every op ([OTA-012], [OTA-015], [OTA-017], [OTA-091], [OTA-133]):
 *  - a report the engine refuses changes nothing (engine and chunk states byte for byte),
 *    except TT_ERR_STATE about a chunk in flight: the transfer session ended, so nothing
 *    is in flight and nothing is sent until the next OtaBeginReply;
 *  - an accepted OtaChunkAck never moves the cumulative offset or the stored bytes back;
 *  - every chunk handed out is a chunk of the image (offset a multiple of chunk_size below
 *    image_size, exactly its length), was not known stored, and lies below cumulative +
 *    window: no chunk in flight is ever beyond the window the device granted;
 *  - nothing is sent before an OtaBeginReply; stored bytes never exceed the image; done iff
 *    every byte is reported stored.
 * Depends on ota_sender.h, messages.h. */
#include <string.h>

#include "common.h"
#include "tether/messages.h"
#include "tether/ota_sender.h"

#define MAX_CHUNKS 4096u

static struct tt_ota_sender s;
static uint8_t st[MAX_CHUNKS];

struct snapshot {
    struct tt_ota_sender s;
    uint8_t st[MAX_CHUNKS];
};

static void take(struct snapshot *o)
{
    o->s = s;
    memcpy(o->st, st, sizeof st);
}

static int unchanged(const struct snapshot *o)
{
    return !memcmp(&o->s, &s, sizeof s) && !memcmp(o->st, st, sizeof st);
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The engine's view checked against what the spec allows it to do. */
static void check_state(void)
{
    uint32_t stored = tt_ota_sender_stored_bytes(&s);
    FUZZ_CHECK(stored <= s.image_size, "OTA-015", "more bytes stored than the image has");
    FUZZ_CHECK(tt_ota_sender_done(&s) == (stored == s.image_size), "OTA-015",
               "done does not mean every byte stored");
    for (uint32_t i = 0; i < s.nchunks; i++) {
        FUZZ_CHECK(st[i] <= TT_OTA_STORED, "OTA-012", "a chunk state out of range");
        FUZZ_CHECK(st[i] != TT_OTA_SENT || (s.window && i < (uint64_t)s.cum_chunks + s.window), "OTA-012",
                   "a chunk in flight beyond cumulative + window");
        FUZZ_CHECK(i >= s.cum_chunks || st[i] == TT_OTA_STORED, "OTA-015",
                   "a chunk below the cumulative offset not stored");
    }
}

static void report(tt_err e, const struct snapshot *before)
{
    if (e != TT_OK)
        FUZZ_CHECK(unchanged(before), "OTA-017", "a refused report changed the sender");
}

static void on_ack(uint32_t cum, uint64_t bitmap)
{
    struct snapshot b;
    take(&b);
    uint32_t stored0 = tt_ota_sender_stored_bytes(&s), cum0 = s.cum_chunks;
    tt_err e = tt_ota_sender_acked(&s, cum, bitmap);
    report(e, &b);
    if (e == TT_OK)
        FUZZ_CHECK(s.cum_chunks >= cum0 && tt_ota_sender_stored_bytes(&s) >= stored0, "OTA-014",
                   "an accepted ack moved the transfer backwards");
}

static void on_begin(uint32_t resume, uint32_t window)
{
    struct snapshot b;
    take(&b);
    tt_err e = tt_ota_sender_begun(&s, resume, window);
    report(e, &b);
    if (e == TT_OK)
        FUZZ_CHECK(s.window == window && tt_ota_sender_stored_bytes(&s) == resume, "OTA-091",
                   "after a begin reply the stored bytes are not resume_offset");
}

static void on_error(uint32_t code, uint32_t offset)
{
    struct snapshot b;
    take(&b);
    uint32_t stored0 = tt_ota_sender_stored_bytes(&s);
    tt_err e = tt_ota_sender_chunk_error(&s, code, offset);
    if (e == TT_OK && code == TT_ERR_STATE) /* about no chunk in flight: from before */
        FUZZ_CHECK(unchanged(&b), "OTA-133", "a stale state error changed the sender");
    else if (e == TT_OK)
        FUZZ_CHECK(code == TT_ERR_STORAGE, "OTA-013", "an error other than storage was absorbed");
    else if (e == TT_ERR_STATE && code == TT_ERR_STATE && !unchanged(&b))
        /* the transfer session ended: nothing in flight or sent until a new begin reply,
         * what was reported stored still counts until then */
        FUZZ_CHECK(s.window == 0 && tt_ota_sender_stored_bytes(&s) == stored0, "OTA-133",
                   "a transfer session that ended left chunks to send");
    else
        FUZZ_CHECK(unchanged(&b), "OTA-017", "a failed transfer changed the sender");
}

static void send_some(unsigned n)
{
    for (unsigned k = 0; k < n; k++) {
        uint32_t off = 0xFFFFFFFFu, len = 0;
        uint32_t cum = s.cum_chunks, win = s.window;
        if (!tt_ota_sender_next(&s, &off, &len))
            return;
        FUZZ_CHECK(win != 0, "OTA-012", "a chunk sent before an OtaBeginReply");
        FUZZ_CHECK(off % s.chunk_size == 0 && off < s.image_size, "OTA-022",
                   "a chunk offset that names no chunk");
        uint32_t i = off / s.chunk_size;
        FUZZ_CHECK(len == tt_ota_chunk_len(s.image_size, s.chunk_size, i), "OTA-022",
                   "a chunk of the wrong length");
        FUZZ_CHECK(i < (uint64_t)cum + win, "OTA-012", "a chunk at or beyond cumulative + window");
        FUZZ_CHECK(st[i] == TT_OTA_SENT, "OTA-017", "a chunk handed out not marked in flight");
    }
}

static void on_message(const uint8_t *p, size_t n)
{
    static tether_v1_Message m;
    if (n > TT_MESSAGE_MAX_LEN || tt_msg_decode(p, n, &m) != TT_OK)
        return; /* the driver drops what does not decode */
    switch (m.which_body) {
    case tether_v1_Message_ota_begin_reply_tag:
        on_begin(m.body.ota_begin_reply.resume_offset, m.body.ota_begin_reply.window_chunks);
        break;
    case tether_v1_Message_ota_chunk_ack_tag:
        on_ack(m.body.ota_chunk_ack.cumulative_offset, m.body.ota_chunk_ack.selective_bitmap);
        break;
    case tether_v1_Message_error_tag:
        on_error(m.body.error.code, m.body.error.detail);
        break;
    default: /* an OtaStatusReply is decoded (above) and only displayed by ota_push.c */
        break;
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0; /* nothing to set up: every input starts a new transfer */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_reader r;
    const uint8_t *chunk;
    size_t len;
    uint8_t op;
    if (size < 4)
        return 0;
    uint32_t image = (uint32_t)data[0] | (uint32_t)data[1] << 8 | (uint32_t)data[2] << 16;
    uint32_t cs = 64u << (data[3] % 5);
    if (image == 0)
        image = 1;
    memset(&s, 0, sizeof s);
    memset(st, 0xEE, sizeof st);
    if (tt_ota_chunk_count(image, cs) > MAX_CHUNKS)
        return 0; /* a manifest the device refuses at check 6 ([OTA-090]) */
    FUZZ_CHECK(tt_ota_sender_init(&s, image, cs, st, sizeof st) == TT_OK, "OTA-022",
               "a valid image and chunk size refused");
    r.p = data + 4;
    r.left = size - 4;
    while (fuzz_next_op(&r, TT_MESSAGE_MAX_LEN, &op, &chunk, &len)) {
        switch (op % 5) {
        case 0: on_message(chunk, len); break;
        case 1: send_some(len ? chunk[0] : 1); break;
        case 2:
            if (len >= 12)
                on_ack(le32(chunk), (uint64_t)le32(chunk + 4) | (uint64_t)le32(chunk + 8) << 32);
            break;
        case 3:
            if (len >= 8)
                on_begin(le32(chunk), le32(chunk + 4));
            break;
        default:
            if (len >= 8)
                on_error(le32(chunk), le32(chunk + 4));
            break;
        }
        check_state();
    }
    return 0;
}
