/* log.c — the log service (spec/services/log.md): the app's log entries, from the port's
 * ring into the supervisor's, to every subscribed session at its own cursor.
 *
 * The port hands each entry out once (tt_port_app_log_read), so the supervisor keeps the
 * last TT_SUP_LOG_RING entries itself, which lets each session have its own cursor
 * ([LOG-010]). Entries wait in the ring, not in a session's reliability window: while a
 * window is full nothing is queued, and entries overwritten meanwhile are counted in
 * `dropped` ([LOG-012], [REL-018]). The ring's size is advertised in Limits.log_ring
 * ([LOG-030]). Text is cut to 120 bytes and made valid UTF-8 ([LOG-003]). Depends on
 * internal.h, port.h. */
#include <string.h>

#include "../supervisor/internal.h"

#define LEVEL_INFO 2u /* [LOG-002]: the app's API carries no level yet */
#define ENTRIES_MAX 8u

/* Length of the valid UTF-8 sequence at p[0..n), or 0 ([LOG-003]). */
static size_t utf8_len(const uint8_t *p, size_t n)
{
    size_t len;
    uint32_t min;
    if (p[0] < 0x80)
        return p[0] != 0; /* NUL would end the proto string early */
    if ((p[0] & 0xE0) == 0xC0)
        len = 2, min = 0x80;
    else if ((p[0] & 0xF0) == 0xE0)
        len = 3, min = 0x800;
    else if ((p[0] & 0xF8) == 0xF0)
        len = 4, min = 0x10000;
    else
        return 0;
    if (len > n)
        return 0;
    uint32_t cp = p[0] & (0x7Fu >> len);
    for (size_t k = 1; k < len; k++) {
        if ((p[k] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (p[k] & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

static void store_entry(struct tt_sup *s, const uint8_t *b, size_t n, uint32_t seq)
{
    struct tt_sup_log_entry *e;
    if (s->log_count == TT_SUP_LOG_RING) { /* full: forget the oldest */
        memmove(&s->log[0], &s->log[1], sizeof s->log[0] * (TT_SUP_LOG_RING - 1));
        s->log_count--;
    }
    e = &s->log[s->log_count++];
    e->seq = seq;
    e->time_ms = s->now;
    size_t out = 0;
    for (size_t k = 0; k < n && out < TT_SUP_LOG_TEXT;) {
        size_t l = utf8_len(b + k, n - k);
        if (l == 0) {
            e->text[out++] = '?';
            k++;
        } else {
            memcpy(e->text + out, b + k, l);
            out += l;
            k += l;
        }
    }
    e->len = (uint8_t)out;
}

/* Drains the port's ring into ours (numbers from the port: a gap is a loss). */
static void drain_port(struct tt_sup *s)
{
    uint8_t b[TT_SUP_LOG_TEXT + 8];
    uint32_t seq;
    size_t n;
    for (unsigned k = 0; k < TT_SUP_LOG_RING && (n = tt_port_app_log_read(b, sizeof b, &seq)) > 0;
         k++) {
        if (n > TT_SUP_LOG_TEXT)
            n = TT_SUP_LOG_TEXT;
        store_entry(s, b, n, seq);
        s->log_next = seq + 1;
    }
}

/* Sends session i the entries from its cursor (at most 8 in one LogEntries). */
static void push(struct tt_sup *s, int i)
{
    struct tt_sup_slot *sl = &s->slot[i];
    if (s->log_count == 0 || !sup_event_room(s, i))
        return;
    uint32_t newest = s->log[s->log_count - 1].seq;
    if ((int32_t)(sl->log_cursor - newest) > 0)
        return; /* nothing new */
    tether_v1_Message *m = &s->rep;
    memset(m, 0, sizeof *m);
    tether_v1_LogEntries *le = &m->body.log_entries;
    uint32_t oldest = s->log[0].seq;
    if ((int32_t)(sl->log_cursor - oldest) < 0) { /* overwritten before it was sent */
        le->dropped = oldest - sl->log_cursor;
        sl->log_cursor = oldest;
    }
    for (uint32_t k = 0; k < s->log_count && le->entries_count < ENTRIES_MAX; k++) {
        const struct tt_sup_log_entry *e = &s->log[k];
        if ((int32_t)(e->seq - sl->log_cursor) < 0)
            continue;
        if (le->entries_count > 0 && e->seq != le->entries[le->entries_count - 1].seq + 1)
            break; /* a gap from the port: the next event reports it */
        tether_v1_LogEntry *o = &le->entries[le->entries_count++];
        o->seq = e->seq;
        o->time_ms = e->time_ms;
        o->level = LEVEL_INFO;
        memcpy(o->text, e->text, e->len);
        o->text[e->len] = '\0';
    }
    if (le->entries_count == 0)
        return;
    /* Entries the port lost between the cursor and the first we hold. */
    le->dropped += le->entries[0].seq - sl->log_cursor;
    m->request_id = 0;
    m->which_body = tether_v1_Message_log_entries_tag;
    if (sup_event_send(s, i, m) == TT_OK)
        sl->log_cursor = le->entries[le->entries_count - 1].seq + 1;
}

static void poll_subscribers(struct tt_sup *s)
{
    drain_port(s);
    for (unsigned i = 0; i < TT_SUP_SESSIONS; i++)
        if (sup_slot_live(&s->slot[i]) && s->slot[i].log_subscribed &&
            (s->slot[i].permissions & TT_PERM_LOG)) /* [GRT-041] */
            push(s, (int)i);
}

static struct tt_sup_result handle(struct tt_sup *s, int i)
{
    struct tt_sup_slot *sl = &s->slot[i];
    drain_port(s);
    if (s->req.which_body == tether_v1_Message_log_subscribe_tag) { /* [LOG-010] */
        uint32_t from = s->req.body.log_subscribe.from_seq;
        /* 0 is the first entry since boot: what the ring lost is then dropped ([LOG-031]) */
        if (from == 0)
            from = 1;
        if ((int32_t)(from - s->log_next) > 0)
            from = s->log_next; /* beyond: the next entry written */
        sl->log_cursor = from; /* older than the ring: counted as dropped ([LOG-013]) */
        sl->log_subscribed = 1;
    } else { /* [LOG-014] */
        sl->log_subscribed = 0;
    }
    sup_reply_body(s, tether_v1_Message_ack_tag);
    return sup_reply_ready();
}

/* [LOG-020]: an ended session's subscription ends with it. */
static void session_end(struct tt_sup *s, int i)
{
    s->slot[i].log_subscribed = 0;
}

static uint32_t capabilities(const struct tt_sup *s)
{
    (void)s;
    return tether_v1_Capability_CAP_LOG;
}

static void limits(const struct tt_sup *s, tether_v1_Limits *l)
{
    (void)s;
    l->log_ring = TT_SUP_LOG_RING; /* [LOG-030] */
}

static const struct tt_sup_route routes[] = {
    {tether_v1_Message_log_subscribe_tag, TT_PERM_LOG, 0, handle},
    {tether_v1_Message_log_unsubscribe_tag, TT_PERM_LOG, 0, handle},
};

const struct tt_sup_service svc_log_service = {
    .routes = routes,
    .nroutes = sizeof routes / sizeof routes[0],
    .poll = poll_subscribers,
    .session_end = session_end,
    .capabilities = capabilities,
    .limits = limits,
};
