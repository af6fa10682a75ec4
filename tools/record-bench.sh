#!/usr/bin/env bash
# record-bench.sh — runs the shared core's benchmarks (handshake, records, message sizes)
# and records its output, with the machine it ran on, in
# docs/benchmarks-lib.md. Figures are measured, never edited by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
out=docs/benchmarks-lib.md
make -s build/bench/bin/bench_session build/bench/bin/bench_messages
{ build/bench/bin/bench_session; echo; build/bench/bin/bench_messages; } > /tmp/tether-bench.$$
{
  echo "# Shared-core benchmark (recorded by tools/record-bench.sh)"
  echo
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
  echo "- compiler: $(gcc --version | head -1); libsodium $(dpkg-query -W -f='${Version}' libsodium-dev), mbedTLS $(dpkg-query -W -f='${Version}' libmbedtls-dev)"
  echo "- build: -O2, no sanitizers (the same binaries \`make bench\` runs)"
  echo
  echo '```'
  cat /tmp/tether-bench.$$
  echo '```'
} > "$out"
rm -f /tmp/tether-bench.$$
echo "wrote $out"
