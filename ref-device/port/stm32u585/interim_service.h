/* interim_service.h — the STM32U585 image's stand-in service (see interim_service.c).
 * Depends on core/loop.h and tether/crypto.h. */
#ifndef TT_U585_INTERIM_SERVICE_H
#define TT_U585_INTERIM_SERVICE_H

#include "../../core/loop.h"
#include "tether/crypto.h"

#define TT_APP_LOG_SLOT 120u

/* Keys and decoder; TT_ERR_STATE when the device is not provisioned. */
TT_MUST_CHECK tt_err u585_interim_init(const struct tt_crypto *c);
void u585_interim_service(void *ctx, struct tt_target *t);

#endif
