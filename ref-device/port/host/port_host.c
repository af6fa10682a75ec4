/* port_host.c — the host (POSIX) port: link, time, entropy, keys, reset.
 *
 * A test harness, not a device: the link is a pair of in-memory rings, flash is in memory
 * (flash_host.c), keys are whatever the test provisions. The target-control half is app_double.c.
 * Depends on host.h, <time.h> and <sys/random.h>. */
#include "host.h"

#include <string.h>
#include <sys/random.h>
#include <time.h>

struct ring {
    uint8_t buf[TT_HOST_LINK_RING];
    size_t head, len;
};

static struct ring rx, tx;
static struct tt_port_keys keys;
static int provisioned;
static unsigned resets;
static uint8_t app_log[8][64];
static size_t app_log_len[8];
static uint32_t app_log_head, app_log_count, app_log_seq;
static uint32_t app_requests;

static size_t ring_put(struct ring *r, const uint8_t *p, size_t n)
{
    size_t k = 0;
    for (; k < n && r->len < sizeof r->buf; k++, r->len++)
        r->buf[(r->head + r->len) % sizeof r->buf] = p[k];
    return k;
}

static size_t ring_get(struct ring *r, uint8_t *p, size_t cap)
{
    size_t k = 0;
    for (; k < cap && r->len > 0; k++, r->len--) {
        p[k] = r->buf[r->head];
        r->head = (r->head + 1) % sizeof r->buf;
    }
    return k;
}

void tt_host_init(void)
{
    memset(&rx, 0, sizeof rx);
    memset(&tx, 0, sizeof tx);
    tt_host_flash_format();
    resets = 0;
    app_log_head = app_log_count = app_log_seq = 0;
    app_requests = 0;
}

void tt_host_app_log(const uint8_t *msg, size_t len)
{
    if (len > sizeof app_log[0])
        len = sizeof app_log[0];
    if (app_log_count == 8) { /* full: the oldest entry is dropped */
        app_log_head = (app_log_head + 1) % 8;
        app_log_count--;
    }
    uint32_t slot = (app_log_head + app_log_count) % 8;
    memcpy(app_log[slot], msg, len);
    app_log_len[slot] = len;
    app_log_count++;
    app_log_seq++;
}

size_t tt_port_app_log_read(uint8_t *buf, size_t cap, uint32_t *seq)
{
    if (app_log_count == 0)
        return 0;
    size_t n = app_log_len[app_log_head] < cap ? app_log_len[app_log_head] : cap;
    memcpy(buf, app_log[app_log_head], n);
    *seq = app_log_seq - app_log_count + 1;
    app_log_head = (app_log_head + 1) % 8;
    app_log_count--;
    return n;
}

void tt_host_app_request(uint32_t req) { app_requests |= req; }

uint32_t tt_port_app_requests(void)
{
    uint32_t r = app_requests;
    app_requests = 0;
    return r;
}

size_t tt_host_link_feed(const uint8_t *buf, size_t len) { return ring_put(&rx, buf, len); }
size_t tt_host_link_drain(uint8_t *buf, size_t cap) { return ring_get(&tx, buf, cap); }
size_t tt_port_link_read(uint8_t *buf, size_t cap) { return ring_get(&rx, buf, cap); }
size_t tt_port_link_write(const uint8_t *buf, size_t len) { return ring_put(&tx, buf, len); }
unsigned tt_host_resets(void) { return resets; }
void tt_port_reset(void) { resets++; }
void tt_port_idle(void) {}

static uint64_t time_offset_ms;

void tt_host_time_advance(uint64_t ms) { time_offset_ms += ms; }

uint64_t tt_port_time_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u + time_offset_ms;
}

tt_err tt_port_entropy(uint8_t *out, size_t len)
{
    while (len > 0) {
        ssize_t n = getrandom(out, len, 0);
        if (n <= 0)
            return TT_ERR_CRYPTO;
        out += n;
        len -= (size_t)n;
    }
    return TT_OK;
}

void tt_host_set_keys(const struct tt_port_keys *k)
{
    provisioned = k != NULL;
    if (k != NULL)
        keys = *k;
}

tt_err tt_port_keys(struct tt_port_keys *out)
{
    if (out == NULL)
        return TT_ERR_ARG;
    if (!provisioned)
        return TT_ERR_STATE;
    *out = keys;
    return TT_OK;
}
