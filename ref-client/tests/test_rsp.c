/* test_rsp.c — the RSP engine against the fake device: framing (checksums, acks, no-ack
 * mode, escapes, oversized and truncated packets, Ctrl-C), every command's parse, a table
 * of malformed commands with their specific errors, stop replies, the round-trip
 * optimisations (breakpoints sent with the resume, the memory cache and its invalidation,
 * reads from a trusted ELF, registers from the stop) against no_optimize, the target
 * description and memory map, and random input that must never crash. Requirement IDs:
 * spec/services/debug.md ("Answering GDB without round trips", [DBG-033], [DBG-050]). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../rsp/rsp_internal.h"
#include "fake_backend.h"

static struct fake_dev dev;
static struct tt_rsp eng;
static char out[sizeof eng.out + 1];
static uint8_t elf_img[64 * 1024];
static struct tt_elf elf;

static void setup_engine(bool no_opt)
{
    fake_init(&dev, NULL);
    struct tt_rsp_backend be = fake_backend(&dev);
    tt_rsp_init(&eng, &be);
    eng.no_optimize = no_opt;
    ck_assert(tt_rsp_add_region(&eng, FAKE_FLASH_BASE, FAKE_FLASH_SIZE, TT_RSP_MEM_FLASH, 0x400));
    ck_assert(tt_rsp_add_region(&eng, FAKE_RAM_BASE, FAKE_RAM_SIZE, TT_RSP_MEM_RAM, 0));
}

static void load_elf(void)
{
    FILE *f = fopen(TINY_ELF, "rb");
    ck_assert_ptr_nonnull(f);
    size_t n = fread(elf_img, 1, sizeof elf_img, f);
    fclose(f);
    ck_assert_int_eq(tt_elf_open(&elf, elf_img, n), TT_OK);
}

/* Push raw bytes, deliver any stop the fake produced, return all output as a string. */
static const char *push_raw(const void *p, size_t n)
{
    size_t used = 0;
    ck_assert_int_eq(tt_rsp_input(&eng, p, n, &used), TT_OK);
    ck_assert_uint_eq(used, n);
    struct tt_rsp_stop s;
    if (fake_take_stop(&dev, &s))
        ck_assert_int_eq(tt_rsp_stopped(&eng, &s), TT_OK);
    size_t k = tt_rsp_output(&eng, (uint8_t *)out, sizeof out - 1);
    out[k] = 0;
    return out;
}

static const char *frame(const char *payload, size_t n)
{
    static char buf[3 * TT_RSP_PACKET_MAX];
    unsigned sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += (uint8_t)payload[i];
    buf[0] = '$';
    memcpy(buf + 1, payload, n);
    sprintf(buf + 1 + n, "#%02x", sum & 0xff);
    return buf;
}

/* Send one packet; return the reply payload (acks and framing checked and stripped). */
static const char *send(const char *payload)
{
    const char *f = frame(payload, strlen(payload));
    const char *o = push_raw(f, strlen(f));
    static char reply[sizeof out];
    if (!eng.noack || strcmp(payload, "QStartNoAckMode") == 0) {
        ck_assert_msg(o[0] == '+', "no ack for %s: %s", payload, o);
        o++;
    }
    if (*o == 0)
        return ""; /* no reply (yet): resumed */
    ck_assert_msg(o[0] == '$', "bad reply to %s: %s", payload, o);
    const char *h = strrchr(o, '#');
    ck_assert_ptr_nonnull(h);
    unsigned sum = 0;
    for (const char *p = o + 1; p < h; p++)
        sum += (uint8_t)*p;
    unsigned got;
    ck_assert_int_eq(sscanf(h + 1, "%2x", &got), 1);
    ck_assert_uint_eq(got, sum & 0xff);
    ck_assert_uint_eq(strlen(h), 3);
    memcpy(reply, o + 1, (size_t)(h - o - 1));
    reply[h - o - 1] = 0;
    return reply;
}

/* ---- framing ----------------------------------------------------------------------- */

START_TEST(test_checksum_and_ack)
{
    setup_engine(false);
    ck_assert_str_eq(push_raw("$qC#b4", 6), "+$QC1#c5");
    ck_assert_str_eq(push_raw("$qC#b5", 6), "-"); /* bad checksum: NAK, no reply */
    ck_assert_str_eq(push_raw("$qC#zz", 6), "-"); /* checksum not hex */
    ck_assert_uint_eq(eng.stats.bad_checksum, 2);
    ck_assert_str_eq(push_raw("-", 1), "$QC1#c5");         /* NAK from GDB: resend */
    ck_assert_str_eq(push_raw("+junk", 5), "");            /* acks and noise ignored */
    ck_assert_str_eq(push_raw("$q$qC#b4", 8), "+$QC1#c5"); /* '$' mid-packet restarts */
    /* byte by byte */
    const char *p = "$qC#b4";
    for (int i = 0; i < 5; i++)
        ck_assert_str_eq(push_raw(p + i, 1), "");
    ck_assert_str_eq(push_raw(p + 5, 1), "+$QC1#c5");
}
END_TEST

START_TEST(test_noack_mode)
{
    setup_engine(false);
    ck_assert_str_eq(send("QStartNoAckMode"), "OK");
    ck_assert(eng.noack);
    ck_assert_str_eq(push_raw("$qC#b4", 6), "$QC1#c5"); /* no '+' any more */
    ck_assert_str_eq(push_raw("$qC#00", 6), "$E01#a6"); /* bad checksum: E01, no NAK */
}
END_TEST

START_TEST(test_escapes_and_binary_write)
{
    setup_engine(false);
    /* X with the bytes '#', '$', '}', '*' escaped as '}' + (byte ^ 0x20) */
    const char pl[] = "X28200010,4:}\x03}\x04}]}\x0a";
    ck_assert_str_eq(send(pl), "OK");
    ck_assert_mem_eq(dev.ram + 0x10, "#$}*", 4);
    ck_assert_str_eq(send("m28200010,4"), "23247d2a");
    ck_assert_str_eq(send("X28200010,0:"), "OK");    /* GDB's probe */
    ck_assert_str_eq(send("X28200010,2:a}"), "E02"); /* escape with nothing after */
    ck_assert_str_eq(send("X28200010,2:a"), "E02");  /* shorter than announced */
}
END_TEST

START_TEST(test_oversized_and_star)
{
    setup_engine(false);
    static char big[TT_RSP_PACKET_MAX + 100];
    memset(big, '0', sizeof big - 1);
    big[0] = 'G';
    big[sizeof big - 1] = 0;
    ck_assert_str_eq(send(big), "E03");           /* acked, then refused */
    ck_assert_str_eq(send("m282000*0,4"), "E02"); /* '*' is not hex */
    ck_assert_str_eq(send("m0,7D1"), "E03");      /* 2001 > TT_RSP_MEM_MAX */
}
END_TEST

/* ---- parsing ------------------------------------------------------------------------- */

struct parse_case {
    const char *pkt;
    enum tt_rsp_cmd cmd;
    enum tt_rsp_error err;
};

