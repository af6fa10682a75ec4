/* tt_sup_config.h (STM32U585) — the supervisor core's memory sizes for the board, chosen by
 * include path (-Iref-device/port/stm32u585/config in its module.mk) so the secure image's
 * RAM stays within the 32 KB: one session slot (a reconnect is judged in the core's
 * separate scratch session and then takes the slot over, [HS-041]), 2-message windows, a
 * short log ring and a transmit queue for two full frames. Depends on nothing. */
#ifndef TT_SUP_CONFIG_H
#define TT_SUP_CONFIG_H

#define TT_SUP_SESSIONS 1u        /* concurrent sessions ([HS-040] SHOULD 4: RAM, see README) */
#define TT_SUP_WINDOW 2u          /* device send window per session ([REL-015]) */
#define TT_SUP_REL_WINDOW 2u      /* announced: client messages in flight toward us */
#define TT_SUP_LOG_RING 4u        /* log entries the supervisor keeps for its sessions */
#define TT_SUP_TX_QUEUE 1536u     /* framed bytes waiting for the link: one full frame */
/* OTA: the app executes in place from slot A (linked at 0x08028000), so one slot: the
 * transfer stops the app and writes slot A itself, the supervisor stays reachable throughout
 * (README, "OTA"). AB would need the image to run from bank 2 too. */
#define TT_SUP_OTA_LAYOUT tether_v1_SlotLayout_SINGLE
#define TT_SUP_OTA_WINDOW TT_SUP_REL_WINDOW

/* [HS-070]: the handshake time a pending packet announces before this device has measured
 * one: 1 s, [HS-030]'s first resend, so a first handshake after boot waits no less than an
 * old client would. Later ones announce twice the last measured time. */
#define TT_SUP_HS_EXPECTED_FLOOR_MS 1000u

#endif
