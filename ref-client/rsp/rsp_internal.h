/* rsp_internal.h — what the files of the RSP engine share and callers do not use: the typed
 * request a command parses into, the command table that pairs each command with its parser
 * and executor (commands.c), the parsers (parse.c), the executors (cmd_*.c, one file per
 * command family), reply helpers, and the cache, stop-reply and description pieces. Tests
 * and fuzzers include it to reach the parser and the pieces. Depends on rsp.h. */
#ifndef TETHER_RSP_INTERNAL_H
#define TETHER_RSP_INTERNAL_H

#include "rsp.h"

/* ---- the typed request the parser produces ------------------------------------------ */
enum tt_rsp_cmd {
    TT_RSP_CMD_UNKNOWN, /* → empty reply */
    TT_RSP_CMD_SUPPORTED,
    TT_RSP_CMD_NOACK,
    TT_RSP_CMD_STATUS_Q, /* qSupported QStartNoAckMode ? */
    TT_RSP_CMD_READ_REGS,
    TT_RSP_CMD_WRITE_REGS,
    TT_RSP_CMD_READ_REG,
    TT_RSP_CMD_WRITE_REG,
    TT_RSP_CMD_READ_MEM,
    TT_RSP_CMD_WRITE_MEM,
    TT_RSP_CMD_WRITE_MEM_BIN,
    TT_RSP_CMD_CONTINUE,
    TT_RSP_CMD_STEP,
    TT_RSP_CMD_VCONT_Q,
    TT_RSP_CMD_VCONT,
    TT_RSP_CMD_INSERT_BP,
    TT_RSP_CMD_REMOVE_BP,
    TT_RSP_CMD_XFER_FEATURES,
    TT_RSP_CMD_XFER_MEMMAP,
    TT_RSP_CMD_XFER_THREADS,
    TT_RSP_CMD_CURRENT_THREAD,
    TT_RSP_CMD_THREADS_FIRST,
    TT_RSP_CMD_THREADS_NEXT,
    TT_RSP_CMD_ATTACHED,
    TT_RSP_CMD_MONITOR,
    TT_RSP_CMD_DETACH,
    TT_RSP_CMD_KILL,
    TT_RSP_CMD_SET_THREAD,
    TT_RSP_CMD_THREAD_ALIVE,
    TT_RSP_CMD_SYMBOL,
    TT_RSP_CMD_EXTENDED, /* '!': extended-remote mode */
    TT_RSP_CMD_RUN       /* vRun: restart the app from reset */
};

struct tt_rsp_req {
    uint8_t cmd;        /* enum tt_rsp_cmd */
    uint8_t error;      /* enum tt_rsp_error when parsing failed, else 0 */
    uint32_t addr, len; /* m M X; qXfer offset/length; Z addr/kind in bp */
    unsigned regnum;    /* p P: GDB register number */
    uint32_t value;     /* P */
    uint8_t action;     /* c s vCont: enum tt_rsp_action */
    uint32_t range_start, range_end;
    bool has_addr;       /* c/s with a resume address */
    struct tt_rsp_bp bp; /* Z z */
    const uint8_t *data; /* M (hex, 2*len chars), X (binary, len), G (hex), qRcmd (hex) */
    size_t data_len;
    bool gdb_swbreak, gdb_hwbreak; /* qSupported: GDB's own features */
};


/* ---- the command table ------------------------------------------------------------ */

/* A cursor over the payload: parsers consume exactly what they accept. */
struct tt_rsp_cur {
    const uint8_t *p, *end;
};

typedef void (*tt_rsp_parse_fn)(struct tt_rsp_cur *c, struct tt_rsp_req *q);
typedef void (*tt_rsp_exec_fn)(struct tt_rsp *r, const struct tt_rsp_req *q);

/* One command: the payload starts with `name` (or is exactly `name`); `parse` reads the rest
 * into the request (whose cmd is `cmd`, unless the parser says UNKNOWN), `exec` answers it. */
struct tt_rsp_command {
    const char *name;
    bool exact;
    uint8_t cmd; /* enum tt_rsp_cmd */
    tt_rsp_parse_fn parse;
    tt_rsp_exec_fn exec;
};

extern const struct tt_rsp_command tt_rsp_commands[];
extern const size_t tt_rsp_ncommands;

/* Parse one unescaped packet payload. Never fails: errors are in req->error. Returns the
 * table row, or NULL when no command matches (req->cmd UNKNOWN: the empty reply). */
const struct tt_rsp_command *tt_rsp_parse(const uint8_t *pkt, size_t len, struct tt_rsp_req *req);

