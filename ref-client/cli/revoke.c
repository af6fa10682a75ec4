/* revoke.c — `tether revoke DEVICE --owner OWNER.pem --floor N`: the owner raises the
 * device's revocation floor, so every grant with a serial below N is refused from now on
 * ([GRT-020]..[GRT-022]). Any authorized session can carry the request: the owner's signature
 * over the floor body is the authority. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "cli.h"
#include "tether/grant.h"

int cmd_revoke(int argc, char **argv)
{
    static const struct option opts[] = {{"key", 1, 0, 'k'},   {"grant", 1, 0, 'g'},
                                         {"link", 1, 0, 'l'}, {"via", 1, 0, 'l'}, {"broker-credentials", 1, 0, 'B'},  {"owner", 1, 0, 'O'},
                                         {"floor", 1, 0, 'f'}, {"help", 0, 0, 'h'},
                                         {0, 0, 0, 0}};
    static struct cli_device d;
    static tether_v1_Message q, r;
    const char *key = NULL, *grant = NULL, *link = NULL, *owner = NULL;
    unsigned long long floor_v = 0;
    uint8_t owner_sk[32], digest[32];
    tether_v1_RevocationFloorBody body;
    size_t n;
    int c, rc;
    tt_err e;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'k': key = optarg; break;
        case 'g': grant = optarg; break;
        case 'l': link = optarg; break;
        case 'B': cli_broker_credentials = optarg; break;
        case 'O': owner = optarg; break;
        case 'f':
            floor_v = strtoull(optarg, &end, 10);
            if (*end || end == optarg || optarg[0] == '-' || floor_v == 0)
                goto bad;
            break;
        case 'h':
            printf("usage: tether revoke DEVICE --owner OWNER.pem --floor N --key KEY "
                   "--grant GRANT [--via ADDR]\n  refuse every grant with serial < N\n");
            return 0;
        default: goto bad;
        }
    }
    if (optind != argc - 1 || !owner || floor_v == 0)
        goto bad;
    rc = cli_load_owner_key(owner, owner_sk);
    if (rc)
        return rc;
    rc = cli_device_open(&d, argv[optind], key, grant, link, 10000);
    if (rc) {
        sodium_memzero(owner_sk, sizeof owner_sk);
        return rc;
    }
    memset(&body, 0, sizeof body);
    memcpy(body.device_id, d.rec.device_id, sizeof body.device_id);
    body.floor = floor_v;
    memset(&q, 0, sizeof q);
    q.which_body = tether_v1_Message_raise_revocation_floor_tag;
    tether_v1_RaiseRevocationFloor *rf = &q.body.raise_revocation_floor;
    e = tt_pb_encode(tether_v1_RevocationFloorBody_fields, &body, rf->body.bytes,
                     sizeof rf->body.bytes, &n);
    if (e == TT_OK) {
        rf->body.size = (pb_size_t)n;
        /* [GRT-021] SHA-256("tether-revocation-v1" || 0x00 || body) */
        crypto_hash_sha256_state st;
        crypto_hash_sha256_init(&st);
        crypto_hash_sha256_update(&st, (const uint8_t *)TT_REVOCATION_SIG_CONTEXT,
                                  sizeof TT_REVOCATION_SIG_CONTEXT);
        crypto_hash_sha256_update(&st, rf->body.bytes, n);
        crypto_hash_sha256_final(&st, digest);
        e = tt_p256_sign(rf->signature, owner_sk, digest);
    }
    sodium_memzero(owner_sk, sizeof owner_sk);
    if (e == TT_OK)
        e = tt_client_call_ok(&d.client, &q, &r, 10000);
    tt_client_close(&d.client);
    if (e != TT_OK)
        return cli_fail(cli_exit_for(e), "revoke", e);
    printf("revocation floor of the device is now at least %llu\n", floor_v);
    return 0;
bad:
    fprintf(stderr, "usage: tether revoke DEVICE --owner OWNER.pem --floor N --key KEY "
                    "--grant GRANT [--via ADDR]\n");
    return EXIT_USAGE;
}
