/* link.h — opening the link a device record names: `tcp:HOST:PORT` (a direct byte stream)
 * or `mqtt://HOST:PORT` (through a relay's broker, spec/transport.md [MTB-002], [MTB-026]).
 * An MQTT link needs broker credentials; they come from a file (the record's
 * "broker_credentials" entry, or --broker-credentials), never from the command line.
 * Host only. Depends on transport.h and jansson. */
#ifndef TETHER_CLIENT_LINK_H
#define TETHER_CLIENT_LINK_H

#include "transport.h"

struct tt_link {
    struct tt_transport *t; /* the open transport: &tcp.t or &mqtt.t */
    struct tt_tcp tcp;
    struct tt_mqtt mqtt;
};

/* Broker credentials file: a JSON object {"username": "...", "password": "..."}, both
 * non-empty strings shorter than 128 bytes, nothing else required. */
TT_MUST_CHECK tt_err tt_broker_login_load(const char *path, struct tt_mqtt_login *login);

/* The record's "broker_credentials" path (relative to the record's folder), "" if absent. */
TT_MUST_CHECK tt_err tt_record_broker_credentials(const char *record_path, char *out, size_t cap);

/* Opens addr for the client. credentials may be NULL for a tcp: link. */
TT_MUST_CHECK tt_err tt_link_open(struct tt_link *l, const char *addr, const char *credentials,
                                  const uint8_t device_id[16], int timeout_ms);

#endif
