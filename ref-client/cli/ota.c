/* ota.c — `tether ota sign`: the firmware key's holder makes the SignedManifest for an app
 * image (spec/services/ota.md [OTA-020]..[OTA-023]).
 *
 *   tether ota sign --key FW.pem (--elf APP.elf | --bin APP.bin) --version X.Y.Z
 *                   --counter N --layout ab|single [--chunk-size N]
 *                   (--device HEX32 | --group HEX32 | --record device.json)
 *                   --out MANIFEST [--image-out IMAGE.bin]
 *
 * The image is the exact bytes the device stores and measures ([OTA-070]): for an ELF, every
 * PT_LOAD segment's file bytes at its load address from the lowest one, 0xFF in between —
 * objcopy's binary — whose length must be the size the app's vector-table entry 8 declares
 * (what the supervisor measures, ref-device/port/armv8m/identity.c); for a raw binary, the
 * file as it is. The manifest file is the SignedManifest's protobuf encoding; --image-out
 * writes the image bytes `tether ota push` will send. Every argument and file is untrusted:
 * one specific line on stderr and exit 1 (usage) or 2 (bad file); nothing is written then. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "../elf/elf.h"
#include "cli.h"
#include "tether/ota_manifest.h"

#define OTA_IMAGE_MAX (16u << 20) /* what tt_elf_measure hashes at most; no slot is larger */
#define APP_SIZE_VECTOR 0x20u     /* vector-table entry 8: the app's image size */

static int ota_usage(FILE *f)
{
    fprintf(f, "usage: tether ota sign --key FW.pem (--elf APP.elf | --bin APP.bin)\n"
               "         --version X.Y.Z --counter N --layout ab|single [--chunk-size N]\n"
               "         (--device HEX32 | --group HEX32 | --record device.json)\n"
               "         --out MANIFEST [--image-out IMAGE.bin]\n"
               "  sign a manifest for an app image with the firmware key (tether keygen firmware)\n"
               "  chunk size: a power of two from 64 to 1024 (default 1024)\n"
               "       tether ota push|status|confirm|rollback|abort ... (tether ota push --help)\n");
    return f == stdout ? 0 : EXIT_USAGE;
}

static int bad_arg(const char *what)
{
    fprintf(stderr, "tether ota sign: %s (tether ota sign --help)\n", what);
    return EXIT_USAGE;
}

/* A decimal uint32 with nothing after it. */
static int parse_u32(const char *s, uint32_t *out)
{
    char *end;
    if (!s[0] || s[0] == '-' || s[0] == '+' || s[0] == ' ')
        return -1;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end || v > 0xFFFFFFFFull)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

/* X.Y.Z as major<<16 | minor<<8 | patch, each part 0..255 (major up to 65535). */
static int parse_version(const char *s, uint32_t *out)
{
    unsigned a, b, c;
    char tail;
    if (sscanf(s, "%5u.%3u.%3u%c", &a, &b, &c, &tail) != 3 || a > 0xFFFF || b > 255 || c > 255 ||
        s[0] < '0' || s[0] > '9')
        return -1;
    *out = a << 16 | b << 8 | c;
    return 0;
}

static int load_firmware_key(const char *path, uint8_t sk[32])
{
    char pem[4096];
    size_t n;
    tt_err e = tt_file_read(path, (uint8_t *)pem, sizeof pem - 1, &n);
    if (e != TT_OK)
        return cli_fail(EXIT_BADFILE, path, e);
    pem[n] = 0;
    e = tt_p256_priv_from_pem(sk, pem);
    sodium_memzero(pem, sizeof pem);
    if (e != TT_OK)
        return cli_fail(EXIT_BADFILE,
                        "firmware private key (a P-256 PEM from tether keygen firmware)",
                        TT_ERR_FORMAT);
    return 0;
}

