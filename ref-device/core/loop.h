/* loop.h — one turn of the supervisor's main loop, shared by every port and main.
 *
 * The supervisor owns the CPU: each turn it runs its service (link bytes in, sessions,
 * handlers, link bytes out, timers), then either lends the CPU to the app until the app
 * stops or the supervisor is needed again, or sleeps until an interrupt. The service is a
 * function the main passes in (the session core, or the QEMU self-test). Depends on
 * target.h and port.h. */
#ifndef TT_LOOP_H
#define TT_LOOP_H

#include "target/target.h"

typedef void (*tt_service_fn)(void *ctx, struct tt_target *t);

void tt_loop_once(struct tt_target *t, tt_service_fn service, void *ctx);

#endif
