/* backend_sodium.c — links the libsodium backend into a harness (the fast one: X25519 in
 * ~30 µs here, so even the handshake harnesses run thousands of inputs a second).
 * Depends on crypto_backends.h. */
#include "common.h"
#include "tether/crypto_backends.h"

const struct tt_crypto *fuzz_backend(void)
{
    return &tt_crypto_sodium;
}