/* The image of an ELF as the device stores it; *img is malloc'd. */
static int image_from_elf(const char *path, const uint8_t *file, size_t flen, uint8_t **img,
                          uint32_t *size)
{
    struct tt_elf elf;
    struct tt_elf_segment s;
    uint8_t h[32], h2[32];
    uint32_t base = 0xFFFFFFFFu;
    int any = 0;
    if (tt_elf_open(&elf, file, flen) != TT_OK) {
        fprintf(stderr, "tether ota sign: %s: not a usable ELF (%s)\n", path,
                tt_elf_fault_name(elf.fault));
        return EXIT_BADFILE;
    }
    for (unsigned i = 0; i < elf.phnum; i++)
        if (tt_elf_segment(&elf, i, &s) == TT_OK && s.type == TT_PT_LOAD && s.filesz) {
            any = 1;
            if (s.paddr < base)
                base = s.paddr;
        }
    if (!any) {
        fprintf(stderr, "tether ota sign: %s: no loadable segment with contents\n", path);
        return EXIT_BADFILE;
    }
    if (tt_elf_measure(&elf, base, 0, h, size) != TT_OK) {
        fprintf(stderr, "tether ota sign: %s: segments do not form one image (%s)\n", path,
                tt_elf_fault_name(elf.fault));
        return EXIT_BADFILE;
    }
    *img = malloc(*size ? *size : 1);
    if (!*img)
        return cli_fail(EXIT_BADFILE, "out of memory", TT_ERR_NO_SPACE);
    memset(*img, 0xFF, *size);
    for (unsigned i = 0; i < elf.phnum; i++)
        if (tt_elf_segment(&elf, i, &s) == TT_OK && s.type == TT_PT_LOAD && s.filesz)
            memcpy(*img + (s.paddr - base), file + s.offset, s.filesz);
    /* the bytes built here and the streaming measurement must agree */
    crypto_hash_sha256(h2, *img, *size);
    if (memcmp(h, h2, 32) != 0) {
        free(*img);
        return cli_fail(EXIT_BADFILE, "image and measurement differ", TT_ERR_FORMAT);
    }
    uint32_t declared = 0;
    if (*size >= APP_SIZE_VECTOR + 4)
        declared = (uint32_t)(*img)[APP_SIZE_VECTOR] | (uint32_t)(*img)[APP_SIZE_VECTOR + 1] << 8 |
                   (uint32_t)(*img)[APP_SIZE_VECTOR + 2] << 16 |
                   (uint32_t)(*img)[APP_SIZE_VECTOR + 3] << 24;
    if (declared != *size) {
        fprintf(stderr,
                "tether ota sign: %s: the app's vector entry 8 declares %" PRIu32
                " bytes but its image is %" PRIu32 " (not a Tether app image?)\n",
                path, declared, *size);
        free(*img);
        return EXIT_BADFILE;
    }
    return 0;
}

static int scope_from(const char *dev, const char *grp, const char *rec, tether_v1_Manifest *m)
{
    if (!!dev + !!grp + !!rec != 1)
        return bad_arg("give exactly one of --device, --group, --record");
    if (rec) {
        struct tt_device_record r;
        tt_err e = tt_device_record_load(rec, &r);
        if (e != TT_OK)
            return cli_fail(EXIT_BADFILE, rec, e);
        m->which_scope = tether_v1_Manifest_device_id_tag;
        memcpy(m->scope.device_id, r.device_id, 16);
        return 0;
    }
    const char *hex = dev ? dev : grp;
    m->which_scope = dev ? tether_v1_Manifest_device_id_tag : tether_v1_Manifest_group_id_tag;
    if (tt_hex_decode(hex, strlen(hex), dev ? m->scope.device_id : m->scope.group_id, 16) !=
        TT_OK)
        return bad_arg(dev ? "--device needs 32 hex digits" : "--group needs 32 hex digits");
    return 0;
}

