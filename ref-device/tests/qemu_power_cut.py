#!/usr/bin/python3
"""qemu_power_cut.py — the power-cut sweep on the QEMU device (issue 10 §4, MCUboot-simulator
method): the supervisor image unchanged, its flash driver (ref-device/port/an505/flash.c)
tearing operation N when the word at 0x381FC000 is N, then resetting; with -no-reboot QEMU
exits: the power is gone, the flash file stays.

For each scenario: from its pre-state (a copy of the flash file), for N = 1, 2, ...: boot
with the cut at N and run the scenario's action; if QEMU is still running afterwards, N-1 was
the operation count and the sweep of that scenario ends. Otherwise, after the cut: the flash
file's store must parse, every record hold its old value or a plausible new one (boot count
+0/+1, floors never lower, the seed never an earlier one, install record unchanged); then an
uncut boot must answer a handshake (the supervisor is reachable) reporting the app
measurement of the provisioned image (a complete, verified image runs), within a timeout
(nothing repeats forever). Prints per scenario: operations swept, bricks, violations.

Scenarios: boot + first handshake (boot count, seed roll-forward, time floor, replay-table
update), revocation-floor raise (boot, handshake, raise), compaction (a nearly full bank at
boot, then a handshake). Provisioning is a
host-side write before the first boot: its sweep is the host one (test_power_cut).
usage: qemu_power_cut.py [--sample K]   (every K-th cut point only; `make test` uses 3)
Depends on build/an505 (supervisor.elf, app.bin), build/host/bin/{qemu_probe,tether},
qemu-system-arm and ref-device/tools (an505-qemu.sh, tt_flash.py)."""
import argparse
import hashlib
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOOLS = os.path.join(HERE, "..", "tools")
sys.path.insert(0, TOOLS)
import tt_flash  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
DIR = os.path.join(BUILD, "an505")
PROBE = os.path.join(BUILD, "host", "bin", "qemu_probe")
TETHER = os.path.join(BUILD, "host", "bin", "tether")
HELPER = os.path.join(TOOLS, "an505-qemu.sh")
CUT_WORD = 0x381FC000
R = tt_flash.REC


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


class Device:
    """A provisioned device in tmp/device booted from build dir `image` (qemu_power_cut_ota.py
    passes build/an505-single and --firmware-pub in `prov`)."""

    def __init__(self, tmp, image=DIR, prov=()):
        self.tmp, self.dev, self.dir = tmp, os.path.join(tmp, "device"), image
        self.port = free_port()
        self.flash = os.path.join(self.dev, "flash.bin")
        subprocess.run(["bash", "-c", '. "$0"; an505_provision "$@"', HELPER, image, self.dev,
                        "--link", "tcp:127.0.0.1:%d" % self.port] + list(prov), check=True,
                       stdout=subprocess.DEVNULL)
        self.record = os.path.join(self.dev, "device.json")
        self.owner = os.path.join(self.dev, "owner.pem")
        self.app = hashlib.sha256(open(os.path.join(image, "app.bin"), "rb").read()).hexdigest()
        self.q = None
        self.n = 0

    def start(self, cut=0):
        args = ["-chardev", "socket,id=link,host=127.0.0.1,port=%d,server=on,wait=off,"
                "nodelay=on" % self.port, "-serial", "chardev:link"]
        if cut:
            args += ["-device", "loader,addr=0x%x,data=%d,data-len=4" % (CUT_WORD, cut),
                     "-no-reboot"]
        self.q = subprocess.Popen(["bash", "-c", '. "$0"; an505_qemu_exec "$@"', HELPER, self.dir,
                                   self.dev] + args, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        # up to 60 s (as qemu_boot.sh): QEMU listens in 0.1 s idle, seconds when loaded
        for _ in range(600):
            if self.q.poll() is not None:
                return False  # exited already: cut during boot
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.5).close()
                return True
            except OSError:
                time.sleep(0.1)
        return False

    def stop(self, grace=0.0):
        """Waits up to grace s for QEMU to exit by itself; True if it did (power cut)."""
        try:
            if grace:
                self.q.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            pass
        cut = self.q.poll() is not None
        if not cut:
            self.q.kill()
            self.q.wait()
        return cut

    def handshake(self, timeout=30):
        self.n += 1
        st = os.path.join(self.tmp, "hello%d" % self.n)
        if subprocess.run([PROBE, self.record, self.owner, st, "hello"]).returncode != 0:
            return {}
        try:
            out = subprocess.run([PROBE, self.record, self.owner, st, "connect"],
                                 capture_output=True, text=True, timeout=timeout).stdout
        except subprocess.TimeoutExpired:
            return {}
        return dict(kv.split("=", 1) for kv in out.split() if "=" in kv)

    def answered(self):
        return self.handshake(timeout=20).get("result") == "ok"

    def revoke(self, floor):
        key = os.path.join(self.tmp, "c.pem")
        grant = os.path.join(self.tmp, "c.grant")
        if not os.path.exists(grant):
            subprocess.run([TETHER, "keygen", "client", key], check=True, stdout=subprocess.DEVNULL)
            subprocess.run([TETHER, "grant", "--owner", self.owner, "--client", key + ".pub",
                            "--device-record", self.record, "--serial", "1000", "-o", grant],
                           check=True, stdout=subprocess.DEVNULL)
        try:
            return subprocess.run([TETHER, "revoke", self.record, "--owner", self.owner,
                                   "--floor", str(floor), "--key", key, "--grant", grant],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  timeout=60).returncode == 0
        except subprocess.TimeoutExpired:
            return False

    def records(self):
        with open(self.flash, "rb") as f:
            return tt_flash.read_records(f.read(tt_flash.STORE_SIZE))


