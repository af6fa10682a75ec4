/* relay.c — the relay's side of the CLI:
 *
 *   tether relay config --out DIR --device RECORD... [--client NAME=GRANT...] [--monitor NAME]
 *       writes a mosquitto password file (DIR/passwd, PBKDF2-SHA512 "$7$" entries), an ACL
 *       file (DIR/acl) and one credentials file per broker user (DIR/credentials/USER.json,
 *       mode 0600) — spec/transport.md [MTB-034]..[MTB-037]. A device logs in as its id (32
 *       hex digits) and may only read its down and write its up and presence topics (%u
 *       patterns: the authenticated username, never the client id the client claims). A
 *       client NAME may reach exactly the devices its grants name. A monitor reads everything
 *       (the test that checks the relay sees only ciphertext).
 *   tether devices [RECORD...] [--via mqtt://HOST:PORT] [--broker-credentials FILE]
 *       lists the presence the broker retains (tether/<id>/presence, [MTB-030]): every device
 *       the login may see, or only the records given.
 *
 * Passwords are random (libsodium), written only into the 0600 credentials files and as
 * salted hashes into passwd. Grants and records are untrusted files: checked, exact. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <mosquitto.h>
#include <sodium.h>

#include "cli.h"

#define MAX_DEVICES 256
#define MAX_CLIENTS 64
#define PBKDF2_ITERATIONS 101 /* what mosquitto_passwd writes for "$7$" */
#define SALT_LEN 12

struct relay_user {
    char name[65];
    char password[49];
};

struct relay_config {
    const char *out;
    struct relay_user devices[MAX_DEVICES];
    uint8_t device_ids[MAX_DEVICES][16];
    unsigned ndevices;
    struct relay_user clients[MAX_CLIENTS];
    /* which devices each client may reach: bit per device index */
    uint8_t reach[MAX_CLIENTS][MAX_DEVICES / 8];
    unsigned nclients;
    struct relay_user monitor;
    int has_monitor;
};

static void hex32(char out[33], const uint8_t id[16])
{
    sodium_bin2hex(out, 33, id, 16);
}

/* PBKDF2-HMAC-SHA512 with one 64-byte block: exactly mosquitto's "$7$" hash. */
static void pbkdf2_sha512(uint8_t out[64], const char *pw, const uint8_t *salt, size_t slen)
{
    crypto_auth_hmacsha512_state st;
    uint8_t u[64], block[SALT_LEN + 4];
    memcpy(block, salt, slen);
    memcpy(block + slen, "\0\0\0\1", 4);
    crypto_auth_hmacsha512_init(&st, (const uint8_t *)pw, strlen(pw));
    crypto_auth_hmacsha512_update(&st, block, slen + 4);
    crypto_auth_hmacsha512_final(&st, u);
    memcpy(out, u, 64);
    for (unsigned i = 1; i < PBKDF2_ITERATIONS; i++) {
        crypto_auth_hmacsha512_init(&st, (const uint8_t *)pw, strlen(pw));
        crypto_auth_hmacsha512_update(&st, u, 64);
        crypto_auth_hmacsha512_final(&st, u);
        for (unsigned j = 0; j < 64; j++)
            out[j] ^= u[j];
    }
    sodium_memzero(u, sizeof u);
}

static void new_password(struct relay_user *u)
{
    uint8_t r[24];
    randombytes_buf(r, sizeof r);
    sodium_bin2hex(u->password, sizeof u->password, r, sizeof r);
    sodium_memzero(r, sizeof r);
}

static int valid_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
              (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_'))
            return 0;
    /* A name that looks like a device id would be matched by the device %u patterns. */
    if (n == 32 && strspn(s, "0123456789abcdef") == 32)
        return 0;
    return 1;
}

static int add_device(struct relay_config *rc, const char *record)
{
    struct tt_device_record rec;
    tt_err e = tt_device_record_load(record, &rec);
    char hex[33];
    if (e != TT_OK)
        return cli_fail(cli_exit_for(e), record, e);
    for (unsigned i = 0; i < rc->ndevices; i++)
        if (!memcmp(rc->device_ids[i], rec.device_id, 16))
            return 0; /* listed twice: one user */
    if (rc->ndevices == MAX_DEVICES) {
        fprintf(stderr, "tether relay config: at most %d devices per run\n", MAX_DEVICES);
        return EXIT_USAGE;
    }
    hex32(hex, rec.device_id);
    memcpy(rc->device_ids[rc->ndevices], rec.device_id, 16);
    snprintf(rc->devices[rc->ndevices].name, sizeof rc->devices[0].name, "%s", hex);
    new_password(&rc->devices[rc->ndevices]);
    rc->ndevices++;
    return 0;
}