static int cmd_ota_sign(int argc, char **argv)
{
    static const struct option opts[] = {
        {"key", 1, 0, 'k'},     {"elf", 1, 0, 'e'},        {"bin", 1, 0, 'b'},
        {"version", 1, 0, 'v'}, {"counter", 1, 0, 'c'},    {"layout", 1, 0, 'L'},
        {"chunk-size", 1, 0, 's'}, {"device", 1, 0, 'd'},  {"group", 1, 0, 'g'},
        {"record", 1, 0, 'r'},  {"out", 1, 0, 'o'},        {"image-out", 1, 0, 'i'},
        {"help", 0, 0, 'h'},    {0, 0, 0, 0}};
    const char *key = NULL, *elf = NULL, *bin = NULL, *out = NULL, *img_out = NULL;
    const char *dev = NULL, *grp = NULL, *rec = NULL;
    int have_version = 0, have_counter = 0, have_layout = 0, c, rc;
    tether_v1_Manifest m;
    tether_v1_SignedManifest sm;
    memset(&m, 0, sizeof m);
    m.format = 1;
    m.chunk_size = 1024;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'k': key = optarg; break;
        case 'e': elf = optarg; break;
        case 'b': bin = optarg; break;
        case 'o': out = optarg; break;
        case 'i': img_out = optarg; break;
        case 'd': dev = optarg; break;
        case 'g': grp = optarg; break;
        case 'r': rec = optarg; break;
        case 'v':
            if (parse_version(optarg, &m.version))
                return bad_arg("--version must be X.Y.Z (X <= 65535, Y and Z <= 255)");
            have_version = 1;
            break;
        case 'c':
            if (parse_u32(optarg, &m.security_counter))
                return bad_arg("--counter must be a number from 0 to 4294967295");
            have_counter = 1;
            break;
        case 'L':
            if (!strcmp(optarg, "ab"))
                m.layout = tether_v1_SlotLayout_AB;
            else if (!strcmp(optarg, "single"))
                m.layout = tether_v1_SlotLayout_SINGLE;
            else
                return bad_arg("--layout must be ab or single");
            have_layout = 1;
            break;
        case 's':
            if (parse_u32(optarg, &m.chunk_size) || !tt_ota_chunk_size_ok(m.chunk_size))
                return bad_arg("--chunk-size must be a power of two from 64 to 1024");
            break;
        case 'h': return ota_usage(stdout);
        default: return bad_arg("unknown option or missing value");
        }
    }
    if (optind != argc)
        return bad_arg("unexpected argument");
    if (!key || !out)
        return bad_arg("--key and --out are required");
    if (!!elf + !!bin != 1)
        return bad_arg("give exactly one of --elf, --bin");
    if (!have_version || !have_counter || !have_layout)
        return bad_arg("--version, --counter and --layout are required");
    rc = scope_from(dev, grp, rec, &m);
    if (rc)
        return rc;

    uint8_t sk[32], *file = malloc(OTA_IMAGE_MAX + 1), *img = NULL;
    size_t flen;
    if (!file)
        return cli_fail(EXIT_BADFILE, "out of memory", TT_ERR_NO_SPACE);
    const char *path = elf ? elf : bin;
    tt_err e = tt_file_read(path, file, OTA_IMAGE_MAX + 1, &flen);
    if (e != TT_OK) {
        free(file);
        return cli_fail(EXIT_BADFILE, path, e);
    }
    if (flen == 0 || flen > OTA_IMAGE_MAX) {
        free(file);
        fprintf(stderr, "tether ota sign: %s: an image must have 1 to %u bytes\n", path,
                OTA_IMAGE_MAX);
        return EXIT_BADFILE;
    }
    if (elf) {
        rc = image_from_elf(path, file, flen, &img, &m.image_size);
        free(file);
        if (rc)
            return rc;
    } else {
        img = file;
        m.image_size = (uint32_t)flen;
    }
    crypto_hash_sha256(m.image_sha256, img, m.image_size);
    rc = load_firmware_key(key, sk);
    if (rc == 0) {
        e = tt_ota_manifest_sign(&m, sk, &sm);
        sodium_memzero(sk, sizeof sk);
        if (e != TT_OK)
            rc = cli_fail(EXIT_USAGE, "signing", e);
    }
    uint8_t enc[tether_v1_SignedManifest_size];
    size_t n = 0;
    if (rc == 0 && (e = tt_pb_encode(tether_v1_SignedManifest_fields, &sm, enc, sizeof enc, &n)) !=
                       TT_OK)
        rc = cli_fail(EXIT_USAGE, "encoding", e);
    if (rc == 0 && img_out && (e = tt_file_write(img_out, img, m.image_size, 0)) != TT_OK)
        rc = cli_fail(EXIT_BADFILE, img_out, e);
    if (rc == 0 && (e = tt_file_write(out, enc, n, 0)) != TT_OK)
        rc = cli_fail(EXIT_BADFILE, out, e);
    if (rc == 0) {
        printf("manifest %s: version %u.%u.%u, counter %" PRIu32 ", %s, %" PRIu32
               " bytes in %" PRIu32 " chunks of %" PRIu32 "\n  sha256 ",
               out, m.version >> 16, m.version >> 8 & 0xFF, m.version & 0xFF,
               m.security_counter, m.layout == tether_v1_SlotLayout_AB ? "ab" : "single",
               m.image_size, tt_ota_chunk_count(m.image_size, m.chunk_size), m.chunk_size);
        for (int i = 0; i < 32; i++)
            printf("%02x", m.image_sha256[i]);
        printf("\n");
    }
    free(img);
    return rc;
}

int cmd_ota(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "sign"))
        return cmd_ota_sign(argc - 1, argv + 1);
    int rc = argc >= 2 ? cmd_ota_device(argc - 1, argv + 1) : -1; /* ota_push.c */
    if (rc >= 0)
        return rc;
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
        return ota_usage(stdout);
    fprintf(stderr, "tether ota: unknown or missing subcommand (tether ota --help)\n");
    return EXIT_USAGE;
}
