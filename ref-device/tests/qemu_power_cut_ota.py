#!/usr/bin/python3
"""qemu_power_cut_ota.py — OTA in the QEMU power-cut sweep (issue 11 §3), both layouts: the
MCUboot-simulator method of qemu_power_cut.py (the an505 flash driver tears operation N when
the word at 0x381FC000 is N, then the power goes) over every flash operation of an update,
on build/an505 (AB) and build/an505-single (SINGLE).

Scenarios, each from a pre-state flash file made once by uncut runs of the `tether` CLI:
  push        factory app, idle -> `tether ota push v2 --confirm`: begin (manifest record),
              slot erase, chunk writes and marks, verify, install, confirm
  first boot  v2 installed, not confirmed -> boot + handshake (AB: the automatic revert of
              [OTA-051] at boot) / boot + `tether ota confirm` (SINGLE: the test image's first
              boot, then its confirmation)
  rollback    (AB) v3 confirmed over v2, same counter -> `tether ota rollback` ([OTA-053])
  abort       4 of 9 chunks stored -> `tether ota abort` ([OTA-054])
For N = 1, 2, ... the pre-state is restored, QEMU boots with the cut at N and the action
runs; once an action completes with QEMU still running, N-1 was the operation count and the
scenario ends. After every cut:
  - the store parses, its records hold old or plausible new values (qemu_power_cut's
    check_records: boot count +0/+1, floors and the security counter never lower, seeds
    never reused) and the OTA record parses;
  - an uncut boot answers a handshake (else a BRICK), and the app it reports is exactly what
    the OTA record says runs: the active slot's image when it is valid, else none; that is
    the old or the new image, never anything else, and "none" only in SINGLE (its one slot
    is being rewritten; AB with no app is a BRICK) ([NVS-051]..[NVS-053], [OTA-070]);
  - the security counter after that boot is not below the pre-state's ([OTA-040]);
  - the scenario then completes: a push resumes at exactly the offset the persisted chunk
    marks give (cumulative chunks of the record's generation; the image size once
    VERIFIED; 0 for a new transfer) and ends with the new image confirmed and running, in
    ONE push: a chunk torn mid-program makes that push begin again at 0 ([OTA-131],
    [OTA-134]); only a push stopped by the sender's ack stall (a loaded machine) is run
    again, resuming at most at what is persisted; revert, rollback and confirm end in the
    state and image they must.
Prints per scenario and layout: cut points swept, bricks, violations, seconds.
usage: qemu_power_cut_ota.py [--sample K] [--layout ab|single] [--only NAME,...] [--cuts A-B]
  --sample K   only the cut points n with n % K' == K' // 2, K' = the scenario's stride x
               K / 8 (at least 1; the scenario table gives the strides): `make test` runs
               --sample 8, 2 to 4 cut points of each scenario and layout (about 4 min);
               `make power-cut-sweep` every cut point (K = 1).
Depends on build/an505{,-single}/ (supervisor.elf, app.bin, app.elf, app-v2.elf),
build/host/bin/{qemu_probe,tether}, qemu-system-arm, qemu_power_cut.py and tt_flash.py."""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import qemu_power_cut as pc

tt_flash = pc.tt_flash
R = pc.R
ZERO = "0" * 64
# Pushes after a cut that began again after a torn chunk within one run ([OTA-134]), and
# pushes stopped on the ack stall of a loaded machine and run again (finish_push).
RESTARTS, STALLS = [0], [0]
LAYOUTS = {"ab": os.path.join(pc.BUILD, "an505"),
           "single": os.path.join(pc.BUILD, "an505-single")}


