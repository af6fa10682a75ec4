/* rsp.h — an I/O-free GDB Remote Serial Protocol engine: the local GDB server's core.
 *
 * The caller pushes the bytes GDB sent (tt_rsp_input) and drains the bytes to send back
 * (tt_rsp_output); no sockets, no malloc, no globals. The engine frames and checks packets
 * (packet.c), and one table (commands.c) gives each command its exact, overflow-safe parser
 * (parse.c) and its executor (cmd_*.c, one file per command family), run against a backend
 * — a table of function pointers —
 * answering locally whatever it can: registers from the last stop, breakpoints kept in a
 * local table and handed over with the next resume, a memory cache while halted (cache.c),
 * read-only sections from the ELF once the device's app measurement matched it, one
 * flattened target description (target_xml.c). `no_optimize` turns all of that off so
 * every GDB packet becomes one backend call (the transparent-tunnel baseline). Stops are
 * delivered by the caller with tt_rsp_stopped(). Register numbers are GDB's ARM M-profile
 * numbers (spec/services/debug.md "Register numbers"). Depends on tether/err.h and the ELF
 * reader (../elf/elf.h) for read-only sections. Host only. */
#ifndef TETHER_RSP_H
#define TETHER_RSP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tether/err.h"
#include "tether/registers.h"
#include "../elf/elf.h"

/* Largest packet payload we accept and send (advertised as PacketSize, in hex). */
#define TT_RSP_PACKET_MAX 4096
/* Largest m/M/X data length: a hex reply doubles it, and must fit in a packet. */
#define TT_RSP_MEM_MAX 2000

/* Registers the device reports (wire numbers 0-15, 25-31) in array order 0..22
 * (tether/registers.h: TT_CORE_*). */
#define TT_RSP_DEV_NREGS TT_CORE_REGS
/* Registers in target.xml: the device's 23 plus msp_ns, psp_ns, msp_s, psp_s (GDB's
 * org.gnu.gdb.arm.secext, GDB numbers 32-35), which the engine synthesises (NS = the banked
 * copies the device reports, S = 0: Secure state is never exposed). */
enum tt_rsp_secext_reg {
    TT_RSP_REG_MSP_NS = TT_CORE_REGS,
    TT_RSP_REG_PSP_NS,
    TT_RSP_REG_MSP_S,
    TT_RSP_REG_PSP_S,
    TT_RSP_NREGS
};
#define TT_RSP_SECEXT_FIRST_NUMBER 32u /* GDB's number of msp_ns */
#define TT_RSP_REG_SP TT_CORE_SP
#define TT_RSP_REG_PC TT_CORE_PC


enum tt_rsp_bp_type { /* as in GDB's Z/z packets */
                      TT_RSP_BP_SW = 0,
                      TT_RSP_BP_HW = 1,
                      TT_RSP_WP_WRITE = 2,
                      TT_RSP_WP_READ = 3,
                      TT_RSP_WP_ACCESS = 4
};

struct tt_rsp_bp {
    uint8_t type; /* enum tt_rsp_bp_type */
    uint32_t addr;
    uint32_t kind; /* instruction size (breakpoints) or length (watchpoints) */
};

enum tt_rsp_action { TT_RSP_CONTINUE, TT_RSP_STEP, TT_RSP_RANGE_STEP };

/* What a resume hands the backend. With `replace_bps` the backend installs exactly `bps`
 * (the design's full breakpoint set sent with the resume, one round trip instead of two per
 * Z/z); without it the breakpoints are unchanged (no_optimize forwards each Z/z). */
struct tt_rsp_resume {
    uint8_t action;                  /* enum tt_rsp_action */
    uint32_t range_start, range_end; /* RANGE_STEP: step while start <= pc < end */
    bool replace_bps;
    const struct tt_rsp_bp *bps;
    size_t nbps;
};

/* Why the target stopped, as the caller learned from the device (StopEvent.reason). */
enum tt_rsp_stop_reason {
    TT_RSP_STOP_HALT,       /* halt request or Ctrl-C → SIGINT */
    TT_RSP_STOP_BREAKPOINT, /* → SIGTRAP, swbreak/hwbreak */
    TT_RSP_STOP_WATCHPOINT, /* → SIGTRAP, watch/rwatch/awatch:addr */
    TT_RSP_STOP_STEP,       /* step or range step done → SIGTRAP */
    TT_RSP_STOP_FAULT,      /* app fault → SIGSEGV at the faulting instruction */
    TT_RSP_STOP_RESET,      /* halted after reset → SIGTRAP */
    TT_RSP_STOP_EXIT        /* app returned from its entry → W<r0 & 0xff> */
};

