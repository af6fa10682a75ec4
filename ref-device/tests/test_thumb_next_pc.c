/* test_thumb_next_pc.c — the Thumb-2 next-PC decoder against a table of real encodings.
 *
 * The instructions come from thumb_cases.s, assembled by arm-none-eabi-as and linked at
 * 0x00200000 (build/gen/thumb_cases.c holds the bytes); case N is at S(N) = base + 32*N.
 * Each row gives the registers, the memory the instruction may read and the expected kind and
 * next PC. A sweep over every 16-bit encoding and many 32-bit ones checks the decoder never
 * misbehaves on arbitrary input. Requirement: [DBG-022] [DBG-025] software single step must find the
 * next instruction of any Thumb-2 instruction, IT blocks included. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../core/target/thumb_next_pc.h"

extern const unsigned char thumb_cases_bin[];
extern const unsigned int thumb_cases_bin_len;

#define BASE 0x00200000u
#define S(n) (BASE + 32u * (n))
#define T 0x01000000u       /* EPSR.T */
#define N (1u << 31)
#define Z (1u << 30)
#define C (1u << 29)
#define V (1u << 28)
#define ITS(x) ((((x) & 3u) << 25) | ((((x) >> 2) & 0x3Fu) << 10))

struct word {
    uint32_t addr, value;
};

struct row {
    const char *name;
    uint32_t pc, xpsr;
    uint32_t r[15];
    struct word mem[2];
    enum tt_thumb_next_kind kind;
    uint32_t next, ret; /* ret checked for CALL only */
};

#define R(...) .r = {__VA_ARGS__}
#define M(...) .mem = {__VA_ARGS__}