static const struct parse_case parse_ok[] = {
    {"qSupported:swbreak+;hwbreak+", TT_RSP_CMD_SUPPORTED, 0},
    {"qSupported", TT_RSP_CMD_SUPPORTED, 0},
    {"QStartNoAckMode", TT_RSP_CMD_NOACK, 0},
    {"?", TT_RSP_CMD_STATUS_Q, 0},
    {"g", TT_RSP_CMD_READ_REGS, 0},
    {"p19", TT_RSP_CMD_READ_REG, 0},
    {"Pf=00002000", TT_RSP_CMD_WRITE_REG, 0},
    {"m200000,4", TT_RSP_CMD_READ_MEM, 0},
    {"M28200000,2:abcd", TT_RSP_CMD_WRITE_MEM, 0},
    {"X28200000,1:a", TT_RSP_CMD_WRITE_MEM_BIN, 0},
    {"c", TT_RSP_CMD_CONTINUE, 0},
    {"c200010", TT_RSP_CMD_CONTINUE, 0},
    {"C05", TT_RSP_CMD_CONTINUE, 0},
    {"S0b;200010", TT_RSP_CMD_STEP, 0},
    {"s", TT_RSP_CMD_STEP, 0},
    {"vCont?", TT_RSP_CMD_VCONT_Q, 0},
    {"vCont;c", TT_RSP_CMD_VCONT, 0},
    {"vCont;C05:1", TT_RSP_CMD_VCONT, 0},
    {"vCont;s:p1.1;c", TT_RSP_CMD_VCONT, 0},
    {"vCont;S02", TT_RSP_CMD_VCONT, 0},
    {"vCont;r200000,200010:1", TT_RSP_CMD_VCONT, 0},
    {"Z0,200000,2", TT_RSP_CMD_INSERT_BP, 0},
    {"z1,200000,4", TT_RSP_CMD_REMOVE_BP, 0},
    {"Z2,28200000,4", TT_RSP_CMD_INSERT_BP, 0},
    {"Z3,28200000,1", TT_RSP_CMD_INSERT_BP, 0},
    {"z4,28200000,2", TT_RSP_CMD_REMOVE_BP, 0},
    {"qXfer:features:read:target.xml:0,ffb", TT_RSP_CMD_XFER_FEATURES, 0},
    {"qXfer:memory-map:read::0,ffb", TT_RSP_CMD_XFER_MEMMAP, 0},
    {"qXfer:threads:read::10,20", TT_RSP_CMD_XFER_THREADS, 0},
    {"qC", TT_RSP_CMD_CURRENT_THREAD, 0},
    {"qfThreadInfo", TT_RSP_CMD_THREADS_FIRST, 0},
    {"qsThreadInfo", TT_RSP_CMD_THREADS_NEXT, 0},
    {"qAttached", TT_RSP_CMD_ATTACHED, 0},
    {"qAttached:1", TT_RSP_CMD_ATTACHED, 0},
    {"qRcmd,7265736574", TT_RSP_CMD_MONITOR, 0},
    {"D", TT_RSP_CMD_DETACH, 0},
    {"D;1", TT_RSP_CMD_DETACH, 0},
    {"k", TT_RSP_CMD_KILL, 0},
    {"vKill;1", TT_RSP_CMD_KILL, 0},
    {"Hg0", TT_RSP_CMD_SET_THREAD, 0},
    {"Hc-1", TT_RSP_CMD_SET_THREAD, 0},
    {"T1", TT_RSP_CMD_THREAD_ALIVE, 0},
    {"qSymbol::", TT_RSP_CMD_SYMBOL, 0},
    {"qTStatus", TT_RSP_CMD_UNKNOWN, 0},
    {"vMustReplyEmpty", TT_RSP_CMD_UNKNOWN, 0},
    {"qXfer:libraries:read::0,10", TT_RSP_CMD_UNKNOWN, 0},
    {"Z5,200000,2", TT_RSP_CMD_UNKNOWN, 0},
    {"", TT_RSP_CMD_UNKNOWN, 0},
    {"!", TT_RSP_CMD_EXTENDED, 0},
    {"vRun;", TT_RSP_CMD_RUN, 0},
    {"vRun;2f746d702f612e656c66;2d76", TT_RSP_CMD_RUN, 0},
};

START_TEST(test_parse_every_command)
{
    const struct parse_case *c = &parse_ok[_i];
    struct tt_rsp_req q;
    tt_rsp_parse((const uint8_t *)c->pkt, strlen(c->pkt), &q);
    ck_assert_msg(q.cmd == c->cmd && q.error == 0, "%s: cmd %d err %d", c->pkt, q.cmd, q.error);
}
END_TEST

START_TEST(test_parse_fields)
{
    struct tt_rsp_req q;
    tt_rsp_parse((const uint8_t *)"vCont;r200000,200010:1", 22, &q);
    ck_assert_uint_eq(q.action, TT_RSP_RANGE_STEP);
    ck_assert_uint_eq(q.range_start, 0x200000);
    ck_assert_uint_eq(q.range_end, 0x200010);
    tt_rsp_parse((const uint8_t *)"Pf=78563412", 11, &q);
    ck_assert_uint_eq(q.regnum, 15);
    ck_assert_uint_eq(q.value, 0x12345678);
    tt_rsp_parse((const uint8_t *)"m0000000000200000,10", 20, &q); /* leading zeros */
    ck_assert_uint_eq(q.error, 0);
    ck_assert_uint_eq(q.addr, 0x200000);
    ck_assert_uint_eq(q.len, 16);
    tt_rsp_parse((const uint8_t *)"Z1,200028,3", 11, &q);
    ck_assert_uint_eq(q.bp.type, TT_RSP_BP_HW);
    ck_assert_uint_eq(q.bp.addr, 0x200028);
    ck_assert_uint_eq(q.bp.kind, 3);
    tt_rsp_parse((const uint8_t *)"qSupported:multiprocess+;swbreak+;hwbreak-", 42, &q);
    ck_assert(q.gdb_swbreak && !q.gdb_hwbreak);
    tt_rsp_parse((const uint8_t *)"S0b;200010", 10, &q);
    ck_assert(q.has_addr);
    ck_assert_uint_eq(q.addr, 0x200010);
}
END_TEST

