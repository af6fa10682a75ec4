/* gdbserver.c — `tether gdbserver DEVICE`: open a session and serve GDB on localhost. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../gdb/server.h"
#include "cli.h"

static void gdbserver_usage(FILE *f)
{
    fprintf(f, "usage: tether gdbserver DEVICE --key KEY --grant GRANT [--via ADDR]\n"
               "         [--port N] [--elf APP.elf] [--app-base ADDR --app-size N]\n"
               "         [--ram START:SIZE]... [--no-optimize] [--once] [--timeout MS]\n"
               "  --port N        listen on 127.0.0.1:N (default 3333; 0 = any free port)\n"
               "  --elf FILE      serve read-only sections from the app ELF once its\n"
               "                  measurement matches the device's (checked, never assumed)\n"
               "  --app-base/--app-size  the app region the device measures\n"
               "                  (default 0x00200000 and 0: up to the ELF's end)\n"
               "  --ram START:SIZE  app RAM the ELF does not show (stack); repeatable;\n"
               "                  default 0x28000000:0x400000 (the an505 app's NS RAM)\n"
               "  --no-optimize   forward every GDB packet (one round trip each): baseline\n"
               "  --once          exit when GDB disconnects\n"
               "  --timeout MS    how long to wait for the handshake and for each device\n"
               "                  reply before reporting the device unreachable\n"
               "                  (1..600000, default 10000)\n"
               "  The grant needs debug-read to attach and debug-control to halt the app.\n");
}

static int parse_u32(const char *s, uint32_t *v)
{
    char *end;
    unsigned long x = strtoul(s, &end, 0);
    if (*end || end == s || x > 0xFFFFFFFFul)
        return -1;
    *v = (uint32_t)x;
    return 0;
}

int cmd_gdbserver(int argc, char **argv)
{
    static const struct option opts[] = {
        {"key", 1, 0, 'k'},      {"grant", 1, 0, 'g'},       {"link", 1, 0, 'l'}, {"via", 1, 0, 'l'}, {"broker-credentials", 1, 0, 'B'},
        {"port", 1, 0, 'p'},     {"elf", 1, 0, 'e'},         {"app-base", 1, 0, 'b'},
        {"app-size", 1, 0, 's'}, {"no-optimize", 0, 0, 'n'}, {"once", 0, 0, 'o'},
        {"timeout", 1, 0, 't'},  {"ram", 1, 0, 'r'},         {"help", 0, 0, 'h'},
        {0, 0, 0, 0}};
    static struct cli_device d;
    struct tt_gdb_options o = {.port = 3333, .app_base = 0x00200000, .timeout_ms = 10000};
    struct cli_device_opts conn = {0};
    uint32_t v;
    int c, rc;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (cli_device_option(c, optarg, &conn))
            continue;
        switch (c) {
        case 'e': o.elf_path = optarg; break;
        case 'n': o.no_optimize = true; break;
        case 'o': o.once = true; break;
        case 'p':
            if (parse_u32(optarg, &v) || v > 65535)
                goto bad;
            o.port = (uint16_t)v;
            break;
        case 'b':
            if (parse_u32(optarg, &o.app_base))
                goto bad;
            break;
        case 's':
            if (parse_u32(optarg, &o.app_size))
                goto bad;
            break;
        case 't':
            if (parse_u32(optarg, &v) || v == 0 || v > 600000)
                goto bad;
            o.timeout_ms = (int)v;
            break;
        case 'r': {
            char *colon = strchr(optarg, ':');
            if (!colon || o.nram == 4)
                goto bad;
            *colon = 0;
            if (parse_u32(optarg, &o.ram_start[o.nram]) ||
                parse_u32(colon + 1, &o.ram_size[o.nram]) || o.ram_size[o.nram] == 0)
                goto bad;
            o.nram++;
            break;
        }
        case 'h': gdbserver_usage(stdout); return 0;
        default: goto bad;
        }
    }
    if (optind != argc - 1)
        goto bad;
    if (o.elf_path && access(o.elf_path, R_OK) != 0) {
        fprintf(stderr, "tether gdbserver: cannot read %s: %s\n", o.elf_path, strerror(errno));
        return EXIT_BADFILE;
    }
    if (o.nram == 0) {
        o.ram_start[0] = 0x28000000u;
        o.ram_size[0] = 0x400000u;
        o.nram = 1;
    }
    rc = cli_device_open(&d, argv[optind], conn.key, conn.grant, conn.link, o.timeout_ms);
    if (rc)
        return rc;
    tt_err e = tt_gdb_serve(&d.client, &o);
    tt_client_close(&d.client);
    return e == TT_OK ? 0 : cli_fail(cli_exit_for(e), "gdbserver", e);
bad:
    gdbserver_usage(stderr);
    return EXIT_USAGE;
}
