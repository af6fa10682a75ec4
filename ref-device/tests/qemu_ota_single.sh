#!/usr/bin/env bash
# qemu_ota_single.sh — qemu_ota.sh on the SINGLE-layout an505 build (make an505-single):
# the push, the refusals and the resume after a QEMU kill, with the app stopped during the
# transfer ([OTA-082]) and rollback refused ([OTA-053]).
OTA_LAYOUT=single exec "$(dirname "$0")/qemu_ota.sh" "$@"
