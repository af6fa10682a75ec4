/* conform.h — the device conformance suite (spec/conformance.md, [CNF-021]): plays the
 * client against a device under test through the client's transports and checks the
 * requirements a black box can show. Every case names the IDs it checks ([CNF-020]).
 *
 * What the suite needs from the vendor: the device record (device id, static public key,
 * attestation public key, link address) and a test owner key pair whose public key is
 * provisioned in the device; the suite makes its own client keys and mints its own grants.
 * For the OTA cases, the firmware private key the device trusts (and, to install, an app
 * image that runs on it); without them those cases are N/A.
 * Everything else (the app's code and RAM addresses) it learns from the device itself: a
 * stop reports the app's pc and sp. Host only. */
#ifndef TETHER_CONFORM_H
#define TETHER_CONFORM_H

#include <stddef.h>
#include <stdint.h>

#include "../../ref-client/conn/client.h"
#include "../../ref-client/conn/keyfile.h"
#include "../../ref-client/conn/link.h"
#include "../../ref-client/conn/transport.h"

#define CONF_TRACE_MAX 3072u

struct conf {
    struct tt_device_record rec;
    uint8_t attest_pub[65];
    int has_attest_pub;
    const char *link;        /* tcp:HOST:PORT or mqtt://HOST:PORT, as `tether` takes it */
    const char *credentials; /* broker credentials file of an mqtt:// link, "" if none */
    int byte_stream;         /* the link carries frames (1) or one packet per message (0) */
    uint8_t owner_sk[32];
    uint8_t firmware_sk[32]; /* --firmware: signs the OTA cases' manifests */
    int has_firmware;
    const uint8_t *ota_image; /* --ota-image: an app image that runs on the device */
    size_t ota_image_len;
    uint8_t client_sk[32], client_pk[32];
    uint64_t last_timestamp; /* strictly increasing over every initiation we send */
    uint64_t serial;         /* serial of the grants we mint (above any floor we raised) */
    int has_clock;           /* the conformance statement says the device has a wall clock */
    uint32_t capabilities;   /* from the first DeviceHello */
    tether_v1_Limits limits;
    /* What was sent and received in the current case, for failure reports. */
    char trace[CONF_TRACE_MAX];
    size_t trace_len;
};

enum conf_result { CONF_PASS, CONF_FAIL, CONF_NA };

struct conf_case {
    const char *ids;   /* e.g. "[HS-012] [GRT-013]" */
    const char *title;
    enum conf_result (*run)(struct conf *c, char *why, size_t whylen);
};

/* One service or layer's cases: its name in reports and the table. */
struct conf_group {
    const char *name;
    const struct conf_case *cases;
    const size_t *ncases;
};

/* Grants the suite mints. Unset fields get sane values (valid now, this device, all
 * permissions, the suite's own client key). */
struct conf_grant {
    uint32_t permissions;   /* 0: all */
    int other_device;       /* scope: a device id that is not the DUT's */
    int other_client_key;   /* client_key: not ours */
    int expired;            /* not_after in the past */
    int bad_signature;      /* flip a bit of the signature */
    uint64_t serial;        /* 0: c->serial */
    uint32_t format;        /* 0: 1 */
};

tt_err conf_mint(struct conf *c, const struct conf_grant *g, tether_v1_SignedGrant *out);
void conf_hello(struct conf *c, tether_v1_ClientHello *h, const tether_v1_SignedGrant *g);

/* The one way every case reaches the device: a new connection on the suite's link
 * (tt_link_open: the same addresses and broker credentials as `tether`). */
TT_MUST_CHECK tt_err conf_link_open(struct conf *c, struct tt_link *l);
/* Sends one packet as the link carries it: a frame on a byte stream, the packet as one
 * message on a message transport ([MTB-001]). */
TT_MUST_CHECK tt_err conf_send_packet(struct tt_transport *t, const uint8_t *pkt, size_t n);
/* CONF_NA with the reason when the link is a message transport: for the cases about frames
 * and byte streams ([FRM-*]), which a message transport does not have. */
enum conf_result conf_needs_byte_stream(struct conf *c, char *why, size_t whylen);

/* A complete handshake with hello on a fresh connection; returns what tt_client_connect
 * returns (a refusal is its error code). link and cl are the caller's. */
tt_err conf_connect(struct conf *c, struct tt_link *link, struct tt_client *cl,
                    const tether_v1_ClientHello *hello);
/* The same with extra bytes after the encoded ClientHello in the initiation's payload. */
tt_err conf_connect_extra(struct conf *c, struct tt_link *link, struct tt_client *cl,
                          const tether_v1_ClientHello *hello, const uint8_t *extra, size_t n);
/* Connect with a valid grant with the given permissions (0: all). */
tt_err conf_session(struct conf *c, struct tt_link *link, struct tt_client *cl, uint32_t perms);

/* Ends a session politely: Close ([CTL-020]), then the connection. Sessions left open hold
 * device slots that only their own key can take over ([HS-041]). */
void conf_end(struct tt_client *cl);

/* Cases that need a second client key (or a key with no other session) switch to a fresh
 * one and back. */
struct conf_key {
    uint8_t sk[32], pk[32];
};
void conf_new_key(struct conf *c, struct conf_key *saved);
void conf_restore_key(struct conf *c, const struct conf_key *saved);

/* Appends a line to the case's trace (shown with a failure). */
void conf_trace(struct conf *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "ping", "error(dbg-access, detail 1)"... for traces. */
void conf_describe(const tether_v1_Message *m, char *out, size_t cap);

extern const struct conf_group conf_groups[];
extern const size_t conf_ngroups;

#endif
