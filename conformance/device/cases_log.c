/* cases_log.c — conformance cases of the log service (spec/services/log.md): entries in
 * ascending, consecutive order with drops counted, the cursor, unsubscribing, and the
 * permission. The device under test must log now and then by itself (the reference demo
 * app and the host device both do); a device that writes nothing within the waits fails
 * the positive cases. */
#include "cases.h"

static struct sess A;
static tether_v1_Message q;

static int has_log(struct conf *c, char *why, size_t whylen)
{
    if (c->capabilities & tether_v1_Capability_CAP_LOG)
        return 1;
    WHY("the device does not announce CAP_LOG");
    return 0;
}

static enum conf_result subscribe(struct conf *c, uint32_t from, char *why, size_t whylen)
{
    msg(&q, tether_v1_Message_log_subscribe_tag);
    q.body.log_subscribe.from_seq = from;
    return sess_expect(c, &A, &q, TT_OK, -1, why, whylen);
}

/* Next LogEntries within ms (other events skipped). */
static tt_err next_entries(struct conf *c, tether_v1_LogEntries *out, int ms)
{
    static tether_v1_Message ev;
    uint64_t end = tt_client_now_ms() + (uint64_t)ms;
    while (tt_client_now_ms() < end) {
        tt_err e = sess_event(c, &A, &ev, (int)(end - tt_client_now_ms()) + 1);
        if (e != TT_OK)
            return e;
        if (ev.which_body == tether_v1_Message_log_entries_tag && ev.request_id == 0) {
            *out = ev.body.log_entries;
            return TT_OK;
        }
    }
    return TT_ERR_TIMEOUT;
}

/* Entries of one event are consecutive and follow `last` with its dropped count. */
static int continuous(const tether_v1_LogEntries *le, uint32_t *last)
{
    if (le->entries_count == 0)
        return 0;
    if (*last && le->entries[0].seq != *last + le->dropped + 1)
        return 0;
    for (unsigned i = 1; i < le->entries_count; i++)
        if (le->entries[i].seq != le->entries[i - 1].seq + 1)
            return 0;
    *last = le->entries[le->entries_count - 1].seq;
    return 1;
}

