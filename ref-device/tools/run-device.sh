#!/usr/bin/env bash
# run-device.sh — boots the Tether supervisor + demo app under QEMU mps2-an505 with the link
# (UART0) on a local TCP port, and prints the device identity and the port. Usage:
#   ref-device/tools/run-device.sh [BUILD/an505]     (or: make run-device)
# TT_DEVICE_PORT picks the port (default: a free one). The device's keys are made once by
# provision.py into BUILD/an505/device/ (kept across boots); fresh entropy every boot.
# QEMU listens (server=on,wait=off): connect any time; the device only speaks when spoken to.
set -eu
DIR=${1:-build/an505}
DEV=$DIR/device
PORT=${TT_DEVICE_PORT:-$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
ID=$(/usr/bin/python3 "$(dirname "$0")/provision.py" "$DEV" --link "tcp:127.0.0.1:$PORT")
SEED=$(mktemp)
trap 'rm -f "$SEED"' EXIT
{ printf 'SEED'; head -c 4092 /dev/urandom; } > "$SEED"
echo "tether device $ID"
echo "  link:   tcp:127.0.0.1:$PORT"
echo "  record: $DEV/device.json"
echo "  (Ctrl-C stops QEMU)"
qemu-system-arm -M mps2-an505 -display none -monitor none \
  -chardev "socket,id=link,host=127.0.0.1,port=$PORT,server=on,wait=off,nodelay=on" -serial chardev:link \
  -kernel "$DIR/supervisor.elf" -device "loader,file=$DIR/app.elf" \
  -device "loader,file=$SEED,addr=0x381FE000,force-raw=on" \
  -device "loader,file=$DEV/provision.bin,addr=0x381FF000,force-raw=on"
