/* rsp_output.h — the check every harness that drives the GDB RSP engine applies to what it
 * sends GDB: a stream of '+', '-' and whole `$payload#hh` packets with the right checksum
 * and no unescaped '$' or '#' in the payload ([SEC-15]). A packet may be split across
 * drains, so the checker keeps its state between calls. */
#ifndef TETHER_FUZZ_RSP_OUTPUT_H
#define TETHER_FUZZ_RSP_OUTPUT_H

#include <stddef.h>
#include <stdint.h>

struct rsp_output_check {
    int in_pkt, csum_left;
    uint8_t sum, want;
};

void rsp_output_reset(struct rsp_output_check *s);
/* Aborts (FUZZ_CHECK) on the first byte that breaks the stream's grammar. */
void rsp_output_check(struct rsp_output_check *s, const uint8_t *p, size_t n);

#endif
