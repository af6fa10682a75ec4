/* device.c — opening a session to a device for the device subcommands, and `tether ping`
 * / `tether info`: handshake, then pings or a capability query, with measured RTTs. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "tether/crypto_backends.h"
#include "tether/grant.h"

/* Messages for the grant checks the client can make before bothering the device. */
static const struct {
    tt_err e;
    const char *text;
} grant_refusals[] = {
    {TT_ERR_GRANT_SIGNATURE, "is not signed by this device's owner (the key whose public "
                             "half is owner_public in the device record)"},
    {TT_ERR_GRANT_KEY_MISMATCH, "is for another client key than --key"},
    {TT_ERR_GRANT_DEVICE, "is for another device than the record's device_id"},
    {TT_ERR_GRANT_NOT_YET_VALID, "is not valid yet"},
    {TT_ERR_GRANT_EXPIRED, "has expired: ask the owner for a new one"},
};

/* The grant as the device will judge it, as far as the record lets the client know: window
 * always; signature, client key and device too when the record has the owner's key. A group
 * grant's membership only the device knows. */
static int check_grant_locally(const struct cli_device *d, const char *path,
                               const tether_v1_GrantBody *gb)
{
    uint64_t t = (uint64_t)time(NULL);
    tt_err e = TT_OK;
    if (d->rec.has_owner_public) {
        struct tt_grant_policy pol;
        tether_v1_GrantBody out;
        uint8_t client_pk[32];
        memset(&pol, 0, sizeof pol);
        pol.owner_pub = d->rec.owner_public;
        memcpy(pol.device_id, d->rec.device_id, sizeof pol.device_id);
        if (gb->which_scope == tether_v1_GrantBody_group_id_tag) {
            pol.group_ids = &gb->scope.group_id;
            pol.ngroups = 1;
        }
        pol.now_s = t;
        e = tt_crypto_sodium.x25519_public(client_pk, d->client_sk);
        if (e == TT_OK)
            e = tt_grant_verify(&d->grant, &pol, client_pk, &out);
    } else if (t >= gb->not_after) {
        e = TT_ERR_GRANT_EXPIRED;
    } else if (t < gb->not_before) {
        e = TT_ERR_GRANT_NOT_YET_VALID;
    }
    if (e == TT_OK)
        return 0;
    for (size_t i = 0; i < sizeof grant_refusals / sizeof grant_refusals[0]; i++)
        if (grant_refusals[i].e == e) {
            fprintf(stderr, "tether: grant %s %s (valid %llu..%llu, now %llu)\n", path,
                    grant_refusals[i].text, (unsigned long long)gb->not_before,
                    (unsigned long long)gb->not_after, (unsigned long long)t);
            return EXIT_REFUSED;
        }
    return cli_fail(cli_exit_for(e), "grant", e);
}

const char *cli_broker_credentials;

int cli_device_option(int c, const char *arg, struct cli_device_opts *o)
{
    switch (c) {
    case 'k': o->key = arg; return 1;
    case 'g': o->grant = arg; return 1;
    case 'l': o->link = arg; return 1;
    case 'B': cli_broker_credentials = arg; return 1;
    default: return 0;
    }
}

