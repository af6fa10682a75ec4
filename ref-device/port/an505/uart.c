/* uart.c — the supervisor's link on mps2-an505: CMSDK UART0, Secure, interrupt-driven.
 *
 * The RX interrupt empties the UART into a ring and asks for the service loop (parking the
 * app if it runs); the TX interrupt refills the UART from a ring. QEMU raises TX only when a
 * byte completes, so a writer starts an idle transmitter itself (an505_uart_kick). The app
 * cannot reach this UART: the PPC keeps it Secure (NS writes are dropped). Implements the
 * link half of port.h. Depends on an505.h. */
#include "an505.h"

#define UART0 0x50200000u
#define UART_DATA 0x00u
#define UART_STATE 0x04u
#define UART_CTRL 0x08u
#define UART_INT 0x0Cu
#define UART_BAUDDIV 0x10u
#define STATE_TXFULL 1u
#define STATE_RXFULL 2u
#define CTRL_TXEN 1u
#define CTRL_RXEN 2u
#define CTRL_TXINT 4u
#define CTRL_RXINT 8u
#define INT_TX 1u
#define INT_RX 2u

#define RING 4096u /* power of two */

struct ring {
    uint8_t buf[RING];
    volatile uint32_t head, tail; /* head: next write (producer), tail: next read */
};

static struct ring rx, tx;
static volatile uint32_t rx_dropped;

void an505_uart_init(void)
{
    REG32(UART0 + UART_BAUDDIV) = 16u;
    REG32(UART0 + UART_CTRL) = CTRL_TXEN | CTRL_RXEN | CTRL_RXINT | CTRL_TXINT;
    REG32(NVIC_ISER(1)) = (1u << 0) | (1u << 1); /* IRQ 32, 33 */
}

void UART0RX_Handler(void)
{
    REG32(UART0 + UART_INT) = INT_RX; /* clear first: a byte arriving later re-raises it */
    while (REG32(UART0 + UART_STATE) & STATE_RXFULL) {
        uint8_t b = (uint8_t)REG32(UART0 + UART_DATA);
        if (rx.head - rx.tail < RING) {
            rx.buf[rx.head % RING] = b;
            rx.head++;
        } else {
            rx_dropped++;
        }
    }
    an505_request_service();
}

/* Moves bytes from the tx ring into the UART while it takes them. Called with the TX
 * interrupt unable to preempt (from the handler itself or with interrupts masked). */
static void tx_fill(void)
{
    while (tx.tail != tx.head && !(REG32(UART0 + UART_STATE) & STATE_TXFULL)) {
        REG32(UART0 + UART_DATA) = tx.buf[tx.tail % RING];
        tx.tail++;
    }
}

void UART0TX_Handler(void)
{
    REG32(UART0 + UART_INT) = INT_TX;
    tx_fill();
}

void an505_uart_kick(void)
{
    __asm__ volatile("cpsid i" ::: "memory");
    tx_fill();
    __asm__ volatile("cpsie i" ::: "memory");
}

size_t tt_port_link_read(uint8_t *buf, size_t cap)
{
    size_t n = 0;
    while (n < cap && rx.tail != rx.head) {
        buf[n++] = rx.buf[rx.tail % RING];
        rx.tail++;
    }
    return n;
}

size_t tt_port_link_write(const uint8_t *buf, size_t len)
{
    size_t n = 0;
    while (n < len && tx.head - tx.tail < RING) {
        tx.buf[tx.head % RING] = buf[n++];
        tx.head++;
    }
    an505_uart_kick();
    return n;
}

void an505_link_puts(const char *s)
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
