#!/usr/bin/env bash
# qemu_session_end.sh — issue 15 §1 with the real `tether` CLI against the an505 firmware
# under QEMU: every command closes its session on exit ([HS-061]), so
#   1. four `tether ping` with four keys (as many as the device has slots), then a fifth
#      key's ping succeeds at once (no hs-busy);
#   2. a `tether gdbserver` with a debug-read-only grant attaches when GDB connects, is
#      refused the halt and exits 4 (an error path): a full-grant gdbserver attaches at once
#      (answers GDB's `?` with a stop reply);
#   3. that one, stopped with SIGTERM while GDB is connected, exits 128+15 after closing:
#      another key's gdbserver attaches at once;
#   4. that one (--once) exits when its GDB disconnects: four keys ping again.
# Every wait is on observable state (a line printed, a process ended) with a generous bound.
set -u
BUILD=${BUILD:-build}
DIR=$BUILD/an505
T=$BUILD/host/bin/tether
. "$(dirname "$0")/qemu_boot.sh"
qemu_need "$DIR/supervisor.elf" "$DIR/app.elf" "$T" || exit 1
tmp=$(mktemp -d)
QPID= GPID=
trap '[ -n "$GPID" ] && kill -9 "$GPID" 2>/dev/null; [ -n "$QPID" ] && kill "$QPID" 2>/dev/null; rm -rf "$tmp"' EXIT
qemu_up "$DIR" "$tmp" || exit 1
DEV=$tmp/device/device.json
fail=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fail=1; }

key() { # key NAME PERMS: a client key and its grant
  "$T" keygen client "$tmp/$1" >/dev/null &&
    "$T" grant --owner "$tmp/device/owner.pem" --client "$tmp/$1.pub" --device-record "$DEV" \
      --perms "$2" -o "$tmp/$1.grant" >/dev/null
}
for k in 1 2 3 4 5; do key "c$k" all || { echo "keygen/grant failed"; exit 1; }; done
key ro debug-read || exit 1

ping5() { # ping5 K...: a ping with each key, all must succeed
  local k
  for k in "$@"; do
    "$T" ping "$DEV" --key "$tmp/c$k" --grant "$tmp/c$k.grant" --count 1 --timeout 20000 \
      >/dev/null 2>"$tmp/err" || return 1
  done
}

# 1. Four clients exit; the fifth gets in at once.
ping5 1 2 3 4 || bad "four pings: $(cat "$tmp/err")"
ping5 5 && ok "[HS-061] four pings closed their sessions: a fifth key connects at once" ||
  bad "[HS-061] fifth ping: $(cat "$tmp/err")"

# Starts a gdbserver in the background on a free port; sets GPID and GPORT once it listens.
gdbserver() { # gdbserver NAME [options]
  local name=$1; shift
  "$T" gdbserver "$DEV" --key "$tmp/$name" --grant "$tmp/$name.grant" --port 0 \
    --timeout 20000 "$@" >"$tmp/gs.out" 2>"$tmp/gs.err" &
  GPID=$!
  GPORT=
  for _ in $(seq 1 300); do # up to 30 s for the handshake on a loaded machine
    GPORT=$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$tmp/gs.out")
    [ -n "$GPORT" ] && return 0
    kill -0 "$GPID" 2>/dev/null || break
    sleep 0.1
  done
  cat "$tmp/gs.err"; return 1
}
# GDB's first question; prints the reply packet (a stop reply once the server attached).
gdb_ask() { # gdb_ask PORT [hold]: with hold, keeps the connection open until killed
  /usr/bin/python3 - "$1" "${2:-}" <<'PY'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 30)
s.settimeout(30)
s.sendall(b"+$?#3f")
buf = b""
while b"#" not in buf.lstrip(b"+"):
    d = s.recv(4096)
    if not d:
        break
    buf += d
print(buf.lstrip(b"+").decode(errors="replace"), flush=True)
if sys.argv[2]:
    time.sleep(600)
PY
}
# Waits (bounded) for GPID to exit; its exit status in ST.
wait_exit() {
  ST="still running"
  for _ in $(seq 1 300); do
    if ! kill -0 "$GPID" 2>/dev/null; then wait "$GPID"; ST=$?; GPID=; return; fi
    sleep 0.1
  done
}

# 2. Error exit: a debug-read-only gdbserver attaches, is refused the halt GDB needs and
# exits 4; its Close released the attachment.
if gdbserver ro; then
  gdb_ask "$GPORT" >/dev/null 2>&1
  wait_exit
  grep -q "permission" "$tmp/gs.err" && [ "$ST" = 4 ] &&
    ok "read-only gdbserver: attached, halt refused, exited $ST" ||
    bad "read-only gdbserver: status $ST: $(cat "$tmp/gs.err")"
else bad "read-only gdbserver did not start"; fi
# 3. SIGTERM: a full-grant gdbserver holding the attachment (GDB connected) is stopped.
if gdbserver c1; then
  gdb_ask "$GPORT" hold >"$tmp/c1.reply" 2>/dev/null &
  HPID=$!
  for _ in $(seq 1 300); do grep -q '^\$' "$tmp/c1.reply" && break; sleep 0.1; done
  if grep -q '^\$[TS]' "$tmp/c1.reply"; then
    ok "[DBG-060] [HS-061] full-grant gdbserver attaches at once after the read-only one"
  else bad "full-grant gdbserver: $(cat "$tmp/c1.reply" "$tmp/gs.err")"; fi
  kill -TERM "$GPID"
  wait_exit
  kill "$HPID" 2>/dev/null; wait "$HPID" 2>/dev/null
  [ "$ST" = 143 ] && ok "[HS-061] SIGTERM: gdbserver exited 143 after closing" ||
    bad "SIGTERM: gdbserver status $ST: $(cat "$tmp/gs.err")"
else bad "full-grant gdbserver did not start"; fi
# 4. GDB disconnecting: another key's gdbserver --once attaches at once (the SIGTERM'd one
# closed), and exits when GDB leaves.
if gdbserver c2 --once; then
  reply=$(gdb_ask "$GPORT" 2>/dev/null)
  case $reply in
    \$[TS]*) ok "[HS-061] after SIGTERM, another key's gdbserver attaches at once" ;;
    *) bad "gdbserver after SIGTERM: '$reply' $(cat "$tmp/gs.err")" ;;
  esac
  wait_exit
  [ "$ST" = 0 ] && ok "gdbserver --once exited 0 when GDB left" || bad "gdbserver --once: $ST"
else bad "gdbserver c2 did not start"; fi
ping5 2 3 4 5 && ok "[HS-061] every slot free again: four keys ping" ||
  bad "pings after the gdbservers: $(cat "$tmp/err")"
kill -0 "$QPID" 2>/dev/null || { echo "QEMU exited early:"; cat "$tmp/qemu.err"; exit 1; }
[ $fail = 0 ] && echo "SESSION END PASS" || echo "SESSION END FAIL"
exit $fail
