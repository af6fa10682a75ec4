/* revoke.c — `tether revoke DEVICE`: the owner raises the device's revocation floor, so
 * every grant with a serial below N is refused from now on ([GRT-020]..[GRT-022]). Any
 * authorized session can carry the request: the owner's signature over the floor body is the
 * authority. So the owner may sign offline into a revocation file (-o, spec/files.md
 * [FIL-040]) that anyone with a session delivers later (--file). */
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "cli.h"
#include "tether/grant.h"
#include "tether/p256.h"

/* [GRT-021] SHA-256("tether-revocation-v1" || 0x00 || body) */
static void floor_digest(const uint8_t *body, size_t n, uint8_t digest[32])
{
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const uint8_t *)TT_REVOCATION_SIG_CONTEXT,
                              sizeof TT_REVOCATION_SIG_CONTEXT);
    crypto_hash_sha256_update(&st, body, n);
    crypto_hash_sha256_final(&st, digest);
}

/* The owner signs the floor for one device. */
static int sign_floor(const char *owner, const uint8_t device_id[16], uint64_t floor_v,
                      tether_v1_RaiseRevocationFloor *rf)
{
    tether_v1_RevocationFloorBody body;
    uint8_t owner_sk[32], digest[32];
    size_t n;
    int rc = cli_load_owner_key(owner, owner_sk);
    if (rc)
        return rc;
    memset(&body, 0, sizeof body);
    memcpy(body.device_id, device_id, sizeof body.device_id);
    body.floor = floor_v;
    memset(rf, 0, sizeof *rf);
    tt_err e = tt_pb_encode(tether_v1_RevocationFloorBody_fields, &body, rf->body.bytes,
                            sizeof rf->body.bytes, &n);
    if (e == TT_OK) {
        rf->body.size = (pb_size_t)n;
        floor_digest(rf->body.bytes, n, digest);
        e = tt_p256_sign(rf->signature, owner_sk, digest);
    }
    sodium_memzero(owner_sk, sizeof owner_sk);
    return e == TT_OK ? 0 : cli_fail(cli_exit_for(e), "signing the floor", e);
}

/* A revocation file must be for this device and, when the record names the owner key,
 * signed by it: a wrong file is said here, not by the device's refusal. */
static int load_floor_file(const char *path, const struct tt_device_record *rec,
                           tether_v1_RaiseRevocationFloor *rf, uint64_t *floor_v)
{
    tether_v1_RevocationFloorBody body;
    uint8_t digest[32];
    tt_err e = tt_revocation_file_load(path, rf, &body);
    if (e != TT_OK)
        return cli_file_fail("revocation file", path, e);
    if (memcmp(body.device_id, rec->device_id, sizeof body.device_id) != 0) {
        fprintf(stderr, "tether revoke: %s is for another device than the record's\n", path);
        return EXIT_BADFILE;
    }
    floor_digest(rf->body.bytes, rf->body.size, digest);
    if (rec->has_owner_public && tt_p256_verify(rec->owner_public, TT_P256_PUB_LEN, digest,
                                                rf->signature, TT_P256_SIG_LEN) != TT_OK) {
        fprintf(stderr,
                "tether revoke: %s is not signed by this device's owner (the "
                "record's owner_public)\n",
                path);
        return EXIT_BADFILE;
    }
    *floor_v = body.floor;
    return 0;
}

static void revoke_usage(FILE *f)
{
    fprintf(f, "usage: tether revoke DEVICE --owner OWNER.pem --floor N --key KEY --grant GRANT\n"
               "         [--via ADDR] [--json]        sign and send now\n"
               "       tether revoke DEVICE --owner OWNER.pem --floor N -o FILE\n"
               "                                      sign only: write a revocation file\n"
               "       tether revoke DEVICE --file FILE --key KEY --grant GRANT [--json]\n"
               "                                      send a revocation file\n"
               "  refuse every grant with serial < N on DEVICE (the owner's signature is the\n"
               "  authority: any session may deliver it)\n");
}

