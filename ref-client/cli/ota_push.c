/* ota_push.c — `tether ota push|status|confirm|rollback|abort`: the client side of the OTA
 * service (spec/services/ota.md) over one session.
 *
 * push: OtaBegin with the signed manifest (a resume when the device holds the same transfer,
 * [OTA-011]), chunks chosen by the sender engine (tether/ota_sender.h: window, acks, chunk
 * errors) until the device reports every chunk stored, OtaVerify, OtaInstall, then it waits
 * for the device to report the new image's measurement (a new session: the install
 * restarted the app) and, with --confirm, OtaConfirm. A lost link or a stall (no ack for
 * ACK_STALL_MS) ends with an error exit and leaves the transfer resumable; --limit stops
 * sending after that many bytes (a metered link) and exits 0, also resumable: running push
 * again resumes it. Ctrl-C does the same (the chunks stored stay stored). Output: a
 * progress bar on a tty, plain lines otherwise, one JSON object per line with --json.
 * Every file and argument is untrusted ([CLI-002]). Depends on cli.h, ota_sender.h. */
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../conn/path_memory.h"
#include "cli.h"
#include "tether/crypto_backends.h"
#include "tether/ota_engine.h"
#include "tether/ota_manifest.h"
#include "tether/ota_sender.h"

#define ACK_STALL_MS 5000u /* at least; and 3 RTOs on a slow link (stall_ms) */
#define IMAGE_MAX (4u * 1024u * 1024u)

static volatile sig_atomic_t interrupted;
static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
}

struct out {
    int json, tty;
};

static int push_usage(FILE *f)
{
    fprintf(f, "usage: tether ota push DEVICE.json MANIFEST IMAGE [--confirm] [--json]\n"
               "         [--limit BYTES] [--window N] [--cold-start]\n"
               "         [--key K] [--grant G] [--via L] [--timeout MS]\n"
               "       tether ota status|confirm|rollback|abort DEVICE.json [--json]\n"
               "         [--key K] [--grant G] [--via L] [--timeout MS]\n"
               "  push: send a signed image (tether ota sign), verify and install it;\n"
               "  an interrupted push resumes when run again; --limit stops after sending\n"
               "  BYTES (a metered link), leaving the transfer to resume; --window caps the\n"
               "  chunks in flight below what the device grants; a push starts with the\n"
               "  window the last one to this device over this link ended with (kept in\n"
               "  $TETHER_STATE_DIR, else ~/.local/state/tether), --cold-start as a first\n"
               "  push would (slow start). Exit 5 with \"reverted\" when\n"
               "  the new app failed before it was confirmed and the device went back to the\n"
               "  previous one ([OTA-100]); --via (or --link) overrides the record's link\n");
    return f == stdout ? 0 : EXIT_USAGE;
}

static void progress(const struct out *o, const char *phase, uint32_t done, uint32_t total)
{
    if (o->json) {
        json_t *v = json_pack("{s:s, s:I, s:I}", "phase", phase, "bytes", (json_int_t)done,
                              "total", (json_int_t)total);
        if (cli_print_json(v) == 0)
            fflush(stdout);
    } else if (o->tty) {
        unsigned w = total ? (unsigned)((uint64_t)done * 40u / total) : 40u;
        printf("\r%-9s [%.*s%*s] %u/%u", phase, (int)w, "########################################",
               (int)(40u - w), "", done, total);
        if (done == total)
            printf("\n");
        fflush(stdout);
    } else {
        printf("%s %u/%u\n", phase, done, total);
        fflush(stdout);
    }
}

/* The first progress line of a transfer; with --json it also says the congestion window the
 * transfer starts with, whether it was remembered ([REL-023]) and this session's handshake
 * time (what tells a remembered path from another). */
