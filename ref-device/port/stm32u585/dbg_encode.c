/* dbg_encode.c — FPBv2 and DWT register encoding and comparator choice (see dbg_encode.h).
 * Pure functions, host-tested by ref-device/tests/test_stm32u585_dbg.c. Depends on
 * dbg_encode.h. */
#include "dbg_encode.h"

#include <stddef.h>

#define FUNC_ID(f) (((f) >> 27) & 0x1Fu)
#define ID_DADDR 0x08u   /* ID bit 3: Data Address match (every data-capable ID has it) */
#define ID_LIMIT 0x10u   /* ID bit 4: Data/Instruction Address Limit */
#define DATAVSIZE_SHIFT 10u

unsigned u585_fpb_num_code(uint32_t fp_ctrl)
{
    return ((fp_ctrl >> 12) & 0x7u) << 4 | ((fp_ctrl >> 4) & 0xFu);
}

unsigned u585_fpb_rev(uint32_t fp_ctrl)
{
    return (fp_ctrl >> 28) & 0xFu;
}

tt_err u585_fpb_comp(uint32_t addr, uint32_t *comp)
{
    if ((addr & 1u) || comp == NULL)
        return TT_ERR_ARG;
    *comp = addr | 1u; /* BPADDR[31:1] = addr[31:1], BE = 1 */
    return TT_OK;
}

int u585_fpb_alloc(uint32_t used, unsigned num)
{
    for (unsigned i = 0; i < num && i < U585_FPB_MAX; i++)
        if (!(used & (1u << i)))
            return (int)i;
    return -1;
}

unsigned u585_dwt_num_comp(uint32_t dwt_ctrl)
{
    return (dwt_ctrl >> 28) & 0xFu;
}

int u585_dwt_can_daddr(uint32_t function)
{
    return (FUNC_ID(function) & ID_DADDR) != 0;
}

int u585_dwt_can_limit(uint32_t function)
{
    return (FUNC_ID(function) & (ID_LIMIT | ID_DADDR)) == (ID_LIMIT | ID_DADDR);
}

static uint32_t match_of(enum u585_watch kind)
{
    switch (kind) {
    case U585_WATCH_READ:
        return U585_DWT_MATCH_DADDR_R;
    case U585_WATCH_WRITE:
        return U585_DWT_MATCH_DADDR_W;
    case U585_WATCH_ACCESS:
        return U585_DWT_MATCH_DADDR_RW;
    }
    return 0;
}

tt_err u585_dwt_plan(uint32_t addr, uint32_t len, enum u585_watch kind, const uint32_t *ids,
                     unsigned num, uint32_t used, struct u585_dwt_plan *out)
{
    uint32_t match = match_of(kind);
    if (match == 0 || len == 0 || ids == NULL || out == NULL || addr > UINT32_MAX - (len - 1u))
        return TT_ERR_ARG;
    if (num > U585_DWT_MAX)
        num = U585_DWT_MAX;
    unsigned size_log2 = len == 1 ? 0u : len == 2 ? 1u : len == 4 ? 2u : 3u;
    if (size_log2 < 3u && (addr & (len - 1u)) == 0) {
        for (unsigned i = 0; i < num; i++) {
            if ((used & (1u << i)) || !u585_dwt_can_daddr(ids[i]))
                continue;
            out->first = i;
            out->count = 1;
            out->comp[0] = addr;
            out->function[0] = match | U585_DWT_ACTION_DEBUG | size_log2 << DATAVSIZE_SHIFT;
            return TT_OK;
        }
        return TT_ERR_DBG_BP_FULL;
    }
    for (unsigned i = 0; i + 1u < num; i++) {
        if ((used & (3u << i)) || !u585_dwt_can_daddr(ids[i]) || !u585_dwt_can_limit(ids[i + 1u]))
            continue;
        out->first = i;
        out->count = 2;
        out->comp[0] = addr;
        out->function[0] = match | U585_DWT_ACTION_DEBUG; /* DATAVSIZE = byte for a range */
        out->comp[1] = addr + (len - 1u);                 /* inclusive limit */
        out->function[1] = U585_DWT_MATCH_DADDR_LIMIT;     /* ACTION 0b00: the base acts */
        return TT_OK;
    }
    return TT_ERR_DBG_BP_FULL;
}

int u585_dwt_matched(const uint32_t *functions, unsigned num)
{
    for (unsigned i = 0; i < num && i < U585_DWT_MAX; i++)
        if (functions[i] & U585_DWT_MATCHED)
            return (int)i;
    return -1;
}
