/* hostdev.c — tether-hostdev: the reference supervisor core on the host port, its link on a
 * local TCP port, so the conformance suite can certify it (and its deliberately broken
 * variants, conformance/mutants/) in a fraction of a second per case without QEMU.
 *
 *   tether-hostdev --provision DIR/provision.bin --port PORT [--app-out FILE]
 *                  [--slot-size BYTES]
 *
 * The keys come from the same provisioning blob ref-device/tools/provision.py makes for the
 * QEMU device (so the suite reads the same device.json and owner.pem). A blob with a
 * firmware public key (provision.py --firmware-pub) turns the OTA service on: the app is
 * then the factory image of slot A, as on the QEMU device, and --app-out writes that image
 * (the bytes an OTA conformance case may install again, tether-conform --ota-image). The app is the host
 * port's app double running a small loop (the programs of ref-device/tests/sup_harness.c);
 * it writes a log line now and then like the demo app. The link is one TCP connection at a
 * time, like the QEMU UART: a new connection replaces the previous one (a transport cut).
 * A harness, not a product: records live in memory and end with the process.
 *
 * A blob provisioned with --firmware-pub (byte 5 = 1, the key at 160) turns the OTA service
 * on, as on the an505: the app above becomes the factory image in slot A with its installed
 * image record, and pushed images replace it. --slot-size enlarges both slots (default
 * 64 KiB, at most 4 MiB) for ref-client/bench/ota-throughput.sh's large images. */
#include <arpa/inet.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../ref-device/core/loop.h"
#include "../../ref-device/core/store/image_slot.h"
#include "../../ref-device/core/supervisor/supervisor.h"
#include "../../ref-device/port/host/app_double.h"
#include "../../ref-device/port/host/host.h"

#define BLOB_LEN 160u
#define BLOB_FW_LEN (BLOB_LEN + 65u) /* provision.py --firmware-pub: byte 5 = 1, key after */
#define LOG_EVERY_MS 200u

static struct tt_sup sup;
static struct tt_sup_ota ota;
static uint8_t app_image[0x300];
static int has_firmware_key;
static struct tt_target target;
static struct tt_sup_identity identity;

/* main: movs r0,#0; L: nop; bl func; adds r0,#1; b L   func: nop; nop; bx lr */
static const uint16_t prog_main[] = {0x2000, 0xBF00, 0xF000, 0xF87C, 0x3001, 0xE7FA};
static const uint16_t prog_func[] = {0xBF00, 0xBF00, 0x4770};
#define CODE(off) (TT_DOUBLE_CODE_BASE + (off))

static void load_app(void)
{
    const uint32_t sp = TT_DOUBLE_RAM_BASE + TT_DOUBLE_RAM_SIZE, pc = CODE(0x100) | 1u;
    const uint16_t vectors[] = {(uint16_t)sp, (uint16_t)(sp >> 16), (uint16_t)pc,
                                (uint16_t)(pc >> 16)};
    uint8_t *code = app_image;
    tt_double_init();
    tt_double_load(CODE(0), vectors, 4);
    tt_double_load(CODE(0x100), prog_main, 6);
    tt_double_load(CODE(0x200), prog_func, 3);
    /* The app measurement is the hash of the code the double really holds. */
    for (uint32_t i = 0; i < sizeof app_image; i += 2) {
        uint16_t hw = tt_double_peek16(CODE(i));
        code[i] = (uint8_t)hw;
        code[i + 1] = (uint8_t)(hw >> 8);
    }
    crypto_hash_sha256(identity.app_measurement, code, sizeof app_image);
}

/* With OTA on, the app runs from slot A as provisioning placed it (the image record names
 * it), so an installed image replaces it and a rollback returns to it ([OTA-050]). */
static int install_factory_app(void)
{
    struct tt_image_record ir = {.size = sizeof app_image, .version = identity.app_version};
    memcpy(ir.sha256, identity.app_measurement, sizeof ir.sha256);
    return tt_port_flash_program(TT_AREA_SLOT_A, 0, app_image, sizeof app_image) == TT_OK &&
                   tt_image_record_write(&ir) == TT_OK
               ? 0
               : -1;
}

static int write_app(const char *path)
{
    FILE *f = fopen(path, "wb");
    int ok = f && fwrite(app_image, 1, sizeof app_image, f) == sizeof app_image;
    if (f && fclose(f) != 0)
        ok = 0;
    return ok ? 0 : -1;
}

static int load_keys(const char *path)
{
    uint8_t blob[BLOB_FW_LEN + 1];
    struct tt_port_keys k;
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(blob, 1, sizeof blob, f) : 0;
    if (f)
        fclose(f);
    if ((n != BLOB_LEN && n != BLOB_FW_LEN) || memcmp(blob, "TTPV", 4) != 0 || blob[4] != 1 ||
        (n == BLOB_FW_LEN) != (blob[5] == 1))
        return -1;
    memset(&k, 0, sizeof k);
    has_firmware_key = n == BLOB_FW_LEN;
    if (has_firmware_key)
        memcpy(k.firmware_public, blob + BLOB_LEN, sizeof k.firmware_public);
    memcpy(k.device_id, blob + 8, 16);
    memcpy(k.static_private, blob + 24, 32);
    memcpy(k.owner_public, blob + 56, 65);
    memcpy(k.attest_private, blob + 128, 32);
    tt_host_set_keys(&k);
    sodium_memzero(blob, sizeof blob);
    sodium_memzero(&k, sizeof k);
    return 0;
}

