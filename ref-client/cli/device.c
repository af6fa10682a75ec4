/* device.c — opening a session to a device for the device subcommands, and `tether ping`
 * / `tether info`: handshake, then pings or a capability query, with measured RTTs. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <time.h>

#include "cli.h"
#include "tether/crypto_backends.h"

int cli_device_open(struct cli_device *d, const char *record, const char *key,
                    const char *grant, const char *link, int timeout_ms)
{
    uint8_t buf[4096];
    size_t n;
    tt_err e;
    tether_v1_ClientHello hello;
    struct timespec now;
    if (!record || !key || !grant) {
        fprintf(stderr, "tether: a device command needs DEVICE, --key and --grant\n");
        return EXIT_USAGE;
    }
    e = tt_device_record_load(record, &d->rec);
    if (e != TT_OK)
        return cli_fail(cli_exit_for(e), record, e);
    e = tt_file_read(key, buf, sizeof buf - 1, &n);
    if (e != TT_OK)
        return cli_fail(cli_exit_for(e), key, e);
    buf[n] = 0;
    e = tt_x25519_priv_from_pem(d->client_sk, (const char *)buf);
    sodium_memzero(buf, sizeof buf);
    if (e != TT_OK)
        return cli_fail(EXIT_BADFILE, "client private key", e);
    e = tt_file_read(grant, buf, sizeof buf, &n);
    if (e != TT_OK)
        return cli_fail(cli_exit_for(e), grant, e);
    memset(&d->grant, 0, sizeof d->grant);
    if (tt_pb_decode(tether_v1_SignedGrant_fields, buf, n, &d->grant) != TT_OK)
        return cli_fail(EXIT_BADFILE, "grant file", TT_ERR_GRANT_MALFORMED);

    {
        /* The grant's own window, checked before bothering the device: a clear message
         * here beats a refusal (and a device without a clock cannot refuse it at all). */
        tether_v1_GrantBody gb;
        uint64_t t = (uint64_t)time(NULL);
        memset(&gb, 0, sizeof gb);
        if (tt_pb_decode(tether_v1_GrantBody_fields, d->grant.body.bytes, d->grant.body.size,
                         &gb) != TT_OK)
            return cli_fail(EXIT_BADFILE, "grant file", TT_ERR_GRANT_MALFORMED);
        if (t >= gb.not_after) {
            fprintf(stderr, "tether: grant %s expired at %llu (now %llu): ask the owner for a "
                            "new one\n", grant, (unsigned long long)gb.not_after,
                    (unsigned long long)t);
            return EXIT_REFUSED;
        }
        if (t < gb.not_before) {
            fprintf(stderr, "tether: grant %s is not valid before %llu (now %llu)\n", grant,
                    (unsigned long long)gb.not_before, (unsigned long long)t);
            return EXIT_REFUSED;
        }
    }
    memset(&hello, 0, sizeof hello);
    hello.version_min = hello.version_max = TT_PROTOCOL_VERSION;
    clock_gettime(CLOCK_REALTIME, &now);
    /* [HS-*] strictly increasing per client key: wall-clock milliseconds */
    hello.timestamp = (uint64_t)now.tv_sec * 1000u + (uint64_t)now.tv_nsec / 1000000u;
    hello.has_grant = true;
    hello.grant = d->grant;
    snprintf(hello.client_name, sizeof hello.client_name, "tether-cli");

    e = tt_tcp_open(&d->tcp, link ? link : d->rec.link, timeout_ms);
    if (e != TT_OK)
        return cli_fail(cli_exit_for(e), link ? link : d->rec.link, e);
    e = tt_client_connect(&d->client, &d->tcp.t, &tt_crypto_sodium, d->client_sk,
                          d->rec.static_public, &hello, timeout_ms);
    if (e != TT_OK) {
        d->tcp.t.close(&d->tcp.t);
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

static void print_hex(const char *label, const uint8_t *b, size_t n)
{
    printf("%-20s ", label);
    for (size_t i = 0; i < n; i++)
        printf("%02x", b[i]);
    printf("\n");
}

static void print_version(const char *label, uint32_t v)
{
    printf("%-20s %u.%u.%u\n", label, v >> 16, (v >> 8) & 0xff, v & 0xff);
}

static void print_info(const tether_v1_DeviceHello *h)
{
    static const char *caps[] = {"debug", "ota", "attest", "log", "hw-breakpoints",
                                 "watchpoints", "range-step", "ota-ab"};
    static const char *perms[] = {"debug-read", "debug-control", "memory-write", "ota",
                                  "attest", "log", "reset"};
    print_hex("device id", h->device_id, sizeof h->device_id);
    printf("%-20s %u\n", "protocol version", h->version);
    print_version("supervisor version", h->supervisor_version);
    print_version("app version", h->app_version);
    print_hex("app measurement", h->app_measurement, sizeof h->app_measurement);
    printf("%-20s", "capabilities");
    for (unsigned i = 0; i < 8; i++)
        if (h->capabilities & (1u << i))
            printf(" %s", caps[i]);
    printf("\n%-20s", "granted");
    for (unsigned i = 0; i < 7; i++)
        if (h->granted_permissions & (1u << i))
            printf(" %s", perms[i]);
    printf("\n");
    if (h->has_limits)
        printf("%-20s message %u B, memory chunk %u B, breakpoints %u, watchpoints %u, "
               "window %u, sessions %u\n",
               "limits", h->limits.max_message, h->limits.max_mem_chunk, h->limits.breakpoints,
               h->limits.watchpoints, h->limits.rel_window, h->limits.max_sessions);
}

int cmd_ping(int argc, char **argv, int info)
{
    static const struct option opts[] = {{"key", 1, 0, 'k'},   {"grant", 1, 0, 'g'},
                                         {"link", 1, 0, 'l'},  {"count", 1, 0, 'c'},
                                         {"timeout", 1, 0, 't'}, {"help", 0, 0, 'h'},
                                         {0, 0, 0, 0}};
    static struct cli_device d;
    const char *key = NULL, *grant = NULL, *link = NULL;
    long count = info ? 1 : 3, timeout_ms = 5000;
    int c, rc;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'k': key = optarg; break;
        case 'g': grant = optarg; break;
        case 'l': link = optarg; break;
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
        case 'h':
            printf("usage: tether %s DEVICE --key KEY --grant GRANT [--link ADDR] "
                   "[--count N] [--timeout MS]\n",
                   info ? "info" : "ping");
            return 0;
        default: goto bad;
        }
    }
    if (optind != argc - 1)
        goto bad;
    rc = cli_device_open(&d, argv[optind], key, grant, link, (int)timeout_ms);
    if (rc)
        return rc;
    printf("%-20s %.3f ms\n", "handshake", (double)d.client.handshake_us / 1e3);
    if (info)
        print_info(&d.client.reply.reply.hello);
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
            return cli_fail(cli_exit_for(e), "ping", e);
        }
        printf("%-20s %.3f ms (device time %" PRIu64 " ms)\n", "ping", ms_since(t0),
               rep.body.pong.device_time_ms);
    }
    tt_client_close(&d.client);
    return 0;
bad:
    fprintf(stderr, "usage: tether %s DEVICE --key KEY --grant GRANT [--link ADDR] "
                    "[--count N] [--timeout MS]\n",
            info ? "info" : "ping");
    return EXIT_USAGE;
}
