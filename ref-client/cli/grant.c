/* grant.c — `tether grant`: the owner signs a grant binding a client key to a device or a
 * group, with permissions, a validity window and a serial (spec/authorization.md). */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <time.h>

#include "cli.h"
#include "tether/grant.h"
#include "tether/p256.h"

static const struct {
    const char *name;
    uint32_t bit;
} perms[] = {{"debug-read", TT_PERM_DEBUG_READ}, {"debug-control", TT_PERM_DEBUG_CONTROL},
             {"memory-write", TT_PERM_MEMORY_WRITE}, {"ota", TT_PERM_OTA},
             {"attest", TT_PERM_ATTEST}, {"log", TT_PERM_LOG}, {"reset", TT_PERM_RESET},
             {"all", TT_PERM_ALL}};

static int parse_perms(const char *list, uint32_t *out)
{
    char buf[256], *tok, *save;
    if (strlen(list) >= sizeof buf)
        return -1;
    strcpy(buf, list);
    *out = 0;
    for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        size_t i;
        for (i = 0; i < sizeof perms / sizeof perms[0]; i++)
            if (!strcmp(tok, perms[i].name))
                break;
        if (i == sizeof perms / sizeof perms[0]) {
            fprintf(stderr, "tether grant: unknown permission '%s'\n", tok);
            return -1;
        }
        *out |= perms[i].bit;
    }
    return *out ? 0 : -1;
}

static int parse_u64(const char *s, uint64_t *v)
{
    char *end;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 10);
    if (errno || *end || end == s || s[0] == '-')
        return -1;
    *v = x;
    return 0;
}

/* [CLI-020] A grant signed by a key the device does not hold as its owner's is refused at
 * every handshake: when the record names the owner key, the signer must be it. */
static int check_owner(const char *record, const struct tt_device_record *r, const char *owner,
                       const uint8_t owner_sk[32])
{
    uint8_t pub[TT_P256_PUB_LEN];
    char want[2 * 8 + 1], have[2 * 8 + 1];
    if (!record || !r->has_owner_public)
        return 0;
    if (tt_p256_public(pub, owner_sk) != TT_OK)
        return cli_fail(EXIT_BADFILE, "owner private key", TT_ERR_FORMAT);
    if (memcmp(pub, r->owner_public, sizeof pub) == 0)
        return 0;
    /* the X coordinate's first bytes name a key well enough for a human to tell them apart */
    sodium_bin2hex(want, sizeof want, r->owner_public + 1, 8);
    sodium_bin2hex(have, sizeof have, pub + 1, 8);
    fprintf(stderr, "tether grant: %s is not the owner key of %s: the record's owner_public "
                    "is 04%s..., this key's public key is 04%s...; sign with the owner key "
                    "the device was provisioned with (for the emulated device: owner.pem next "
                    "to its device.json)\n", owner, record, want, have);
    return EXIT_BADFILE;
}

static void grant_usage(FILE *f)
{
    fprintf(f, "usage: tether grant --owner OWNER.pem --client CLIENT.pub\n"
               "         (--device HEX | --group HEX | --device-record device.json)\n"
               "         [--perms LIST] [--valid-for SECONDS | --not-before T --not-after T]\n"
               "         [--serial N] -o GRANT\n"
               "  LIST: comma-separated debug-read,debug-control,memory-write,ota,attest,log,\n"
               "        reset or all (default all); T: Unix seconds; default validity 1 day\n"
               "  With --device-record, OWNER.pem must be the key whose public half is the\n"
               "  record's owner_public (checked); the grant file format is spec/files.md.\n");
}

