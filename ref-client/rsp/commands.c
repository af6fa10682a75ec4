/* commands.c — the one table of RSP commands the engine serves: each row names a command
 * (the start of the payload, or all of it), its parser (parse.c) and its executor (cmd_*.c).
 * Rows are tried in order: longer names before their prefixes (vCont? before vCont), and the
 * one-letter commands after the q/Q/v families, none of which has a one-letter row. A payload
 * no row names gets the protocol's empty reply. Depends on rsp_internal.h. */
#include "rsp_internal.h"

#define EXACT true
#define PREFIX false

const struct tt_rsp_command tt_rsp_commands[] = {
    /* queries answered locally (cmd_query.c) */
    {"qSupported", PREFIX, TT_RSP_CMD_SUPPORTED, tt_rsp_parse_supported, tt_rsp_exec_supported},
    {"QStartNoAckMode", EXACT, TT_RSP_CMD_NOACK, tt_rsp_parse_end, tt_rsp_exec_noack},
    {"qXfer:features:read:", PREFIX, TT_RSP_CMD_XFER_FEATURES, tt_rsp_parse_xfer_features,
     tt_rsp_exec_xfer_features},
    {"qXfer:memory-map:read:", PREFIX, TT_RSP_CMD_XFER_MEMMAP, tt_rsp_parse_xfer_annexless,
     tt_rsp_exec_xfer_memmap},
    {"qXfer:threads:read:", PREFIX, TT_RSP_CMD_XFER_THREADS, tt_rsp_parse_xfer_annexless,
     tt_rsp_exec_xfer_threads},
    {"qC", EXACT, TT_RSP_CMD_CURRENT_THREAD, tt_rsp_parse_end, tt_rsp_exec_current_thread},
    {"qfThreadInfo", EXACT, TT_RSP_CMD_THREADS_FIRST, tt_rsp_parse_end,
     tt_rsp_exec_threads_first},
    {"qsThreadInfo", EXACT, TT_RSP_CMD_THREADS_NEXT, tt_rsp_parse_end, tt_rsp_exec_threads_next},
    {"qAttached", PREFIX, TT_RSP_CMD_ATTACHED, tt_rsp_parse_attached, tt_rsp_exec_attached},
    {"qSymbol:", PREFIX, TT_RSP_CMD_SYMBOL, tt_rsp_parse_rest, tt_rsp_exec_ok},
    {"vCont?", EXACT, TT_RSP_CMD_VCONT_Q, tt_rsp_parse_end, tt_rsp_exec_vcont_q},
    {"!", PREFIX, TT_RSP_CMD_EXTENDED, tt_rsp_parse_end, tt_rsp_exec_extended},
    {"H", PREFIX, TT_RSP_CMD_SET_THREAD, tt_rsp_parse_H, tt_rsp_exec_ok},
    {"T", PREFIX, TT_RSP_CMD_THREAD_ALIVE, tt_rsp_parse_T, tt_rsp_exec_ok},
    /* monitor (cmd_monitor.c) */
    {"qRcmd,", PREFIX, TT_RSP_CMD_MONITOR, tt_rsp_parse_rcmd, tt_rsp_exec_monitor},
    /* run control (cmd_run.c) */
    {"vCont", PREFIX, TT_RSP_CMD_VCONT, tt_rsp_parse_vcont, tt_rsp_exec_resume},
    {"vKill", PREFIX, TT_RSP_CMD_KILL, tt_rsp_parse_rest, tt_rsp_exec_kill},
    {"vRun;", PREFIX, TT_RSP_CMD_RUN, tt_rsp_parse_run, tt_rsp_exec_run},
    {"?", PREFIX, TT_RSP_CMD_STATUS_Q, tt_rsp_parse_end, tt_rsp_exec_status},
    {"c", PREFIX, TT_RSP_CMD_CONTINUE, tt_rsp_parse_c, tt_rsp_exec_resume},
    {"C", PREFIX, TT_RSP_CMD_CONTINUE, tt_rsp_parse_C, tt_rsp_exec_resume},
    {"s", PREFIX, TT_RSP_CMD_STEP, tt_rsp_parse_s, tt_rsp_exec_resume},
    {"S", PREFIX, TT_RSP_CMD_STEP, tt_rsp_parse_S, tt_rsp_exec_resume},
    {"D", PREFIX, TT_RSP_CMD_DETACH, tt_rsp_parse_D, tt_rsp_exec_detach},
    {"k", PREFIX, TT_RSP_CMD_KILL, tt_rsp_parse_rest, tt_rsp_exec_kill},
    /* registers (cmd_registers.c) */
    {"g", PREFIX, TT_RSP_CMD_READ_REGS, tt_rsp_parse_end, tt_rsp_exec_read_regs},
    {"G", PREFIX, TT_RSP_CMD_WRITE_REGS, tt_rsp_parse_G, tt_rsp_exec_write_regs},
    {"p", PREFIX, TT_RSP_CMD_READ_REG, tt_rsp_parse_p, tt_rsp_exec_read_reg},
    {"P", PREFIX, TT_RSP_CMD_WRITE_REG, tt_rsp_parse_P, tt_rsp_exec_write_reg},
    /* memory (cmd_memory.c) */
    {"m", PREFIX, TT_RSP_CMD_READ_MEM, tt_rsp_parse_m, tt_rsp_exec_read_mem},
    {"M", PREFIX, TT_RSP_CMD_WRITE_MEM, tt_rsp_parse_M, tt_rsp_exec_write_mem},
    {"X", PREFIX, TT_RSP_CMD_WRITE_MEM_BIN, tt_rsp_parse_X, tt_rsp_exec_write_mem},
    /* breakpoints and watchpoints (cmd_breakpoints.c) */
    {"Z", PREFIX, TT_RSP_CMD_INSERT_BP, tt_rsp_parse_Z, tt_rsp_exec_bp},
    {"z", PREFIX, TT_RSP_CMD_REMOVE_BP, tt_rsp_parse_z, tt_rsp_exec_bp},
};

const size_t tt_rsp_ncommands = sizeof tt_rsp_commands / sizeof tt_rsp_commands[0];