class OtaDevice(pc.Device):
    """A device provisioned with a firmware key, a client allowed OTA, signed manifests."""

    def __init__(self, tmp, layout):
        self.layout = layout
        image = LAYOUTS[layout]
        fw = os.path.join(tmp, "fw.pem")
        run([pc.TETHER, "keygen", "firmware", fw])
        super().__init__(tmp, image=image, prov=("--firmware-pub", fw + ".pub"))
        self.key = os.path.join(tmp, "c.pem")
        self.grant = os.path.join(tmp, "c.grant")
        run([pc.TETHER, "keygen", "client", self.key])
        run([pc.TETHER, "grant", "--owner", self.owner, "--client", self.key + ".pub",
             "--device-record", self.record, "--perms", "ota,attest", "--serial", "1",
             "-o", self.grant])
        self.m, self.sha, self.err, self.ran = {}, {}, "", False
        self.app_size = os.path.getsize(os.path.join(image, "app.bin"))
        self.version = {"v1": "0.1.0", "v2": "0.2.0", "v2b": "0.2.0", "v3": "0.3.0"}
        # v2: 540 bytes in 9 chunks of 64 (counter 2); for the rollback scenario v2b and v3
        # share counter 1, so the confirmed v3 may roll back to v2b.
        for name, elf, version, counter in (("v2", "app-v2.elf", "0.2.0", 2),
                                            ("v2b", "app-v2.elf", "0.2.0", 1),
                                            ("v3", "app.elf", "0.3.0", 1)):
            m, img = os.path.join(tmp, name + ".m"), os.path.join(tmp, name + ".bin")
            run([pc.TETHER, "ota", "sign", "--key", fw, "--elf", os.path.join(image, elf),
                 "--version", version, "--counter", str(counter), "--layout", layout,
                 "--chunk-size", "64", "--record", self.record, "--out", m, "--image-out", img])
            self.m[name] = (m, img)
            self.sha[name] = pc.hashlib.sha256(open(img, "rb").read()).hexdigest()

    def slot_sha(self, slot, size):
        """SHA-256 of the first size bytes of engine slot 0 (A) or 1 (B) in the flash file:
        what the device loads, hashed here, not as the device reports it."""
        with open(self.flash, "rb") as f:
            f.seek(tt_flash.SLOT_B if slot else tt_flash.SLOT_A)
            return pc.hashlib.sha256(f.read(size)).hexdigest()

    def tether(self, *args, timeout=120):
        """(exit code, stdout) of `tether ota ARGS DEVICE ...`; 99 when it hangs."""
        # a generous per-request timeout: the machine may be loaded; a cut closes the link
        # at once, so it costs nothing when the power goes
        cmd = [pc.TETHER, "ota", args[0], self.record] + list(args[1:]) + \
            ["--key", self.key, "--grant", self.grant, "--json", "--timeout", "30000"]
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            self.err = "hung"
            return 99, ""
        self.err = p.stderr.strip()
        return p.returncode, p.stdout

    def handshake(self, timeout=60):
        """The probe's handshake (30 s each), tried 3 times: on a loaded machine one can time
        out; a device that does not answer any of them is unreachable."""
        h = {}
        for _ in range(3):
            h = super().handshake(timeout)
            if h.get("result") == "ok":
                break
        return h

    def push(self, name, *extra):
        """(exit code, the first `sending` offset or None). self.ran is set when the push
        saw the new image run (its `running` phase: Capabilities report the image's digest)."""
        m, img = self.m[name]
        rc, out = self.tether("push", m, img, *extra)
        first, phases = None, []
        for line in out.splitlines():
            try:
                j = json.loads(line)
            except ValueError:
                continue
            phases.append(j.get("phase"))
            if j.get("phase") == "sending" and first is None:
                first = j.get("bytes")
        self.ran = rc == 0 and "running" in phases
        self.restarted = "restarted" in phases
        return rc, first

    def status(self):
        rc, out = self.tether("status")
        try:
            return json.loads(out) if rc == 0 else {}
        except ValueError:
            return {}

    def ota(self):
        """The OTA record; before the first OTA transition there is none and the service
        starts from the factory record (slot A as provisioned, counter 0, ota.c)."""
        v = self.records().get(R["security"])
        if v is None:
            return {"gen": 0, "state": "idle", "counter": 0, "active": 0, "slot_erased": 0,
                    "body_len": 0,
                    "slots": [{"valid": 1, "sha256": self.app, "size": self.app_size},
                              {"valid": 0, "sha256": ZERO, "size": 0}]}
        return tt_flash.ota_record(v)


