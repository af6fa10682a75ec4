#!/usr/bin/env bash
# hostdev_conformance.sh — the device conformance suite against the reference supervisor
# core on the host port (tether-hostdev), with the JUnit and Markdown reports checked for
# form: one testcase per case, requirement properties, the summary. Exit 0 only if every
# case passed and the reports are well formed.
set -u
BUILD=${BUILD:-build}
BIN=$BUILD/host/bin
LIMIT=${TT_CONFORM_TIMEOUT:-600}
. "$(dirname "$0")/hostdev_up.sh"
hostdev_start tether-conform
timeout --kill-after=5 "$LIMIT" "$BIN/tether-conform" --device "$tmp/device/device.json" \
  --owner "$tmp/device/owner.pem" "${OTA_ARGS[@]}" --junit "$tmp/junit.xml" --report "$tmp/report.md"
rc=$?
[ $rc = 124 ] && { echo "timeout after ${LIMIT}s"; exit 1; }
n=$("$BIN/tether-conform" --list | grep -c "^device")
/usr/bin/python3 - "$tmp/junit.xml" "$n" <<'PY' || rc=1
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
cases = root.findall(".//testcase")
assert len(cases) == int(sys.argv[2]), f"{len(cases)} testcases for {sys.argv[2]} cases"
for c in cases:
    props = [p.get("value") for p in c.findall("./properties/property[@name='requirement']")]
    assert props and all("-" in p for p in props), f"{c.get('name')}: no requirement property"
print(f"junit: {len(cases)} testcases with requirement properties")
PY
grep -q '^\*\*CONFORMANT\*\*' "$tmp/report.md" || { [ $rc != 0 ] || { echo "report.md: no verdict"; rc=1; }; }
exit $rc
