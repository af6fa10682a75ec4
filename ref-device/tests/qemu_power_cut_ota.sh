#!/usr/bin/env bash
# qemu_power_cut_ota.sh — the OTA power-cut sweep as `make test` runs it: both layouts, every
# scenario, every stride-th cut point of each (strides in qemu_power_cut_ota.py's scenario
# table; ${TT_CUT_SAMPLE:-8} scales them, 8 = as written). The full sweep, every cut point,
# is `make power-cut-sweep` (docs/power-cut-sweep.md has its figures and duration).
exec /usr/bin/python3 "$(dirname "$0")/qemu_power_cut_ota.py" --sample "${TT_CUT_SAMPLE:-8}"
