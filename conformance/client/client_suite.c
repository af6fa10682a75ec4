/* client_suite.c — tether-conform --client CMD: the client suite ([CNF-022]).
 *
 * The suite makes a device identity, a client key and a grant in a temporary directory
 * (device.json, client.pem, grant.bin: the formats of ref-client/README), then for each case
 * starts CMD with {device}, {key} and {grant} replaced by those paths and plays the device
 * (device_double.c) misbehaving as the case says. CMD must make the client open a session
 * and send three requests, exiting 0 only if all three were answered correctly — for the
 * reference client: `tether ping {device} --key {key} --grant {grant} --count 3`.
 *
 * The attestation cases start a second command, ATTEST_CMD (--client-attest; N/A without
 * it), with {app} also replaced by the app measurement the device claims in its DeviceHello
 * (64 hex digits): it must attest the device against that reference value and exit 0 only
 * if the signed Evidence verified and matched ([ATT-030], [ATT-031]) — for the reference
 * client: `tether attest {device} --key {key} --grant {grant} --expect-app {app}`. device.json
 * carries the double's attestation public key (attest_public, [ATT-040]). */
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../device/report.h"
#include "client_suite.h"
#include "tether/crypto_backends.h"
#include "tether/grant.h"
#include "tether/p256.h"

#define CHILD_LIMIT_MS 25000
#define PINGS 3

static pid_t child;
static int child_status = -1;

static int child_done(struct dd *d)
{
    (void)d;
    int st;
    if (child > 0 && waitpid(child, &st, WNOHANG) == child) {
        child_status = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
        child = 0;
        return 1;
    }
    return 0;
}

/* CMD with {device}, {key}, {grant} replaced by paths in dir, {app} by the claimed app
 * measurement in hex. */
static void expand(const char *cmd, const char *dir, char *out, size_t cap)
{
    static const char *keys[] = {"{device}", "{key}", "{grant}", "{app}"};
    static const char *files[] = {"device.json", "client.pem", "grant.bin", NULL};
    char app[65];
    memset(app, 0, sizeof app);
    for (int k = 0; k < 32; k++)
        snprintf(app + 2 * k, 3, "%02x", DD_CLAIMED_APP);
    size_t o = 0;
    while (*cmd && o + 1 < cap) {
        int hit = 0;
        for (int k = 0; k < 4 && !hit; k++)
            if (!strncmp(cmd, keys[k], strlen(keys[k]))) {
                if (files[k])
                    o += (size_t)snprintf(out + o, cap - o, "%s/%s", dir, files[k]);
                else
                    o += (size_t)snprintf(out + o, cap - o, "%s", app);
                cmd += strlen(keys[k]);
                hit = 1;
            }
        if (!hit)
            out[o++] = *cmd++;
        if (o >= cap)
            o = cap - 1;
    }
    out[o] = 0;
}

/* Mode 0600 for every file: the client key is private, and clients refuse private keys
 * that others can read ([FIL-011], as the reference `tether` does). */
static int write_file(const char *dir, const char *name, const void *b, size_t n)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return -1;
    FILE *f = fdopen(fd, "wb");
    if (!f) {
        close(fd);
        return -1;
    }
    size_t w = fwrite(b, 1, n, f);
    return (fclose(f) == 0 && w == n) ? 0 : -1;
}

static void hex(const uint8_t *b, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        sprintf(out + 2 * i, "%02x", b[i]);
}

