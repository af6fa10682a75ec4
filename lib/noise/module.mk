# lib/noise — Noise IK handshake engine and CipherState (portable core, any tt_crypto).
# Test: test_noise (cacophony vectors, our transcript vector, cross-backend, bad input).
LIB_CORE_SRCS += lib/noise/symmetric.c lib/noise/handshake_ik.c
NOISE_HOST_OBJS := $(patsubst %.c,$(BUILD)/host/%.o,lib/noise/symmetric.c lib/noise/handshake_ik.c)

NOISE_CACOPHONY := $(GEN)/vectors/noise-cacophony-ik.txt
$(NOISE_CACOPHONY): spec/vectors/external/cacophony-25519-chachapoly-sha256.json tools/noise-vectors.py
	@mkdir -p $(dir $@)
	$(PYTHON) tools/noise-vectors.py $< $@

$(BUILD)/host/lib/tests/test_noise.o: HOST_CFLAGS += -DTT_NOISE_CACOPHONY='"$(NOISE_CACOPHONY)"'
$(BUILD)/host/lib/tests/test_noise.o: $(NOISE_CACOPHONY)
$(BUILD)/host/bin/test_noise: $(BUILD)/host/lib/tests/test_noise.o $(NOISE_HOST_OBJS) $(CRYPTO_HOST_OBJS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $(filter %.o,$^) -o $@ $(HOST_LIBS)
HOST_TESTS += $(BUILD)/host/bin/test_noise

# Regenerate Tether's transcript vector (committed; test_noise checks it). Not part of `test`.
$(BUILD)/host/bin/gen_noise_vector: $(BUILD)/host/lib/tests/gen_noise_vector.o $(NOISE_HOST_OBJS) $(CRYPTO_HOST_OBJS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@ $(HOST_LIBS)
.PHONY: noise-vector
noise-vector: $(BUILD)/host/bin/gen_noise_vector
	$< > spec/vectors/noise-ik-tether.txt.tmp && mv spec/vectors/noise-ik-tether.txt.tmp spec/vectors/noise-ik-tether.txt