/* Parsers (parse.c): the cursor is after the row's name. */
void tt_rsp_parse_end(struct tt_rsp_cur *c, struct tt_rsp_req *q);  /* nothing may follow */
void tt_rsp_parse_rest(struct tt_rsp_cur *c, struct tt_rsp_req *q); /* anything may follow */
void tt_rsp_parse_G(struct tt_rsp_cur *c, struct tt_rsp_req *q);
void tt_rsp_parse_p(struct tt_rsp_cur *c, struct tt_rsp_req *q);
void tt_rsp_parse_P(struct tt_rsp_cur *c, struct tt_rsp_req *q);
void tt_rsp_parse_m(struct tt_rsp_cur *c, struct tt_rsp_req *q);
void tt_rsp_parse_M(struct tt_rsp_cur *c, struct tt_rsp_req *q);
void tt_rsp_parse_X(struct tt_rsp_cur *c, struct tt_rsp_req *q);
void tt_rsp_parse_c(struct tt_rsp_cur *c, struct tt_rsp_req *q);
void tt_rsp_parse_C(struct tt_rsp_cur *c, struct tt_rsp_req *q);
void tt_rsp_parse_s(struct tt_rsp_cur *c, struct tt_rsp_req *q);
void tt_rsp_parse_S(struct tt_rsp_cur *c, struct tt_rsp_req *q);
void tt_rsp_parse_vcont(struct tt_rsp_cur *c, struct tt_rsp_req *q);
void tt_rsp_parse_Z(struct tt_rsp_cur *c, struct tt_rsp_req *q);
void tt_rsp_parse_z(struct tt_rsp_cur *c, struct tt_rsp_req *q);
void tt_rsp_parse_D(struct tt_rsp_cur *c, struct tt_rsp_req *q);
void tt_rsp_parse_H(struct tt_rsp_cur *c, struct tt_rsp_req *q);
void tt_rsp_parse_T(struct tt_rsp_cur *c, struct tt_rsp_req *q);
void tt_rsp_parse_supported(struct tt_rsp_cur *c, struct tt_rsp_req *q);
void tt_rsp_parse_xfer_features(struct tt_rsp_cur *c, struct tt_rsp_req *q);
void tt_rsp_parse_xfer_annexless(struct tt_rsp_cur *c, struct tt_rsp_req *q);
void tt_rsp_parse_attached(struct tt_rsp_cur *c, struct tt_rsp_req *q);
void tt_rsp_parse_rcmd(struct tt_rsp_cur *c, struct tt_rsp_req *q);
void tt_rsp_parse_run(struct tt_rsp_cur *c, struct tt_rsp_req *q);

/* Executors. */
void tt_rsp_exec_supported(struct tt_rsp *r, const struct tt_rsp_req *q);   /* cmd_query.c */
void tt_rsp_exec_noack(struct tt_rsp *r, const struct tt_rsp_req *q);
void tt_rsp_exec_xfer_features(struct tt_rsp *r, const struct tt_rsp_req *q);
void tt_rsp_exec_xfer_memmap(struct tt_rsp *r, const struct tt_rsp_req *q);
void tt_rsp_exec_xfer_threads(struct tt_rsp *r, const struct tt_rsp_req *q);
void tt_rsp_exec_vcont_q(struct tt_rsp *r, const struct tt_rsp_req *q);
void tt_rsp_exec_current_thread(struct tt_rsp *r, const struct tt_rsp_req *q);
void tt_rsp_exec_threads_first(struct tt_rsp *r, const struct tt_rsp_req *q);
void tt_rsp_exec_threads_next(struct tt_rsp *r, const struct tt_rsp_req *q);
void tt_rsp_exec_attached(struct tt_rsp *r, const struct tt_rsp_req *q);
void tt_rsp_exec_ok(struct tt_rsp *r, const struct tt_rsp_req *q);
void tt_rsp_exec_extended(struct tt_rsp *r, const struct tt_rsp_req *q);
void tt_rsp_exec_read_regs(struct tt_rsp *r, const struct tt_rsp_req *q);   /* cmd_registers.c */
void tt_rsp_exec_write_regs(struct tt_rsp *r, const struct tt_rsp_req *q);
void tt_rsp_exec_read_reg(struct tt_rsp *r, const struct tt_rsp_req *q);
void tt_rsp_exec_write_reg(struct tt_rsp *r, const struct tt_rsp_req *q);
void tt_rsp_exec_read_mem(struct tt_rsp *r, const struct tt_rsp_req *q);    /* cmd_memory.c */
void tt_rsp_exec_write_mem(struct tt_rsp *r, const struct tt_rsp_req *q);
void tt_rsp_exec_bp(struct tt_rsp *r, const struct tt_rsp_req *q);          /* cmd_breakpoints.c */
void tt_rsp_exec_resume(struct tt_rsp *r, const struct tt_rsp_req *q);      /* cmd_run.c */
void tt_rsp_exec_status(struct tt_rsp *r, const struct tt_rsp_req *q);
void tt_rsp_exec_detach(struct tt_rsp *r, const struct tt_rsp_req *q);
void tt_rsp_exec_kill(struct tt_rsp *r, const struct tt_rsp_req *q);
void tt_rsp_exec_run(struct tt_rsp *r, const struct tt_rsp_req *q);
void tt_rsp_exec_monitor(struct tt_rsp *r, const struct tt_rsp_req *q);     /* cmd_monitor.c */

