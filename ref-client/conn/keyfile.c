/* keyfile.c — reading and writing the client's files safely, keys as PEM, grant files
 * (keyfile.h, spec/files.md). The device record's JSON is in device_record.c. */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file_problem.h"
#include "keyfile.h"

/* One line per thread on the last refusal: keeps every caller's signature (tools, fuzz
 * harness, conformance) while a CLI can still say exactly what was wrong. */
static _Thread_local char problem[320];

const char *tt_file_problem(void)
{
    return problem;
}

tt_err tt_file_refuse(tt_err e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(problem, sizeof problem, fmt, ap);
    va_end(ap);
    return e;
}

/* Opens path for reading without blocking (a FIFO would otherwise wait for a writer) and
 * accepts only a regular file; st gets its status. */
static tt_err open_regular(const char *path, int *fd, struct stat *st)
{
    *fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (*fd < 0)
        return tt_file_refuse(TT_ERR_IO, "cannot open: %s", strerror(errno));
    if (fstat(*fd, st) != 0) {
        int err = errno;
        close(*fd);
        return tt_file_refuse(TT_ERR_IO, "cannot stat: %s", strerror(err));
    }
    if (!S_ISREG(st->st_mode)) {
        int was_fifo = S_ISFIFO(st->st_mode), was_dir = S_ISDIR(st->st_mode);
        close(*fd);
        return tt_file_refuse(TT_ERR_FORMAT,
                              "not a regular file (%s): give the path of the file itself",
                              was_fifo  ? "a FIFO"
                              : was_dir ? "a directory"
                                        : "a device or socket");
    }
    return TT_OK;
}

static tt_err read_all(int fd, uint8_t *buf, size_t cap, size_t *len)
{
    size_t n = 0;
    for (;;) {
        uint8_t extra;
        ssize_t r = n < cap ? read(fd, buf + n, cap - n) : read(fd, &extra, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return tt_file_refuse(TT_ERR_IO, "cannot read: %s", strerror(errno));
        if (r == 0)
            break;
        if (n == cap)
            return tt_file_refuse(TT_ERR_FORMAT, "larger than %zu bytes: not a Tether file", cap);
        n += (size_t)r;
    }
    *len = n;
    return TT_OK;
}

/* As ssh does: a private key others can read is no longer private, and one others can
 * write may have been replaced. */
static tt_err owner_only(const char *path, const struct stat *st)
{
    if (st->st_uid != geteuid())
        return tt_file_refuse(TT_ERR_FORMAT,
                              "private key owned by another user (uid %u): copy it to "
                              "a file you own, then chmod 600 it",
                              (unsigned)st->st_uid);
    if (st->st_mode & 077)
        return tt_file_refuse(TT_ERR_FORMAT,
                              "private key is accessible by others (mode %04o): run "
                              "chmod 600 %s",
                              (unsigned)(st->st_mode & 07777), path);
    return TT_OK;
}

/* Opens a regular file, lets allowed (if any) judge its status, then reads it whole. */
static tt_err read_file(const char *path, uint8_t *buf, size_t cap, size_t *len,
                        tt_err (*allowed)(const char *path, const struct stat *st))
{
    struct stat st;
    int fd;
    tt_err e;
    problem[0] = 0;
    if (!path || !buf || !len)
        return tt_file_refuse(TT_ERR_ARG, "no path given");
    e = open_regular(path, &fd, &st);
    if (e != TT_OK)
        return e;
    if (allowed)
        e = allowed(path, &st);
    if (e == TT_OK)
        e = read_all(fd, buf, cap, len);
    close(fd);
    return e;
}

tt_err tt_file_read(const char *path, uint8_t *buf, size_t cap, size_t *len)
{
    return read_file(path, buf, cap, len, NULL);
}

tt_err tt_file_read_private(const char *path, uint8_t *buf, size_t cap, size_t *len)
{
    return read_file(path, buf, cap, len, owner_only);
}

/* The temporary's name: path + ".tmp-" + 12 random hex digits, so it is in the target's
 * directory (rename stays atomic) and cannot be guessed ahead by another user. */
static int temp_name(char *tmp, size_t cap, const char *path)
{
    uint8_t r[6];
    char hex[13];
    randombytes_buf(r, sizeof r);
    sodium_bin2hex(hex, sizeof hex, r, sizeof r);
    return snprintf(tmp, cap, "%s.tmp-%s", path, hex) < (int)cap ? 0 : -1;
}

tt_err tt_file_write(const char *path, const void *buf, size_t len, int secret)
{
    char tmp[4096];
    int fd = -1;
    problem[0] = 0;
    if (!path || (!buf && len))
        return tt_file_refuse(TT_ERR_ARG, "no path given");
    for (int tries = 0; fd < 0 && tries < 8; tries++) {
        if (temp_name(tmp, sizeof tmp, path) != 0)
            return tt_file_refuse(TT_ERR_ARG, "path too long");
        /* O_EXCL|O_NOFOLLOW: never write through a file or link someone left there */
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0 && errno != EEXIST)
            return tt_file_refuse(TT_ERR_IO, "cannot create %s: %s", tmp, strerror(errno));
    }
    if (fd < 0)
        return tt_file_refuse(TT_ERR_IO, "cannot create a temporary file next to %s", path);
    if (write(fd, buf, len) != (ssize_t)len || (!secret && fchmod(fd, 0644) != 0) ||
        fsync(fd) != 0) {
        int err = errno;
        close(fd);
        unlink(tmp);
        return tt_file_refuse(TT_ERR_IO, "cannot write %s: %s", tmp, strerror(err));
    }
    close(fd);
    if (rename(tmp, path) != 0) {
        int err = errno;
        unlink(tmp);
        return tt_file_refuse(TT_ERR_IO, "cannot rename %s to %s: %s", tmp, path, strerror(err));
    }
    return TT_OK;
}

