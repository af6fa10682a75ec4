/* rng.c — entropy for the DRBG from the STM32U585 true random number generator.
 *
 * The RNG runs from HSI48 (started by clock.c), in the NIST-candidate configuration of ST's
 * AN4230 (RNG_CR config fields and RNG_HTCR written while CONDRST = 1, then CONDRST
 * cleared and RNGEN set, per RM0456 "RNG initialization"). tt_port_entropy only hands out
 * words that came with DRDY and no error: a seed error (SECS) or clock error (CECS) fails the
 * call (TT_ERR_CRYPTO) after clearing SEIS/CEIS, and the RNG is re-initialised on the next
 * call, so the DRBG (lib/crypto/rng_mbedtls.c, which conditions these bytes) fails closed
 * rather than seeding from predictable data. The first word after enabling is dropped.
 * The RNG is Secure (TZSC). Implements tt_port_entropy of port.h. Depends on u585.h. */
#include "u585.h"

#define SPIN 100000u

static int ready;

tt_err u585_rng_init(void)
{
    REG32(U5_RCC + RCC_AHB2ENR1) |= RCC_AHB2ENR1_RNGEN;
    (void)REG32(U5_RCC + RCC_AHB2ENR1);
    REG32(U5_RNG + RNG_CR) = RNG_CR_NIST_CONFIG | RNG_CR_CONDRST;
    REG32(U5_RNG + RNG_HTCR) = RNG_HTCR_NIST;
    REG32(U5_RNG + RNG_CR) = RNG_CR_NIST_CONFIG;
    for (uint32_t i = 0; REG32(U5_RNG + RNG_CR) & RNG_CR_CONDRST; i++)
        if (i == SPIN)
            return TT_ERR_CRYPTO;
    REG32(U5_RNG + RNG_CR) = RNG_CR_NIST_CONFIG | RNG_CR_RNGEN;
    ready = 1;
    uint8_t first[4];
    return tt_port_entropy(first, sizeof first);
}

static tt_err next_word(uint32_t *w)
{
    for (uint32_t i = 0; i < SPIN; i++) {
        uint32_t sr = REG32(U5_RNG + RNG_SR);
        if (sr & (RNG_SR_SECS | RNG_SR_CECS | RNG_SR_SEIS | RNG_SR_CEIS)) {
            REG32(U5_RNG + RNG_SR) = ~(RNG_SR_SEIS | RNG_SR_CEIS); /* clear by writing 0 */
            ready = 0;
            return TT_ERR_CRYPTO;
        }
        if (sr & RNG_SR_DRDY) {
            *w = REG32(U5_RNG + RNG_DR);
            return TT_OK;
        }
    }
    ready = 0;
    return TT_ERR_CRYPTO;
}

tt_err tt_port_entropy(uint8_t *out, size_t len)
{
    if (out == NULL && len > 0)
        return TT_ERR_ARG;
    if (!ready) {
        tt_err e = u585_rng_init();
        if (e != TT_OK)
            return e;
    }
    for (size_t i = 0; i < len; i += 4) {
        uint32_t w;
        tt_err e = next_word(&w);
        if (e != TT_OK)
            return e;
        for (size_t k = 0; k < 4 && i + k < len; k++)
            out[i + k] = (uint8_t)(w >> (8u * k));
    }
    return TT_OK;
}
