/* attest.c — `tether attest DEVICE`: the verifier's procedure of
 * spec/services/attestation.md ([ATT-030], [ATT-040]..[ATT-049]) run by the client: a fresh
 * nonce, the challenge, the evidence verified under the attestation key of the owner's
 * inventory (the device record's attest_public, never a key the device sends), then the
 * claims printed (table or --json) and appraised against what the user expects. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "../conn/evidence.h"
#include "cli.h"

/* [ATT-030] step 1's deadline for the pending nonce. */
#define ATTEST_DEADLINE_MS 60000u

static const char *const lifecycle_names[] = {"unknown", "provisioning", "secured",
                                              "decommissioned"};
static const char *const debug_names[] = {"unknown", "hardware-open", "hardware-closed"};

static const char *name_of(const char *const *names, size_t n, unsigned v)
{
    return v < n ? names[v] : "out-of-range";
}

static void attest_usage(FILE *f)
{
    fprintf(f, "usage: tether attest DEVICE --key KEY --grant GRANT [--link ADDR]\n"
               "         [--expect-app SHA256] [--timeout MS] [--json]\n"
               "  challenges the device with a fresh 32-byte nonce and verifies its Evidence\n"
               "  with attest_public of the device record (the owner's inventory, never the\n"
               "  device); prints the claims. The grant needs the attest permission.\n"
               "  --expect-app SHA256  also require this app measurement (64 hex digits)\n"
               "  --json               one JSON object on stdout\n"
               "  exit 6 when the evidence fails a check (signature, nonce, device, app)\n");
}

static json_t *claims_json(const tether_v1_Evidence *ev)
{
    return json_pack("{s:o, s:o, s:o, s:o, s:o, s:I, s:s, s:s, s:I, s:o}", "device_id",
                     cli_json_hex(ev->device_id, sizeof ev->device_id), "supervisor_version",
                     cli_json_version(ev->supervisor_version), "supervisor_measurement",
                     cli_json_hex(ev->supervisor_measurement, 32), "app_version",
                     cli_json_version(ev->app_version), "app_measurement",
                     cli_json_hex(ev->app_measurement, 32), "security_counter",
                     (json_int_t)ev->security_counter, "lifecycle",
                     name_of(lifecycle_names, 4, (unsigned)ev->lifecycle), "debug_state",
                     name_of(debug_names, 3, (unsigned)ev->debug_state), "boot_count",
                     (json_int_t)ev->boot_count, "nonce", cli_json_hex(ev->nonce, 32));
}

static void print_claims(const tether_v1_Evidence *ev, int app_appraised)
{
    printf("%-24s verified (signature, nonce, device id)\n", "evidence");
    /* [ATT-047] say what was compared with a reference, and that the rest was not */
    printf("%-24s %s\n", "appraised",
           app_appraised ? "app measurement matches --expect-app; other claims not appraised"
                         : "nothing (no reference values given: claims not appraised)");
    cli_print_hex(24, "device id", ev->device_id, sizeof ev->device_id);
    cli_print_version(24, "supervisor version", ev->supervisor_version);
    cli_print_hex(24, "supervisor measurement", ev->supervisor_measurement, 32);
    cli_print_version(24, "app version", ev->app_version);
    cli_print_hex(24, "app measurement", ev->app_measurement, 32);
    printf("%-24s %u\n", "security counter", (unsigned)ev->security_counter);
    printf("%-24s %s\n", "lifecycle", name_of(lifecycle_names, 4, (unsigned)ev->lifecycle));
    printf("%-24s %s\n", "debug state", name_of(debug_names, 3, (unsigned)ev->debug_state));
    printf("%-24s %u\n", "boot count", (unsigned)ev->boot_count);
}

/* "Not attested" ([ATT-031]): one line on stderr, and {"verified": false, ...} for scripts. */
static int not_attested(int as_json, const char *reason)
{
    fprintf(stderr, "tether attest: NOT ATTESTED: %s\n", reason);
    if (as_json)
        (void)cli_print_json(json_pack("{s:b, s:s}", "verified", 0, "reason", reason));
    return EXIT_NOT_ATTESTED;
}

