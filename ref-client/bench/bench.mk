# ref-client/bench/bench.mk — `make bench-gdb`: the GDB round-trip benchmark (issue 5) over the
# link emulator at 300 ms RTT, (a) tether gdbserver, (b) --no-optimize, (c) QEMU's gdbstub.
# Needs QEMU and gdb-multiarch; takes a few minutes; deliberately not part of `make test`.
.PHONY: bench-gdb
bench-gdb: $(BUILD)/host/bin/tether $(BUILD)/host/bin/tether-linkemu $(AN505_DIR)/supervisor.elf $(AN505_DIR)/app.elf
	ref-client/bench/gdb-round-trips.sh $(BUILD)

# `make bench-gdb-watch`: watch + continue to the write, device watchpoint vs GDB's software
# watchpoint, at 300 ms RTT, and the app's slowdown while watched (docs/benchmark-gdb-round-trips.md).
.PHONY: bench-gdb-watch
bench-gdb-watch: $(BUILD)/host/bin/tether $(BUILD)/host/bin/tether-linkemu $(AN505_DIR)/supervisor.elf $(AN505_DIR)/app.elf
	ref-client/bench/gdb-watch.sh $(BUILD)

# `make bench-ota`: tether ota push throughput over the link emulator (rate x RTT x loss,
# window vs stop-and-wait) to tether-hostdev; docs/benchmark-ota-push.md. ~15-20 min.
# `make bench-ota-qemu`: the same push to the an505 in QEMU (one cell; its UART is slow).
# Its three programs are built again under $(BUILD)/opt, -O2 without sanitizers (ASan's cost
# would be measured too); -Wno-error there: -O2 finds warnings -O1 does not.
BENCH_OPT := $(BUILD)/opt
BENCH_OPT_CFLAGS := $(filter-out -Werror,$(WARN)) -O2 -g -D_DEFAULT_SOURCE
.PHONY: bench-ota
bench-ota:
	@mkdir -p $(BENCH_OPT) && ln -sfn ../deps $(BENCH_OPT)/deps
	HOST_CFLAGS="$(BENCH_OPT_CFLAGS)" HOST_LDFLAGS=" " $(MAKE) BUILD=$(BENCH_OPT) \
	    $(BENCH_OPT)/host/bin/tether $(BENCH_OPT)/host/bin/tether-linkemu \
	    $(BENCH_OPT)/host/bin/tether-hostdev
	/usr/bin/python3 ref-client/bench/ota_throughput.py $(BENCH_OPT)
.PHONY: bench-ota-qemu
bench-ota-qemu: $(BUILD)/host/bin/tether $(BUILD)/host/bin/tether-linkemu $(AN505_DIR)/supervisor.elf $(AN505_DIR)/app.bin
	ref-client/bench/ota-push.sh $(BUILD)

# `make bench-hs-resend`: initiations sent and handshake time of `tether ping` to the an505 in
# QEMU at 300 ms RTT (docs/handshake-resend.md); FW=/TETHER= measure another build.
.PHONY: bench-hs-resend
bench-hs-resend: $(BUILD)/host/bin/tether $(BUILD)/host/bin/tether-linkemu $(AN505_DIR)/supervisor.elf $(AN505_DIR)/app.bin
	ref-client/bench/hs-resend.sh $(BUILD)
