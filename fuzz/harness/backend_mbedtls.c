/* backend_mbedtls.c — links the mbedTLS backend (the device's) into a harness. Its random
 * needs no DRBG here: common.c replaces it with the deterministic generator.
 * Depends on crypto_backends.h. */
#include "common.h"
#include "tether/crypto_backends.h"

const struct tt_crypto *fuzz_backend(void)
{
    return &tt_crypto_mbedtls;
}