static void progress_start(const struct out *o, uint32_t done, uint32_t total, uint32_t window,
                           int remembered, uint32_t hs_ms)
{
    if (!o->json) {
        progress(o, "sending", done, total);
        return;
    }
    json_t *v = json_pack("{s:s, s:I, s:I, s:I, s:s, s:I}", "phase", "sending", "bytes",
                          (json_int_t)done, "total", (json_int_t)total, "window",
                          (json_int_t)window, "window_from",
                          remembered ? "remembered" : "slow-start", "handshake_ms",
                          (json_int_t)hs_ms);
    if (cli_print_json(v) == 0)
        fflush(stdout);
}

static void say(const struct out *o, const char *phase)
{
    if (o->json) {
        if (cli_print_json(json_pack("{s:s}", "phase", phase)) == 0)
            fflush(stdout);
    } else {
        printf("%s\n", phase);
        fflush(stdout);
    }
}

/* One request whose reply is Ack (verify, install, confirm, rollback, abort). */
static tt_err simple(struct cli_device *d, pb_size_t tag, int timeout_ms)
{
    tether_v1_Message q, r;
    memset(&q, 0, sizeof q);
    q.which_body = tag;
    tt_err e = tt_client_call_ok(&d->client, &q, &r, timeout_ms);
    if (e == TT_OK && r.which_body != tether_v1_Message_ack_tag)
        e = TT_ERR_MSG_DECODE;
    return e;
}

/* No news for this long while chunks are out (no OtaChunkAck, and no chunk acknowledged by
 * the session either): the link or the device is gone. Three RTOs at least: a chunk lost
 * on a slow, long link is resent after one (doubled after each), so a fixed 5 s would give
 * up on a transfer that is only recovering. */
static uint64_t stall_ms(const struct cli_device *d)
{
    uint64_t three = 3u * (uint64_t)tt_client_rto_ms(&d->client);
    return three > ACK_STALL_MS ? three : ACK_STALL_MS;
}

/* How many times one push begins again after the device ended its transfer session
 * ([OTA-133]): a torn chunk costs one; two clients taking the transfer from each other
 * stop after this many instead of looping. */
#define REBEGINS_MAX 3u

/* Feeds the events waiting (acks, chunk errors) to the sender. *ended: the device ended the
 * transfer session (TT_ERR_STATE about a chunk in flight, [OTA-131]): begin again. */
static tt_err take_events(struct cli_device *d, struct tt_ota_sender *snd, uint64_t *last_ack,
                          int *ended)
{
    tether_v1_Message ev;
    static uint32_t acked;
    if (tt_client_peer_acked(&d->client) != acked) { /* the session delivers: still alive */
        acked = tt_client_peer_acked(&d->client);
        *last_ack = tt_client_now_ms();
    }
    while (tt_client_next_event(&d->client, &ev, 0) == TT_OK) {
        tt_err e = TT_OK;
        if (ev.which_body == tether_v1_Message_ota_chunk_ack_tag) {
            e = tt_ota_sender_acked(snd, ev.body.ota_chunk_ack.cumulative_offset,
                                    ev.body.ota_chunk_ack.selective_bitmap);
            *last_ack = tt_client_now_ms();
        } else if (ev.which_body == tether_v1_Message_error_tag) {
            e = tt_ota_sender_chunk_error(snd, ev.body.error.code, ev.body.error.detail);
            *ended = e == TT_ERR_STATE;
        } else if (ev.which_body == tether_v1_Message_close_tag) {
            return TT_ERR_STATE; /* the device ended the session */
        }
        if (e != TT_OK)
            return e; /* a device storage error or a hostile ack: stop, resumable */
    }
    return TT_OK;
}

/* OtaBegin with the manifest (a new transfer or a resume, [OTA-011]) and the sender told
 * what the device holds. *check: which check of [OTA-010] failed, when one did. */
