/* loop.c — the supervisor main loop turn (see loop.h). Depends on loop.h and port.h. */
#include "loop.h"

#include <stddef.h>

void tt_loop_once(struct tt_target *t, tt_service_fn service, void *ctx)
{
    if (service != NULL)
        service(ctx, t);
    if (t->state == TT_TARGET_RUNNING) {
        struct tt_app_fault f;
        enum tt_app_park p = tt_port_app_run(&f);
        tt_target_on_park(t, p, &f);
    } else {
        tt_port_idle();
    }
}
