#!/usr/bin/env bash
# coverage_check.sh — the coverage matrix from spec/ and the suite's case list: fails if a
# case cites a requirement ID the spec does not define; warns when the committed matrix
# (docs/conformance-coverage.md) is not what the generator makes from today's spec and cases
# (run `make conform-coverage`: a merged spec change makes it stale without breaking the
# build). Prints the coverage figure.
set -u
BUILD=${BUILD:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$BUILD/host/bin/tether-conform" --list > "$tmp/cases.txt" || exit 1
/usr/bin/python3 "$(dirname "$0")/../../tools/conform_coverage.py" --cases "$tmp/cases.txt" \
  --out "$tmp/coverage.md" || exit 1
cmp -s "$tmp/coverage.md" "$(dirname "$0")/../../docs/conformance-coverage.md" ||
  echo "warning: docs/conformance-coverage.md is out of date: run make conform-coverage"
exit 0