def run(cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def expected_resume(d, r):
    """The resume offset the persisted state gives a push of v2 (None: not v2's transfer)."""
    if r is None or r["body_len"] == 0 or r["state"] not in ("receiving", "verified"):
        return 0
    size = os.path.getsize(d.m["v2"][1])
    if r["state"] == "verified":
        return size
    marks = tt_flash.ota_marks(d.records().get(R["boot"]), r["gen"])
    n = 0
    while n * 64 < size and n // 8 < len(marks) and marks[n // 8] >> (n % 8) & 1:
        n += 1
    return min(n * 64, size)


# ---- completing a scenario after the cut (on the uncut boot): [] or what went wrong

def finish_push(d, r):
    """v2 ends confirmed and running: confirm a pending v2 (SINGLE), else push it."""
    bad = []
    if r and r["state"] == "confirmed" and r["slots"][r["active"]]["sha256"] == d.sha["v2"]:
        return bad
    if r and r["state"] == "pending":
        return [] if d.tether("confirm")[0] == 0 else ["confirm of the pending image failed"]
    want = expected_resume(d, r)
    rc, first = d.push("v2", "--confirm")
    if first != want:
        bad.append("push resumed at %s, persisted state gives %d" % (first, want))
    # One push completes ([OTA-134]): a chunk torn mid-program ends the transfer session,
    # and the same push begins again at 0 ("restarted"). The only stop allowed is the
    # sender's ack stall on a loaded machine (TT_ERR_TIMEOUT): that push is run again, up to
    # 3 more times, each resuming at most at what is persisted then. Any other stop (the
    # TT_ERR_STATE of a torn chunk before [OTA-131]) is a violation.
    errs = [d.err]
    RESTARTS[0] += d.restarted
    for _ in range(3):
        if rc == 0 or "TT_ERR_TIMEOUT" not in d.err:
            break
        STALLS[0] += 1
        want = expected_resume(d, d.ota())
        rc, again = d.push("v2", "--confirm")
        RESTARTS[0] += d.restarted
        errs.append(d.err)
        if again is None or again > want:
            bad.append("push resumed at %s, persisted %d" % (again, want))
            break
    if rc != 0:
        bad.append("one push did not complete: %s" %
                   " / ".join(e.replace("\n", " ") for e in errs))
    return bad


def finish_confirm(d, r):
    return [] if d.tether("confirm")[0] == 0 else ["confirm failed"]


def finish_rollback(d, r):
    if r and r["state"] == "rolled-back":
        return []
    return [] if d.tether("rollback")[0] == 0 else ["rollback failed"]


def finish_nothing(d, r):
    return []


def act(d, *args):
    return d.tether(*args)[0] == 0


# name, layouts, pre-state, action, finish, (final state, image, counter), stride for --sample
SCENARIOS = [
    ("push", ("ab", "single"), "base", lambda d: d.push("v2", "--confirm")[0] == 0, finish_push,
     ("confirmed", "v2", 2), 64),
    ("first boot (revert)", ("ab",), "pending", pc.Device.answered, finish_nothing,
     ("rolled-back", "v1", 0), 16),
    ("first boot + confirm", ("single",), "pending", lambda d: act(d, "confirm"),
     finish_confirm, ("confirmed", "v2", 2), 16),
    ("rollback", ("ab",), "confirmed", lambda d: act(d, "rollback"), finish_rollback,
     ("rolled-back", "v2b", 1), 12),
    ("abort", ("ab", "single"), "receiving", lambda d: act(d, "abort"), finish_push,
     ("confirmed", "v2", 2), 16),
]


def make_pre_states(d, tmp):
    """Flash files of each pre-state, from uncut runs; {} when one cannot be made."""
    pre = {"factory": os.path.join(tmp, "factory.bin")}
    shutil.copyfile(d.flash, pre["factory"])
    # name, the pre-state it starts from, what makes it
    steps = [("base", "factory", d.answered),  # a used device: booted, one handshake
             ("pending", "base", lambda: d.push("v2")[0] == 0)]
    if d.layout == "ab":
        steps.append(("confirmed", "base", lambda: d.push("v2b", "--confirm")[0] == 0 and
                      d.push("v3", "--confirm")[0] == 0))
    steps.append(("receiving", "base", lambda: d.push("v2", "--limit", "256")[0] == 0 and
                  d.status().get("received") == 256))
    for name, start, step in steps:
        ok = False
        for _ in range(3):  # a push can stop on a loaded machine (the 5 s ack stall)
            shutil.copyfile(pre[start], d.flash)
            ok = d.start() and step()
            d.stop()
            if ok:
                break
        if not ok:
            print("qemu power-cut sweep (OTA, %s): could not make the pre-state %s"
                  % (d.layout, name))
            return {}
        pre[name] = os.path.join(tmp, name + ".bin")
        shutil.copyfile(d.flash, pre[name])
    return pre


def check_after_cut(d, sc, pre_rec, allowed):
    """The uncut boot after a cut: (brick?, [violations])."""
    bad = []
    h = d.handshake()
    if h.get("result") != "ok":
        return True, ["unreachable (%s)" % (h or "no answer")]
    r = d.ota()
    if r is None:
        return False, ["the OTA record does not parse after the boot"]
    slot = r["slots"][r["active"]]
    want = slot["sha256"] if slot["valid"] else ZERO
    app = h.get("app") or "?"
    brick = app == ZERO and d.layout == "ab"
    if app != want:
        bad.append("app %s runs, the OTA record says %s" % (app[:12], want[:12]))
    if app not in allowed or (app == ZERO and d.layout == "ab"):
        bad.append("app %s is neither the old nor the new image" % app[:12])
    if app != ZERO and d.slot_sha(r["active"], slot["size"]) != app:
        bad.append("the slot the app is loaded from does not hash to its measurement %s"
                   % app[:12])
    if r["counter"] < pre_rec["counter"]:
        bad.append("security counter %d < %d" % (r["counter"], pre_rec["counter"]))
    d.ran = False
    bad += sc[4](d, r)
    # the end state: the device's word and the flash record agree on it. A push that saw
    # the image run has said which runs; otherwise OtaStatus says (one session less per cut)
    state, image, counter = sc[5]
    st = {"state": state, "running_version": d.version[image]} if d.ran else d.status()
    final = d.ota()
    end = final and final["slots"][final["active"]]
    if (st.get("state") != state or st.get("running_version") != d.version[image] or
            not end or end["sha256"] != d.sha[image] or final["state"] != state or
            final["counter"] != counter):
        bad.append("ends %s/%s/counter %s, not %s/%s/%d" % (
            st.get("state"), st.get("running_version"), final and final["counter"], state,
            d.version[image], counter))
    return brick, bad


def sweep(d, sc, pre_flash, allowed, stride, cuts=(1, 1 << 30)):
    name = sc[0]
    swept = bricks = violations = 0
    seeds = set()
    n = 0
    while True:
        n += 1
        if n > 1500:
            print("  %s: no end after 1500 cut points (an operation repeats forever)" % name)
            return swept, bricks + 1, violations
        if n > cuts[1]:
            return swept, bricks, violations  # the range asked for is swept
        if n < cuts[0] or (stride > 1 and n % stride != stride // 2):
            continue  # not sampled; the end is found by the next sampled cut point
        shutil.copyfile(pre_flash, d.flash)
        pre = d.records()
        pre_rec = d.ota()
        seeds.add(pre.get(R["seed"]))
        done = d.start(cut=n) and sc[3](d)
        cut = d.stop(grace=0 if done else 60.0)
        if done and not cut:
            return swept, bricks, violations
        if not cut:
            bricks += 1
            print("  %s: cut at %d: neither completed nor powered off" % (name, n))
            continue
        swept += 1
        post = d.records()
        bad = pc.check_records(pre, post, seeds)
        seeds.add(post.get(R["seed"]))
        if R["security"] in post and tt_flash.ota_record(post[R["security"]]) is None:
            bad.append("OTA record malformed after the cut")
        brick = False
        if d.start():
            b, more = check_after_cut(d, sc, pre_rec, allowed)
            brick, bad = b, bad + more
        else:
            brick = True
            bad.append("QEMU did not start")
        d.stop()
        if brick:
            bricks += 1
        if bad:
            violations += 1
        if brick or bad:
            print("  %s: cut at %d: %s%s" % (name, n, "BRICK " if brick else "", "; ".join(bad)))
            sys.stdout.flush()


def main():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(3))  # the finally below stops QEMU
    ap = argparse.ArgumentParser()
    ap.add_argument("--sample", type=int, default=1)
    ap.add_argument("--layout", choices=sorted(LAYOUTS))
    ap.add_argument("--only", help="NAME[,NAME...]: only these scenarios")
    ap.add_argument("--cuts", help="FIRST-LAST: only these cut points (debugging)")
    a = ap.parse_args()
    cuts = tuple(int(x) for x in a.cuts.split("-")) if a.cuts else (1, 1 << 30)
    layouts = [a.layout] if a.layout else ["ab", "single"]
    for lay in layouts:
        for f in ("supervisor.elf", "app.bin", "app.elf", "app-v2.elf"):
            if not os.path.exists(os.path.join(LAYOUTS[lay], f)):
                print("missing %s (run make)" % os.path.join(LAYOUTS[lay], f))
                return 1
    for f in (pc.PROBE, pc.TETHER):
        if not os.path.exists(f):
            print("missing %s (run make)" % f)
            return 1
    total = [0, 0, 0]
    for lay in layouts:
        tmp = tempfile.mkdtemp()
        d = None
        try:
            d = OtaDevice(tmp, lay)
            pre = make_pre_states(d, tmp)
            if not pre:
                return 1
            d.sha["v1"] = d.app
            for sc in SCENARIOS:
                if lay not in sc[1] or (a.only and sc[0] not in a.only.split(",")):
                    continue
                allowed = {d.app, d.sha["v2"], d.sha["v2b"], d.sha["v3"]}
                if lay == "single":
                    allowed.add(ZERO)
                stride = 1 if a.sample <= 1 else max(1, sc[6] * a.sample // 8)
                t0 = time.time()
                swept, b, v = sweep(d, sc, pre[sc[2]], allowed, stride, cuts)
                total = [total[0] + swept, total[1] + b, total[2] + v]
                print("qemu power-cut sweep (OTA, %-6s): %-22s %3d cut points swept%s, "
                      "%d bricks, %d violations (%.0f s)" % (
                          lay, sc[0], swept, " (1 in %d)" % stride if stride > 1 else "",
                          b, v, time.time() - t0))
                sys.stdout.flush()
        finally:
            if d is not None and d.q is not None and d.q.poll() is None:
                d.q.kill()
                d.q.wait()
            shutil.rmtree(tmp, ignore_errors=True)
    print("qemu power-cut sweep (OTA): %d cut points, %d bricks, %d violations; %d pushes "
          "began again after a torn chunk, %d stopped on the ack stall and were run again"
          % (tuple(total) + (RESTARTS[0], STALLS[0])))
    return 0 if total[1] == 0 and total[2] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
