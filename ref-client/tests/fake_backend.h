/* fake_backend.h — a modelled device behind the RSP engine, for tests and the GDB smoke
 * server: flash and RAM arrays (flash loaded from an ELF's PT_LOAD segments), 23
 * registers, a breakpoint set, and a log of every call so tests can count round trips.
 * It "executes" nothing: a step advances pc by 2, a range step lands on the range end, a
 * continue stops at the lowest breakpoint above pc (or runs until halted). Stops are left
 * in `pending` for the driver to hand to tt_rsp_stopped(). Depends on rsp.h. */
#ifndef TETHER_FAKE_BACKEND_H
#define TETHER_FAKE_BACKEND_H

#include "../rsp/rsp.h"

#define FAKE_FLASH_BASE 0x00200000u
#define FAKE_FLASH_SIZE 0x2000u
#define FAKE_RAM_BASE 0x28200000u
#define FAKE_RAM_SIZE 0x1000u

struct fake_dev {
    uint8_t flash[FAKE_FLASH_SIZE];
    uint8_t ram[FAKE_RAM_SIZE];
    uint32_t regs[TT_RSP_DEV_NREGS];
    struct tt_rsp_bp bps[TT_RSP_MAX_BPS]; /* installed on the "device" */
    size_t nbps;
    bool running;
    bool has_pending;
    struct tt_rsp_stop pending;
    tt_err fail_next; /* returned (once) by the next call, if not TT_OK */
    /* call log */
    unsigned n_read_regs, n_write_reg, n_read_mem, n_write_mem, n_resume, n_halt, n_set, n_clear,
        n_reset, n_detach;
    size_t read_mem_bytes;
    struct tt_rsp_resume last_resume;
    struct tt_rsp_bp last_resume_bps[TT_RSP_MAX_BPS];
};

/* Fill registers and RAM with recognisable patterns, load flash from `elf` (may be NULL). */
void fake_init(struct fake_dev *d, const struct tt_elf *elf);
/* The backend table pointing at `d`. */
struct tt_rsp_backend fake_backend(struct fake_dev *d);
/* The stop the fake reported after halt/resume/reset, if any (clears it). */
bool fake_take_stop(struct fake_dev *d, struct tt_rsp_stop *out);

#endif
