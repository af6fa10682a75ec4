/* tether.c — the `tether` command line: keys, grants, and talking to a device.
 *
 *   tether keygen client|owner|firmware OUT  make a key pair (PEM, OpenSSL-readable)
 *   tether grant ...                      the owner signs a grant for a client key
 *   tether ping DEVICE ...                handshake + pings, with measured round-trip times
 *   tether info DEVICE ...                identity, versions, capabilities, permissions
 *   tether attest DEVICE ...              challenge, verify and print the device's Evidence
 *   tether log DEVICE ...                 the app's log entries (cli/log.c)
 *   tether revoke DEVICE ...              owner: raise the device's revocation floor
 *   tether gdbserver DEVICE ...           local GDB server (ref-client/gdb)
 *   tether ota sign ...                   sign an OTA manifest for an app image (cli/ota.c)
 *   tether devices [DEVICE...]            which devices the relay's broker shows online
 *   tether relay config ...               broker users and ACLs from records and grants
 *
 * Exit codes: 0 ok, 1 usage, 2 bad file, 3 device unreachable or silent, 4 refused by the
 * device (handshake or authorization), 5 the device answered with an error, 128 + N stopped
 * by signal N (SIGINT, SIGTERM, SIGHUP) after closing the session.
 * Every argument and file is untrusted: each failure prints one specific line on stderr. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <time.h>

#include "../conn/client.h"
#include "../conn/keyfile.h"
#include "cli.h"
#include "tether/crypto_backends.h"
#include "tether/grant.h"
#include "tether/p256.h"

int cli_fail(int code, const char *what, tt_err e)
{
    fprintf(stderr, "tether: %s: %s [%s, %d]\n", what, tt_err_text(e), tt_err_name(e), (int)e);
    return code;
}

int cli_file_fail(const char *what, const char *path, tt_err e)
{
    const char *why = tt_file_problem();
    fprintf(stderr, "tether: %s %s: %s\n", what, path ? path : "(none)",
            why[0] ? why : tt_err_text(e));
    return EXIT_BADFILE;
}

/* Maps an error to the exit code its class deserves. */
int cli_exit_for(tt_err e)
{
    if (e == TT_ERR_INTERRUPTED)
        return 128 + tt_client_stop_signal();
    if (e == TT_ERR_IO || e == TT_ERR_TIMEOUT)
        return EXIT_UNREACHABLE;
    if (e == TT_ERR_FORMAT)
        return EXIT_BADFILE;
    if ((e >= 400 && e < 600) || e == TT_ERR_HS_DECRYPT)
        return EXIT_REFUSED;
    return EXIT_DEVICE_ERROR;
}

int cli_load_owner_key(const char *path, uint8_t sk[32])
{
    char pem[4096];
    size_t n;
    tt_err e = tt_file_read_private(path, (uint8_t *)pem, sizeof pem - 1, &n);
    if (e != TT_OK)
        return cli_file_fail("owner private key", path, e);
    pem[n] = 0;
    e = tt_p256_priv_from_pem(sk, pem);
    sodium_memzero(pem, sizeof pem);
    if (e != TT_OK)
        return cli_fail(EXIT_BADFILE, "owner private key (a P-256 PEM from tether keygen owner)",
                        TT_ERR_FORMAT);
    return 0;
}

int cli_print_json(json_t *v)
{
    if (!v) {
        fprintf(stderr, "tether: could not build the JSON output\n");
        return EXIT_DEVICE_ERROR;
    }
    /* 10 significant digits: milliseconds to the nanosecond, without binary noise */
    int rc = json_dumpf(v, stdout, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(10));
    rc = rc == 0 ? 0 : EXIT_DEVICE_ERROR;
    json_decref(v);
    fputc('\n', stdout);
    return rc;
}

static int usage(FILE *f)
{
    fprintf(f,
            "usage: tether <command> [options]    (tether <command> --help for each)\n"
            "\n"
            "commands:\n"
            "  keygen client|owner|firmware OUT\n"
            "                            write OUT (private key, mode 0600) and OUT.pub\n"
            "  grant                     sign a grant (tether grant --help)\n"
            "  ping DEVICE               handshake and ping, print round-trip times\n"
            "  info DEVICE               show identity, versions, capabilities, RTT\n"
            "  attest DEVICE             challenge the device, verify and print its evidence\n"
            "  log DEVICE                print the app's log (--follow, --count N, --json)\n"
            "  gdbserver DEVICE          serve GDB's remote protocol on localhost\n"
            "  revoke DEVICE             owner: refuse grants below a serial (--floor N)\n"
            "  ota sign                  sign an OTA manifest (tether ota --help)\n"
            "  devices [DEVICE...]       devices online on the relay's broker (presence)\n"
            "  relay config              broker users and ACLs from records and grants\n"
            "\n"
            "DEVICE is a device record (device.json from provisioning, spec/files.md).\n"
            "Device commands take\n"
            "  --key FILE      the client's X25519 private key (PEM, mode 0600)\n"
            "  --grant FILE    the grant the owner signed for that key\n"
            "  --via ADDR      override the record's link: tcp:HOST:PORT (direct) or\n"
            "                  mqtt://HOST:PORT (through a relay's broker; --link is the same)\n"
            "  --broker-credentials FILE  broker login for mqtt:// (JSON username/password;\n"
            "                  default: the record's \"broker_credentials\" file)\n"
            "  --json          ping, info, attest, revoke: one JSON object on stdout\n"
            "\n"
            "--version prints the tool's version. Exit codes: 0 ok, 1 usage, 2 bad file,\n"
            "3 device unreachable, 4 refused, 5 device error (6 attest: evidence not verified)\n");
    return f == stdout ? 0 : EXIT_USAGE;
}

