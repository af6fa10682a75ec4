/* nv_seed.c — the persisted random seed, rolled forward before first use every boot
 * ([NVS-030]..[NVS-032], NV-seed style).
 *
 * QEMU writes the same bytes into its "TRNG" area at every reset, and a chip's TRNG may be
 * weak at power-up: a boot must never repeat an earlier boot's randomness. So every boot
 *   next = SHA-256("tether nv-seed next" || stored seed || 32 bytes of board entropy)
 * is written back to TT_REC_SEED first (a failed write stops the boot: nothing random is
 * used from a seed that is not persisted), and only then is the port's DRBG seeded: board entropy
 * as its entropy input, SHA-256("tether nv-seed use" || next) as its personalisation
 * string. Two boots therefore differ unless the flash write was lost, and a lost write
 * stops the boot. The stored value is never used directly (a one-way step separates
 * it from what the DRBG sees). Depends on internal.h, record_store.h, port.h (tt_port_crypto). */
#include <string.h>

#include "../store/record_store.h"
#include "internal.h"

tt_err sup_seed_roll_and_init_rng(struct tt_sup *s)
{
    static const char next_label[] = "tether nv-seed next";
    static const char use_label[] = "tether nv-seed use";
    uint8_t in[sizeof next_label - 1 + 2 * TT_SHA256_LEN];
    uint8_t next[TT_SHA256_LEN], pers[TT_SHA256_LEN];
    size_t n = TT_SHA256_LEN;
    size_t at = sizeof next_label - 1;
    memcpy(in, next_label, at);
    tt_err e = tt_store_read(TT_REC_SEED, in + at, &n);
    if (e != TT_OK || (n != 0 && n != TT_SHA256_LEN))
        e = TT_ERR_STORAGE; /* a seed of another length is not ours: refuse, never reuse */
    if (e == TT_OK) {
        at += n;
        e = tt_port_entropy(in + at, TT_SHA256_LEN) == TT_OK ? TT_OK : TT_ERR_CRYPTO;
    }
    if (e == TT_OK)
        e = s->crypto.sha256(next, in, at + TT_SHA256_LEN, NULL, 0);
    if (e == TT_OK) /* persisted before any use */
        e = tt_store_write(TT_REC_SEED, next, sizeof next) == TT_OK ? TT_OK : TT_ERR_STORAGE;
    if (e == TT_OK)
        e = s->crypto.sha256(pers, (const uint8_t *)use_label, sizeof use_label - 1,
                                     next, sizeof next);
    if (e == TT_OK)
        e = tt_port_crypto(&s->crypto, pers, sizeof pers);
    tt_wipe(in, sizeof in);
    tt_wipe(next, sizeof next);
    tt_wipe(pers, sizeof pers);
    return e;
}
