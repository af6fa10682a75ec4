/* link.c — the supervisor's byte-stream link: framing in, framing out ([FRM-*]).
 *
 * Bytes from the port's link go through the streaming frame decoder; each verified frame is
 * one packet. Outgoing packets are framed into a transmit queue that is drained into the
 * port's (interrupt-driven) ring without ever blocking the service loop; a packet is framed
 * straight into the queue's free tail. When the queue is full the packet is dropped and recovered like a lost one (reliability resend, client
 * handshake retransmission). An incomplete candidate is given up once the link has been
 * silent for TT_FRAME_IDLE_MS ([FRM-013]). The link does not report reconnects (a TCP or UART cut is
 * invisible here); a half frame from an old connection is resynchronised by the decoder and
 * the retransmission timer covers what was lost. Depends on internal.h, framing.h, port.h. */
#include <string.h>

#include "internal.h"

/* Hands every verified frame the decoder holds to the packet layer. */
static void deliver(struct tt_sup *s)
{
    const uint8_t *p;
    size_t plen;
    while (tt_frame_pop(&s->dec, &p, &plen) == TT_OK) {
        /* The frame lives in the decoder until the next push: copy it out, since handling
         * may send (and the packet buffer is ours). */
        memcpy(s->inpkt, p, plen);
        sup_on_packet(s, s->inpkt, plen);
    }
}

void sup_link_input(struct tt_sup *s)
{
    uint8_t in[128];
    size_t got = 0;
    unsigned rounds = 0;
    /* Bounded per turn so a flood cannot starve timers and the app. */
    for (; rounds < 32 && (got = tt_port_link_read(in, sizeof in)) > 0; rounds++) {
        size_t off = 0;
        /* the clock now, not the turn's start: a handshake handled earlier in this turn
         * may have taken seconds */
        s->link_rx_ms = tt_port_time_ms();
        while (off < got) {
            size_t used = 0;
            tt_err e = tt_frame_push(&s->dec, in + off, got - off, &used);
            off += used;
            deliver(s);
            if (e == TT_ERR_FRAME_NONE && used == 0)
                break;
        }
    }
    /* [FRM-013]: a silent link completes no candidate; give up the ones a flood left
     * pending so a frame buffered behind them is handled now, not ~1400 bytes later. Only
     * once the port had nothing more (got == 0): silence is measured up to an empty read. */
    if (got == 0 && tt_port_time_ms() - s->link_rx_ms >= TT_FRAME_IDLE_MS) {
        tt_frame_decoder_idle(&s->dec);
        deliver(s);
    }
}

void sup_link_send(struct tt_sup *s, const uint8_t *pkt, size_t len)
{
    size_t n;
    sup_link_flush(s);
    /* Framed straight into the queue's free tail: no frame-sized copy buffer. A packet the
     * encoder refuses (length) or that does not fit the room left is dropped alike. */
    if (tt_frame_encode(pkt, len, s->txq + s->txq_len, sizeof s->txq - s->txq_len, &n) !=
        TT_OK) {
        s->tx_dropped++;
        return;
    }
    s->txq_len += n;
    sup_link_flush(s);
}

void sup_link_flush(struct tt_sup *s)
{
    if (s->txq_len == 0)
        return;
    size_t w = tt_port_link_write(s->txq, s->txq_len);
    if (w == 0)
        return;
    memmove(s->txq, s->txq + w, s->txq_len - w);
    s->txq_len -= w;
}
