# run.mk — `make run` (tools/run.sh: builds, provisions under build/run/, boots the QEMU
# device, starts `tether gdbserver`, attaches gdb-multiarch; through the local mosquitto relay
# unless RELAY=direct) and the end-to-end GDB test.
EXTRA_TESTS += ref-client/tests/gdb_e2e.sh
# extended-remote: device watchpoints, run/kill, monitor; the Cortex-Debug MI sequence.
EXTRA_TESTS += ref-client/tests/gdb_extended.sh

run: $(BUILD)/host/bin/tether $(BUILD)/host/bin/tether-bridge $(BUILD)/an505/supervisor.elf \
    $(BUILD)/an505/app.elf $(BUILD)/an505/app.bin
	BUILD=$(BUILD) tools/run.sh
