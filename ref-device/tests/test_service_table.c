/* test_service_table.c — the shape of the supervisor's services (core/supervisor/
 * service_table.c, dispatch.c, outbox.c): every route of the table, driven through the real
 * link and session, gets exactly one reply carrying its request_id ([MSG-011]) — for a
 * request that is well formed, one from a session without the permission ([GRT-040]) and
 * one whose body does not decode ([MSG-015]) — and a stream message (OtaChunk) gets none,
 * at most one Error event. After every request the outbox is empty and no session is still
 * marked as being answered. The outbox itself: events queue behind the reply a handler
 * owes, drain in order, and a handler cannot send on its own.
 *
 * Host only: the harness of sup_harness.c (host port, app double, ref-client's driver),
 * with a firmware key provisioned so the OTA service runs. */
#include <check.h>
#include <sodium.h>
#include <string.h>

#include "../core/supervisor/internal.h"
#include "sup_harness.h"
#include "tether/p256.h"

static struct h_id alice, bob;
static struct h_client ca, cb;
static tether_v1_Message rep;

static tt_err rnd(void *ctx, uint8_t *b, size_t n)
{
    (void)ctx;
    randombytes_buf(b, n);
    return TT_OK;
}

/* A device with the OTA service (a firmware key), alice holding every permission and bob
 * none. */
static void setup(void)
{
    uint8_t fw_priv[32];
    h_boot();
    ck_assert_int_eq(tt_p256_keygen(fw_priv, h_keys.firmware_public, rnd, NULL), TT_OK);
    tt_host_set_keys(&h_keys);
    h_reboot();
    ck_assert_uint_ne(sup_capabilities(&h_sup) & tether_v1_Capability_CAP_OTA, 0);
    h_id_new(&alice);
    h_id_new(&bob);
    ck_assert_int_eq(h_connect(&ca, &alice, TT_PERM_ALL), TT_OK);
    ck_assert_int_eq(h_connect(&cb, &bob, 0), TT_OK);
}

static void teardown(void) {}

/* Nothing is left behind a request: the queue drained, no reply owed. */
static void assert_outbox_idle(void)
{
    for (unsigned k = 0; k < TT_SUP_OUTBOX; k++)
        ck_assert_uint_eq(h_sup.outbox[k].tag, 0);
    for (unsigned k = 0; k < TT_SUP_SESSIONS; k++)
        ck_assert_uint_eq(h_sup.slot[k].answering, 0);
}

/* Turns until the device and the client have nothing more to say to each other. */
static void settle(struct h_client *cl)
{
    for (unsigned k = 0; k < 8; k++) {
        h_run(2);
        ck_assert_int_eq(tt_client_pump(&cl->c, 0), TT_OK);
    }
}

/* Events the client holds (all request_id 0), forgotten. Returns how many. */
static unsigned take_events(struct h_client *cl, unsigned *errors)
{
    unsigned n = cl->c.ev_count + cl->c.ev_dropped;
    for (unsigned k = 0; k < cl->c.ev_count; k++) {
        const tether_v1_Message *m = &cl->c.events[(cl->c.ev_head + k) % TT_CLIENT_EVENTS];
        ck_assert_uint_eq(m->request_id, 0);
        if (errors != NULL)
            *errors += m->which_body == tether_v1_Message_error_tag;
    }
    cl->c.ev_head = cl->c.ev_count = cl->c.ev_dropped = 0;
    return n;
}

/* Sends the message bytes b (request_id rid, or 0 for a stream message) and counts what came
 * back. A request: exactly one message with a request_id, and it is rid's reply (returned
 * in rep). A stream message: no message with a request_id, at most one Error event. */
static unsigned exchange(struct h_client *cl, const uint8_t *b, size_t n, uint32_t rid, int stream)
{
    unsigned errors = 0;
    settle(cl);
    (void)take_events(cl, NULL);
    uint32_t before = cl->c.delivered;
    memset(&rep, 0, sizeof rep);
    if (stream) {
        h_send_raw(cl, b, n);
    } else {
        ck_assert_int_eq(tt_client_call_raw(&cl->c, b, n, rid, &rep, 3000), TT_OK);
        ck_assert_uint_eq(rep.request_id, rid);
    }
    settle(cl);
    unsigned events = take_events(cl, &errors);
    uint32_t with_id = cl->c.delivered - before - events; /* every message is one or the other */
    ck_assert_uint_eq(with_id, stream ? 0u : 1u);
    if (stream)
        ck_assert_uint_le(errors, 1);
    assert_outbox_idle();
    return errors;
}