int cmd_revoke(int argc, char **argv)
{
    static const struct option opts[] = {
        {"key", 1, 0, 'k'},   {"grant", 1, 0, 'g'}, {"link", 1, 0, 'l'},
        {"via", 1, 0, 'l'},   {"broker-credentials", 1, 0, 'B'},
        {"owner", 1, 0, 'O'}, {"floor", 1, 0, 'f'}, {"json", 0, 0, 'j'},
        {"file", 1, 0, 'F'},  {"help", 0, 0, 'h'},  {0, 0, 0, 0}};
    static struct cli_device d;
    static tether_v1_Message q, r;
    struct cli_device_opts conn = {0};
    const char *owner = NULL, *out = NULL, *file = NULL;
    unsigned long long floor_v = 0;
    int c, rc, as_json = 0;
    tt_err e;
    optind = 1;
    while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
        char *end;
        if (cli_device_option(c, optarg, &conn))
            continue;
        switch (c) {
        case 'O':
            owner = optarg;
            break;
        case 'o':
            out = optarg;
            break;
        case 'F':
            file = optarg;
            break;
        case 'j':
            as_json = 1;
            break;
        case 'f':
            floor_v = strtoull(optarg, &end, 10);
            if (*end || end == optarg || optarg[0] == '-' || floor_v == 0)
                goto bad;
            break;
        case 'h':
            revoke_usage(stdout);
            return 0;
        default:
            goto bad;
        }
    }
    /* exactly one source of the signed floor: the owner's key now, or a file */
    if (optind != argc - 1 || (file ? (owner || floor_v || out) : (!owner || floor_v == 0)))
        goto bad;
    e = tt_device_record_load(argv[optind], &d.rec);
    if (e != TT_OK)
        return cli_file_fail("device record", argv[optind], e);
    tether_v1_RaiseRevocationFloor *rf = &q.body.raise_revocation_floor;
    memset(&q, 0, sizeof q);
    q.which_body = tether_v1_Message_raise_revocation_floor_tag;
    if (file) {
        uint64_t f;
        rc = load_floor_file(file, &d.rec, rf, &f);
        floor_v = f;
    } else {
        rc = sign_floor(owner, d.rec.device_id, floor_v, rf);
        uint8_t digest[32];
        floor_digest(rf->body.bytes, rf->body.size, digest);
        /* [CLI-020] as for grants: a floor signed by another key is refused by the device */
        if (!rc && d.rec.has_owner_public &&
            tt_p256_verify(d.rec.owner_public, TT_P256_PUB_LEN, digest, rf->signature,
                           TT_P256_SIG_LEN) != TT_OK) {
            fprintf(stderr,
                    "tether revoke: %s is not the owner key of %s (its owner_public): "
                    "sign with the key the device was provisioned with\n",
                    owner, argv[optind]);
            rc = EXIT_BADFILE;
        }
    }
    if (rc)
        return rc;
    if (out) {
        uint8_t buf[sizeof *rf + 16];
        size_t n;
        e = tt_pb_encode(tether_v1_RaiseRevocationFloor_fields, rf, buf, sizeof buf, &n);
        if (e == TT_OK)
            e = tt_file_write(out, buf, n, 0);
        if (e != TT_OK)
            return cli_file_fail("revocation file", out, e);
        printf("wrote %s: floor %llu for this device; deliver it with tether revoke DEVICE "
               "--file %s\n",
               out, floor_v, out);
        return 0;
    }
    rc = cli_device_open(&d, argv[optind], conn.key, conn.grant, conn.link, 10000);
    if (rc)
        return rc;
    e = tt_client_call_ok(&d.client, &q, &r, 10000);
    tt_client_close(&d.client);
    if (e != TT_OK)
        return cli_fail(cli_exit_for(e), "revoke", e);
    if (as_json)
        return cli_print_json(json_pack("{s:o, s:I}", "device_id",
                                        cli_json_hex(d.rec.device_id, sizeof d.rec.device_id),
                                        "floor_at_least", (json_int_t)floor_v));
    printf("revocation floor of the device is now at least %llu\n", floor_v);
    return 0;
bad:
    revoke_usage(stderr);
    return EXIT_USAGE;
}
