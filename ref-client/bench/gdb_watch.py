#!/usr/bin/env python3
"""gdb_watch.py — the watchpoint benchmark's GDB side (gdb-watch.sh starts QEMU, the link
emulator and `tether gdbserver`). Through gdb-multiarch in MI mode:

1. slowdown: how far the demo app's loop counter gets in RUN_S seconds of `continue` without
   a watchpoint, then with a device watchpoint on bytes the app never writes; the ratio is
   the app's slowdown while watched (Limits.watch_slowdown);
2. `watch demo_point.x` + `continue` to the write with the device's watchpoint;
3. the same with GDB's software watchpoint (`set can-use-hw-watchpoints 0`: GDB single-steps
   the app over the link and reads the value after each step).

Round trips: the server's `monitor status` ("N round trips this GDB session", answered
locally) before and after each action. Wall time: time.time() around each action.
Prints one line per figure. usage: gdb_watch.py GDB APP.ELF PORT GDBINIT RUN_S"""
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
from gdb_mi import Mi  # noqa: E402


def round_trips(mi):
    """The server's per-session counter, from `monitor status` (no device round trip)."""
    mi.token += 1
    tok = str(mi.token)
    mi.p.stdin.write(tok + '-interpreter-exec console "monitor status"\n')
    mi.p.stdin.flush()
    n = None
    while True:
        line = mi.next_line()
        m = re.search(r"(\d+) round trips this GDB session", line)
        if m:
            n = int(m.group(1))
        if line.startswith(tok + "^"):
            return n


def expect(mi, text, want):
    cls, rest = mi.cmd(text)
    if cls != want:
        raise SystemExit("FAIL: %s -> %s%s" % (text, cls, rest))
    return rest


def counter(mi):
    rest = expect(mi, "-data-evaluate-expression demo_counter", "done")
    return int(re.search(r'value="(\d+)"', rest).group(1))


def run_for(mi, seconds):
    """Continue, let the app run for `seconds`, interrupt; returns the counter's progress."""
    c0 = counter(mi)
    expect(mi, "-exec-continue", "running")
    t0 = time.time()
    while True:
        if mi.next_line().startswith("*running"):
            break
    time.sleep(seconds)
    expect(mi, "-exec-interrupt", "done")
    mi.wait_stopped()
    return counter(mi) - c0, time.time() - t0


def watch_to_write(mi, software):
    if software:
        expect(mi, "-gdb-set can-use-hw-watchpoints 0", "done")
    rest = expect(mi, "-break-watch demo_point.x", "done")
    kind = "software" if "wpt=" in rest and software else "device"
    rt0, t0 = round_trips(mi), time.time()
    expect(mi, "-exec-continue", "running")
    stop = mi.wait_stopped()
    t1 = time.time()
    rt1 = round_trips(mi)
    if 'reason="watchpoint-trigger"' not in stop:
        raise SystemExit("FAIL: %s watchpoint: %s" % (kind, stop))
    old = re.search(r'old="(-?\d+)"', stop)
    new = re.search(r'new="(-?\d+)"', stop)
    expect(mi, "-break-delete", "done")
    if software:
        expect(mi, "-gdb-set can-use-hw-watchpoints 1", "done")
    return rt1 - rt0, t1 - t0, old.group(1), new.group(1)


def main():
    gdb, elf, port, gdbinit, run_s = sys.argv[1:6]
    run_s = float(run_s)
    mi = Mi(gdb, elf)
    expect(mi, "-gdb-set target-async on", "done")
    expect(mi, "-target-select extended-remote 127.0.0.1:" + port, "connected")
    expect(mi, '-interpreter-exec console "source ' + gdbinit + '"', "done")

    free, t_free = run_for(mi, run_s)
    expect(mi, "-break-watch \"*(unsigned *)&demo_message[28]\"", "done")  # never written
    watched, t_watched = run_for(mi, run_s)
    expect(mi, "-break-delete", "done")
    print("slowdown: %d loops in %.1f s free, %d loops in %.1f s watched: %.0fx" %
          (free, t_free, watched, t_watched,
           (free / t_free) / max(watched / t_watched, 1e-9)))

    rt, wall, old, new = watch_to_write(mi, software=False)
    print("watch+continue, device watchpoint: %d round trips, %.1f s (demo_point.x %s -> %s)"
          % (rt, wall, old, new))
    rt, wall, old, new = watch_to_write(mi, software=True)
    print("watch+continue, GDB software watchpoint: %d round trips, %.1f s (demo_point.x %s -> %s)"
          % (rt, wall, old, new))
    expect(mi, "-target-detach", "done")
    mi.close()


if __name__ == "__main__":
    main()
