/* port.h — the hardware contract every supervisor platform implements.
 *
 * The portable core (ref-device/core/) reaches hardware only through these functions; a
 * platform is a directory under ref-device/port/<name>/ that implements all of them, and
 * the build picks one by linking it (no #if anywhere). Two ports exist: `an505` (QEMU
 * mps2-an505, the real firmware) and `host` (a POSIX test harness whose app is a test
 * double). Every function is called from the supervisor's service loop (thread context),
 * never from an interrupt. Depends on tether/err.h and tether/wire.h. */
#ifndef TT_PORT_H
#define TT_PORT_H

#include <stddef.h>
#include <stdint.h>

#include "tether/crypto.h"
#include "tether/err.h"
#include "tether/wire.h"

/* ---- Link: the byte stream the framing layer runs on (UART, socket). ----
 * Interrupt drivers fill an rx ring and drain a tx ring; these calls only touch the rings,
 * so they never block. */

/* Copies up to cap received bytes into buf; returns how many (0 = nothing pending). */
size_t tt_port_link_read(uint8_t *buf, size_t cap);

/* Queues up to len bytes for sending; returns how many were accepted (less than len when
 * the tx ring is full: the caller keeps the rest and retries later). */
size_t tt_port_link_write(const uint8_t *buf, size_t len);

/* ---- Time and randomness. ---- */

/* Monotonic milliseconds since boot. */
uint64_t tt_port_time_ms(void);

/* Fills out with len bytes of entropy input for the DRBG (lib/crypto/rng_mbedtls.c), which
 * conditions it. Fails rather than returning predictable bytes. */
TT_MUST_CHECK tt_err tt_port_entropy(uint8_t *out, size_t len);

/* The crypto backend the supervisor uses, its random generator (re)seeded from
 * tt_port_entropy with the personalisation string pers (may be NULL/0): the port chooses it,
 * the core only calls through struct tt_crypto. The ports here link crypto_mbedtls.c
 * (mbedTLS with a CTR-DRBG). tt_sup_init calls it twice: once for hashing only (nothing
 * random is drawn), then with the rolled persisted seed's derivative ([NVS-030]). */
TT_MUST_CHECK tt_err tt_port_crypto(struct tt_crypto *out, const uint8_t *pers, size_t pers_len);

/* Sleeps until something may have happened (an interrupt); may return at once. */
void tt_port_idle(void);

/* Resets the whole device (supervisor and app). */
void tt_port_reset(void);

/* ---- Persistence: flash areas the port exposes, and the records kept in them. ----
 * The contract is NOR flash as on the STM32U585 (ECC, quad-word programming), so the same
 * store code and the same power-cut sweeps run on every port: an area is erased a page at a
 * time to 0xFF; it is programmed in aligned quad-words (16 bytes) and a quad-word that is not
 * all 0xFF is refused (TT_ERR_STORAGE), as ECC flash does; reads are loads. Offsets are
 * relative to the area. Every area is Secure (out of every Non-secure SAU region). A power
 * cut may tear the operation in progress: part of a page erased, part of a quad-word
 * programmed; the store (core/store/) is written to survive that. */
enum tt_port_area {
    TT_AREA_STORE = 0,  /* the record store: two banks of whole pages */
    TT_AREA_SLOT_A = 1, /* the installed app image (primary slot) */
    TT_AREA_SLOT_B = 2, /* the secondary slot (OTA staging) */
    TT_AREA_COUNT
};
#define TT_FLASH_QWORD 16u

struct tt_port_area_info {
    uint32_t size;      /* bytes, a multiple of page_size */
    uint32_t page_size; /* erase unit */
};

TT_MUST_CHECK tt_err tt_port_flash_info(enum tt_port_area a, struct tt_port_area_info *out);
/* Erases the page starting at off (page aligned). */
TT_MUST_CHECK tt_err tt_port_flash_erase(enum tt_port_area a, uint32_t off);
/* Programs len bytes (a multiple of TT_FLASH_QWORD) at off (quad-word aligned); every target
 * quad-word must be erased (TT_ERR_STORAGE otherwise, nothing programmed from there on). */
TT_MUST_CHECK tt_err tt_port_flash_program(enum tt_port_area a, uint32_t off, const uint8_t *data,
                                           uint32_t len);
/* Reads len bytes at off (any alignment). TT_ERR_ARG outside the area. */
TT_MUST_CHECK tt_err tt_port_flash_read(enum tt_port_area a, uint32_t off, uint8_t *out,
                                        uint32_t len);

