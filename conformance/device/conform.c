/* conform.c — the suite's runner: options, minting grants, connecting, the reports.
 *
 *   tether-conform --device device.json --owner owner.pem
 *                  [--link tcp:HOST:PORT | --link mqtt://HOST:PORT [--broker-credentials FILE]]
 *                  [--has-clock] [--only TEXT] [--report FILE.md] [--junit FILE.xml]
 *                  [--firmware firmware.pem [--ota-image app.bin]]
 *   tether-conform --client 'CMD {device} {key} {grant}'
 *                  [--client-attest 'CMD {device} {key} {grant} {app}'] [--report FILE.md]
 *                  [--junit FILE.xml]
 *   tether-conform --list
 * Prints one line per case (PASS/FAIL/N/A with its requirement IDs and why) and closes
 * with "N passed, N failed". The link is the record's or --link, with the addresses and broker
 * credentials of `tether` ([MTB-026]: a "broker_credentials" file in the record or
 * --broker-credentials FILE, never on the command line): a device behind any MQTT broker. Exit codes: 0 every applicable case passed (conformant),
 * 1 a case failed, 2 bad invocation or unreadable inputs, 3 the device cannot be reached
 * (no session could be opened, so nothing was judged). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <time.h>

#include "conform.h"
#include "report.h"
#include "../client/client_suite.h"
#include "tether/crypto_backends.h"
#include "tether/framing.h"
#include "tether/grant.h"

tt_err conf_mint(struct conf *c, const struct conf_grant *g, tether_v1_SignedGrant *out)
{
    tether_v1_GrantBody b;
    uint64_t now = (uint64_t)time(NULL);
    tt_err e;
    memset(&b, 0, sizeof b);
    b.format = g->format ? g->format : 1;
    memcpy(b.client_key, c->client_pk, 32);
    if (g->other_client_key)
        b.client_key[0] ^= 0x55;
    b.which_scope = tether_v1_GrantBody_device_id_tag;
    memcpy(b.scope.device_id, c->rec.device_id, 16);
    if (g->other_device)
        b.scope.device_id[15] ^= 0xA5;
    b.permissions = g->permissions ? g->permissions : TT_PERM_ALL;
    b.not_before = g->expired ? now - 7200 : now - 60;
    b.not_after = g->expired ? now - 3600 : now + 3600;
    b.serial = g->serial ? g->serial : c->serial;
    e = tt_grant_sign(&b, c->owner_sk, out);
    if (e == TT_OK && g->bad_signature)
        out->signature[10] ^= 0x01;
    return e;
}

void conf_hello(struct conf *c, tether_v1_ClientHello *h, const tether_v1_SignedGrant *g)
{
    struct timespec ts;
    uint64_t t;
    clock_gettime(CLOCK_REALTIME, &ts);
    t = (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
    if (t <= c->last_timestamp)
        t = c->last_timestamp + 1; /* [HS-024] */
    c->last_timestamp = t;
    memset(h, 0, sizeof *h);
    h->version_min = h->version_max = TT_PROTOCOL_VERSION;
    h->timestamp = t;
    h->has_grant = true;
    h->grant = *g;
    snprintf(h->client_name, sizeof h->client_name, "tether-conform");
}

tt_err conf_link_open(struct conf *c, struct tt_link *l)
{
    /* a hang guard, not a speed check: a broker on a loaded machine can take seconds */
    return tt_link_open(l, c->link, c->credentials, c->rec.device_id, 10000);
}

tt_err conf_send_packet(struct tt_transport *t, const uint8_t *pkt, size_t n)
{
    uint8_t frame[TT_PKT_MAX_LEN + TT_FRAME_OVERHEAD];
    size_t fn;
    if (!t->byte_stream)
        return t->send(t, pkt, n);
    tt_err e = tt_frame_encode(pkt, n, frame, sizeof frame, &fn);
    return e == TT_OK ? t->send(t, frame, fn) : e;
}

enum conf_result conf_needs_byte_stream(struct conf *c, char *why, size_t whylen)
{
    if (c->byte_stream)
        return CONF_PASS;
    snprintf(why, whylen, "%s is a message transport: no frames or byte stream to test "
                          "(one packet per message, [MTB-001]: the message group)", c->link);
    return CONF_NA;
}

