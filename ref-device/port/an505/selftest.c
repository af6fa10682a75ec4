/* selftest.c — boot-time self-test of target control on the real app under QEMU.
 *
 * A separate supervisor main (selftest.elf) that drives core/target against the demo app
 * through the same loop the real supervisor uses, and reports "PASS name" / "FAIL name ..."
 * lines and a final "SELFTEST DONE pass=N fail=M" over the link UART (text, not framing).
 * ref-device/tests/qemu_selftest.sh boots it and judges the lines. App addresses come from
 * the app ELF at build time (an505_app_syms.h, made with nm). Depends on an505.h,
 * core/loop.h, core/target/target.h. */
#include "an505.h"

#include <string.h>

#include "../../core/loop.h"
#include "an505_app_syms.h"
#include "tether/crypto.h"

static struct tt_target t;
static unsigned passed, failed;

static void put(const char *s) { armv8m_link_puts(s); }

static void put_hex(uint32_t v)
{
    char b[11] = "0x";
    for (int i = 0; i < 8; i++)
        b[2 + i] = "0123456789abcdef"[(v >> (28 - 4 * i)) & 0xFu];
    b[10] = 0;
    put(b);
}

static void put_dec(uint32_t v)
{
    char b[12];
    int i = 11;
    b[i] = 0;
    do {
        b[--i] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v);
    put(b + i);
}

static int check(int ok, const char *name, const char *what, uint32_t got)
{
    put(ok ? "PASS " : "FAIL ");
    put(name);
    if (!ok) {
        put(": ");
        put(what);
        put(" = ");
        put_hex(got);
    }
    put("\n");
    if (ok)
        passed++;
    else
        failed++;
    return ok;
}

static uint32_t fn(uint32_t sym) { return sym & ~1u; }
static int in_fn(uint32_t pc, uint32_t sym, uint32_t size)
{
    return pc >= fn(sym) && pc < fn(sym) + size;
}

static uint32_t read32(uint32_t addr, tt_err *e)
{
    uint8_t b[4] = {0};
    *e = tt_target_mem_read(&t, addr, b, 4);
    return (uint32_t)b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24;
}

/* Runs loop turns for ms milliseconds or until the app halts; returns 1 if halted. */
static int run_for(uint32_t ms)
{
    uint64_t end = tt_port_time_ms() + ms;
    while (tt_port_time_ms() < end) {
        tt_loop_once(&t, NULL, NULL);
        if (t.state == TT_TARGET_HALTED)
            return 1;
    }
    return 0;
}

static struct tt_target_stop stop_after(uint32_t ms)
{
    struct tt_target_stop s = {0};
    if (run_for(ms))
        (void)tt_target_take_stop(&t, &s);
    return s;
}

static void report_fault(const struct tt_target_stop *s)
{
    put("  fault pc=");
    put_hex(s->pc);
    put(" cfsr=");
    put_hex(s->fault.cfsr);
    put(" cfsr_ns=");
    put_hex(s->fault.cfsr_ns);
    put(" hfsr=");
    put_hex(s->fault.hfsr);
    put(" sfsr=");
    put_hex(s->fault.sfsr);
    put(" sfar=");
    put_hex(s->fault.sfar);
    put("\n");
}

