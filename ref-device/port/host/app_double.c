/* app_double.c — the host port's target-control primitives over a modelled app.
 *
 * Implements the tt_port_app_* half of port.h for unit tests (see app_double.h). The
 * executor is independent of the next-PC decoder on purpose, so stepping tests check the
 * decoder against a second opinion. Depends on app_double.h and port.h. */
#include "app_double.h"

#include <string.h>

static uint8_t code[TT_DOUBLE_CODE_SIZE];
static uint8_t ram[TT_DOUBLE_RAM_SIZE];
static struct tt_app_regs regs;
static unsigned budget = 64;
static unsigned long executed;

/* The data watchpoint unit (tt_double_set_watch_units). */
#define DOUBLE_WATCH_MAX 4u
static unsigned watch_units;
static struct {
    uint32_t addr, len;
    enum tt_watch_kind kind;
    int used;
} watch[DOUBLE_WATCH_MAX];
static int watch_hit = -1;

#define XPSR_T 0x01000000u
#define XPSR_N (1u << 31)
#define XPSR_Z (1u << 30)

void tt_double_init(void)
{
    memset(code, 0, sizeof code);
    memset(ram, 0, sizeof ram);
    memset(&regs, 0, sizeof regs);
    regs.r[TT_REG_XPSR] = XPSR_T;
    budget = 64;
    executed = 0;
    watch_units = 0;
    memset(watch, 0, sizeof watch);
    watch_hit = -1;
}

void tt_double_set_watch_units(unsigned n)
{
    watch_units = n < DOUBLE_WATCH_MAX ? n : DOUBLE_WATCH_MAX;
}

void tt_port_watch_caps(struct tt_port_watch_caps *out)
{
    out->count = watch_units;
    out->max_len = watch_units ? 8u : 0u;
    out->kinds = watch_units ? (1u << TT_WATCH_WRITE | 1u << TT_WATCH_READ |
                                1u << TT_WATCH_ACCESS) : 0u;
}

tt_err tt_port_watch_set(uint32_t addr, uint32_t len, enum tt_watch_kind kind)
{
    if (watch_units == 0 || len == 0 || len > 8u || (unsigned)kind > TT_WATCH_ACCESS)
        return TT_ERR_ARG;
    if (tt_port_app_mem_check(addr, len, TT_ACCESS_READ) != TT_OK)
        return TT_ERR_DBG_ACCESS;
    for (unsigned i = 0; i < watch_units; i++)
        if (!watch[i].used) {
            watch[i].addr = addr;
            watch[i].len = len;
            watch[i].kind = kind;
            watch[i].used = 1;
            return TT_OK;
        }
    return TT_ERR_DBG_BP_FULL;
}

tt_err tt_port_watch_clear(uint32_t addr, uint32_t len, enum tt_watch_kind kind)
{
    for (unsigned i = 0; i < DOUBLE_WATCH_MAX; i++)
        if (watch[i].used && watch[i].addr == addr && watch[i].len == len &&
            watch[i].kind == kind)
            memset(&watch[i], 0, sizeof watch[i]);
    return TT_OK;
}

int tt_port_watch_hit(uint32_t *addr)
{
    if (watch_hit < 0)
        return 0;
    *addr = watch[watch_hit].addr;
    watch_hit = -1;
    return 1;
}

/* A store of len bytes at addr: the first comparator it matches, or -1. */
static int watch_match_store(uint32_t addr, uint32_t len)
{
    for (unsigned i = 0; i < DOUBLE_WATCH_MAX; i++)
        if (watch[i].used && watch[i].kind != TT_WATCH_READ && addr < watch[i].addr + watch[i].len &&
            watch[i].addr < addr + len)
            return (int)i;
    return -1;
}

struct tt_app_regs *tt_double_regs(void) { return &regs; }
void tt_double_set_budget(unsigned n) { budget = n; }
unsigned long tt_double_executed(void) { return executed; }

/* Host pointer for [addr, addr+len) if it lies entirely in one modelled region. */
static uint8_t *map(uint32_t addr, uint32_t len)
{
    if (len == 0)
        return NULL;
    if (addr >= TT_DOUBLE_CODE_BASE && addr - TT_DOUBLE_CODE_BASE < TT_DOUBLE_CODE_SIZE &&
        len <= TT_DOUBLE_CODE_SIZE - (addr - TT_DOUBLE_CODE_BASE))
        return code + (addr - TT_DOUBLE_CODE_BASE);
    if (addr >= TT_DOUBLE_RAM_BASE && addr - TT_DOUBLE_RAM_BASE < TT_DOUBLE_RAM_SIZE &&
        len <= TT_DOUBLE_RAM_SIZE - (addr - TT_DOUBLE_RAM_BASE))
        return ram + (addr - TT_DOUBLE_RAM_BASE);
    return NULL;
}