static tt_err begin(struct cli_device *d, const tether_v1_SignedManifest *sm,
                    struct tt_ota_sender *snd, int timeout_ms, uint32_t window, uint32_t *check)
{
    static tether_v1_Message q, r;
    memset(&q, 0, sizeof q);
    memset(&r, 0, sizeof r);
    q.which_body = tether_v1_Message_ota_begin_tag;
    q.body.ota_begin.has_manifest = true;
    q.body.ota_begin.manifest = *sm;
    q.body.ota_begin.window_chunks = window; /* [OTA-120]: 0 takes what the device grants */
    tt_err e = tt_client_call_ok(&d->client, &q, &r, timeout_ms);
    if (e == TT_OK && r.which_body != tether_v1_Message_ota_begin_reply_tag)
        e = TT_ERR_MSG_DECODE;
    if (e == TT_OK)
        e = tt_ota_sender_begun(snd, r.body.ota_begin_reply.resume_offset,
                                window && window < r.body.ota_begin_reply.window_chunks
                                    ? window
                                    : r.body.ota_begin_reply.window_chunks);
    if (e != TT_OK && r.which_body == tether_v1_Message_error_tag)
        *check = r.body.error.detail; /* which check of [OTA-010] failed */
    return e;
}

static uint32_t handshake_ms(const struct cli_device *d)
{
    uint64_t ms = d->client.handshake_us / 1000u;
    return ms == 0 ? 1u : ms > UINT32_MAX ? UINT32_MAX : (uint32_t)ms;
}

/* What this push knows of its path ([REL-023]). */
struct path_use {
    char file[4096];        /* the path memory's file, "" when none can be named */
    struct tt_path mem;     /* what it remembered (window 0: nothing) */
    int remembered;         /* the transfer starts with mem.window */
    uint32_t last_flight;   /* chunks in flight when the last chunk left */
    uint32_t chunks;        /* chunks this run sent */
};

/* TT_OK when every chunk is stored; TT_ERR_NO_SPACE when --limit bytes were sent and
 * acknowledged first (the transfer is left to resume). */
static tt_err transfer(struct cli_device *d, const struct out *o,
                       const tether_v1_SignedManifest *sm, const tether_v1_Manifest *m,
                       const uint8_t *img, int timeout_ms, uint32_t limit, uint32_t window,
                       int *begun, uint32_t *check, struct path_use *pu)
{
    *begun = 1;
    *check = 0;
    uint32_t sent = 0, rebegins = 0;
    int ended = 0;
    static uint8_t state[TT_OTA_MAX_CHUNKS];
    static tether_v1_Message q;
    struct tt_ota_sender snd;
    tt_err e = tt_ota_sender_init(&snd, m->image_size, m->chunk_size, state, sizeof state);
    if (e != TT_OK)
        return e;
    if ((e = begin(d, sm, &snd, timeout_ms, window, check)) != TT_OK) {
        *begun = 0; /* refused ([OTA-010]): nothing to resume */
        return e;
    }
    uint64_t last_ack = tt_client_now_ms();
    if (pu->remembered) /* now, so OtaBegin's round trip does not change it first */
        tt_client_start_window(&d->client, pu->mem.window);
    progress_start(o, tt_ota_sender_stored_bytes(&snd), m->image_size,
                   tt_client_send_window(&d->client), pu->remembered, handshake_ms(d));
    uint32_t shown = tt_ota_sender_stored_bytes(&snd), start_stored = shown;
    while (!tt_ota_sender_done(&snd)) {
        if (interrupted)
            return TT_ERR_TIMEOUT;
        if ((e = take_events(d, &snd, &last_ack, &ended)) != TT_OK) {
            if (!ended || ++rebegins > REBEGINS_MAX)
                return e;
            /* [OTA-133] the device started the transfer over (a torn chunk, [OTA-131]):
             * the same manifest again, and what it holds now is the truth */
            if ((e = begin(d, sm, &snd, timeout_ms, window, check)) != TT_OK)
                return e;
            ended = 0;
            last_ack = tt_client_now_ms();
            shown = start_stored = tt_ota_sender_stored_bytes(&snd);
            sent = 0;
            say(o, "restarted");
            progress(o, "sending", shown, m->image_size);
            continue;
        }
        uint32_t off, len;
        if (limit && sent >= limit) {
            /* --limit: no more chunks this run; wait for what was sent to be reported */
            if (tt_ota_sender_stored_bytes(&snd) >= start_stored + sent ||
                tt_client_now_ms() - last_ack > stall_ms(d))
                return TT_ERR_NO_SPACE;
        } else if (tt_ota_sender_next(&snd, &off, &len)) {
            sent += len;
            memset(&q, 0, sizeof q);
            q.which_body = tether_v1_Message_ota_chunk_tag;
            q.body.ota_chunk.offset = off;
            q.body.ota_chunk.data.size = (pb_size_t)len;
            memcpy(q.body.ota_chunk.data.bytes, img + off, len);
            if ((e = tt_client_send_stream(&d->client, &q, timeout_ms)) != TT_OK)
                return e;
            pu->chunks++;
            pu->last_flight = tt_client_in_flight(&d->client);
            continue;
        }
        if (tt_client_now_ms() - last_ack > stall_ms(d))
            return TT_ERR_TIMEOUT; /* the window is full and nothing comes: resumable */
        if ((e = tt_client_pump(&d->client, 20)) != TT_OK)
            return e;
        uint32_t now = tt_ota_sender_stored_bytes(&snd);
        if (now != shown) {
            shown = now;
            if (now != m->image_size)
                progress(o, "sending", now, m->image_size);
        }
    }
    progress(o, "sending", m->image_size, m->image_size);
    return TT_OK;
}

