/* keyfile.c — key, grant and device-record files for the client tools (keyfile.h). */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "keyfile.h"

/* DER prefixes of RFC 8410 X25519 keys: the 32 key bytes follow. */
static const uint8_t pkcs8_prefix[16] = {0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06,
                                         0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20};
static const uint8_t spki_prefix[12] = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03,
                                        0x2b, 0x65, 0x6e, 0x03, 0x21, 0x00};

tt_err tt_file_read(const char *path, uint8_t *buf, size_t cap, size_t *len)
{
    FILE *f;
    size_t n;
    if (!path || !buf || !len)
        return TT_ERR_ARG;
    f = fopen(path, "rb");
    if (!f)
        return TT_ERR_IO;
    n = fread(buf, 1, cap, f);
    int failed = ferror(f), too_large = !failed && n == cap && fgetc(f) != EOF;
    fclose(f);
    if (failed)
        return TT_ERR_IO;
    if (too_large)
        return TT_ERR_FORMAT;
    *len = n;
    return TT_OK;
}

tt_err tt_file_write(const char *path, const void *buf, size_t len, int secret)
{
    char tmp[4096];
    int fd;
    if (!path || (!buf && len) || snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
        return TT_ERR_ARG;
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, secret ? 0600 : 0644);
    if (fd < 0)
        return TT_ERR_IO;
    if (write(fd, buf, len) != (ssize_t)len || fsync(fd) != 0) {
        close(fd);
        unlink(tmp);
        return TT_ERR_IO;
    }
    close(fd);
    if (rename(tmp, path) != 0) {
        unlink(tmp);
        return TT_ERR_IO;
    }
    return TT_OK;
}

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
    snprintf(begin, sizeof begin, "-----BEGIN %s-----", label);
    snprintf(end, sizeof end, "-----END %s-----", label);
    b = strstr(pem, begin);
    if (!b)
        return TT_ERR_FORMAT;
    b += strlen(begin);
    e = strstr(b, end);
    if (!e)
        return TT_ERR_FORMAT;
    if (sodium_base642bin(der, cap, b, (size_t)(e - b), " \r\n\t", n, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0)
        return TT_ERR_FORMAT;
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

tt_err tt_x25519_priv_from_pem(uint8_t sk[32], const char *pem)
{
    uint8_t der[64];
    size_t n;
    tt_err e = from_pem(pem, "PRIVATE KEY", der, sizeof der, &n);
    if (e == TT_OK && (n != 48 || memcmp(der, pkcs8_prefix, sizeof pkcs8_prefix) != 0))
        e = TT_ERR_FORMAT; /* not an X25519 PKCS#8 key */
    if (e == TT_OK)
        memcpy(sk, der + sizeof pkcs8_prefix, 32);
    sodium_memzero(der, sizeof der);
    return e;
}

tt_err tt_x25519_pub_from_pem(uint8_t pk[32], const char *pem)
{
    uint8_t der[64];
    size_t n;
    tt_err e = from_pem(pem, "PUBLIC KEY", der, sizeof der, &n);
    if (e == TT_OK && (n != 44 || memcmp(der, spki_prefix, sizeof spki_prefix) != 0))
        e = TT_ERR_FORMAT;
    if (e == TT_OK)
        memcpy(pk, der + sizeof spki_prefix, 32);
    return e;
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

/* A tiny strict reader of {"key": "value", ...} with plain string values (no escapes). */
static const char *skip_ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
        p++;
    return p;
}

static const char *read_string(const char *p, const char *end, const char **s, size_t *n)
{
    const char *q;
    if (p >= end || *p != '"')
        return NULL;
    for (q = p + 1; q < end && *q != '"'; q++)
        if (*q == '\\' || (unsigned char)*q < 0x20)
            return NULL;
    if (q >= end)
        return NULL;
    *s = p + 1;
    *n = (size_t)(q - p - 1);
    return q + 1;
}

tt_err tt_device_record_parse(const char *json, size_t len, struct tt_device_record *r)
{
    const char *p = json, *end = json + len;
    int have_id = 0, have_pub = 0, have_link = 0;
    if (!json || !r)
        return TT_ERR_ARG;
    memset(r, 0, sizeof *r);
    p = skip_ws(p, end);
    if (p >= end || *p++ != '{')
        return TT_ERR_FORMAT;
    for (;;) {
        const char *k, *v;
        size_t kn, vn;
        tt_err e = TT_OK;
        p = skip_ws(p, end);
        if (!(p = read_string(p, end, &k, &kn)))
            return TT_ERR_FORMAT;
        p = skip_ws(p, end);
        if (p >= end || *p++ != ':')
            return TT_ERR_FORMAT;
        p = skip_ws(p, end);
        if (!(p = read_string(p, end, &v, &vn)))
            return TT_ERR_FORMAT;
        if (kn == 9 && memcmp(k, "device_id", 9) == 0) {
            e = tt_hex_decode(v, vn, r->device_id, sizeof r->device_id);
            have_id = 1;
        } else if (kn == 13 && memcmp(k, "static_public", 13) == 0) {
            e = tt_hex_decode(v, vn, r->static_public, sizeof r->static_public);
            have_pub = 1;
        } else if (kn == 12 && memcmp(k, "owner_public", 12) == 0) {
            e = tt_hex_decode(v, vn, r->owner_public, sizeof r->owner_public);
            r->has_owner_public = 1;
        } else if (kn == 4 && memcmp(k, "link", 4) == 0) {
            if (vn == 0 || vn >= sizeof r->link)
                return TT_ERR_FORMAT;
            memcpy(r->link, v, vn);
            r->link[vn] = 0;
            have_link = 1;
        }
        if (e != TT_OK)
            return e;
        p = skip_ws(p, end);
        if (p < end && *p == ',') {
            p++;
            continue;
        }
        if (p < end && *p == '}')
            break;
        return TT_ERR_FORMAT;
    }
    p = skip_ws(p + 1, end);
    if (p != end || !have_id || !have_pub || !have_link)
        return TT_ERR_FORMAT;
    return TT_OK;
}

tt_err tt_device_record_load(const char *path, struct tt_device_record *r)
{
    char buf[4096];
    size_t n;
    tt_err e = tt_file_read(path, (uint8_t *)buf, sizeof buf, &n);
    if (e != TT_OK)
        return e;
    return tt_device_record_parse(buf, n, r);
}
