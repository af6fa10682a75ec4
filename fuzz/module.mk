# fuzz/ — fuzz harnesses for every surface that takes bytes from outside (fuzz/README.md).
#
# Each harness is one file with a libFuzzer entry point; it is linked five ways:
#   replay      gcc + ASan/UBSan, the host archive; replays fuzz/corpus/<h> and
#               fuzz/regressions/<h> in `make test` (HOST_TESTS: a violated invariant aborts)
#   libfuzzer   clang -fsanitize=fuzzer,address,undefined
#   afl         afl-clang-fast, persistent mode with shared-memory input (driver_afl.c)
#   afl-asan    the same with AFL_USE_ASAN=1 AFL_USE_UBSAN=1
#   afl-cmplog  the same with AFL_LLVM_CMPLOG=1 (the -c binary of a CmpLog instance)
# The core library (and nanopb's runtime, so its decoder is instrumented too) is compiled
# separately for each instrumentation into $(BUILD)/fuzz-<variant>/.
#   make fuzz [FUZZ_ENGINE=afl|afl-asan|libfuzzer] [FUZZ_SECONDS=20] [FUZZ_HARNESSES="framing …"]
#   make fuzz-build        every variant of every harness
#   make fuzz-corpus       regenerate the seed corpora (committed) with fuzz/gen_corpus.c

FUZZ_HARNESSES_ALL := framing record record_mbedtls hs_responder hs_initiator reliable \
    message grant rsp supervisor client elf keyfile ota bridge manifest ota_sender
FUZZ_COMMON := fuzz/harness/common.c
FUZZ_SRCS_framing := fuzz/harness/framing.c $(FUZZ_COMMON) fuzz/harness/backend_sodium.c
FUZZ_SRCS_record := fuzz/harness/record.c $(FUZZ_COMMON) fuzz/harness/backend_sodium.c
FUZZ_SRCS_record_mbedtls := fuzz/harness/record.c $(FUZZ_COMMON) fuzz/harness/backend_mbedtls.c
FUZZ_SRCS_hs_responder := fuzz/harness/hs_responder.c $(FUZZ_COMMON) fuzz/harness/backend_sodium.c
FUZZ_SRCS_hs_initiator := fuzz/harness/hs_initiator.c $(FUZZ_COMMON) fuzz/harness/backend_sodium.c
FUZZ_SRCS_reliable := fuzz/harness/reliable.c $(FUZZ_COMMON) fuzz/harness/backend_sodium.c
FUZZ_SRCS_message := fuzz/harness/message.c $(FUZZ_COMMON) fuzz/harness/backend_sodium.c
FUZZ_SRCS_grant := fuzz/harness/grant.c fuzz/harness/grant_fixtures.c $(FUZZ_COMMON) \
    fuzz/harness/backend_sodium.c
# The client's GDB server engine (ref-client/module.mk's lists) against its test fake device.
FUZZ_SRCS_rsp := fuzz/harness/rsp.c fuzz/harness/rsp_output.c $(FUZZ_COMMON) fuzz/harness/backend_sodium.c \
    $(RSP_SRCS) $(ELF_SRCS) ref-client/tests/fake_backend.c
# The client below GDB: the RSP engine with the real backend over the real session driver,
# facing a twin device and a hostile relay on an in-memory link (its own clock: no clock.c).
FUZZ_SRCS_client := fuzz/harness/client.c fuzz/harness/rsp_output.c $(FUZZ_COMMON) \
    fuzz/harness/backend_sodium.c $(RSP_SRCS) $(ELF_SRCS) ref-client/gdb/backend.c \
    ref-client/conn/client.c
# The harness sees every call the backend makes through the driver (the reply it was given).
FUZZ_LINK_client := -Wl,--wrap=tt_client_call_ok
# Local files the client reads: the app ELF (gdbserver --elf) and keys / device records.
FUZZ_SRCS_elf := fuzz/harness/elf.c $(FUZZ_COMMON) fuzz/harness/backend_sodium.c \
    $(RSP_SRCS) $(ELF_SRCS)
FUZZ_SRCS_keyfile := fuzz/harness/keyfile.c $(FUZZ_COMMON) fuzz/harness/backend_sodium.c \
    ref-client/conn/keyfile.c ref-client/conn/device_record.c
