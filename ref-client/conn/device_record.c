/* device_record.c — the device record (device.json, spec/files.md [FIL-020]..[FIL-029] and
 * spec/schema/device-record.schema.json) read with jansson: one JSON object, each known
 * member checked for its type and exact encoding, one message per malformed field. Depends
 * on keyfile.h, file_problem.h, jansson. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "file_problem.h"
#include "keyfile.h"

/* The hex-encoded members: name, bytes, required, where they go (offsets into the record,
 * so one loop checks them all). */
static const struct {
    const char *name;
    size_t len;
    int required;
    size_t offset;
    size_t has_offset; /* 0: none (required members) */
    const char *what;
} hex_members[] = {
    {"device_id", TT_DEVICE_ID_LEN, 1, offsetof(struct tt_device_record, device_id), 0,
     "the 16-byte device id"},
    {"static_public", 32, 1, offsetof(struct tt_device_record, static_public), 0,
     "the device's X25519 static public key"},
    {"owner_public", TT_P256_PUB_LEN, 0, offsetof(struct tt_device_record, owner_public),
     offsetof(struct tt_device_record, has_owner_public),
     "the owner's P-256 public key, uncompressed SEC1"},
    {"attest_public", TT_P256_PUB_LEN, 0, offsetof(struct tt_device_record, attest_public),
     offsetof(struct tt_device_record, has_attest_public),
     "the attestation P-256 public key, uncompressed SEC1"},
};

/* tcp:HOST:PORT or mqtt://HOST:PORT: the scheme, a host without spaces or colons (IPv6 is
 * not a v1 link), a decimal port 1..65535 without leading zeros (the schema's pattern). */
tt_err tt_link_check(const char *link)
{
    static const char *const schemes[] = {"tcp:", "mqtt://"};
    const char *host = NULL, *colon, *p;
    unsigned long port = 0;
    if (!link)
        return tt_file_refuse(TT_ERR_FORMAT, "no link");
    for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++)
        if (strncmp(link, schemes[i], strlen(schemes[i])) == 0)
            host = link + strlen(schemes[i]);
    if (!host)
        return tt_file_refuse(TT_ERR_FORMAT,
                              "field \"link\": \"%.64s\" is neither "
                              "tcp:HOST:PORT nor mqtt://HOST:PORT",
                              link);
    colon = strchr(host, ':');
    if (!colon || colon == host || strchr(colon + 1, ':'))
        return tt_file_refuse(TT_ERR_FORMAT, "field \"link\": \"%.64s\" needs HOST:PORT", link);
    for (p = host; p < colon; p++)
        if (*p <= ' ' || *p == '/' || *p == 0x7f)
            return tt_file_refuse(TT_ERR_FORMAT, "field \"link\": the host has a space, "
                                                 "slash or control character");
    for (p = colon + 1; *p; p++) {
        if (*p < '0' || *p > '9' || p - colon > 5 || (p == colon + 1 && *p == '0'))
            return tt_file_refuse(TT_ERR_FORMAT, "field \"link\": the port must be 1..65535 "
                                                 "in decimal");
        port = port * 10 + (unsigned long)(*p - '0');
    }
    if (port < 1 || port > 65535)
        return tt_file_refuse(TT_ERR_FORMAT, "field \"link\": the port must be 1..65535 in "
                                             "decimal");
    return TT_OK;
}

static tt_err get_string(json_t *root, const char *name, const char **s)
{
    json_t *v = json_object_get(root, name);
    *s = NULL;
    if (!v)
        return TT_OK;
    if (!json_is_string(v))
        return tt_file_refuse(TT_ERR_FORMAT, "field \"%s\": must be a string", name);
    *s = json_string_value(v);
    return TT_OK;
}