static int cmd_keygen(int argc, char **argv)
{
    static const char use[] = "usage: tether keygen client|owner|firmware OUT\n"
                              "  client: X25519 (the session key), owner: ECDSA P-256 (signs "
                              "grants), firmware: ECDSA P-256 (signs OTA manifests)\n  writes OUT (private, mode 0600) and OUT.pub\n";
    char pem[1024], pubpath[4096];
    tt_err e;
    if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        fputs(use, stdout);
        return 0;
    }
    /* owner and firmware keys are both ECDSA P-256 ([ROL-002]) */
    if (argc != 3 || (strcmp(argv[1], "client") && strcmp(argv[1], "owner") &&
                      strcmp(argv[1], "firmware"))) {
        fputs(use, stderr);
        return EXIT_USAGE;
    }
    if (snprintf(pubpath, sizeof pubpath, "%s.pub", argv[2]) >= (int)sizeof pubpath)
        return cli_fail(EXIT_USAGE, "output path too long", TT_ERR_ARG);
    if (strcmp(argv[1], "client") == 0) {
        uint8_t sk[32], pk[32];
        e = tt_entropy_host(NULL, sk, sizeof sk);
        if (e == TT_OK)
            e = tt_crypto_sodium.x25519_public(pk, sk);
        if (e == TT_OK)
            e = tt_x25519_priv_to_pem(pem, sizeof pem, sk);
        if (e == TT_OK)
            e = tt_file_write(argv[2], pem, strlen(pem), 1);
        if (e == TT_OK)
            e = tt_x25519_pub_to_pem(pem, sizeof pem, pk);
        sodium_memzero(sk, sizeof sk);
    } else {
        uint8_t sk[32], pk[65];
        e = tt_p256_keygen(sk, pk, tt_entropy_host, NULL);
        if (e == TT_OK)
            e = tt_p256_priv_to_pem(pem, sizeof pem, sk);
        if (e == TT_OK)
            e = tt_file_write(argv[2], pem, strlen(pem), 1);
        if (e == TT_OK)
            e = tt_p256_pub_to_pem(pem, sizeof pem, pk);
        sodium_memzero(sk, sizeof sk);
    }
    if (e == TT_OK)
        e = tt_file_write(pubpath, pem, strlen(pem), 0);
    sodium_memzero(pem, sizeof pem);
    if (e != TT_OK)
        return tt_file_problem()[0] ? cli_file_fail("keygen: writing", argv[2], e)
                                    : cli_fail(cli_exit_for(e), "keygen", e);
    printf("wrote %s and %s\n", argv[2], pubpath);
    return 0;
}

static int cmd_ping_only(int argc, char **argv)
{
    return cmd_ping(argc, argv, 0);
}

static int cmd_info(int argc, char **argv)
{
    return cmd_ping(argc, argv, 1);
}

/* One row per command: `tether NAME ...` runs run(argc - 1, argv + 1). */
static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
} commands[] = {
    {"keygen", cmd_keygen},   {"grant", cmd_grant},   {"ping", cmd_ping_only},
    {"info", cmd_info},       {"attest", cmd_attest}, {"revoke", cmd_revoke},
    {"gdbserver", cmd_gdbserver}, {"ota", cmd_ota},       {"devices", cmd_devices},
    {"relay", cmd_relay},     {"log", cmd_log},
};

int main(int argc, char **argv)
{
    if (sodium_init() < 0) {
        fprintf(stderr, "tether: libsodium failed to initialise\n");
        return EXIT_DEVICE_ERROR;
    }
    if (argc < 2)
        return usage(stderr);
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help"))
        return usage(stdout);
    if (!strcmp(argv[1], "--version")) {
        printf("tether %s (Tether protocol %u, file format %d)\n", TETHER_CLI_VERSION,
               TT_PROTOCOL_VERSION, TT_FILE_FORMAT);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "tether: unknown command '%s' (tether --help)\n", argv[1]);
    return EXIT_USAGE;
}