int cli_device_open(struct cli_device *d, const char *record, const char *key,
                    const char *grant, const char *link, int timeout_ms)
{
    uint8_t buf[4096];
    size_t n;
    tt_err e;
    tether_v1_ClientHello hello;
    tether_v1_GrantBody gb;
    struct timespec now;
    int rc;
    if (!record || !key || !grant) {
        fprintf(stderr, "tether: a device command needs DEVICE, --key and --grant\n");
        return EXIT_USAGE;
    }
    e = tt_device_record_load(record, &d->rec);
    if (e != TT_OK)
        return cli_file_fail("device record", record, e);
    if (link && tt_link_check(link) != TT_OK)
        return fprintf(stderr, "tether: --via %s: %s\n", link, tt_file_problem()), EXIT_USAGE;
    e = tt_file_read_private(key, buf, sizeof buf - 1, &n);
    if (e != TT_OK)
        return cli_file_fail("client private key", key, e);
    buf[n] = 0;
    e = tt_x25519_priv_from_pem(d->client_sk, (const char *)buf);
    sodium_memzero(buf, sizeof buf);
    if (e != TT_OK)
        return cli_file_fail("client private key", key, e);
    e = tt_grant_file_load(grant, &d->grant, &gb);
    if (e != TT_OK)
        return cli_file_fail("grant file", grant, e);
    rc = check_grant_locally(d, grant, &gb);
    if (rc)
        return rc;
    memset(&hello, 0, sizeof hello);
    hello.version_min = hello.version_max = TT_PROTOCOL_VERSION;
    clock_gettime(CLOCK_REALTIME, &now);
    /* [HS-*] strictly increasing per client key: wall-clock milliseconds */
    hello.timestamp = (uint64_t)now.tv_sec * 1000u + (uint64_t)now.tv_nsec / 1000000u;
    hello.has_grant = true;
    hello.grant = d->grant;
    snprintf(hello.client_name, sizeof hello.client_name, "tether-cli");

    tt_client_catch_signals(); /* from here every exit path closes the session ([HS-061]) */
    {
        char creds[4096];
        const char *addr = link ? link : d->rec.link;
        e = cli_broker_credentials ? TT_OK
                                   : tt_record_broker_credentials(record, creds, sizeof creds);
        if (e != TT_OK)
            return cli_fail(EXIT_BADFILE, "device record's broker_credentials", e);
        const char *cpath = cli_broker_credentials ? cli_broker_credentials : creds;
        if (cpath[0] && access(cpath, R_OK) != 0) { /* a file problem, not an unreachable device */
            fprintf(stderr, "tether: cannot read broker credentials %s: %s\n", cpath,
                    strerror(errno));
            return EXIT_BADFILE;
        }
        e = tt_link_open(&d->link, addr, cpath, d->rec.device_id, timeout_ms);
        if (e == TT_ERR_ARG) {
            fprintf(stderr, "tether: %s needs broker credentials: a \"broker_credentials\" "
                            "file in the device record or --broker-credentials FILE\n", addr);
            return EXIT_USAGE;
        }
        if (e != TT_OK && tt_mqtt_refusal(&d->link.mqtt))
            fprintf(stderr, "tether: the broker refused the login: %s\n",
                    tt_mqtt_refusal(&d->link.mqtt));
        if (e != TT_OK)
            return cli_fail(cli_exit_for(e), addr, e);
    }
    e = tt_client_connect(&d->client, d->link.t, &tt_crypto_sodium, d->client_sk,
                          d->rec.static_public, &hello, timeout_ms);
    if (e != TT_OK) {
        d->link.t->close(d->link.t);
        if (e == TT_ERR_TIMEOUT)
            fprintf(stderr, "tether: no handshake response (wrong device key, or not a "
                            "Tether device?)\n");
        return cli_fail(cli_exit_for(e), "handshake", e);
    }
    if (memcmp(d->client.reply.reply.hello.device_id, d->rec.device_id, 16) != 0) {
        /* [HS-018]: not the device we meant to reach: the session is not used */
        tt_client_close(&d->client);
        fprintf(stderr, "tether: the device answered with another device id than %s's\n",
                record);
        return cli_fail(cli_exit_for(TT_ERR_HS_PAYLOAD), "handshake", TT_ERR_HS_PAYLOAD);
    }
    return 0;
}

static double ms_since(uint64_t t0_us)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ((double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3 - (double)t0_us) / 1e3;
}

static uint64_t us_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static const char *const cap_names[] = {"debug", "ota", "attest", "log", "hw-breakpoints",
                                        "watchpoints", "range-step", "ota-ab"};
static const char *const perm_names[] = {"debug-read", "debug-control", "memory-write", "ota",
                                         "attest", "log", "reset"};

void cli_print_hex(int width, const char *label, const uint8_t *b, size_t n)
{
    printf("%-*s ", width, label);
    for (size_t i = 0; i < n; i++)
        printf("%02x", b[i]);
    printf("\n");
}

