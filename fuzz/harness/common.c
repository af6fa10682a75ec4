/* common.c — shared pieces of the fuzz harnesses (see common.h): invariant failure, the op
 * reader, the secret scan, deterministic randomness, fixed keys and the one-time handshake.
 * Depends on lib/ (session engine) and the backend chosen at link time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

const char fuzz_client_hello[] = "fuzz-client-hello";
const char fuzz_device_reply[] = "fuzz-device-reply";

void fuzz_fail(const char *file, int line, const char *sec, const char *what)
{
    fprintf(stderr, "INVARIANT VIOLATED [%s] %s:%d: %s\n", sec, file, line, what);
    abort();
}

int fuzz_next_op(struct fuzz_reader *r, size_t max, uint8_t *op, const uint8_t **chunk,
                 size_t *len)
{
    size_t n;
    if (r->left < 3)
        return 0;
    *op = r->p[0];
    n = ((size_t)r->p[1] << 8 | r->p[2]) % (max + 1);
    r->p += 3;
    r->left -= 3;
    if (n > r->left)
        n = r->left;
    *chunk = r->p;
    *len = n;
    r->p += n;
    r->left -= n;
    return 1;
}

size_t fuzz_put_op(uint8_t *out, size_t at, uint8_t op, const uint8_t *chunk, size_t len)
{
    out[at] = op;
    out[at + 1] = (uint8_t)(len >> 8);
    out[at + 2] = (uint8_t)len;
    if (len)
        memcpy(out + at + 3, chunk, len);
    return at + 3 + len;
}

/* memmem is a GNU extension; this is the portable few lines it takes. */
static int contains8(const uint8_t *buf, size_t n, const uint8_t *needle)
{
    const uint8_t *p = buf, *end = buf + n;
    while (end - p >= 8) {
        p = memchr(p, needle[0], (size_t)(end - p) - 7);
        if (p == NULL)
            return 0;
        if (memcmp(p, needle, 8) == 0)
            return 1;
        p++;
    }
    return 0;
}

int fuzz_leaks(const uint8_t *buf, size_t n, const uint8_t *secret, size_t len)
{
    for (size_t k = 0; k + 8 <= len; k += 8)
        if (contains8(buf, n, secret + k))
            return 1;
    return 0;
}

/* splitmix64: reproducible, not secure — exactly what a fuzz start-up needs. */
static uint64_t rng_state;

void fuzz_rng_reset(uint64_t seed)
{
    rng_state = seed;
}

static tt_err det_random(void *ctx, uint8_t *buf, size_t len)
{
    (void)ctx;
    for (size_t i = 0; i < len; i++) {
        uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        buf[i] = (uint8_t)(z ^ (z >> 31));
    }
    return TT_OK;
}

const struct tt_crypto *fuzz_crypto(void)
{
    static struct tt_crypto c;
    static int ready;
    if (!ready) {
        c = *fuzz_backend();
        c.random = det_random;
        c.rng_ctx = NULL;
        ready = 1;
    }
    return &c;
}

const struct fuzz_keys *fuzz_keys(void)
{
    static struct fuzz_keys k;
    static int ready;
    if (!ready) {
        for (int i = 0; i < 32; i++) {
            k.client_sk[i] = (uint8_t)(0x40 + i);
            k.device_sk[i] = (uint8_t)(0x90 + i);
            k.client_e[i] = (uint8_t)(0x11 * (i % 15) + 1);
            k.device_e[i] = (uint8_t)(0xE0 - i);
        }
        if (fuzz_backend()->x25519_public(k.client_pk, k.client_sk) != TT_OK ||
            fuzz_backend()->x25519_public(k.device_pk, k.device_sk) != TT_OK)
            fuzz_fail(__FILE__, __LINE__, "setup", "x25519_public");
        ready = 1;
    }
    return &k;
}

void fuzz_initiate(struct tt_session *client, struct tt_rel_slot *slots, uint8_t *out,
                   size_t *outlen)
{
    const struct fuzz_keys *k = fuzz_keys();
    fuzz_rng_reset(0x7E7E7E7E); /* the same client session id every time */
    if (tt_session_initiate(client, fuzz_crypto(), k->client_sk, k->device_pk, k->client_e,
                            (const uint8_t *)fuzz_client_hello, strlen(fuzz_client_hello),
                            slots, FUZZ_NSLOTS, 200, out, TT_PKT_MAX_LEN, outlen) != TT_OK)
        fuzz_fail(__FILE__, __LINE__, "setup", "fixed-key initiation failed");
}

void fuzz_establish(struct fuzz_pair *p, uint8_t *init, size_t *init_len, uint8_t *resp,
                    size_t *resp_len)
{
    const struct fuzz_keys *k = fuzz_keys();
    const struct tt_crypto *c = fuzz_crypto();
    uint8_t pkt1[TT_PKT_MAX_LEN], pkt2[TT_PKT_MAX_LEN], hello[64], reply[64];
    size_t n1, n2, hn, rn;
    memset(p, 0, sizeof *p);
    fuzz_initiate(&p->client, p->cslots, pkt1, &n1);
    if (tt_session_accept(&p->device, c, k->device_sk, pkt1, n1, hello, sizeof hello, &hn) !=
            TT_OK ||
        tt_session_respond(&p->device, FUZZ_DEVICE_ID, k->device_e,
                           (const uint8_t *)fuzz_device_reply, strlen(fuzz_device_reply),
                           p->dslots, FUZZ_NSLOTS, 200, FUZZ_NOW_MS, pkt2, sizeof pkt2,
                           &n2) != TT_OK ||
        tt_session_on_response(&p->client, pkt2, n2, FUZZ_NOW_MS, reply, sizeof reply, &rn) !=
            TT_OK)
        fuzz_fail(__FILE__, __LINE__, "setup", "fixed-key handshake failed");
    if (init) {
        memcpy(init, pkt1, n1);
        *init_len = n1;
    }
    if (resp) {
        memcpy(resp, pkt2, n2);
        *resp_len = n2;
    }
}
