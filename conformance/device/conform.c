/* conform.c — the suite's runner: options, minting grants, connecting, the report.
 *
 *   tether-conform --device device.json --owner owner.pem [--link tcp:HOST:PORT]
 *                  [--has-clock] [--report FILE]
 * Prints one line per case (PASS/FAIL/N/A with its requirement IDs and why) and closes
 * with "N passed, N failed"; exit 0 only when nothing failed. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <time.h>

#include "conform.h"
#include "tether/crypto_backends.h"
#include "tether/grant.h"

tt_err conf_mint(struct conf *c, const struct conf_grant *g, tether_v1_SignedGrant *out)
{
    tether_v1_GrantBody b;
    uint64_t now = (uint64_t)time(NULL);
    tt_err e;
    memset(&b, 0, sizeof b);
    b.format = 1;
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
    b.serial = g->serial ? g->serial : 1;
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

tt_err conf_connect(struct conf *c, struct tt_tcp *tcp, struct tt_client *cl,
                    const tether_v1_ClientHello *hello)
{
    tt_err e = tt_tcp_open(tcp, c->link, 3000);
    if (e != TT_OK)
        return e;
    e = tt_client_connect(cl, &tcp->t, &tt_crypto_sodium, c->client_sk, c->rec.static_public,
                          hello, 30000); /* a hang guard: seconds under load */
    if (e != TT_OK)
        tcp->t.close(&tcp->t);
    return e;
}

tt_err conf_session(struct conf *c, struct tt_tcp *tcp, struct tt_client *cl, uint32_t perms)
{
    struct conf_grant g = {.permissions = perms};
    tether_v1_SignedGrant sg;
    tether_v1_ClientHello h;
    tt_err e = conf_mint(c, &g, &sg);
    if (e != TT_OK)
        return e;
    conf_hello(c, &h, &sg);
    return conf_connect(c, tcp, cl, &h);
}

static int load_pem_file(const char *path, char *buf, size_t cap)
{
    size_t n;
    if (tt_file_read(path, (uint8_t *)buf, cap - 1, &n) != TT_OK)
        return -1;
    buf[n] = 0;
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"device", 1, 0, 'd'}, {"owner", 1, 0, 'o'},
                                         {"link", 1, 0, 'l'},   {"has-clock", 0, 0, 'c'},
                                         {"report", 1, 0, 'r'}, {0, 0, 0, 0}};
    static struct conf c;
    const char *device = NULL, *owner = NULL, *report = NULL;
    char pem[2048];
    int opt, passed = 0, failed = 0, na = 0;
    FILE *rep = NULL;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 'd': device = optarg; break;
        case 'o': owner = optarg; break;
        case 'l': c.link = optarg; break;
        case 'c': c.has_clock = 1; break;
        case 'r': report = optarg; break;
        default: goto usage;
        }
    }
    if (!device || !owner || optind != argc)
        goto usage;
    if (sodium_init() < 0 || tt_device_record_load(device, &c.rec) != TT_OK) {
        fprintf(stderr, "tether-conform: cannot read device record %s: %s\n", device,
                tt_file_problem());
        return 2;
    }
    if (load_pem_file(owner, pem, sizeof pem) || tt_p256_priv_from_pem(c.owner_sk, pem)) {
        fprintf(stderr, "tether-conform: cannot read owner private key %s\n", owner);
        return 2;
    }
    sodium_memzero(pem, sizeof pem);
    if (!c.link)
        c.link = c.rec.link;
    if (tt_entropy_host(NULL, c.client_sk, 32) != TT_OK ||
        tt_crypto_sodium.x25519_public(c.client_pk, c.client_sk) != TT_OK)
        return 2;
    if (report && !(rep = fopen(report, "w"))) {
        fprintf(stderr, "tether-conform: cannot write %s\n", report);
        return 2;
    }
    if (rep)
        fprintf(rep, "# Device conformance report\n\nlink: %s\n\n| result | requirements | "
                     "case | detail |\n|---|---|---|---|\n",
                c.link);
    const struct {
        const struct conf_case *cases;
        size_t n;
    } groups[] = {{conf_handshake_cases, conf_handshake_ncases},
                  {conf_session_cases, conf_session_ncases},
                  {conf_spec11_cases, conf_spec11_ncases}};
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
        for (size_t i = 0; i < groups[g].n; i++) {
            const struct conf_case *k = &groups[g].cases[i];
            char why[256] = "";
            enum conf_result r = k->run(&c, why, sizeof why);
            const char *word = r == CONF_PASS ? "PASS" : r == CONF_FAIL ? "FAIL" : "N/A ";
            printf("%s %-28s %s%s%s\n", word, k->ids, k->title, why[0] ? ": " : "", why);
            if (rep)
                fprintf(rep, "| %s | %s | %s | %s |\n", word, k->ids, k->title, why);
            passed += r == CONF_PASS;
            failed += r == CONF_FAIL;
            na += r == CONF_NA;
        }
    }
    if (rep)
        fclose(rep);
    printf("\n%d not applicable\n%d passed, %d failed\n", na, passed, failed);
    return failed ? 1 : 0;
usage:
    fprintf(stderr, "usage: tether-conform --device device.json --owner owner.pem "
                    "[--link tcp:HOST:PORT] [--has-clock] [--report FILE]\n");
    return 1;
}
