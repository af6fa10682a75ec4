#!/usr/bin/python3
"""gdb_rt_table.py — turns the three gdb logs of gdb-round-trips.sh into the per-action table.
(a)/(b): the round-trip count is the last "N round trips" the server's `monitor status` printed
after each mark (answered locally, costs no device round trip); per action = difference.
connect counts as the user experiences it: the session's handshake (1 round trip and the
"handshake X ms" the server reports; done when the server starts) plus GDB's `target remote`.
(c): every "Sending packet:" line of `set debug remote 1` is one request GDB waits on.
Wall time per action = difference of the marks' timestamps. Depends only on the stdlib."""
import re, sys

ACTIONS = [("connect", "connect"), ("continue", "continue to breakpoint"), ("bt", "bt"),
           ("next", "next"), ("step", "step"), ("finish", "finish"),
           ("x64", "x/64x $sp"), ("locals", "info locals")]
TARGET = {"connect": 2, "continue": 1, "bt": 0, "next": 1, "step": 1, "finish": 1,
          "x64": 0, "locals": 0}

def parse(path, server):
    """Returns {mark: (round_trips_so_far, time)} or {} when the log is missing."""
    try:
        lines = open(path, errors="replace").read().splitlines()
    except OSError:
        return {}
    marks, count = {}, 0
    last = None
    handshake = None
    for ln in lines:
        h = re.search(r"handshake ([0-9.]+) ms", ln)
        if server and h and handshake is None:
            handshake = float(h.group(1)) / 1e3
            marks["handshake"] = handshake
        m = re.search(r"@@MARK (\S+) ([0-9.]+)", ln)
        if m:
            last = m.group(1)
            marks[last] = (count, float(m.group(2)))
        elif server:
            r = re.search(r"(\d+) round trips", ln)
            if r and last:
                count = int(r.group(1))
                marks[last] = (count, marks[last][1])
        elif "Sending packet:" in ln:
            count += 1
    return marks

def per_action(marks):
    out, prev = {}, "start"
    for key, _ in ACTIONS:
        if prev in marks and key in marks:
            rt = marks[key][0] - marks[prev][0]
            out[key] = (rt, marks[key][1] - marks[prev][1])
        prev = key
    if "connect" in out and "handshake" in marks:  # the session's handshake: 1 round trip
        out["connect"] = (out["connect"][0] + 1, out["connect"][1] + marks["handshake"])
    return out

def main():
    cols = [per_action(parse(sys.argv[1], True)), per_action(parse(sys.argv[2], True)),
            per_action(parse(sys.argv[3], False))]
    heads = ["(a) tether", "(b) tether --no-optimize", "(c) QEMU gdbstub"]
    print("| action | target (a) | " + " | ".join(h + " RT, s" for h in heads) + " |")
    print("|---|---|" + "---|" * len(heads))
    tot = [[0, 0.0] for _ in cols]
    for key, label in ACTIONS:
        cells = []
        for i, c in enumerate(cols):
            if key in c:
                cells.append("%d, %.1f" % c[key]); tot[i][0] += c[key][0]; tot[i][1] += c[key][1]
            else:
                cells.append("n/a")
        print("| %s | %d | %s |" % (label, TARGET[key], " | ".join(cells)))
    print("| **total** | %d | %s |" % (sum(TARGET.values()),
          " | ".join("%d, %.1f" % (t[0], t[1]) for t in tot)))
    if tot[0][0]:
        print("\nround trips (b)/(a): %.1fx  (a) is %.0f%% of (b)" %
              (tot[1][0] / tot[0][0], 100.0 * tot[0][0] / max(tot[1][0], 1)))
    missing = [h for h, c in zip(heads, cols) if len(c) < len(ACTIONS)]
    if missing:
        print("incomplete: " + ", ".join(missing))
        return 1
    return 0

if __name__ == "__main__":
    sys.exit(main())