int cmd_grant(int argc, char **argv)
{
    static const struct option opts[] = {
        {"owner", 1, 0, 'O'},     {"client", 1, 0, 'c'},     {"device", 1, 0, 'd'},
        {"group", 1, 0, 'g'},     {"device-record", 1, 0, 'r'}, {"perms", 1, 0, 'p'},
        {"valid-for", 1, 0, 'v'}, {"not-before", 1, 0, 'b'}, {"not-after", 1, 0, 'a'},
        {"serial", 1, 0, 's'},    {"help", 0, 0, 'h'},       {0, 0, 0, 0}};
    const char *owner = NULL, *client = NULL, *device = NULL, *group = NULL, *record = NULL,
               *out = NULL;
    uint64_t valid_for = 86400, nb = 0, na = 0, serial = 1;
    uint32_t permissions = TT_PERM_ALL;
    int c, rc, have_window = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'O': owner = optarg; break;
        case 'c': client = optarg; break;
        case 'd': device = optarg; break;
        case 'g': group = optarg; break;
        case 'r': record = optarg; break;
        case 'o': out = optarg; break;
        case 'p':
            if (parse_perms(optarg, &permissions))
                return grant_usage(stderr), EXIT_USAGE;
            break;
        case 'v':
            if (parse_u64(optarg, &valid_for) || valid_for == 0)
                return grant_usage(stderr), EXIT_USAGE;
            break;
        case 'b':
            if (parse_u64(optarg, &nb))
                return grant_usage(stderr), EXIT_USAGE;
            have_window |= 1;
            break;
        case 'a':
            if (parse_u64(optarg, &na))
                return grant_usage(stderr), EXIT_USAGE;
            have_window |= 2;
            break;
        case 's':
            if (parse_u64(optarg, &serial))
                return grant_usage(stderr), EXIT_USAGE;
            break;
        case 'h': grant_usage(stdout); return 0;
        default: grant_usage(stderr); return EXIT_USAGE;
        }
    }
    if (optind != argc || !owner || !client || !out || (!!device + !!group + !!record) != 1 ||
        (have_window && have_window != 3)) {
        grant_usage(stderr);
        return EXIT_USAGE;
    }
    if (!have_window) {
        nb = (uint64_t)time(NULL);
        na = nb + valid_for;
    }
    if (na <= nb) {
        fprintf(stderr, "tether grant: --not-after must be later than --not-before\n");
        return EXIT_USAGE;
    }

    uint8_t buf[4096], owner_sk[32];
    struct tt_device_record r;
    size_t n;
    tether_v1_GrantBody body;
    tether_v1_SignedGrant sg;
    tt_err e;
    memset(&body, 0, sizeof body);
    body.format = 1;
    body.permissions = permissions;
    body.not_before = nb;
    body.not_after = na;
    body.serial = serial;
    e = tt_file_read(client, buf, sizeof buf - 1, &n);
    if (e != TT_OK)
        return cli_file_fail("client public key", client, e);
    buf[n] = 0;
    e = tt_x25519_pub_from_pem(body.client_key, (const char *)buf);
    if (e != TT_OK)
        return cli_file_fail("client public key", client, e);
    if (record) {
        e = tt_device_record_load(record, &r);
        if (e != TT_OK)
            return cli_file_fail("device record", record, e);
        body.which_scope = tether_v1_GrantBody_device_id_tag;
        memcpy(body.scope.device_id, r.device_id, 16);
    } else {
        const char *hex = device ? device : group;
        body.which_scope =
            device ? tether_v1_GrantBody_device_id_tag : tether_v1_GrantBody_group_id_tag;
        if (tt_hex_decode(hex, strlen(hex), device ? body.scope.device_id : body.scope.group_id,
                          16) != TT_OK) {
            fprintf(stderr, "tether grant: device or group id must be 32 hex digits\n");
            return EXIT_USAGE;
        }
    }
    rc = cli_load_owner_key(owner, owner_sk);
    if (rc)
        return rc;
    rc = check_owner(record, &r, owner, owner_sk);
    if (rc) {
        sodium_memzero(owner_sk, sizeof owner_sk);
        return rc;
    }
    e = tt_grant_sign(&body, owner_sk, &sg);
    sodium_memzero(owner_sk, sizeof owner_sk);
    if (e == TT_OK)
        e = tt_pb_encode(tether_v1_SignedGrant_fields, &sg, buf, sizeof buf, &n);
    if (e == TT_OK)
        e = tt_file_write(out, buf, n, 0);
    if (e != TT_OK)
        return tt_file_problem()[0] ? cli_file_fail("grant: writing", out, e)
                                    : cli_fail(cli_exit_for(e), "grant", e);
    printf("wrote %s: serial %" PRIu64 ", permissions 0x%02" PRIx32 ", valid %" PRIu64
           "..%" PRIu64 "\n",
           out, serial, permissions, nb, na);
    return 0;
}
