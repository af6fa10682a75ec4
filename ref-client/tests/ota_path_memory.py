#!/usr/bin/python3
"""ota_path_memory.py — [REL-023] end to end: `tether ota push` to tether-hostdev through
tether-linkemu (8 Mbit/s, 100 ms), in a fresh TETHER_STATE_DIR.

  1. a first push slow-starts and leaves one path file naming the device and the link;
  2. a file remembering 40 chunks for this path: the next push starts with exactly 40 — or,
     only when this session's handshake took more than twice (+100 ms) what the file says,
     slow-starts; the push reports its handshake time, so either answer is checked;
  3. --cold-start slow-starts whatever is remembered;
  4. the same file with a handshake time ten times longer (another path): slow start;
  5. garbage, a FIFO, another link's file in its place: each push completes, slow-starts and
     says what it ignored (never a hang, never a failed push because of the memory).
Nothing here depends on how fast the machine is: the window a push measures is only
compared with the file it wrote. Uses the benchmark's harness (ref-client/bench).
"""
import glob
import json
import os
import sys
import tempfile

BUILD = os.environ.get("BUILD", "build")
sys.dont_write_bytecode = True
sys.argv[1:] = [BUILD]  # the harness takes the build folder as its argument
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench"))
import ota_throughput as ot  # noqa: E402

SMALL = 64 * 1024
SLOW_START = 36  # TT_REL_CWND_INITIAL (32) and the ack of OtaBegin, below the 40 written
fails = 0


def check(what, ok, detail=""):
    global fails
    print("%s %s%s" % ("ok  " if ok else "FAIL", what, "" if ok else ": " + detail))
    fails += 0 if ok else 1


def write(path, text):
    if os.path.lexists(path):
        os.unlink(path)
    with open(path, "w") as f:
        f.write(text)


def push(b, size, extra=()):
    rate, running, first = b.push(size, 0, extra)
    return rate is not None, first or {}, open(b.err).read()


def main():
    for t in (ot.TETHER, ot.EMU, ot.DEV):
        if not os.access(t, os.X_OK):
            sys.exit("missing %s (run make)" % t)
    with tempfile.TemporaryDirectory() as tmp:
        b = ot.Bench(tmp)
        b.link(8000000, 100, 0.0)
        try:
            link = "tcp:127.0.0.1:%d" % b.lp
            ok, st, err = push(b, 1024 * 1024)
            files = glob.glob(os.path.join(b.state, "path-*.json"))
            check("[REL-023] a first push slow-starts", ok and st.get("window_from") == "slow-start"
                  and st.get("window", 99) <= SLOW_START, "%s %s %s" % (ok, st, err))
            check("[REL-023] it leaves one path file", len(files) == 1, str(files))
            if len(files) != 1:
                return
            f = files[0]
            mem = json.load(open(f))
            check("the file names the device and the link", mem.get("link") == link and
                  len(mem.get("device_id", "")) == 32 and 1 <= mem.get("window", 0) <= 256,
                  str(mem))
            then = mem["handshake_ms"]

            mem["window"] = 40
            write(f, json.dumps(mem))
            ok, st, err = push(b, SMALL)
            hs = st.get("handshake_ms", 0)
            same = hs <= 2 * then + 100 and then <= 2 * hs + 100
            started = st.get("window"), st.get("window_from")
            check("[REL-023] the next push starts with the remembered 40 chunks (handshake %d "
                  "ms, remembered %d)" % (hs, then), ok and (started == (40, "remembered") if same
                                                             else started[1] == "slow-start"),
                  "%s %s %s" % (ok, st, err))

            write(f, json.dumps(mem))
            ok, st, err = push(b, SMALL, ["--cold-start"])
            check("--cold-start slow-starts", ok and st.get("window_from") == "slow-start" and
                  st.get("window", 99) <= SLOW_START, "%s %s" % (st, err))

            mem["handshake_ms"] = 10 * max(hs, then) + 1000
            write(f, json.dumps(mem))
            ok, st, err = push(b, SMALL)
            check("[REL-023] a path ten times longer: slow start", ok and
                  st.get("window_from") == "slow-start" and "ignoring" not in err, "%s %s" % (st, err))

            other = dict(mem, link="tcp:127.0.0.1:1", handshake_ms=then)
            for name, make in (("garbage", lambda: write(f, "{\"format\":1,")),
                               ("a FIFO", lambda: (os.unlink(f), os.mkfifo(f))),
                               ("another link's file", lambda: write(f, json.dumps(other)))):
                make()
                ok, st, err = push(b, SMALL)
                check("%s as the path file: the push completes, slow-starts, says so" % name,
                      ok and st.get("window_from") == "slow-start" and "ignoring " + f in err,
                      "%s %s %s" % (ok, st, err))
        finally:
            b.unlink()
            b.close()
    print("path memory: %d failed" % fails)
    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    main()