static size_t encode(pb_size_t tag, uint32_t rid, uint8_t *b, size_t cap)
{
    static tether_v1_Message m;
    size_t n;
    memset(&m, 0, sizeof m);
    m.request_id = rid;
    m.which_body = tag; /* the body's defaults: well formed, valid or refused by its service */
    ck_assert_int_eq(tt_msg_encode(&m, b, cap, &n), TT_OK);
    return n;
}

/* request_id, then body `tag` holding bytes that do not decode (a truncated field key). */
static size_t encode_broken(pb_size_t tag, uint32_t rid, uint8_t *b)
{
    size_t n = 0;
    b[n++] = 0x08; /* request_id, varint */
    for (uint32_t v = rid;; v >>= 7) {
        b[n++] = (uint8_t)(v > 0x7F ? (v & 0x7F) | 0x80 : v);
        if (v <= 0x7F)
            break;
    }
    for (uint32_t v = (uint32_t)tag << 3 | 2u;; v >>= 7) { /* body, length-delimited */
        b[n++] = (uint8_t)(v > 0x7F ? (v & 0x7F) | 0x80 : v);
        if (v <= 0x7F)
            break;
    }
    b[n++] = 2;
    b[n++] = 0xFF;
    b[n++] = 0xFF;
    return n;
}

static int is_close(const struct tt_sup_route *r)
{
    return r->tag == tether_v1_Message_close_tag;
}

START_TEST(every_route_answered_exactly_once)
{
    uint8_t b[TT_MESSAGE_MAX_LEN];
    uint32_t rid = 100;
    unsigned routes = 0, streams = 0;
    for (size_t k = 0; k < sup_nservices; k++) {
        for (size_t r = 0; r < sup_services[k]->nroutes; r++) {
            const struct tt_sup_route *route = &sup_services[k]->routes[r];
            int stream = (route->flags & TT_SUP_ROUTE_STREAM) != 0;
            uint32_t id = stream ? 0 : ++rid;
            routes++;
            streams += (unsigned)stream;
            /* Well formed, from a session with every permission. */
            exchange(&ca, b, encode(route->tag, id, b, sizeof b), id, stream);
            if (is_close(route)) { /* [CTL-020]: Ack, then the session is over */
                ck_assert_uint_eq(rep.which_body, tether_v1_Message_ack_tag);
                ck_assert_int_eq(h_connect(&ca, &alice, TT_PERM_ALL), TT_OK);
            }
            /* From a session without the permission: refused before the service runs. */
            id = stream ? 0 : ++rid;
            exchange(&cb, b, encode(route->tag, id, b, sizeof b), id, stream);
            if (route->perm != 0 && !stream) {
                ck_assert_uint_eq(rep.which_body, tether_v1_Message_error_tag);
                ck_assert_uint_eq(rep.body.error.code, TT_ERR_PERMISSION);
            }
            if (is_close(route))
                ck_assert_int_eq(h_connect(&cb, &bob, 0), TT_OK);
            /* A body that does not decode: an Error with the request_id still readable
             * ([MSG-015]); a stream message's is an Error event. */
            id = ++rid;
            unsigned errors = exchange(&ca, b, encode_broken(route->tag, id, b), id, stream);
            if (stream) {
                ck_assert_uint_eq(errors, 1);
                continue;
            }
            ck_assert_uint_eq(rep.which_body, tether_v1_Message_error_tag);
            ck_assert_uint_eq(rep.body.error.code, route->flags & TT_SUP_ROUTE_UNDECODABLE
                                                       ? TT_ERR_OTA_MANIFEST
                                                       : TT_ERR_MSG_DECODE);
        }
    }
    ck_assert_uint_ge(routes, 28); /* control 4, debug 13, log 2, attest 1, OTA 8 */
    ck_assert_uint_eq(streams, 1); /* OtaChunk */
    ck_assert_uint_eq(h_sup.send_failures, 0);
}
END_TEST

/* Every body a client may send is routed by exactly one row. */
START_TEST(routes_are_unique)
{
    for (size_t k = 0; k < sup_nservices; k++)
        for (size_t r = 0; r < sup_services[k]->nroutes; r++) {
            const struct tt_sup_route *found = NULL;
            pb_size_t tag = sup_services[k]->routes[r].tag;
            ck_assert_ptr_eq(sup_route(tag, &found), sup_services[k]);
            ck_assert_ptr_eq(found, &sup_services[k]->routes[r]);
            ck_assert_ptr_nonnull(found->handle);
        }
    const struct tt_sup_route *none = NULL;
    ck_assert_ptr_null(sup_route(tether_v1_Message_pong_tag, &none)); /* device-to-client */
    ck_assert_ptr_null(sup_route(tether_v1_Message_ota_chunk_ack_tag, &none));
}
END_TEST