/* The identity the client under test is given. */
static int make_files(const char *dir, uint16_t port, uint8_t static_sk[32], uint8_t id[16],
                      uint8_t attest_sk[32])
{
    uint8_t static_pk[32], csk[32], cpk[32], osk[32], opk[65], apk[65], gb[512];
    char json[768], h1[33], h2[65], h3[131], pem[512];
    size_t n;
    tether_v1_GrantBody b;
    tether_v1_SignedGrant sg;
    randombytes_buf(static_sk, 32);
    randombytes_buf(id, 16);
    randombytes_buf(csk, 32);
    crypto_scalarmult_base(static_pk, static_sk);
    crypto_scalarmult_base(cpk, csk);
    if (tt_p256_keygen(osk, opk, tt_crypto_sodium.random, NULL) != TT_OK)
        return -1;
    if (tt_p256_keygen(attest_sk, apk, tt_crypto_sodium.random, NULL) != TT_OK)
        return -1;
    hex(id, 16, h1);
    hex(static_pk, 32, h2);
    hex(apk, 65, h3);
    int jl = snprintf(json, sizeof json,
                      "{\n  \"device_id\": \"%s\",\n  \"static_public\": \"%s\",\n"
                      "  \"attest_public\": \"%s\",\n"
                      "  \"link\": \"tcp:127.0.0.1:%u\"\n}\n", h1, h2, h3, (unsigned)port);
    memset(&b, 0, sizeof b);
    b.format = 1;
    memcpy(b.client_key, cpk, 32);
    b.which_scope = tether_v1_GrantBody_device_id_tag;
    memcpy(b.scope.device_id, id, 16);
    b.permissions = TT_PERM_ALL;
    b.not_before = 1;
    b.not_after = 4000000000u;
    b.serial = 1;
    if (tt_grant_sign(&b, osk, &sg) != TT_OK ||
        tt_pb_encode(tether_v1_SignedGrant_fields, &sg, gb, sizeof gb, &n) != TT_OK ||
        tt_x25519_priv_to_pem(pem, sizeof pem, csk) != TT_OK)
        return -1;
    sodium_memzero(osk, sizeof osk);
    return write_file(dir, "device.json", json, (size_t)jl) ||
                   write_file(dir, "grant.bin", gb, n) ||
                   write_file(dir, "client.pem", pem, strlen(pem))
               ? -1
               : 0;
}

enum expect { REFUSE, COMPLETE, NO_HANG, FAILS, ATTESTED, NOT_ATTESTED };

struct ccase {
    const char *ids;
    const char *title;
    enum dd_how how;
    enum expect expect; /* ATTESTED and NOT_ATTESTED run the attestation command */
};

static const struct ccase ccases[] = {
    {"[HS-011] [HS-033] [CTL-020] [HS-061] [HS-024] [HS-010] [PKT-002] [MSG-010] [REL-001] [REL-002] [REL-003] [SEC-1] [SEC-6]", "an honest device: the client's initiation, ClientHello, timestamps, envelopes and request ids are valid and nothing travels in clear; its three requests complete; it ends with Close", DD_HONEST, COMPLETE},
    {"[VER-008] [MSG-016] [ERR-004]", "an Error with a code the client does not know: the request fails, is not retried unchanged, no hang", DD_UNKNOWN_ERROR, FAILS},
    {"[LIM-011] [REL-015]", "DeviceHello limits out of range (rel_window 0, max_mem_chunk 5000): the client keeps at most 1 message outstanding and completes", DD_BAD_LIMITS, COMPLETE},
    {"[CTL-021] [HS-053]", "a Close event from the device (before its first reply): the client sends no request on that session after it, no hang", DD_CLOSE_EVENT, NO_HANG},
    {"[HS-032]", "every initiation refused hs-replay: the client retries at most once without user action", DD_REPLAY_REFUSAL, REFUSE},
    {"[HS-030]", "the first initiation is lost: the client resends it byte for byte and completes", DD_DROP_INITIATION, COMPLETE},
    {"[HS-071] [PKT-010]", "a pending packet bound to the initiation (expected 20 s), the response 1.5 s later: the client does not resend meanwhile and completes", DD_PENDING_WAIT, COMPLETE},
    {"[HS-073] [PKT-011]", "the first initiation lost, forged pending packets (another sender_id, another digest; 30 s) instead: the client ignores them, resends and completes", DD_PENDING_FORGED, COMPLETE},
    {"[HS-019]", "a HandshakeReply that is neither hello nor refusal: the client does not use the session", DD_EMPTY_REPLY, REFUSE},
    {"[HS-017] [SEC-7]", "a device without the record's static key: the client refuses it", DD_IMPOSTOR, REFUSE},
    {"[HS-017] [SEC-2]", "a forged handshake response: the client refuses it", DD_FORGED_RESPONSE, REFUSE},
    {"[HS-017] [HS-005] [SEC-22]", "a low-order response ephemeral: the client refuses it", DD_LOW_ORDER, REFUSE},
    {"[HS-017] [SEC-3]", "a response replayed from an earlier session: the client refuses it", DD_REPLAYED_RESPONSE, REFUSE},
    {"[HS-018]", "a DeviceHello naming another device id: the client does not use the session", DD_WRONG_ID, REFUSE},
    {"[HS-018] [VER-002]", "a DeviceHello choosing a version not offered: the client does not use the session", DD_BAD_VERSION, REFUSE},
    {"[HS-018] [ERR-004]", "a refusal (grant-revoked): the client reports it and sends nothing", DD_REFUSAL, REFUSE},
    {"[REC-005] [SEC-2] [SEC-12]", "forged (bit-flipped) reply records are dropped; the real replies are used", DD_FORGED_RECORD, COMPLETE},
    {"[REC-006] [SEC-3] [SEC-12]", "replayed reply records are dropped", DD_REPLAYED_RECORD, COMPLETE},
    {"[REL-010] [REL-012] [REL-017]", "a request lost on the link is retransmitted", DD_DROP_FIRST, COMPLETE},
    {"[REL-005] [REL-014]", "duplicated reply records: each reply used once", DD_DUPLICATE, COMPLETE},
    {"[REL-006] [REL-004] [MSG-013]", "a reply overtaking an earlier event is delivered in order", DD_REORDERED, COMPLETE},
    {"[MSG-012] [MSG-013] [MSG-011]", "a stop event while a request is in flight: the reply still matches", DD_STOP_IN_FLIGHT, COMPLETE},
    {"[REC-006] [SEC-3]", "an authentic record with a seq below the replay window (a wrong reply) is dropped", DD_OLD_RECORD, COMPLETE},
    {"[HS-055] [HS-053]", "a device that reboots mid-session: the client fails cleanly or reconnects, no hang", DD_REBOOT, NO_HANG},
    {"[ATT-030] [ATT-040]", "attestation of an honest device: Evidence signed with the inventory's key is accepted", DD_ATTEST_HONEST, ATTESTED},
    {"[ATT-030] [ATT-031] [SEC-21]", "a device that lies about its app (DeviceHello claims the reference, signed Evidence another): not attested", DD_LYING_MEASUREMENT, NOT_ATTESTED},
    {"[ATT-030] [ATT-031] [SEC-21]", "Evidence whose signature does not verify: not attested", DD_FORGED_EVIDENCE, NOT_ATTESTED},
    {"[ATT-031] [SEC-21]", "Evidence signed for a nonce the verifier did not send: not attested", DD_OTHER_NONCE, NOT_ATTESTED},
};

