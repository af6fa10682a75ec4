#!/usr/bin/env python3
"""gdb_mi.py — drives gdb-multiarch in MI mode through the command sequence VS Code's
Cortex-Debug sends to an external GDB server (servertype "external"): extended-remote
connect, a breakpoint, continue to it, the call stack, registers, memory read and write,
continue and interrupt. Used by gdb_extended.sh against `tether gdbserver` and the QEMU
device; prints one ok/FAIL line per check and exits 1 on any failure.

Each command waits for its result record; the stops wait for *stopped. Waits are bounded
(a hung server fails the test) but no result depends on how fast anything runs.

usage: gdb_mi.py GDB APP.ELF PORT GDBINIT"""
import re
import subprocess
import sys
import threading
import queue

WAIT_S = 60  # bound for one answer: generous, the machine may be loaded


class Mi:
    def __init__(self, gdb, elf):
        self.p = subprocess.Popen([gdb, "--nx", "--interpreter=mi2", elf],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True, bufsize=1)
        self.lines = queue.Queue()
        self.log = []
        threading.Thread(target=self._read, daemon=True).start()
        self.token = 100

    def _read(self):
        for line in self.p.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def next_line(self):
        line = self.lines.get(timeout=WAIT_S)
        if line is None:
            raise EOFError("gdb exited")
        self.log.append(line)
        return line

    def cmd(self, text):
        """Sends one MI command; returns (result class, the result record line)."""
        self.token += 1
        tok = str(self.token)
        self.log.append("<- " + tok + text)
        self.p.stdin.write(tok + text + "\n")
        self.p.stdin.flush()
        while True:
            line = self.next_line()
            m = re.match(r"^" + tok + r"\^(\w+)(.*)$", line)
            if m:
                return m.group(1), m.group(2)

    def wait_stopped(self):
        while True:
            line = self.next_line()
            if line.startswith("*stopped"):
                return line

    def close(self):
        try:
            self.p.stdin.write("-gdb-exit\n")
            self.p.stdin.flush()
            self.p.wait(timeout=WAIT_S)
        except Exception:
            self.p.kill()


def main():
    gdb, elf, port, gdbinit = sys.argv[1:5]
    mi = Mi(gdb, elf)
    fails = 0

    def check(what, ok, seen=""):
        nonlocal fails
        print(("ok   " if ok else "FAIL ") + what + ("" if ok else ": " + seen[:300]))
        if not ok:
            fails += 1

    try:
        cls, _ = mi.cmd("-gdb-set target-async on")
        check("-gdb-set target-async on", cls == "done")
        cls, rest = mi.cmd("-target-select extended-remote 127.0.0.1:" + port)
        check("-target-select extended-remote", cls == "connected", rest)
        cls, rest = mi.cmd('-interpreter-exec console "source ' + gdbinit + '"')
        check("source tether.gdbinit", cls == "done", rest)
        # `monitor status` counts this GDB session's round trips only: right after the
        # connect that is Attach{halt} and little else, whatever earlier sessions cost.
        mi.token += 1
        tok = str(mi.token)
        mi.p.stdin.write(tok + '-interpreter-exec console "monitor status"\n')
        mi.p.stdin.flush()
        rts = None
        while True:
            line = mi.next_line()
            m = re.search(r"(\d+) round trips this GDB session", line)
            if m:
                rts = int(m.group(1))
            if line.startswith(tok + "^"):
                break
        check("round trips counted per GDB session (<= 3 after connect)",
              rts is not None and rts <= 3, str(rts))
        cls, rest = mi.cmd("-break-insert demo_leaf")
        m = re.search(r'addr="(0x[0-9a-f]+)"', rest)
        check("-break-insert demo_leaf", cls == "done" and m is not None, rest)
        bp_addr = int(m.group(1), 16) if m else -1

        cls, rest = mi.cmd("-exec-continue")
        check("-exec-continue", cls == "running", rest)
        stop = mi.wait_stopped()
        check("stopped at the breakpoint",
              'reason="breakpoint-hit"' in stop and 'func="demo_leaf"' in stop, stop)

        cls, rest = mi.cmd("-stack-list-frames")
        funcs = re.findall(r'func="(\w+)"', rest)
        check("-stack-list-frames", cls == "done" and funcs[:3] == ["demo_leaf", "demo_middle",
                                                                     "main"], rest)

        cls, rest = mi.cmd("-data-list-register-names")
        names = re.findall(r'"([^"]*)"', rest)
        check("-data-list-register-names", cls == "done" and "pc" in names, rest)
        pc_num = names.index("pc") if "pc" in names else 15
        cls, rest = mi.cmd("-data-list-register-values x %d" % pc_num)
        m = re.search(r'value="(0x[0-9a-f]+)"', rest)
        check("-data-list-register-values: pc at the breakpoint",
              cls == "done" and m is not None and int(m.group(1), 16) == bp_addr, rest)
        cls, rest = mi.cmd("-data-list-register-values x")
        check("-data-list-register-values (all)",
              cls == "done" and rest.count("number=") >= 16, rest)

        cls, rest = mi.cmd("-data-read-memory-bytes demo_message 18")
        check("-data-read-memory-bytes demo_message",
              cls == "done" and 'contents="' + "hello from the app".encode().hex() + '"' in rest,
              rest)
        cls, rest = mi.cmd("-data-write-memory-bytes demo_message 4a454c4c4f")
        check("-data-write-memory-bytes", cls == "done", rest)
        cls, rest = mi.cmd("-data-read-memory-bytes demo_message 5")
        check("memory reads back what was written",
              cls == "done" and 'contents="4a454c4c4f"' in rest, rest)
        cls, rest = mi.cmd("-data-write-memory-bytes demo_message 68656c6c6f")
        check("-data-write-memory-bytes (restore)", cls == "done", rest)

        cls, rest = mi.cmd("-break-delete")
        check("-break-delete", cls == "done", rest)
        cls, rest = mi.cmd("-exec-continue")
        check("-exec-continue (no breakpoints)", cls == "running", rest)
        # Wait until GDB says the target runs, then interrupt it.
        while True:
            line = mi.next_line()
            if line.startswith("*running"):
                break
        cls, rest = mi.cmd("-exec-interrupt")
        check("-exec-interrupt", cls == "done", rest)
        stop = mi.wait_stopped()
        check("stopped by the interrupt",
              'reason="signal-received"' in stop and 'signal-name="SIGINT"' in stop, stop)
        cls, rest = mi.cmd("-stack-list-frames")
        check("-stack-list-frames after the interrupt",
              cls == "done" and 'func="' in rest, rest)
        cls, rest = mi.cmd("-target-detach")
        check("-target-detach", cls == "done", rest)
    except (EOFError, queue.Empty) as e:
        check("gdb answered", False, repr(e))
    mi.close()
    if fails:
        print("--- MI transcript")
        print("\n".join(mi.log))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
