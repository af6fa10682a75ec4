/* tether_app.h — the supervisor API an app may call (Non-secure callable veneers).
 *
 * The app links against the supervisor's import library (secure_cmse_implib.o), which
 * gives these functions' veneer addresses in the NSC region. Every pointer passed is
 * checked by the supervisor to be the app's own Non-secure memory. Return 0 on success,
 * negative on refusal. */
#ifndef TETHER_APP_H
#define TETHER_APP_H

#include <stdint.h>

#define TT_APP_LOG_MAX 120u

struct tt_app_device_info {
    uint8_t device_id[16];     /* all zero when the device is not provisioned */
    uint32_t protocol_version; /* Tether protocol version the supervisor speaks */
    uint32_t supervisor_version;
};

/* Appends one log entry (at most TT_APP_LOG_MAX bytes) to the supervisor's log ring. */
int32_t tt_app_log_write(const char *msg, uint32_t len);
/* Confirms the running image after an update (so no rollback happens). */
int32_t tt_app_confirm_update(void);
/* Fills *info. */
int32_t tt_app_device_info(struct tt_app_device_info *info);
/* Asks the supervisor to reboot the device when it sees fit. */
int32_t tt_app_reboot_request(void);

#endif