# The device: supervisor core and services on the host port with its app double, driven by
# ref-device's test harness (ref-device/module.mk, core/supervisor/module.mk lists).
FUZZ_SRCS_supervisor := fuzz/harness/supervisor.c fuzz/harness/check_shim.c $(FUZZ_COMMON) \
    fuzz/harness/backend_sodium.c \
    $(SUP_SRCS) $(SUP_TEST_CLIENT_SRCS) $(REFDEV_TARGET_SRCS) $(REFDEV_HOST_PORT_SRCS) \
    $(SUP_PORT_CRYPTO_SRCS)
# The device's OTA engine over its tests' in-memory flash store (lib/ota, lib/tests).
FUZZ_SRCS_ota := fuzz/harness/ota.c lib/tests/ota_store_double.c $(FUZZ_COMMON) \
    fuzz/harness/backend_sodium.c
# The OTA manifest checks of OtaBegin (lib/ota/manifest.c) against an independent reading of
# [OTA-010]; the client's chunk sender (lib/ota/sender.c) facing a hostile device.
FUZZ_SRCS_manifest := fuzz/harness/manifest.c $(FUZZ_COMMON) fuzz/harness/backend_sodium.c
FUZZ_SRCS_ota_sender := fuzz/harness/ota_sender.c $(FUZZ_COMMON) fuzz/harness/backend_sodium.c
# The relay's data paths: the modem bridge (frame <-> message) and the client's MQTT binding
# (message -> packet), relay/ and ref-client/conn (no libmosquitto: the I/O is elsewhere).
FUZZ_SRCS_bridge := fuzz/harness/bridge.c $(FUZZ_COMMON) fuzz/harness/backend_sodium.c \
    relay/bridge_path.c ref-client/conn/mqtt_binding.c ref-client/conn/transport_tcp.c
# Not a harness: the no-op target that measures AFL++'s ceiling here (make fuzz-ceiling).
FUZZ_SRCS_noop := fuzz/ceiling/noop.c
# The corpus a harness starts from (variants of one harness share it).
fuzz_corpus_of = $(patsubst %_mbedtls,%,$(1))

# ---- replay (part of `make test`) ------------------------------------------------------
FUZZ_REPLAY_BINS := $(FUZZ_HARNESSES_ALL:%=$(BUILD)/host/bin/fuzz_replay_%)
FUZZ_REPLAY_TESTS := $(FUZZ_HARNESSES_ALL:%=$(BUILD)/host/fuzz/replay_%.sh)
HOST_TESTS += $(FUZZ_REPLAY_TESTS)

define FUZZ_REPLAY_RULES
$(BUILD)/host/bin/fuzz_replay_$(1): $(patsubst %.c,$(BUILD)/host/%.o,$(FUZZ_SRCS_$(1)) fuzz/driver_replay.c) $(LIB_HOST_A)
	@mkdir -p $$(dir $$@)
	$$(HOST_CC) $$(HOST_LDFLAGS) $$^ -o $$@ $$(HOST_LIBS) $$(FUZZ_LINK_$(1))
# A test program for tools/run-tests: replays the harness's corpus and past crashers.
$(BUILD)/host/fuzz/replay_$(1).sh: $(BUILD)/host/bin/fuzz_replay_$(1) fuzz/module.mk
	@mkdir -p $$(dir $$@)
	printf '#!/bin/sh\nexec %s %s %s\n' "$(CURDIR)/$$<" \
	    "$(CURDIR)/fuzz/corpus/$(call fuzz_corpus_of,$(1))" "$(CURDIR)/fuzz/regressions/$(1)" > $$@
	chmod +x $$@
endef
$(foreach h,$(FUZZ_HARNESSES_ALL),$(eval $(call FUZZ_REPLAY_RULES,$(h))))

# ---- seed corpus generator -------------------------------------------------------------
$(BUILD)/host/bin/fuzz_gen_corpus: $(patsubst %.c,$(BUILD)/host/%.o,fuzz/gen_corpus.c \
    fuzz/harness/common.c fuzz/harness/grant_fixtures.c fuzz/harness/backend_sodium.c \
    ref-client/conn/keyfile.c ref-client/conn/device_record.c) $(LIB_HOST_A)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@ $(HOST_LIBS)
