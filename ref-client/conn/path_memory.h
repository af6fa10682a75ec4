/* path_memory.h — what a path to a device carried, remembered between pushes ([REL-023]).
 *
 * Slow start costs a push on a long fast link about one round trip of idle link for each
 * doubling: at 1 Mbit/s x 600 ms (70 chunks in flight) 16 → 32 → 64 leaves 5 % of a 30-round-
 * trip image unsent. A developer pushes to the same device over the same link again and
 * again, so `tether ota push` remembers the window its last transfer ended with, per device
 * and link, as TCP remembers a route's metrics (RFC 9040), and the next push starts there.
 *
 * One small JSON file per (device, link) in the state folder: $TETHER_STATE_DIR, else
 * $XDG_STATE_HOME/tether, else $HOME/.local/state/tether. The file is untrusted input like
 * any other ([FIL-010]): anything unexpected in it is refused with a reason and the push
 * starts as a first push would. Host only. Depends on keyfile.h (file reads and writes). */
#ifndef TETHER_CLIENT_PATH_MEMORY_H
#define TETHER_CLIENT_PATH_MEMORY_H

#include <stddef.h>
#include <stdint.h>

#include "tether/err.h"
#include "tether/wire.h"

struct tt_path {
    uint32_t window;       /* messages in flight when the last new chunk left */
    uint32_t handshake_ms; /* that session's handshake round trip: the path's signature */
};

/* A remembered window is used only when this session's handshake took between half and
 * twice what it took then, give or take TT_PATH_RTT_SLACK_MS: a link address can lead over
 * another path (a new cell, a different relay), and a window from a faster path would
 * queue a whole round trip. The slack: on a short link a loaded host alone doubles it. */
#define TT_PATH_RTT_RATIO 2u
#define TT_PATH_RTT_SLACK_MS 100u
/* Largest window kept: the client's send slots. */
#define TT_PATH_WINDOW_MAX 256u

/* The state file of (device, link) into path (cap bytes): STATE_DIR/path-<32 hex>.json,
 * the hex being the first 16 bytes of SHA-256(device_id ‖ link). TT_ERR_ARG when no state
 * folder can be named (none of the variables is set), TT_ERR_NO_SPACE when it is too long. */
TT_MUST_CHECK tt_err tt_path_file(char *path, size_t cap, const uint8_t id[TT_DEVICE_ID_LEN],
                                  const char *link);

/* Reads what file remembers for (id, link): TT_OK with p zeroed when nothing is (no file);
 * TT_ERR_FORMAT when the file is not one this code wrote for that device and link (the
 * reason in tt_file_problem()); TT_ERR_IO when it cannot be read. */
TT_MUST_CHECK tt_err tt_path_load(const char *file, const uint8_t id[TT_DEVICE_ID_LEN],
                                  const char *link, struct tt_path *p);

/* Whether p applies to a session whose handshake took handshake_ms (TT_PATH_RTT_*). */
int tt_path_same(const struct tt_path *p, uint32_t handshake_ms);

/* Remembers p for (id, link) in file, creating its folder (mode 0700) when missing; the file
 * is replaced atomically ([FIL-012]). */
TT_MUST_CHECK tt_err tt_path_save(const char *file, const uint8_t id[TT_DEVICE_ID_LEN],
                                  const char *link, const struct tt_path *p);

#endif
