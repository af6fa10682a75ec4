#!/usr/bin/env bash
# mutants_smoke.sh — `make test`'s share of conformance/mutants/run.sh: four broken
# variants of the device (a missed permission check, a skipped record replay check, a grant
# for another device accepted), each of which the suite must catch on a case naming the
# violated requirement; and an OTA device raising the security counter before confirmation.
# The whole set is `make conform-mutants` (docs/conformance-mutants.md).
set -u
D=$(dirname "$0")/../mutants/device
MUTANTS_DIR=${BUILD:-build}/mutants-smoke exec "$(dirname "$0")/../mutants/run.sh" "$D"/01-perm-write-memory.patch \
  "$D"/21-record-replay-window.patch "$D"/18-grant-device-scope.patch \
  "$D"/60-ota-counter-at-install.patch
