#!/usr/bin/env bash
# qemu_integration.sh — issue 3's integration test: boots the supervisor firmware and the demo
# app under QEMU mps2-an505 with the link (UART0) on a local TCP port, provisions a fresh
# device identity for it (keys only in a temp dir), and runs build/host/bin/qemu_integration,
# which over the real link and a real Noise session halts the app, reads registers, breaks,
# steps, range-steps a source line, reads and writes memory, is refused on Secure memory, and
# sees a fault captured with the link still up. Exit 0 only if the client reports PASS within
# the time limit (default 240 s, a hang guard); QEMU is killed on exit. Run from the repo root.
set -u
BUILD=${BUILD:-build}
DIR=$BUILD/an505
BIN=$BUILD/host/bin/qemu_integration
LIMIT=${TT_INTEGRATION_TIMEOUT:-240}  # a hang guard, not a speed check
. "$(dirname "$0")/qemu_boot.sh"
qemu_need "$DIR/supervisor.elf" "$DIR/app.elf" "$BIN" || exit 1
tmp=$(mktemp -d)
QPID=
trap '[ -n "$QPID" ] && kill "$QPID" 2>/dev/null; rm -rf "$tmp"' EXIT
qemu_boot "$DIR" "$tmp" || exit 1

# App addresses from its ELF: demo_leaf and one source line of it (doubled = v * 2u), the
# globals the test reads and writes.
APP=$DIR/app.elf
sym() { arm-none-eabi-nm -S "$APP" | awk -v n="$1" '$4 == n { print $'"$2"' }'; }
LINE=$(grep -n 'doubled = v \* 2u' ref-device/app/main.c | cut -d: -f1)
read -r LINE_START LINE_END < <(arm-none-eabi-objdump --dwarf=decodedline "$APP" | awk -v l="$LINE" '
  $1 == "main.c" && $2 == l && !s { s = $3; next }
  s && $1 == "main.c" && $2 != l { print s, $3; exit }')
export TT_DEVICE=$tmp/device/device.json TT_OWNER=$tmp/device/owner.pem
export TT_LEAF=$(sym demo_leaf 1) TT_LEAF_SIZE=$(sym demo_leaf 2)
export TT_COUNTER=$(sym demo_counter 1) TT_TRIGGER=$(sym demo_fault_trigger 1)
export TT_MESSAGE=$(sym demo_message 1) TT_LINE_START=$LINE_START TT_LINE_END=$LINE_END
export TT_FAULT_FN=$(sym demo_fault 1)
for v in TT_LEAF TT_LEAF_SIZE TT_COUNTER TT_TRIGGER TT_MESSAGE TT_LINE_START TT_LINE_END \
  TT_FAULT_FN; do
  [ -n "${!v}" ] || { echo "no address for $v in $APP"; exit 1; }
done

timeout --kill-after=5 "$LIMIT" "$BIN" > "$tmp/out" 2>&1
rc=$?
cat "$tmp/out"
if ! kill -0 "$QPID" 2>/dev/null; then
  echo "QEMU exited early:"; cat "$tmp/qemu.err"; exit 1
fi
[ $rc = 124 ] && echo "timeout after ${LIMIT}s"
[ $rc = 0 ] && grep -q '^INTEGRATION PASS' "$tmp/out" || exit 1
exit 0