static const struct row rows[] = {
    {"nop", S(0), T, {0}, {{0}}, TT_THUMB_GOTO, S(0) + 2, 0},
    {"adds 16-bit", S(1), T, {0}, {{0}}, TT_THUMB_GOTO, S(1) + 2, 0},
    {"add.w 32-bit", S(2), T, {0}, {{0}}, TT_THUMB_GOTO, S(2) + 4, 0},
    {"B T2 forward", S(3), T, {0}, {{0}}, TT_THUMB_GOTO, S(3) + 0x40, 0},
    {"B T2 backward", S(4), T, {0}, {{0}}, TT_THUMB_GOTO, S(4) - 0x20, 0},
    {"B T4 far forward", S(5), T, {0}, {{0}}, TT_THUMB_GOTO, S(5) + 0x10000, 0},
    {"B T4 backward", S(6), T, {0}, {{0}}, TT_THUMB_GOTO, S(6) - 0x1000, 0},
    {"BEQ T1 taken", S(7), T | Z, {0}, {{0}}, TT_THUMB_GOTO, S(7) + 0x20, 0},
    {"BEQ T1 not taken", S(7), T, {0}, {{0}}, TT_THUMB_GOTO, S(7) + 2, 0},
    {"BNE T3 taken", S(8), T, {0}, {{0}}, TT_THUMB_GOTO, S(8) + 0x1234, 0},
    {"BNE T3 not taken", S(8), T | Z, {0}, {{0}}, TT_THUMB_GOTO, S(8) + 4, 0},
    {"BGT taken N=V=0", S(9), T, {0}, {{0}}, TT_THUMB_GOTO, S(9) + 0x10, 0},
    {"BGT taken N=V=1", S(9), T | N | V, {0}, {{0}}, TT_THUMB_GOTO, S(9) + 0x10, 0},
    {"BGT not taken N!=V", S(9), T | N, {0}, {{0}}, TT_THUMB_GOTO, S(9) + 2, 0},
    {"BGT not taken Z", S(9), T | Z, {0}, {{0}}, TT_THUMB_GOTO, S(9) + 2, 0},
    {"BL forward", S(10), T, {0}, {{0}}, TT_THUMB_CALL, S(10) + 0x2000, S(10) + 4},
    {"BL backward 1 MiB", S(11), T, {0}, {{0}}, TT_THUMB_CALL, S(11) - 0x100000, S(11) + 4},
    {"CBZ taken", S(12), T, R([2] = 0), {{0}}, TT_THUMB_GOTO, S(12) + 0x20, 0},
    {"CBZ not taken", S(12), T, R([2] = 5), {{0}}, TT_THUMB_GOTO, S(12) + 2, 0},
    {"CBNZ taken", S(13), T, R([3] = 1), {{0}}, TT_THUMB_GOTO, S(13) + 0x40, 0},
    {"CBNZ not taken", S(13), T, R([3] = 0), {{0}}, TT_THUMB_GOTO, S(13) + 2, 0},
    {"BX LR", S(14), T, R([14] = 0x00200101), {{0}}, TT_THUMB_GOTO, 0x00200100, 0},
    {"BX LR EXC_RETURN", S(14), T, R([14] = 0xFFFFFFBC), {{0}}, TT_THUMB_EXC_RETURN,
     0xFFFFFFBC, 0},
    {"BX LR FNC_RETURN", S(14), T, R([14] = 0xFEFFFFFF), {{0}}, TT_THUMB_FNC_RETURN,
     0xFEFFFFFF, 0},
    {"BX LR bit0 clear faults", S(14), T, R([14] = 0x00200100), {{0}}, TT_THUMB_FAULT,
     0x00200100, 0},
    {"BLX r3 into Secure veneer", S(15), T, R([3] = 0x10100001), {{0}}, TT_THUMB_CALL,
     0x10100000, S(15) + 2},
    {"BLX r3 local", S(15), T, R([3] = 0x00200401), {{0}}, TT_THUMB_CALL, 0x00200400,
     S(15) + 2},
    {"POP {r4,pc}", S(16), T, R([13] = 0x28200100), M({0x28200104, 0x00200401}),
     TT_THUMB_GOTO, 0x00200400, 0},
    {"POP {pc} EXC_RETURN", S(17), T, R([13] = 0x28200100), M({0x28200100, 0xFFFFFFF9}),
     TT_THUMB_EXC_RETURN, 0xFFFFFFF9, 0},
    {"POP.W {r4-r11,pc}", S(18), T, R([13] = 0x28200100), M({0x28200120, 0x00200501}),
     TT_THUMB_GOTO, 0x00200500, 0},
    {"LDMIA r0!,{r1,r2,pc}", S(19), T, R([0] = 0x28200200), M({0x28200208, 0x00200601}),
     TT_THUMB_GOTO, 0x00200600, 0},
    {"LDMDB r1,{r2,pc}", S(20), T, R([1] = 0x28200300), M({0x282002FC, 0x00200701}),
     TT_THUMB_GOTO, 0x00200700, 0},
    {"LDR.W pc, literal", S(21), T, {0}, {{0}}, TT_THUMB_GOTO, 0x00200300, 0},
    {"LDR.W pc,[r0,#4]", S(22), T, R([0] = 0x28200400), M({0x28200404, 0x00200801}),
     TT_THUMB_GOTO, 0x00200800, 0},
    {"LDR.W pc,[r0,#4] ARM-state value faults", S(22), T, R([0] = 0x28200400),
     M({0x28200404, 0x00200800}), TT_THUMB_FAULT, 0x00200800, 0},
    {"LDR pc,[sp],#4 (post-indexed)", S(23), T, R([13] = 0x28200500),
     M({0x28200500, 0x00200901}), TT_THUMB_GOTO, 0x00200900, 0},
    {"LDR pc,[r0,#-8]", S(24), T, R([0] = 0x28200608), M({0x28200600, 0x00200A01}),
     TT_THUMB_GOTO, 0x00200A00, 0},
    {"LDR pc,[r0,r1,lsl #2]", S(25), T, R([0] = 0x28200700, [1] = 3),
     M({0x2820070C, 0x00200B01}), TT_THUMB_GOTO, 0x00200B00, 0},
    {"TBB [pc,r0] index 0", S(26), T, R([0] = 0), {{0}}, TT_THUMB_GOTO, S(26) + 4 + 4, 0},
    {"TBB [pc,r0] index 1", S(26), T, R([0] = 1), {{0}}, TT_THUMB_GOTO, S(26) + 4 + 10, 0},
    {"TBB [pc,r0] index 2", S(26), T, R([0] = 2), {{0}}, TT_THUMB_GOTO, S(26) + 4 + 14, 0},
    {"TBH [pc,r0,lsl #1] index 0", S(27), T, R([0] = 0), {{0}}, TT_THUMB_GOTO,
     S(27) + 4 + 6, 0},
    {"TBH [pc,r0,lsl #1] index 1", S(27), T, R([0] = 1), {{0}}, TT_THUMB_GOTO,
     S(27) + 4 + 0x200, 0},
    {"TBB [r1,r2]", S(28), T, R([1] = 0x28200800, [2] = 3), M({0x28200803, 0x40}),
     TT_THUMB_GOTO, S(28) + 4 + 0x80, 0},
    {"MOV pc,r2", S(29), T, R([2] = 0x00200C01), {{0}}, TT_THUMB_GOTO, 0x00200C00, 0},
    {"ADD pc,r2", S(30), T, R([2] = 0x20), {{0}}, TT_THUMB_GOTO, S(30) + 4 + 0x20, 0},
    {"BKPT", S(31), T, {0}, {{0}}, TT_THUMB_BKPT, S(31) + 2, 0},
    {"SVC", S(32), T, {0}, {{0}}, TT_THUMB_SVC, S(32) + 2, 0},
    {"UDF T1", S(33), T, {0}, {{0}}, TT_THUMB_FAULT, S(33), 0},
    {"UDF.W T2", S(34), T, {0}, {{0}}, TT_THUMB_FAULT, S(34), 0},
    {"WFI", S(35), T, {0}, {{0}}, TT_THUMB_WAIT, S(35) + 2, 0},
    {"WFE", S(36), T, {0}, {{0}}, TT_THUMB_WAIT, S(36) + 2, 0},
    {"WFI.W", S(37), T, {0}, {{0}}, TT_THUMB_WAIT, S(37) + 4, 0},
    {"IT EQ itself", S(38), T, {0}, {{0}}, TT_THUMB_GOTO, S(38) + 2, 0},
    {"BXEQ lr in IT, taken", S(38) + 2, T | Z | ITS(0x08), R([14] = 0x00200D01), {{0}},
     TT_THUMB_GOTO, 0x00200D00, 0},
    {"BXEQ lr in IT, skipped", S(38) + 2, T | ITS(0x08), R([14] = 0x00200D01), {{0}},
     TT_THUMB_GOTO, S(38) + 4, 0},
    {"POPNE {pc} 2nd of ITT, taken", S(39) + 4, T | ITS(0x18), R([13] = 0x28200900),
     M({0x28200900, 0x00200E01}), TT_THUMB_GOTO, 0x00200E00, 0},
    {"POPNE {pc} 2nd of ITT, skipped", S(39) + 4, T | Z | ITS(0x18), R([13] = 0x28200900),
     M({0x28200900, 0x00200E01}), TT_THUMB_GOTO, S(39) + 6, 0},
    {"BXNE lr else of ITE, taken", S(40) + 4, T | ITS(0x18), R([14] = 0x00200F01), {{0}},
     TT_THUMB_GOTO, 0x00200F00, 0},
    {"BXNE lr else of ITE, skipped", S(40) + 4, T | Z | ITS(0x18), R([14] = 0x00200F01),
     {{0}}, TT_THUMB_GOTO, S(40) + 6, 0},
    {"B T2 last in IT EQ, taken", S(41) + 2, T | Z | ITS(0x08), {0}, {{0}}, TT_THUMB_GOTO,
     S(41) + 0x32, 0},
    {"B T2 last in IT EQ, skipped", S(41) + 2, T | ITS(0x08), {0}, {{0}}, TT_THUMB_GOTO,
     S(41) + 4, 0},
    {"BKPT in failing IT still traps", S(42) + 2, T | Z | ITS(0x18), {0}, {{0}},
     TT_THUMB_BKPT, S(42) + 4, 0},
    {"BLXNS r3 as a call", S(43), T, R([3] = 0x00200F01), {{0}}, TT_THUMB_CALL, 0x00200F00,
     S(43) + 2},
    {"MOV r0,pc does not branch", S(44), T, {0}, {{0}}, TT_THUMB_GOTO, S(44) + 2, 0},
    {"ADD r0,pc does not branch", S(45), T, {0}, {{0}}, TT_THUMB_GOTO, S(45) + 2, 0},
    {"BEQ.W backward taken", S(46), T | Z, {0}, {{0}}, TT_THUMB_GOTO, S(46) - 0x1000, 0},
    {"BEQ.W backward not taken", S(46), T, {0}, {{0}}, TT_THUMB_GOTO, S(46) + 4, 0},
    {"BX pc faults (ARM state)", S(47), T, {0}, {{0}}, TT_THUMB_FAULT, S(47) + 4, 0},
    {"LDR.W pc,[pc,#-4] reads itself", S(48), T, {0}, {{0}}, TT_THUMB_GOTO, 0xF004F85E, 0},
    {"BLX lr", S(49), T, R([14] = 0x00201001), {{0}}, TT_THUMB_CALL, 0x00201000, S(49) + 2},
    {"MRS", S(50), T, {0}, {{0}}, TT_THUMB_GOTO, S(50) + 4, 0},
    {"CMP pc,r0 does not branch", S(51), T, {0}, {{0}}, TT_THUMB_GOTO, S(51) + 2, 0},
    {"LDR.W pc,[r0,#-8]! (pre-indexed)", S(52), T, R([0] = 0x28200A08),
     M({0x28200A00, 0x00201101}), TT_THUMB_GOTO, 0x00201100, 0},
    {"BLS.W not taken (HI)", S(53), T | C, {0}, {{0}}, TT_THUMB_GOTO, S(53) + 4, 0},
    {"BLS.W taken C=0", S(53), T, {0}, {{0}}, TT_THUMB_GOTO, S(53) + 0x200, 0},
    {"BLS.W taken Z", S(53), T | C | Z, {0}, {{0}}, TT_THUMB_GOTO, S(53) + 0x200, 0},
    {"BGE backward taken", S(54), T | N | V, {0}, {{0}}, TT_THUMB_GOTO, S(54) - 0xF0, 0},
    {"BGE not taken", S(54), T | V, {0}, {{0}}, TT_THUMB_GOTO, S(54) + 2, 0},
    {"LDR r0 literal (no PC write)", S(55), T, {0}, {{0}}, TT_THUMB_GOTO, S(55) + 2, 0},
    {"LDR.W r1 (no PC write)", S(56), T, {0}, {{0}}, TT_THUMB_GOTO, S(56) + 4, 0},
    {"LDMIA without PC", S(57), T, {0}, {{0}}, TT_THUMB_GOTO, S(57) + 2, 0},
    {"BX r0", S(58), T, R([0] = 0x00201201), {{0}}, TT_THUMB_GOTO, 0x00201200, 0},
    {"BXNS lr EXC_RETURN", S(59), T, R([14] = 0xFFFFFFBC), {{0}}, TT_THUMB_EXC_RETURN,
     0xFFFFFFBC, 0},
};

