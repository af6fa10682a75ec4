#!/usr/bin/python3
"""elf_checks.py — static checks of the STM32U585 Secure image and demo app (no chip needed).

  1. vector table: .vectors is the first thing at 0x0C000000 (SECBOOTADD0); entry 0 (the
     initial MSP) is 8-byte aligned, inside the supervisor's RAM and equal to _msp_top;
     entry 1 is Reset_Handler with the Thumb bit; every other non-zero entry is a Thumb
     address inside the supervisor's flash.
  2. W^X: no program header is both writable and executable (readelf -lW), in both ELFs.
  3. NSC: .gnu.sgstubs lies in the NSC page, nothing else does, every veneer the import
     library exports is there, and the SG opcode (0xE97FE97F) appears nowhere else in the
     image (a stray SG in NSC-able memory would be a way into the supervisor).
  4. stack budget, from gcc -fcallgraph-info=su (.ci files: frame sizes + direct calls):
     PSP_S = worst path from main, where a call through a pointer (gcc's __indirect_call)
     costs as much as the deepest function only reached through pointers (the service
     tt_loop_once calls, the struct tt_crypto table), + the worst NSC entry (the app calls
     the API while the service thread is parked, on the same stack) + nanopb's recursion to
     the schema's nesting depth;
     MSP_S = one worst handler per priority level, nested, each with its 32-byte frame.
     Both must fit the sizes secure.ld reserves. Functions of dynamic frame size fail.
  5. the app: vector table at 0x08028000, its segments inside its flash and RAM.
Usage: elf_checks.py SUPERVISOR_ELF APP_ELF IMPLIB CI_DIR      (exit 1 on any failure)
"""
import glob
import os
import re
import subprocess
import sys
from collections import defaultdict

SUP_FLASH = (0x0C000000, 0x18000)
NSC = (0x0C018000, 0x2000)
SUP_RAM = (0x300B0000, 0x10000)
APP_FLASH = (0x08028000, 0xD8000)
APP_RAM = (0x20000000, 0xB0000)
SG = bytes([0x7F, 0xE9, 0x7F, 0xE9])
EXC_FRAME = 32 + 8          # 8 words + alignment pad (soft-float: no FP frame)
NANOPB_NESTING = 4          # deepest submessage nesting in proto/tether.proto, rounded up
# Handlers and their priority levels (u585.h); park.S (ref-device/port/armv8m) handlers have
# no frame of their own.
HANDLERS = {
    "HardFault_Handler": -1, "SVC_Handler": 0x00, "USART1_IRQHandler": 0x20,
    "SysTick_Handler": 0x30, "DebugMon_Handler": 0x40, "GTZC_IRQHandler": 0x50,
    "PendSV_Handler": 0x70, "Default_Handler": -2,
}
ASM_CALLS = {"HardFault_Handler": ["armv8m_capture_fault", "armv8m_secure_fault"],
             "DebugMon_Handler": [], "SVC_Handler": [], "PendSV_Handler": []}
LOOP_CALLERS = {"tt_loop_once"}
SERVICES = {"tt_sup_service", "armv8m_idle_service"}
NSC_ENTRIES = ["tt_app_log_write", "tt_app_confirm_update", "tt_app_device_info",
               "tt_app_reboot_request"]

failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def inside(a, n, region):
    return region[0] <= a and a + n <= region[0] + region[1]