static const struct parse_case parse_bad[] = {
    {"m", TT_RSP_CMD_READ_MEM, TT_RSP_E_SYNTAX},
    {"m1000", TT_RSP_CMD_READ_MEM, TT_RSP_E_SYNTAX},
    {"m1000,", TT_RSP_CMD_READ_MEM, TT_RSP_E_SYNTAX},
    {"mxyz,4", TT_RSP_CMD_READ_MEM, TT_RSP_E_SYNTAX},
    {"m1000,4x", TT_RSP_CMD_READ_MEM, TT_RSP_E_SYNTAX},
    {"m100000000,4", TT_RSP_CMD_READ_MEM, TT_RSP_E_SYNTAX}, /* > 32 bits */
    {"m1,fffffffffffffffff", TT_RSP_CMD_READ_MEM, TT_RSP_E_SYNTAX},
    {"mfffffffe,4", TT_RSP_CMD_READ_MEM, TT_RSP_E_RANGE}, /* wraps */
    {"m0,ffffffff", TT_RSP_CMD_READ_MEM, TT_RSP_E_TOO_LONG},
    {"M1000,2:abc", TT_RSP_CMD_WRITE_MEM, TT_RSP_E_SYNTAX},
    {"M1000,2:abcg", TT_RSP_CMD_WRITE_MEM, TT_RSP_E_SYNTAX},
    {"M1000,2", TT_RSP_CMD_WRITE_MEM, TT_RSP_E_SYNTAX},
    {"M1000,2:abcdef", TT_RSP_CMD_WRITE_MEM, TT_RSP_E_SYNTAX},
    {"X1000,3:ab", TT_RSP_CMD_WRITE_MEM_BIN, TT_RSP_E_SYNTAX},
    {"G00", TT_RSP_CMD_WRITE_REGS, TT_RSP_E_SYNTAX},
    {"g0", TT_RSP_CMD_READ_REGS, TT_RSP_E_SYNTAX},
    {"?x", TT_RSP_CMD_STATUS_Q, TT_RSP_E_SYNTAX},
    {"p", TT_RSP_CMD_READ_REG, TT_RSP_E_SYNTAX},
    {"pq", TT_RSP_CMD_READ_REG, TT_RSP_E_SYNTAX},
    {"P1=1234", TT_RSP_CMD_WRITE_REG, TT_RSP_E_SYNTAX},
    {"P1", TT_RSP_CMD_WRITE_REG, TT_RSP_E_SYNTAX},
    {"P1=123456789", TT_RSP_CMD_WRITE_REG, TT_RSP_E_SYNTAX},
    {"cxyz", TT_RSP_CMD_CONTINUE, TT_RSP_E_SYNTAX},
    {"C123", TT_RSP_CMD_CONTINUE, TT_RSP_E_SYNTAX},
    {"C05;", TT_RSP_CMD_CONTINUE, TT_RSP_E_SYNTAX},
    {"vCont", TT_RSP_CMD_VCONT, TT_RSP_E_SYNTAX},
    {"vCont;", TT_RSP_CMD_VCONT, TT_RSP_E_SYNTAX},
    {"vCont;x", TT_RSP_CMD_VCONT, TT_RSP_E_SYNTAX},
    {"vCont;t", TT_RSP_CMD_VCONT, TT_RSP_E_SYNTAX},
    {"vCont;r200000", TT_RSP_CMD_VCONT, TT_RSP_E_SYNTAX},
    {"vCont;c:", TT_RSP_CMD_VCONT, TT_RSP_E_SYNTAX},
    {"vCont;cc", TT_RSP_CMD_VCONT, TT_RSP_E_SYNTAX},
    {"Z0,1000", TT_RSP_CMD_INSERT_BP, TT_RSP_E_SYNTAX},
    {"Z0,1000,9", TT_RSP_CMD_INSERT_BP, TT_RSP_E_SYNTAX},
    {"Z0,1000,2;X1,0", TT_RSP_CMD_INSERT_BP, TT_RSP_E_SYNTAX}, /* conditions: not offered */
    {"Z2,1000,0", TT_RSP_CMD_INSERT_BP, TT_RSP_E_SYNTAX},
    {"Z2,fffffffe,4", TT_RSP_CMD_INSERT_BP, TT_RSP_E_RANGE},
    {"qXfer:features:read:foo.xml:0,10", TT_RSP_CMD_XFER_FEATURES, TT_RSP_E_ANNEX},
    {"qXfer:features:read:target.xml:0", TT_RSP_CMD_XFER_FEATURES, TT_RSP_E_SYNTAX},
    {"qXfer:memory-map:read:x:0,10", TT_RSP_CMD_XFER_MEMMAP, TT_RSP_E_ANNEX},
    {"qXfer:threads:read::0,10,", TT_RSP_CMD_XFER_THREADS, TT_RSP_E_SYNTAX},
    {"qRcmd,", TT_RSP_CMD_MONITOR, TT_RSP_E_SYNTAX},
    {"qRcmd,abc", TT_RSP_CMD_MONITOR, TT_RSP_E_SYNTAX},
    {"qRcmd,zz", TT_RSP_CMD_MONITOR, TT_RSP_E_SYNTAX},
    {"!x", TT_RSP_CMD_EXTENDED, TT_RSP_E_SYNTAX},
    {"vRun;abc", TT_RSP_CMD_RUN, TT_RSP_E_SYNTAX},
    {"vRun;;zz", TT_RSP_CMD_RUN, TT_RSP_E_SYNTAX},
    {"qAttached:", TT_RSP_CMD_ATTACHED, TT_RSP_E_SYNTAX},
    {"qSupportedX", TT_RSP_CMD_SUPPORTED, TT_RSP_E_SYNTAX},
    {"D;zz", TT_RSP_CMD_DETACH, TT_RSP_E_SYNTAX},
    {"Hx1", TT_RSP_CMD_SET_THREAD, TT_RSP_E_SYNTAX},
    {"Hg", TT_RSP_CMD_SET_THREAD, TT_RSP_E_SYNTAX},
    {"T", TT_RSP_CMD_THREAD_ALIVE, TT_RSP_E_SYNTAX},
};

START_TEST(test_parse_malformed)
{
    const struct parse_case *c = &parse_bad[_i];
    struct tt_rsp_req q;
    tt_rsp_parse((const uint8_t *)c->pkt, strlen(c->pkt), &q);
    ck_assert_msg(q.cmd == c->cmd && q.error == c->err, "%s: cmd %d err %d, want %d %d", c->pkt,
                  q.cmd, q.error, c->cmd, c->err);
}
END_TEST

/* Malformed commands through the whole engine: an E reply, no backend call, no state. */
START_TEST(test_malformed_changes_nothing)
{
    setup_engine(false);
    const struct parse_case *c = &parse_bad[_i];
    char want[4];
    sprintf(want, "E%02x", c->err);
    ck_assert_str_eq(send(c->pkt), want);
    ck_assert_uint_eq(eng.stats.backend_calls, 0);
    ck_assert(!eng.running && eng.nbps == 0 && eng.nwps == 0);
}
END_TEST

/* ---- registers and stop replies -------------------------------------------------------- */

/* A resume whose stop the fake reported at once: the reply is the stop. */
static bool stopped(const char *reply)
{
    return reply[0] == 'T';
}

static void stop_at_breakpoint(void)
{
    ck_assert_str_eq(send("Z1,200040,2"), "OK");
    ck_assert(stopped(send("vCont;c")));
    ck_assert(!eng.running); /* the fake stopped at once and the stop was delivered */
}

START_TEST(test_stop_reply_has_all_registers) /* [DBG-050] */
{
    setup_engine(false);
    send("qSupported:swbreak+;hwbreak+");
    ck_assert_str_eq(send("Z1,200040,2"), "OK");
    const char *f = frame("vCont;c", 7);
    const char *o = push_raw(f, strlen(f));
    /* +$T05 00:11111111;…;0f:40002000;19:00000001;…;23:00000000;thread:1;hwbreak:;#cs */
    ck_assert_msg(strncmp(o, "+$T0500:11111111;01:22222222;", 29) == 0, "%s", o);
    ck_assert_ptr_nonnull(strstr(o, ";0d:00082028;")); /* sp 0x28200800 */
    ck_assert_ptr_nonnull(strstr(o, ";0f:40002000;")); /* pc 0x00200040, little-endian */
    ck_assert_ptr_nonnull(strstr(o, ";19:00000001;")); /* xpsr is GDB number 25 */
    ck_assert_ptr_nonnull(strstr(o, ";20:00082028;")); /* msp_ns (32) = msp */
    ck_assert_ptr_nonnull(strstr(o, ";22:00000000;")); /* msp_s (34) never exposed */
    ck_assert_ptr_nonnull(strstr(o, ";23:00000000;thread:1;hwbreak:;#"));
    /* then g, p come from the stop: no device call */
    unsigned before = eng.stats.backend_calls;
    const char *g = send("g");
    ck_assert_uint_eq(strlen(g), TT_RSP_NREGS * 8);
    ck_assert(strncmp(g + 15 * 8, "40002000", 8) == 0);
    ck_assert_str_eq(send("pf"), "40002000");
    ck_assert_str_eq(send("p19"), "00000001");
    ck_assert_str_eq(send("p10"), "E04"); /* 16: an FPA hole, no register */
    ck_assert_str_eq(send("p24"), "E04");
    ck_assert_uint_eq(eng.stats.backend_calls, before);
    ck_assert_uint_eq(dev.n_read_regs, 0);
}
END_TEST

START_TEST(test_stop_reasons)
{
    setup_engine(false);
    send("qSupported:swbreak+;hwbreak+");
    char buf[1024];
    struct tt_rsp_stop s = {.reason = TT_RSP_STOP_HALT};
    ck_assert_uint_gt(tt_rsp_format_stop(&eng, &s, buf, sizeof buf), 0);
    ck_assert(strncmp(buf, "T02", 3) == 0);
    s.reason = TT_RSP_STOP_FAULT;
    tt_rsp_format_stop(&eng, &s, buf, sizeof buf);
    ck_assert(strncmp(buf, "T0b", 3) == 0);
    s.reason = TT_RSP_STOP_BREAKPOINT;
    s.bp_type = TT_RSP_BP_SW;
    tt_rsp_format_stop(&eng, &s, buf, sizeof buf);
    ck_assert(strncmp(buf, "T05", 3) == 0 && strstr(buf, "thread:1;swbreak:;"));
    s.reason = TT_RSP_STOP_WATCHPOINT;
    s.bp_type = TT_RSP_WP_READ;
    s.watch_addr = 0x28200010;
    eng.watch_types = 1u << TT_RSP_WP_READ;
    eng.max_watchpoints = 1;
    eng.max_watch_len = 4;
    ck_assert_str_eq(send("Z3,28200010,4"), "OK"); /* GDB has it inserted */
    tt_rsp_format_stop(&eng, &s, buf, sizeof buf);
    ck_assert_ptr_nonnull(strstr(buf, "thread:1;rwatch:28200010;"));
    s.bp_type = TT_RSP_WP_WRITE;
    tt_rsp_format_stop(&eng, &s, buf, sizeof buf);
    ck_assert_ptr_nonnull(strstr(buf, "thread:1;watch:28200010;"));
    s.reason = TT_RSP_STOP_EXIT;
    s.regs[0] = 0x103;
    tt_rsp_format_stop(&eng, &s, buf, sizeof buf);
    ck_assert_str_eq(buf, "W03");
    s.reason = 99;
    ck_assert_int_eq(tt_rsp_stopped(&eng, &s), TT_ERR_ARG);
    /* GDB that did not announce swbreak+ gets no swbreak */
    setup_engine(false);
    s.reason = TT_RSP_STOP_BREAKPOINT;
    s.bp_type = TT_RSP_BP_SW;
    tt_rsp_format_stop(&eng, &s, buf, sizeof buf);
    ck_assert_ptr_null(strstr(buf, "swbreak"));
    /* no_optimize: a plain stub's reply, GDB reads registers itself */
    eng.no_optimize = true;
    tt_rsp_format_stop(&eng, &s, buf, sizeof buf);
    ck_assert_str_eq(buf, "T05thread:1;");
}
END_TEST

