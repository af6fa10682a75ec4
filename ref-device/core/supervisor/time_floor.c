/* time_floor.c — the persisted time floor of a device without a wall clock ([GRT-015],
 * [NVS-040]).
 *
 * The only time such a device can trust is one the owner signed: the not_before of a grant
 * it accepted. The largest one seen is kept in TT_REC_TIME and never decreases; a grant
 * whose not_after is at or below it has certainly expired (lib/grant: tt_grant_verify with
 * time_floor_s). The floor is persisted before the handshake that raised it completes, so
 * after a power cut it is the old or the new value, never lower. Depends on internal.h,
 * record_store.h, bytes.h, grant.h. */
#include "../store/record_store.h"
#include "internal.h"
#include "tether/bytes.h"
#include "tether/grant.h"

tt_err sup_time_floor_raise(struct tt_sup *s, const tether_v1_GrantBody *body)
{
    uint64_t f = tt_grant_time_floor(s->time_floor, body);
    if (f == s->time_floor)
        return TT_OK;
    uint8_t b[8];
    tt_store_be64(b, f);
    if (tt_store_write(TT_REC_TIME, b, sizeof b) != TT_OK)
        return TT_ERR_STORAGE;
    s->time_floor = f; /* adopted only once persisted */
    return TT_OK;
}