static int read_inputs(const char *mpath, const char *ipath, tether_v1_SignedManifest *sm,
                       tether_v1_Manifest *m, uint8_t **img)
{
    static uint8_t buf[TT_MESSAGE_MAX_LEN];
    size_t n;
    tt_err e = tt_file_read(mpath, buf, sizeof buf, &n);
    if (e != TT_OK)
        return cli_file_fail("manifest", mpath, e);
    memset(sm, 0, sizeof *sm);
    memset(m, 0, sizeof *m);
    if (tt_pb_decode(tether_v1_SignedManifest_fields, buf, n, sm) != TT_OK ||
        tt_pb_decode(tether_v1_Manifest_fields, sm->body.bytes, sm->body.size, m) != TT_OK ||
        !tt_ota_chunk_size_ok(m->chunk_size) || m->image_size == 0 ||
        m->image_size > IMAGE_MAX) {
        fprintf(stderr, "tether ota push: %s is not a signed manifest (tether ota sign)\n",
                mpath);
        return EXIT_BADFILE;
    }
    *img = malloc(m->image_size + 1u);
    if (*img == NULL)
        return cli_fail(EXIT_BADFILE, "image: out of memory", TT_ERR_NO_SPACE);
    e = tt_file_read(ipath, *img, m->image_size + 1u, &n);
    if (e != TT_OK) {
        free(*img);
        return cli_file_fail("image", ipath, e);
    }
    uint8_t h[32];
    if (n != m->image_size || tt_crypto_sodium.sha256(h, *img, n, NULL, 0) != TT_OK ||
        memcmp(h, m->image_sha256, 32) != 0) {
        fprintf(stderr, "tether ota push: %s is not the image %s names (size or SHA-256)\n",
                ipath, mpath);
        free(*img);
        return EXIT_BADFILE;
    }
    return 0;
}

struct common {
    const char *key, *grant, *link;
    long timeout_ms, limit, window;
    int json, confirm, cold;
};

