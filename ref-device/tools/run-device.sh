#!/usr/bin/env bash
# run-device.sh — boots the Tether supervisor under QEMU mps2-an505 with the link (UART0) on
# a local TCP port, and prints the device identity and the port. Usage:
#   ref-device/tools/run-device.sh [BUILD/an505]     (or: make run-device)
# TT_DEVICE_PORT picks the port (default: a free one); TT_FIRMWARE_PUB=fw.pem.pub provisions
# that firmware key (tether keygen firmware): it enables the OTA service and is kept. The
# device's keys and its flash file (records, the demo app in slot A) are made once by
# provision.py into BUILD/an505/device/ and kept across boots, like a real device's flash;
# fresh entropy every boot.
# QEMU listens (server=on,wait=off): connect any time; the device only speaks when spoken to.
set -eu
DIR=${1:-build/an505}
DEV=$DIR/device
PORT=${TT_DEVICE_PORT:-$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
. "$(dirname "$0")/an505-qemu.sh"
ID=$(an505_provision "$DIR" "$DEV" --link "tcp:127.0.0.1:$PORT" \
  ${TT_FIRMWARE_PUB:+--firmware-pub "$TT_FIRMWARE_PUB"})
echo "tether device $ID"
echo "  link:   tcp:127.0.0.1:$PORT"
echo "  record: $DEV/device.json"
echo "  flash:  $DEV/flash.bin"
echo "  (Ctrl-C stops QEMU)"
an505_qemu_start "$DIR" "$DEV" \
  -chardev "socket,id=link,host=127.0.0.1,port=$PORT,server=on,wait=off,nodelay=on" -serial chardev:link
trap 'kill "$QPID" 2>/dev/null' INT TERM
wait "$QPID"
