# hostdev_up.sh — sourced by the conformance scripts: provisions a fresh identity in TMP
# (ref-device/tools/provision.py, the same blob the QEMU device loads) and starts
# tether-hostdev on a free local port, with a firmware key made here provisioned (the OTA
# service on, its factory app in slot A).
#   hostdev_up BIN TMP     sets PORT, HPID; device record and owner key in TMP/device/;
#                          OTA_ARGS: tether-conform's --firmware and --ota-image for it
#   wait_listening PORT    returns once something accepts on 127.0.0.1:PORT (10 s at most)
#   hostdev_start TOOL...   what a test script starts with: checks that $BIN/TOOL and
#                          $BIN/tether-hostdev are built, makes tmp (removed on exit, with
#                          tether-hostdev stopped: an EXIT trap) and runs hostdev_up in it;
#                          exits the script if any of that fails
# A caller of hostdev_up alone sets its own EXIT trap to kill "$HPID" and remove TMP. Keys
# exist only in TMP.
hostdev_up() {
  local bin=$1 tmp=$2
  PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  mkdir -p "$tmp/device"
  /usr/bin/python3 - "$tmp/device/firmware.pem" <<'PY' || { echo "firmware key failed"; return 1; }
import os, sys
from cryptography.hazmat.primitives import serialization as s
from cryptography.hazmat.primitives.asymmetric import ec
k = ec.generate_private_key(ec.SECP256R1())
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
os.write(fd, k.private_bytes(s.Encoding.PEM, s.PrivateFormat.PKCS8, s.NoEncryption()))
os.close(fd)
open(sys.argv[1] + ".pub", "wb").write(k.public_key().public_bytes(
    s.Encoding.PEM, s.PublicFormat.SubjectPublicKeyInfo))
PY
  /usr/bin/python3 "$(dirname "${BASH_SOURCE[0]}")/../../ref-device/tools/provision.py" \
    "$tmp/device" --link "tcp:127.0.0.1:$PORT" --firmware-pub "$tmp/device/firmware.pem.pub" \
    >/dev/null || { echo "provisioning failed"; return 1; }
  OTA_ARGS=(--firmware "$tmp/device/firmware.pem" --ota-image "$tmp/device/app.bin")
  "$bin" --provision "$tmp/device/provision.bin" --port "$PORT" --app-out "$tmp/device/app.bin" \
    2>"$tmp/hostdev.err" &
  HPID=$!
  wait_listening "$PORT" || { echo "tether-hostdev not listening"; cat "$tmp/hostdev.err"; return 1; }
}

# wait_listening PORT: until something accepts on 127.0.0.1:PORT (10 s at most)
wait_listening() {
  /usr/bin/python3 - "$1" <<'PY'
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

hostdev_start() {
  local f
  for f in "$@" tether-hostdev; do
    [ -f "$BIN/$f" ] || { echo "missing $BIN/$f (run make)"; exit 1; }
  done
  tmp=$(mktemp -d)
  HPID=
  trap '[ -n "$HPID" ] && kill "$HPID" 2>/dev/null; rm -rf "$tmp"' EXIT
  hostdev_up "$BIN/tether-hostdev" "$tmp" || exit 1
}
