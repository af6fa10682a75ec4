#!/usr/bin/env bash
# qemu_power_cut.sh — the QEMU power-cut sweep as `make test` runs it: every
# ${TT_CUT_SAMPLE:-8}-th cut point of each scenario (the full sweep, every cut point, is
# `make power-cut-sweep`, ~6 min; qemu_power_cut.py says what is checked).
exec /usr/bin/python3 "$(dirname "$0")/qemu_power_cut.py" --sample "${TT_CUT_SAMPLE:-8}"