/* The attestation cases run the attestation command and appear as the "attest" group. */
static int attest_case(const struct ccase *k) { return k->expect >= ATTESTED; }

int client_suite_run(const char *cmd, const char *attest_cmd, struct conf_outcome *out,
                     size_t cap, int list)
{
    static uint8_t old_response[TT_PKT_MAX_LEN];
    static size_t old_len;
    static struct dd d;
    static uint8_t ask[32];
    char dir[] = "/tmp/tether-conform-client-XXXXXX", line[2048], aline[2048];
    uint8_t sk[32], id[16];
    uint16_t port;
    size_t n = 0;
    if (list) {
        for (size_t i = 0; i < sizeof ccases / sizeof ccases[0]; i++)
            printf("client\t%s\t%s\t%s\n", attest_case(&ccases[i]) ? "attest" : "client",
                   ccases[i].ids, ccases[i].title);
        return 0;
    }
    int lfd = dd_listen(&port);
    if (lfd < 0 || !mkdtemp(dir) || make_files(dir, port, sk, id, ask) != 0)
        return -1;
    expand(cmd, dir, line, sizeof line);
    printf("client under test: %s\n", line);
    if (attest_cmd) {
        expand(attest_cmd, dir, aline, sizeof aline);
        printf("attestation command: %s\n", aline);
    }
    for (size_t i = 0; i < sizeof ccases / sizeof ccases[0] && n < cap; i++) {
        const struct ccase *k = &ccases[i];
        struct conf_outcome *o = &out[n++];
        static struct conf_case shown[sizeof ccases / sizeof ccases[0]];
        char trace[512];
        const char *group = attest_case(k) ? "attest" : "client";
        shown[i] = (struct conf_case){k->ids, k->title, NULL};
        o->group = group;
        o->k = &shown[i];
        if (attest_case(k) && !attest_cmd) {
            o->r = CONF_NA;
            snprintf(o->why, sizeof o->why, "no attestation command (--client-attest)");
            printf("N/A  %-8s %-30s %s: %s\n", group, k->ids, k->title, o->why);
            continue;
        }
        memset(&d, 0, sizeof d);
        d.how = k->how;
        d.case_no = (int)i;
        d.conn = -1;
        memcpy(d.static_sk, sk, 32);
        memcpy(d.device_id, id, 16);
        memcpy(d.attest_sk, ask, 32);
        memcpy(d.old_response, old_response, old_len);
        d.old_response_len = old_len;
        d.poll_child = child_done;
        tt_frame_decoder_init(&d.dec);
        child_status = -1;
        uint64_t t0 = tt_client_now_ms();
        fflush(stdout);
        child = fork();
        if (child == 0) {
            int nul = open("/dev/null", 1);
            if (nul >= 0) {
                dup2(nul, 1);
                dup2(nul, 2);
            }
            execl("/bin/sh", "sh", "-c", attest_case(k) ? aline : line, (char *)NULL);
            _exit(127);
        }
        dd_serve(&d, lfd, CHILD_LIMIT_MS);
        int hung = child > 0;
        if (hung) {
            kill(child, SIGKILL);
            waitpid(child, NULL, 0);
            child = 0;
        }
        if (d.conn >= 0)
            close(d.conn);
        tt_session_close(&d.s);
        tt_record_session_wipe(&d.old_rec);
        if (k->how == DD_HONEST && d.response_len) {
            memcpy(old_response, d.response, d.response_len);
            old_len = d.response_len;
        }
        o->seconds = (double)(tt_client_now_ms() - t0) / 1e3;
        snprintf(trace, sizeof trace,
                 "device: %u initiations, %u records (%u authenticated), %u requests, %u "
                 "answered (%u with Evidence)%s\nclient: %s (status %d)\n", d.initiations,
                 d.records, d.records_ok, d.requests, d.answered, d.challenges,
                 d.bad_response_sent ? ", a bad response sent" : "",
                 hung ? "still running after the time limit (killed)" : "exited", child_status);
        o->r = CONF_FAIL;
        if (hung && k->expect != REFUSE)
            snprintf(o->why, sizeof o->why, "the client hung (killed after %d s)", CHILD_LIMIT_MS / 1000);
        else if (k->expect == REFUSE && (child_status == 0 || d.requests_other > 0))
            snprintf(o->why, sizeof o->why, "the client used the bad session: exit %d, %u requests sent on it",
                     child_status, d.requests_other);
        else if (d.hello_problem[0])
            snprintf(o->why, sizeof o->why, "the client's ClientHello: %s", d.hello_problem);
        else if (d.problem[0])
            snprintf(o->why, sizeof o->why, "the client broke %s", d.problem);
        else if (k->expect == COMPLETE && child_status == 0 && d.closes == 0)
            snprintf(o->why, sizeof o->why, "[HS-061] the client exited without ending its session with Close");
        else if (k->expect == ATTESTED && (child_status != 0 || d.challenges != 1))
            snprintf(o->why, sizeof o->why, "the verifier did not attest a good device: exit %d, %u challenges answered",
                     child_status, d.challenges);
        else if (k->expect == NOT_ATTESTED && d.challenges != 1)
            snprintf(o->why, sizeof o->why, "the verifier did not challenge once: %u challenges answered", d.challenges);
        else if (k->expect == NOT_ATTESTED && child_status == 0)
            snprintf(o->why, sizeof o->why, "the verifier accepted bad Evidence (exit 0)");
        else if (k->expect == REFUSE && k->how == DD_REPLAY_REFUSAL && d.new_initiations > 2)
            snprintf(o->why, sizeof o->why, "[HS-032] %u new initiations after hs-replay refusals (at most 2)", d.new_initiations);
        else if (k->expect == FAILS && (hung || child_status == 0 || d.failed_nonce == 0))
            snprintf(o->why, sizeof o->why, "the request answered by an unknown Error %s",
                     hung ? "left the client hanging" : child_status == 0 ? "counted as a success (exit 0)" : "was never sent");
        else if (k->expect == REFUSE && !hung)
            o->r = CONF_PASS;
        else if (k->expect == REFUSE)
            o->r = CONF_PASS; /* still retrying a device it never accepted */
        else if (k->expect == COMPLETE && (child_status != 0 || d.answered < PINGS))
            snprintf(o->why, sizeof o->why, "the client did not complete: exit %d, %u requests answered", child_status, d.answered);
        else if (k->expect == NO_HANG && child_status == 0 && !d.rehandshake)
            snprintf(o->why, sizeof o->why, "the client reported success although the device lost the session");
        else
            o->r = CONF_PASS;
        if (o->r == CONF_FAIL)
            o->trace = strdup(trace);
        printf("%s %-8s %-30s %s%s%s\n", o->r == CONF_PASS ? "PASS" : "FAIL", group, k->ids,
               k->title, o->why[0] ? ": " : "", o->why);
        if (o->r == CONF_FAIL)
            printf("       exchange:\n%s", trace);
    }
    close(lfd);
    sodium_memzero(ask, sizeof ask);
    char rm[600];
    snprintf(rm, sizeof rm, "rm -rf '%s'", dir);
    if (system(rm) != 0)
        fprintf(stderr, "tether-conform: could not remove %s\n", dir);
    return (int)n;
}
