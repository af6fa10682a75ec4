/* uart.c — the supervisor's link on mps2-an505: CMSDK UART0, Secure, interrupt-driven.
 *
 * The RX interrupt empties the UART into the shared ring (../armv8m/link_ring.c) and asks
 * for the service loop (parking the app if it runs) when the ring says a frame may be
 * complete; the TX interrupt refills the UART from
 * the ring. QEMU raises TX only when a byte completes, so writers and the tick start an idle
 * transmitter (armv8m_link_kick). The app cannot reach this UART: the PPC keeps it Secure
 * (NS writes are dropped). Supplies the UART half of ../armv8m/chip.h. Depends on an505.h. */
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

/* The link rings (../armv8m/link_ring.c): 4 KiB each, a power of two. */
uint8_t chip_link_rx_buf[4096], chip_link_tx_buf[4096];
const uint32_t chip_link_ring_size = sizeof chip_link_rx_buf;
const uint32_t chip_link_tx_size = sizeof chip_link_tx_buf;

void an505_uart_init(void)
{
    REG32(UART0 + UART_BAUDDIV) = 16u;
    REG32(UART0 + UART_CTRL) = CTRL_TXEN | CTRL_RXEN | CTRL_RXINT | CTRL_TXINT;
    REG32(NVIC_ISER(1)) = (1u << 0) | (1u << 1); /* IRQ 32, 33 */
}

void UART0RX_Handler(void)
{
    int wake = 0;
    REG32(UART0 + UART_INT) = INT_RX; /* clear first: a byte arriving later re-raises it */
    while (REG32(UART0 + UART_STATE) & STATE_RXFULL)
        wake |= armv8m_link_rx_byte((uint8_t)REG32(UART0 + UART_DATA));
    if (wake) /* else the 10 ms tick serves the bytes: no service turn per byte */
        armv8m_request_service();
}

void UART0TX_Handler(void)
{
    REG32(UART0 + UART_INT) = INT_TX;
    armv8m_link_tx_fill();
}

int chip_uart_tx_ready(void)
{
    return !(REG32(UART0 + UART_STATE) & STATE_TXFULL);
}

void chip_uart_tx_put(uint8_t b)
{
    REG32(UART0 + UART_DATA) = b;
}

/* TXINT stays enabled: the CMSDK UART raises it only when a byte completes. */
void chip_uart_tx_pending(int more)
{
    (void)more;
}

void an505_uart_write_polled(const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        while (REG32(UART0 + UART_STATE) & STATE_TXFULL) {
        }
        REG32(UART0 + UART_DATA) = p[i];
    }
}