START_TEST(test_register_writes)
{
    setup_engine(false);
    stop_at_breakpoint();
    ck_assert_str_eq(send("P0=78563412"), "OK");
    ck_assert_uint_eq(dev.regs[0], 0x12345678);
    ck_assert_str_eq(send("p0"), "78563412");
    ck_assert_str_eq(send("P20=00012028"), "OK"); /* msp_ns → the device's msp */
    ck_assert_uint_eq(dev.regs[17], 0x28200100);
    ck_assert_str_eq(send("P22=00000000"), "E09"); /* msp_s: not writable */
    ck_assert_str_eq(send("P11=00000000"), "E04"); /* 17: no register */
    /* G: only changed registers are written */
    const char *g = send("g");
    char G[1 + TT_RSP_NREGS * 8 + 1];
    G[0] = 'G';
    strcpy(G + 1, g);
    memcpy(G + 1 + 8, "efbeadde", 8); /* r1 = 0xdeadbeef */
    unsigned w = dev.n_write_reg;
    ck_assert_str_eq(send(G), "OK");
    ck_assert_uint_eq(dev.n_write_reg, w + 1);
    ck_assert_uint_eq(dev.regs[1], 0xdeadbeef);
    memcpy(G + 1 + 25 * 8, "01000000", 8); /* msp_s (index 25) = 1: refused */
    ck_assert_str_eq(send(G), "E09");
}
END_TEST

START_TEST(test_regs_while_running)
{
    setup_engine(false);
    ck_assert_str_eq(send("c"), ""); /* no breakpoint: keeps running */
    ck_assert(eng.running && eng.gdb_waits);
    ck_assert_str_eq(send("g"), "E06");
    ck_assert_str_eq(send("P0=00000000"), "E06");
    ck_assert_str_eq(send("M28200000,1:00"), "E06");
    ck_assert_str_eq(send("c"), "E06");
    /* Ctrl-C: out of band, the halt's stop is the reply to the c (SIGINT) */
    const char *o = push_raw("\x03", 1);
    ck_assert_uint_eq(dev.n_halt, 1);
    ck_assert_msg(strncmp(o, "$T02", 4) == 0, "%s", o);
    ck_assert(!eng.running);
    ck_assert_str_eq(push_raw("\x03", 1), ""); /* halted: ignored */
    ck_assert_uint_eq(dev.n_halt, 1);
}
END_TEST

START_TEST(test_status_query)
{
    setup_engine(false);
    const char *r = send("?"); /* nothing known: reads regs */
    ck_assert(strncmp(r, "T02", 3) == 0);
    ck_assert_uint_eq(dev.n_read_regs, 1);
    r = send("?");
    ck_assert_uint_eq(dev.n_read_regs, 1); /* then remembered */
    /* connect while the app runs: the reply waits for the stop */
    send("c");
    ck_assert_str_eq(send("?"), "");
    ck_assert(eng.gdb_waits);
}
END_TEST

/* ---- breakpoints: kept locally, sent with the resume ---------------------------------- */

START_TEST(test_breakpoints_batched)
{
    setup_engine(false);
    ck_assert_str_eq(send("Z0,200040,2"), "OK");
    ck_assert_str_eq(send("Z1,200080,4"), "OK");
    ck_assert_str_eq(send("Z0,200040,2"), "OK");   /* twice: one entry */
    ck_assert_str_eq(send("z0,200100,2"), "OK");   /* absent: fine */
    ck_assert_uint_eq(eng.stats.backend_calls, 0); /* nothing sent yet */
    ck_assert(stopped(send("vCont;c")));
    ck_assert_uint_eq(dev.n_resume, 1);
    ck_assert(dev.last_resume.replace_bps);
    ck_assert_uint_eq(dev.last_resume.nbps, 2);
    ck_assert_uint_eq(dev.n_set + dev.n_clear, 0);
    /* GDB removes all after the stop and re-inserts before resuming: free */
    ck_assert_str_eq(send("z0,200040,2"), "OK");
    ck_assert_str_eq(send("z1,200080,4"), "OK");
    ck_assert_str_eq(send("Z0,200040,2"), "OK");
    ck_assert_uint_eq(dev.n_set + dev.n_clear, 0);
    ck_assert(stopped(send("s")));
    ck_assert_uint_eq(dev.last_resume.nbps, 1);
    ck_assert_uint_eq(dev.last_resume_bps[0].addr, 0x200040);
    /* table full */
    char z[32];
    for (unsigned i = 0; i < TT_RSP_MAX_BPS - 1; i++) {
        sprintf(z, "Z0,%x,2", 0x201000 + 2 * i);
        ck_assert_str_eq(send(z), "OK");
    }
    ck_assert_str_eq(send("Z0,203000,2"), "E07");
    ck_assert_uint_eq(eng.nbps, TT_RSP_MAX_BPS);
}
END_TEST

START_TEST(test_breakpoints_no_optimize)
{
    setup_engine(true);
    ck_assert_str_eq(send("Z0,200040,2"), "OK");
    ck_assert_uint_eq(dev.n_set, 1);
    ck_assert_str_eq(send("z0,200040,2"), "OK");
    ck_assert_uint_eq(dev.n_clear, 1);
    ck_assert_str_eq(send("Z0,200040,2"), "OK");
    ck_assert(stopped(send("c")));
    ck_assert(!dev.last_resume.replace_bps);
    dev.fail_next = TT_ERR_DBG_BP_FULL;
    ck_assert_str_eq(send("Z0,200050,2"), "E05");
}
END_TEST

/* The device's watchpoints as its hello states them: writes only, 4 of up to 8 bytes. */
static void device_watches_writes(void)
{
    eng.watch_types = 1u << TT_RSP_WP_WRITE;
    eng.max_watchpoints = 4;
    eng.max_watch_len = 8;
}

START_TEST(test_watchpoints_only_what_the_device_can)
{
    setup_engine(false); /* no CAP_WATCHPOINTS: GDB must hear "not supported" */
    ck_assert_str_eq(send("Z2,28200010,4"), "");
    ck_assert_str_eq(send("Z3,28200010,4"), "");
    ck_assert_str_eq(send("Z4,28200010,4"), "");
    ck_assert_uint_eq(eng.nwps, 0);
    ck_assert(stopped(send("s")));
    ck_assert_uint_eq(dev.n_set, 0);
    device_watches_writes();
    ck_assert_str_eq(send("Z3,28200010,4"), ""); /* reads: the device cannot see them */
    ck_assert_str_eq(send("Z4,28200010,4"), "");
    ck_assert_str_eq(send("Z2,28200010,9"), "E04"); /* longer than Limits.watch_max_len */
    for (unsigned k = 0; k < 4; k++) {
        char z[32];
        sprintf(z, "Z2,%x,4", 0x28200010 + 8 * k);
        ck_assert_str_eq(send(z), "OK");
    }
    ck_assert_str_eq(send("Z2,28200010,4"), "OK"); /* again: no new slot */
    ck_assert_str_eq(send("Z2,28200100,4"), "E07"); /* a fifth */
    ck_assert_str_eq(send("z2,28200100,4"), "OK");
    ck_assert_uint_eq(eng.nwps, 4);
}
END_TEST