void cli_print_version(int width, const char *label, uint32_t v)
{
    printf("%-*s %u.%u.%u\n", width, label, v >> 16, (v >> 8) & 0xff, v & 0xff);
}

static void print_info(const tether_v1_DeviceHello *h)
{
    cli_print_hex(20, "device id", h->device_id, sizeof h->device_id);
    printf("%-20s %u\n", "protocol version", h->version);
    cli_print_version(20, "supervisor version", h->supervisor_version);
    cli_print_version(20, "app version", h->app_version);
    cli_print_hex(20, "app measurement", h->app_measurement, sizeof h->app_measurement);
    printf("%-20s", "capabilities");
    for (unsigned i = 0; i < 8; i++)
        if (h->capabilities & (1u << i))
            printf(" %s", cap_names[i]);
    printf("\n%-20s", "granted");
    for (unsigned i = 0; i < 7; i++)
        if (h->granted_permissions & (1u << i))
            printf(" %s", perm_names[i]);
    printf("\n");
    if (h->has_limits)
        printf("%-20s message %u B, memory chunk %u B, breakpoints %u, watchpoints %u, "
               "window %u, sessions %u\n",
               "limits", h->limits.max_message, h->limits.max_mem_chunk, h->limits.breakpoints,
               h->limits.watchpoints, h->limits.rel_window, h->limits.max_sessions);
}

json_t *cli_json_hex(const uint8_t *b, size_t n)
{
    char hex[2 * 64 + 1];
    if (2 * n + 1 > sizeof hex)
        return NULL;
    sodium_bin2hex(hex, sizeof hex, b, n);
    return json_string(hex);
}

json_t *cli_json_version(uint32_t v)
{
    char s[16];
    snprintf(s, sizeof s, "%u.%u.%u", v >> 16, (v >> 8) & 0xff, v & 0xff);
    return json_string(s);
}

static json_t *json_bits(uint32_t bits, const char *const *names, unsigned count)
{
    json_t *a = json_array();
    for (unsigned i = 0; a && i < count; i++)
        if (bits & (1u << i))
            json_array_append_new(a, json_string(names[i]));
    return a;
}

/* The same facts as print_info, for scripts ([CLI-010]). */
static json_t *info_json(const tether_v1_DeviceHello *h)
{
    json_t *o = json_pack("{s:o, s:i, s:o, s:o, s:o, s:o, s:o}",
                          "device_id", cli_json_hex(h->device_id, sizeof h->device_id),
                          "protocol_version", (json_int_t)h->version,
                          "supervisor_version", cli_json_version(h->supervisor_version),
                          "app_version", cli_json_version(h->app_version),
                          "app_measurement",
                          cli_json_hex(h->app_measurement, sizeof h->app_measurement),
                          "capabilities", json_bits(h->capabilities, cap_names, 8),
                          "granted", json_bits(h->granted_permissions, perm_names, 7));
    if (o && h->has_limits)
        json_object_set_new(o, "limits",
                            json_pack("{s:i, s:i, s:i, s:i, s:i, s:i}", "max_message",
                                      (json_int_t)h->limits.max_message, "max_mem_chunk",
                                      (json_int_t)h->limits.max_mem_chunk, "breakpoints",
                                      (json_int_t)h->limits.breakpoints, "watchpoints",
                                      (json_int_t)h->limits.watchpoints, "rel_window",
                                      (json_int_t)h->limits.rel_window, "max_sessions",
                                      (json_int_t)h->limits.max_sessions));
    return o;
}

static void ping_usage(FILE *f, int info)
{
    fprintf(f, "usage: tether %s DEVICE --key KEY --grant GRANT [--via ADDR] [--count N]\n"
               "         [--broker-credentials FILE] [--timeout MS] [--json]\n"
               "  --count N     pings to send (default %d)\n"
               "  --timeout MS  for the handshake and each ping (default 5000)\n"
               "  --json        one JSON object on stdout instead of the table\n",
            info ? "info" : "ping", info ? 1 : 3);
}

