/* fleet.c — `tether-fleet`, the fleet load benchmark's two halves (relay/bench/fleet.sh):
 *
 *   tether-fleet devices --broker mqtt://H:P --count N
 *       N simulated devices in one process: N real supervisors (ref-device core on the host
 *       port, tt_sup_init per device with its own keys) each behind its own MQTT connection
 *       logged in as the device (tt_mqtt, the bridge's transport), one poll loop for all.
 *       The host port's link ring is shared: a device's packet is framed into it, the
 *       supervisor serviced, the ring drained and deframed, before the next device runs.
 *   tether-fleet clients --broker mqtt://H:P --devices N --sessions M --rate HZ --seconds S
 *                        --first K --out FILE
 *       M client sessions (tt_client over tt_mqtt) to devices spread over the fleet, each
 *       pinging at HZ; every ping's round trip in µs goes to FILE.
 *
 * Keys are derived from the device index (SHA-256 of a label and the index) so both halves
 * agree without files; the owner key too (deterministic P-256 keygen). A benchmark, not a
 * test: built optimised, prints figures. Host only. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <sodium.h>

#include "../../ref-client/conn/client.h"
#include "../../ref-client/conn/transport.h"
#include "../../ref-device/core/supervisor/supervisor.h"
#include "../../ref-device/port/host/host.h"
#include "tether/crypto_backends.h"
#include "tether/grant.h"
#include "tether/p256.h"

static volatile sig_atomic_t stop;
static void on_signal(int s)
{
    (void)s;
    stop = 1;
}

static uint64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void derive(uint8_t out[32], const char *label, uint32_t i)
{
    crypto_hash_sha256_state st;
    uint8_t be[4] = {(uint8_t)(i >> 24), (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i};
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const uint8_t *)label, strlen(label));
    crypto_hash_sha256_update(&st, be, 4);
    crypto_hash_sha256_final(&st, out);
}

static uint32_t owner_ctr;
static tt_err owner_rng(void *ctx, uint8_t *buf, size_t len)
{
    (void)ctx;
    while (len) {
        uint8_t b[32];
        size_t n = len < 32 ? len : 32;
        derive(b, "tether-fleet owner", owner_ctr++);
        memcpy(buf, b, n);
        buf += n;
        len -= n;
    }
    return TT_OK;
}

static void device_keys(uint32_t i, struct tt_port_keys *k, uint8_t static_pub[32],
                        const uint8_t owner_pub[TT_P256_PUB_LEN])
{
    uint8_t h[32];
    memset(k, 0, sizeof *k);
    derive(k->static_private, "tether-fleet static", i);
    derive(h, "tether-fleet id", i);
    memcpy(k->device_id, h, sizeof k->device_id);
    memcpy(k->owner_public, owner_pub, TT_P256_PUB_LEN);
    if (static_pub && tt_crypto_sodium.x25519_public(static_pub, k->static_private) != TT_OK)
        exit(5);
}

static void owner_key(uint8_t priv[32], uint8_t pub[TT_P256_PUB_LEN])
{
    owner_ctr = 0;
    if (tt_p256_keygen(priv, pub, owner_rng, NULL) != TT_OK)
        exit(5);
}

static const struct tt_mqtt_login anonymous = {"fleet", "fleet"};

/* ---- devices ---------------------------------------------------------------------------- */

struct dev {
    struct tt_sup sup;
    struct tt_mqtt mq;
    struct tt_frame_decoder dec;
};

static struct tt_target target;
static uint64_t packets_in, packets_out;

/* Service one device: what its link ring holds goes through the supervisor, what it writes
 * is deframed and published. */
static void service(struct dev *d)
{
    uint8_t b[1024];
    size_t got;
    for (int turn = 0; turn < 4; turn++) {
        int wrote = 0;
        tt_sup_service(&d->sup, &target);
        while ((got = tt_host_link_drain(b, sizeof b)) > 0) {
            size_t off = 0;
            wrote = 1;
            while (off < got) {
                size_t used = 0;
                const uint8_t *p;
                size_t pl;
                tt_err e = tt_frame_push(&d->dec, b + off, got - off, &used);
                off += used;
                while (tt_frame_pop(&d->dec, &p, &pl) == TT_OK) {
                    if (d->mq.t.send(&d->mq.t, p, pl) == TT_OK)
                        packets_out++;
                }
                if (e == TT_ERR_FRAME_NONE && used == 0)
                    break;
            }
        }
        if (!wrote)
            break;
    }
}

