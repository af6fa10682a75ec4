/* entropy_host.c — seed entropy on the host (Linux getrandom(2)), for the mbedTLS
 * backend's DRBG in tests and host tools. The device build does not link this file: the
 * device port supplies its TRNG reader instead. Depends on glibc >= 2.25. */
#include <errno.h>
#include <sys/random.h>

#include "tether/crypto_backends.h"

tt_err tt_entropy_host(void *ctx, uint8_t *buf, size_t len)
{
    (void)ctx;
    while (len > 0) {
        ssize_t got = getrandom(buf, len, 0);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return TT_ERR_CRYPTO;
        buf += got;
        len -= (size_t)got;
    }
    return TT_OK;
}