START_TEST(test_watchpoints_net_changes)
{
    setup_engine(false);
    device_watches_writes();
    eng.watch_types |= 1u << TT_RSP_WP_READ;
    ck_assert_str_eq(send("Z2,28200010,4"), "OK");
    ck_assert_uint_eq(dev.n_set, 0);
    ck_assert(stopped(send("s"))); /* applied with the resume */
    ck_assert_uint_eq(dev.n_set, 1);
    ck_assert_str_eq(send("z2,28200010,4"), "OK"); /* removed after the stop … */
    ck_assert_str_eq(send("Z2,28200010,4"), "OK"); /* … re-inserted: no change */
    ck_assert_str_eq(send("Z3,28200020,1"), "OK");
    ck_assert(stopped(send("s")));
    ck_assert_uint_eq(dev.n_set, 2); /* only the new one */
    ck_assert_uint_eq(dev.n_clear, 0);
    ck_assert_str_eq(send("z2,28200010,4"), "OK");
    ck_assert(stopped(send("s"))); /* a step past the trigger: the device keeps it */
    ck_assert_uint_eq(dev.n_clear, 0);
    ck_assert_str_eq(send("Z0,200070,2"), "OK");
    ck_assert(stopped(send("c"))); /* a continue without it: now it goes */
    ck_assert_uint_eq(dev.n_clear, 1);
    ck_assert_uint_eq(dev.n_set, 2);
}
END_TEST

/* A watchpoint stop is one for GDB only while GDB has that watchpoint inserted. */
START_TEST(test_watch_stop_only_for_gdbs_watchpoints)
{
    setup_engine(false);
    device_watches_writes();
    struct tt_rsp_stop s = {.reason = TT_RSP_STOP_WATCHPOINT, .bp_type = TT_RSP_WP_WRITE,
                            .watch_addr = 0x28200010};
    char buf[TT_RSP_PACKET_MAX];
    size_t n = tt_rsp_format_stop(&eng, &s, buf, sizeof buf - 1);
    buf[n] = 0;
    ck_assert_ptr_null(strstr(buf, "watch:"));
    ck_assert_str_eq(send("Z2,28200010,4"), "OK");
    n = tt_rsp_format_stop(&eng, &s, buf, sizeof buf - 1);
    buf[n] = 0;
    ck_assert_ptr_nonnull(strstr(buf, "thread:1;watch:28200010;"));
}
END_TEST

/* ---- memory: cache while halted, ELF when trusted -------------------------------------- */

START_TEST(test_cache_and_invalidation)
{
    setup_engine(false);
    stop_at_breakpoint(); /* the stop pushed 256 bytes of stack from sp = 0x28200800 */
    unsigned r0 = dev.n_read_mem;
    for (unsigned i = 0; i < 64; i++) { /* x/64x $sp: all from the stop */
        char m[32];
        sprintf(m, "m%x,4", 0x28200800 + 4 * i);
        const char *got = send(m);
        char want[9];
        sprintf(want, "%02x%02x%02x%02x", (4 * i) & 0xff, (4 * i + 1) & 0xff, (4 * i + 2) & 0xff,
                (4 * i + 3) & 0xff);
        ck_assert_str_eq(got, want);
    }
    ck_assert_uint_eq(dev.n_read_mem, r0);
    ck_assert_str_eq(send("m28200100,4"), "00010203"); /* miss: one block fetched */
    ck_assert_uint_eq(dev.n_read_mem, r0 + 1);
    ck_assert_str_eq(send("m28200104,8"), "0405060708090a0b");
    ck_assert_uint_eq(dev.n_read_mem, r0 + 1);      /* hit */
    ck_assert_str_eq(send("M28200104,1:ff"), "OK"); /* a write drops the cache */
    ck_assert_str_eq(send("m28200104,2"), "ff05");
    ck_assert_uint_eq(dev.n_read_mem, r0 + 2);
    ck_assert_str_eq(send("Pf=40002000"), "OK"); /* so does a register write */
    ck_assert_str_eq(send("m28200104,2"), "ff05");
    ck_assert_uint_eq(dev.n_read_mem, r0 + 3);
    ck_assert(stopped(send("s"))); /* and a resume */
    ck_assert_str_eq(send("m28200104,2"), "ff05");
    ck_assert_uint_eq(dev.n_read_mem, r0 + 4);
    /* outside the memory map: never cached */
    ck_assert_str_eq(send("m40000000,4"), "E05");
    ck_assert_str_eq(send("m40000000,4"), "E05");
    ck_assert_uint_eq(dev.n_read_mem, r0 + 6);
    /* a rounded-out fetch that fails falls back to the exact read */
    dev.fail_next = TT_ERR_DBG_ACCESS;
    ck_assert_str_eq(send("m28200200,4"), "00010203");
}
END_TEST

START_TEST(test_cache_disabled_no_optimize)
{
    setup_engine(true);
    stop_at_breakpoint();
    send("m28200100,4");
    send("m28200100,4");
    ck_assert_uint_eq(dev.n_read_mem, 2);
    ck_assert_str_eq(send("g") + 0, send("g"));
    ck_assert_uint_eq(dev.n_read_regs, 2); /* g: one device call each */
}
END_TEST

START_TEST(test_elf_reads_only_when_trusted)
{
    load_elf();
    setup_engine(false);
    eng.elf = &elf;
    fake_init(&dev, &elf);
    memset(dev.flash, 0, 0x40); /* the device's flash differs from the ELF */
    eng.elf_trusted = false;
    ck_assert_str_eq(send("m200000,4"), "00000000"); /* from the device */
    unsigned n = dev.n_read_mem;
    eng.elf_trusted = true; /* the caller checked the app measurement */
    tt_rsp_cache_drop(&eng.cache);
    ck_assert_str_ne(send("m200000,4"), "00000000"); /* from the ELF */
    ck_assert_uint_eq(dev.n_read_mem, n);
    ck_assert_uint_eq(eng.stats.elf_reads, 1);
    eng.no_optimize = true;
    ck_assert_str_eq(send("m200000,4"), "00000000");
}
END_TEST

/* ---- the deferred single step ([DBG-090]..[DBG-092]) --------------------------------- */

/* Engine with the tiny ELF trusted, halted at pc (the registers of a stop GDB did not wait
 * for, as after an attach). */
static void halted_at(uint32_t pc)
{
    load_elf();
    setup_engine(false);
    fake_init(&dev, &elf);
    eng.elf = &elf;
    eng.elf_trusted = true;
    struct tt_rsp_stop s = {.reason = TT_RSP_STOP_BREAKPOINT};
    dev.regs[15] = pc;
    memcpy(s.regs, dev.regs, sizeof s.regs);
    ck_assert_int_eq(tt_rsp_stopped(&eng, &s), TT_OK);
}

/* The pc field of a stop reply, or -1. */
static long stop_pc(const char *reply)
{
    const char *p = strstr(reply, ";0f:");
    unsigned b[4];
    if (p == NULL && strncmp(reply, "T050f:", 6) == 0)
        p = reply + 2;
    if (p == NULL || sscanf(p + 4, "%2x%2x%2x%2x", &b[0], &b[1], &b[2], &b[3]) != 4)
        return -1;
    return (long)(b[0] | b[1] << 8 | b[2] << 16 | (unsigned long)b[3] << 24);
}

