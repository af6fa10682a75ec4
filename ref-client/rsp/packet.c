/* packet.c — RSP framing: `$payload#cs` in both directions, acks, no-ack mode, binary
 * escapes and the out-of-band Ctrl-C byte.
 *
 * Input is a byte-at-a-time state machine (IDLE → DATA → CSUM1 → CSUM2) that unescapes
 * `}x` as x ^ 0x20 while summing the raw bytes, so an oversized packet is still checksummed
 * and answered (E03) instead of being NAKed forever. A '$' inside a packet starts a new
 * one (GDB resynchronises that way). '*' is an ordinary byte in input: GDB never
 * run-length encodes what it sends, and the command parser rejects it where hex is due.
 * Output packets are queued whole; the last one is kept for a retransmission on '-'.
 * Depends on rsp.h. */
#include <string.h>

#include "rsp_internal.h"

static const char hexdig[] = "0123456789abcdef";

int tt_rsp_hexval(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

size_t tt_rsp_tohex(char *out, const uint8_t *in, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = hexdig[in[i] >> 4];
        out[2 * i + 1] = hexdig[in[i] & 15];
    }
    return 2 * len;
}

/* Room a reply may need: one ack, a full packet and a console-output packet before it. */
#define REPLY_ROOM (TT_RSP_PACKET_MAX + 16)

static tt_err put_raw(struct tt_rsp *r, const uint8_t *p, size_t n)
{
    if (n > sizeof r->out - r->out_len)
        return TT_ERR_NO_SPACE;
    memcpy(r->out + r->out_len, p, n);
    r->out_len += n;
    return TT_OK;
}

/* Frame `data` (already escaped where needed) and queue it. */
static tt_err frame(struct tt_rsp *r, const uint8_t *data, size_t len)
{
    if (len > TT_RSP_PACKET_MAX || len + 4 > sizeof r->out - r->out_len)
        return TT_ERR_NO_SPACE;
    uint8_t sum = 0;
    for (size_t i = 0; i < len; i++)
        sum = (uint8_t)(sum + data[i]);
    size_t start = r->out_len;
    r->out[r->out_len++] = '$';
    memcpy(r->out + r->out_len, data, len);
    r->out_len += len;
    r->out[r->out_len++] = '#';
    r->out[r->out_len++] = (uint8_t)hexdig[sum >> 4];
    r->out[r->out_len++] = (uint8_t)hexdig[sum & 15];
    r->last_len = r->out_len - start;
    memcpy(r->last, r->out + start, r->last_len);
    return TT_OK;
}

void tt_rsp_put_packet(struct tt_rsp *r, const uint8_t *data, size_t len)
{
    /* Binary-safe: escape the four bytes GDB treats specially in a reply. */
    uint8_t buf[TT_RSP_PACKET_MAX];
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        uint8_t c = data[i];
        bool esc = c == '$' || c == '#' || c == '}' || c == '*';
        if (n + 1u + esc > sizeof buf) {
            r->stats.lost_replies++;
            return;
        }
        if (esc) {
            buf[n++] = '}';
            c ^= 0x20;
        }
        buf[n++] = c;
    }
    if (frame(r, buf, n) != TT_OK)
        r->stats.lost_replies++;
}

void tt_rsp_put_str(struct tt_rsp *r, const char *s)
{
    tt_rsp_put_packet(r, (const uint8_t *)s, strlen(s));
}

void tt_rsp_put_error(struct tt_rsp *r, enum tt_rsp_error e)
{
    char s[4] = {'E', hexdig[(e >> 4) & 15], hexdig[e & 15], 0};
    r->stats.errors++;
    tt_rsp_put_str(r, s);
}

size_t tt_rsp_output(struct tt_rsp *r, uint8_t *buf, size_t cap)
{
    size_t n = r->out_len < cap ? r->out_len : cap;
    memcpy(buf, r->out, n);
    memmove(r->out, r->out + n, r->out_len - n);
    r->out_len -= n;
    return n;
}

