/* internal.h — how the supervisor core's files call each other (not for ports or mains).
 *
 * link.c moves framed packets; handshake_policy.c judges initiations; session_table.c owns
 * the slots; replay_table.c the persisted timestamps; dispatch.c turns records into requests
 * for the services in core/service/. Depends on supervisor.h. */
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
/* A delivered message of session i. */
void sup_on_message(struct tt_sup *s, int i, const uint8_t *msg, size_t len);
/* Encodes s->rep (request_id set by the caller) and sends it on session i. */
TT_MUST_CHECK tt_err sup_send(struct tt_sup *s, int i, const tether_v1_Message *m);
/* sup_send for replies and events that have nowhere to report a failure (the window had
 * room, [REL-013]; an encoding failure is a bug): counted in s->send_failures. */
void sup_reply(struct tt_sup *s, int i, const tether_v1_Message *m);
/* Sends Error{code, detail} with request_id rid on session i. */
void sup_send_error(struct tt_sup *s, int i, uint32_t rid, tt_err code, uint32_t detail);
/* True when session i can take one more message now ([REL-018]: events wait otherwise). */
int sup_can_send(const struct tt_sup *s, int i);

/* ---- core/service/: each handler answers s->req on session i, sends exactly one reply,
 * and returns nothing (errors go out as Error replies). ---- */
void svc_control(struct tt_sup *s, int i);
void svc_debug(struct tt_sup *s, int i);
void svc_log(struct tt_sup *s, int i);
void svc_attest(struct tt_sup *s, int i);
/* Service state of session i released when it ends. */
void svc_debug_session_end(struct tt_sup *s, int i);
/* Per-turn work: stop events of the target, log entries to subscribers. */
void svc_debug_poll(struct tt_sup *s);
void svc_log_poll(struct tt_sup *s);
/* Fills DeviceHello/Capabilities common fields. */
uint32_t svc_capabilities(const struct tt_sup *s);
void svc_limits(const struct tt_sup *s, tether_v1_Limits *l);
/* ---- ota.c ---- */
void svc_ota(struct tt_sup *s, int i);
/* At start-up, after the store is readable: the engine adopts its record and chooses the
 * image to run (loaded through the port, no target yet). TT_OK also without a firmware key
 * (no OTA service) and with an unreadable OTA record (then no app runs and the service
 * answers TT_ERR_STORAGE, [NVS-012]: the supervisor itself still serves). */
TT_MUST_CHECK tt_err svc_ota_boot(struct tt_sup *s);
void svc_ota_poll(struct tt_sup *s);
/* An OtaBegin that failed to decode inside its body (a SignedManifest over its limits,
 * [LIM-003]): PERMISSION without the OTA permission ([GRT-040]), MSG_UNSUPPORTED without the
 * service, else Error{OTA_MANIFEST, check 1} ([OTA-010]). */
void svc_ota_undecodable_begin(struct tt_sup *s, int i, uint32_t rid);
void svc_ota_session_end(struct tt_sup *s, int i);
/* The app's requests of this turn (NSC confirm, reboot). */
void svc_ota_app_requests(struct tt_sup *s, uint32_t req);
/* Loads the image the engine now runs if it changed (t NULL: at boot, not started). */
void svc_ota_apply(struct tt_sup *s, struct tt_target *t);
uint32_t svc_ota_capabilities(const struct tt_sup *s);
uint32_t svc_ota_security_counter(const struct tt_sup *s);

#endif
