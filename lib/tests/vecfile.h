/* vecfile.h — reader for the 'key = value' vector files in spec/vectors/ (test-only).
 *
 * Records are runs of 'key = value' lines separated by blank lines; '#' starts a comment
 * line; byte strings are hex. The directory is $TT_VECTOR_DIR or spec/vectors (tests run
 * from the repository root). Header-only, static functions, so each test binary that wants
 * it includes it; aborts the test (via Check) on a malformed file rather than guessing. */
#ifndef TETHER_TESTS_VECFILE_H
#define TETHER_TESTS_VECFILE_H

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VEC_MAX_KEYS 32
#define VEC_STORE 65536

struct vec {
    size_t n;
    char keys[VEC_MAX_KEYS][24];
    char *vals[VEC_MAX_KEYS];
    char store[VEC_STORE];
    size_t used;
};

static inline FILE *vec_open(const char *name)
{
    const char *dir = getenv("TT_VECTOR_DIR");
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir != NULL ? dir : "spec/vectors", name);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s (run from the repository root)", path);
    return f;
}

/* Reads the next record into v; returns 0 at end of file. */
static inline int vec_next(FILE *f, struct vec *v)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    v->n = 0;
    v->used = 0;
    while ((got = getline(&line, &cap, f)) >= 0) {
        while (got > 0 && (line[got - 1] == '\n' || line[got - 1] == '\r'))
            line[--got] = '\0';
        if (line[0] == '#')
            continue;
        if (got == 0) {
            if (v->n > 0)
                break;
            continue;
        }
        char *eq = strstr(line, " = ");
        ck_assert_msg(eq != NULL && v->n < VEC_MAX_KEYS, "bad vector line: %.60s", line);
        size_t klen = (size_t)(eq - line), vlen = strlen(eq + 3);
        ck_assert(klen < sizeof v->keys[0] && v->used + vlen + 1 <= VEC_STORE);
        memcpy(v->keys[v->n], line, klen);
        v->keys[v->n][klen] = '\0';
        v->vals[v->n] = v->store + v->used;
        memcpy(v->vals[v->n], eq + 3, vlen + 1);
        v->used += vlen + 1;
        v->n++;
    }
    free(line);
    return v->n > 0;
}

static inline const char *vec_get(const struct vec *v, const char *key)
{
    for (size_t i = 0; i < v->n; i++)
        if (strcmp(v->keys[i], key) == 0)
            return v->vals[i];
    ck_abort_msg("vector lacks key %s", key);
    return NULL;
}

/* Decodes hex[0..n) (n even) into out; returns the byte count. */
static inline size_t vec_hexn(const char *hex, size_t n, uint8_t *out, size_t cap)
{
    ck_assert_msg(n % 2 == 0 && n / 2 <= cap, "bad hex length %zu", n);
    for (size_t i = 0; i < n / 2; i++) {
        unsigned b;
        ck_assert_msg(sscanf(hex + 2 * i, "%2x", &b) == 1, "bad hex");
        out[i] = (uint8_t)b;
    }
    return n / 2;
}

static inline size_t vec_hex(const char *hex, uint8_t *out, size_t cap)
{
    return vec_hexn(hex, strlen(hex), out, cap);
}

static inline uint64_t vec_u64(const char *hex)
{
    return strtoull(hex, NULL, 16);
}

#endif
