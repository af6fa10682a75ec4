#!/usr/bin/python3
"""ota_throughput.py — `tether ota push` throughput over tether-linkemu (issue 11 section 4).

Provisions a tether-hostdev device (the supervisor core and the OTA engine on the host port,
slots in memory) with a firmware key made here, and for every link rate x RTT cell (and a
second pass with LOSS_PCT % of frames dropped) starts tether-linkemu between `tether` and
the device, signs images and pushes three times over that one link: a first push (nothing
remembered: slow start), the next push (it starts with the window the first ended with,
[REL-023]), both with the window the device grants, and one with --window 1 (stop-and-wait,
how mcumgr/SMP uploads). Each cell has its own TETHER_STATE_DIR, so its first push is a
first push. Prints one table row per cell:

  image bytes/s = image size / (last - first "sending" progress line of `ota push --json`)

so the handshake, OtaBegin, verify, install and confirm are left out of the rate; the
windowed image is large enough (LINK_S seconds of link time, at least 30 RTTs) that the
ramp and the last round trip weigh little. Stop-and-wait pushes SW_CHUNKS chunks: its
rate is steady from the second chunk on. "% link" is image bytes/s against rate/8.
Then it measures `push` to the new app running (the "running" line) for PUSH_KIB at
250 kbit/s / 300 ms.

Usage: ota_throughput.py BUILD   (env: RATES, RTTS, LOSS_PCT, LINK_S, SW_CHUNKS, CHUNK,
PUSH_KIB, PASSES="0 1", TRACE_DIR: tether-linkemu --trace-queue of push N into TRACE_DIR/emuN).
Not part of `make test`: it prints figures and takes ~15 min.
Depends on python3, tether, tether-linkemu, tether-hostdev, ref-device/tools/provision.py."""
import json
import os
import signal
import random
import socket
import struct
import subprocess
import sys
import tempfile
import time

BUILD = sys.argv[1] if len(sys.argv) > 1 else "build"
BIN = os.path.join(BUILD, "host", "bin")
TETHER, EMU, DEV = (os.path.join(BIN, n) for n in ("tether", "tether-linkemu", "tether-hostdev"))
HERE = os.path.dirname(os.path.abspath(__file__))
PROVISION = os.path.join(HERE, "..", "..", "ref-device", "tools", "provision.py")
env = os.environ.get
RATES = [int(x) for x in env("RATES", "60000 250000 1000000").split()]
RTTS = [int(x) for x in env("RTTS", "100 300 600").split()]
LOSS = float(env("LOSS_PCT", "1"))
PASSES = [int(x) for x in env("PASSES", "0 1").split()]
LINK_S = float(env("LINK_S", "10"))
SW_CHUNKS = int(env("SW_CHUNKS", "16"))
CHUNK = int(env("CHUNK", "1024"))
PUSH_KIB = int(env("PUSH_KIB", "256"))
SLOT = 4 * 1024 * 1024

# The app double's program (conformance/hostdev/hostdev.c): vectors, main at 0x100, a
# function at 0x200. A pushed image is this followed by random bytes, so it runs.
SP, PC = 0x28200000 + 0x4000, (0x00200000 + 0x100) | 1
MAIN = [0x2000, 0xBF00, 0xF000, 0xF87C, 0x3001, 0xE7FA]
FUNC = [0xBF00, 0xBF00, 0x4770]


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wait_port(port):
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    sys.exit("port %d never opened" % port)


def image(size):
    b = bytearray(os.urandom(size))
    b[0:8] = struct.pack("<II", SP, PC)
    b[0x100:0x100 + 12] = struct.pack("<6H", *MAIN)
    b[0x200:0x200 + 6] = struct.pack("<3H", *FUNC)
    return bytes(b)


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        sys.exit("%s failed (%d): %s" % (cmd[0:3], r.returncode, r.stderr))
    return r.stdout


