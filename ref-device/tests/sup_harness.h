/* sup_harness.h — drives the supervisor core on the host port with real clients.
 *
 * The device: the host port (records in memory, keys set here) with its app double, the
 * supervisor core, core/target, all turned by tt_loop_once. The clients: ref-client's
 * session driver (tt_client, libsodium backend) over an in-process transport. The device's
 * single link carries every client's packets; the harness frames what clients send into the
 * link and routes what the device sends back to the client whose session id it names, so
 * several clients can hold sessions at once. Packets that name no client land in a raw
 * queue for tests that speak packets directly. Host only; test code. */
#ifndef TT_SUP_HARNESS_H
#define TT_SUP_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include "../../ref-client/conn/client.h"
#include "../core/supervisor/supervisor.h"
#include "../port/host/app_double.h"
#include "../port/host/host.h"

#define H_DEVICE_CODE(off) (TT_DOUBLE_CODE_BASE + (off))

/* The device under test. */
extern struct tt_sup h_sup;
extern struct tt_target h_target;
extern struct tt_sup_identity h_identity;
extern struct tt_sup_ota h_ota; /* the OTA service runs when h_keys has a firmware key */
extern struct tt_port_keys h_keys;
extern uint8_t h_device_pub[32];
extern uint8_t h_owner_priv[32], h_owner_pub[TT_P256_PUB_LEN];
extern uint8_t h_attest_pub[TT_P256_PUB_LEN];

/* A client identity: Noise static key pair and its last timestamp ([HS-024]). */
struct h_id {
    uint8_t sk[32], pk[32];
    uint64_t ts;
};

/* One client: the driver and its transport. */
struct h_client {
    struct tt_client c;
    struct tt_transport t;
    uint8_t q[16][TT_PKT_MAX_LEN];
    size_t qlen[16];
    unsigned head, count;
};

struct h_grant_opts {
    uint32_t permissions;  /* used as is (0 = none) */
    const uint8_t *client_key; /* NULL: the id's */
    int other_device;
    int bad_signature;
    uint64_t serial;
    uint64_t not_before, not_after; /* 0: 1 and 4000000000 */
};

/* The app double's programs (offsets from the code base):
 *   0x100 main: movs r0,#0; L: nop; bl func; adds r0,#1; b L      (bl at 0x104, adds 0x108)
 *   0x200 func: nop; nop; bx lr
 *   0x300 count: movs r0,#0; L: adds r0,#1; cmp r0,#5; bne L; nop; b .
 *   0x600 fault: nop; udf */
#define H_MAIN 0x100u
#define H_FUNC 0x200u
#define H_COUNT 0x300u
#define H_FAULT 0x600u
#define H_RAM_TOP (TT_DOUBLE_RAM_BASE + TT_DOUBLE_RAM_SIZE)

/* Fresh device: records erased, keys provisioned, app double loaded and running from its
 * reset vector (main), supervisor started. */
void h_boot(void);
/* Reboot: a new supervisor context over the same persisted records ([HS-021]). */
void h_reboot(void);
void h_id_new(struct h_id *id);
void h_grant(const struct h_id *id, const struct h_grant_opts *o, tether_v1_SignedGrant *g);
void h_hello(struct h_id *id, const tether_v1_SignedGrant *g, tether_v1_ClientHello *h);
/* Handshake with a ClientHello; returns what tt_client_connect returns. */
tt_err h_connect_hello(struct h_client *cl, const struct h_id *id, const tether_v1_ClientHello *h);
/* Handshake with a valid grant of the given permissions and the next timestamp. */
tt_err h_connect(struct h_client *cl, struct h_id *id, uint32_t perms);
/* One request; returns the reply's Error code (TT_OK for a non-Error reply). */
tt_err h_call(struct h_client *cl, tether_v1_Message *req, tether_v1_Message *rep);
/* The next event (request_id 0) within timeout_ms. */
tt_err h_event(struct h_client *cl, tether_v1_Message *ev, int timeout_ms);
/* Sends raw message bytes (any request_id) as one DATA message on cl's session. */
void h_send_raw(struct h_client *cl, const uint8_t *msg, size_t len);
/* Turns of the device loop. */
void h_run(unsigned turns);
/* Feeds a packet (framed here) to the device's link. */
void h_feed_packet(const uint8_t *pkt, size_t len);
/* Feeds raw link bytes. */
void h_feed_bytes(const uint8_t *b, size_t len);
/* Next packet the device sent that named no client; 0 when none. */
size_t h_raw_packet(uint8_t *out, size_t cap);
/* Drops the client's transport registration (its session is simply forgotten). */
void h_forget(struct h_client *cl);

#endif
