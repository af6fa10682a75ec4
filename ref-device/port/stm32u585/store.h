/* store.h — the supervisor's persistent records on flash, power-cut safe.
 *
 * Each record (port.h's enum tt_port_record) owns two 8 KB pages, A and B. A write goes to
 * the page that does not hold the newest valid copy: erase it, program the header
 * (magic, id, seq, len), the data, and last a commit quad-word (magic, seq, CRC-32 of the
 * data, ~seq). A copy counts only when header and commit agree and the CRC matches, so a
 * power cut at any point leaves either the old copy or the new one — never a mix, as
 * port.h requires. The newest is the valid copy with the larger seq (serial-number
 * arithmetic, so the counter may wrap). Erasing a record writes an empty copy (len 0),
 * atomically in the same way. Known limit: a quad-word torn by a power cut can hold an ECC
 * double error, and reading it raises an NMI on the chip; the NMI handler must treat that
 * copy as invalid (not done yet, see README). Host-tested on the flash model. Depends on
 * flash.h and tether/framing.h (CRC-32). */
#ifndef TT_U585_STORE_H
#define TT_U585_STORE_H

#include "flash.h"

#define U585_REC_DATA_MAX 512u

struct u585_store {
    struct u585_flash *flash;
    uint32_t base;      /* first page (Secure alias), 2 pages per record */
    unsigned records;
};

TT_MUST_CHECK tt_err u585_store_read(const struct u585_store *s, unsigned id, uint8_t *buf,
                                     size_t *len);
TT_MUST_CHECK tt_err u585_store_write(struct u585_store *s, unsigned id, const uint8_t *buf,
                                      size_t len);
TT_MUST_CHECK tt_err u585_store_erase(struct u585_store *s, unsigned id);

#endif
