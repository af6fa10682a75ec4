# hostdev_up.sh — sourced by the conformance scripts: provisions a fresh identity in TMP
# (ref-device/tools/provision.py, the same blob the QEMU device loads) and starts
# tether-hostdev on a free local port.
#   hostdev_up BIN TMP     sets PORT, HPID; device record and owner key in TMP/device/
# The caller's EXIT trap should kill "$HPID" and remove TMP. Keys exist only in TMP.
hostdev_up() {
  local bin=$1 tmp=$2
  PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  /usr/bin/python3 "$(dirname "${BASH_SOURCE[0]}")/../../ref-device/tools/provision.py" \
    "$tmp/device" --link "tcp:127.0.0.1:$PORT" >/dev/null || { echo "provisioning failed"; return 1; }
  "$bin" --provision "$tmp/device/provision.bin" --port "$PORT" 2>"$tmp/hostdev.err" &
  HPID=$!
  /usr/bin/python3 - "$PORT" <<'PY' || { echo "tether-hostdev not listening"; cat "$tmp/hostdev.err"; return 1; }
import socket, sys, time
for _ in range(100):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.5).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(1)
PY
}