/* [LOG-003] Whether s is valid UTF-8 (no overlong forms, no surrogates, at most U+10FFFF). */
static int utf8_ok(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned n = *p < 0x80 ? 0 : (*p & 0xE0) == 0xC0 ? 1 : (*p & 0xF0) == 0xE0 ? 2
                   : (*p & 0xF8) == 0xF0 ? 3 : 9;
        if (n == 9 || (n == 1 && *p < 0xC2) || (n == 3 && *p > 0xF4))
            return 0;
        uint32_t cp = n ? *p & (0x3Fu >> n) : *p;
        for (unsigned k = 1; k <= n; k++) {
            if ((p[k] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (p[k] & 0x3Fu);
        }
        if ((n == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
            (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
            return 0;
        p += n + 1;
    }
    return 1;
}

/* [LOG-003] every entry's text: at most 120 bytes of valid UTF-8. */
static int texts_ok(const tether_v1_LogEntries *le, char *why, size_t whylen)
{
    for (unsigned i = 0; i < le->entries_count; i++) {
        const char *t = le->entries[i].text;
        if (strnlen(t, sizeof le->entries[i].text) > 120 || !utf8_ok(t)) {
            WHY("[LOG-003] entry %u: text of %zu bytes or not valid UTF-8",
                (unsigned)le->entries[i].seq, strnlen(t, sizeof le->entries[i].text));
            return 0;
        }
    }
    return 1;
}

CASE(stream_in_order)
{
    static tether_v1_LogEntries le;
    uint32_t last = 0;
    if (!has_log(c, why, whylen))
        return CONF_NA;
    if (sess_open(c, &A, TT_PERM_LOG, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    enum conf_result res = subscribe(c, 0, why, whylen);
    for (int i = 0; i < 3 && res == CONF_PASS; i++) {
        tt_err e = next_entries(c, &le, CONF_EVENT_MS);
        if (e != TT_OK) {
            WHY("LogEntries event %d did not come within 4 s (%s)", i + 1, tt_err_name(e));
            res = CONF_FAIL;
        } else if (!continuous(&le, &last)) {
            WHY("entries not consecutive: after seq %u came %u (dropped %u), %u entries",
                (unsigned)last, (unsigned)le.entries[0].seq, (unsigned)le.dropped,
                (unsigned)le.entries_count);
            res = CONF_FAIL;
        } else if (!texts_ok(&le, why, whylen)) {
            res = CONF_FAIL;
        } else if (i == 0 && le.entries[0].seq - le.dropped < 1) {
            WHY("first entry seq %u with dropped %u: numbering starts at 1",
                (unsigned)le.entries[0].seq, (unsigned)le.dropped);
            res = CONF_FAIL;
        }
    }
    sess_close(&A);
    return res;
}

/* Subscribing again at an entry already received moves the cursor back to it. */
CASE(resubscribe_moves_cursor)
{
    static tether_v1_LogEntries le;
    if (!has_log(c, why, whylen))
        return CONF_NA;
    if (sess_open(c, &A, TT_PERM_LOG, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    enum conf_result res = subscribe(c, 0, why, whylen);
    uint32_t want = 0;
    if (res == CONF_PASS && next_entries(c, &le, CONF_EVENT_MS) != TT_OK) {
        WHY("no LogEntries within 4 s");
        res = CONF_FAIL;
    }
    if (res == CONF_PASS) {
        want = le.entries[le.entries_count - 1].seq;
        res = subscribe(c, want, why, whylen);
    }
    if (res == CONF_PASS) {
        /* Events sent before the Ack continue from the old cursor; the first one from the
         * new cursor must start at want (or count what was overwritten since). */
        tt_err e;
        int found = 0;
        uint64_t end = tt_client_now_ms() + CONF_EVENT_MS;
        while (!found && tt_client_now_ms() < end &&
               (e = next_entries(c, &le, (int)(end - tt_client_now_ms()) + 1)) == TT_OK)
            found = le.entries[0].seq - le.dropped == want;
        if (!found) {
            WHY("after subscribing from %u no LogEntries started there within 4 s",
                (unsigned)want);
            res = CONF_FAIL;
        }
    }
    sess_close(&A);
    return res;
}

/* from_seq 1: the first entry since boot, held or already overwritten: the first event
 * starts there, counting what is gone in dropped. */
CASE(from_first_entry)
{
    static tether_v1_LogEntries le;
    if (!has_log(c, why, whylen))
        return CONF_NA;
    if (sess_open(c, &A, TT_PERM_LOG, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    enum conf_result res = subscribe(c, 1, why, whylen);
    if (res == CONF_PASS) {
        tt_err e = next_entries(c, &le, CONF_EVENT_MS);
        if (e != TT_OK || le.entries[0].seq - le.dropped != 1) {
            WHY("from_seq 1: first entries start at %u with dropped %u (%s)",
                (unsigned)le.entries[0].seq, (unsigned)le.dropped, tt_err_name(e));
            res = CONF_FAIL;
        }
    }
    sess_close(&A);
    return res;
}

CASE(unsubscribe_stops)
{
    static tether_v1_LogEntries le;
    if (!has_log(c, why, whylen))
        return CONF_NA;
    if (sess_open(c, &A, TT_PERM_LOG, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    msg(&q, tether_v1_Message_log_unsubscribe_tag); /* not subscribed: Ack all the same */
    enum conf_result res = sess_expect(c, &A, &q, TT_OK, -1, why, whylen);
    if (res == CONF_PASS)
        res = subscribe(c, 0, why, whylen);
    if (res == CONF_PASS && next_entries(c, &le, CONF_EVENT_MS) != TT_OK) {
        WHY("no LogEntries within 4 s of subscribing");
        res = CONF_FAIL;
    }
    msg(&q, tether_v1_Message_log_unsubscribe_tag);
    if (res == CONF_PASS)
        res = sess_expect(c, &A, &q, TT_OK, -1, why, whylen);
    if (res == CONF_PASS) {
        if (tt_client_pump(&A.cl, 200) != TT_OK) /* events sent before the Ack */
            res = CONF_FAIL;
        A.cl.ev_count = 0;
        if (next_entries(c, &le, 1500) == TT_OK) {
            WHY("LogEntries (seq %u) arrived after LogUnsubscribe was acknowledged",
                (unsigned)le.entries[0].seq);
            res = CONF_FAIL;
        }
    }
    sess_close(&A);
    return res;
}

CASE(subscribe_no_permission)
{
    static tether_v1_LogEntries le;
    if (!has_log(c, why, whylen))
        return CONF_NA;
    if (sess_open(c, &A, TT_PERM_ALL & ~TT_PERM_LOG, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    msg(&q, tether_v1_Message_log_subscribe_tag);
    enum conf_result res = sess_expect(c, &A, &q, TT_ERR_PERMISSION, -1, why, whylen);
    if (res == CONF_PASS && next_entries(c, &le, 1500) == TT_OK) {
        WHY("LogEntries sent to a session without LOG");
        res = CONF_FAIL;
    }
    sess_close(&A);
    return res;
}

const struct conf_case conf_log_cases[] = {
    {"[LOG-001] [LOG-010] [LOG-011] [LOG-012] [LOG-003]", "subscribed: LogEntries events, ascending and consecutive with drops counted, texts of at most 120 bytes of UTF-8", stream_in_order},
    {"[LOG-010]", "subscribing again from an entry received moves the cursor back", resubscribe_moves_cursor},
    {"[LOG-013] [LOG-012] [LOG-001]", "subscribing from entry 1 counts the overwritten entries in dropped", from_first_entry},
    {"[LOG-014]", "LogUnsubscribe: Ack (also unsubscribed), and no entries after it", unsubscribe_stops},
    {"[GRT-040] [GRT-041]", "LogSubscribe without LOG: permission, and no entries", subscribe_no_permission},
};
const size_t conf_log_ncases = sizeof conf_log_cases / sizeof conf_log_cases[0];