struct tt_rsp_stop {
    uint8_t reason;  /* enum tt_rsp_stop_reason */
    uint8_t bp_type; /* BREAKPOINT: TT_RSP_BP_SW or _HW; WATCHPOINT: WP type */
    uint32_t watch_addr;
    uint32_t regs[TT_RSP_DEV_NREGS];
    uint32_t stack_addr; /* the stack window pushed with the stop (may be empty) */
    const uint8_t *stack;
    size_t stack_len;
};

/* The backend: the device behind the server. Every function returns TT_OK or an error the
 * engine reports to GDB as an E reply; none may call back into the engine. `resume` and
 * `halt` only start the action: the stop arrives later through tt_rsp_stopped(). */
struct tt_rsp_backend {
    void *ctx;
    tt_err (*read_regs)(void *ctx, uint32_t regs[TT_RSP_DEV_NREGS]);
    tt_err (*write_reg)(void *ctx, unsigned dev_index, uint32_t value);
    tt_err (*read_mem)(void *ctx, uint32_t addr, uint8_t *out, size_t len);
    tt_err (*write_mem)(void *ctx, uint32_t addr, const uint8_t *data, size_t len);
    tt_err (*resume)(void *ctx, const struct tt_rsp_resume *r);
    tt_err (*halt)(void *ctx);
    tt_err (*set_bp)(void *ctx, const struct tt_rsp_bp *bp); /* breakpoints and watchpoints */
    tt_err (*clear_bp)(void *ctx, const struct tt_rsp_bp *bp);
    tt_err (*reset)(void *ctx);  /* restart the app, halted */
    tt_err (*detach)(void *ctx); /* clear all, app runs */
    /* Optional (may be NULL): one line of device status for `monitor status`. */
    tt_err (*status)(void *ctx, char *out, size_t cap);
};

/* A memory-map region (qXfer:memory-map:read) and the cacheable memory. */
enum tt_rsp_mem_type { TT_RSP_MEM_RAM, TT_RSP_MEM_ROM, TT_RSP_MEM_FLASH };
struct tt_rsp_region {
    uint32_t start, length;
    uint8_t type;       /* enum tt_rsp_mem_type */
    uint32_t blocksize; /* flash only */
};
#define TT_RSP_MAX_REGIONS 8

/* Packet-level errors, sent as E<nn> replies (codes are ours: GDB shows them as numbers). */
enum tt_rsp_error {
    TT_RSP_E_CHECKSUM = 0x01, /* checksum mismatch (no-ack mode; with acks: NAK '-') */
    TT_RSP_E_SYNTAX = 0x02,   /* malformed command: bad hex, missing field, trailing bytes */
    TT_RSP_E_TOO_LONG = 0x03, /* packet or requested length over the limits */
    TT_RSP_E_RANGE = 0x04,    /* address + length wraps, or unknown register */
    TT_RSP_E_TARGET = 0x05,   /* the backend refused or failed (device error) */
    TT_RSP_E_RUNNING = 0x06,  /* needs the target halted */
    TT_RSP_E_FULL = 0x07,     /* local breakpoint table full */
    TT_RSP_E_ANNEX = 0x08,    /* qXfer object or annex we do not serve */
    TT_RSP_E_ACCESS = 0x09    /* register not writable (Secure stack pointers) */
};

/* ---- the engine --------------------------------------------------------------------- */
#define TT_RSP_MAX_BPS 64
#define TT_RSP_CACHE_BLOCK 64
#define TT_RSP_CACHE_BLOCKS 64

struct tt_rsp_cache {
    uint32_t tag[TT_RSP_CACHE_BLOCKS];   /* block address */
    uint64_t valid[TT_RSP_CACHE_BLOCKS]; /* one bit per byte: a stack window may fill part */
    uint8_t data[TT_RSP_CACHE_BLOCKS][TT_RSP_CACHE_BLOCK];
    unsigned next; /* round-robin victim */
};

enum tt_rsp_in_state { TT_RSP_IN_IDLE, TT_RSP_IN_DATA, TT_RSP_IN_CSUM1, TT_RSP_IN_CSUM2 };

/* Internal to the engine (rsp_internal.h): the parsed request, the command table. */
struct tt_rsp_req;

struct tt_rsp_stats {
    unsigned packets, bad_checksum, errors, cache_hits, cache_misses, elf_reads, backend_calls,
        lost_replies;
    unsigned steps_deferred, steps_merged, steps_flushed; /* deferred_step.c */
};

/* A single step GDB was answered before the device ran it (deferred_step.c): pending until
 * a resume carries it or a command needs the real state (then `flushing`: the device runs
 * it and `pkt`, the command, runs when its stop arrives). */
struct tt_rsp_deferred_step {
    bool pending, flushing;
    uint32_t from, to; /* pc before the step; the pc GDB was told */
    uint8_t pkt[TT_RSP_PACKET_MAX];
    size_t pkt_len;
};