START_TEST(test_deferred_step_carried_by_range_step)
{
    halted_at(0x200000); /* push {r4, r5, r6, lr}: the step lands on 0x200002 */
    /* answered at once, pc only: GDB asks for anything else */
    ck_assert_str_eq(send("vCont;s:1"), "T050f:02002000;thread:1;");
    ck_assert_uint_eq(dev.n_resume, 0);
    /* what GDB does before the range step costs nothing and keeps the step pending */
    ck_assert_str_eq(send("m200000,2"), "70b5"); /* the instruction under its breakpoint */
    ck_assert_str_eq(send("Z0,200000,2"), "OK");
    ck_assert_str_eq(send("qXfer:threads:read::0,100")[0] == 'l' ? "l" : "?", "l");
    ck_assert_uint_eq(dev.n_resume, 0);
    /* the range step holds 0x200002: one resume from the old pc does both */
    /* the fake stops at once: the reply is the range step's stop (on the range's end) */
    ck_assert_int_eq(stop_pc(send("vCont;r200000,200008:1")), 0x200008);
    ck_assert_uint_eq(dev.n_resume, 1);
    ck_assert_uint_eq(dev.last_resume.action, TT_RSP_RANGE_STEP);
    ck_assert_uint_eq(dev.last_resume.range_start, 0x200000);
    ck_assert_uint_eq(eng.stats.steps_deferred, 1);
    ck_assert_uint_eq(eng.stats.steps_merged, 1);
    ck_assert_uint_eq(eng.stats.steps_flushed, 0);
}
END_TEST

START_TEST(test_deferred_step_carried_by_continue)
{
    halted_at(0x20001e); /* b.n 0x200008: the decoder follows the branch */
    ck_assert_str_eq(send("vCont;s:1"), "T050f:08002000;thread:1;");
    ck_assert_str_eq(send("Z0,200028,2"), "OK");
    ck_assert_int_eq(stop_pc(send("vCont;c")), 0x200028);
    ck_assert_uint_eq(dev.n_resume, 1);
    ck_assert_uint_eq(dev.last_resume.action, TT_RSP_CONTINUE);
    ck_assert_uint_eq(eng.stats.steps_merged, 1);
}
END_TEST

START_TEST(test_deferred_step_runs_before_a_register_read)
{
    halted_at(0x200000);
    ck_assert_str_eq(send("vCont;s:1"), "T050f:02002000;thread:1;");
    /* g needs the real state: the device runs the step, then g is answered from its stop */
    const char *f = frame("g", 1);
    const char *o = push_raw(f, strlen(f)); /* the fake's stop is delivered inside */
    ck_assert_uint_eq(dev.n_resume, 1);
    ck_assert_uint_eq(dev.last_resume.action, TT_RSP_STEP);
    ck_assert_uint_eq(eng.stats.steps_flushed, 1);
    ck_assert_msg(strncmp(o, "+$", 2) == 0, "%s", o);
    /* pc is register 15: characters 8*15 .. of g's reply, little-endian hex */
    ck_assert_msg(strncmp(o + 2 + 8 * 15, "02002000", 8) == 0, "%s", o);
    ck_assert(!eng.step.pending && !eng.step.flushing);
}
END_TEST

START_TEST(test_deferred_step_not_merged)
{
    /* a breakpoint where the step lands: the merged resume would report it, GDB's two
     * resumes would not — the step runs alone first */
    halted_at(0x200000);
    ck_assert_str_eq(send("vCont;s:1"), "T050f:02002000;thread:1;");
    ck_assert_str_eq(send("Z0,200002,2"), "OK");
    ck_assert_str_eq(send("vCont;r200000,200008:1"), ""); /* the step's stop came first */
    ck_assert_uint_eq(dev.n_resume, 2); /* the step, then (when its stop came) the range */
    ck_assert_uint_eq(dev.last_resume.action, TT_RSP_RANGE_STEP);
    ck_assert_uint_eq(eng.stats.steps_flushed, 1);
    ck_assert_int_eq(stop_pc(push_raw("", 0)), 0x200008);
    /* a range that does not hold the predicted pc */
    halted_at(0x200000);
    ck_assert_str_eq(send("vCont;s:1"), "T050f:02002000;thread:1;");
    ck_assert_str_eq(send("vCont;r200004,200008:1"), "");
    ck_assert_uint_eq(dev.n_resume, 2);
    ck_assert_int_eq(stop_pc(push_raw("", 0)), 0x200008);
    ck_assert_uint_eq(eng.stats.steps_merged, 0);
}
END_TEST

START_TEST(test_step_not_deferred)
{
    /* untrusted ELF, a watchpoint set, a trap (BKPT), an address: the device steps now */
    halted_at(0x200000);
    eng.elf_trusted = false;
    ck_assert_int_eq(stop_pc(send("vCont;s:1")), 0x200002); /* the device's stop, all registers */
    ck_assert_uint_eq(dev.n_resume, 1);
    halted_at(0x200000);
    eng.watch_types = 1u << TT_RSP_WP_WRITE;
    eng.max_watchpoints = 4;
    eng.max_watch_len = 4;
    ck_assert_str_eq(send("Z2,28200000,4"), "OK");
    ck_assert_int_eq(stop_pc(send("vCont;s:1")), 0x200002);
    ck_assert_uint_eq(dev.n_resume, 1);
    halted_at(0x20003c); /* bx lr: lr is known, so this one is deferred */
    ck_assert_str_eq(send("vCont;s:1"), "T050f:10002000;thread:1;");
    halted_at(0x200000);
    ck_assert_int_eq(stop_pc(send("s200008")), 0x20000a);
    ck_assert_uint_eq(dev.n_resume, 1); /* a step from elsewhere goes to the device */
    ck_assert_uint_eq(eng.stats.steps_deferred, 0);
}
END_TEST

/* ---- target description, memory map, threads, monitor, detach --------------------- */

static char *xfer_all(const char *obj, unsigned chunk)
{
    static char all[8192];
    size_t n = 0;
    for (;;) {
        char q[128];
        sprintf(q, "%s%zx,%x", obj, n, chunk);
        const char *r = send(q);
        ck_assert(r[0] == 'm' || r[0] == 'l');
        size_t k = strlen(r + 1);
        ck_assert_uint_le(k, chunk);
        memcpy(all + n, r + 1, k);
        n += k;
        if (r[0] == 'l')
            break;
    }
    all[n] = 0;
    return all;
}

static int count(const char *s, const char *sub)
{
    int n = 0;
    for (const char *p = s; (p = strstr(p, sub)) != NULL; p++)
        n++;
    return n;
}

static void xmllint(const char *xml)
{
    if (system("command -v xmllint >/dev/null 2>&1") != 0)
        return; /* structural checks below still ran */
    FILE *p = popen("xmllint --noout - 2>&1", "w");
    ck_assert_ptr_nonnull(p);
    fputs(xml, p);
    ck_assert_int_eq(pclose(p), 0);
}

START_TEST(test_target_xml)
{
    setup_engine(false);
    const char *full;
    size_t len = tt_rsp_target_xml(&full);
    char *x = xfer_all("qXfer:features:read:target.xml:", 100); /* in 100-byte chunks */
    ck_assert_uint_eq(strlen(x), len);
    ck_assert_str_eq(x, full);
    ck_assert_int_eq(count(x, "<reg "), TT_RSP_NREGS);
    ck_assert_int_eq(count(x, "<feature "), 3);
    ck_assert_ptr_nonnull(strstr(x, "<feature name=\"org.gnu.gdb.arm.m-profile\">"));
    ck_assert_ptr_nonnull(strstr(x, "<feature name=\"org.gnu.gdb.arm.m-system\">"));
    ck_assert_ptr_nonnull(strstr(x, "<feature name=\"org.gnu.gdb.arm.secext\">"));
    ck_assert_ptr_nonnull(strstr(x, "<reg name=\"xpsr\" bitsize=\"32\" regnum=\"25\"/>"));
    ck_assert_ptr_null(strstr(x, "xi:include"));
    xmllint(x);
    ck_assert_str_eq(send("qXfer:features:read:target.xml:ffff,10"), "l");
    for (unsigned i = 0; i < TT_RSP_NREGS; i++)
        ck_assert_int_eq(tt_rsp_reg_index(tt_rsp_reg_number(i)), (int)i);
}
END_TEST