static int parse(int argc, char **argv, struct common *c, int nargs)
{
    static const struct option opts[] = {
        {"key", 1, 0, 'k'},  {"grant", 1, 0, 'g'},   {"link", 1, 0, 'l'}, {"timeout", 1, 0, 't'},
        {"via", 1, 0, 'l'}, /* the same as --link, as for the other device commands */
        {"json", 0, 0, 'j'}, {"confirm", 0, 0, 'c'}, {"help", 0, 0, 'h'}, {"limit", 1, 0, 'L'}, {"window", 1, 0, 'w'},
        {"cold-start", 0, 0, 'C'}, {0, 0, 0, 0}};
    int ch;
    memset(c, 0, sizeof *c);
    c->timeout_ms = 10000;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        char *end;
        switch (ch) {
        case 'k': c->key = optarg; break;
        case 'g': c->grant = optarg; break;
        case 'l': c->link = optarg; break;
        case 'j': c->json = 1; break;
        case 'c': c->confirm = 1; break;
        case 'C': c->cold = 1; break;
        case 't':
            c->timeout_ms = strtol(optarg, &end, 10);
            if (*end || c->timeout_ms < 1 || c->timeout_ms > 600000)
                return push_usage(stderr);
            break;
        case 'L':
            c->limit = strtol(optarg, &end, 10);
            if (*end || c->limit < 1 || c->limit > (long)IMAGE_MAX)
                return push_usage(stderr);
            break;
        case 'w':
            c->window = strtol(optarg, &end, 10);
            if (*end || c->window < 1 || c->window > (long)TT_OTA_MAX_CHUNKS)
                return push_usage(stderr);
            break;
        case 'h': push_usage(stdout); return -1;
        default: return push_usage(stderr);
        }
    }
    return optind == argc - nargs ? 0 : push_usage(stderr);
}

static int device_fail(const char *what, tt_err e)
{
    return cli_fail(cli_exit_for(e), what, e);
}

/* [REL-023] Whether the transfer starts its congestion window where the last push to this
 * device over this link ended: not with --cold-start, nor when the handshake says the path
 * changed, nor when that is no more than slow start's. The memory never stops a push: a file
 * that cannot be named or read is said, and the push slow-starts. */
static void path_recall(const struct cli_device *d, const struct common *c, struct path_use *pu)
{
    const char *link = c->link ? c->link : d->rec.link;
    memset(pu, 0, sizeof *pu);
    if (tt_path_file(pu->file, sizeof pu->file, d->rec.device_id, link) != TT_OK) {
        fprintf(stderr, "tether ota push: no path memory: %s\n", tt_file_problem());
        pu->file[0] = 0;
        return;
    }
    if (tt_path_load(pu->file, d->rec.device_id, link, &pu->mem) != TT_OK) {
        fprintf(stderr, "tether ota push: ignoring %s: %s; starting as a first push\n",
                pu->file, tt_file_problem());
        return;
    }
    pu->remembered = !c->cold && tt_path_same(&pu->mem, handshake_ms(d)) &&
                     pu->mem.window > tt_client_send_window(&d->client);
}

/* Remembers the window the transfer ended with, once it sent enough for the window to
 * settle (4 windows' worth): a short resume says little about the path. */
static void path_remember(const struct cli_device *d, const struct common *c,
                          const struct path_use *pu)
{
    struct tt_path p = {pu->last_flight, handshake_ms(d)};
    /* --window capped what was in flight: that says nothing about the path */
    if (!pu->file[0] || c->window || p.window == 0 || pu->chunks < 4u * p.window)
        return;
    if (p.window > TT_PATH_WINDOW_MAX)
        p.window = TT_PATH_WINDOW_MAX;
    if (tt_path_save(pu->file, d->rec.device_id, c->link ? c->link : d->rec.link, &p) != TT_OK)
        fprintf(stderr, "tether ota push: cannot remember the window: %s\n", tt_file_problem());
}

/* Whether the device says it reverted the image just installed: its app failed before it
 * was confirmed ([OTA-051], [OTA-100]), so it will never report the new measurement. */
