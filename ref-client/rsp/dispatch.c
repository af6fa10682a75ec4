/* dispatch.c — executes one RSP command: the command table (commands.c) names its parser
 * and executor; this file runs them and holds what every executor shares (the replies, the
 * backend call counter, console output). Exactly one reply per command leaves through here
 * or the executor's own tt_rsp_reply/tt_rsp_put_error; a resume's reply is the stop, later.
 *
 * Local answers (unless no_optimize): registers from the last stop; breakpoints (Z0/Z1)
 * recorded in a table and handed to the backend as the full set with the next resume, so
 * GDB's remove-all-after-stop / insert-all-before-resume costs nothing; watchpoints
 * recorded likewise and only their net changes applied at the resume; memory through the
 * cache while halted; read-only sections from the ELF when the caller has checked the
 * device's app measurement against it. With no_optimize every command that touches the
 * target is one backend call, as through a transparent tunnel. Depends on rsp_internal.h. */
#include <string.h>

#include "rsp_internal.h"

void tt_rsp_init(struct tt_rsp *r, const struct tt_rsp_backend *be)
{
    memset(r, 0, sizeof *r);
    r->be = *be;
}

void tt_rsp_reply(struct tt_rsp *r, const char *s)
{
    tt_rsp_put_str(r, s); /* input only runs with room for a reply (packet.c) */
}

tt_err tt_rsp_call(struct tt_rsp *r, tt_err err)
{
    r->stats.backend_calls++;
    return err;
}

/* Text for GDB's console: O packets of up to 256 characters each. */
void tt_rsp_console(struct tt_rsp *r, const char *text)
{
    char pkt[1 + 2 * 256 + 1];
    size_t left = strlen(text);
    while (left) {
        size_t n = left > 256 ? 256 : left;
        pkt[0] = 'O';
        tt_rsp_tohex(pkt + 1, (const uint8_t *)text, n);
        pkt[1 + 2 * n] = 0;
        tt_rsp_reply(r, pkt);
        text += n;
        left -= n;
    }
}

void tt_rsp_dispatch(struct tt_rsp *r, const uint8_t *pkt, size_t len)
{
    struct tt_rsp_req q;
    const struct tt_rsp_command *c = tt_rsp_parse(pkt, len, &q);
    if (q.error) {
        tt_rsp_put_error(r, (enum tt_rsp_error)q.error);
        return;
    }
    if (c == NULL) {
        tt_rsp_reply(r, ""); /* unknown: the protocol's empty reply */
        return;
    }
    if (tt_rsp_step_intercept(r, c, &q, pkt, len))
        return; /* runs when the device has done the pending step */
    c->exec(r, &q);
}
