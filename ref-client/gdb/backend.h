/* backend.h — the RSP engine's backend over a Tether session: each backend call becomes one
 * debug-service request (spec/services/debug.md), and the device's StopEvents become RSP
 * stops. Host only. Depends on ../rsp/rsp.h and ../conn/client.h. */
#ifndef TETHER_GDB_BACKEND_H
#define TETHER_GDB_BACKEND_H

#include <stdbool.h>

#include "../conn/client.h"
#include "../rsp/rsp.h"

struct tt_gdb_backend {
    struct tt_client *client;
    int timeout_ms;
    /* A stop the device reported inside a backend call (the reply to Halt): handed to the
     * engine by the server loop after the call returns (the engine may not be re-entered). */
    bool stop_pending;
    tether_v1_StopEvent stop;
    tt_err last_error; /* the device's answer to the last failed call, for messages */
    unsigned round_trips_base; /* the client's count when this GDB session began */
    /* One call at a time: the request, its reply and a drained event live here (1.2 KB
     * each), not on the stack and not at file scope. */
    tether_v1_Message req, rep, ev;
};

/* The function table for tt_rsp_init; ctx is the struct tt_gdb_backend. */
void tt_gdb_backend_table(struct tt_gdb_backend *b, struct tt_rsp_backend *out);

/* The engine's watchpoint limits from the device's hello: without CAP_WATCHPOINTS none
 * (GDB then gets the empty reply to Z2/Z3/Z4 and watches in software); with it the kinds,
 * count and length of Limits. */
void tt_gdb_watch_limits(const tether_v1_DeviceHello *h, struct tt_rsp *rsp);

/* StopEvent → the engine's stop description (stack points into ev). */
void tt_gdb_stop_from_event(const tether_v1_StopEvent *ev, struct tt_rsp_stop *out);

/* Attach and make sure the app is halted (GDB expects a stopped target on connect); the
 * current stop is left in b->stop with stop_pending set. */
TT_MUST_CHECK tt_err tt_gdb_attach(struct tt_gdb_backend *b);

/* Hands the engine what the device reported since the last call: the stop of a Halt reply
 * (stop_pending), then the queued events (StopEvents become tt_rsp_stopped; other events
 * are dropped here). Called by the server loop after each engine input and pump, never from
 * inside a backend call (the engine may not be re-entered). */
TT_MUST_CHECK tt_err tt_gdb_drain_events(struct tt_gdb_backend *b, struct tt_rsp *rsp);

#endif
