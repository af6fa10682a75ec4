/* wipe.c — tt_wipe: clear secrets so that the compiler cannot drop the stores.
 *
 * A memset before a buffer goes out of scope is a dead store the optimiser may remove;
 * writing through a volatile pointer is not. Portable C11, no backend: linked into every
 * build. Depends on crypto.h for the prototype only. */
#include "tether/crypto.h"

void tt_wipe(void *p, size_t len)
{
    volatile uint8_t *v = (volatile uint8_t *)p;
    while (len-- > 0)
        *v++ = 0;
}
