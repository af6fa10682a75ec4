/* link_ring.c — the supervisor's link on an ARMv8-M chip: the byte rings between the link
 * UART's interrupt and the service loop (the link half of port.h).
 *
 * The chip's RX interrupt hands each byte to armv8m_link_rx_byte (dropped and counted when
 * the ring is full: the framing layer's CRCs and retransmissions cover the loss) and asks
 * for the service loop only when that says a frame may be complete (lib's frame-end watch,
 * [FRM-013]) or the ring is half full: a service turn per byte made a flood of garbage cost
 * ~4x more than the link's own delivery (issue 15 §4); everything else waits for the tick; its TX interrupt calls armv8m_link_tx_fill. A writer starts an idle
 * transmitter itself (armv8m_link_kick), since some UARTs raise TX only when a byte
 * completes. The UART registers are the chip's (chip.h: chip_uart_*), and so are the ring
 * sizes. Depends on armv8m.h. */
#include "armv8m.h"
#include "tether/framing.h"

/* head: next write (producer), tail: next read; free-running, so a full ring is
 * head - tail == its size (chip_link_ring_size for rx, chip_link_tx_size for tx). */
static volatile uint32_t rx_head, rx_tail, tx_head, tx_tail;
static volatile uint32_t rx_dropped;

/* [FRM-013]: the decoder runs once per candidate frame, not once per byte. */
static struct tt_frame_watch rx_watch;

int armv8m_link_rx_byte(uint8_t b)
{
    if (rx_head - rx_tail < chip_link_ring_size) {
        chip_link_rx_buf[rx_head % chip_link_ring_size] = b;
        rx_head++;
    } else {
        rx_dropped++;
    }
    /* A frame may be complete, or the ring is half full (drain it before it overflows). */
    return tt_frame_watch_byte(&rx_watch, b) || rx_head - rx_tail >= chip_link_ring_size / 2u;
}

/* Moves bytes from the tx ring into the UART while it takes them. Called with the TX
 * interrupt unable to preempt (from the handler itself or with interrupts masked). */
void armv8m_link_tx_fill(void)
{
    while (tx_tail != tx_head && chip_uart_tx_ready()) {
        chip_uart_tx_put(chip_link_tx_buf[tx_tail % chip_link_tx_size]);
        tx_tail++;
    }
    chip_uart_tx_pending(tx_tail != tx_head);
}

void armv8m_link_kick(void)
{
    __asm__ volatile("cpsid i" ::: "memory");
    armv8m_link_tx_fill();
    __asm__ volatile("cpsie i" ::: "memory");
}

size_t tt_port_link_read(uint8_t *buf, size_t cap)
{
    size_t n = 0;
    while (n < cap && rx_tail != rx_head) {
        buf[n++] = chip_link_rx_buf[rx_tail % chip_link_ring_size];
        rx_tail++;
    }
    return n;
}

size_t tt_port_link_write(const uint8_t *buf, size_t len)
{
    size_t n = 0;
    while (n < len && tx_head - tx_tail < chip_link_tx_size) {
        chip_link_tx_buf[tx_head % chip_link_tx_size] = buf[n++];
        tx_head++;
    }
    armv8m_link_kick();
    return n;
}

void armv8m_link_puts(const char *s)
{
    size_t len = 0;
    while (s[len])
        len++;
    while (len > 0) {
        size_t n = tt_port_link_write((const uint8_t *)s, len);
        s += n;
        len -= n;
        if (len > 0)
            __asm__ volatile("wfi");
    }
}
