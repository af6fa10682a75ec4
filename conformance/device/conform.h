/* conform.h — the device conformance suite (spec/conformance.md, [CNF-021]): plays the
 * client against a device under test through its byte-stream binding and checks the
 * requirements a black box can show. Every case names the IDs it checks.
 *
 * What the suite needs from the vendor: the device record (device id, static public key,
 * link address) and a test owner key pair whose public key is provisioned in the device;
 * the suite makes its own client keys and mints its own grants. Host only. */
#ifndef TETHER_CONFORM_H
#define TETHER_CONFORM_H

#include <stddef.h>
#include <stdint.h>

#include "../../ref-client/conn/client.h"
#include "../../ref-client/conn/keyfile.h"
#include "../../ref-client/conn/transport.h"

struct conf {
    struct tt_device_record rec;
    const char *link;
    uint8_t owner_sk[32];
    uint8_t client_sk[32], client_pk[32];
    uint64_t last_timestamp; /* strictly increasing over every initiation we send */
    int has_clock;           /* the conformance statement says the device has a wall clock */
    uint32_t capabilities;   /* from the first DeviceHello */
};

enum conf_result { CONF_PASS, CONF_FAIL, CONF_NA };

struct conf_case {
    const char *ids;   /* e.g. "[HS-012] [GRT-013]" */
    const char *title;
    enum conf_result (*run)(struct conf *c, char *why, size_t whylen);
};

/* Grants the suite mints. Unset fields get sane values (valid now, this device, all
 * permissions, the suite's own client key). */
struct conf_grant {
    uint32_t permissions;   /* 0: all */
    int other_device;       /* scope: a device id that is not the DUT's */
    int other_client_key;   /* client_key: not ours */
    int expired;            /* not_after in the past */
    int bad_signature;      /* flip a bit of the signature */
    uint64_t serial;        /* 0: 1 */
};

tt_err conf_mint(struct conf *c, const struct conf_grant *g, tether_v1_SignedGrant *out);
void conf_hello(struct conf *c, tether_v1_ClientHello *h, const tether_v1_SignedGrant *g);

/* A complete handshake with hello on a fresh connection; returns what tt_client_connect
 * returns (a refusal is its error code). tcp and cl are the caller's. */
tt_err conf_connect(struct conf *c, struct tt_tcp *tcp, struct tt_client *cl,
                    const tether_v1_ClientHello *hello);
/* Connect with a valid grant with the given permissions (0: all). */
tt_err conf_session(struct conf *c, struct tt_tcp *tcp, struct tt_client *cl, uint32_t perms);

extern const struct conf_case conf_handshake_cases[];
extern const size_t conf_handshake_ncases;
extern const struct conf_case conf_session_cases[];
extern const size_t conf_session_ncases;
extern const struct conf_case conf_spec11_cases[];
extern const size_t conf_spec11_ncases;

#endif
