/* nsc_api.c — the supervisor API for the app: entry functions behind SG veneers in the
 * chip's NSC region. The same four functions on every chip (ref-device/app/tether_app.h), so
 * one demo app source serves every board.
 *
 * Every pointer from the app is untrusted: it must lie in the app's Non-secure memory,
 * checked with the TT instruction (cmse_check_address_range, CMSE_NONSECURE) plus the
 * port's region list, before the supervisor touches it. Log entries are copied into a ring
 * (its size is the chip's: chip_app_log_slots) the service loop drains
 * (tt_port_app_log_read); requests set flags the service takes. Built with -mcmse; ld
 * --cmse-implib makes the import library the app links with. Depends on armv8m.h and
 * ../../app/tether_app.h. */
#include "armv8m.h"

#include <arm_cmse.h>
#include <string.h>

#include "../../app/tether_app.h"
#include "tether/crypto.h"

#define SUPERVISOR_VERSION 1u

static uint32_t log_head, log_count, log_seq; /* log_seq: entries ever written */
static volatile uint32_t requests;

/* Secure-world declarations of the entry points (the app's are in tether_app.h, without
 * the attribute). */
int32_t __attribute__((cmse_nonsecure_entry)) tt_app_log_write(const char *msg, uint32_t len);
int32_t __attribute__((cmse_nonsecure_entry)) tt_app_confirm_update(void);
int32_t __attribute__((cmse_nonsecure_entry)) tt_app_device_info(struct tt_app_device_info *info);
int32_t __attribute__((cmse_nonsecure_entry)) tt_app_reboot_request(void);

static int app_owns(const void *p, uint32_t len, enum tt_app_access a)
{
    return tt_port_app_mem_check((uint32_t)p, len, a) == TT_OK;
}

int32_t __attribute__((cmse_nonsecure_entry)) tt_app_log_write(const char *msg, uint32_t len)
{
    if (len == 0 || len > TT_APP_LOG_MAX || !app_owns(msg, len, TT_ACCESS_READ))
        return -1;
    if (log_count == chip_app_log_slots) { /* full: drop the oldest, the reader sees a seq gap */
        log_head = (log_head + 1) % chip_app_log_slots;
        log_count--;
    }
    uint32_t slot = (log_head + log_count) % chip_app_log_slots;
    const volatile char *src = msg;
    for (uint32_t i = 0; i < len; i++)
        chip_app_log_buf[slot][i] = (uint8_t)src[i];
    chip_app_log_len[slot] = (uint8_t)len;
    log_count++;
    log_seq++;
    return 0;
}

int32_t __attribute__((cmse_nonsecure_entry)) tt_app_confirm_update(void)
{
    requests |= TT_APP_REQ_CONFIRM_UPDATE;
    return 0;
}

int32_t __attribute__((cmse_nonsecure_entry)) tt_app_reboot_request(void)
{
    requests |= TT_APP_REQ_REBOOT;
    armv8m_request_service();
    return 0;
}

int32_t __attribute__((cmse_nonsecure_entry)) tt_app_device_info(struct tt_app_device_info *info)
{
    if (!app_owns(info, sizeof *info, TT_ACCESS_WRITE))
        return -1;
    struct tt_app_device_info out = {.protocol_version = TT_PROTOCOL_VERSION,
                                     .supervisor_version = SUPERVISOR_VERSION};
    struct tt_port_keys k;
    if (tt_port_keys(&k) == TT_OK) {
        memcpy(out.device_id, k.device_id, sizeof out.device_id);
        tt_wipe(&k, sizeof k); /* the private key must not linger on the stack */
    }
    volatile uint8_t *dst = (volatile uint8_t *)info;
    const uint8_t *src = (const uint8_t *)&out;
    for (size_t i = 0; i < sizeof out; i++)
        dst[i] = src[i];
    return 0;
}

size_t tt_port_app_log_read(uint8_t *buf, size_t cap, uint32_t *seq)
{
    __asm__ volatile("cpsid i" ::: "memory"); /* the app cannot run now; be safe anyway */
    size_t n = 0;
    if (log_count > 0) {
        n = chip_app_log_len[log_head] < cap ? chip_app_log_len[log_head] : cap;
        memcpy(buf, chip_app_log_buf[log_head], n);
        *seq = log_seq - log_count + 1;
        log_head = (log_head + 1) % chip_app_log_slots;
        log_count--;
    }
    __asm__ volatile("cpsie i" ::: "memory");
    return n;
}

uint32_t tt_port_app_requests(void)
{
    uint32_t r = requests;
    requests = 0;
    return r;
}