static int reverted(struct cli_device *d, const struct out *o, int timeout_ms)
{
    tether_v1_Message q, r;
    memset(&q, 0, sizeof q);
    q.which_body = tether_v1_Message_ota_status_tag;
    if (tt_client_call_ok(&d->client, &q, &r, timeout_ms) != TT_OK ||
        r.which_body != tether_v1_Message_ota_status_reply_tag ||
        r.body.ota_status_reply.state != tether_v1_OtaState_OTA_ROLLED_BACK)
        return 0;
    uint32_t v = r.body.ota_status_reply.running_version;
    say(o, "reverted");
    fprintf(stderr,
            "tether ota push: install: the new app failed before it was confirmed (a fault, a "
            "watchdog or a reboot) and the device reverted to %u.%u.%u [CLI-030]\n",
            v >> 16, (v >> 8) & 0xFF, v & 0xFF);
    return 1;
}

/* The new image runs: a new session reports its measurement (the install restarted the app;
 * on a device that reloads it in place the old session goes on). */
static int wait_running(struct cli_device *d, const struct common *c, const struct out *o,
                        const char *record, const uint8_t sha[32])
{
    tether_v1_Message q, r;
    uint64_t start = tt_client_now_ms();
    for (;;) {
        memset(&q, 0, sizeof q);
        q.which_body = tether_v1_Message_get_capabilities_tag;
        if (tt_client_call_ok(&d->client, &q, &r, (int)c->timeout_ms) == TT_OK &&
            !memcmp(r.body.capabilities.app_measurement, sha, 32))
            return 0;
        if (reverted(d, o, (int)c->timeout_ms)) {
            tt_client_close(&d->client);
            return EXIT_DEVICE_ERROR;
        }
        if (tt_client_now_ms() - start > (uint64_t)c->timeout_ms * 3u)
            return device_fail("install", TT_ERR_TIMEOUT);
        tt_client_close(&d->client);
        int rc = cli_device_open(d, record, c->key, c->grant, c->link, (int)c->timeout_ms);
        if (rc)
            return rc;
    }
}

