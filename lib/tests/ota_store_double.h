/* ota_store_double.h — an in-memory flash store for the OTA engine's host tests, with the
 * MCUboot simulator's rules: it counts every persistent operation (record save, chunk mark,
 * erase, write), can cut power before operation k (that one and every later one fail, as
 * if the device lost power there), refuses to program bytes that are not erased, and counts
 * any erase of a page that holds a marked chunk ([OTA-061]) as a violation. */
#ifndef OTA_STORE_DOUBLE_H
#define OTA_STORE_DOUBLE_H

#include "tether/ota_engine.h"

#define DBL_SLOT_SIZE 8192u
#define DBL_PAGE 256u

struct dbl_store {
    uint8_t slot[2][DBL_SLOT_SIZE];
    struct tt_ota_record rec;
    uint8_t marks[TT_OTA_MAX_CHUNKS / 8];
    uint32_t mark_chunk_size; /* chunk size of the marked transfer (for the erase rule) */
    uint32_t mark_slot;
    unsigned ops;       /* persistent operations performed */
    unsigned cut_at;    /* 0: never; k: operation k (1-based) and later fail */
    bool dead;
    unsigned violations; /* writes to non-erased bytes, erases of stored chunks */
    int running;         /* slot the app was last started from, -1 stopped */
    unsigned fail_write_at; /* 0: never; k: the k-th write fails (a flash error, not a cut) */
    unsigned writes;
    unsigned saves_lowering_counter; /* [OTA-040]: must stay 0 */
};

void dbl_init(struct dbl_store *d);
struct tt_ota_storage dbl_storage(struct dbl_store *d);
/* A power cut at operation k of what follows (0: none), counted from now. */
void dbl_cut_after(struct dbl_store *d, unsigned k);
/* The device comes back: power restored, the cut disarmed. */
void dbl_power_on(struct dbl_store *d);

#endif
