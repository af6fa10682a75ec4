/* path_memory.c — the window a path carried, remembered per device and link ([REL-023]). */
#include "path_memory.h"

#include <errno.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "file_problem.h"
#include "keyfile.h"

#define FILE_MAX 1024u

static const char *state_dir(char *buf, size_t cap)
{
    const char *d = getenv("TETHER_STATE_DIR"), *x = getenv("XDG_STATE_HOME"),
               *h = getenv("HOME");
    if (d && *d)
        return snprintf(buf, cap, "%s", d) < (int)cap ? buf : NULL;
    if (x && *x)
        return snprintf(buf, cap, "%s/tether", x) < (int)cap ? buf : NULL;
    if (h && *h)
        return snprintf(buf, cap, "%s/.local/state/tether", h) < (int)cap ? buf : NULL;
    return NULL;
}

tt_err tt_path_file(char *path, size_t cap, const uint8_t id[TT_DEVICE_ID_LEN], const char *link)
{
    char dir[4096], hex[33];
    uint8_t h[32];
    crypto_hash_sha256_state st;
    if (!path || !id || !link)
        return TT_ERR_ARG;
    if (!state_dir(dir, sizeof dir))
        return tt_file_refuse(TT_ERR_ARG, "no state folder: set TETHER_STATE_DIR or HOME");
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, id, TT_DEVICE_ID_LEN);
    crypto_hash_sha256_update(&st, (const uint8_t *)link, strlen(link));
    crypto_hash_sha256_final(&st, h);
    sodium_bin2hex(hex, sizeof hex, h, 16);
    if (snprintf(path, cap, "%s/path-%s.json", dir, hex) >= (int)cap)
        return tt_file_refuse(TT_ERR_NO_SPACE, "state folder name too long");
    return TT_OK;
}

/* The member name as a whole number in 1..max, or 0. */
static uint32_t whole(json_t *o, const char *name, uint32_t max)
{
    json_t *v = json_object_get(o, name);
    json_int_t n = json_is_integer(v) ? json_integer_value(v) : 0;
    return n >= 1 && n <= (json_int_t)max ? (uint32_t)n : 0;
}

tt_err tt_path_load(const char *file, const uint8_t id[TT_DEVICE_ID_LEN], const char *link,
                    struct tt_path *p)
{
    uint8_t buf[FILE_MAX];
    char idhex[2 * TT_DEVICE_ID_LEN + 1];
    size_t n;
    struct stat st;
    json_error_t jerr;
    memset(p, 0, sizeof *p);
    if (lstat(file, &st) != 0 && errno == ENOENT)
        return TT_OK; /* nothing remembered: a first push */
    tt_err e = tt_file_read(file, buf, sizeof buf, &n);
    if (e != TT_OK)
        return e;
    json_t *o = json_loadb((const char *)buf, n, JSON_REJECT_DUPLICATES, &jerr);
    if (!json_is_object(o)) {
        json_decref(o);
        return tt_file_refuse(TT_ERR_FORMAT, "not one JSON object");
    }
    sodium_bin2hex(idhex, sizeof idhex, id, TT_DEVICE_ID_LEN);
    const char *fid = json_string_value(json_object_get(o, "device_id")),
               *flink = json_string_value(json_object_get(o, "link"));
    struct tt_path got = {whole(o, "window", TT_PATH_WINDOW_MAX),
                          whole(o, "handshake_ms", 3600000u)};
    if (whole(o, "format", 1) != 1)
        e = tt_file_refuse(TT_ERR_FORMAT, "field \"format\": must be 1");
    else if (!fid || strcmp(fid, idhex) || !flink || strcmp(flink, link))
        e = tt_file_refuse(TT_ERR_FORMAT, "written for another device or link");
    else if (!got.window || !got.handshake_ms)
        e = tt_file_refuse(TT_ERR_FORMAT,
                           "fields \"window\" (1..%u) and \"handshake_ms\" must be whole numbers",
                           TT_PATH_WINDOW_MAX);
    else
        *p = got;
    json_decref(o);
    return e;
}

int tt_path_same(const struct tt_path *p, uint32_t handshake_ms)
{
    uint64_t then = p->handshake_ms, now = handshake_ms ? handshake_ms : 1u;
    return p->window && now <= TT_PATH_RTT_RATIO * then + TT_PATH_RTT_SLACK_MS &&
           then <= TT_PATH_RTT_RATIO * now + TT_PATH_RTT_SLACK_MS;
}

tt_err tt_path_save(const char *file, const uint8_t id[TT_DEVICE_ID_LEN], const char *link,
                    const struct tt_path *p)
{
    char dir[4096], idhex[2 * TT_DEVICE_ID_LEN + 1], *slash;
    if (!p->window || p->window > TT_PATH_WINDOW_MAX || !p->handshake_ms)
        return TT_ERR_ARG;
    if (snprintf(dir, sizeof dir, "%s", file) >= (int)sizeof dir)
        return tt_file_refuse(TT_ERR_NO_SPACE, "state file name too long");
    /* the file's folder and its parents (~/.local/state may not exist yet) */
    if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
        *slash = 0;
        for (char *s = dir + 1;; s++) {
            char c = *s;
            if (c != '/' && c != 0)
                continue;
            *s = 0;
            if (mkdir(dir, 0700) != 0 && errno != EEXIST)
                return tt_file_refuse(TT_ERR_IO, "cannot create %s: %s", dir, strerror(errno));
            *s = c;
            if (c == 0)
                break;
        }
    }
    sodium_bin2hex(idhex, sizeof idhex, id, TT_DEVICE_ID_LEN);
    json_t *o = json_pack("{s:i, s:s, s:s, s:I, s:I}", "format", 1, "device_id", idhex, "link",
                          link, "window", (json_int_t)p->window, "handshake_ms",
                          (json_int_t)p->handshake_ms);
    char *text = o ? json_dumps(o, JSON_INDENT(1)) : NULL;
    json_decref(o);
    if (!text)
        return tt_file_refuse(TT_ERR_NO_SPACE, "out of memory");
    tt_err e = tt_file_write(file, text, strlen(text), 0);
    free(text);
    return e;
}