static int find_or_add_client(struct relay_config *rc, const char *name, unsigned *idx)
{
    for (unsigned i = 0; i < rc->nclients; i++)
        if (!strcmp(rc->clients[i].name, name)) {
            *idx = i;
            return 0;
        }
    if (rc->nclients == MAX_CLIENTS) {
        fprintf(stderr, "tether relay config: at most %d clients per run\n", MAX_CLIENTS);
        return EXIT_USAGE;
    }
    *idx = rc->nclients++;
    snprintf(rc->clients[*idx].name, sizeof rc->clients[0].name, "%s", name);
    new_password(&rc->clients[*idx]);
    return 0;
}

/* NAME=GRANT: the client NAME may reach the device the grant names (it must be listed). */
static int add_client(struct relay_config *rc, char *arg)
{
    static tether_v1_SignedGrant g;
    tether_v1_GrantBody gb;
    uint8_t buf[4096];
    size_t n;
    unsigned ci, di;
    char *eq = strchr(arg, '=');
    tt_err e;
    int r;
    if (!eq) {
        fprintf(stderr, "tether relay config: --client wants NAME=GRANT_FILE\n");
        return EXIT_USAGE;
    }
    *eq = 0;
    if (!valid_name(arg)) {
        fprintf(stderr, "tether relay config: client name '%s': 1-64 of [A-Za-z0-9_-], and "
                        "not 32 hex digits (those are device users)\n", arg);
        return EXIT_USAGE;
    }
    e = tt_file_read(eq + 1, buf, sizeof buf, &n);
    if (e != TT_OK)
        return cli_fail(cli_exit_for(e), eq + 1, e);
    memset(&g, 0, sizeof g);
    memset(&gb, 0, sizeof gb);
    if (tt_pb_decode(tether_v1_SignedGrant_fields, buf, n, &g) != TT_OK ||
        tt_pb_decode(tether_v1_GrantBody_fields, g.body.bytes, g.body.size, &gb) != TT_OK)
        return cli_fail(EXIT_BADFILE, eq + 1, TT_ERR_GRANT_MALFORMED);
    if (gb.which_scope != tether_v1_GrantBody_device_id_tag) {
        fprintf(stderr, "tether relay config: %s is a group grant: list the group's devices "
                        "with one device-scoped grant each\n", eq + 1);
        return EXIT_BADFILE;
    }
    for (di = 0; di < rc->ndevices; di++)
        if (!memcmp(rc->device_ids[di], gb.scope.device_id, 16))
            break;
    if (di == rc->ndevices) {
        char hex[33];
        hex32(hex, gb.scope.device_id);
        fprintf(stderr, "tether relay config: %s grants device %s, which no --device record "
                        "names\n", eq + 1, hex);
        return EXIT_USAGE;
    }
    r = find_or_add_client(rc, arg, &ci);
    if (r)
        return r;
    rc->reach[ci][di / 8] |= (uint8_t)(1u << (di % 8));
    return 0;
}

TT_MUST_CHECK static tt_err write_passwd_line(FILE *f, const struct relay_user *u)
{
    uint8_t salt[SALT_LEN], hash[64];
    char s64[32], h64[100];
    randombytes_buf(salt, sizeof salt);
    pbkdf2_sha512(hash, u->password, salt, sizeof salt);
    sodium_bin2base64(s64, sizeof s64, salt, sizeof salt, sodium_base64_VARIANT_ORIGINAL);
    sodium_bin2base64(h64, sizeof h64, hash, sizeof hash, sodium_base64_VARIANT_ORIGINAL);
    return fprintf(f, "%s:$7$%d$%s$%s\n", u->name, PBKDF2_ITERATIONS, s64, h64) > 0 ? TT_OK
                                                                                  : TT_ERR_IO;
}

TT_MUST_CHECK static tt_err write_credentials(const char *dir, const struct relay_user *u)
{
    char path[4096], json[400];
    int n;
    if (snprintf(path, sizeof path, "%s/credentials/%s.json", dir, u->name) >= (int)sizeof path)
        return TT_ERR_ARG;
    n = snprintf(json, sizeof json, "{\"username\": \"%s\", \"password\": \"%s\"}\n", u->name,
                 u->password);
    tt_err e = tt_file_write(path, json, (size_t)n, 1);
    sodium_memzero(json, sizeof json);
    return e;
}