static void take_messages(struct dev *d)
{
    uint8_t pkt[TT_PKT_MAX_LEN], frame[TT_PKT_MAX_LEN + TT_FRAME_OVERHEAD];
    size_t n, fl;
    tt_err e;
    while ((e = d->mq.t.recv(&d->mq.t, pkt, sizeof pkt, &n, 0)) == TT_OK) {
        packets_in++;
        if (tt_frame_encode(pkt, n, frame, sizeof frame, &fl) != TT_OK)
            continue;
        if (tt_host_link_feed(frame, fl) != fl) { /* ring full: service, then feed again */
            service(d);
            (void)tt_host_link_feed(frame, fl);
        }
        service(d);
    }
    if (e == TT_ERR_IO) {
        fprintf(stderr, "tether-fleet: a device lost the broker; reconnecting\n");
        (void)d->mq.t.reconnect(&d->mq.t);
    }
}

static int run_devices(const char *broker, uint32_t count)
{
    static struct tt_sup_identity identity;
    uint8_t owner_priv[32], owner_pub[TT_P256_PUB_LEN];
    struct dev *devs = calloc(count, sizeof *devs);
    struct pollfd *pfd = calloc(count, sizeof *pfd);
    uint64_t t0 = now_us(), last_tick = 0, last_misc = 0, last_report = now_us();
    if (!devs || !pfd)
        return 5;
    owner_key(owner_priv, owner_pub);
    tt_host_init();
    tt_target_init(&target);
    identity.supervisor_version = TT_SUP_VERSION;
    identity.app_version = 0x010000;
    memset(identity.app_measurement, 0xA5, sizeof identity.app_measurement);
    identity.lifecycle = tether_v1_Lifecycle_LIFECYCLE_SECURED;
    identity.debug_state = tether_v1_DebugState_DEBUG_HARDWARE_OPEN;
    for (uint32_t i = 0; i < count; i++) {
        struct tt_port_keys k;
        device_keys(i, &k, NULL, owner_pub);
        tt_host_set_keys(&k);
        tt_frame_decoder_init(&devs[i].dec);
        if (tt_sup_init(&devs[i].sup, &identity) != TT_OK ||
            tt_mqtt_open(&devs[i].mq, broker, &anonymous, k.device_id, TT_MQTT_DEVICE, 20000) !=
                TT_OK) {
            fprintf(stderr, "tether-fleet: device %u could not start\n", i);
            return 3;
        }
    }
    printf("tether-fleet: %u devices online in %.1f s (%zu bytes per supervisor)\n", count,
           (double)(now_us() - t0) / 1e6, sizeof(struct tt_sup));
    fflush(stdout);
    while (!stop) {
        uint64_t t = now_us();
        for (uint32_t i = 0; i < count; i++) {
            pfd[i].fd = devs[i].mq.t.pollfd(&devs[i].mq.t);
            pfd[i].events = POLLIN;
            pfd[i].revents = 0;
        }
        if (poll(pfd, count, 10) < 0 && errno != EINTR)
            return 3;
        for (uint32_t i = 0; i < count; i++)
            if (pfd[i].revents)
                take_messages(&devs[i]);
        t = now_us();
        if (t - last_tick > 100000) { /* the supervisors' timers: acks, retransmissions */
            for (uint32_t i = 0; i < count; i++)
                service(&devs[i]);
            last_tick = t;
        }
        if (t - last_misc > 5000000) { /* broker keepalives of idle devices */
            for (uint32_t i = 0; i < count; i++)
                take_messages(&devs[i]);
            last_misc = t;
        }
        if (t - last_report > 10000000) {
            fprintf(stderr, "tether-fleet: %" PRIu64 " packets in, %" PRIu64 " out\n",
                    packets_in, packets_out);
            last_report = t;
        }
    }
    for (uint32_t i = 0; i < count; i++)
        devs[i].mq.t.close(&devs[i].mq.t);
    printf("tether-fleet: devices done: %" PRIu64 " packets in, %" PRIu64 " out\n", packets_in,
           packets_out);
    return 0;
}

/* ---- clients ---------------------------------------------------------------------------- */

struct session {
    struct tt_client c;
    struct tt_mqtt mq;
    uint64_t due;
};