/* The records of core/store/record_store.h (spec/storage.md lists what each holds). */
enum tt_port_record {
    TT_REC_REPLAY = 0,     /* highest accepted ClientHello timestamp per client key */
    TT_REC_REVOCATION = 1, /* grant revocation floor (never decreases) */
    TT_REC_BOOT = 2,       /* boot counter, pending-update flags */
    TT_REC_SEED = 3,       /* NV seed, rolled forward before first use every boot */
    TT_REC_TIME = 4,       /* time floor: latest owner-signed time seen ([GRT-015]) */
    TT_REC_SECURITY = 5,   /* security counter of installed images (never decreases; OTA) */
    TT_REC_INSTALL = 6,    /* installed image: size, SHA-256, version of slot A */
    TT_REC_COUNT
};
#define TT_PORT_RECORD_MAX 512u /* bytes per record */

/* ---- Device keys, from the provisioning area (never leave the supervisor). ---- */
struct tt_port_keys {
    uint8_t device_id[TT_DEVICE_ID_LEN];
    uint8_t static_private[TT_KEY_LEN]; /* X25519, the responder's Noise static key */
    uint8_t owner_public[TT_P256_PUB_LEN]; /* ECDSA P-256, verifies grants */
    uint8_t attest_private[TT_KEY_LEN];    /* ECDSA P-256, signs Evidence only ([ATT-021]);
                                              all zero: the device cannot attest */
    uint8_t firmware_public[TT_P256_PUB_LEN]; /* ECDSA P-256, verifies OTA manifests
                                                 ([OTA-020]); all zero: no OTA service */
};
/* Copies the provisioned keys; TT_ERR_STATE if the device is not provisioned. */
TT_MUST_CHECK tt_err tt_port_keys(struct tt_port_keys *out);

/* ---- The app's calls into the supervisor (its Non-secure-callable API). ---- */

/* Copies the oldest unread log entry the app wrote into buf (cut to cap) and returns its
 * length, 0 if there is none; *seq is its sequence number (a gap means entries were dropped
 * while the ring was full). */
size_t tt_port_app_log_read(uint8_t *buf, size_t cap, uint32_t *seq);

#define TT_APP_REQ_CONFIRM_UPDATE 1u /* the app confirmed the running image */
#define TT_APP_REQ_REBOOT 2u         /* the app asked for a reboot */
/* Returns and clears the requests the app made since the last call. */
uint32_t tt_port_app_requests(void);

/* ---- Target control primitives: the app (Non-secure world) as seen by the debugger. ----
 * Portable semantics (breakpoint table, stepping, range stepping, stop bookkeeping) live in
 * core/target/; the port only parks, runs and touches the app's state. The app is always
 * parked while the supervisor's service loop runs: "running" is the core's bookkeeping, and
 * the app executes only inside tt_port_app_run(). */

/* Core registers of the app: r0-r12, sp, lr, pc, xPSR, then the app's banked special
 * registers (Non-secure MSP/PSP/CONTROL/PRIMASK...). Numbering follows GDB's M-profile. */
enum tt_app_reg {
    TT_REG_SP = 13, TT_REG_LR = 14, TT_REG_PC = 15, TT_REG_XPSR = 16,
    TT_REG_MSP = 17, TT_REG_PSP = 18, TT_REG_PRIMASK = 19, TT_REG_BASEPRI = 20,
    TT_REG_FAULTMASK = 21, TT_REG_CONTROL = 22,
    TT_REG_COUNT = 23
};
struct tt_app_regs {
    uint32_t r[TT_REG_COUNT];
};

/* Why tt_port_app_run() came back. */
enum tt_app_park {
    TT_PARK_PREEMPTED = 0, /* the supervisor needs the CPU (link input, timer); not a stop */
    TT_PARK_BKPT = 1,      /* the app executed a BKPT instruction (pc = its address) */
    TT_PARK_FAULT = 2      /* the app faulted; fault registers recorded */
};

/* Fault-status registers captured when the app stopped (0 when not applicable). */
struct tt_app_fault {
    uint32_t cfsr;     /* Secure-banked CFSR (BusFault lives here when BFHFNMINS = 0) */
    uint32_t cfsr_ns;  /* Non-secure CFSR (the app's MemManage/UsageFault status) */
    uint32_t hfsr, mmfar, bfar, sfsr, sfar;
    uint32_t exc_return; /* how the app was interrupted */
};

/* Runs the app from its parked context until it stops or the supervisor needs the CPU.
 * fault is filled for TT_PARK_FAULT (and zeroed otherwise). */