static int write_all(const struct relay_config *rc)
{
    char path[4096];
    FILE *f;
    tt_err e = TT_OK;
    snprintf(path, sizeof path, "%s/credentials", rc->out);
    if ((mkdir(rc->out, 0700) != 0 && errno != EEXIST) ||
        (mkdir(path, 0700) != 0 && errno != EEXIST)) {
        perror(path);
        return EXIT_BADFILE;
    }
    /* passwd: only hashes, but keep it private like the broker's own files. */
    snprintf(path, sizeof path, "%s/passwd", rc->out);
    f = fopen(path, "w");
    if (!f || fchmod(fileno(f), 0600) != 0) {
        perror(path);
        if (f)
            fclose(f);
        return EXIT_BADFILE;
    }
    for (unsigned i = 0; e == TT_OK && i < rc->ndevices; i++)
        e = write_passwd_line(f, &rc->devices[i]);
    for (unsigned i = 0; e == TT_OK && i < rc->nclients; i++)
        e = write_passwd_line(f, &rc->clients[i]);
    if (e == TT_OK && rc->has_monitor)
        e = write_passwd_line(f, &rc->monitor);
    if (fclose(f) != 0 || e != TT_OK)
        return cli_fail(EXIT_BADFILE, path, TT_ERR_IO);

    snprintf(path, sizeof path, "%s/acl", rc->out);
    f = fopen(path, "w");
    if (!f) {
        perror(path);
        return EXIT_BADFILE;
    }
    fprintf(f, "# Written by tether relay config ([MTB-034]..[MTB-037]). Devices log in as their\n"
               "# id; %%u is the authenticated username (never %%c: a client id is a claim).\n"
               "pattern read tether/%%u/down\n"
               "pattern write tether/%%u/up\n"
               "pattern write tether/%%u/presence\n");
    for (unsigned i = 0; i < rc->nclients; i++) {
        fprintf(f, "\nuser %s\n", rc->clients[i].name);
        for (unsigned d = 0; d < rc->ndevices; d++) {
            if (!(rc->reach[i][d / 8] & (1u << (d % 8))))
                continue;
            fprintf(f, "topic write tether/%s/down\ntopic read tether/%s/up\n"
                       "topic read tether/%s/presence\n",
                    rc->devices[d].name, rc->devices[d].name, rc->devices[d].name);
        }
    }
    if (rc->has_monitor)
        fprintf(f, "\nuser %s\ntopic read #\n", rc->monitor.name);
    if (fclose(f) != 0)
        return cli_fail(EXIT_BADFILE, path, TT_ERR_IO);

    for (unsigned i = 0; e == TT_OK && i < rc->ndevices; i++)
        e = write_credentials(rc->out, &rc->devices[i]);
    for (unsigned i = 0; e == TT_OK && i < rc->nclients; i++)
        e = write_credentials(rc->out, &rc->clients[i]);
    if (e == TT_OK && rc->has_monitor)
        e = write_credentials(rc->out, &rc->monitor);
    if (e != TT_OK)
        return cli_fail(EXIT_BADFILE, "credentials", e);
    printf("wrote %s/passwd, %s/acl and %u credentials files in %s/credentials (%u devices, "
           "%u clients%s)\n",
           rc->out, rc->out, rc->ndevices + rc->nclients + (unsigned)rc->has_monitor, rc->out,
           rc->ndevices, rc->nclients, rc->has_monitor ? ", 1 monitor" : "");
    return 0;
}

static int relay_config_usage(FILE *f)
{
    fprintf(f, "usage: tether relay config --out DIR --device RECORD [--device RECORD...]\n"
               "           [--client NAME=GRANT...] [--monitor NAME]\n"
               "  writes DIR/passwd and DIR/acl for mosquitto (password_file, acl_file) and\n"
               "  DIR/credentials/USER.json (0600) for each device, client and monitor\n");
    return f == stdout ? 0 : EXIT_USAGE;
}