static tt_err parse_hex_members(json_t *root, struct tt_device_record *r)
{
    for (size_t i = 0; i < sizeof hex_members / sizeof hex_members[0]; i++) {
        const char *s;
        uint8_t *dst = (uint8_t *)r + hex_members[i].offset;
        size_t len = hex_members[i].len;
        tt_err e = get_string(root, hex_members[i].name, &s);
        if (e != TT_OK)
            return e;
        if (!s) {
            if (hex_members[i].required)
                return tt_file_refuse(TT_ERR_FORMAT, "field \"%s\" (%s) is missing",
                                      hex_members[i].name, hex_members[i].what);
            continue;
        }
        if (tt_hex_decode(s, strlen(s), dst, len) != TT_OK)
            return tt_file_refuse(TT_ERR_FORMAT, "field \"%s\": must be %zu hex digits (%s)",
                                  hex_members[i].name, 2 * len, hex_members[i].what);
        if (len == TT_P256_PUB_LEN && dst[0] != 0x04)
            return tt_file_refuse(TT_ERR_FORMAT, "field \"%s\": must start with 04 (%s)",
                                  hex_members[i].name, hex_members[i].what);
        if (hex_members[i].has_offset)
            *(int *)((uint8_t *)r + hex_members[i].has_offset) = 1;
    }
    return TT_OK;
}

static tt_err parse_members(json_t *root, struct tt_device_record *r)
{
    json_t *format = json_object_get(root, "format");
    const char *link, *creds;
    tt_err e;
    /* [FIL-003] absent means 1 (records written before the field existed); a number equal
     * to 1 (1.0 too, as JSON Schema compares numbers), never a string or a boolean */
    if (format && !json_is_number(format))
        return tt_file_refuse(TT_ERR_FORMAT, "field \"format\": must be a number");
    if (format && json_number_value(format) != (double)TT_FILE_FORMAT)
        return tt_file_refuse(TT_ERR_FORMAT,
                              "field \"format\": %g is not a format this tool reads (%d)",
                              json_number_value(format), TT_FILE_FORMAT);
    e = parse_hex_members(root, r);
    if (e == TT_OK)
        e = get_string(root, "link", &link);
    if (e == TT_OK && !link)
        e = tt_file_refuse(TT_ERR_FORMAT, "field \"link\" (how to reach the device) is "
                                          "missing");
    if (e == TT_OK && strlen(link) >= sizeof r->link)
        e = tt_file_refuse(TT_ERR_FORMAT, "field \"link\": longer than %zu characters",
                           sizeof r->link - 1);
    if (e == TT_OK)
        e = tt_link_check(link);
    if (e != TT_OK)
        return e;
    strcpy(r->link, link);
    e = get_string(root, "broker_credentials", &creds);
    if (e == TT_OK && creds && (creds[0] == 0 || strlen(creds) >= sizeof r->broker_credentials))
        e = tt_file_refuse(TT_ERR_FORMAT,
                           "field \"broker_credentials\": must be a file path "
                           "of 1..%zu characters",
                           sizeof r->broker_credentials - 1);
    if (e == TT_OK && creds)
        strcpy(r->broker_credentials, creds);
    return e;
}

tt_err tt_device_record_parse(const char *json, size_t len, struct tt_device_record *r)
{
    json_error_t err;
    json_t *root;
    tt_err e;
    if (!json || !r)
        return tt_file_refuse(TT_ERR_ARG, "no record given");
    memset(r, 0, sizeof *r);
    /* Duplicate members are refused: two readers could otherwise take different ones. */
    root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &err);
    if (!root)
        return tt_file_refuse(TT_ERR_FORMAT, "not JSON (line %d, column %d: %s)", err.line,
                              err.column, err.text);
    if (!json_is_object(root))
        e = tt_file_refuse(TT_ERR_FORMAT, "not a JSON object");
    else
        e = parse_members(root, r);
    json_decref(root);
    if (e != TT_OK) {
        memset(r, 0, sizeof *r);
        return e;
    }
    (void)tt_file_refuse(TT_OK, "%s", "");
    return TT_OK;
}

tt_err tt_device_record_load(const char *path, struct tt_device_record *r)
{
    char buf[16384];
    size_t n;
    tt_err e = tt_file_read(path, (uint8_t *)buf, sizeof buf, &n);
    if (e != TT_OK)
        return e;
    return tt_device_record_parse(buf, n, r);
}
