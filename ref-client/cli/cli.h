/* cli.h — shared pieces of the `tether` subcommands (one file per subcommand). */
#ifndef TETHER_CLI_H
#define TETHER_CLI_H

#include "../conn/client.h"
#include "../conn/keyfile.h"
#include "../conn/link.h"
#include "../conn/transport.h"

enum {
    EXIT_USAGE = 1,
    EXIT_BADFILE = 2,
    EXIT_UNREACHABLE = 3,
    EXIT_REFUSED = 4,
    EXIT_DEVICE_ERROR = 5,
    EXIT_NOT_ATTESTED = 6 /* tether attest: the evidence failed a verifier check */
};

/* The tool's version (--version); the file formats it reads are TT_FILE_FORMAT. */
#define TETHER_CLI_VERSION "1.1.0"

int cli_fail(int code, const char *what, tt_err e);
int cli_exit_for(tt_err e);
/* A file that cannot be used ([CLI-002]): always EXIT_BADFILE (a missing key is not an
 * unreachable device), with the path and tt_file_problem()'s reason. */
int cli_file_fail(const char *what, const char *path, tt_err e);
/* Reads the owner's P-256 private key; 0, or an exit code after saying why. */
int cli_load_owner_key(const char *path, uint8_t sk[32]);
/* Prints a JSON value on stdout (one line) and releases it; 0, or EXIT_DEVICE_ERROR if it
 * could not be built (NULL from a json_pack). For --json ([CLI-010]). */
struct json_t;
int cli_print_json(struct json_t *v);
/* JSON strings for bytes (lower-case hex) and versions ("major.minor.patch"); NULL on
 * failure, which json_pack's "o" turns into a failed pack. */
struct json_t *cli_json_hex(const uint8_t *b, size_t n);
struct json_t *cli_json_version(uint32_t v);
/* One "label  value" line of the text output, the label padded to width: bytes as hex, a
 * version as major.minor.patch. */
void cli_print_hex(int width, const char *label, const uint8_t *b, size_t n);
void cli_print_version(int width, const char *label, uint32_t v);

/* What every device command needs, from its common options. */
struct cli_device {
    struct tt_device_record rec;
    uint8_t client_sk[32];
    tether_v1_SignedGrant grant;
    struct tt_link link;
    struct tt_client client;
};

/* The options every device command takes, for cli_device_open. */
struct cli_device_opts {
    const char *key, *grant, *link;
};
/* Takes one getopt result if it is a device option: 'k' --key, 'g' --grant, 'l' --link or
 * --via, 'B' --broker-credentials. Returns 1 if it was one (arg stored), 0 otherwise. */
int cli_device_option(int c, const char *arg, struct cli_device_opts *o);

/* Parses --key/--grant/--link (and leaves other options to the caller via getopt's optind).
 * link (--via/--link) overrides the record's link; broker_credentials (--broker-credentials)
 * the record's "broker_credentials" file. Returns 0, or an exit code after printing why. */
int cli_device_open(struct cli_device *d, const char *record, const char *key,
                    const char *grant, const char *link, int timeout_ms);
/* Set by the --broker-credentials option of any device command (NULL: the record's). */
extern const char *cli_broker_credentials;

int cmd_grant(int argc, char **argv);
int cmd_ping(int argc, char **argv, int info);
int cmd_gdbserver(int argc, char **argv);
int cmd_revoke(int argc, char **argv);
int cmd_ota(int argc, char **argv); /* ota.c */
/* push|status|confirm|rollback|abort (ota_push.c); -1 when argv[0] is none of them. */
int cmd_ota_device(int argc, char **argv);
int cmd_attest(int argc, char **argv);
int cmd_log(int argc, char **argv); /* log.c */
int cmd_relay(int argc, char **argv);   /* relay.c: relay config */
int cmd_devices(int argc, char **argv); /* relay.c: presence on the broker */

#endif