static int cmd_relay_config(int argc, char **argv)
{
    static const struct option opts[] = {{"out", 1, 0, 'o'},     {"device", 1, 0, 'd'},
                                         {"client", 1, 0, 'c'},  {"monitor", 1, 0, 'm'},
                                         {"help", 0, 0, 'h'},    {0, 0, 0, 0}};
    static struct relay_config rc;
    char *clients[MAX_CLIENTS * 4];
    unsigned nclient_args = 0;
    int c, r;
    memset(&rc, 0, sizeof rc);
    optind = 1;
    /* Devices first (clients' grants refer to them), whatever the order on the line. */
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': rc.out = optarg; break;
        case 'd':
            if ((r = add_device(&rc, optarg)) != 0)
                return r;
            break;
        case 'c':
            if (nclient_args == sizeof clients / sizeof clients[0])
                return relay_config_usage(stderr);
            clients[nclient_args++] = optarg;
            break;
        case 'm':
            if (!valid_name(optarg))
                return relay_config_usage(stderr);
            snprintf(rc.monitor.name, sizeof rc.monitor.name, "%s", optarg);
            new_password(&rc.monitor);
            rc.has_monitor = 1;
            break;
        case 'h': return relay_config_usage(stdout);
        default: return relay_config_usage(stderr);
        }
    }
    if (optind != argc || !rc.out || rc.ndevices == 0)
        return relay_config_usage(stderr);
    for (unsigned i = 0; i < nclient_args; i++)
        if ((r = add_client(&rc, clients[i])) != 0)
            return r;
    for (unsigned i = 0; i < rc.nclients; i++)
        if (rc.has_monitor && !strcmp(rc.clients[i].name, rc.monitor.name)) {
            fprintf(stderr, "tether relay config: '%s' is both a client and the monitor\n",
                    rc.monitor.name);
            return EXIT_USAGE;
        }
    r = write_all(&rc);
    sodium_memzero(&rc, sizeof rc);
    return r;
}

int cmd_relay(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "config"))
        return cmd_relay_config(argc - 1, argv + 1);
    fprintf(stderr, "usage: tether relay config ... (tether relay config --help)\n");
    return EXIT_USAGE;
}

/* ---- tether devices ------------------------------------------------------------------- */

#define PRESENCE_MAX 1024

struct presence_list {
    char id[PRESENCE_MAX][33];
    int online[PRESENCE_MAX];
    unsigned n;
    int suback, done, connack;
};

static void presence_connect(struct mosquitto *m, void *obj, int rc)
{
    (void)m;
    ((struct presence_list *)obj)->connack = rc == 0 ? 1 : -1;
}

static void presence_subscribed(struct mosquitto *m, void *obj, int mid, int n, const int *g)
{
    (void)mid;
    (void)n;
    (void)g;
    ((struct presence_list *)obj)->suback = 1;
    /* The broker answers in order on one connection: the UNSUBACK of this request follows
     * every retained presence message the subscription produced. */
    (void)mosquitto_unsubscribe(m, NULL, "tether/-/sync");
}

static void presence_unsubscribed(struct mosquitto *m, void *obj, int mid)
{
    (void)m;
    (void)mid;
    ((struct presence_list *)obj)->done = 1;
}

/* tether/<32 lowercase hex>/presence with payload "online" or "offline"; anything else is
 * skipped (presence is an untrusted hint, [MTB-033]). */
static void presence_message(struct mosquitto *m, void *obj, const struct mosquitto_message *msg)
{
    struct presence_list *l = obj;
    const char *t = msg->topic;
    (void)m;
    if (strlen(t) != 7 + 32 + 9 || strncmp(t, "tether/", 7) || strcmp(t + 39, "/presence") ||
        strspn(t + 7, "0123456789abcdef") < 32 || l->n == PRESENCE_MAX)
        return;
    int on = msg->payloadlen == 6 && !memcmp(msg->payload, "online", 6);
    int off = msg->payloadlen == 7 && !memcmp(msg->payload, "offline", 7);
    if (!on && !off)
        return;
    for (unsigned i = 0; i < l->n; i++)
        if (!strncmp(l->id[i], t + 7, 32)) {
            l->online[i] = on;
            return;
        }
    memcpy(l->id[l->n], t + 7, 32);
    l->id[l->n][32] = 0;
    l->online[l->n++] = on;
}

