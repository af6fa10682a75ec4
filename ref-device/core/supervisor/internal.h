/* internal.h — how the supervisor core's files call each other (not for ports or mains).
 *
 * link.c moves framed packets; handshake_policy.c judges initiations; session_table.c owns
 * the slots; replay_table.c the persisted timestamps; dispatch.c turns records into requests
 * for the services in core/service/, found in service_table.c's table, and sends the one
 * reply each handler's result describes; outbox.c is the one way events leave. Services
 * never send and never call the supervisor back: they return results and post events.
 * Depends on supervisor.h. */
#ifndef TT_SUP_INTERNAL_H
#define TT_SUP_INTERNAL_H

#include "supervisor.h"

/* ---- link.c ---- */
/* Link bytes in: every verified frame goes to sup_on_packet. */
void sup_link_input(struct tt_sup *s);
/* Frames pkt and queues it for the link; a packet that does not fit is dropped (the
 * reliability layer or the client's handshake retransmission resends it). */
void sup_link_send(struct tt_sup *s, const uint8_t *pkt, size_t len);
/* Moves queued bytes to the port's link. */
void sup_link_flush(struct tt_sup *s);

/* ---- supervisor.c ---- */
void sup_on_packet(struct tt_sup *s, const uint8_t *pkt, size_t len);

/* ---- handshake_policy.c ---- */
void sup_on_initiation(struct tt_sup *s, const uint8_t *pkt, size_t len);

/* ---- session_table.c ---- */
/* The established session whose local id is id, or -1. */
int sup_slot_find(const struct tt_sup *s, uint32_t id);
int sup_slot_live(const struct tt_sup_slot *sl);
/* A free slot, or the one [HS-041] lets us evict for client key `key`, or -1 (busy). */
int sup_slot_choose(const struct tt_sup *s, const uint8_t key[TT_X25519_LEN]);
/* [HS-060]: session i, idle for TT_SESSION_IDLE_MS, ends (Close event first) because another
 * session needs what it holds; 1 if it ended, 0 if it is active (or not live). */
int sup_slot_give_way(struct tt_sup *s, int i);
/* A random non-zero id used by no session ([HS-014]). */
TT_MUST_CHECK tt_err sup_session_id(struct tt_sup *s, uint32_t *id);
/* Ends session i ([HS-053]): optionally a Close event first, then service state released
 * ([DBG-060], [LOG-020]) and keys wiped. */
void sup_slot_end(struct tt_sup *s, int i, int send_close, uint32_t reason);
/* [GRT-022]: after session i's Ack of a raised floor, every session whose grant serial is
 * below it ends — the others with a Close event, session i last and without one. */
void sup_slots_end_revoked(struct tt_sup *s, int i);

/* ---- replay_table.c ([HS-020]..[HS-023]) ---- */
TT_MUST_CHECK tt_err sup_replay_load(struct tt_sup *s);
/* TT_OK when ts is above what the table holds for key (or its floor). */
TT_MUST_CHECK tt_err sup_replay_check(const struct tt_sup *s, const uint8_t key[TT_X25519_LEN],
                                      uint64_t ts);
/* Records ts for key and persists the table; on failure the table is as before. */
TT_MUST_CHECK tt_err sup_replay_commit(struct tt_sup *s, const uint8_t key[TT_X25519_LEN],
                                       uint64_t ts);

/* ---- nv_seed.c ([NVS-030]..[NVS-032]) ---- */
/* Rolls TT_REC_SEED forward, persists it, then has the port seed its generator from it and board entropy. */
TT_MUST_CHECK tt_err sup_seed_roll_and_init_rng(struct tt_sup *s);

/* ---- time_floor.c ([GRT-015], [NVS-040]) ---- */
/* Raises and persists the time floor to body's not_before if that is higher. */
TT_MUST_CHECK tt_err sup_time_floor_raise(struct tt_sup *s, const tether_v1_GrantBody *body);

/* ---- dispatch.c ---- */
/* A delivered message of session i: decoded, routed through the service table, answered
 * with exactly one reply built from the handler's result ([MSG-011]). */
void sup_on_message(struct tt_sup *s, int i, const uint8_t *msg, size_t len);

/* ---- outbox.c: the one way events (messages with no request) leave ---- */
/* Events that must follow the reply of the request being handled (OtaChunkAck, and the
 * like) wait in s->outbox and go out when dispatch.c drains it, right after that reply, or at
 * the end of the poll that posted them. Events built whole by a per-turn poll (StopEvent,
 * LogEntries) and the supervisor's Close go out at once through sup_event_send: no reply is
 * open then. Nothing here calls a service. */
/* True when session i's window has room for one more event after the reply still owed on
 * it and the events already queued for it ([REL-018]: events wait otherwise). */
int sup_event_room(const struct tt_sup *s, int i);
/* Queues the event {tag: a, b} for session i (tags: ota_chunk_ack {cumulative, bitmap},
 * error {code, detail}); TT_ERR_NO_SPACE when the queue or the window has no room. */
TT_MUST_CHECK tt_err sup_event_post(struct tt_sup *s, int i, pb_size_t tag, uint32_t a, uint32_t b);
/* Sends the event m (request_id 0) on session i now; TT_ERR_STATE while a handler runs (a
 * handler returns its result, it never sends). */