static int run_clients(const char *broker, uint32_t ndev, uint32_t nsess, uint32_t first,
                       double rate, double seconds, const char *out)
{
    uint8_t owner_priv[32], owner_pub[TT_P256_PUB_LEN];
    struct session *s = calloc(nsess, sizeof *s);
    FILE *f = fopen(out, "w");
    uint64_t period = (uint64_t)(1e6 / rate), end, t0;
    uint32_t fails = 0;
    if (!s || !f)
        return 5;
    owner_key(owner_priv, owner_pub);
    for (uint32_t j = 0; j < nsess; j++) {
        static tether_v1_ClientHello hello;
        tether_v1_GrantBody b = tether_v1_GrantBody_init_zero;
        struct tt_port_keys k;
        uint8_t sk[32], pk[32], dpub[32];
        /* sessions spread over the fleet: every device gets at most one per N sessions */
        uint32_t dev = (uint32_t)(((uint64_t)(first + j) * 7919u) % ndev);
        device_keys(dev, &k, dpub, owner_pub);
        randombytes_buf(sk, sizeof sk);
        if (tt_crypto_sodium.x25519_public(pk, sk) != TT_OK)
            return 5;
        b.format = 1;
        memcpy(b.client_key, pk, 32);
        b.which_scope = tether_v1_GrantBody_device_id_tag;
        memcpy(b.scope.device_id, k.device_id, 16);
        b.not_before = 1;
        b.not_after = 4000000000u;
        b.serial = 1;
        memset(&hello, 0, sizeof hello);
        hello.version_min = hello.version_max = TT_PROTOCOL_VERSION;
        hello.timestamp = (uint64_t)time(NULL) * 1000u + j;
        hello.has_grant = true;
        if (tt_grant_sign(&b, owner_priv, &hello.grant) != TT_OK)
            return 5;
        if (tt_mqtt_open(&s[j].mq, broker, &anonymous, k.device_id, TT_MQTT_CLIENT, 20000) !=
                TT_OK ||
            tt_client_connect(&s[j].c, &s[j].mq.t, &tt_crypto_sodium, sk, dpub, &hello, 30000) !=
                TT_OK) {
            fprintf(stderr, "tether-fleet: session %u to device %u failed\n", first + j, dev);
            return 3;
        }
    }
    t0 = now_us();
    for (uint32_t j = 0; j < nsess; j++) /* spread the first pings over one period */
        s[j].due = t0 + period * j / nsess;
    end = t0 + (uint64_t)(seconds * 1e6);
    printf("tether-fleet: %u sessions established\n", nsess);
    fflush(stdout);
    for (uint64_t t = now_us(); t < end && !stop; t = now_us()) {
        static tether_v1_Message req, rep;
        uint32_t j = 0;
        for (uint32_t k = 1; k < nsess; k++)
            if (s[k].due < s[j].due)
                j = k;
        if (s[j].due > t) {
            uint64_t w = s[j].due - t;
            struct timespec ts = {(time_t)(w / 1000000u), (long)(w % 1000000u) * 1000};
            nanosleep(&ts, NULL);
        }
        memset(&req, 0, sizeof req);
        req.which_body = tether_v1_Message_ping_tag;
        req.body.ping.nonce = s[j].due;
        t = now_us();
        if (tt_client_call_ok(&s[j].c, &req, &rep, 5000) == TT_OK &&
            rep.which_body == tether_v1_Message_pong_tag && rep.body.pong.nonce == s[j].due)
            fprintf(f, "%" PRIu64 "\n", now_us() - t);
        else
            fails++;
        s[j].due += period;
    }
    fclose(f);
    printf("tether-fleet: clients done, %u failed pings\n", fails);
    for (uint32_t j = 0; j < nsess; j++)
        tt_client_close(&s[j].c);
    return fails ? 4 : 0;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"broker", 1, 0, 'b'},  {"count", 1, 0, 'n'},   {"devices", 1, 0, 'd'},
        {"sessions", 1, 0, 's'}, {"rate", 1, 0, 'r'},   {"seconds", 1, 0, 't'},
        {"first", 1, 0, 'f'},   {"out", 1, 0, 'o'},     {0, 0, 0, 0}};
    const char *broker = NULL, *out = "/dev/null";
    uint32_t count = 1000, ndev = 1000, nsess = 50, first = 0;
    double rate = 1.0, seconds = 10.0;
    struct rlimit rl;
    int c;
    if (argc < 2 || sodium_init() < 0)
        goto usage;
    optind = 2;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'b': broker = optarg; break;
        case 'n': count = (uint32_t)strtoul(optarg, NULL, 10); break;
        case 'd': ndev = (uint32_t)strtoul(optarg, NULL, 10); break;
        case 's': nsess = (uint32_t)strtoul(optarg, NULL, 10); break;
        case 'f': first = (uint32_t)strtoul(optarg, NULL, 10); break;
        case 'r': rate = strtod(optarg, NULL); break;
        case 't': seconds = strtod(optarg, NULL); break;
        case 'o': out = optarg; break;
        default: goto usage;
        }
    }
    if (!broker || count == 0 || ndev == 0 || nsess == 0 || rate <= 0 || seconds <= 0)
        goto usage;
    /* one socket per device or session */
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        rl.rlim_cur = rl.rlim_max;
        (void)setrlimit(RLIMIT_NOFILE, &rl);
    }
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    signal(SIGPIPE, SIG_IGN);
    if (!strcmp(argv[1], "devices"))
        return run_devices(broker, count);
    if (!strcmp(argv[1], "clients"))
        return run_clients(broker, ndev, nsess, first, rate, seconds, out);
usage:
    fprintf(stderr, "usage: tether-fleet devices --broker mqtt://H:P --count N\n"
                    "       tether-fleet clients --broker mqtt://H:P --devices N --sessions M "
                    "--first K --rate HZ --seconds S --out FILE\n");
    return 1;
}
