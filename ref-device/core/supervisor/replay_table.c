/* replay_table.c — the persisted table of the highest ClientHello timestamp accepted per
 * client static key ([HS-020]..[HS-023]).
 *
 * IK's message 1 can be replayed; a timestamp that must grow per client key stops it. The
 * table lives in the store's TT_REC_REPLAY record (written whole, atomically), so it survives
 * reboots; it holds TT_SUP_REPLAY_ENTRIES keys, and evicting the least recently updated key
 * first raises the floor every unknown key must beat. Record layout (big-endian):
 *   version 1 (1) | floor (8) | generation (4) | count (1) | count × [key (32) | ts (8) | gen (4)]
 * Parsed with exact lengths; a record that does not parse is a storage error (the port
 * promises atomic writes, so it means a bug or tampering: refuse rather than forget).
 * Depends on internal.h, bytes.h, port.h. */
#include <string.h>

#include "../store/record_store.h"
#include "internal.h"
#include "tether/bytes.h"

#define REPLAY_VERSION 1u
#define HEAD_LEN 14u
#define ENTRY_LEN 44u

tt_err sup_replay_load(struct tt_sup *s)
{
    uint8_t b[HEAD_LEN + ENTRY_LEN * TT_SUP_REPLAY_ENTRIES];
    size_t n = sizeof b;
    struct tt_sup_replay t;
    memset(&t, 0, sizeof t);
    tt_err e = tt_store_read(TT_REC_REPLAY, b, &n);
    if (e == TT_ERR_NO_SPACE)
        return TT_ERR_STORAGE;
    if (e != TT_OK)
        return e;
    if (n == 0) { /* never written: empty table, floor 0 */
        s->replay = t;
        return TT_OK;
    }
    if (n < HEAD_LEN || b[0] != REPLAY_VERSION || b[13] > TT_SUP_REPLAY_ENTRIES ||
        n != HEAD_LEN + ENTRY_LEN * (size_t)b[13])
        return TT_ERR_STORAGE;
    t.floor = tt_load_be64(b + 1);
    t.generation = tt_load_be32(b + 9);
    t.count = b[13];
    for (unsigned i = 0; i < t.count; i++) {
        const uint8_t *p = b + HEAD_LEN + ENTRY_LEN * i;
        memcpy(t.e[i].key, p, TT_X25519_LEN);
        t.e[i].timestamp = tt_load_be64(p + 32);
        t.e[i].updated = tt_load_be32(p + 40);
    }
    s->replay = t;
    return TT_OK;
}

static int find(const struct tt_sup_replay *t, const uint8_t key[TT_X25519_LEN])
{
    for (unsigned i = 0; i < t->count; i++)
        if (memcmp(t->e[i].key, key, TT_X25519_LEN) == 0)
            return (int)i;
    return -1;
}

tt_err sup_replay_check(const struct tt_sup *s, const uint8_t key[TT_X25519_LEN], uint64_t ts)
{
    int i = find(&s->replay, key);
    uint64_t last = i >= 0 ? s->replay.e[i].timestamp : s->replay.floor;
    return ts > last ? TT_OK : TT_ERR_HS_REPLAY; /* [HS-023]: unsigned comparison */
}

static tt_err store(const struct tt_sup_replay *t)
{
    uint8_t b[HEAD_LEN + ENTRY_LEN * TT_SUP_REPLAY_ENTRIES];
    b[0] = REPLAY_VERSION;
    tt_store_be64(b + 1, t->floor);
    tt_store_be32(b + 9, t->generation);
    b[13] = t->count;
    for (unsigned i = 0; i < t->count; i++) {
        uint8_t *p = b + HEAD_LEN + ENTRY_LEN * i;
        memcpy(p, t->e[i].key, TT_X25519_LEN);
        tt_store_be64(p + 32, t->e[i].timestamp);
        tt_store_be32(p + 40, t->e[i].updated);
    }
    return tt_store_write(TT_REC_REPLAY, b, HEAD_LEN + ENTRY_LEN * (size_t)t->count) == TT_OK
               ? TT_OK
               : TT_ERR_STORAGE;
}

tt_err sup_replay_commit(struct tt_sup *s, const uint8_t key[TT_X25519_LEN], uint64_t ts)
{
    struct tt_sup_replay t = s->replay; /* changed copy; adopted only once persisted */
    int i = find(&t, key);
    if (i < 0) {
        if (t.count < TT_SUP_REPLAY_ENTRIES) {
            i = t.count++;
        } else { /* [HS-022]: evict the least recently updated, raising the floor first */
            i = 0;
            for (unsigned k = 1; k < t.count; k++)
                if (t.e[k].updated < t.e[i].updated)
                    i = (int)k;
            if (t.e[i].timestamp > t.floor)
                t.floor = t.e[i].timestamp;
        }
        memcpy(t.e[i].key, key, TT_X25519_LEN);
    }
    t.e[i].timestamp = ts;
    t.e[i].updated = ++t.generation;
    tt_err e = store(&t);
    if (e != TT_OK)
        return e;
    s->replay = t;
    return TT_OK;
}