.PHONY: fuzz-corpus
fuzz-corpus: $(BUILD)/host/bin/fuzz_gen_corpus $(TINY_ELF) $(AN505_DIR)/app.elf
	$< fuzz/corpus
	@# elf: region selector, read probe (address, length), then a real ELF
	mkdir -p fuzz/corpus/elf
	@# (debug sections stripped: the reader skips them, the fuzzer would mutate them)
	$(ARM_OBJCOPY) --strip-debug $(TINY_ELF) $(BUILD)/fuzz-seed-tiny.elf
	$(ARM_OBJCOPY) --strip-debug $(AN505_DIR)/app.elf $(BUILD)/fuzz-seed-app.elf
	{ printf '\000\000\040\000\000\020'; cat $(BUILD)/fuzz-seed-tiny.elf; } > fuzz/corpus/elf/tiny
	{ printf '\004\000\040\001\000\100'; cat $(BUILD)/fuzz-seed-app.elf; } > fuzz/corpus/elf/an505-app

# Seeds recorded from real GDB sessions (rsp): stock GDB through a recording relay.
.PHONY: fuzz-record
fuzz-record: $(RSP_FAKE_SERVER) $(TINY_ELF)
	BUILD=$(BUILD) PYTHON=$(PYTHON) fuzz/record/gdb_session.sh

# ---- instrumented variants -------------------------------------------------------------
FUZZ_VARIANTS := libfuzzer afl afl-asan afl-cmplog
FUZZ_CFLAGS := -std=c11 -Wall -Wextra -g -O2 -D_DEFAULT_SOURCE -fno-omit-frame-pointer \
    -I$(NANOPB_SRC) -Ilib/include -I$(GEN) $(SUP_CONFIG_DEFAULT)
FUZZ_CC_libfuzzer := clang
FUZZ_ENV_libfuzzer :=
FUZZ_CFLAGS_libfuzzer := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
FUZZ_LDFLAGS_libfuzzer := -fsanitize=fuzzer,address,undefined
FUZZ_DRIVER_libfuzzer :=
AFL_CC ?= afl-clang-fast
FUZZ_CC_afl := $(AFL_CC)
FUZZ_ENV_afl := AFL_QUIET=1
FUZZ_CC_afl-asan := $(AFL_CC)
FUZZ_ENV_afl-asan := AFL_QUIET=1 AFL_USE_ASAN=1 AFL_USE_UBSAN=1
FUZZ_CC_afl-cmplog := $(AFL_CC)
FUZZ_ENV_afl-cmplog := AFL_QUIET=1 AFL_LLVM_CMPLOG=1
FUZZ_LIB_SRCS = $(LIB_HOST_ALL) $(GEN)/err_names.c $(PROTO_GEN_C) \
    $(patsubst %,$(NANOPB_SRC)/%.c,pb_common pb_encode pb_decode)
FUZZ_LINK_LIBS := -lsodium -lmbedcrypto -lm -lcheck_pic -lsubunit -lrt -ljansson

define FUZZ_VARIANT_RULES
FUZZ_DRIVER_$(1) ?= $(BUILD)/fuzz-$(1)/fuzz/driver_afl.o
$(BUILD)/fuzz-$(1)/%.o: %.c | $$(GEN_HEADERS)
	@mkdir -p $$(dir $$@)
	$$(FUZZ_ENV_$(1)) $$(FUZZ_CC_$(1)) $$(FUZZ_CFLAGS) $$(FUZZ_CFLAGS_$(1)) -MMD -MP -c $$< -o $$@
$(BUILD)/fuzz-$(1)/libtether.a: $$(patsubst %.c,$(BUILD)/fuzz-$(1)/%.o,$$(FUZZ_LIB_SRCS))
	rm -f $$@ && ar rcs $$@ $$^
endef
$(foreach v,$(FUZZ_VARIANTS),$(eval $(call FUZZ_VARIANT_RULES,$(v))))
# Header dependencies of the instrumented objects (a changed struct rebuilds them all).
-include $(shell find $(BUILD)/fuzz-libfuzzer $(BUILD)/fuzz-afl $(BUILD)/fuzz-afl-asan \
    $(BUILD)/fuzz-afl-cmplog $(BUILD)/fuzz-oss -name '*.d' -type f 2>/dev/null)