tt_err conf_connect(struct conf *c, struct tt_link *link, struct tt_client *cl,
                    const tether_v1_ClientHello *hello)
{
    return conf_connect_extra(c, link, cl, hello, NULL, 0);
}

tt_err conf_connect_extra(struct conf *c, struct tt_link *link, struct tt_client *cl,
                          const tether_v1_ClientHello *hello, const uint8_t *extra, size_t n)
{
    tt_err e = conf_link_open(c, link);
    if (e != TT_OK)
        return e;
    e = tt_client_connect_extra(cl, link->t, &tt_crypto_sodium, c->client_sk,
                                c->rec.static_public, hello, extra, n,
                                30000); /* a hang guard: seconds under load */
    if (e != TT_OK)
        link->t->close(link->t);
    return e;
}

tt_err conf_session(struct conf *c, struct tt_link *link, struct tt_client *cl, uint32_t perms)
{
    struct conf_grant g = {.permissions = perms};
    tether_v1_SignedGrant sg;
    tether_v1_ClientHello h;
    tt_err e = conf_mint(c, &g, &sg);
    if (e != TT_OK)
        return e;
    conf_hello(c, &h, &sg);
    return conf_connect(c, link, cl, &h);
}

void conf_end(struct tt_client *cl)
{
    static tether_v1_Message q, r;
    memset(&q, 0, sizeof q);
    q.which_body = tether_v1_Message_close_tag;
    tt_err e = tt_client_call(cl, &q, &r, 1000); /* unanswered: the slot ages out */
    (void)e;
    tt_client_close(cl);
}

void conf_new_key(struct conf *c, struct conf_key *saved)
{
    memcpy(saved->sk, c->client_sk, 32);
    memcpy(saved->pk, c->client_pk, 32);
    randombytes_buf(c->client_sk, 32);
    if (tt_crypto_sodium.x25519_public(c->client_pk, c->client_sk) != TT_OK)
        abort(); /* libsodium refuses only a low-order result, not from a random key */
}

void conf_restore_key(struct conf *c, const struct conf_key *saved)
{
    memcpy(c->client_sk, saved->sk, 32);
    memcpy(c->client_pk, saved->pk, 32);
}

static int load_pem_file(const char *path, char *buf, size_t cap)
{
    size_t n;
    if (tt_file_read(path, (uint8_t *)buf, cap - 1, &n) != TT_OK)
        return -1;
    buf[n] = 0;
    return 0;
}

/* The attestation public key of the device record ("attest_public": 65 bytes hex), which
 * the record parser of the client does not keep. */
static void load_attest_pub(struct conf *c, const char *path)
{
    char json[4096];
    size_t n;
    const char *p;
    if (tt_file_read(path, (uint8_t *)json, sizeof json - 1, &n) != TT_OK)
        return;
    json[n] = 0;
    p = strstr(json, "\"attest_public\"");
    if (p && (p = strchr(p + 15, '"')) && strlen(p + 1) >= 130 &&
        tt_hex_decode(p + 1, 130, c->attest_pub, 65) == TT_OK)
        c->has_attest_pub = 1;
}

/* The app image the OTA install case installs (at most 2 MiB: a slot of the largest MCU). */
static int load_ota_image(struct conf *c, const char *path)
{
    static uint8_t image[0x200000 - 64];
    size_t n;
    if (tt_file_read(path, image, sizeof image, &n) != TT_OK || n == 0)
        return -1;
    c->ota_image = image;
    c->ota_image_len = n;
    return 0;
}

