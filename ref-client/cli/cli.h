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
    EXIT_DEVICE_ERROR = 5
};

int cli_fail(int code, const char *what, tt_err e);
int cli_exit_for(tt_err e);
/* Reads the owner's P-256 private key; 0, or an exit code after saying why. */
int cli_load_owner_key(const char *path, uint8_t sk[32]);

/* What every device command needs, from its common options. */
struct cli_device {
    struct tt_device_record rec;
    uint8_t client_sk[32];
    tether_v1_SignedGrant grant;
    struct tt_link link;
    struct tt_client client;
};

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
int cmd_relay(int argc, char **argv);   /* relay.c: relay config */
int cmd_devices(int argc, char **argv); /* relay.c: presence on the broker */

#endif