class Bench:
    def __init__(self, tmp):
        self.tmp, self.n = tmp, 0
        t = lambda n: os.path.join(tmp, n)
        run([TETHER, "keygen", "firmware", t("fw.pem")])
        self.port = free_port()
        run(["/usr/bin/python3", PROVISION, t("device"), "--link", "tcp:127.0.0.1:%d" % self.port,
             "--firmware-pub", t("fw.pem.pub")])
        self.dev = subprocess.Popen([DEV, "--provision", t("device/provision.bin"), "--port",
                                     str(self.port), "--slot-size", str(SLOT)],
                                    stderr=open(t("hostdev.err"), "w"))
        wait_port(self.port)
        self.record = t("device/device.json")
        run([TETHER, "keygen", "client", t("c.pem")])
        run([TETHER, "grant", "--owner", t("device/owner.pem"), "--client", t("c.pem.pub"),
             "--device-record", self.record, "--perms", "ota", "-o", t("g")])

    def link(self, rate, rtt, loss):
        """Starts tether-linkemu for one cell (every push of the cell goes through it: the
        same link address, so the path memory applies) and a fresh state folder."""
        self.cell = getattr(self, "cell", 0) + 1
        self.state = os.path.join(self.tmp, "state%d" % self.cell)
        self.lp = free_port()
        trace = ["--trace-queue", os.path.join(env("TRACE_DIR"), "emu%d" % self.cell)] if env("TRACE_DIR") else []
        self.emu = subprocess.Popen([EMU, "--listen", "127.0.0.1:%d" % self.lp, "--connect",
                                     "127.0.0.1:%d" % self.port, "--rtt-ms", str(rtt),
                                     "--rate-bps", str(rate), "--drop-pct", str(loss), "--seed",
                                     str(self.cell), "--max-seconds", "1800"] + trace,
                                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.emu.stdout.readline()  # "listening PORT"

    def unlink(self):
        self.emu.terminate()
        self.emu.wait()

    def push(self, size, window, extra=()):
        """(image bytes/s of the sending phase, seconds from push to 'running', the first
        progress line) over the cell's link; its stderr is in self.err"""
        self.n += 1
        t = lambda n: os.path.join(self.tmp, "%s%d" % (n, self.n))
        self.err = t("err")
        with open(t("raw"), "wb") as f:
            f.write(image(size))
        run([TETHER, "ota", "sign", "--key", os.path.join(self.tmp, "fw.pem"), "--bin", t("raw"),
             "--version", "1.%d.%d" % (self.n // 250, self.n % 250), "--counter", "0", "--layout",
             "ab", "--chunk-size", str(CHUNK), "--record", self.record, "--out", t("m"),
             "--image-out", t("i")])
        cmd = [TETHER, "ota", "push", self.record, t("m"), t("i"), "--key",
               os.path.join(self.tmp, "c.pem"), "--grant", os.path.join(self.tmp, "g"), "--link",
               "tcp:127.0.0.1:%d" % self.lp, "--confirm", "--json", "--timeout", "60000"]
        if window:
            cmd += ["--window", str(window)]
        cmd += list(extra)
        t0 = time.time()
        first = last = running = start = None
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=open(t("err"), "w"), text=True,
                             env=dict(os.environ, TETHER_STATE_DIR=self.state))
        try:
            for line in p.stdout:
                now = time.time()
                j = json.loads(line)
                if j.get("phase") == "sending":
                    first = first or now
                    start = start or j
                    last = now
                if j.get("phase") == "running":
                    running = now - t0
            rc = p.wait()
        finally:
            p.kill()
        if rc != 0 or first is None or last == first or running is None:
            sys.stderr.write("push failed (rc %d): %s" % (rc, open(t("err")).read()))
            return None, None, None
        if window == 1:  # steady state: from the first chunk's ack on
            return (size - CHUNK) / (last - first), running, start
        return size / (last - first), running, start

    def close(self):
        self.dev.terminate()
        self.dev.wait()


def main():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))
    for b in (TETHER, EMU, DEV):
        if not os.access(b, os.X_OK):
            sys.exit("%s missing: make %s" % (b, b))
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                if l.startswith("model name")), "?")
    print("tether ota push over tether-linkemu to tether-hostdev, %d-byte chunks, %s, %d cores "
          "(%s), load %s" % (CHUNK, time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                             os.cpu_count(), cpu, " ".join(open("/proc/loadavg").read().split()[:3])))
    with tempfile.TemporaryDirectory() as tmp:
        b = Bench(tmp)
        try:
            for loss in [LOSS if p else 0.0 for p in PASSES]:
                print("\nframes lost: %g %%" % loss)
                print("| link | RTT | image | first push: bytes/s | % link | next push: "
                      "bytes/s | % link | its start window | stop-and-wait: bytes/s | % link "
                      "| ratio (first) |")
                print("|---|---|---|---|---|---|---|---|---|---|---|")
                for rate in RATES:
                    for rtt in RTTS:
                        size = int(rate / 8 * max(LINK_S, 30 * rtt / 1000.0)) // CHUNK * CHUNK
                        b.link(rate, rtt, loss)
                        try:
                            w, _, _ = b.push(size, 0)
                            n, _, st = b.push(size, 0)
                            s, _, _ = b.push(SW_CHUNKS * CHUNK, 1)
                        finally:
                            b.unlink()
                        cell = lambda v: ("%.0f | %.1f %%" % (v, 100 * v / (rate / 8))
                                          if v else "failed | -")
                        print("| %g kbit/s | %d ms | %d KiB | %s | %s | %s | %s | %s |" % (
                            rate / 1000, rtt, size // 1024, cell(w), cell(n),
                            "%s %s" % (st.get("window"), st.get("window_from")) if st else "-",
                            cell(s), "%.1fx" % (w / s) if w and s else "-"), flush=True)
            b.link(250000, 300, 0.0)
            try:
                _, r, _ = b.push(PUSH_KIB * 1024, 0)
            finally:
                b.unlink()
            print("\npush to new app running, %d KiB at 250 kbit/s / 300 ms: %s" % (
                PUSH_KIB, "%.1f s" % r if r else "failed"))
        finally:
            b.close()


if __name__ == "__main__":
    main()
