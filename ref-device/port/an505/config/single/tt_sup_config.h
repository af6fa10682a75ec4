/* tt_sup_config.h (an505, SINGLE layout) — the second an505 build, `make an505-single`
 * (build/an505-single/): the default sizes of core/supervisor/config/default with the OTA
 * service in the SINGLE layout ([OTA-080]): one slot (A), the app stopped while a transfer
 * writes it ([OTA-082]), the supervisor serving throughout, the new image run after install.
 * It exists so the an505 proves both layouts on the same port; the port itself has no
 * layout switch (the engine reads TT_SUP_OTA_LAYOUT, ota.c). Chosen by include path
 * (ref-device/module.mk, AN505S_CFG). Keep the sizes in step with the default. */
#ifndef TT_SUP_CONFIG_H
#define TT_SUP_CONFIG_H

#define TT_SUP_SESSIONS 4u        /* concurrent sessions ([HS-040]: SHOULD 4) */
#define TT_SUP_WINDOW 4u          /* device send window per session ([REL-015]) */
#define TT_SUP_REL_WINDOW 8u      /* announced: client messages in flight toward us */
#define TT_SUP_LOG_RING 16u       /* log entries the supervisor keeps for its sessions */
#define TT_SUP_TX_QUEUE 4096u     /* framed bytes waiting for the link */
/* OTA ([OTA-080], [OTA-082]): one slot; chunks in flight up to the announced rel_window. */
#define TT_SUP_OTA_LAYOUT tether_v1_SlotLayout_SINGLE
#define TT_SUP_OTA_WINDOW TT_SUP_REL_WINDOW

/* [HS-070]: the handshake time a pending packet announces before this device has measured
 * one: 1 s, [HS-030]'s first resend, so a first handshake after boot waits no less than an
 * old client would. Later ones announce twice the last measured time. */
#define TT_SUP_HS_EXPECTED_FLOOR_MS 1000u

#endif