/* Memory as the decoder sees it: the assembled blob, else the row's data words. */
struct mem_ctx {
    const struct row *row;
    unsigned reads;
};

static tt_err read_mem(void *ctx, uint32_t addr, uint32_t len, uint32_t *value)
{
    struct mem_ctx *m = ctx;
    m->reads++;
    if (addr >= BASE && addr - BASE <= thumb_cases_bin_len && thumb_cases_bin_len - (addr - BASE) >= len) {
        uint32_t v = 0;
        for (uint32_t i = 0; i < len; i++)
            v |= (uint32_t)thumb_cases_bin[addr - BASE + i] << (8 * i);
        *value = v;
        return TT_OK;
    }
    for (unsigned i = 0; m->row && i < 2; i++) {
        if (m->row->mem[i].addr == addr && addr != 0) {
            *value = m->row->mem[i].value;
            return TT_OK;
        }
    }
    return TT_ERR_DBG_ACCESS;
}

static void insn_at(uint32_t pc, uint16_t insn[2])
{
    uint32_t off = pc - BASE;
    ck_assert_uint_le(off + 4, thumb_cases_bin_len);
    insn[0] = (uint16_t)(thumb_cases_bin[off] | thumb_cases_bin[off + 1] << 8);
    insn[1] = (uint16_t)(thumb_cases_bin[off + 2] | thumb_cases_bin[off + 3] << 8);
}

