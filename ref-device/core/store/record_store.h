/* record_store.h — the supervisor's persistent records, power-cut safe, on the port's flash
 * (port.h: the TT_AREA_STORE area, page erase + quad-word program + read).
 *
 * Why a log and not one A/B page pair per record: the records are small (a few bytes to
 * 366), written at different rates (the seed and boot count every boot, the replay table at
 * each handshake, the floors rarely), and the STM32U585 has six 8 KiB pages for all of
 * them. The area is split into two banks; the active bank is an append-only log of entries
 * {key, len, seq | data | commit(seq, crc)}. The newest committed entry of a key wins. When a
 * bank is full, compaction copies the newest entry of every key into the other bank, erased
 * first, and makes it active by writing its header last (generation + 1). A power cut at any
 * flash operation leaves every record at its old or its new value: an entry counts only once
 * its commit quad-word is whole and its CRC matches, and a bank only once its header is.
 * Stateless (every call scans the active bank): no cache can disagree with the flash after a
 * reset. Depends on port.h and tether/framing.h (CRC-32). Spec: spec/storage.md [NVS-0xx]. */
#ifndef TT_RECORD_STORE_H
#define TT_RECORD_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "../../port/port.h"

/* Reads record id into buf; *len is the capacity on entry and the stored length on return.
 * A record never written (or erased) reads as length 0. TT_ERR_NO_SPACE when buf is too
 * small, TT_ERR_STORAGE when the flash cannot be read. */
TT_MUST_CHECK tt_err tt_store_read(enum tt_port_record id, uint8_t *buf, size_t *len);

/* Replaces record id (len <= TT_PORT_RECORD_MAX): after a power cut during the call the
 * record reads as its old or its new content, never a mix; after TT_OK, the new one. */
TT_MUST_CHECK tt_err tt_store_write(enum tt_port_record id, const uint8_t *buf, size_t len);

/* Makes record id read as length 0 (a write of nothing, atomically in the same way). */
TT_MUST_CHECK tt_err tt_store_erase(enum tt_port_record id);

/* Compacts now (what a full bank triggers): for tests and the power-cut sweeps. */
TT_MUST_CHECK tt_err tt_store_compact(void);

#endif
