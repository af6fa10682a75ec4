/* session_table.c — the device's concurrent sessions: lookup by receiver id, session ids,
 * eviction of the least recently active evictable session, idle sessions giving way, and
 * ending a session ([HS-040], [HS-041], [HS-042], [HS-053], [HS-060], [REC-004]).
 *
 * A slot is live while its session is ESTABLISHED (sessions are established on the device
 * the moment the response is sent, [HS-016]); a free slot is UNUSED or CLOSED. Ending a
 * session releases its service state (every service's session-end hook in the table: debug
 * attachment, log subscription, OTA transfer) before the keys are wiped. Depends on
 * internal.h, session.h, bytes.h. */
#include <string.h>

#include "internal.h"

int sup_slot_live(const struct tt_sup_slot *sl)
{
    return sl->s.state == TT_SESSION_ESTABLISHED;
}

int sup_slot_find(const struct tt_sup *s, uint32_t id)
{
    if (id == 0) /* [PKT-006] */
        return -1;
    for (unsigned i = 0; i < TT_SUP_SESSIONS; i++)
        if (sup_slot_live(&s->slot[i]) && s->slot[i].s.local_id == id)
            return (int)i;
    return -1;
}

unsigned tt_sup_sessions(const struct tt_sup *s)
{
    unsigned n = 0;
    for (unsigned i = 0; i < TT_SUP_SESSIONS; i++)
        n += (unsigned)sup_slot_live(&s->slot[i]);
    return n;
}

static int idle(const struct tt_sup *s, const struct tt_sup_slot *sl)
{
    return s->now - sl->active_ms >= TT_SESSION_IDLE_MS;
}

/* [HS-041]: (a) not confirmed, (b) idle for TT_SESSION_IDLE_MS, (c) the same client key. */
static int evictable(const struct tt_sup *s, const struct tt_sup_slot *sl,
                     const uint8_t key[TT_X25519_LEN])
{
    return !sl->confirmed || idle(s, sl) || memcmp(sl->s.peer_static, key, TT_X25519_LEN) == 0;
}

int sup_slot_give_way(struct tt_sup *s, int i)
{
    if (i < 0 || !sup_slot_live(&s->slot[i]) || !idle(s, &s->slot[i]))
        return 0;
    sup_slot_end(s, i, 1, TT_ERR_HS_BUSY); /* [HS-060], [HS-042]: Close event, not waited for */
    return 1;
}

int sup_slot_choose(const struct tt_sup *s, const uint8_t key[TT_X25519_LEN])
{
    int victim = -1;
    for (unsigned i = 0; i < TT_SUP_SESSIONS; i++) {
        const struct tt_sup_slot *sl = &s->slot[i];
        if (!sup_slot_live(sl))
            return (int)i;
        if (evictable(s, sl, key) &&
            (victim < 0 || sl->active_ms < s->slot[victim].active_ms))
            victim = (int)i;
    }
    return victim;
}

tt_err sup_session_id(struct tt_sup *s, uint32_t *id)
{
    for (unsigned tries = 0; tries < 16; tries++) {
        uint8_t b[4];
        tt_err e = s->crypto.random(s->crypto.rng_ctx, b, sizeof b);
        if (e != TT_OK)
            return e;
        uint32_t v = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
        int used = 0;
        for (unsigned i = 0; i < TT_SUP_SESSIONS; i++)
            if (s->slot[i].s.state == TT_SESSION_ESTABLISHED && s->slot[i].s.local_id == v)
                used = 1;
        if (v != 0 && !used) {
            *id = v;
            return TT_OK;
        }
    }
    return TT_ERR_CRYPTO; /* 16 collisions in a row: the generator is broken */
}

void sup_slot_end(struct tt_sup *s, int i, int send_close, uint32_t reason)
{
    struct tt_sup_slot *sl = &s->slot[i];
    if (!sup_slot_live(sl))
        return;
    /* [CTL-021]: never waited for; [HS-016]: no DATA before the session is confirmed. */
    if (send_close && sl->confirmed && sup_event_room(s, i)) {
        tether_v1_Message m = tether_v1_Message_init_zero;
        m.which_body = tether_v1_Message_close_tag;
        m.body.close.reason = reason;
        if (sup_event_send(s, i, &m) != TT_OK)
            s->send_failures++;
    }
    sup_services_session_end(s, i); /* every service's hook, in table order */
    tt_session_close(&sl->s);
    tt_wipe(sl->rel, sizeof sl->rel);
    tt_wipe(sl->resp, sizeof sl->resp);
    sl->resp_len = 0;
    sl->confirmed = 0;
    sl->permissions = 0;
}

void sup_slots_end_revoked(struct tt_sup *s, int i)
{
    for (unsigned k = 0; k < TT_SUP_SESSIONS; k++)
        if ((int)k != i && sup_slot_live(&s->slot[k]) && s->slot[k].serial < s->revocation_floor)
            sup_slot_end(s, (int)k, 1, TT_ERR_GRANT_REVOKED);
    if (s->slot[i].serial < s->revocation_floor)
        sup_slot_end(s, i, 0, 0);
}