define FUZZ_BIN_RULES
$(BUILD)/fuzz-$(1)/bin/$(2): $(patsubst %.c,$(BUILD)/fuzz-$(1)/%.o,$(FUZZ_SRCS_$(2))) $$(FUZZ_DRIVER_$(1)) $(BUILD)/fuzz-$(1)/libtether.a
	@mkdir -p $$(dir $$@)
	$$(FUZZ_ENV_$(1)) $$(FUZZ_CC_$(1)) $$(FUZZ_LDFLAGS_$(1)) $$(FUZZ_CFLAGS_$(1)) $$^ -o $$@ $$(FUZZ_LINK_LIBS) $$(FUZZ_LINK_$(2))
endef
$(foreach v,$(FUZZ_VARIANTS),$(foreach h,$(FUZZ_HARNESSES_ALL) noop,$(eval $(call FUZZ_BIN_RULES,$(v),$(h)))))

FUZZ_ENGINE ?= afl
FUZZ_SECONDS ?= 20
FUZZ_HARNESSES ?= $(FUZZ_HARNESSES_ALL)
FUZZ_OUT ?= $(BUILD)/fuzz-out

# ---- OSS-Fuzz / ClusterFuzzLite: their $CC, $CFLAGS and $LIB_FUZZING_ENGINE (whatever
# engine and sanitizer they choose), libraries linked statically because their runner
# image has none of ours. fuzz/oss-fuzz/build.sh drives this and fills $OUT.
FUZZ_CC_oss = $(CC)
FUZZ_ENV_oss :=
FUZZ_CFLAGS_oss = $(CFLAGS)
FUZZ_LDFLAGS_oss = $(LIB_FUZZING_ENGINE)
FUZZ_DRIVER_oss :=
$(eval $(call FUZZ_VARIANT_RULES,oss))
$(foreach h,$(FUZZ_HARNESSES_ALL),$(eval $(call FUZZ_BIN_RULES,oss,$(h))))
$(FUZZ_HARNESSES_ALL:%=$(BUILD)/fuzz-oss/bin/%): FUZZ_LINK_LIBS := -Wl,-Bstatic -lsodium \
    -lmbedcrypto -lcheck_pic -lsubunit -ljansson -Wl,-Bdynamic -lm -lrt -lpthread
.PHONY: fuzz-oss fuzz-list
fuzz-oss: $(FUZZ_HARNESSES_ALL:%=$(BUILD)/fuzz-oss/bin/%)
fuzz-list:
	@echo $(FUZZ_HARNESSES_ALL)

# ---- the smoke run in `make test` (CI): each harness a few seconds with each engine ----
HOST_TOOLS += $(FUZZ_HARNESSES_ALL:%=$(BUILD)/fuzz-afl/bin/%) \
    $(FUZZ_HARNESSES_ALL:%=$(BUILD)/fuzz-libfuzzer/bin/%)
$(BUILD)/fuzz/smoke.sh: fuzz/module.mk
	@mkdir -p $(dir $@)
	printf '#!/bin/sh\ncd %s && exec fuzz/smoke.sh %s %s\n' "$(CURDIR)" "$(BUILD)" \
	    "$(FUZZ_HARNESSES_ALL)" > $@
	chmod +x $@
HOST_TOOLS += $(BUILD)/fuzz/smoke.sh
EXTRA_TESTS += $(BUILD)/fuzz/smoke.sh

# ---- the machine's ceiling: a no-op harness under AFL++ and the pipe round trip ----------
$(BUILD)/fuzz-ceiling-pingpong: fuzz/ceiling/pingpong.c
	$(HOST_CC) -O2 -Wall -Wextra $< -o $@
.PHONY: fuzz-ceiling
fuzz-ceiling: $(BUILD)/fuzz-afl/bin/noop $(BUILD)/fuzz-ceiling-pingpong
	fuzz/ceiling/run.sh $(BUILD) $(FUZZ_SECONDS)

.PHONY: fuzz fuzz-build
fuzz-build: $(foreach v,$(FUZZ_VARIANTS),$(FUZZ_HARNESSES_ALL:%=$(BUILD)/fuzz-$(v)/bin/%))

# Sequential on purpose: the machine has two cores shared with other work.
fuzz: $(FUZZ_HARNESSES:%=$(BUILD)/fuzz-$(FUZZ_ENGINE)/bin/%) \
      $(if $(FUZZ_CMPLOG),$(FUZZ_HARNESSES:%=$(BUILD)/fuzz-afl-cmplog/bin/%))
	fuzz/run.sh $(FUZZ_ENGINE) $(FUZZ_SECONDS) $(BUILD) $(FUZZ_OUT) $(FUZZ_HARNESSES)
