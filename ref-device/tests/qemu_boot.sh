# qemu_boot.sh — sourced by the QEMU tests: boots the an505 supervisor with a fresh device
# identity and flash file (the demo app in its slot A), the link (UART0) on a free local TCP
# port, QEMU listening (../tools/an505-qemu.sh has the command line).
#   qemu_boot DIR TMP [qemu args]  sets PORT, QPID; device record, owner key and flash.bin
#                                  in TMP/device/ (made once: a second call boots the same
#                                  device again, a restart)
#   qemu_up DIR TMP      qemu_boot, then waits until QEMU listens (the usual start)
#   qemu_need FILE...    fails with "missing FILE (run make)" unless every FILE exists
# The caller's EXIT trap should kill "$QPID" and remove TMP. Keys exist only in TMP.
qemu_need() {
  local f
  for f in "$@"; do
    [ -f "$f" ] || { echo "missing $f (run make)"; return 1; }
  done
}

. "$(dirname "${BASH_SOURCE[0]}")/../tools/an505-qemu.sh"

qemu_boot() {
  local dir=$1 tmp=$2
  shift 2
  PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  an505_provision "$dir" "$tmp/device" --link "tcp:127.0.0.1:$PORT" >/dev/null \
    || { echo "provisioning failed"; return 1; }
  an505_qemu_start "$dir" "$tmp/device" \
    -chardev "socket,id=link,host=127.0.0.1,port=$PORT,server=on,wait=off,nodelay=on" \
    -serial chardev:link "$@" 2>"$tmp/qemu.err"
}

# Waits (up to 60 s: QEMU starts in 0.1 s idle, seconds on a loaded machine) until QEMU
# accepts connections on PORT; the probe sends nothing.
qemu_wait_listening() {
  /usr/bin/python3 - "$PORT" <<'PY'
import socket, sys, time
for _ in range(600):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.5).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(1)
PY
}

qemu_up() {
  qemu_boot "$1" "$2" || return 1
  qemu_wait_listening || { echo "QEMU not listening"; return 1; }
}
