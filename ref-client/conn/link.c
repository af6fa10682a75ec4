/* link.c — the link a device record names, and the broker credentials an MQTT link needs
 * (link.h). The credentials file is untrusted input: a JSON object with exactly-typed,
 * bounded strings; anything else is TT_ERR_FORMAT. */
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "keyfile.h"
#include "link.h"

TT_MUST_CHECK static tt_err copy_string(json_t *obj, const char *key, char *out, size_t cap)
{
    json_t *v = json_object_get(obj, key);
    const char *s;
    size_t n;
    if (!json_is_string(v))
        return TT_ERR_FORMAT;
    s = json_string_value(v);
    n = json_string_length(v);
    if (n == 0 || n >= cap || strlen(s) != n) /* no embedded NUL */
        return TT_ERR_FORMAT;
    memcpy(out, s, n + 1);
    return TT_OK;
}

TT_MUST_CHECK static tt_err load_json(const char *path, json_t **root)
{
    uint8_t buf[8192];
    size_t n;
    json_error_t err;
    tt_err e = tt_file_read(path, buf, sizeof buf, &n);
    if (e != TT_OK)
        return e;
    *root = json_loadb((const char *)buf, n, JSON_REJECT_DUPLICATES, &err);
    sodium_memzero(buf, sizeof buf);
    return *root && json_is_object(*root) ? TT_OK : TT_ERR_FORMAT;
}

tt_err tt_broker_login_load(const char *path, struct tt_mqtt_login *login)
{
    json_t *root = NULL;
    tt_err e = load_json(path, &root);
    memset(login, 0, sizeof *login);
    if (e == TT_OK)
        e = copy_string(root, "username", login->username, sizeof login->username);
    if (e == TT_OK)
        e = copy_string(root, "password", login->password, sizeof login->password);
    json_decref(root);
    if (e != TT_OK)
        sodium_memzero(login, sizeof *login);
    return e;
}

tt_err tt_record_broker_credentials(const char *record_path, char *out, size_t cap)
{
    json_t *root = NULL;
    char rel[PATH_MAX];
    const char *slash;
    tt_err e = load_json(record_path, &root);
    out[0] = 0;
    if (e != TT_OK) {
        json_decref(root);
        return e;
    }
    if (!json_object_get(root, "broker_credentials")) {
        json_decref(root);
        return TT_OK;
    }
    e = copy_string(root, "broker_credentials", rel, sizeof rel);
    json_decref(root);
    if (e != TT_OK)
        return e;
    slash = strrchr(record_path, '/');
    if (rel[0] == '/' || !slash)
        return snprintf(out, cap, "%s", rel) < (int)cap ? TT_OK : TT_ERR_FORMAT;
    return snprintf(out, cap, "%.*s/%s", (int)(slash - record_path), record_path, rel) < (int)cap
               ? TT_OK
               : TT_ERR_FORMAT;
}

TT_MUST_CHECK static tt_err open_tcp(struct tt_link *l, const char *addr, const char *credentials,
                       const uint8_t id[16], int timeout_ms)
{
    (void)credentials;
    (void)id;
    l->t = &l->tcp.t;
    return tt_tcp_open(&l->tcp, addr, timeout_ms);
}

TT_MUST_CHECK static tt_err open_mqtt(struct tt_link *l, const char *addr, const char *credentials,
                        const uint8_t id[16], int timeout_ms)
{
    struct tt_mqtt_login login;
    tt_err e;
    if (!credentials || !credentials[0])
        return TT_ERR_ARG; /* the caller says which file is missing */
    e = tt_broker_login_load(credentials, &login);
    if (e != TT_OK)
        return e;
    l->t = &l->mqtt.t;
    e = tt_mqtt_open(&l->mqtt, addr, &login, id, TT_MQTT_CLIENT, timeout_ms);
    sodium_memzero(&login, sizeof login);
    return e;
}

/* One row per link scheme. */
static const struct {
    const char *prefix;
    tt_err (*open)(struct tt_link *l, const char *addr, const char *credentials,
                   const uint8_t id[16], int timeout_ms);
} schemes[] = {
    {"tcp:", open_tcp},
    {"mqtt://", open_mqtt},
};

tt_err tt_link_open(struct tt_link *l, const char *addr, const char *credentials,
                    const uint8_t id[16], int timeout_ms)
{
    memset(l, 0, sizeof *l);
    for (size_t i = 0; addr && i < sizeof schemes / sizeof schemes[0]; i++)
        if (strncmp(addr, schemes[i].prefix, strlen(schemes[i].prefix)) == 0)
            return schemes[i].open(l, addr, credentials, id, timeout_ms);
    return TT_ERR_FORMAT;
}
