/* cmd_monitor.c — qRcmd (`monitor …`): help, reset, halt, status. Output goes to GDB's
 * console as O packets; an unknown command is a message and a normal end (GDB 13 shows any
 * E reply to qRcmd as "Protocol error with Rcmd"). Depends on rsp_internal.h. */
#include <stdio.h>
#include <string.h>

#include "rsp_internal.h"

static const char monitor_help[] =
    "monitor commands:\n"
    "  help    this list\n"
    "  reset   restart the app from reset, halted at its reset vector\n"
    "  halt    stop the app\n"
    "  status  app state, breakpoints, optimisation, round trips of this GDB session\n";

static void monitor_reset(struct tt_rsp *r)
{
    tt_rsp_cache_drop(&r->cache);
    if (tt_rsp_call(r, r->be.reset(r->be.ctx)) != TT_OK) {
        tt_rsp_console(r, "monitor reset: the device refused the reset\n");
        tt_rsp_put_error(r, TT_RSP_E_TARGET);
        return;
    }
    r->have_regs = false; /* the device pushes the new stop */
    tt_rsp_console(r, "app reset, halted at its reset vector\n");
    tt_rsp_reply(r, "OK");
}

static void monitor_halt(struct tt_rsp *r)
{
    if (r->running && tt_rsp_call(r, r->be.halt(r->be.ctx)) != TT_OK) {
        tt_rsp_put_error(r, TT_RSP_E_TARGET);
        return;
    }
    tt_rsp_console(r, r->running ? "halt requested\n" : "app already halted\n");
    tt_rsp_reply(r, "OK");
}

static void monitor_status(struct tt_rsp *r)
{
    char line[256];
    /* While halted GDB has taken its breakpoints and watchpoints out: its set is the one
     * of the last continue. */
    size_t nbps = r->running || r->nbps > r->nbps_resumed ? r->nbps : r->nbps_resumed;
    size_t nwps = r->running || r->nwps > r->nwps_resumed ? r->nwps : r->nwps_resumed;
    int k = snprintf(line, sizeof line,
                     "app %s; %zu breakpoints, %zu watchpoints; optimisation %s; ELF %s; "
                     "%u packets, %u backend calls, cache %u hits / %u misses, %u ELF reads; "
                     "steps answered ahead %u (carried by the next resume %u)\n",
                     r->running ? "running" : "halted", nbps, nwps,
                     r->no_optimize ? "off" : "on",
                     !r->elf          ? "none"
                     : r->elf_trusted ? "matches the device"
                                      : "not trusted",
                     r->stats.packets, r->stats.backend_calls, r->stats.cache_hits,
                     r->stats.cache_misses, r->stats.elf_reads, r->stats.steps_deferred,
                     r->stats.steps_merged);
    if (k > 0)
        tt_rsp_console(r, line);
    if (r->be.status && tt_rsp_call(r, r->be.status(r->be.ctx, line, sizeof line - 1)) == TT_OK) {
        line[sizeof line - 2] = 0;
        size_t m = strlen(line);
        if (m && line[m - 1] != '\n')
            line[m++] = '\n', line[m] = 0;
        tt_rsp_console(r, line);
    }
    tt_rsp_reply(r, "OK");
}

void tt_rsp_exec_monitor(struct tt_rsp *r, const struct tt_rsp_req *q)
{
    char cmd[128];
    size_t n = q->data_len / 2;
    if (n >= sizeof cmd) {
        tt_rsp_console(r, "monitor: command too long (`monitor help` lists the commands)\n");
        tt_rsp_reply(r, "OK");
        return;
    }
    for (size_t i = 0; i < n; i++)
        cmd[i] = (char)(tt_rsp_hexval(q->data[2 * i]) * 16 + tt_rsp_hexval(q->data[2 * i + 1]));
    cmd[n] = 0;
    if (strcmp(cmd, "reset") == 0) {
        monitor_reset(r);
    } else if (strcmp(cmd, "halt") == 0) {
        monitor_halt(r);
    } else if (strcmp(cmd, "status") == 0) {
        monitor_status(r);
    } else if (strcmp(cmd, "help") == 0) {
        tt_rsp_console(r, monitor_help);
        tt_rsp_reply(r, "OK");
    } else {
        /* GDB 13 shows any E reply to qRcmd as "Protocol error with Rcmd": say what is wrong
         * on the console and end the command normally. */
        char line[200];
        snprintf(line, sizeof line,
                 "unknown monitor command \"%.100s\" (`monitor help` lists the commands)\n",
                 cmd);
        tt_rsp_console(r, line);
        tt_rsp_reply(r, "OK");
    }
}
