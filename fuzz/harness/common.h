/* common.h — what every Tether fuzz harness shares: the libFuzzer entry points, the
 * invariant check that aborts, the input reader that splits one fuzz input into operations,
 * the fixed test keys and deterministic randomness, and the one-time handshake.
 *
 * A harness is one file defining LLVMFuzzerTestOneInput (and LLVMFuzzerInitialize when it
 * needs set-up); the same object links with libFuzzer, with the AFL++ persistent driver
 * (fuzz/driver_afl.c) and with the replay driver `make test` uses (fuzz/driver_replay.c).
 * Which crypto backend a harness uses is chosen by which backend_*.c is linked
 * (fuzz_backend()), never by #if. Depends on lib/ (session, record, crypto backends). */
#ifndef TETHER_FUZZ_COMMON_H
#define TETHER_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "tether/crypto.h"
#include "tether/session.h"

/* libFuzzer's interface (OSS-Fuzz / ClusterFuzzLite call these unchanged). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* An invariant failed: print which (and the SEC-n it guards) and abort(), so every engine
 * and the replay test see a crash. */
#define FUZZ_CHECK(cond, sec, what)                                                          \
    do {                                                                                     \
        if (!(cond))                                                                         \
            fuzz_fail(__FILE__, __LINE__, sec, what);                                        \
    } while (0)
void fuzz_fail(const char *file, int line, const char *sec, const char *what)
    __attribute__((noreturn));

/* Splits an input into operations: op (1 byte) ‖ len (2 bytes BE, taken modulo max + 1) ‖
 * len bytes (fewer if the input ends). Returns 0 when the input is used up. The same
 * layout is what fuzz/gen_corpus.c writes. */
struct fuzz_reader {
    const uint8_t *p;
    size_t left;
};
int fuzz_next_op(struct fuzz_reader *r, size_t max, uint8_t *op, const uint8_t **chunk,
                 size_t *len);
/* Appends one op in that layout to out (for the corpus generator); returns the new length. */
size_t fuzz_put_op(uint8_t *out, size_t at, uint8_t op, const uint8_t *chunk, size_t len);

/* Non-zero if any 8-byte window of secret[0..len) (taken at 8-byte steps) occurs in
 * buf[0..n): the "no secret bytes in error outputs" check ([SEC-18]). */
int fuzz_leaks(const uint8_t *buf, size_t n, const uint8_t *secret, size_t len);

/* The crypto backend this binary was linked with (backend_sodium.c / backend_mbedtls.c),
 * with its random replaced by a deterministic generator that fuzz_rng_reset restarts, so
 * every start-up yields the same session ids and keys. */
const struct tt_crypto *fuzz_backend(void);
const struct tt_crypto *fuzz_crypto(void);
void fuzz_rng_reset(uint64_t seed);

/* Fixed test keys (never used outside fuzz/): static key pairs of client and device and
 * the two ephemerals, so handshakes are reproducible byte for byte. */
struct fuzz_keys {
    uint8_t client_sk[32], client_pk[32];
    uint8_t device_sk[32], device_pk[32];
    uint8_t client_e[32], device_e[32];
};
const struct fuzz_keys *fuzz_keys(void);

#define FUZZ_NOW_MS 1000000u /* the clock at the handshake (ms) */
#define FUZZ_DEVICE_ID 0x0D0D0D0Du
#define FUZZ_NSLOTS 8u
extern const char fuzz_client_hello[]; /* opaque hello / reply payloads of the handshake */
extern const char fuzz_device_reply[];

/* A client and a device session, established with the fixed keys (the handshake runs once,
 * at start-up). The slots are the reliability windows of each side. */
struct fuzz_pair {
    struct tt_session client, device;
    struct tt_rel_slot cslots[FUZZ_NSLOTS], dslots[FUZZ_NSLOTS];
};
/* The client's fixed initiation (session INITIATED, packet in out[TT_PKT_MAX_LEN]). */
void fuzz_initiate(struct tt_session *client, struct tt_rel_slot *slots, uint8_t *out,
                   size_t *outlen);
/* Runs initiate → accept → respond → on_response. Also returns the two handshake packets
 * when init/resp are non-NULL (TT_PKT_MAX_LEN bytes each). Aborts if anything fails. */
void fuzz_establish(struct fuzz_pair *p, uint8_t *init, size_t *init_len, uint8_t *resp,
                    size_t *resp_len);

#endif