START_TEST(test_memory_map)
{
    load_elf();
    setup_engine(false);
    tt_rsp_init(&eng, &eng.be);
    ck_assert_str_eq(send("qXfer:memory-map:read::0,400"), "E08"); /* no map yet */
    ck_assert(tt_rsp_add_elf_regions(&eng, &elf, TT_RSP_MEM_FLASH, 0x400));
    ck_assert_uint_eq(eng.nregions, 2); /* code+rodata+data image in flash; data+bss RAM */
    ck_assert(tt_rsp_add_region(&eng, FAKE_RAM_BASE, FAKE_RAM_SIZE, TT_RSP_MEM_RAM, 0));
    ck_assert_uint_eq(eng.nregions, 2); /* merged with the ELF's RAM */
    ck_assert(!tt_rsp_add_region(&eng, FAKE_RAM_BASE + 8, 4, TT_RSP_MEM_ROM, 0)); /* overlap */
    ck_assert(tt_rsp_add_region(&eng, 0x40000000, 0x1000, TT_RSP_MEM_RAM, 0));
    ck_assert_uint_eq(eng.nregions, 3);
    ck_assert(!tt_rsp_add_region(&eng, 0xFFFFF000, 0x2000, TT_RSP_MEM_RAM, 0)); /* wraps */
    ck_assert(!tt_rsp_add_region(&eng, 0x100, 0x100, TT_RSP_MEM_FLASH, 0x300)); /* not 2^n */
    char *x = xfer_all("qXfer:memory-map:read::", 64);
    ck_assert_ptr_nonnull(strstr(x, "<memory type=\"flash\" start=\"0x200000\" length=\"0x400\">"
                                    "<property name=\"blocksize\">0x400</property></memory>"));
    ck_assert_ptr_nonnull(
        strstr(x, "<memory type=\"ram\" start=\"0x28200000\" length=\"0x1000\"/>"));
    xmllint(x);
    ck_assert_ptr_nonnull(strstr(send("qSupported"), "qXfer:memory-map:read+"));
}
END_TEST

START_TEST(test_threads_and_misc)
{
    setup_engine(false);
    ck_assert_ptr_nonnull(strstr(xfer_all("qXfer:threads:read::", 4000), "<thread id=\"1\""));
    ck_assert_str_eq(send("qC"), "QC1");
    ck_assert_str_eq(send("qfThreadInfo"), "m1");
    ck_assert_str_eq(send("qsThreadInfo"), "l");
    ck_assert_str_eq(send("qAttached"), "1");
    ck_assert_str_eq(send("Hg0"), "OK");
    ck_assert_str_eq(send("T1"), "OK");
    ck_assert_str_eq(send("qSymbol::"), "OK");
    ck_assert_str_eq(send("vCont?"), "vCont;c;C;s;S;r");
    ck_assert_str_eq(send("qTStatus"), "");
    ck_assert_str_eq(send("vMustReplyEmpty"), "");
    const char *s = send("qSupported:multiprocess+;swbreak+;hwbreak+");
    ck_assert_str_eq(s, "PacketSize=1000;QStartNoAckMode+;qXfer:features:read+;"
                        "qXfer:memory-map:read+;qXfer:threads:read+;vContSupported+;"
                        "hwbreak+;swbreak+");
    ck_assert_uint_eq(eng.stats.backend_calls, 0); /* all answered locally */
}
END_TEST

/* The hex of text as GDB's console output (O packets) carries it. */
static const char *hex_of(const char *text)
{
    static char h[2 * 256 + 1];
    for (size_t i = 0; text[i] && i < 256; i++)
        sprintf(h + 2 * i, "%02x", (uint8_t)text[i]);
    return h;
}

static const char *monitor(const char *cmd)
{
    char q[300] = "qRcmd,";
    for (size_t i = 0; cmd[i]; i++)
        sprintf(q + 6 + 2 * i, "%02x", (uint8_t)cmd[i]);
    const char *f = frame(q, strlen(q));
    return push_raw(f, strlen(f));
}

START_TEST(test_monitor)
{
    setup_engine(false);
    stop_at_breakpoint();
    const char *o = monitor("reset");
    ck_assert_uint_eq(dev.n_reset, 1);
    ck_assert(strstr(o, "$O") && strstr(o, "$OK#9a"));
    /* the reset's stop came while GDB waited for nothing: remembered, not sent */
    ck_assert_ptr_null(strstr(o, "$T"));
    ck_assert_str_eq(send("pf"), "00002000");
    o = monitor("status");
    ck_assert_ptr_nonnull(strstr(o, "$O617070")); /* "app" */
    o = monitor("halt");
    ck_assert_ptr_nonnull(strstr(o, "$OK#9a"));
    /* an unknown command: a clear message and a normal end, never an E reply (GDB 13 shows
     * those as "Protocol error with Rcmd") */
    o = monitor("bogus");
    ck_assert_ptr_null(strstr(o, "$E"));
    ck_assert_ptr_nonnull(strstr(o, "$OK#9a"));
    ck_assert_ptr_nonnull(strstr(o, hex_of("unknown monitor command \"bogus\"")));
    o = monitor("help");
    ck_assert_ptr_nonnull(strstr(o, "$OK#9a"));
    ck_assert_ptr_nonnull(strstr(o, hex_of("  help ")));
    ck_assert_ptr_nonnull(strstr(o, hex_of("  reset ")));
    ck_assert_ptr_nonnull(strstr(o, hex_of("  status ")));
}
END_TEST

static void device_watches_writes(void);

START_TEST(test_monitor_status_counts_gdbs_breakpoints)
{
    setup_engine(false);
    ck_assert_str_eq(send("Z0,200040,2"), "OK");
    ck_assert_str_eq(send("Z0,200060,2"), "OK");
    ck_assert(stopped(send("c")));
    /* GDB removes its breakpoints after each stop; they are still its breakpoints */
    ck_assert_str_eq(send("z0,200040,2"), "OK");
    ck_assert_str_eq(send("z0,200060,2"), "OK");
    ck_assert_ptr_nonnull(strstr(monitor("status"), hex_of("halted; 2 breakpoints")));
    ck_assert_str_eq(send("Z0,200060,2"), "OK"); /* one deleted by the user */
    ck_assert(stopped(send("c")));
    ck_assert_str_eq(send("z0,200060,2"), "OK");
    ck_assert_ptr_nonnull(strstr(monitor("status"), hex_of("halted; 1 breakpoints")));
    device_watches_writes();
    ck_assert_str_eq(send("Z0,200070,2"), "OK");
    ck_assert_str_eq(send("Z2,28200010,4"), "OK");
    ck_assert(stopped(send("c")));
    ck_assert_str_eq(send("z0,200070,2"), "OK");
    ck_assert_str_eq(send("z2,28200010,4"), "OK");
    ck_assert(stopped(send("s"))); /* GDB steps past a watchpoint's trigger without it */
    ck_assert_ptr_nonnull(strstr(monitor("status"), hex_of("1 breakpoints, 1 watchpoints")));
}
END_TEST

/* extended-remote: `run` restarts the app from reset and stops at its entry; `kill` keeps
 * the connection for the next `run`. */