/* ---- shared by the executors (dispatch.c, cmd_*.c) --------------------------------- */

/* Queue a reply; one per command (the console O packets of `monitor` come before it). */
void tt_rsp_reply(struct tt_rsp *r, const char *s);
void tt_rsp_console(struct tt_rsp *r, const char *text);
/* Count a backend call (stats) and pass its result through. */
tt_err tt_rsp_call(struct tt_rsp *r, tt_err err);
/* The registers as of now: the last stop's, or the device's when we do not know them. */
TT_MUST_CHECK tt_err tt_rsp_get_regs(struct tt_rsp *r);
/* Write array register i (secext NS copies go to the device's msp/psp). */
TT_MUST_CHECK tt_err tt_rsp_write_one(struct tt_rsp *r, unsigned i, uint32_t v);
/* Bring the device's watchpoints to GDB's set (cmd_breakpoints.c). */
TT_MUST_CHECK tt_err tt_rsp_sync_watchpoints(struct tt_rsp *r, bool remove);

/* Array index of a GDB register number, or -1 if GDB's number names no register here. */
int tt_rsp_reg_index(unsigned gdb_regnum);
/* GDB register number of array index i (0 <= i < TT_RSP_NREGS). */
unsigned tt_rsp_reg_number(unsigned i);

/* Pieces other files of the engine share (not for callers). Queueing a reply cannot fail:
 * input is only taken while the output has room for one (a reply that still does not fit
 * is counted in stats.lost_replies, a bug). */
void tt_rsp_put_packet(struct tt_rsp *r, const uint8_t *data, size_t len);
void tt_rsp_put_str(struct tt_rsp *r, const char *s);
void tt_rsp_put_error(struct tt_rsp *r, enum tt_rsp_error e);
/* Parse and execute one packet payload: exactly one reply (or, for a resume, the stop). */
void tt_rsp_dispatch(struct tt_rsp *r, const uint8_t *pkt, size_t len);
/* Value of register index i (0..TT_RSP_NREGS-1) from the device's 23, secext synthesised. */
uint32_t tt_rsp_reg_value(const uint32_t dev[TT_RSP_DEV_NREGS], unsigned i);
size_t tt_rsp_format_stop(const struct tt_rsp *r, const struct tt_rsp_stop *s, char *out,
                          size_t cap);
size_t tt_rsp_target_xml(const char **xml);
size_t tt_rsp_memory_map(const struct tt_rsp *r, char *out, size_t cap);
size_t tt_rsp_threads_xml(const char **xml);

void tt_rsp_cache_drop(struct tt_rsp_cache *c);
void tt_rsp_cache_fill(struct tt_rsp_cache *c, uint32_t addr, const uint8_t *data, size_t len);
/* Read through the cache: blocks missing are fetched from the backend whole (64-byte
 * aligned). Only called for ranges inside a cacheable region. */
TT_MUST_CHECK tt_err tt_rsp_cache_read(struct tt_rsp *r, uint32_t addr, uint8_t *out, size_t len);
bool tt_rsp_cacheable(const struct tt_rsp *r, uint32_t addr, size_t len);
/* Copy [addr, addr+len) if the cache holds every byte of it; never asks the backend. */
bool tt_rsp_cache_peek(const struct tt_rsp_cache *c, uint32_t addr, uint8_t *out, size_t len);

/* The deferred single step (deferred_step.c, [DBG-090]..[DBG-092]). */
/* Answer a single step at once with the predicted pc and keep it pending, if the step's
 * successor is known locally; false (nothing done) otherwise. */
bool tt_rsp_defer_step(struct tt_rsp *r, const struct tt_rsp_req *q);
/* Before running a command while a step is pending: false if the command may run now
 * (local, or a resume that carries the step); true if the device is running the step
 * first and the command was kept to run when its stop arrives. */
bool tt_rsp_step_intercept(struct tt_rsp *r, const struct tt_rsp_command *c,
                           const struct tt_rsp_req *q, const uint8_t *pkt, size_t len);
/* A stop arrived: run the command kept by tt_rsp_step_intercept, if any. */
void tt_rsp_step_landed(struct tt_rsp *r);

/* Hex helpers (exact: every character must be a hex digit). */
int tt_rsp_hexval(uint8_t c);
size_t tt_rsp_tohex(char *out, const uint8_t *in, size_t len); /* writes 2*len chars */

#endif
