/* server.h — `tether gdbserver`: a GDB remote-protocol server on localhost whose target is
 * a device reached through a Tether session. One GDB connection at a time. Host only. */
#ifndef TETHER_GDB_SERVER_H
#define TETHER_GDB_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include "../conn/client.h"

struct tt_gdb_options {
    uint16_t port;          /* 0: any free port (printed) */
    const char *elf_path;   /* the app ELF, or NULL */
    uint32_t app_base, app_size; /* the region the device measures (spec/services/attestation) */
    bool no_optimize;       /* every GDB packet costs a round trip (the baseline) */
    /* RAM regions of the app's memory map that the ELF does not show (stack, heap):
     * GDB refuses accesses outside the map it is given. */
    uint32_t ram_start[4], ram_size[4];
    unsigned nram;
    bool once;              /* serve one GDB connection, then return */
    int timeout_ms;
};

/* Serves until GDB detaches (once) or forever. Returns TT_OK or why it stopped. */
TT_MUST_CHECK tt_err tt_gdb_serve(struct tt_client *cl, const struct tt_gdb_options *o);

#endif