void tt_double_load(uint32_t addr, const uint16_t *hw, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        uint8_t *p = map(addr + 2 * i, 2);
        p[0] = (uint8_t)hw[i];
        p[1] = (uint8_t)(hw[i] >> 8);
    }
}

uint16_t tt_double_peek16(uint32_t addr)
{
    uint8_t *p = map(addr, 2);
    return p ? (uint16_t)(p[0] | p[1] << 8) : 0;
}

tt_err tt_port_app_mem_check(uint32_t addr, uint32_t len, enum tt_app_access a)
{
    (void)a;
    if (len == 0)
        return TT_ERR_ARG;
    return map(addr, len) ? TT_OK : TT_ERR_DBG_ACCESS;
}

tt_err tt_port_app_mem_read(uint32_t addr, uint8_t *buf, uint32_t len)
{
    tt_err e = tt_port_app_mem_check(addr, len, TT_ACCESS_READ);
    if (e == TT_OK)
        memcpy(buf, map(addr, len), len);
    return e;
}

tt_err tt_port_app_mem_write(uint32_t addr, const uint8_t *buf, uint32_t len)
{
    tt_err e = tt_port_app_mem_check(addr, len, TT_ACCESS_WRITE);
    if (e == TT_OK)
        memcpy(map(addr, len), buf, len);
    return e;
}

tt_err tt_port_app_bkpt_insert(uint32_t addr, uint16_t *orig)
{
    uint8_t *p = map(addr, 2);
    if (p == NULL || (addr & 1u))
        return TT_ERR_DBG_ACCESS;
    *orig = (uint16_t)(p[0] | p[1] << 8);
    p[0] = 0x00;
    p[1] = 0xBE;
    return TT_OK;
}

tt_err tt_port_app_bkpt_remove(uint32_t addr, uint16_t orig)
{
    uint8_t *p = map(addr, 2);
    if (p == NULL || (addr & 1u))
        return TT_ERR_DBG_ACCESS;
    p[0] = (uint8_t)orig;
    p[1] = (uint8_t)(orig >> 8);
    return TT_OK;
}

tt_err tt_port_app_regs_read(struct tt_app_regs *out)
{
    *out = regs;
    return TT_OK;
}

tt_err tt_port_app_regs_write(const struct tt_app_regs *in)
{
    if (map(in->r[TT_REG_SP] - 8u, 8) == NULL || (in->r[TT_REG_SP] & 7u))
        return TT_ERR_DBG_ACCESS;
    regs = *in;
    return TT_OK;
}

tt_err tt_port_app_reset(void)
{
    uint8_t *v = map(TT_DOUBLE_CODE_BASE, 8);
    memset(&regs, 0, sizeof regs);
    regs.r[TT_REG_SP] = (uint32_t)v[0] | v[1] << 8 | v[2] << 16 | (uint32_t)v[3] << 24;
    regs.r[TT_REG_PC] = ((uint32_t)v[4] | v[5] << 8 | v[6] << 16 | (uint32_t)v[7] << 24) & ~1u;
    regs.r[TT_REG_LR] = 0xFFFFFFFFu;
    regs.r[TT_REG_XPSR] = XPSR_T;
    return TT_OK;
}

static uint32_t sext(uint32_t v, unsigned bits)
{
    uint32_t m = 1u << (bits - 1);
    return ((v & ((1u << bits) - 1u)) ^ m) - m;
}

static void set_nz(uint32_t v)
{
    uint32_t x = regs.r[TT_REG_XPSR] & ~(XPSR_N | XPSR_Z);
    if (v == 0)
        x |= XPSR_Z;
    if (v & 0x80000000u)
        x |= XPSR_N;
    regs.r[TT_REG_XPSR] = x;
}

