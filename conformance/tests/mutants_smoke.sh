#!/usr/bin/env bash
# mutants_smoke.sh — `make test`'s share of conformance/mutants/run.sh: four broken
# variants of the device (a missed permission check, a skipped record replay check, a grant
# for another device accepted), each of which the suite must catch on a case naming the
# violated requirement; an OTA device raising the security counter before confirmation; and
# a tether-bridge that publishes every packet twice (the suite through the relay must fail
# its one-packet-per-message case, [MTB-010]).
# The whole set is `make conform-mutants` (docs/conformance-mutants.md).
set -u
D=$(dirname "$0")/../mutants/device
MUTANTS_DIR=${BUILD:-build}/mutants-smoke exec "$(dirname "$0")/../mutants/run.sh" "$D"/01-perm-write-memory.patch \
  "$D"/21-record-replay-window.patch "$D"/18-grant-device-scope.patch \
  "$D"/60-ota-counter-at-install.patch "$D"/../relay/01-bridge-doubles-up.patch
