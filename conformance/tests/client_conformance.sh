#!/usr/bin/env bash
# client_conformance.sh — the client suite (tether-conform --client) against the reference
# client (`tether ping`, and `tether attest` for the attestation cases), with its JUnit
# report checked for form. Exit 0 only if every case passed.
set -u
BUILD=${BUILD:-build}
BIN=$BUILD/host/bin
for f in "$BIN/tether-conform" "$BIN/tether"; do
  [ -f "$f" ] || { echo "missing $f (run make)"; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
timeout --kill-after=5 600 "$BIN/tether-conform" \
  --client "$BIN/tether ping {device} --key {key} --grant {grant} --count 3 --timeout 3000" \
  --client-attest "$BIN/tether attest {device} --key {key} --grant {grant} --expect-app {app} --timeout 3000" \
  --junit "$tmp/junit.xml" --report "$tmp/report.md"
rc=$?
/usr/bin/python3 - "$tmp/junit.xml" <<'PY' || rc=1
import sys, xml.etree.ElementTree as ET
cases = ET.parse(sys.argv[1]).getroot().findall(".//testcase")
assert len(cases) >= 20, f"{len(cases)} testcases"
assert all(c.findall("./properties/property[@name='requirement']") for c in cases)
print(f"junit: {len(cases)} client testcases with requirement properties")
PY
exit $rc
