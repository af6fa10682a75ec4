/* usart.c — the supervisor's link on the STM32U585: USART1, Secure, interrupt-driven.
 *
 * USART1 on PA9 (TX) / PA10 (RX), alternate function 7, is the ST-LINK virtual COM port of
 * the B-U585I-IOT02A: the relay on the host talks to the supervisor through it. A cellular
 * or Wi-Fi modem on another USART is the same code with another base, pins and IRQ. 8N1 at
 * 115200 baud from PCLK2 = 160 MHz (BRR = 160e6 / 115200, rounded). The interrupt fills an
 * rx ring and asks for the service loop (parking the app); TXEIE is on only while the tx
 * ring holds bytes. Overrun, framing and noise errors are counted and cleared (the framing
 * layer's CRCs deal with the damaged bytes). Framing (FRM) happens in the core, not here.
 * The USART is Secure (TZSC) and its interrupt priority is above the DebugMonitor's, so the
 * link keeps running while the app is stopped. Implements the link half of port.h. Depends
 * on u585.h; the rings are ../armv8m/link_ring.c. */
#include "u585.h"

#define BAUD 115200u
#define AF_USART1 7u

/* The link rings (../armv8m/link_ring.c), powers of two: rx ~90 ms of input at 115200 baud;
 * tx 512 B, ~44 ms of output, refilled from the supervisor's transmit queue every turn. */
uint8_t chip_link_rx_buf[1024], chip_link_tx_buf[512];
const uint32_t chip_link_ring_size = sizeof chip_link_rx_buf;
const uint32_t chip_link_tx_size = sizeof chip_link_tx_buf;
static volatile uint32_t line_errors;

void u585_usart_init(void)
{
    REG32(U5_RCC + RCC_AHB2ENR1) |= RCC_AHB2ENR1_GPIOAEN;
    REG32(U5_RCC + RCC_APB2ENR) |= RCC_APB2ENR_USART1EN;
    (void)REG32(U5_RCC + RCC_APB2ENR);
    uint32_t moder = REG32(U5_GPIOA + GPIO_MODER) & ~(0xFu << 18);
    REG32(U5_GPIOA + GPIO_MODER) = moder | (2u << 18) | (2u << 20); /* PA9, PA10: AF */
    uint32_t afrh = REG32(U5_GPIOA + GPIO_AFRH) & ~(0xFFu << 4);
    REG32(U5_GPIOA + GPIO_AFRH) = afrh | (AF_USART1 << 4) | (AF_USART1 << 8);

    REG32(U5_USART1 + USART_BRR) = (U585_CORE_HZ + BAUD / 2u) / BAUD;
    REG32(U5_USART1 + USART_CR3) = USART_CR3_EIE;
    REG32(U5_USART1 + USART_CR1) = USART_CR1_UE | USART_CR1_RE | USART_CR1_TE | USART_CR1_RXNEIE;
    REG32(NVIC_ISER(U5_IRQ_USART1 / 32u)) = 1u << (U5_IRQ_USART1 % 32u);
}

int chip_uart_tx_ready(void)
{
    return (REG32(U5_USART1 + USART_ISR) & USART_ISR_TXE) != 0;
}

void chip_uart_tx_put(uint8_t b)
{
    REG32(U5_USART1 + USART_TDR) = b;
}

/* TXEIE only while the tx ring holds bytes: TXE stays set when idle, it would never stop. */
void chip_uart_tx_pending(int more)
{
    uint32_t cr1 = REG32(U5_USART1 + USART_CR1);
    REG32(U5_USART1 + USART_CR1) = more ? cr1 | USART_CR1_TXEIE : cr1 & ~USART_CR1_TXEIE;
}

void USART1_IRQHandler(void)
{
    uint32_t isr = REG32(U5_USART1 + USART_ISR);
    uint32_t errs = isr & (USART_ISR_PE | USART_ISR_FE | USART_ISR_NE | USART_ISR_ORE);
    if (errs) {
        REG32(U5_USART1 + USART_ICR) = errs; /* ICR bits sit where the ISR flags are */
        line_errors++;
    }
    int wake = 0;
    while (REG32(U5_USART1 + USART_ISR) & USART_ISR_RXNE)
        wake |= armv8m_link_rx_byte((uint8_t)REG32(U5_USART1 + USART_RDR));
    armv8m_link_tx_fill();
    if (wake) /* a frame may be complete ([FRM-013]); else the tick serves the bytes */
        armv8m_request_service();
}
