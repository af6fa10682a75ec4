#!/usr/bin/python3
"""size_report.py — flash and RAM of the STM32U585 Secure image, per component and per
mbedTLS module, from the GNU ld map file (-Wl,-Map). Used by `make size`.

Every input section the linker placed is attributed to the file it came from; files are
grouped by path: port (ref-device/port/stm32u585, and the shared ref-device/port/armv8m), supervisor core (ref-device/core), lib
(lib/ protocol engines), codecs (lib/msg, generated tether.pb, nanopb), crypto glue
(lib/crypto), mbedTLS, toolchain (libc/libgcc), linker (veneers, fill). Flash = code and
read-only data plus the .data load image; RAM = .data + .bss, stacks separately.
Usage: size_report.py MAP [--check FLASH_KB RAM_KB]  (exit 1 if a goal is missed with --check)
"""
import re
import sys
from collections import defaultdict

FLASH_OUT = {".vectors", ".text", ".ARM.exidx", ".gnu.sgstubs", ".rodata"}
RAM_OUT = {".bss"}
BOTH_OUT = {".data"}


def component(path):
    if path is None:
        return "linker (veneers, fill)"
    p = path.replace("\\", "/")
    if "/mbedtls/" in p:
        return "mbedTLS"
    if "ref-device/port/stm32u585/" in p:
        return "port (stm32u585)"
    if "ref-device/port/armv8m/" in p:
        return "port (armv8m, shared)"
    if "ref-device/core/" in p:
        return "supervisor core"
    if "/lib/msg/" in p or "/gen/tether.pb" in p or "/nanopb/" in p:
        return "codecs (nanopb + messages)"
    if "/lib/crypto/" in p:
        return "crypto glue (lib/crypto)"
    if "/lib/" in p and "arm-none-eabi" not in p or "/gen/err_names" in p:
        return "lib (framing..session)"
    return "toolchain (libc, libgcc)"


def mbedtls_module(path):
    m = re.search(r"/mbedtls/([A-Za-z0-9_]+)\.o", path or "")
    return m.group(1) if m else None


def parse(map_path):
    flash = defaultdict(int)
    ram = defaultdict(int)
    mod = defaultdict(int)
    stacks = 0
    out = None
    pending = None  # an input section name whose address/size is on the next line
    started = False
    with open(map_path) as f:
        for line in f:
            if line.startswith("Linker script and memory map"):
                started = True
                continue
            if not started:
                continue
            if line.startswith("/DISCARD/") or line.startswith("OUTPUT("):
                out = None
                continue
            m = re.match(r"^(\.[\w.]+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)", line)
            if m:
                out = m.group(1)
                if out == ".stacks":
                    stacks = int(m.group(3), 16)
                continue
            m = re.match(r"^(\.[\w.]+)\s*$", line)
            if m:
                out = m.group(1)
                continue
            if out is None:
                continue
            m = re.match(r"^ (\S+)\s*$", line)
            if m and not line.startswith(" *"):
                pending = m.group(1)
                continue
            m = re.match(r"^ (\S+)?\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s*(.*)$", line)
            if not m:
                pending = None
                continue
            name = m.group(1) or pending
            pending = None
            size = int(m.group(3), 16)
            src = m.group(4).strip() or None
            if name is None or size == 0 or name.startswith("*(") or name == "LONG":
                continue
            if name == "*fill*":
                src = None
            comp = component(src)
            if "mbedtls_heap" in name:
                comp = f"mbedTLS heap (static, {size // 1024} KB)"
            elif name == ".bss.sup" and src and src.endswith("/main.o"):
                comp = "supervisor context (struct tt_sup)"
            if out in FLASH_OUT:
                flash[comp] += size
            elif out in BOTH_OUT:
                flash[comp] += size
                ram[comp] += size
            elif out in RAM_OUT:
                ram[comp] += size
            else:
                continue
            mm = mbedtls_module(src)
            if mm and out in FLASH_OUT | BOTH_OUT:
                mod[mm] += size
    return flash, ram, mod, stacks


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__)
        return 2
    flash, ram, mod, stacks = parse(args[0])
    comps = sorted(set(flash) | set(ram), key=lambda c: -flash.get(c, 0))
    print(f"{'component':32} {'flash':>8} {'RAM':>8}")
    for c in comps:
        print(f"{c:32} {flash.get(c, 0):8d} {ram.get(c, 0):8d}")
    tf, tr = sum(flash.values()), sum(ram.values())
    print(f"{'stacks (MSP_S + PSP_S)':32} {'':8} {stacks:8d}")
    print(f"{'total':32} {tf:8d} {tr + stacks:8d}   "
          f"({tf / 1024:.1f} KB flash, {(tr + stacks) / 1024:.1f} KB RAM)")
    print()
    print(f"{'mbedTLS module':32} {'flash':>8}")
    for k, v in sorted(mod.items(), key=lambda kv: -kv[1]):
        print(f"{k:32} {v:8d}")
    if "--check" in args:
        i = args.index("--check")
        fk, rk = int(args[i + 1]), int(args[i + 2])
        ok = tf <= fk * 1024 and tr + stacks <= rk * 1024
        print(f"\ngoal {fk} KB flash / {rk} KB RAM: {'met' if ok else 'NOT met'}")
        return 0 if ok else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