int cmd_ping(int argc, char **argv, int info)
{
    static const struct option opts[] = {{"key", 1, 0, 'k'},
                                         {"grant", 1, 0, 'g'},
                                         {"link", 1, 0, 'l'},
                                         {"via", 1, 0, 'l'},
                                         {"broker-credentials", 1, 0, 'B'},
                                         {"count", 1, 0, 'c'},
                                         {"timeout", 1, 0, 't'},
                                         {"json", 0, 0, 'j'},
                                         {"help", 0, 0, 'h'},
                                         {0, 0, 0, 0}};
    static struct cli_device d;
    struct cli_device_opts conn = {0};
    long count = info ? 1 : 3, timeout_ms = 5000;
    int c, rc, as_json = 0;
    json_t *out = NULL, *pings = NULL;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        char *end;
        if (cli_device_option(c, optarg, &conn))
            continue;
        switch (c) {
        case 'j': as_json = 1; break;
        case 'c':
            count = strtol(optarg, &end, 10);
            if (*end || count < 1 || count > 100000)
                goto bad;
            break;
        case 't':
            timeout_ms = strtol(optarg, &end, 10);
            if (*end || timeout_ms < 1 || timeout_ms > 600000)
                goto bad;
            break;
        case 'h': ping_usage(stdout, info); return 0;
        default: goto bad;
        }
    }
    if (optind != argc - 1)
        goto bad;
    rc = cli_device_open(&d, argv[optind], conn.key, conn.grant, conn.link, (int)timeout_ms);
    if (rc)
        return rc;
    if (as_json) {
        out = info ? info_json(&d.client.reply.reply.hello) : json_object();
        pings = json_array();
        if (out) {
            const struct tt_hs_resend *r = &d.client.resend;
            json_object_set_new(out, "handshake_ms",
                                json_real((double)d.client.handshake_us / 1e3));
            /* [HS-030], [HS-071]: how the initiation was resent, for scripts and the
             * handshake-resend figures */
            json_object_set_new(out, "handshake_resend",
                                json_pack("{s:I, s:I, s:I, s:I, s:I, s:f}", "initiations",
                                          (json_int_t)r->sent, "pending",
                                          (json_int_t)r->waits, "pending_ignored",
                                          (json_int_t)r->ignored, "pending_expected_ms",
                                          (json_int_t)r->expected_ms, "pending_rtt_ms",
                                          (json_int_t)r->rtt_ms, "pending_at_ms",
                                          (double)d.client.pending_at_us / 1e3));
        }
    } else {
        printf("%-20s %.3f ms\n", "handshake", (double)d.client.handshake_us / 1e3);
        if (info)
            print_info(&d.client.reply.reply.hello);
    }
    for (long i = 0; i < count; i++) {
        static tether_v1_Message req, rep;
        uint64_t t0 = us_now();
        tt_err e;
        memset(&req, 0, sizeof req);
        req.which_body = tether_v1_Message_ping_tag;
        req.body.ping.nonce = (uint64_t)i + 1;
        e = tt_client_call_ok(&d.client, &req, &rep, (int)timeout_ms);
        if (e == TT_OK && (rep.which_body != tether_v1_Message_pong_tag ||
                           rep.body.pong.nonce != (uint64_t)i + 1))
            e = TT_ERR_MSG_UNSUPPORTED;
        if (e != TT_OK) {
            tt_client_close(&d.client);
            json_decref(out);
            json_decref(pings);
            return cli_fail(cli_exit_for(e), "ping", e);
        }
        if (as_json)
            json_array_append_new(pings, json_pack("{s:f, s:I}", "rtt_ms", ms_since(t0),
                                                   "device_time_ms",
                                                   (json_int_t)rep.body.pong.device_time_ms));
        else
            printf("%-20s %.3f ms (device time %" PRIu64 " ms)\n", "ping", ms_since(t0),
                   rep.body.pong.device_time_ms);
    }
    tt_client_close(&d.client);
    if (as_json) {
        if (out && pings)
            json_object_set_new(out, "pings", pings);
        else
            json_decref(pings);
        return cli_print_json(out);
    }
    return 0;
bad:
    ping_usage(stderr, info);
    return EXIT_USAGE;
}