/* DER prefixes of RFC 8410 X25519 keys: the 32 key bytes follow. */
static const uint8_t pkcs8_prefix[16] = {0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06,
                                         0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20};
static const uint8_t spki_prefix[12] = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03,
                                        0x2b, 0x65, 0x6e, 0x03, 0x21, 0x00};

static tt_err to_pem(char *out, size_t cap, const char *label, const uint8_t *der, size_t n)
{
    char b64[128];
    int w;
    if (sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL) > sizeof b64)
        return TT_ERR_ARG;
    sodium_bin2base64(b64, sizeof b64, der, n, sodium_base64_VARIANT_ORIGINAL);
    w = snprintf(out, cap, "-----BEGIN %s-----\n%s\n-----END %s-----\n", label, b64, label);
    sodium_memzero(b64, sizeof b64);
    return w > 0 && (size_t)w < cap ? TT_OK : TT_ERR_NO_SPACE;
}

/* Finds the base64 body between BEGIN/END lines of label and decodes it exactly. */
static tt_err from_pem(const char *pem, const char *label, uint8_t *der, size_t cap, size_t *n)
{
    char begin[64], end[64];
    const char *b, *e;
    problem[0] = 0;
    snprintf(begin, sizeof begin, "-----BEGIN %s-----", label);
    snprintf(end, sizeof end, "-----END %s-----", label);
    b = strstr(pem, begin);
    if (!b)
        return tt_file_refuse(TT_ERR_FORMAT, "no \"%s\" line%s", begin,
                              strstr(pem, "-----BEGIN EC PRIVATE KEY-----")
                                  ? ": this is a P-256 (owner) key, not a client key"
                                  : "");
    b += strlen(begin);
    e = strstr(b, end);
    if (!e)
        return tt_file_refuse(TT_ERR_FORMAT, "no \"%s\" line", end);
    if (sodium_base642bin(der, cap, b, (size_t)(e - b), " \r\n\t", n, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0)
        return tt_file_refuse(TT_ERR_FORMAT, "the PEM body is not base64 of a key");
    return TT_OK;
}

tt_err tt_x25519_priv_to_pem(char *out, size_t cap, const uint8_t sk[32])
{
    uint8_t der[48];
    tt_err e;
    memcpy(der, pkcs8_prefix, sizeof pkcs8_prefix);
    memcpy(der + sizeof pkcs8_prefix, sk, 32);
    e = to_pem(out, cap, "PRIVATE KEY", der, sizeof der);
    sodium_memzero(der, sizeof der);
    return e;
}

tt_err tt_x25519_pub_to_pem(char *out, size_t cap, const uint8_t pk[32])
{
    uint8_t der[44];
    memcpy(der, spki_prefix, sizeof spki_prefix);
    memcpy(der + sizeof spki_prefix, pk, 32);
    return to_pem(out, cap, "PUBLIC KEY", der, sizeof der);
}

/* The 32 key bytes of a PEM whose DER is exactly prefix followed by them; refused with
 * not_this (what the file should have been) otherwise. The DER copy is wiped either way. */
static tt_err x25519_from_pem(uint8_t key[32], const char *pem, const char *label,
                              const uint8_t *prefix, size_t prefix_len, const char *not_this)
{
    uint8_t der[128]; /* room for other keys, to say what they are */
    size_t n;
    tt_err e = from_pem(pem, label, der, sizeof der, &n);
    if (e == TT_OK && (n != prefix_len + 32 || memcmp(der, prefix, prefix_len) != 0))
        e = tt_file_refuse(TT_ERR_FORMAT, "%s", not_this);
    if (e == TT_OK)
        memcpy(key, der + prefix_len, 32);
    sodium_memzero(der, sizeof der);
    return e;
}

tt_err tt_x25519_priv_from_pem(uint8_t sk[32], const char *pem)
{
    return x25519_from_pem(sk, pem, "PRIVATE KEY", pkcs8_prefix, sizeof pkcs8_prefix,
                           "not an X25519 private key (a client key from tether keygen "
                           "client; an owner key is P-256)");
}

tt_err tt_x25519_pub_from_pem(uint8_t pk[32], const char *pem)
{
    return x25519_from_pem(pk, pem, "PUBLIC KEY", spki_prefix, sizeof spki_prefix,
                           "not an X25519 public key (the .pub of tether keygen client)");
}

tt_err tt_hex_decode(const char *hex, size_t hexlen, uint8_t *out, size_t n)
{
    const char *end;
    size_t got;
    if (hexlen != 2 * n)
        return TT_ERR_FORMAT;
    if (sodium_hex2bin(out, n, hex, hexlen, NULL, &got, &end) != 0 || got != n ||
        end != hex + hexlen)
        return TT_ERR_FORMAT;
    return TT_OK;
}

/* [FIL-030] structural checks of a grant file; the same as [GRT-011] minus the signature,
 * each with the field it is about. */
tt_err tt_grant_file_parse(const uint8_t *buf, size_t n, tether_v1_SignedGrant *sg,
                           tether_v1_GrantBody *body)
{
    static const uint8_t zero_sig[TT_P256_SIG_LEN];
    problem[0] = 0;
    if (!buf || !sg || !body)
        return tt_file_refuse(TT_ERR_ARG, "no grant given");
    if (n == 0)
        return tt_file_refuse(TT_ERR_GRANT_MALFORMED, "empty file: not a grant");
    memset(sg, 0, sizeof *sg);
    memset(body, 0, sizeof *body);
    if (tt_pb_decode(tether_v1_SignedGrant_fields, buf, n, sg) != TT_OK)
        return tt_file_refuse(TT_ERR_GRANT_MALFORMED, "not a SignedGrant encoding");
    if (sg->body.size == 0)
        return tt_file_refuse(TT_ERR_GRANT_MALFORMED, "no grant body");
    if (memcmp(sg->signature, zero_sig, sizeof zero_sig) == 0)
        return tt_file_refuse(TT_ERR_GRANT_MALFORMED, "no signature");
    if (tt_pb_decode(tether_v1_GrantBody_fields, sg->body.bytes, sg->body.size, body) != TT_OK)
        return tt_file_refuse(TT_ERR_GRANT_MALFORMED, "grant body does not decode");
    if (body->format != 1)
        return tt_file_refuse(TT_ERR_GRANT_MALFORMED, "grant format %u (this tool reads format 1)",
                              (unsigned)body->format);
    if (sodium_is_zero(body->client_key, sizeof body->client_key))
        return tt_file_refuse(TT_ERR_GRANT_MALFORMED, "no client key in the grant");
    if (body->which_scope != tether_v1_GrantBody_device_id_tag &&
        body->which_scope != tether_v1_GrantBody_group_id_tag)
        return tt_file_refuse(TT_ERR_GRANT_MALFORMED, "the grant names no device or group");
    if (body->not_after <= body->not_before)
        return tt_file_refuse(TT_ERR_GRANT_MALFORMED,
                              "validity window empty (not_after %llu <= "
                              "not_before %llu)",
                              (unsigned long long)body->not_after,
                              (unsigned long long)body->not_before);
    return TT_OK;
}

tt_err tt_grant_file_load(const char *path, tether_v1_SignedGrant *sg, tether_v1_GrantBody *body)
{
    uint8_t buf[sizeof(tether_v1_SignedGrant) + 16];
    size_t n;
    tt_err e = tt_file_read(path, buf, sizeof buf, &n);
    if (e != TT_OK)
        return e;
    return tt_grant_file_parse(buf, n, sg, body);
}

/* [FIL-040] structural checks of a revocation file; the signature is the owner's key's to
 * judge (the device's, or the tool's when the record names the owner key). */
tt_err tt_revocation_file_parse(const uint8_t *buf, size_t n, tether_v1_RaiseRevocationFloor *rf,
                                tether_v1_RevocationFloorBody *body)
{
    problem[0] = 0;
    if (!buf || !rf || !body)
        return tt_file_refuse(TT_ERR_ARG, "no revocation given");
    if (n == 0)
        return tt_file_refuse(TT_ERR_FORMAT, "empty file: not a revocation");
    memset(rf, 0, sizeof *rf);
    memset(body, 0, sizeof *body);
    if (tt_pb_decode(tether_v1_RaiseRevocationFloor_fields, buf, n, rf) != TT_OK)
        return tt_file_refuse(TT_ERR_FORMAT, "not a RaiseRevocationFloor encoding");
    if (sodium_is_zero(rf->signature, sizeof rf->signature))
        return tt_file_refuse(TT_ERR_FORMAT, "no signature");
    if (rf->body.size == 0 || tt_pb_decode(tether_v1_RevocationFloorBody_fields, rf->body.bytes,
                                           rf->body.size, body) != TT_OK)
        return tt_file_refuse(TT_ERR_FORMAT, "floor body does not decode");
    if (sodium_is_zero(body->device_id, sizeof body->device_id))
        return tt_file_refuse(TT_ERR_FORMAT, "the revocation names no device");
    if (body->floor == 0)
        return tt_file_refuse(TT_ERR_FORMAT, "floor 0 revokes nothing");
    return TT_OK;
}

tt_err tt_revocation_file_load(const char *path, tether_v1_RaiseRevocationFloor *rf,
                               tether_v1_RevocationFloorBody *body)
{
    uint8_t buf[sizeof(tether_v1_RaiseRevocationFloor) + 16];
    size_t n;
    tt_err e = tt_file_read(path, buf, sizeof buf, &n);
    if (e != TT_OK)
        return e;
    return tt_revocation_file_parse(buf, n, rf, body);
}
