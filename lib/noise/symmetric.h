/* symmetric.h — Noise CipherState/SymmetricState operations used by the handshake engine
 * (internal to lib/noise; the structs live in tether/noise.h because contexts are
 * caller-owned). Names follow the Noise specification §5. */
#ifndef TETHER_NOISE_SYMMETRIC_H
#define TETHER_NOISE_SYMMETRIC_H

#include "tether/noise.h"

/* InitializeSymmetric with Tether's 32-byte protocol name (h = name, ck = h, no key). */
void tt_noise_sym_init(struct tt_noise_symmetric *ss);
TT_MUST_CHECK tt_err tt_noise_sym_mix_hash(const struct tt_crypto *c, struct tt_noise_symmetric *ss,
                                           const uint8_t *data, size_t len);
TT_MUST_CHECK tt_err tt_noise_sym_mix_key(const struct tt_crypto *c, struct tt_noise_symmetric *ss,
                                          const uint8_t ikm[TT_X25519_LEN]);
/* out gets ptlen (+16 once a key is set) bytes; out and pt must not overlap. */
TT_MUST_CHECK tt_err tt_noise_sym_encrypt_and_hash(const struct tt_crypto *c,
                                                   struct tt_noise_symmetric *ss, uint8_t *out,
                                                   const uint8_t *pt, size_t ptlen);
/* out gets ctlen (-16 once a key is set) bytes; TT_ERR_HS_DECRYPT on a bad tag. */
TT_MUST_CHECK tt_err tt_noise_sym_decrypt_and_hash(const struct tt_crypto *c,
                                                   struct tt_noise_symmetric *ss, uint8_t *out,
                                                   const uint8_t *ct, size_t ctlen);
TT_MUST_CHECK tt_err tt_noise_sym_split(const struct tt_crypto *c,
                                        const struct tt_noise_symmetric *ss,
                                        uint8_t k1[TT_NOISE_KEY_LEN], uint8_t k2[TT_NOISE_KEY_LEN]);

#endif
