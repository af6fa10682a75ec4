/* u585_slot.h — the app slot's fence (app_slot.c): how much of slot A is the verified image
 * the app may execute and the debugger may read, and the SAU write that enforces it.
 * Separate from u585.h so the host tests compile app_slot.c without the chip's registers.
 * Depends on layout.h and port.h. */
#ifndef TT_U585_SLOT_H
#define TT_U585_SLOT_H

#include <stdint.h>

#include "../port.h"
#include "layout.h"

/* Bytes of slot A that are the running image (U585_APP_SIZE until the OTA service loads). */
extern uint32_t u585_app_image;

/* Programs SAU region 0 from span (disabled when !span->enabled), then DSB/ISB. */
void u585_sau_app_flash(const struct u585_sau_span *span);

#endif
