/* log.c — `tether log DEVICE`: the app's log through the log service (spec/services/log.md).
 *
 * Subscribes from a sequence number (0: the first entry since the device booted, [LOG-031])
 * and prints each entry of the LogEntries events in order, with the losses the device
 * reports ([LOG-012], [LOG-013]) as their own lines, so a reader can always tell what is
 * missing. It stops after --count entries; without --follow or --count, once it has printed
 * as many entries as the device's ring holds (Limits.log_ring, [LOG-030]: what it held at
 * the subscription, as far as they still arrive in order) or the device has been silent for
 * --wait ms; with --follow, on Ctrl-C; the session is closed on every exit path ([HS-061]).
 * Output: text lines, or one JSON object per line with --json ([CLI-030]). Entry text comes
 * from the device: it is printed as data, control characters escaped. Depends on cli.h. */
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *const level_names[] = {"ERROR", "WARN", "INFO", "DEBUG", "TRACE"};

struct log_opts {
    struct cli_device_opts conn;
    uint32_t from_seq;
    unsigned long count; /* 0: no limit */
    int follow, as_json;
    long wait_ms, timeout_ms;
};

static void log_usage(FILE *f)
{
    fprintf(f,
            "usage: tether log DEVICE --key KEY --grant GRANT [--via ADDR] [--from SEQ]\n"
            "         [--count N] [--follow] [--wait MS] [--timeout MS] [--json]\n"
            "  prints the app's log entries (the grant needs the log permission), oldest first,\n"
            "  from SEQ (default 0: the first entry since the device booted); entries the\n"
            "  device no longer holds are reported as dropped.\n"
            "  without --follow or --count it prints what the device holds (its log ring)\n"
            "  --count N     stop after N entries (exit 3 if the device falls silent first)\n"
            "  --follow      keep printing new entries until Ctrl-C\n"
            "  --wait MS     without --follow: stop once no entry came for MS (default 2000)\n"
            "  --timeout MS  handshake and request timeout (default 10000)\n"
            "  --json        one JSON object per line: {\"seq\", \"time_ms\", \"level\", \"text\"},\n"
            "                or {\"dropped\": N, \"before_seq\": S} for lost entries\n");
}

/* The device's text with control characters shown as \xNN: a log line never moves the
 * cursor or rings the terminal. */
static void print_text(const char *t)
{
    for (const unsigned char *p = (const unsigned char *)t; *p; p++) {
        if (*p < 0x20 || *p == 0x7F)
            printf("\\x%02x", *p);
        else
            putchar(*p);
    }
}

static int print_dropped(const struct log_opts *o, uint32_t dropped, uint32_t before_seq)
{
    if (o->as_json)
        return cli_print_json(json_pack("{s:I, s:I}", "dropped", (json_int_t)dropped,
                                        "before_seq", (json_int_t)before_seq));
    printf("-- %" PRIu32 " entries dropped before #%" PRIu32 " --\n", dropped, before_seq);
    return 0;
}

static int print_entry(const struct log_opts *o, const tether_v1_LogEntry *en)
{
    char level[16];
    if (en->level < sizeof level_names / sizeof level_names[0])
        snprintf(level, sizeof level, "%s", level_names[en->level]);
    else /* [LOG-002]: app-defined levels pass through */
        snprintf(level, sizeof level, "L%" PRIu32, en->level);
    if (o->as_json)
        return cli_print_json(json_pack("{s:I, s:I, s:s, s:s}", "seq", (json_int_t)en->seq,
                                        "time_ms", (json_int_t)en->time_ms, "level", level,
                                        "text", en->text));
    printf("#%-6" PRIu32 " %10.3f %-5s ", en->seq, (double)en->time_ms / 1000.0, level);
    print_text(en->text);
    putchar('\n');
    return 0;
}