enum tt_app_park tt_port_app_run(struct tt_app_fault *fault);

/* Reads/writes the parked context. Writes change only what the app could change itself:
 * the port refuses (TT_ERR_DBG_ACCESS) a stack pointer outside the app's RAM. */
TT_MUST_CHECK tt_err tt_port_app_regs_read(struct tt_app_regs *out);
TT_MUST_CHECK tt_err tt_port_app_regs_write(const struct tt_app_regs *in);

/* Access classes for the memory check. */
enum tt_app_access { TT_ACCESS_READ = 1, TT_ACCESS_WRITE = 2 };

/* TT_OK only if every byte of [addr, addr+len) is the app's Non-secure memory (checked with
 * the security attribution unit, TT/TTA on ARMv8-M, and a whitelist of the app's regions).
 * len 0 is TT_ERR_ARG; wrap-around is TT_ERR_DBG_ACCESS. */
TT_MUST_CHECK tt_err tt_port_app_mem_check(uint32_t addr, uint32_t len, enum tt_app_access a);

/* Raw app memory access; each call checks the range itself first (defence in depth).
 * Sees and changes memory as it is (breakpoint instructions included). */
TT_MUST_CHECK tt_err tt_port_app_mem_read(uint32_t addr, uint8_t *buf, uint32_t len);
TT_MUST_CHECK tt_err tt_port_app_mem_write(uint32_t addr, const uint8_t *buf, uint32_t len);

/* Places a BKPT at addr (halfword aligned) and returns the halfword it replaced; removes it
 * by writing orig back. On RAM-resident code this is a memory write; a flash port would use
 * its breakpoint unit here. */
TT_MUST_CHECK tt_err tt_port_app_bkpt_insert(uint32_t addr, uint16_t *orig);
TT_MUST_CHECK tt_err tt_port_app_bkpt_remove(uint32_t addr, uint16_t orig);

/* ---- Hardware watchpoints: a data watchpoint unit (the DWT of a Cortex-M33), if any. ----
 * Kinds are the wire's WatchKind values. A port without a usable unit (QEMU's M33, the host
 * double by default) reports count 0 and the core watches by stepping the app and comparing
 * the watched bytes (core/target/watchpoints.c). With a unit, an access of the watched kind
 * to a byte of [addr, addr+len) parks the app with TT_PARK_BKPT once the accessing
 * instruction has completed (its PC is the next instruction's), whatever value it wrote, and
 * tt_port_watch_hit then names the watchpoint. */
enum tt_watch_kind { TT_WATCH_WRITE = 0, TT_WATCH_READ = 1, TT_WATCH_ACCESS = 2 };
struct tt_port_watch_caps {
    uint32_t count;   /* watchpoints of one comparator that can be set at once; 0: no unit */
    uint32_t max_len; /* longest range (a range a comparator cannot take alone takes two) */
    uint32_t kinds;   /* bit 1 << tt_watch_kind for each kind the unit matches */
};
void tt_port_watch_caps(struct tt_port_watch_caps *out);
/* TT_ERR_DBG_ACCESS outside the app's memory, TT_ERR_ARG for a length or kind the unit cannot
 * take, TT_ERR_DBG_BP_FULL when no comparator (pair) is free; nothing changes on error. */
TT_MUST_CHECK tt_err tt_port_watch_set(uint32_t addr, uint32_t len, enum tt_watch_kind kind);
/* Removes the watchpoint set with addr, len and kind; an unknown one is a no-op. */
TT_MUST_CHECK tt_err tt_port_watch_clear(uint32_t addr, uint32_t len, enum tt_watch_kind kind);
/* After a TT_PARK_BKPT: 1 and the matched watchpoint's addr when the unit matched since the
 * app last ran (reported once), else 0. */
int tt_port_watch_hit(uint32_t *addr);

/* Places the image held by the first `size` bytes of flash area `slot` where the app
 * executes (RAM-load on the an505), or wipes that place when size is 0; the app stays
 * parked and the core resets it (tt_port_app_reset). The caller has verified the slot
 * (core/service/ota.c: install, rollback, revert, boot). TT_ERR_ARG when the image does not
 * fit; TT_ERR_STATE on a port whose app cannot be moved (it runs in place). */
TT_MUST_CHECK tt_err tt_port_app_load(enum tt_port_area slot, uint32_t size);

/* Puts the app back at its reset state (context from its vector table), parked. */
TT_MUST_CHECK tt_err tt_port_app_reset(void);

#endif