struct tt_rsp {
    /* configuration (set by the caller before or between packets) */
    struct tt_rsp_backend be;
    bool no_optimize;
    const struct tt_elf *elf; /* may be NULL */
    bool elf_trusted;         /* the device's app measurement matched the ELF's */
    struct tt_rsp_region regions[TT_RSP_MAX_REGIONS];
    size_t nregions;
    /* What the device can watch (its CAP_WATCHPOINTS and Limits): a Z2/Z3/Z4 of a type not
     * in watch_types gets the empty reply, so GDB knows the target cannot (instead of an OK
     * that every resume then fails on); more than max_watchpoints or longer than
     * max_watch_len is refused with E07/E04. All zero: no watchpoints. */
    uint8_t watch_types; /* bit (1u << TT_RSP_WP_*) per type the device accepts */
    unsigned max_watchpoints;
    uint32_t max_watch_len;

    /* input framing */
    uint8_t in_state;
    uint8_t in[TT_RSP_PACKET_MAX];
    size_t in_len;
    bool in_overflow, in_escape_open;
    uint8_t in_sum, in_csum;
    bool noack;

    /* output: whole packets, drained by tt_rsp_output */
    uint8_t out[2 * TT_RSP_PACKET_MAX + 64];
    size_t out_len;
    uint8_t last[TT_RSP_PACKET_MAX + 8]; /* last packet sent, for a NAK in ack mode */
    size_t last_len;

    /* target view */
    bool running;   /* resumed (or halt requested), no stop reported yet */
    bool gdb_waits; /* GDB waits for a stop reply (after c/s/vCont/?) */
    bool have_regs;
    uint32_t regs[TT_RSP_DEV_NREGS];
    struct tt_rsp_stop last_stop;
    bool gdb_swbreak, gdb_hwbreak;
    bool detached; /* D or k done: the caller should close the connection */
    bool extended; /* '!' seen: vKill keeps the connection, vRun restarts the app */

    /* breakpoints GDB wants (local table) and watchpoints wanted vs applied on the device */
    struct tt_rsp_bp bps[TT_RSP_MAX_BPS];
    size_t nbps;
    size_t nbps_resumed; /* breakpoints of the last continue or range step: GDB's set while
                            halted (it removes them all at each stop, re-inserts them to
                            resume, and may leave them out of a single step) */
    struct tt_rsp_bp wps[TT_RSP_MAX_BPS], wps_dev[TT_RSP_MAX_BPS];
    size_t nwps, nwps_dev;
    size_t nwps_resumed; /* as nbps_resumed */

    struct tt_rsp_deferred_step step;
    struct tt_rsp_cache cache;
    struct tt_rsp_stats stats;
};

/* Zero the context and set the backend: the just-connected state (ack mode, halted,
 * nothing known). Set the configuration fields (no_optimize, elf, regions) afterwards. */
void tt_rsp_init(struct tt_rsp *r, const struct tt_rsp_backend *be);

/* Push bytes received from GDB. Complete packets are executed at once; their replies are
 * queued. Fails only with TT_ERR_NO_SPACE when the output queue cannot take a reply (drain
 * it first; the byte that did not fit is not consumed: *used says how many were). */
TT_MUST_CHECK tt_err tt_rsp_input(struct tt_rsp *r, const uint8_t *buf, size_t len, size_t *used);
/* Take up to cap bytes of queued output. Returns how many were copied. */
size_t tt_rsp_output(struct tt_rsp *r, uint8_t *buf, size_t cap);
/* The target stopped (device StopEvent): update registers and cache, and if GDB is waiting
 * for the stop, queue the stop reply. */
TT_MUST_CHECK tt_err tt_rsp_stopped(struct tt_rsp *r, const struct tt_rsp_stop *stop);

/* Add a memory-map region: flash is rounded out to `blocksize` (a power of two), regions
 * of one type that overlap or touch are merged. False — the map unchanged — if the map is
 * full or the region overlaps one of another type (GDB would ignore the whole map). */
bool tt_rsp_add_region(struct tt_rsp *r, uint32_t start, uint32_t length, uint8_t type,
                       uint32_t blocksize);
/* Regions from the ELF's PT_LOAD segments: writable segments give RAM (their run-time
 * extent), the others `ro_type` (FLASH, ROM or RAM — GDB turns breakpoints in flash/rom
 * into hardware ones, Z1), as do writable segments' load images. The caller adds what the
 * ELF does not show (the rest of RAM, peripherals): GDB refuses accesses outside the map. */
bool tt_rsp_add_elf_regions(struct tt_rsp *r, const struct tt_elf *e, uint8_t ro_type,
                            uint32_t blocksize);

#endif