static int listen_on(uint16_t port)
{
    struct sockaddr_in a;
    int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 4) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Link bytes the device wrote go to the connected client; with none they are lost, as on a
 * UART with nothing attached. */
static void flush_link(int conn)
{
    uint8_t buf[4096];
    size_t n;
    while ((n = tt_host_link_drain(buf, sizeof buf)) > 0) {
        for (size_t off = 0; conn >= 0 && off < n;) {
            ssize_t w = send(conn, buf + off, n - off, MSG_NOSIGNAL);
            if (w <= 0)
                break;
            off += (size_t)w;
        }
    }
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"provision", 1, 0, 'p'}, {"port", 1, 0, 'P'},
                                         {"app-out", 1, 0, 'a'}, {"slot-size", 1, 0, 'S'},
                                         {0, 0, 0, 0}};
    const char *prov = NULL, *app_out = NULL;
    long port = 0, slot_size = 0;
    int opt, lfd, conn = -1;
    uint64_t next_log;
    uint32_t log_n = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (opt == 'p')
            prov = optarg;
        else if (opt == 'P')
            port = strtol(optarg, NULL, 10);
        else if (opt == 'a')
            app_out = optarg;
        else if (opt == 'S')
            slot_size = strtol(optarg, NULL, 10);
        else
            goto usage;
    }
    if (!prov || port <= 0 || port > 65535 || optind != argc)
        goto usage;
    if (sodium_init() < 0)
        return 2;
    tt_host_init();
    if (slot_size != 0 && tt_host_flash_set_slot_size((uint32_t)slot_size) != 0) {
        fprintf(stderr, "tether-hostdev: --slot-size must be a multiple of 2048 up to %u\n",
                TT_HOST_SLOT_MAX);
        return 1;
    }
    if (load_keys(prov) != 0) {
        fprintf(stderr, "tether-hostdev: %s is not a provisioning blob\n", prov);
        return 2;
    }
    identity.supervisor_version = TT_SUP_VERSION;
    identity.app_version = 0x010000;
    crypto_hash_sha256(identity.supervisor_measurement, (const uint8_t *)"tether-hostdev", 14);
    identity.lifecycle = tether_v1_Lifecycle_LIFECYCLE_PROVISIONING;
    identity.debug_state = tether_v1_DebugState_DEBUG_HARDWARE_OPEN;
    load_app();
    if (app_out && write_app(app_out) != 0) {
        fprintf(stderr, "tether-hostdev: cannot write %s\n", app_out);
        return 2;
    }
    if (has_firmware_key && install_factory_app() != 0) {
        fprintf(stderr, "tether-hostdev: cannot place the factory app in slot A\n");
        return 2;
    }
    tt_target_init(&target);
    if (tt_target_reset_app(&target) != TT_OK ||
        tt_target_resume(&target, TT_RUN_CONTINUE, 0, 0) != TT_OK ||
        tt_sup_init_ota(&sup, &identity, has_firmware_key ? &ota : NULL) != TT_OK) {
        fprintf(stderr, "tether-hostdev: the supervisor did not start\n");
        return 2;
    }
    if ((lfd = listen_on((uint16_t)port)) < 0) {
        perror("tether-hostdev: listen");
        return 2;
    }
    next_log = tt_port_time_ms() + LOG_EVERY_MS;
    for (;;) {
        struct pollfd p[2] = {{lfd, POLLIN, 0}, {conn, POLLIN, 0}};
        if (poll(p, conn >= 0 ? 2 : 1, 1) > 0) {
            if (p[0].revents & POLLIN) {
                int c = accept(lfd, NULL, NULL), one = 1;
                if (c >= 0) {
                    if (conn >= 0)
                        close(conn);
                    conn = c;
                    setsockopt(conn, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    continue;
                }
            }
            if (conn >= 0 && (p[1].revents & (POLLIN | POLLHUP | POLLERR))) {
                uint8_t buf[TT_HOST_LINK_RING / 2];
                ssize_t r = recv(conn, buf, sizeof buf, 0);
                if (r <= 0) {
                    close(conn);
                    conn = -1;
                } else {
                    tt_host_link_feed(buf, (size_t)r); /* a full ring drops, like a UART */
                }
            }
        }
        if (tt_port_time_ms() >= next_log) {
            char line[32];
            int n = snprintf(line, sizeof line, "tick %u", (unsigned)++log_n);
            tt_host_app_log((const uint8_t *)line, (size_t)n);
            next_log += LOG_EVERY_MS;
        }
        tt_loop_once(&target, tt_sup_service, &sup);
        flush_link(conn);
    }
usage:
    fprintf(stderr, "usage: tether-hostdev --provision provision.bin --port PORT [--app-out FILE] "
                    "[--slot-size BYTES]\n");
    return 1;
}
