#!/usr/bin/env python3
"""ciphertext_only.py CAPTURE APP_ELF — the relay sees ciphertext only (spec/transport.md
[MTB-011], security.md [SEC-12]).

CAPTURE holds "TOPIC HEXPAYLOAD" lines from a privileged '#' subscriber during a debug
session. Fails if any needle appears in a packet: the app's strings (demo_message, which GDB
reads from the device's RAM), every 12-byte window of the app's loaded image (code and data
the session may carry), and the register-sized values GDB printed are not used (4 bytes
collide by chance). Also fails if the capture is too small to mean anything, and checks that
its own search finds a needle planted in a copy of the capture (the check can fail)."""
import subprocess
import sys

WINDOW = 12


def payloads(path):
    up = down = 0
    out = []
    for line in open(path):
        parts = line.split()
        if len(parts) != 2 or not parts[0].startswith("tether/"):
            continue
        leaf = parts[0].rsplit("/", 1)[-1]
        if leaf == "up":
            up += 1
        elif leaf == "down":
            down += 1
        else:
            continue
        out.append(bytes.fromhex(parts[1]))
    return up, down, out


def app_image(elf):
    """The loaded sections' bytes (objcopy, an independent tool)."""
    raw = subprocess.run(["arm-none-eabi-objcopy", "-O", "binary", "-j", ".vectors", "-j",
                          ".text", "-j", ".data", elf, "/dev/stdout"],
                         check=True, capture_output=True).stdout
    return raw


def needles(image):
    n = {b"hello from the app"}
    for i in range(0, len(image) - WINDOW + 1):
        w = image[i:i + WINDOW]
        if len(set(w)) > 3:  # skip fill (all zero / 0xff runs are not secrets, and collide)
            n.add(w)
    return n


def found(packets, ns):
    hits = []
    for p in packets:
        for i in range(0, len(p) - WINDOW + 1):
            if p[i:i + WINDOW] in ns:
                hits.append(p[i:i + WINDOW])
        if b"hello from the app" in p:
            hits.append(b"hello from the app")
    return hits


def main():
    up, down, packets = payloads(sys.argv[1])
    ns = needles(app_image(sys.argv[2]))
    print("ciphertext_only: %d up + %d down messages, %d bytes, %d needles"
          % (up, down, sum(map(len, packets)), len(ns)))
    if up < 20 or down < 20:
        print("FAIL: the capture is too small to show anything (%d up, %d down)" % (up, down))
        return 1
    planted = packets[:5] + [packets[5][:40] + b"xx hello from the app xx" + packets[5][40:]]
    if not found(planted, ns):
        print("FAIL: the search does not find a planted needle")
        return 1
    hits = found(packets, ns)
    if hits:
        print("FAIL: plaintext on the relay: %s" % ", ".join(h.hex() for h in hits[:5]))
        return 1
    print("ok   no app string, code or data window in any relayed packet")
    return 0


if __name__ == "__main__":
    sys.exit(main())
