/* client_suite.h — the client suite ([CNF-022]): tether-conform --client plays a device
 * (device_double.c, a scripted device on lib's session engine) against a client under test
 * that the suite starts for each case from a command template, and judges what the client
 * did: refused a bad device (non-zero exit, no record sent on the bad session) or completed
 * its work despite a hostile link (zero exit, every request answered). Host only. */
#ifndef TETHER_CONFORM_CLIENT_SUITE_H
#define TETHER_CONFORM_CLIENT_SUITE_H

#include <stdint.h>

#include "../../ref-client/conn/client.h"
#include "../device/conform.h"

#define DD_WINDOW 8

/* How the device misbehaves in a case. */
enum dd_how {
    DD_HONEST,
    DD_IMPOSTOR,          /* holds another static key than the record's */
    DD_FORGED_RESPONSE,   /* handshake response with a bit flipped in its tag */
    DD_LOW_ORDER,         /* response ephemeral = a low-order point */
    DD_REPLAYED_RESPONSE, /* a response from an earlier session, readdressed */
    DD_FORGED_RECORD,     /* a bit-flipped copy of each reply before the real one */
    DD_REPLAYED_RECORD,   /* the previous reply's record again after each reply */
    DD_DROP_FIRST,        /* the first request is never answered (client must resend) */
    DD_DUPLICATE,         /* each reply's record sent twice */
    DD_REORDERED,         /* a stop event held back: the reply overtakes it */
    DD_STOP_IN_FLIGHT,    /* a stop event arrives while the request is in flight */
    DD_REBOOT,            /* the device forgets the session after the first reply */
    DD_WRONG_ID,          /* DeviceHello names another device id */
    DD_BAD_VERSION,       /* DeviceHello chooses a version the client did not offer */
    DD_REFUSAL,           /* HandshakeReply is a refusal (grant-revoked) */
    DD_OLD_RECORD,        /* a wrong reply sealed with a seq outside the replay window */
    DD_DROP_INITIATION,   /* the first initiation is lost: the client must resend it as is */
    DD_EMPTY_REPLY,       /* the HandshakeReply is neither a hello nor a refusal */
    DD_UNKNOWN_ERROR,     /* the second request is answered Error with an unknown code */
    DD_BAD_LIMITS,        /* DeviceHello limits out of range: rel_window 0, max_mem_chunk 5000 */
    DD_CLOSE_EVENT,       /* after the first reply a Close event ends the session */
    DD_REPLAY_REFUSAL,    /* every initiation refused with hs-replay */
    DD_PENDING_WAIT,      /* 1.2: a valid pending (expected 20 s), the response held 1.5 s */
    DD_PENDING_FORGED,    /* 1.2: the first initiation lost; two forged pendings (another
                             sender_id, another digest; expected 30 s) come instead */
    /* attestation (the --client-attest command): Evidence for an AttestChallenge */
    DD_ATTEST_HONEST,     /* signed by the inventory's key, this nonce, the claimed app */
    DD_LYING_MEASUREMENT, /* DeviceHello claims the expected app; signed Evidence another */
    DD_FORGED_EVIDENCE,   /* the signature does not verify */
    DD_OTHER_NONCE,       /* signed Evidence for a nonce the verifier never sent */
};

/* What every DeviceHello of the double claims as app_measurement: the reference value the
 * attestation cases give the client as {app} ([ATT-030] step 7). */
#define DD_CLAIMED_APP 0x11

struct dd {
    enum dd_how how;
    int case_no;
    uint8_t static_sk[32], device_id[16], attest_sk[32];
    int conn;
    struct tt_frame_decoder dec;
    struct tt_session s;
    struct tt_rel_slot rel[DD_WINDOW];
    int established, rebooted, rehandshake, bad_response_sent, stop;
    unsigned initiations, records, records_ok, requests, answered, sent_packets;
    unsigned requests_other; /* requests other than Close */
    unsigned challenges;     /* AttestChallenges answered with Evidence */
    int dropped_first;
    struct tt_record_session old_rec; /* DD_OLD_RECORD: the record state before the jump */
    int jumped;
    char hello_problem[96];  /* what was wrong with the client's ClientHello ([HS-011]) */
    char problem[128];       /* the first other rule the client broke (HS-024, MSG-010, REL-00x) */
    uint32_t peer_data_max;  /* highest DATA msg_seq seen from the client ([REL-002]) */
    uint32_t peer_ack_max;   /* highest ack seen from the client ([REL-003]) */
    unsigned closes;         /* Close requests received ([HS-061]) */
    uint64_t failed_nonce;   /* DD_UNKNOWN_ERROR: the Ping answered with the Error */
    int close_sent;          /* DD_CLOSE_EVENT: the Close event went out */
    uint32_t close_seq;      /* its msg_seq: a request acking it was sent after it arrived */
    unsigned new_initiations; /* initiations other than byte-identical resends */
    uint8_t last_init[TT_PKT_MAX_LEN];
    size_t last_init_len;
    uint8_t first_init[TT_PKT_MAX_LEN];
    size_t first_init_len;
    uint8_t held[TT_PKT_MAX_LEN]; /* DD_PENDING_WAIT: the response, until release_at */
    size_t held_len;
    uint64_t release_at;
    unsigned inits_at_release;    /* initiations received before the response went out */
    uint8_t last[TT_PKT_MAX_LEN], prev[TT_PKT_MAX_LEN];
    size_t last_len, prev_len;
    uint8_t response[TT_PKT_MAX_LEN], old_response[TT_PKT_MAX_LEN];
    size_t response_len, old_response_len;
    int (*poll_child)(struct dd *d); /* returns 1 when the client under test has exited */
};

int dd_listen(uint16_t *port);
void dd_serve(struct dd *d, int lfd, int ms);

/* Runs the client suite (cmd: a session and three pings; attest_cmd, may be NULL: one
 * attestation with {app} as the expected app measurement); prints, and fills outcomes like the device suite. Returns the
 * number of outcomes written (at most cap), or -1 when the suite cannot start. */
struct conf_outcome;
int client_suite_run(const char *cmd, const char *attest_cmd, struct conf_outcome *out,
                     size_t cap, int list);

#endif