START_TEST(test_extended_run_and_kill)
{
    setup_engine(false);
    device_watches_writes();
    ck_assert_str_eq(send("!"), "OK");
    ck_assert(eng.extended);
    ck_assert_str_eq(send("Z0,200040,2"), "OK");
    ck_assert_str_eq(send("Z2,28200010,4"), "OK");
    ck_assert(stopped(send("c"))); /* the watchpoint reached the device with the resume */
    ck_assert_uint_eq(dev.n_set, 1);
    ck_assert_str_eq(send("vKill;a410"), "OK");
    ck_assert(!eng.detached);     /* the connection stays */
    ck_assert_uint_eq(dev.n_detach, 0);
    ck_assert_uint_eq(dev.n_clear, 1); /* nothing of the killed run stays on the device */
    ck_assert_uint_eq(eng.nbps + eng.nwps + eng.nwps_dev, 0);
    const char *o = send("vRun;");
    ck_assert_uint_eq(dev.n_reset, 1);
    ck_assert_msg(o[0] == 'T' && o[1] == '0' && o[2] == '5', "vRun reply: %s", o);
    ck_assert_ptr_nonnull(strstr(o, "0f:00002000;")); /* pc: the reset vector's target */
    ck_assert(!eng.running);
    ck_assert_str_eq(send("pf"), "00002000");
    ck_assert_str_eq(send("vRun;2f612e656c66"), send("vRun;")); /* file name ignored */
    /* not in extended mode: k detaches and the connection ends, the app runs on */
    setup_engine(false);
    ck_assert_str_eq(send("k"), "OK");
    ck_assert(eng.detached);
    ck_assert_uint_eq(dev.n_detach, 1);
    /* vRun while the app runs: GDB stops it first */
    setup_engine(false);
    ck_assert_str_eq(send("!"), "OK");
    dev.fail_next = TT_OK;
    eng.running = true;
    ck_assert_str_eq(send("vRun;"), "E06");
    eng.running = false;
    dev.fail_next = TT_ERR_DBG_ATTACHED;
    ck_assert_str_eq(send("vRun;"), "E05");
}
END_TEST

START_TEST(test_detach_and_kill)
{
    setup_engine(false);
    ck_assert_str_eq(send("Z0,200040,2"), "OK");
    ck_assert_str_eq(send("D"), "OK");
    ck_assert_uint_eq(dev.n_detach, 1);
    ck_assert(eng.detached && eng.nbps == 0);
    setup_engine(false);
    ck_assert_str_eq(send("vKill;1"), "OK");
    ck_assert_uint_eq(dev.n_detach, 1); /* the app is left running, never killed */
    dev.fail_next = TT_ERR_IO;
    ck_assert_str_eq(send("D"), "E05");
}
END_TEST

START_TEST(test_backend_errors)
{
    setup_engine(false);
    dev.fail_next = TT_ERR_DBG_ACCESS;
    ck_assert_str_eq(send("g"), "E05");
    dev.fail_next = TT_ERR_DBG_RUNNING;
    ck_assert_str_eq(send("c"), "E05");
    ck_assert(!eng.running);
    ck_assert_str_eq(send("M50000000,1:00"), "E05"); /* the fake has no such memory */
    stop_at_breakpoint();
    dev.fail_next = TT_ERR_IO;
    ck_assert_str_eq(send("P0=00000000"), "E05");
}
END_TEST

START_TEST(test_output_backpressure)
{
    setup_engine(false);
    /* many packets at once: the engine stops taking input when its output is full */
    static char many[64 * 1024];
    size_t n = 0;
    while (n + 64 < sizeof many) {
        const char *f = frame("qXfer:features:read:target.xml:0,ffb", 36);
        memcpy(many + n, f, strlen(f));
        n += strlen(f);
    }
    size_t off = 0, total_out = 0;
    int rounds = 0;
    while (off < n) {
        size_t used = 0;
        tt_err e = tt_rsp_input(&eng, (uint8_t *)many + off, n - off, &used);
        ck_assert(e == TT_OK || e == TT_ERR_NO_SPACE);
        off += used;
        uint8_t sink[4096];
        size_t k;
        while ((k = tt_rsp_output(&eng, sink, sizeof sink)) > 0)
            total_out += k;
        rounds++;
    }
    ck_assert_int_gt(rounds, 1);
    ck_assert_uint_eq(eng.stats.lost_replies, 0);
    ck_assert_uint_eq(eng.stats.packets,
                      n / strlen(frame("qXfer:features:read:target.xml:0,ffb", 36)));
    ck_assert_uint_gt(total_out, 0);
}
END_TEST

/* Random bytes and mutated packets: no crash (ASan/UBSan), output stays framed. */
START_TEST(test_random_input)
{
    setup_engine(false);
    static const char *seeds[] = {"m28200000,10",
                                  "Z0,200040,2",
                                  "vCont;r200000,200010",
                                  "qXfer:features:read:target.xml:0,ffb",
                                  "X28200000,2:ab",
                                  "P0=00000000",
                                  "qRcmd,737461747573",
                                  "c",
                                  "g"};
    uint32_t x = 12345;
    for (int iter = 0; iter < 20000; iter++) {
        char p[64];
        x = x * 1103515245u + 12345u;
        const char *s = seeds[(x >> 16) % (sizeof seeds / sizeof seeds[0])];
        size_t n = strlen(s);
        memcpy(p, s, n);
        x = x * 1103515245u + 12345u;
        p[(x >> 16) % n] = (char)(x >> 8); /* one mutated byte */
        const char *f = frame(p, n);
        size_t used;
        tt_err e = tt_rsp_input(&eng, (const uint8_t *)f, strlen(f), &used);
        ck_assert(e == TT_OK || e == TT_ERR_NO_SPACE);
        if (iter % 7 == 0) {
            uint8_t junk[16];
            for (size_t i = 0; i < sizeof junk; i++) {
                x = x * 1103515245u + 12345u;
                junk[i] = (uint8_t)(x >> 16);
            }
            e = tt_rsp_input(&eng, junk, sizeof junk, &used);
            ck_assert(e == TT_OK || e == TT_ERR_NO_SPACE);
        }
        struct tt_rsp_stop st;
        if (fake_take_stop(&dev, &st))
            ck_assert_int_eq(tt_rsp_stopped(&eng, &st), TT_OK);
        if (eng.running && iter % 5 == 0)
            (void)push_raw("\x03", 1);
        uint8_t sink[sizeof eng.out];
        (void)tt_rsp_output(&eng, sink, sizeof sink);
        if (eng.detached)
            setup_engine(false);
    }
    ck_assert_uint_eq(eng.stats.lost_replies, 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rsp");
    TCase *tc = tcase_create("rsp");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_checksum_and_ack);
    tcase_add_test(tc, test_noack_mode);
    tcase_add_test(tc, test_escapes_and_binary_write);
    tcase_add_test(tc, test_oversized_and_star);
    tcase_add_test(tc, test_deferred_step_carried_by_range_step);
    tcase_add_test(tc, test_deferred_step_carried_by_continue);
    tcase_add_test(tc, test_deferred_step_runs_before_a_register_read);
    tcase_add_test(tc, test_deferred_step_not_merged);
    tcase_add_test(tc, test_step_not_deferred);
    tcase_add_loop_test(tc, test_parse_every_command, 0, sizeof parse_ok / sizeof parse_ok[0]);
    tcase_add_test(tc, test_parse_fields);
    tcase_add_loop_test(tc, test_parse_malformed, 0, sizeof parse_bad / sizeof parse_bad[0]);
    tcase_add_loop_test(tc, test_malformed_changes_nothing, 0,
                        sizeof parse_bad / sizeof parse_bad[0]);
    tcase_add_test(tc, test_stop_reply_has_all_registers);
    tcase_add_test(tc, test_stop_reasons);
    tcase_add_test(tc, test_register_writes);
    tcase_add_test(tc, test_regs_while_running);
    tcase_add_test(tc, test_status_query);
    tcase_add_test(tc, test_breakpoints_batched);
    tcase_add_test(tc, test_breakpoints_no_optimize);
    tcase_add_test(tc, test_watchpoints_net_changes);
    tcase_add_test(tc, test_watchpoints_only_what_the_device_can);
    tcase_add_test(tc, test_watch_stop_only_for_gdbs_watchpoints);
    tcase_add_test(tc, test_cache_and_invalidation);
    tcase_add_test(tc, test_cache_disabled_no_optimize);
    tcase_add_test(tc, test_elf_reads_only_when_trusted);
    tcase_add_test(tc, test_target_xml);
    tcase_add_test(tc, test_memory_map);
    tcase_add_test(tc, test_threads_and_misc);
    tcase_add_test(tc, test_monitor);
    tcase_add_test(tc, test_monitor_status_counts_gdbs_breakpoints);
    tcase_add_test(tc, test_extended_run_and_kill);
    tcase_add_test(tc, test_detach_and_kill);
    tcase_add_test(tc, test_backend_errors);
    tcase_add_test(tc, test_output_backpressure);
    tcase_add_test(tc, test_random_input);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
