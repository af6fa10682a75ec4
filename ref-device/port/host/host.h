/* host.h — controls of the host port (POSIX) for tests and the host build of the supervisor.
 *
 * The host port implements port.h with in-memory link rings the test feeds and drains,
 * CLOCK_MONOTONIC time, getrandom() entropy, flash areas in memory with a power-cut switch
 * (flash_host.c), and keys set by the test. The app side is app_double.h. Depends on port.h. */
#ifndef TT_HOST_H
#define TT_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "../port.h"

#define TT_HOST_LINK_RING 4096u

/* Appends bytes to what the supervisor will read from its link; returns bytes taken. */
size_t tt_host_link_feed(const uint8_t *buf, size_t len);
/* Takes what the supervisor wrote to its link; returns bytes copied. */
size_t tt_host_link_drain(uint8_t *buf, size_t cap);
/* Provisions keys (NULL: unprovisioned). */
void tt_host_set_keys(const struct tt_port_keys *k);
/* Drops every record (formats the flash) and link byte; counts of resets back to 0. */
void tt_host_init(void);
unsigned tt_host_resets(void);
/* Moves tt_port_time_ms forward by ms (idle timers, session lifetimes). */
void tt_host_time_advance(uint64_t ms);
/* What the app double "wrote" through the supervisor API. */
void tt_host_app_log(const uint8_t *msg, size_t len);
void tt_host_app_request(uint32_t req);

/* ---- Flash (flash_host.c). ---- */
/* Every area erased (0xFF); no cut planned; operation count 0. */
void tt_host_flash_format(void);
/* Both slots' size (a multiple of the 2 KiB page, at most TT_HOST_SLOT_MAX; default 64 KiB),
 * then formats: tether-hostdev's OTA benchmark pushes images of up to a few MiB. -1 if
 * refused. */
#define TT_HOST_SLOT_MAX (4u * 1024u * 1024u)
int tt_host_flash_set_slot_size(uint32_t bytes);
/* The next boot: power back, operation count 0, no cut planned; contents kept. */
void tt_host_flash_power_on(void);
/* The n-th operation from now (1-based) is torn and the power lost with it. */
void tt_host_flash_cut_at(uint32_t n);
uint32_t tt_host_flash_ops(void);
int tt_host_flash_power_lost(void);
/* The raw bytes of an area (tests that corrupt or inspect flash). */
uint8_t *tt_host_flash_mem(enum tt_port_area a);

#endif