/* Executes one instruction; returns 0 to go on, or the park reason. */
static int step_one(struct tt_app_fault *f)
{
    uint32_t pc = regs.r[TT_REG_PC];
    uint8_t *p = map(pc, 2);
    if (p == NULL)
        goto fault;
    uint16_t hw = (uint16_t)(p[0] | p[1] << 8);
    if ((hw & 0xFF00u) == 0xBE00u)
        return TT_PARK_BKPT;
    executed++;
    if (hw == 0xBF00u) { /* NOP */
        regs.r[TT_REG_PC] = pc + 2;
    } else if ((hw & 0xFF00u) == 0x2000u) { /* MOVS r0, #imm8 */
        regs.r[0] = hw & 0xFFu;
        set_nz(regs.r[0]);
        regs.r[TT_REG_PC] = pc + 2;
    } else if ((hw & 0xFF00u) == 0x3000u) { /* ADDS r0, #imm8 */
        regs.r[0] += hw & 0xFFu;
        set_nz(regs.r[0]);
        regs.r[TT_REG_PC] = pc + 2;
    } else if ((hw & 0xFF00u) == 0x2800u) { /* CMP r0, #imm8 (N, Z only) */
        set_nz(regs.r[0] - (hw & 0xFFu));
        regs.r[TT_REG_PC] = pc + 2;
    } else if ((hw & 0xFE00u) == 0xD000u) { /* BEQ / BNE T1 */
        int z = (regs.r[TT_REG_XPSR] & XPSR_Z) != 0;
        int take = (hw & 0x0100u) ? !z : z;
        regs.r[TT_REG_PC] = take ? pc + 4 + sext((uint32_t)(hw & 0xFFu) << 1, 9) : pc + 2;
    } else if ((hw & 0xF800u) == 0xE000u) { /* B T2 */
        regs.r[TT_REG_PC] = pc + 4 + sext((uint32_t)(hw & 0x7FFu) << 1, 12);
    } else if ((hw & 0xF800u) == 0xF000u) { /* BL, small offsets only (S = J1 = J2 = ...) */
        uint8_t *q = map(pc + 2, 2);
        if (q == NULL)
            goto fault;
        uint16_t hw2 = (uint16_t)(q[0] | q[1] << 8);
        if ((hw2 & 0xD000u) != 0xD000u)
            goto fault;
        uint32_t s = (hw >> 10) & 1u, j1 = (hw2 >> 13) & 1u, j2 = (hw2 >> 11) & 1u;
        uint32_t i1 = !(j1 ^ s), i2 = !(j2 ^ s);
        uint32_t imm = s << 24 | i1 << 23 | i2 << 22 | (uint32_t)(hw & 0x3FFu) << 12 |
                       (uint32_t)(hw2 & 0x7FFu) << 1;
        regs.r[TT_REG_LR] = (pc + 4) | 1u;
        regs.r[TT_REG_PC] = pc + 4 + sext(imm, 25);
    } else if ((hw & 0xF800u) == 0x6000u) { /* STR Rt, [Rn, #imm5*4] (T1) */
        uint32_t addr = regs.r[(hw >> 3) & 7u] + ((hw >> 6) & 0x1Fu) * 4u;
        uint8_t *d = (addr & 3u) ? NULL : map(addr, 4);
        if (d == NULL || addr < TT_DOUBLE_RAM_BASE)
            goto fault;
        uint32_t v = regs.r[hw & 7u];
        d[0] = (uint8_t)v, d[1] = (uint8_t)(v >> 8), d[2] = (uint8_t)(v >> 16),
        d[3] = (uint8_t)(v >> 24);
        regs.r[TT_REG_PC] = pc + 2;
        watch_hit = watch_match_store(addr, 4);
        if (watch_hit >= 0)
            return TT_PARK_BKPT; /* the debug event, after the store */
    } else if (hw == 0x4770u) { /* BX LR */
        uint32_t lr = regs.r[TT_REG_LR];
        if ((lr & 1u) == 0 || (lr >> 24) >= 0xFEu)
            goto fault;
        regs.r[TT_REG_PC] = lr & ~1u;
    } else if (hw == 0x4798u) { /* BLX r3 */
        uint32_t target = regs.r[3];
        regs.r[TT_REG_LR] = (pc + 2) | 1u;
        if (map(target & ~1u, 2) == NULL) { /* a "Secure veneer": runs and returns */
            regs.r[0] = 42;
            regs.r[TT_REG_PC] = pc + 2;
        } else {
            regs.r[TT_REG_PC] = target & ~1u;
        }
    } else {
        goto fault; /* UDF and everything the double does not model */
    }
    return 0;
fault:
    memset(f, 0, sizeof *f);
    f->cfsr_ns = 1u << 16; /* UFSR.UNDEFINSTR */
    f->hfsr = 1u << 30;    /* FORCED */
    f->exc_return = 0xFFFFFFBCu;
    return TT_PARK_FAULT;
}

enum tt_app_park tt_port_app_run(struct tt_app_fault *fault)
{
    memset(fault, 0, sizeof *fault);
    for (unsigned i = 0; i < budget; i++) {
        int r = step_one(fault);
        if (r != 0)
            return (enum tt_app_park)r;
    }
    return TT_PARK_PREEMPTED;
}

/* The app double's code memory holds the image (RAM-load, like the an505). An image larger
 * than that memory (tether-hostdev's multi-MiB benchmark images) loads its first
 * TT_DOUBLE_CODE_SIZE bytes: the double fetches nothing beyond them, and the supervisor has
 * verified the whole image before it asks for a load. */
tt_err tt_port_app_load(enum tt_port_area slot, uint32_t size)
{
    if ((unsigned)slot >= TT_AREA_COUNT)
        return TT_ERR_ARG;
    if (size > sizeof code)
        size = sizeof code;
    memset(code, 0, sizeof code);
    if (size && tt_port_flash_read(slot, 0, code, size) != TT_OK) {
        memset(code, 0, sizeof code);
        return TT_ERR_STORAGE;
    }
    return TT_OK;
}