/* Challenge and verify over an open session: steps 1-6 of [ATT-030]. */
static int challenge(struct cli_device *d, int timeout_ms, tether_v1_Evidence *ev, const char **why)
{
    static tether_v1_Message req, rep;
    uint8_t nonce[32];
    enum tt_evidence_result r;
    uint64_t t0;
    tt_err e;
    /* step 1: from the OS CSPRNG; all zero is what an absent field decodes to ([ATT-010]) */
    do
        randombytes_buf(nonce, sizeof nonce);
    while (sodium_is_zero(nonce, sizeof nonce));
    t0 = tt_client_now_ms();
    memset(&req, 0, sizeof req);
    req.which_body = tether_v1_Message_attest_challenge_tag;
    memcpy(req.body.attest_challenge.nonce, nonce, sizeof nonce);
    /* step 2 */
    e = tt_client_call_ok(&d->client, &req, &rep, timeout_ms);
    if (e == TT_OK && rep.which_body != tether_v1_Message_attest_evidence_tag)
        e = TT_ERR_MSG_UNSUPPORTED;
    if (e != TT_OK)
        return cli_fail(cli_exit_for(e), "attestation challenge", e);
    if (tt_client_now_ms() - t0 > ATTEST_DEADLINE_MS) {
        *why = "the evidence came after the nonce's 60 s deadline";
        return EXIT_NOT_ATTESTED;
    }
    /* steps 3-6: the nonce is consumed by this one call, whatever its result */
    r = tt_evidence_verify(
        d->rec.attest_public, d->rec.device_id, nonce, rep.body.attest_evidence.evidence.bytes,
        rep.body.attest_evidence.evidence.size, rep.body.attest_evidence.signature,
        sizeof rep.body.attest_evidence.signature, ev);
    sodium_memzero(nonce, sizeof nonce);
    if (r != TT_EVIDENCE_OK) {
        *why = tt_evidence_result_text(r);
        return EXIT_NOT_ATTESTED;
    }
    return 0;
}

int cmd_attest(int argc, char **argv)
{
    static const struct option opts[] = {
        {"key", 1, 0, 'k'},  {"grant", 1, 0, 'g'},      {"link", 1, 0, 'l'}, {"timeout", 1, 0, 't'},
        {"json", 0, 0, 'j'}, {"expect-app", 1, 0, 'a'}, {"help", 0, 0, 'h'}, {0, 0, 0, 0}};
    static struct cli_device d;
    struct cli_device_opts conn = {0};
    const char *why = NULL;
    uint8_t expect_app[32];
    int c, rc, as_json = 0, have_expect = 0;
    long timeout_ms = 10000;
    tether_v1_Evidence ev;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        char *end;
        if (cli_device_option(c, optarg, &conn))
            continue;
        switch (c) {
        case 'j':
            as_json = 1;
            break;
        case 't':
            timeout_ms = strtol(optarg, &end, 10);
            if (*end || timeout_ms < 1 || timeout_ms > 600000)
                goto bad;
            break;
        case 'a':
            if (tt_hex_decode(optarg, strlen(optarg), expect_app, sizeof expect_app) != TT_OK) {
                fprintf(stderr, "tether attest: --expect-app needs 64 hex digits\n");
                return EXIT_USAGE;
            }
            have_expect = 1;
            break;
        case 'h':
            attest_usage(stdout);
            return 0;
        default:
            goto bad;
        }
    }
    if (optind != argc - 1)
        goto bad;
    /* [ATT-041] the key comes from the inventory record; without it nothing can be judged,
     * so the device is not even contacted (a record that does not load is reported by
     * cli_device_open) */
    if (tt_device_record_load(argv[optind], &d.rec) == TT_OK && !d.rec.has_attest_public) {
        fprintf(stderr,
                "tether attest: device record %s has no attest_public: add the "
                "device's attestation public key from the owner's inventory "
                "(spec/files.md)\n",
                argv[optind]);
        return EXIT_BADFILE;
    }
    rc = cli_device_open(&d, argv[optind], conn.key, conn.grant, conn.link, (int)timeout_ms);
    if (rc)
        return rc;
    rc = challenge(&d, (int)timeout_ms, &ev, &why);
    tt_client_close(&d.client);
    if (rc == EXIT_NOT_ATTESTED)
        return not_attested(as_json, why);
    if (rc)
        return rc;
    /* step 7, as far as the user gave reference values */
    if (have_expect && memcmp(ev.app_measurement, expect_app, 32) != 0)
        return not_attested(as_json, "app measurement differs from --expect-app");
    if (as_json)
        return cli_print_json(json_pack("{s:b, s:o, s:[s*]}", "verified", 1, "claims",
                                        claims_json(&ev), "appraised",
                                        have_expect ? "app_measurement" : NULL));
    print_claims(&ev, have_expect);
    return 0;
bad:
    attest_usage(stderr);
    return EXIT_USAGE;
}
