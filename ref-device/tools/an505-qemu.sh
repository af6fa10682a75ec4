# an505-qemu.sh — sourced: the one QEMU command line of the an505 device, for every script
# that boots it (run-device.sh, qemu_boot.sh and through it the tests, tools/run.sh and the
# benchmarks). QEMU gets the supervisor only: the app comes from slot A of the device's flash
# file (DEV/flash.bin, made by provision.py --app), which backs the board's 16 MiB main RAM
# at 0x80000000 and survives restarts. One QEMU per flash file: the launch holds an flock on
# DEV/flash.lock for QEMU's lifetime and refuses a second one.
#   an505_provision DIR DEV [provision.py args]  identity + flash (kept when present)
#   an505_qemu_start DIR DEV [qemu args]         starts QEMU in the background, sets QPID
#   an505_qemu_exec DIR DEV [qemu args]          replaces the calling shell with QEMU
# DIR holds supervisor.elf and app.bin; DEV is the device directory. A fresh entropy seed is
# loaded at 0x381FE000 at every start (the supervisor mixes it with its NV seed).
AN505_TOOLS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

an505_provision() {
  local dir=$1 dev=$2
  shift 2
  /usr/bin/python3 "$AN505_TOOLS/provision.py" "$dev" --app "$dir/app.bin" "$@"
}

an505_qemu_exec() {
  local dir=$1 dev=$2
  shift 2
  { printf 'SEED'; head -c 4092 /dev/urandom; } > "$dev/seed"
  exec 9>"$dev/flash.lock" # inherited by QEMU: the lock lives as long as it does
  flock -n 9 || { echo "an505-qemu: $dev/flash.bin is in use by another QEMU" >&2; exit 1; }
  exec qemu-system-arm -M mps2-an505,memory-backend=flash \
    -object "memory-backend-file,id=flash,mem-path=$dev/flash.bin,size=16M,share=on" \
    -display none -monitor none -kernel "$dir/supervisor.elf" \
    -device "loader,file=$dev/seed,addr=0x381FE000,force-raw=on" \
    -device "loader,file=$dev/provision.bin,addr=0x381FF000,force-raw=on" "$@"
}

an505_qemu_start() {
  ( an505_qemu_exec "$@" ) &
  QPID=$!
}