static int cmd_push(int argc, char **argv)
{
    static struct cli_device d;
    static tether_v1_SignedManifest sm;
    static tether_v1_Manifest m;
    struct common c;
    struct out o;
    uint8_t *img = NULL;
    int rc = parse(argc, argv, &c, 3);
    if (rc)
        return rc < 0 ? 0 : rc;
    const char *record = argv[optind];
    if ((rc = read_inputs(argv[optind + 1], argv[optind + 2], &sm, &m, &img)) != 0)
        return rc;
    o.json = c.json;
    o.tty = !c.json && isatty(1);
    if ((rc = cli_device_open(&d, record, c.key, c.grant, c.link, (int)c.timeout_ms)) != 0) {
        free(img);
        return rc;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    tt_client_adaptive(&d.client); /* a push fills long links: [OTA-121] */
    static struct path_use pu;
    path_recall(&d, &c, &pu);
    int begun;
    uint32_t check;
    tt_err e = transfer(&d, &o, &sm, &m, img, (int)c.timeout_ms, (uint32_t)c.limit,
                        (uint32_t)c.window, &begun, &check, &pu);
    free(img);
    if (e == TT_OK)
        path_remember(&d, &c, &pu);
    if (e == TT_ERR_NO_SPACE) { /* --limit reached: stored chunks stay, the next push resumes */
        tt_client_close(&d.client);
        say(&o, "paused");
        return 0;
    }
    if (e != TT_OK) {
        tt_client_close(&d.client);
        if (interrupted) {
            fprintf(stderr, "tether ota push: interrupted; run it again to resume\n");
            return EXIT_UNREACHABLE;
        }
        if (!begun && check != 0) {
            char what[64];
            snprintf(what, sizeof what, "begin: check %u of [OTA-010]", (unsigned)check);
            return device_fail(what, e);
        }
        if (!begun)
            return device_fail("begin", e);
        fprintf(stderr, "tether ota push: transfer stopped (run it again to resume)\n");
        return device_fail("transfer", e);
    }
    say(&o, "verifying");
    if ((e = simple(&d, tether_v1_Message_ota_verify_tag, (int)c.timeout_ms)) != TT_OK) {
        tt_client_close(&d.client);
        return device_fail("verify", e);
    }
    say(&o, "installing");
    if ((e = simple(&d, tether_v1_Message_ota_install_tag, (int)c.timeout_ms)) != TT_OK) {
        tt_client_close(&d.client);
        return device_fail("install", e);
    }
    if ((rc = wait_running(&d, &c, &o, record, m.image_sha256)) != 0)
        return rc;
    say(&o, "running");
    if (c.confirm) {
        if ((e = simple(&d, tether_v1_Message_ota_confirm_tag, (int)c.timeout_ms)) != TT_OK) {
            tt_client_close(&d.client);
            return device_fail("confirm", e);
        }
        say(&o, "confirmed");
    }
    tt_client_close(&d.client);
    return 0;
}

static const char *state_name(tether_v1_OtaState s)
{
    static const char *const names[] = {"idle", "receiving", "verified",
                                        "installed-pending-confirm", "confirmed", "rolled-back"};
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "unknown";
}

static int cmd_one(int argc, char **argv, const char *what)
{
    static const struct {
        const char *name;
        pb_size_t tag;
    } reqs[] = {{"confirm", tether_v1_Message_ota_confirm_tag},
                {"rollback", tether_v1_Message_ota_rollback_tag},
                {"abort", tether_v1_Message_ota_abort_tag},
                {"status", tether_v1_Message_ota_status_tag}};
    static struct cli_device d;
    struct common c;
    int rc = parse(argc, argv, &c, 1);
    if (rc)
        return rc < 0 ? 0 : rc;
    pb_size_t tag = 0;
    for (size_t k = 0; k < sizeof reqs / sizeof reqs[0]; k++)
        if (!strcmp(reqs[k].name, what))
            tag = reqs[k].tag;
    if ((rc = cli_device_open(&d, argv[optind], c.key, c.grant, c.link, (int)c.timeout_ms)))
        return rc;
    tether_v1_Message q, r;
    memset(&q, 0, sizeof q);
    q.which_body = tag;
    tt_err e = tt_client_call_ok(&d.client, &q, &r, (int)c.timeout_ms);
    tt_client_close(&d.client);
    if (e != TT_OK)
        return device_fail(what, e);
    if (tag != tether_v1_Message_ota_status_tag) {
        if (c.json)
            return cli_print_json(json_pack("{s:s, s:b}", "request", what, "ok", 1));
        printf("%s: ok\n", what);
        return 0;
    }
    if (r.which_body != tether_v1_Message_ota_status_reply_tag)
        return device_fail(what, TT_ERR_MSG_DECODE);
    const tether_v1_OtaStatusReply *s = &r.body.ota_status_reply;
    if (c.json)
        return cli_print_json(json_pack(
            "{s:s, s:I, s:I, s:o, s:o, s:I, s:o}", "state", state_name(s->state), "received",
            (json_int_t)s->received, "image_size", (json_int_t)s->image_size, "running_version",
            cli_json_version(s->running_version), "pending_version",
            cli_json_version(s->pending_version), "security_counter",
            (json_int_t)s->security_counter, "image_sha256", cli_json_hex(s->image_sha256, 32)));
    printf("state:            %s\nreceived:         %u of %u bytes\nrunning version:  %u.%u.%u\n"
           "pending version:  %u.%u.%u\nsecurity counter: %u\n",
           state_name(s->state), s->received, s->image_size, s->running_version >> 16,
           (s->running_version >> 8) & 0xFF, s->running_version & 0xFF, s->pending_version >> 16,
           (s->pending_version >> 8) & 0xFF, s->pending_version & 0xFF, s->security_counter);
    return 0;
}

int cmd_ota_device(int argc, char **argv)
{
    if (!strcmp(argv[0], "push"))
        return cmd_push(argc, argv);
    if (!strcmp(argv[0], "status") || !strcmp(argv[0], "confirm") ||
        !strcmp(argv[0], "rollback") || !strcmp(argv[0], "abort"))
        return cmd_one(argc, argv, argv[0]);
    return -1;
}