TT_MUST_CHECK tt_err sup_event_send(struct tt_sup *s, int i, const tether_v1_Message *m);
/* Sends every queued event, in order; one that cannot go is counted in s->send_failures. */
void sup_outbox_drain(struct tt_sup *s);
/* Encodes m and seals it on session i (dispatch.c's replies and outbox.c's events only). */
TT_MUST_CHECK tt_err sup_send(struct tt_sup *s, int i, const tether_v1_Message *m);

/* ---- service_table.c: the services and what the supervisor asks of each ---- */
/* What a handler hands back: dispatch.c turns it into the request's one reply. */
enum tt_sup_outcome {
    TT_SUP_SILENT = 0, /* nothing to answer: only for a stream message ([MSG-011]) */
    TT_SUP_REPLY,      /* s->rep holds the reply body; dispatch sets request_id and sends */
    TT_SUP_ERROR,      /* Error{code, detail} */
    TT_SUP_GIVE_WAY,   /* session `slot` holds what the request needs: if idle it ends
                        * ([HS-060]) and the request is handled again, else Error{code} */
};
/* What the supervisor does once the reply is sent. */
enum tt_sup_then {
    TT_SUP_THEN_NOTHING = 0,
    TT_SUP_THEN_END_SESSION, /* end the requester's session, no Close ([CTL-020]) */
    TT_SUP_THEN_REVOKED,     /* end every session below the revocation floor ([GRT-022]) */
};
struct tt_sup_result {
    uint8_t outcome; /* enum tt_sup_outcome */
    uint8_t then;    /* enum tt_sup_then */
    int8_t slot;     /* TT_SUP_GIVE_WAY: the holder */
    tt_err code;     /* TT_SUP_ERROR, TT_SUP_GIVE_WAY */
    uint32_t detail; /* TT_SUP_ERROR */
};
static inline struct tt_sup_result sup_reply_ready(void)
{
    struct tt_sup_result r = {TT_SUP_REPLY, TT_SUP_THEN_NOTHING, -1, TT_OK, 0};
    return r;
}
static inline struct tt_sup_result sup_error(tt_err code, uint32_t detail)
{
    struct tt_sup_result r = {TT_SUP_ERROR, TT_SUP_THEN_NOTHING, -1, code, detail};
    return r;
}
static inline struct tt_sup_result sup_silent(void)
{
    struct tt_sup_result r = {TT_SUP_SILENT, TT_SUP_THEN_NOTHING, -1, TT_OK, 0};
    return r;
}
/* s->rep zeroed with which_body = tag: the handler fills the body and returns
 * sup_reply_ready(). */
tether_v1_Message *sup_reply_body(struct tt_sup *s, pb_size_t tag);

#define TT_SUP_ROUTE_STREAM 1u      /* no reply; its problems are Error events ([CTL-012]) */
#define TT_SUP_ROUTE_UNDECODABLE 2u /* a body that does not decode goes to undecodable */

/* One request a service takes: its body tag, the permission it needs ([GRT-040]) and its
 * handler, which answers s->req on session i (permission checked) with its result. */
struct tt_sup_route {
    pb_size_t tag;
    uint8_t perm;  /* TT_PERM_* bits */
    uint8_t flags; /* TT_SUP_ROUTE_* */
    struct tt_sup_result (*handle)(struct tt_sup *s, int i);
};

/* One service: its routes and hooks (each may be NULL). */
struct tt_sup_service {
    const struct tt_sup_route *routes;
    size_t nroutes;
    /* A TT_SUP_ROUTE_UNDECODABLE route's body did not decode ([LIM-003]): s->req holds
     * nothing; the permission is checked. */
    struct tt_sup_result (*undecodable)(struct tt_sup *s, int i);
    /* Per-turn work (stop events, log entries, acks owed), after the link's input. */
    void (*poll)(struct tt_sup *s);
    /* Session i ends: its service state is released ([DBG-060], [LOG-020]). */
    void (*session_end)(struct tt_sup *s, int i);
    /* Its part of DeviceHello/Capabilities. */
    uint32_t (*capabilities)(const struct tt_sup *s);
    void (*limits)(const struct tt_sup *s, tether_v1_Limits *l);
    /* At start-up, after the persisted records are read. */
    TT_MUST_CHECK tt_err (*boot)(struct tt_sup *s);
    /* The app's requests of this turn (TT_APP_REQ_*). */
    void (*app_requests)(struct tt_sup *s, uint32_t req);
};

extern const struct tt_sup_service *const sup_services[];
extern const size_t sup_nservices;

/* The service and route for body tag, or NULL (device-to-client only or unknown). */
const struct tt_sup_service *sup_route(pb_size_t tag, const struct tt_sup_route **route);
uint32_t sup_capabilities(const struct tt_sup *s);
void sup_limits(const struct tt_sup *s, tether_v1_Limits *l);
TT_MUST_CHECK tt_err sup_services_boot(struct tt_sup *s);
/* Every service's poll, each followed by a drain of the outbox. */
void sup_services_poll(struct tt_sup *s);
void sup_services_session_end(struct tt_sup *s, int i);
void sup_services_app_requests(struct tt_sup *s, uint32_t req);

/* ---- core/service/: the rows of the table ---- */
extern const struct tt_sup_service svc_control_service;
extern const struct tt_sup_service svc_debug_service;
extern const struct tt_sup_service svc_log_service;
extern const struct tt_sup_service svc_attest_service;
extern const struct tt_sup_service svc_ota_service;
/* Loads the image the engine now runs if it changed (t NULL: at boot, not started). */
void svc_ota_apply(struct tt_sup *s, struct tt_target *t);
uint32_t svc_ota_security_counter(const struct tt_sup *s);

#endif
