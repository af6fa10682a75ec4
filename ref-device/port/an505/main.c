/* main.c — the supervisor's main on mps2-an505: bring up the platform, start the app, and
 * turn the supervisor loop forever. The service (sessions over the link) is the core's; it
 * is passed to tt_loop_once. Until the session core lands, the service only drains link
 * input and app log entries. Depends on an505.h and core/loop.h. */
#include "an505.h"

#include "../../core/loop.h"

static struct tt_target target;

static void placeholder_service(void *ctx, struct tt_target *t)
{
    (void)ctx;
    (void)t;
    uint8_t buf[64];
    uint32_t seq;
    while (tt_port_link_read(buf, sizeof buf) > 0) {
    }
    while (tt_port_app_log_read(buf, sizeof buf, &seq) > 0) {
    }
    if (tt_port_app_requests() & TT_APP_REQ_REBOOT)
        tt_port_reset();
}

int main(void)
{
    an505_secure_init();
    an505_uart_init();
    an505_systick_init();
    __asm__ volatile("cpsie i");
    tt_target_init(&target);
    if (tt_target_reset_app(&target) == TT_OK &&
        tt_target_resume(&target, TT_RUN_CONTINUE, 0, 0) != TT_OK)
        target.state = TT_TARGET_HALTED;
    for (;;)
        tt_loop_once(&target, placeholder_service, NULL);
}