/* One handshake before the cases: the capabilities and limits they adapt to. */
static tt_err probe(struct conf *c)
{
    static struct tt_client cl;
    static struct tt_link link;
    tt_err e = conf_session(c, &link, &cl, 0);
    if (e != TT_OK)
        return e;
    c->byte_stream = link.t->byte_stream;
    c->capabilities = cl.reply.reply.hello.capabilities;
    c->limits = cl.reply.reply.hello.limits;
    conf_end(&cl);
    return TT_OK;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int matches(const struct conf_case *k, const char *only)
{
    return !only || strstr(k->ids, only) || strstr(k->title, only);
}

#define MAX_OUTCOMES 256

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"device", 1, 0, 'd'}, {"owner", 1, 0, 'o'}, {"link", 1, 0, 'l'},
        {"has-clock", 0, 0, 'c'}, {"report", 1, 0, 'r'}, {"junit", 1, 0, 'j'},
        {"only", 1, 0, 'n'}, {"list", 0, 0, 'L'}, {"client", 1, 0, 'C'},
        {"firmware", 1, 0, 'f'}, {"ota-image", 1, 0, 'i'},
        {"client-attest", 1, 0, 'A'}, {"broker-credentials", 1, 0, 'B'}, {0, 0, 0, 0}};
    static struct conf c;
    static struct conf_outcome out[MAX_OUTCOMES];
    const char *device = NULL, *owner = NULL, *report = NULL, *junit = NULL, *only = NULL,
               *client = NULL, *client_attest = NULL, *firmware = NULL, *ota_image = NULL;
    char pem[2048];
    static char record_creds[4096];
    int opt, list = 0, passed = 0, failed = 0, na = 0;
    size_t nout = 0;
    double t0;
    tt_err e;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 'd': device = optarg; break;
        case 'o': owner = optarg; break;
        case 'l': c.link = optarg; break;
        case 'c': c.has_clock = 1; break;
        case 'r': report = optarg; break;
        case 'j': junit = optarg; break;
        case 'n': only = optarg; break;
        case 'L': list = 1; break;
        case 'C': client = optarg; break;
        case 'f': firmware = optarg; break;
        case 'i': ota_image = optarg; break;
        case 'A': client_attest = optarg; break;
        case 'B': c.credentials = optarg; break;
        default: goto usage;
        }
    }
    if (optind != argc)
        goto usage;
    if (list) { /* what the coverage matrix (tools/conform_coverage.py) reads */
        for (size_t g = 0; g < conf_ngroups; g++)
            for (size_t i = 0; i < *conf_groups[g].ncases; i++)
                printf("device\t%s\t%s\t%s\n", conf_groups[g].name, conf_groups[g].cases[i].ids,
                       conf_groups[g].cases[i].title);
        return client_suite_run(NULL, NULL, NULL, 0, 1);
    }
    if (client) { /* the client suite: we play the device ([CNF-022]) */
        if (sodium_init() < 0)
            return 2;
        t0 = now_s();
        int k = client_suite_run(client, client_attest, out, MAX_OUTCOMES, 0);
        if (k < 0) {
            fprintf(stderr, "tether-conform: the client suite could not start\n");
            return 2;
        }
        for (int i = 0; i < k; i++) {
            passed += out[i].r == CONF_PASS;
            failed += out[i].r == CONF_FAIL;
            na += out[i].r == CONF_NA;
        }
        if (junit && conf_write_junit(junit, "tether.client", out, (size_t)k, now_s() - t0))
            fprintf(stderr, "tether-conform: cannot write %s\n", junit);
        if (report && conf_write_markdown(report, "Tether client conformance report", client,
                                          out, (size_t)k))
            fprintf(stderr, "tether-conform: cannot write %s\n", report);
        printf("\n%d not applicable\n%d passed, %d failed\n", na, passed, failed);
        return failed ? 1 : 0;
    }
    if (!device || !owner)
        goto usage;
    if (sodium_init() < 0 || tt_device_record_load(device, &c.rec) != TT_OK) {
        fprintf(stderr, "tether-conform: cannot read device record %s: %s\n", device,
                tt_file_problem());
        return 2;
    }
    load_attest_pub(&c, device);
    if (load_pem_file(owner, pem, sizeof pem) || tt_p256_priv_from_pem(c.owner_sk, pem)) {
        fprintf(stderr, "tether-conform: cannot read owner private key %s\n", owner);
        return 2;
    }
    sodium_memzero(pem, sizeof pem);
    if (firmware) {
        if (load_pem_file(firmware, pem, sizeof pem) ||
            tt_p256_priv_from_pem(c.firmware_sk, pem)) {
            fprintf(stderr, "tether-conform: cannot read firmware private key %s\n", firmware);
            return 2;
        }
        c.has_firmware = 1;
        sodium_memzero(pem, sizeof pem);
    }
    if (ota_image && load_ota_image(&c, ota_image) != 0) {
        fprintf(stderr, "tether-conform: cannot read OTA image %s: %s\n", ota_image,
                tt_file_problem());
        return 2;
    }
    if (!c.link)
        c.link = c.rec.link;
    if (!c.credentials) {
        if (tt_record_broker_credentials(device, record_creds, sizeof record_creds) != TT_OK) {
            fprintf(stderr, "tether-conform: bad broker_credentials entry in %s\n", device);
            return 2;
        }
        c.credentials = record_creds;
    }
    if (strncmp(c.link, "mqtt://", 7) == 0) {
        struct tt_mqtt_login login;
        if (!c.credentials[0]) {
            fprintf(stderr, "tether-conform: %s needs broker credentials: a "
                            "\"broker_credentials\" file in the device record or "
                            "--broker-credentials FILE\n", c.link);
            return 2;
        }
        if (tt_broker_login_load(c.credentials, &login) != TT_OK) {
            fprintf(stderr, "tether-conform: cannot read broker credentials %s: %s\n",
                    c.credentials, tt_file_problem());
            return 2;
        }
        sodium_memzero(&login, sizeof login);
    }
    c.serial = 1;
    if (tt_entropy_host(NULL, c.client_sk, 32) != TT_OK ||
        tt_crypto_sodium.x25519_public(c.client_pk, c.client_sk) != TT_OK)
        return 2;
    if ((e = probe(&c)) != TT_OK) {
        fprintf(stderr, "tether-conform: no session with the device at %s: %s\n", c.link,
                tt_err_name(e));
        return 3;
    }
    t0 = now_s();
    for (size_t g = 0; g < conf_ngroups; g++) {
        for (size_t i = 0; i < *conf_groups[g].ncases && nout < MAX_OUTCOMES; i++) {
            const struct conf_case *k = &conf_groups[g].cases[i];
            struct conf_outcome *o = &out[nout++];
            double t;
            if (!matches(k, only)) {
                nout--;
                continue;
            }
            c.trace_len = 0;
            c.trace[0] = 0;
            o->group = conf_groups[g].name;
            o->k = k;
            t = now_s();
            o->r = k->run(&c, o->why, sizeof o->why);
            o->seconds = now_s() - t;
            if (o->r == CONF_FAIL)
                o->trace = strdup(c.trace);
            const char *w = o->r == CONF_PASS ? "PASS" : o->r == CONF_FAIL ? "FAIL" : "N/A ";
            printf("%s %-8s %-30s %s%s%s\n", w, o->group, k->ids, k->title,
                   o->why[0] ? ": " : "", o->why);
            if (o->r == CONF_FAIL && c.trace_len)
                printf("       exchange:\n%s", c.trace);
            fflush(stdout);
            passed += o->r == CONF_PASS;
            failed += o->r == CONF_FAIL;
            na += o->r == CONF_NA;
        }
    }
    if (junit && conf_write_junit(junit, "tether.device", out, nout, now_s() - t0) != 0)
        fprintf(stderr, "tether-conform: cannot write %s\n", junit);
    if (report && conf_write_markdown(report, "Tether device conformance report", c.link, out,
                                      nout) != 0)
        fprintf(stderr, "tether-conform: cannot write %s\n", report);
    printf("\n%d not applicable\n%d passed, %d failed\n", na, passed, failed);
    return failed ? 1 : 0;
usage:
    fprintf(stderr, "usage: tether-conform --device device.json --owner owner.pem "
                    "[--link tcp:HOST:PORT|mqtt://HOST:PORT] [--broker-credentials FILE] [--has-clock] [--only TEXT] [--report FILE.md] "
                    "[--junit FILE.xml] [--firmware firmware.pem [--ota-image app.bin]]\n"
                    "       tether-conform --client 'CMD {device} {key} {grant}' "
                    "[--client-attest 'CMD {device} {key} {grant} {app}'] [--report FILE.md] "
                    "[--junit FILE.xml]\n       tether-conform --list\n");
    return 2;
}