START_TEST(outbox_queues_behind_the_owed_reply)
{
    int i = -1;
    for (unsigned k = 0; k < TT_SUP_SESSIONS; k++)
        if (sup_slot_live(&h_sup.slot[k]) && h_sup.slot[k].permissions == TT_PERM_ALL)
            i = (int)k;
    ck_assert_int_ge(i, 0);
    settle(&ca);
    (void)take_events(&ca, NULL);
    /* A handler runs: sending is refused, posting counts the reply it owes. */
    h_sup.slot[i].answering = 1;
    tether_v1_Message m = tether_v1_Message_init_zero;
    m.which_body = tether_v1_Message_log_entries_tag;
    ck_assert_int_eq(sup_event_send(&h_sup, i, &m), TT_ERR_STATE);
    ck_assert_int_eq(sup_event_post(&h_sup, i, tether_v1_Message_pong_tag, 1, 2), TT_ERR_ARG);
    ck_assert_int_eq(sup_event_post(&h_sup, i, tether_v1_Message_ota_chunk_ack_tag, 4096, 5),
                     TT_OK);
    ck_assert_uint_eq(h_sup.outbox[0].tag, tether_v1_Message_ota_chunk_ack_tag);
    /* Full: the poster keeps it owed (an OtaChunkAck stays ack_owed). */
    ck_assert_int_eq(sup_event_post(&h_sup, i, tether_v1_Message_error_tag, 1, 2), TT_ERR_NO_SPACE);
    h_sup.slot[i].answering = 0;
    sup_outbox_drain(&h_sup);
    assert_outbox_idle();
    settle(&ca);
    ck_assert_uint_eq(ca.c.ev_count, 1);
    const tether_v1_Message *ev = &ca.c.events[ca.c.ev_head];
    ck_assert_uint_eq(ev->request_id, 0);
    ck_assert_uint_eq(ev->which_body, tether_v1_Message_ota_chunk_ack_tag);
    ck_assert_uint_eq(ev->body.ota_chunk_ack.cumulative_offset, 4096);
    ck_assert_uint_eq(ev->body.ota_chunk_ack.selective_bitmap, 5);
    (void)take_events(&ca, NULL);
    /* No handler running: an event goes out at once. */
    ck_assert_int_eq(sup_event_send(&h_sup, i, &m), TT_OK);
    settle(&ca);
    ck_assert_uint_eq(take_events(&ca, NULL), 1);
}
END_TEST

/* The window's last free slot belongs to the reply a handler owes, not to an event. */
START_TEST(outbox_room_counts_the_owed_reply)
{
    int i = -1;
    for (unsigned k = 0; k < TT_SUP_SESSIONS; k++)
        if (sup_slot_live(&h_sup.slot[k]) && h_sup.slot[k].permissions == TT_PERM_ALL)
            i = (int)k;
    ck_assert_int_ge(i, 0);
    struct tt_rel *rel = &h_sup.slot[i].s.rel;
    ck_assert_uint_eq(tt_rel_unacked(rel), 0);
    /* Fill all but one slot of the device's window with events the client has not acked. */
    tether_v1_Message m = tether_v1_Message_init_zero;
    m.which_body = tether_v1_Message_log_entries_tag;
    for (size_t k = 0; k + 1 < rel->nslots; k++)
        ck_assert_int_eq(sup_event_send(&h_sup, i, &m), TT_OK);
    ck_assert_int_eq(sup_event_room(&h_sup, i), 1);
    h_sup.slot[i].answering = 1;
    ck_assert_int_eq(sup_event_room(&h_sup, i), 0);
    ck_assert_int_eq(sup_event_post(&h_sup, i, tether_v1_Message_ota_chunk_ack_tag, 0, 0),
                     TT_ERR_NO_SPACE);
    h_sup.slot[i].answering = 0;
    assert_outbox_idle();
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("service_table");
    TCase *t = tcase_create("table");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_set_timeout(t, 120);
    tcase_add_test(t, every_route_answered_exactly_once);
    tcase_add_test(t, routes_are_unique);
    tcase_add_test(t, outbox_queues_behind_the_owed_reply);
    tcase_add_test(t, outbox_room_counts_the_owed_reply);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    SRunner *r = srunner_create(suite());
    srunner_run_all(r, CK_ENV);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed == 0 ? 0 : 1;
}
