/* cases.h — what the case files share: a session to work on, calls that trace what was
 * sent and received, and the checks most cases make (an Error with its code and detail;
 * state read back unchanged). Included by conformance/device/cases_*.c only. */
#ifndef TETHER_CONFORM_CASES_H
#define TETHER_CONFORM_CASES_H

#include <stdio.h>
#include <string.h>

#include "conform.h"
#include "tether/crypto_backends.h"

#define CONF_REPLY_MS 15000 /* how long a reply may take: no case passes by a deadline */
#define CONF_EVENT_MS 10000

#define WHY(...) snprintf(why, whylen, __VA_ARGS__)
#define CASE(name) static enum conf_result name(struct conf *c, char *why, size_t whylen)

/* A session the case opens and closes (the suite's own client key). */
struct sess {
    struct tt_client cl;
    struct tt_link link;
    int open;
};

/* Opens a session with the given permissions (0: all); CONF_FAIL with why set if the
 * handshake fails. */
enum conf_result sess_open(struct conf *c, struct sess *s, uint32_t perms, char *why,
                           size_t whylen);
/* The same with extra bytes after the ClientHello in the initiation's payload. */
enum conf_result sess_open_extra(struct conf *c, struct sess *s, uint32_t perms,
                                 const uint8_t *extra, size_t n, char *why, size_t whylen);
void sess_close(struct sess *s);
/* Closes the connection of the session that has the link (its session stays), so that a
 * case can make its own connection: the link takes one at a time. */
void sess_release_link(void);

/* One request (its request_id assigned) and its reply, both traced. Returns the code of an
 * Error reply, TT_OK for any other reply, or the driver's error (TT_ERR_TIMEOUT...). */
tt_err sess_call(struct conf *c, struct sess *s, tether_v1_Message *q, tether_v1_Message *r);
/* sess_call expecting an Error with `want` (and `detail` unless detail < 0): CONF_PASS, or
 * CONF_FAIL with why saying what came instead. */
enum conf_result sess_expect(struct conf *c, struct sess *s, tether_v1_Message *q, tt_err want,
                             long detail, char *why, size_t whylen);
/* The next event within ms (TT_ERR_TIMEOUT when none), traced. */
tt_err sess_event(struct conf *c, struct sess *s, tether_v1_Message *ev, int ms);
/* Sends encoded Message bytes as one record (pkt gets the packet sent, for a replay);
 * waits up to ms for replies with request_id rid and returns how many came. */
int sess_raw(struct conf *c, struct sess *s, const uint8_t *body, size_t len, uint32_t rid,
             tether_v1_Message *r, int ms, uint8_t *pkt, size_t *pktlen);
/* Sends a packet again as it was (a replay on the link) and counts replies to rid. */
int sess_resend(struct conf *c, struct sess *s, const uint8_t *pkt, size_t n, uint32_t rid,
                tether_v1_Message *r, int ms);
/* Replies to rid: ms >= 0 expects some, waiting up to CONF_REPLY_MS for the first (a slow
 * device, e.g. an emulator on a loaded host) and ms more for copies; ms < 0 expects none
 * and counts for -ms. sess_raw and sess_resend take ms the same way (sess_resend with 0
 * does not wait: more packets follow). */
int sess_wait(struct sess *s, uint32_t rid, tether_v1_Message *r, int ms);

/* A zeroed request of the given body. */
void msg(tether_v1_Message *m, pb_size_t which);

#endif
