/* tt_sup_config.h (default) — the supervisor core's memory sizes for the host tests and the
 * mps2-an505 port: the spec's SHOULD of 4 concurrent sessions and generous windows. Chosen
 * by include path (-Iref-device/core/supervisor/config/default); a port with less RAM puts
 * its own tt_sup_config.h on its path instead. Depends on nothing. */
#ifndef TT_SUP_CONFIG_H
#define TT_SUP_CONFIG_H

#define TT_SUP_SESSIONS 4u        /* concurrent sessions ([HS-040]: SHOULD 4) */
/* Device send window per session ([REL-015]): 32, for OTA acks ([OTA-122]). Each slot holds
 * a message (1.4 KB; 32 x 5 sessions = 224 KB of the an505's 2 MB Secure RAM). On a long
 * link an OtaChunkAck occupies a slot for a round trip and more, and at 1 Mbit/s one goes
 * out every 16 chunks (~8 per second): with 8 slots the acks waited for room and the client,
 * hearing of progress late, sent at 60 % of the link (docs/benchmark-ota-push.md). */
#define TT_SUP_WINDOW 32u
/* Announced: client messages in flight toward us. Costs no RAM (a go-back-N receiver keeps
 * nothing; OTA chunks are written to flash as they arrive), so it is sized for the longest
 * link: 1 Mbit/s x 600 ms holds ~70 chunks of 1 KiB, and the window must also cover the
 * chunks stored but not yet reported (an ack every 16 chunks, [OTA-122], that takes half
 * a round trip and waits for a send slot now and then): 256 ([OTA-121]). */
#define TT_SUP_REL_WINDOW 256u
#define TT_SUP_LOG_RING 16u       /* log entries the supervisor keeps for its sessions */
#define TT_SUP_TX_QUEUE 4096u     /* framed bytes waiting for the link */
/* OTA ([OTA-080], [OTA-012]): both slots, the image RAM-loaded from the active one; chunks
 * in flight up to the announced rel_window (a client asks for less on a short link,
 * [OTA-120]). */
#define TT_SUP_OTA_LAYOUT tether_v1_SlotLayout_AB
#define TT_SUP_OTA_WINDOW TT_SUP_REL_WINDOW

/* [HS-070]: the handshake time a pending packet announces before this device has measured
 * one: 1 s, [HS-030]'s first resend, so a first handshake after boot waits no less than an
 * old client would. Later ones announce twice the last measured time. */
#define TT_SUP_HS_EXPECTED_FLOOR_MS 1000u

#endif
