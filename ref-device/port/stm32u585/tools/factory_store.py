#!/usr/bin/python3
"""factory_store.py — the STM32U585's record-store pages at the factory (0x0C01C000, 48 KB:
six 8 KB pages, two banks of three, the same format as the an505's, ref-device/tools/
tt_flash.py): the installed-image record of the app flashed into slot A (size, SHA-256,
version) and a first random NV seed. With a firmware key provisioned the OTA service runs
the app only when slot A hashes to this record ([OTA-050]); without the record a board with
a firmware key runs no app until the first OTA push.

Usage: factory_store.py APP_BIN OUT_BIN [--app-version 0x000100]
Flash OUT_BIN at 0x0C01C000 once, at the factory (README, "Flashing"): flashing it again
forgets the OTA record and its security counter. Never commit OUT_BIN (it holds the seed)."""
import argparse
import hashlib
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "../../../tools"))
import tt_flash  # noqa: E402

APP_SIZE = 0x000D8000  # layout.h U585_APP_SIZE: slot A, pages 20-127 of bank 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("app")
    ap.add_argument("out")
    ap.add_argument("--app-version", default="0x000100")
    a = ap.parse_args()
    image = open(a.app, "rb").read()
    if not 0x40 <= len(image) <= APP_SIZE:
        print("factory_store: app image size %d out of range (64..%d)" % (len(image), APP_SIZE),
              file=sys.stderr)
        return 2
    fd = os.open(a.out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.write(fd, b"\xff" * tt_flash.STORE_SIZE)
    os.close(fd)
    record = struct.pack(">BII", 1, len(image), int(a.app_version, 0)) + \
        hashlib.sha256(image).digest()
    tt_flash.write_record(a.out, tt_flash.REC["install"], record)
    tt_flash.write_record(a.out, tt_flash.REC["seed"], os.urandom(32))
    return 0


if __name__ == "__main__":
    sys.exit(main())