static int presence_fetch(const char *via, const struct tt_mqtt_login *login,
                          struct presence_list *l, int timeout_ms)
{
    char host[64];
    uint16_t port;
    struct mosquitto *m;
    struct timespec t0, t;
    int rc;
    if (tt_mqtt_parse(via, host, sizeof host, &port) != TT_OK) {
        fprintf(stderr, "tether devices: %s is not mqtt://HOST:PORT\n", via);
        return EXIT_USAGE;
    }
    mosquitto_lib_init();
    m = mosquitto_new(NULL, true, l);
    if (!m)
        return cli_fail(EXIT_UNREACHABLE, "mosquitto", TT_ERR_IO);
    mosquitto_int_option(m, MOSQ_OPT_TCP_NODELAY, 1);
    mosquitto_username_pw_set(m, login->username, login->password);
    mosquitto_connect_callback_set(m, presence_connect);
    mosquitto_subscribe_callback_set(m, presence_subscribed);
    mosquitto_unsubscribe_callback_set(m, presence_unsubscribed);
    mosquitto_message_callback_set(m, presence_message);
    if (mosquitto_connect(m, host, port, 30) != MOSQ_ERR_SUCCESS) {
        mosquitto_destroy(m);
        return cli_fail(EXIT_UNREACHABLE, via, TT_ERR_IO);
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    rc = 0;
    while (!l->done) {
        if (l->connack == 1 && !l->suback && rc == 0) {
            rc = 1; /* QoS 0: retained messages are not held back by the inflight window */
            if (mosquitto_subscribe(m, NULL, "tether/+/presence", 0) != MOSQ_ERR_SUCCESS)
                break;
        }
        if (l->connack < 0) {
            fprintf(stderr, "tether devices: the broker refused the login\n");
            mosquitto_destroy(m);
            return EXIT_REFUSED;
        }
        if (mosquitto_loop(m, 50, 1) != MOSQ_ERR_SUCCESS)
            break;
        clock_gettime(CLOCK_MONOTONIC, &t);
        if ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 > timeout_ms)
            break;
    }
    mosquitto_disconnect(m);
    mosquitto_destroy(m);
    if (!l->done)
        return cli_fail(EXIT_UNREACHABLE, via, TT_ERR_TIMEOUT);
    return 0;
}

int cmd_devices(int argc, char **argv)
{
    static const struct option opts[] = {{"via", 1, 0, 'l'},    {"broker-credentials", 1, 0, 'B'},
                                         {"timeout", 1, 0, 't'}, {"help", 0, 0, 'h'},
                                         {0, 0, 0, 0}};
    static struct presence_list l;
    static struct tt_device_record recs[64];
    const char *via = NULL, *creds = NULL;
    char rec_creds[4096];
    struct tt_mqtt_login login;
    long timeout_ms = 5000;
    unsigned nrec = 0;
    int c, r;
    tt_err e;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'l': via = optarg; break;
        case 'B': creds = optarg; break;
        case 't':
            timeout_ms = strtol(optarg, &end, 10);
            if (*end || timeout_ms < 1 || timeout_ms > 600000)
                goto bad;
            break;
        case 'h':
            printf("usage: tether devices [RECORD...] [--via mqtt://HOST:PORT] "
                   "[--broker-credentials FILE]\n  lists the devices' presence on the broker\n");
            return 0;
        default: goto bad;
        }
    }
    rec_creds[0] = 0;
    for (int i = optind; i < argc; i++) {
        if (nrec == 64)
            goto bad;
        e = tt_device_record_load(argv[i], &recs[nrec]);
        if (e != TT_OK)
            return cli_fail(cli_exit_for(e), argv[i], e);
        if (nrec == 0 && (e = tt_record_broker_credentials(argv[i], rec_creds,
                                                           sizeof rec_creds)) != TT_OK)
            return cli_fail(EXIT_BADFILE, argv[i], e);
        nrec++;
    }
    if (!via)
        via = nrec ? recs[0].link : NULL;
    if (!creds)
        creds = rec_creds[0] ? rec_creds : NULL;
    if (!via || strncmp(via, "mqtt://", 7) || !creds) {
        fprintf(stderr, "tether devices: needs a broker (--via mqtt://HOST:PORT or a record "
                        "with an mqtt:// link) and its credentials file\n");
        return EXIT_USAGE;
    }
    e = tt_broker_login_load(creds, &login);
    if (e != TT_OK)
        return cli_fail(EXIT_BADFILE, creds, e);
    memset(&l, 0, sizeof l);
    r = presence_fetch(via, &login, &l, (int)timeout_ms);
    sodium_memzero(&login, sizeof login);
    if (r)
        return r;
    if (nrec == 0) {
        for (unsigned i = 0; i < l.n; i++)
            printf("%s %s\n", l.id[i], l.online[i] ? "online" : "offline");
        return 0;
    }
    for (unsigned k = 0; k < nrec; k++) {
        char hex[33];
        const char *state = "unknown";
        hex32(hex, recs[k].device_id);
        for (unsigned i = 0; i < l.n; i++)
            if (!strcmp(l.id[i], hex))
                state = l.online[i] ? "online" : "offline";
        printf("%s %s\n", hex, state);
    }
    return 0;
bad:
    fprintf(stderr, "usage: tether devices [RECORD...] [--via mqtt://HOST:PORT] "
                    "[--broker-credentials FILE] [--timeout MS]\n");
    return EXIT_USAGE;
}