def be(v, n):
    """The record's first n bytes, big-endian (TT_REC_BOOT carries OTA marks after its 4)."""
    return int.from_bytes(v[:n], "big") if v else 0


def check_records(pre, post, seeds):
    """Invariants of a store after a cut: [] when they hold, else what broke."""
    bad = []
    if be(post.get(R["boot"], b""), 4) not in (be(pre.get(R["boot"], b""), 4),
                                                be(pre.get(R["boot"], b""), 4) + 1):
        bad.append("boot count")
    for k in ("revocation", "time"):
        if be(post.get(R[k], b""), 8) < be(pre.get(R[k], b""), 8):
            bad.append(k + " went down")
    # the security counter lives in the OTA engine's record (TT_REC_SECURITY, ota_store.c)
    if tt_flash.ota_counter(post.get(R["security"])) < tt_flash.ota_counter(pre.get(R["security"])):
        bad.append("security counter went down")
    if post.get(R["install"]) != pre.get(R["install"]):
        bad.append("install record")
    s = post.get(R["seed"])
    if s != pre.get(R["seed"]) and s in seeds:
        bad.append("seed reused")
    rp = post.get(R["replay"], b"")
    if rp != pre.get(R["replay"], b"") and (len(rp) < 14 or rp[0] != 1 or
                                             len(rp) != 14 + 44 * rp[13]):
        bad.append("replay table")
    return bad


def sweep(name, d, pre_flash, action, sample):
    swept = bricks = violations = 0
    seeds = set()
    n = 0
    while True:
        n += 1
        if n > 400:
            print("  %s: no end after 400 cut points (an operation repeats forever)" % name)
            return swept, bricks + 1, violations
        shutil.copyfile(pre_flash, d.flash)
        pre = d.records()
        seeds.add(pre.get(R["seed"]))
        if sample > 1 and n % sample != 1:
            continue  # skipped cut point; the end is found by the next sampled one
        # Decided by what the device did, not by how long it took: an action that completed
        # means every operation of the scenario ran (the device writes before it answers);
        # one that failed means the power was cut, and QEMU must have exited.
        done = d.start(cut=n) and action(d)
        cut = d.stop(grace=0 if done else 60.0)
        if done and not cut:
            return swept, bricks, violations  # n-1 operations: all swept
        if not cut:
            bricks += 1
            print("  %s: cut at %d: neither answered nor powered off" % (name, n))
            continue
        swept += 1
        post = d.records()
        bad = check_records(pre, post, seeds)
        seeds.add(post.get(R["seed"]))
        ok = d.start()
        h = d.handshake() if ok else {}
        d.stop()
        if h.get("result") != "ok" or h.get("app") != d.app:
            bricks += 1
            print("  %s: cut at %d: BRICK (%s)" % (name, n, h or "unreachable"))
        if bad:
            violations += 1
            print("  %s: cut at %d: violation %s" % (name, n, ", ".join(bad)))
        s = d.records().get(R["seed"])
        if s in seeds:
            violations += 1
            print("  %s: cut at %d: the next boot reused a seed" % (name, n))
        seeds.add(s)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sample", type=int, default=1)
    a = ap.parse_args()
    for f in (os.path.join(DIR, "supervisor.elf"), os.path.join(DIR, "app.bin"), PROBE, TETHER):
        if not os.path.exists(f):
            print("missing %s (run make)" % f)
            return 1
    tmp = tempfile.mkdtemp()
    d = None
    try:
        d = Device(tmp)
        # A used device: booted once, one handshake (its records exist).
        d.start()
        first = d.handshake()
        d.stop()
        if first.get("result") != "ok":
            print("the uncut device does not answer: %s" % first)
            return 1
        base = os.path.join(tmp, "base.bin")
        shutil.copyfile(d.flash, base)
        full = os.path.join(tmp, "full.bin")
        shutil.copyfile(base, full)
        recs = d.records()
        for _ in range(2000):  # pad the log until the next boot's writes compact
            with open(full, "rb") as f:
                mem = f.read(tt_flash.STORE_SIZE)
            b, _h = tt_flash._active(mem)
            _e, end, clean = tt_flash._entries(mem, b)
            if tt_flash.BANK - end < 60:
                break
            tt_flash.write_record(full, R["security"], recs.get(R["security"], bytes(8)))
        scenarios = [
            ("boot + first handshake", base, Device.answered),
            ("revocation-floor raise", base, lambda dv: dv.revoke(7)),
            ("compaction at boot", full, Device.answered),
        ]
        total_b = total_v = 0
        for name, pre, action in scenarios:
            t0 = time.time()
            swept, b, v = sweep(name, d, pre, action, a.sample)
            total_b += b
            total_v += v
            print("qemu power-cut sweep: %-26s %3d cut points swept%s, %d bricks, %d violations "
                  "(%.0f s)" % (name, swept, " (1 in %d)" % a.sample if a.sample > 1 else "",
                                b, v, time.time() - t0))
            sys.stdout.flush()
        return 0 if total_b == 0 and total_v == 0 else 1
    finally:
        if d is not None and d.q is not None and d.q.poll() is None:
            d.q.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