def run(*cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def sections(elf):
    out = {}
    for line in run("arm-none-eabi-readelf", "-SW", elf).splitlines():
        m = re.match(r"\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+([0-9a-f]{8})\s+([0-9a-f]+)\s+([0-9a-f]+)", line)
        if m:
            out[m.group(1)] = (int(m.group(3), 16), int(m.group(4), 16), int(m.group(5), 16),
                               m.group(2))
    return out


def symbols(elf):
    out = {}
    for line in run("arm-none-eabi-nm", elf).splitlines():
        p = line.split()
        if len(p) == 3:
            out[p[2]] = int(p[0], 16)
    return out


def section_bytes(elf, name):
    data = open(elf, "rb").read()
    s = sections(elf)[name]
    return data[s[1]:s[1] + s[2]]


def check_vectors(elf, syms, secs):
    v = secs.get(".vectors")
    check(v is not None and v[0] == SUP_FLASH[0], "vector table at 0x0C000000 (SECBOOTADD0)")
    if v is None:
        return
    raw = section_bytes(elf, ".vectors")
    words = [int.from_bytes(raw[i:i + 4], "little") for i in range(0, len(raw), 4)]
    sp, reset = words[0], words[1]
    check(sp % 8 == 0 and SUP_RAM[0] < sp <= SUP_RAM[0] + SUP_RAM[1] and sp == syms["_msp_top"],
          f"initial SP 0x{sp:08x} = _msp_top, 8-aligned, in supervisor RAM")
    check(reset & 1 and reset == syms["Reset_Handler"] | 1,
          f"reset vector 0x{reset:08x} = Reset_Handler | Thumb")
    bad = [i for i, w in enumerate(words[2:], 2) if w and not (w & 1 and inside(w & ~1, 2, SUP_FLASH))]
    check(not bad, f"{len(words)} vectors: every handler is Thumb code in supervisor flash"
          + (f" (bad: {bad})" if bad else ""))


def check_wx(elf):
    bad = []
    for line in run("readelf", "-lW", elf).splitlines():
        m = re.match(r"\s*LOAD\s.*\s([RWE ]{3})\s+0x[0-9a-f]+$", line)
        if m and "W" in m.group(1) and "E" in m.group(1):
            bad.append(line.strip())
    check(not bad, f"{os.path.basename(elf)}: no segment both writable and executable")


def check_nsc(elf, implib, secs):
    sg = secs.get(".gnu.sgstubs")
    check(sg is not None and inside(sg[0], sg[2], NSC), ".gnu.sgstubs inside the NSC page")
    others = [n for n, s in secs.items() if n != ".gnu.sgstubs" and s[2] and s[0]
              and inside(s[0], 1, NSC)]
    check(not others, "nothing else in the NSC page" + (f" ({others})" if others else ""))
    veneers = symbols(implib)
    check(set(NSC_ENTRIES) <= set(veneers) and all(inside(a, 8, NSC) for a in veneers.values()),
          f"{len(veneers)} veneers of the import library, all in the NSC page")
    stray = []
    for name, (addr, off, size, typ) in secs.items():
        if typ != "PROGBITS" or not size or not inside(addr, 1, (0x0C000000, 0x200000)):
            continue
        raw = section_bytes(elf, name)
        for i in range(0, len(raw) - 3, 2):
            if raw[i:i + 4] == SG and not inside(addr + i, 4, NSC):
                stray.append(f"{name}+0x{i:x}")
    check(not stray, "SG opcode only in the NSC page" + (f" (also at {stray[:4]})" if stray else ""))


def load_callgraph(ci_dir):
    frame, calls, dynamic = {}, defaultdict(set), []
    for path in glob.glob(os.path.join(ci_dir, "**", "*.ci"), recursive=True):
        for line in open(path, errors="replace"):
            m = re.match(r'node: \{ title: "([^"]+)" label: "([^"]+)"', line)
            if m:
                title, label = m.group(1), m.group(2)
                b = re.search(r"\\n(\d+) bytes \(([^)]*)\)", label)
                if b:
                    frame[title] = int(b.group(1))
                    if "dynamic" in b.group(2) and "bounded" not in b.group(2):
                        dynamic.append(title)
                continue
            m = re.match(r'edge: \{ sourcename: "([^"]+)" targetname: "([^"]+)"', line)
            if m:
                calls[m.group(1)].add(m.group(2))
    # Calls to a file-static function name the node "file:func"; calls to externals name
    # the bare symbol: map bare names onto the definitions.
    bare = {t.split(":")[-1]: t for t in frame}
    for src in calls:
        calls[src] = {t if t in frame else bare.get(t, t) for t in calls[src]}
    return frame, calls, dynamic


def worst(fn, frame, calls, memo, stack, cycles):
    if fn in stack:
        cycles.add(tuple(stack[stack.index(fn):]))
        return 0, []
    if fn in memo:
        return memo[fn]
    stack.append(fn)
    best, path = 0, []
    for c in calls.get(fn, ()):
        d, p = worst(c, frame, calls, memo, stack, cycles)
        if d > best:
            best, path = d, p
    stack.pop()
    r = (frame.get(fn, 0) + best, [fn] + path)
    memo[fn] = r
    return r


def check_stacks(syms, ci_dir):
    frame, calls, dynamic = load_callgraph(ci_dir)
    # Only what the linker kept (gc-sections drops the rest): bare names of the ELF's code.
    linked = {n for n in syms}
    frame = {f: v for f, v in frame.items() if f.split(":")[-1].split(".")[0] in linked
             or f.split(":")[-1] in linked}
    dynamic = [d for d in dynamic if d in frame]
    check(not dynamic, "no function with an unbounded dynamic frame"
          + (f" ({dynamic[:4]})" if dynamic else ""))
    called = {t for ts in calls.values() for t in ts}
    # gcc marks every call through a pointer as a call to "__indirect_call". The loop's
    # pointer is the service (SERVICES); every other pointer call may reach any function
    # whose address is taken (never called directly): the struct tt_crypto table, mbedTLS's
    # f_rng/f_entropy/calloc, nanopb's stream callbacks. Pointer calls become edges to those
    # sets, and the worst path is the longest simple path (a function already on the path
    # is not entered again: a pointer call never re-enters its caller here).
    taken = {f for f in frame if f not in called and f != "main" and f not in HANDLERS
             and f not in NSC_ENTRIES and not f.endswith("Reset_Handler")}
    for src in list(calls):
        if "__indirect_call" in calls[src] and src.split(":")[-1] in LOOP_CALLERS:
            calls[src] = (calls[src] - {"__indirect_call"}) | {"__indirect_service"}
    calls["__indirect_service"] = {f for f in taken if f.split(":")[-1] in SERVICES}
    calls["__indirect_call"] = {f for f in taken if f.split(":")[-1] not in SERVICES}
    memo, cycles = {}, set()
    ind, ind_p = worst("__indirect_call", frame, calls, memo, [], cycles)
    ind_f = ind_p[1] if len(ind_p) > 1 else None
    main_d, main_p = worst("main", frame, calls, memo, [], cycles)
    nsc_d = max(worst(f, frame, calls, memo, [], cycles)[0] for f in NSC_ENTRIES)
    cycles = {c for c in cycles if not any(f.startswith("__") for f in c)}
    rec = max((sum(frame.get(f, 0) for f in c) for c in cycles), default=0)
    psp_need = main_d + nsc_d + (NANOPB_NESTING - 1) * rec
    psp_have = syms["_psp_top"] - syms["_psp_limit"]
    shown = [x.split(":")[-1] for x in main_p if not x.startswith("__")]
    print(f"     PSP_S: main {main_d} B ({' > '.join(shown[:12])}{' ...' if len(shown) > 12 else ''});"
          f" a pointer call costs up to {ind} B (via {ind_f and ind_f.split(':')[-1]}); + NSC entry {nsc_d} B,"
          f" + recursion {NANOPB_NESTING - 1} x {rec} B = {psp_need} B of {psp_have} B")
    for c in sorted(cycles):
        print(f"     recursion: {' > '.join(x.split(':')[-1] for x in c)}")
    check(psp_need <= psp_have, f"service-thread stack bound {psp_need} <= PSP_SIZE {psp_have}")
    levels = defaultdict(int)
    for h, prio in HANDLERS.items():
        d = worst(h, frame, calls, memo, [], cycles)[0]
        for c in ASM_CALLS.get(h, []):
            d = max(d, worst(c, frame, calls, memo, [], cycles)[0])
        levels[prio] = max(levels[prio], d + EXC_FRAME)
    # Reset_Handler's own frame stays on MSP_S for ever (main runs on PSP_S); before the
    # switch it calls the clock set-up, with no interrupt enabled yet.
    reset = frame.get("Reset_Handler", 0)
    msp_need = reset + max(sum(levels.values()),
                           worst("u585_clock_init", frame, calls, memo, [], cycles)[0])
    msp_have = syms["_msp_top"] - syms["_msp_limit"]
    print(f"     MSP_S: reset frame {reset} B + {len(levels)} nested priority levels "
          f"{dict(sorted(levels.items()))} = {msp_need} B of {msp_have} B")
    check(msp_need <= msp_have, f"handler stack bound {msp_need} <= MSP_SIZE {msp_have}")
    top = sorted(((k, v) for k, v in frame.items() if k != "__indirect_call"),
                 key=lambda kv: -kv[1])[:3]
    print("     largest frames: " + ", ".join(f"{k.split(':')[-1]} {v} B" for k, v in top))


def check_app(app):
    secs = sections(app)
    v = secs.get(".vectors")
    check(v is not None and v[0] == APP_FLASH[0], "app vector table at 0x08028000")
    bad = []
    for line in run("readelf", "-lW", app).splitlines():
        m = re.match(r"\s*LOAD\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)", line)
        if m:
            va, pa, fs, ms = (int(m.group(i), 16) for i in range(1, 5))
            if not (inside(pa, max(fs, 1), APP_FLASH) and
                    (inside(va, max(ms, 1), APP_FLASH) or inside(va, max(ms, 1), APP_RAM))):
                bad.append(f"0x{va:08x}")
    check(not bad, "app segments inside the app's flash and RAM")


def main():
    if len(sys.argv) != 5:
        print(__doc__)
        return 2
    sup, app, implib, ci_dir = sys.argv[1:]
    secs, syms = sections(sup), symbols(sup)
    check_vectors(sup, syms, secs)
    check_wx(sup)
    check_wx(app)
    check_nsc(sup, implib, secs)
    check_stacks(syms, ci_dir)
    check_app(app)
    print(f"{'all checks passed' if not failures else str(len(failures)) + ' check(s) failed'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