static void selftest(void)
{
    tt_err e;
    struct tt_target_stop s;
    struct tt_app_regs r;

    tt_target_init(&t);
    e = tt_target_reset_app(&t);
    check(e == TT_OK && tt_target_take_stop(&t, &s) && s.reason == TT_STOP_RESET &&
              in_fn(s.pc, APP_app_reset, APP_SIZE_app_reset),
          "app held at its reset vector", "pc", s.pc);

    /* 1. The app runs; its memory can be read while it runs. */
    check(tt_target_resume(&t, TT_RUN_CONTINUE, 0, 0) == TT_OK, "resume", "", 0);
    run_for(50);
    uint32_t c1 = read32(APP_demo_counter, &e);
    run_for(50);
    uint32_t c2 = read32(APP_demo_counter, &e);
    check(e == TT_OK && t.state == TT_TARGET_RUNNING && c2 > c1 && c1 > 0,
          "app runs, counter read while running", "counter", c2);

    /* 2. Halt and read registers. */
    check(tt_target_halt(&t) == TT_OK && tt_target_take_stop(&t, &s) &&
              s.reason == TT_STOP_HALT, "halt", "reason", s.reason);
    e = tt_target_regs_read(&t, &r);
    check(e == TT_OK && r.r[TT_REG_PC] >= AN505_APP_CODE_BASE &&
              r.r[TT_REG_PC] < AN505_APP_CODE_BASE + AN505_APP_CODE_SIZE &&
              r.r[TT_REG_SP] >= AN505_APP_RAM_BASE && r.r[TT_REG_SP] <= 0x28210000u &&
              (r.r[TT_REG_XPSR] & 0x01000000u),
          "registers of the halted app", "pc", r.r[TT_REG_PC]);

    /* 3. Breakpoint at demo_leaf, continue, stop there with the argument in r0. */
    check(tt_target_bp_set(&t, fn(APP_demo_leaf)) == TT_OK, "set breakpoint", "", 0);
    check(tt_target_resume(&t, TT_RUN_CONTINUE, 0, 0) == TT_OK, "continue", "", 0);
    s = stop_after(2000);
    check(s.reason == TT_STOP_BREAKPOINT && s.pc == fn(APP_demo_leaf),
          "stop at breakpoint demo_leaf", "pc", s.pc);
    e = tt_target_regs_read(&t, &r);
    uint32_t counter = read32(APP_demo_counter, &e);
    uint32_t arg = r.r[0];
    check(e == TT_OK && arg == counter, "argument v in r0 equals demo_counter", "r0", arg);
    check(in_fn(r.r[TT_REG_LR] & ~1u, APP_demo_middle, APP_SIZE_demo_middle),
          "lr returns into demo_middle", "lr", r.r[TT_REG_LR]);
    uint8_t window[64];
    check(tt_target_mem_read(&t, r.r[TT_REG_SP], window, sizeof window) == TT_OK,
          "stack window readable", "", 0);
    uint8_t code[2];
    check(tt_target_mem_read(&t, fn(APP_demo_leaf), code, 2) == TT_OK && code[1] != 0xBE,
          "halted memory shows the original instruction", "byte", code[1]);

    /* 4. Continue again: steps off the breakpoint, hits it on the next iteration. */
    check(tt_target_resume(&t, TT_RUN_CONTINUE, 0, 0) == TT_OK, "continue from breakpoint", "", 0);
    s = stop_after(2000);
    e = tt_target_regs_read(&t, &r);
    check(s.reason == TT_STOP_BREAKPOINT && s.pc == fn(APP_demo_leaf) && r.r[0] == arg + 1,
          "breakpoint hit again, next iteration", "r0", r.r[0]);

    /* 5. Single step. */
    check(tt_target_resume(&t, TT_RUN_STEP, 0, 0) == TT_OK, "step", "", 0);
    s = stop_after(1000);
    check(s.reason == TT_STOP_STEP && s.pc > fn(APP_demo_leaf) &&
              in_fn(s.pc, APP_demo_leaf, APP_SIZE_demo_leaf),
          "single step stays in demo_leaf, pc advanced", "pc", s.pc);

    /* 6. Range step out of the rest of demo_leaf: stops in demo_middle with the result. */
    check(tt_target_resume(&t, TT_RUN_RANGE, fn(APP_demo_leaf),
                           fn(APP_demo_leaf) + APP_SIZE_demo_leaf) == TT_OK,
          "range step", "", 0);
    s = stop_after(2000);
    e = tt_target_regs_read(&t, &r);
    check(s.reason == TT_STOP_STEP && in_fn(s.pc, APP_demo_middle, APP_SIZE_demo_middle),
          "range step leaves demo_leaf into demo_middle", "pc", s.pc);
    check(r.r[0] == 2u * (arg + 1) + 1u, "return value 2v+1 in r0", "r0", r.r[0]);
    put("  range step took ");
    put_dec(t.steps);
    put(" instructions\n");

    /* 7. Memory write and read back; the app sees the change. */
    tt_target_bp_clear_all(&t);
    const uint8_t thousand[4] = {0xE8, 0x03, 0, 0};
    e = tt_target_mem_write(&t, APP_demo_counter, thousand, 4);
    check(e == TT_OK && read32(APP_demo_counter, &e) == 1000u, "write app memory", "", e);
    const char msg[] = "patched by debugger";
    e = tt_target_mem_write(&t, APP_demo_message, (const uint8_t *)msg, sizeof msg);
    char back[sizeof msg];
    check(e == TT_OK &&
              tt_target_mem_read(&t, APP_demo_message, (uint8_t *)back, sizeof back) == TT_OK &&
              memcmp(back, msg, sizeof msg) == 0,
          "write and read back demo_message", "", e);
    check(tt_target_resume(&t, TT_RUN_CONTINUE, 0, 0) == TT_OK, "continue after write", "", 0);
    run_for(30);
    uint32_t c3 = read32(APP_demo_counter, &e);
    check(c3 > 1000u && c3 < 0x80000000u, "app continues from the written counter", "counter", c3);
    check(tt_target_halt(&t) == TT_OK && tt_target_take_stop(&t, &s), "halt again", "", 0);

    /* 8. Secure state is refused. */
    static const uint32_t secure[] = {0x38000000u, 0x381FF000u, 0x10000000u, 0x10100000u,
                                      0x00100000u, 0x28000000u, 0x50200000u, 0x40200000u,
                                      0xE000ED00u, 0x003FFFFEu};
    for (unsigned i = 0; i < sizeof secure / sizeof secure[0]; i++) {
        uint8_t b[4];
        e = tt_target_mem_read(&t, secure[i], b, 4);
        tt_err w = tt_target_mem_write(&t, secure[i], b, 4);
        check(e == TT_ERR_DBG_ACCESS && w == TT_ERR_DBG_ACCESS, "refused on Secure/foreign memory",
              "addr", secure[i]);
    }
    check(tt_target_bp_set(&t, 0x10000000u) == TT_ERR_DBG_ACCESS, "breakpoint in Secure code refused",
          "", 0);
    e = tt_target_regs_read(&t, &r);
    struct tt_app_regs w = r;
    w.r[TT_REG_SP] = 0x38001000u;
    check(e == TT_OK && tt_target_regs_write(&t, &w) == TT_ERR_DBG_ACCESS,
          "stack pointer into Secure RAM refused", "", 0);

    /* 9. The app's log reached the supervisor through the NSC API. */
    uint8_t logbuf[64];
    uint32_t seq = 0;
    size_t n = tt_port_app_log_read(logbuf, sizeof logbuf, &seq);
    check(n == 11 && memcmp(logbuf, "app started", 11) == 0 && seq == 1,
          "app log entry through the NSC API", "len", (uint32_t)n);
    e = tt_target_mem_read(&t, APP_demo_info + 16, logbuf, 4);
    check(e == TT_OK && logbuf[0] == TT_PROTOCOL_VERSION, "app got device info via NSC",
          "version", logbuf[0]);
    /* The device id the app sees is the provisioned one (zeros when unprovisioned), and
     * nothing else of the provisioning blob is reachable from the app's side. */
    struct tt_port_keys k;
    uint8_t id[16] = {0};
    int provisioned = tt_port_keys(&k) == TT_OK;
    if (provisioned)
        memcpy(id, k.device_id, sizeof id);
    tt_wipe(&k, sizeof k);
    e = tt_target_mem_read(&t, APP_demo_info, logbuf, 16);
    check(e == TT_OK && memcmp(logbuf, id, 16) == 0,
          provisioned ? "app sees the provisioned device id" : "unprovisioned: device id zero",
          "byte0", logbuf[0]);
    if (provisioned) {
        put("  device id ");
        for (unsigned i = 0; i < 16; i++) {
            char hx[3] = {"0123456789abcdef"[id[i] >> 4], "0123456789abcdef"[id[i] & 15], 0};
            put(hx);
        }
        put("\n");
    }

    /* 10. A fault is captured as a stop; the link stays up (this line is proof). */
    const uint8_t one[4] = {1, 0, 0, 0};
    check(tt_target_mem_write(&t, APP_demo_fault_trigger, one, 4) == TT_OK, "arm fault 1", "", 0);
    check(tt_target_resume(&t, TT_RUN_CONTINUE, 0, 0) == TT_OK, "continue into fault", "", 0);
    s = stop_after(2000);
    report_fault(&s);
    check(s.reason == TT_STOP_FAULT && in_fn(s.pc, APP_demo_fault, APP_SIZE_demo_fault) &&
              s.fault.sfsr != 0,
          "Secure-memory write captured as fault stop (SFSR set)", "reason", s.reason);
    e = tt_target_regs_read(&t, &r);
    check(e == TT_OK && r.r[TT_REG_PC] == s.pc, "registers of the faulted app readable", "e", e);

    /* 11. Reset the app, then an undefined instruction. */
    check(tt_target_reset_app(&t) == TT_OK && tt_target_take_stop(&t, &s) &&
              s.reason == TT_STOP_RESET, "reset app", "", 0);
    check(tt_target_resume(&t, TT_RUN_CONTINUE, 0, 0) == TT_OK, "continue after reset", "", 0);
    run_for(20);
    uint32_t c4 = read32(APP_demo_counter, &e);
    check(c4 > 0 && c4 < c3 + 0x100000u && t.state == TT_TARGET_RUNNING, "app restarted", "counter", c4);
    const uint8_t two[4] = {2, 0, 0, 0};
    check(tt_target_mem_write(&t, APP_demo_fault_trigger, two, 4) == TT_OK, "arm fault 2 while running",
          "", 0);
    s = stop_after(2000);
    report_fault(&s);
    check(s.reason == TT_STOP_FAULT && in_fn(s.pc, APP_demo_fault, APP_SIZE_demo_fault) &&
              (s.fault.cfsr_ns & (1u << 16)),
          "undefined instruction captured (UFSR.UNDEFINSTR)", "cfsr_ns", s.fault.cfsr_ns);

    /* 12. Back to normal: reset and run. */
    check(tt_target_reset_app(&t) == TT_OK && tt_target_take_stop(&t, &s) &&
              tt_target_resume(&t, TT_RUN_CONTINUE, 0, 0) == TT_OK && !run_for(30),
          "app runs again after faults", "", 0);
}

int main(void)
{
    an505_secure_init();
    an505_uart_init();
    armv8m_systick_init();
    __asm__ volatile("cpsie i");
    put("tether an505 selftest\n");
    selftest();
    put("SELFTEST DONE pass=");
    put_dec(passed);
    put(" fail=");
    put_dec(failed);
    put("\n");
    for (;;)
        tt_loop_once(&t, NULL, NULL);
}