/* [DBG-022] [DBG-025] one table row. */
START_TEST(test_row)
{
    const struct row *w = &rows[_i];
    struct tt_thumb_regs regs = {.xpsr = w->xpsr};
    memcpy(regs.r, w->r, sizeof w->r);
    regs.r[15] = w->pc;
    uint16_t insn[2];
    insn_at(w->pc, insn);
    struct mem_ctx m = {.row = w};
    struct tt_thumb_next n;
    tt_err e = tt_thumb_next_pc(insn, &regs, read_mem, &m, &n);
    ck_assert_msg(e == TT_OK, "%s: error %d", w->name, e);
    ck_assert_msg(n.kind == w->kind, "%s: kind %d, want %d", w->name, n.kind, w->kind);
    ck_assert_msg(n.next == w->next, "%s: next 0x%08x, want 0x%08x", w->name, n.next,
                  w->next);
    ck_assert_uint_eq(n.len, tt_thumb_is_32bit(insn[0]) ? 4 : 2);
    if (w->kind == TT_THUMB_CALL)
        ck_assert_msg(n.ret == w->ret, "%s: ret 0x%08x want 0x%08x", w->name, n.ret, w->ret);
    else
        ck_assert_uint_eq(n.ret, w->pc + n.len);
}
END_TEST