static int parse_opts(int argc, char **argv, struct log_opts *o, const char **device)
{
    static const struct option opts[] = {
        {"key", 1, 0, 'k'},   {"grant", 1, 0, 'g'},  {"link", 1, 0, 'l'},
        {"via", 1, 0, 'l'},   {"broker-credentials", 1, 0, 'B'},
        {"from", 1, 0, 'f'},  {"count", 1, 0, 'c'},  {"follow", 0, 0, 'F'},
        {"wait", 1, 0, 'w'},  {"timeout", 1, 0, 't'}, {"json", 0, 0, 'j'},
        {"help", 0, 0, 'h'},  {0, 0, 0, 0}};
    int c;
    memset(o, 0, sizeof *o);
    o->wait_ms = 2000;
    o->timeout_ms = 10000;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        char *end = NULL;
        unsigned long v;
        if (cli_device_option(c, optarg, &o->conn))
            continue;
        switch (c) {
        case 'f':
            v = strtoul(optarg, &end, 10);
            if (*optarg == '-' || *end || v > UINT32_MAX)
                return EXIT_USAGE;
            o->from_seq = (uint32_t)v;
            break;
        case 'c':
            o->count = strtoul(optarg, &end, 10);
            if (*optarg == '-' || *end || o->count == 0 || o->count > 100000000ul)
                return EXIT_USAGE;
            break;
        case 'F':
            o->follow = 1;
            break;
        case 'w':
            o->wait_ms = strtol(optarg, &end, 10);
            if (*end || o->wait_ms < 1 || o->wait_ms > 3600000)
                return EXIT_USAGE;
            break;
        case 't':
            o->timeout_ms = strtol(optarg, &end, 10);
            if (*end || o->timeout_ms < 1 || o->timeout_ms > 600000)
                return EXIT_USAGE;
            break;
        case 'j':
            o->as_json = 1;
            break;
        case 'h':
            log_usage(stdout);
            return -1;
        default:
            return EXIT_USAGE;
        }
    }
    if (optind != argc - 1)
        return EXIT_USAGE;
    *device = argv[optind];
    return 0;
}

/* Prints events until the count is reached, the device falls silent (not --follow), the
 * session ends or a stop signal comes. held: the device's ring size (0: unknown), the
 * default count without --follow. */
static int stream(struct cli_device *d, const struct log_opts *o, unsigned long held)
{
    static tether_v1_Message ev;
    unsigned long printed = 0, limit = o->count ? o->count : o->follow ? 0 : held;
    for (;;) {
        tt_err e = tt_client_next_event(&d->client, &ev, o->follow ? 1000 : (int)o->wait_ms);
        if (e == TT_ERR_TIMEOUT && o->follow && !d->client.peer_closed)
            continue;
        if (e == TT_ERR_TIMEOUT) {
            if (o->count == 0)
                return 0; /* silent: everything held has been printed */
            fprintf(stderr, "tether log: %lu of %lu entries, then no entry for %ld ms\n", printed,
                    o->count, o->wait_ms);
            return EXIT_UNREACHABLE;
        }
        if (e != TT_OK)
            return cli_fail(cli_exit_for(e), "log", e);
        if (ev.which_body != tether_v1_Message_log_entries_tag)
            continue; /* another service's event: not ours to show */
        const tether_v1_LogEntries *le = &ev.body.log_entries;
        if (le->dropped && le->entries_count &&
            print_dropped(o, le->dropped, le->entries[0].seq) != 0)
            return EXIT_DEVICE_ERROR;
        for (pb_size_t k = 0; k < le->entries_count && k < 8; k++) {
            if (print_entry(o, &le->entries[k]) != 0)
                return EXIT_DEVICE_ERROR;
            fflush(stdout); /* a pipe reader sees each entry as it comes */
            if (limit && ++printed == limit)
                return 0;
        }
    }
}

int cmd_log(int argc, char **argv)
{
    static struct cli_device d;
    static tether_v1_Message req, rep;
    struct log_opts o;
    const char *device = NULL;
    int rc = parse_opts(argc, argv, &o, &device);
    if (rc < 0)
        return 0;
    if (rc) {
        log_usage(stderr);
        return EXIT_USAGE;
    }
    rc = cli_device_open(&d, device, o.conn.key, o.conn.grant, o.conn.link, (int)o.timeout_ms);
    if (rc)
        return rc;
    tt_client_catch_signals(); /* from here every exit path closes the session ([HS-061]) */
    memset(&req, 0, sizeof req);
    req.which_body = tether_v1_Message_log_subscribe_tag;
    req.body.log_subscribe.from_seq = o.from_seq;
    tt_err e = tt_client_call_ok(&d.client, &req, &rep, (int)o.timeout_ms);
    if (e != TT_OK)
        rc = cli_fail(cli_exit_for(e), "log subscribe", e);
    else
        rc = stream(&d, &o, d.client.reply.reply.hello.has_limits
                                ? d.client.reply.reply.hello.limits.log_ring
                                : 0);
    tt_client_close(&d.client);
    return rc;
}