static void put_ack(struct tt_rsp *r, char c)
{
    uint8_t b = (uint8_t)c;
    if (put_raw(r, &b, 1) != TT_OK)
        r->stats.lost_replies++;
}

static void interrupt(struct tt_rsp *r)
{
    /* Ctrl-C: only meaningful while running; the stop (SIGINT) comes via tt_rsp_stopped.
     * A failed halt is reported as a stop of its own so GDB is not left waiting. */
    if (!r->running)
        return;
    r->stats.backend_calls++;
    if (r->be.halt(r->be.ctx) != TT_OK)
        tt_rsp_put_error(r, TT_RSP_E_TARGET);
}

/* A complete packet arrived: check it, ack it, run it. */
static void finish_packet(struct tt_rsp *r, int sent_sum)
{
    r->in_state = TT_RSP_IN_IDLE;
    if (sent_sum < 0 || (uint8_t)sent_sum != r->in_sum) {
        r->stats.bad_checksum++;
        if (!r->noack)
            put_ack(r, '-'); /* GDB resends */
        else
            tt_rsp_put_error(r, TT_RSP_E_CHECKSUM); /* no resend in no-ack mode */
        return;
    }
    if (!r->noack)
        put_ack(r, '+');
    r->stats.packets++;
    if (r->in_overflow)
        tt_rsp_put_error(r, TT_RSP_E_TOO_LONG);
    else if (r->in_escape_open)
        tt_rsp_put_error(r, TT_RSP_E_SYNTAX); /* '}' with nothing to escape */
    else
        tt_rsp_dispatch(r, r->in, r->in_len);
}

tt_err tt_rsp_input(struct tt_rsp *r, const uint8_t *buf, size_t len, size_t *used)
{
    size_t i = 0;
    tt_err err = TT_OK;
    for (; i < len; i++) {
        uint8_t c = buf[i];
        if (sizeof r->out - r->out_len < REPLY_ROOM) {
            err = TT_ERR_NO_SPACE; /* drain the output, then push the rest */
            break;
        }
        switch (r->in_state) {
        case TT_RSP_IN_IDLE:
            if (c == '$') {
                r->in_state = TT_RSP_IN_DATA;
                r->in_len = 0;
                r->in_sum = 0;
                r->in_overflow = r->in_escape_open = false;
            } else if (c == 0x03) {
                interrupt(r);
            } else if (c == '-' && !r->noack && r->last_len) {
                if (put_raw(r, r->last, r->last_len) != TT_OK)
                    r->stats.lost_replies++;
            } /* '+' and line noise between packets are ignored */
            break;
        case TT_RSP_IN_DATA:
            if (c == '#') {
                r->in_state = TT_RSP_IN_CSUM1;
                break;
            }
            if (c == '$') { /* resync: a new packet starts */
                r->in_len = 0;
                r->in_sum = 0;
                r->in_overflow = r->in_escape_open = false;
                break;
            }
            r->in_sum = (uint8_t)(r->in_sum + c);
            if (r->in_escape_open) {
                c ^= 0x20;
                r->in_escape_open = false;
            } else if (c == '}') {
                r->in_escape_open = true;
                break;
            }
            if (r->in_len < sizeof r->in)
                r->in[r->in_len++] = c;
            else
                r->in_overflow = true;
            break;
        case TT_RSP_IN_CSUM1:
            r->in_csum = c;
            r->in_state = TT_RSP_IN_CSUM2;
            break;
        case TT_RSP_IN_CSUM2: {
            int hi = tt_rsp_hexval(r->in_csum), lo = tt_rsp_hexval(c);
            finish_packet(r, hi < 0 || lo < 0 ? -1 : hi * 16 + lo);
            break;
        }
        default:
            r->in_state = TT_RSP_IN_IDLE;
        }
    }
    if (used)
        *used = i;
    return err;
}