/* A failing memory read is passed back unchanged, and no output is claimed. */
START_TEST(test_read_error_propagates)
{
    static const uint32_t pcs[] = {S(16), S(17), S(18), S(19), S(20), S(22), S(23), S(28)};
    for (unsigned i = 0; i < sizeof pcs / sizeof pcs[0]; i++) {
        struct tt_thumb_regs regs = {.xpsr = T};
        for (unsigned r = 0; r < 15; r++)
            regs.r[r] = 0x30000000u; /* nothing mapped there */
        regs.r[15] = pcs[i];
        uint16_t insn[2];
        insn_at(pcs[i], insn);
        struct mem_ctx m = {0};
        struct tt_thumb_next n = {.kind = TT_THUMB_BKPT, .next = 0x1234};
        ck_assert_int_eq(tt_thumb_next_pc(insn, &regs, read_mem, &m, &n), TT_ERR_DBG_ACCESS);
        ck_assert_uint_eq(m.reads, 1);
        ck_assert_uint_eq(n.next, 0x1234);
    }
}
END_TEST

START_TEST(test_null_args)
{
    struct tt_thumb_regs regs = {.xpsr = T};
    uint16_t insn[2] = {0xBF00, 0};
    struct tt_thumb_next n;
    ck_assert_int_eq(tt_thumb_next_pc(NULL, &regs, read_mem, NULL, &n), TT_ERR_ARG);
    ck_assert_int_eq(tt_thumb_next_pc(insn, NULL, read_mem, NULL, &n), TT_ERR_ARG);
    ck_assert_int_eq(tt_thumb_next_pc(insn, &regs, NULL, NULL, &n), TT_ERR_ARG);
    ck_assert_int_eq(tt_thumb_next_pc(insn, &regs, read_mem, NULL, NULL), TT_ERR_ARG);
}
END_TEST

static tt_err read_any(void *ctx, uint32_t addr, uint32_t len, uint32_t *value)
{
    (void)ctx;
    *value = (addr * 2654435761u) & (len == 4 ? 0xFFFFFFFFu : len == 2 ? 0xFFFFu : 0xFFu);
    return TT_OK;
}

static void check_sane(uint16_t hw1, uint16_t hw2, uint32_t xpsr)
{
    struct tt_thumb_regs regs = {.xpsr = xpsr};
    for (unsigned r = 0; r < 15; r++)
        regs.r[r] = 0x28200000u + 0x111u * r;
    regs.r[15] = 0x00200100u;
    uint16_t insn[2] = {hw1, hw2};
    struct tt_thumb_next n;
    ck_assert_int_eq(tt_thumb_next_pc(insn, &regs, read_any, NULL, &n), TT_OK);
    ck_assert_uint_eq(n.len, tt_thumb_is_32bit(hw1) ? 4 : 2);
    ck_assert_int_le(n.kind, TT_THUMB_FAULT);
    if (n.kind == TT_THUMB_GOTO || n.kind == TT_THUMB_CALL)
        ck_assert_uint_eq(n.next & 1u, 0);
    if (n.kind == TT_THUMB_CALL)
        ck_assert_uint_eq(n.ret, regs.r[15] + n.len);
}

/* Arbitrary encodings (untrusted app memory) never upset the decoder. */
START_TEST(test_sweep_all_encodings)
{
    static const uint16_t hw2s[] = {0x0000, 0x8000, 0xF000, 0xFFFF, 0xA000, 0xD000,
                                    0x8F00, 0xF004, 0xFB04, 0x0FC0, 0xF010, 0x4000};
    static const uint32_t psrs[] = {T, T | Z | ITS(0x08), T | N | ITS(0x18), T | 0xF0000000u};
    for (uint32_t hw = 0; hw <= 0xFFFFu; hw++)
        for (unsigned p = 0; p < 4; p++) {
            if (!tt_thumb_is_32bit((uint16_t)hw)) {
                check_sane((uint16_t)hw, 0, psrs[p]);
                continue;
            }
            for (unsigned k = 0; k < sizeof hw2s / sizeof hw2s[0]; k++)
                check_sane((uint16_t)hw, hw2s[k], psrs[p]);
        }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("thumb_next_pc");
    TCase *tc = tcase_create("table");
    tcase_add_loop_test(tc, test_row, 0, (int)(sizeof rows / sizeof rows[0]));
    tcase_add_test(tc, test_read_error_propagates);
    tcase_add_test(tc, test_null_args);
    suite_add_tcase(s, tc);
    TCase *sw = tcase_create("sweep");
    tcase_set_timeout(sw, 60);
    tcase_add_test(sw, test_sweep_all_encodings);
    suite_add_tcase(s, sw);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
