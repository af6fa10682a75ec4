#!/usr/bin/python3
"""provision.py — make a device's keys on the host and the blob the an505 supervisor reads.

Writes into OUTDIR (never commit it; build/ is ignored):
  provision.bin  160-byte provisioning blob loaded at 0x381FF000 (Secure RAM) by
                 run-device.sh:  "TTPV" | version 1 | 3 x 0 | device_id 16 | X25519 static
                 private 32 | owner P-256 public key, uncompressed SEC1, 65 | 7 x 0 |
                 attestation P-256 private key 32 (signs Evidence only, [ATT-021]);
                 with --firmware-pub: byte 5 = 1 and the firmware P-256 public key,
                 uncompressed SEC1, 65 bytes at 160 (verifies OTA manifests, [OTA-021];
                 without it the device has no OTA service)
  device.json    the device record a client uses: id, Noise static public key, link address,
                 and the attestation public key a verifier checks Evidence with
  owner.pem      only if no --owner-pub is given: a demo owner key (P-256) made here
  flash.bin      with --app: the device's emulated NOR flash (16 MiB, tt_flash.py has the
                 layout), made once and kept: the factory app in slot A with its
                 installed-image record (size, SHA-256, version) and a first random NV seed.
                 QEMU backs the board's main RAM with it; one QEMU per file.
Usage: provision.py OUTDIR [--owner-pub owner_pub.pem] [--link tcp:127.0.0.1:PORT]
                    [--app app.bin [--app-version 0x000100]] [--firmware-pub fw.pem.pub]
Keeps an existing provision.bin (same identity across boots) unless --force; keeps an
existing flash.bin, rewriting slot A and its record only when the app differs.
Depends on python3-cryptography (Debian)."""
import argparse
import hashlib
import json
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tt_flash  # noqa: E402

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, x25519

RAW = serialization.Encoding.Raw, serialization.PublicFormat.Raw
SEC1 = serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint


def new_attest_key():
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_numbers().private_value.to_bytes(32, "big")


def write_secret(path, data):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.write(fd, data)
    os.close(fd)


def provision_flash(path, app_path, version):
    """The factory image into slot A and its record, a first NV seed; kept when present."""
    if not os.path.exists(path):
        tt_flash.create(path)
    image = open(app_path, "rb").read()
    if not 0x40 <= len(image) <= tt_flash.SLOT_SIZE:
        raise SystemExit("provision: app image size %d out of range" % len(image))
    record = struct.pack(">BII", 1, len(image), version) + hashlib.sha256(image).digest()
    if tt_flash.install_record(path) != record:
        tt_flash.write_slot(path, tt_flash.SLOT_A, image)
        tt_flash.write_record(path, tt_flash.REC["install"], record)
    with open(path, "rb") as f:
        recs = tt_flash.read_records(f.read(tt_flash.STORE_SIZE))
    if tt_flash.REC["seed"] not in recs:
        tt_flash.write_record(path, tt_flash.REC["seed"], os.urandom(32))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--owner-pub")
    ap.add_argument("--link", default="tcp:127.0.0.1:0")
    ap.add_argument("--force", action="store_true")
    ap.add_argument("--app", help="app image (objcopy -O binary) for slot A of flash.bin")
    ap.add_argument("--app-version", default="0x000100")
    ap.add_argument("--firmware-pub", help="firmware public key (PEM): enables OTA")
    a = ap.parse_args()
    os.makedirs(a.outdir, exist_ok=True)
    blob_path = os.path.join(a.outdir, "provision.bin")
    if os.path.exists(blob_path) and not a.force:
        blob = open(blob_path, "rb").read()
        priv = x25519.X25519PrivateKey.from_private_bytes(blob[24:56])
        device_id, owner_pub = blob[8:24], blob[56:121]
        if len(blob) == 128:  # made before attestation keys: add one, keep the identity
            blob += new_attest_key()
            write_secret(blob_path, blob)
    else:
        if a.owner_pub:
            owner = serialization.load_pem_public_key(open(a.owner_pub, "rb").read())
        else:
            key = ec.generate_private_key(ec.SECP256R1())
            pem = key.private_bytes(serialization.Encoding.PEM,
                                    serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
            path = os.path.join(a.outdir, "owner.pem")
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.write(fd, pem)
            os.close(fd)
            owner = key.public_key()
        owner_pub = owner.public_bytes(*SEC1)
        priv = x25519.X25519PrivateKey.generate()
        device_id = os.urandom(16)
        priv_raw = priv.private_bytes(serialization.Encoding.Raw,
                                      serialization.PrivateFormat.Raw,
                                      serialization.NoEncryption())
        blob = b"TTPV" + bytes([1, 0, 0, 0]) + device_id + priv_raw + owner_pub + bytes(7)
        blob += new_attest_key()
        assert len(blob) == 160
        write_secret(blob_path, blob)
    if a.firmware_pub:  # kept identity; the firmware key is (re)placed after the blob's 160
        fw = serialization.load_pem_public_key(open(a.firmware_pub, "rb").read())
        if not isinstance(fw, ec.EllipticCurvePublicKey) or fw.curve.name != "secp256r1":
            sys.exit("provision.py: --firmware-pub is not a P-256 public key")
        blob = blob[:5] + bytes([1]) + blob[6:160] + fw.public_bytes(*SEC1)
        write_secret(blob_path, blob)
    attest = ec.derive_private_key(int.from_bytes(blob[128:160], "big"), ec.SECP256R1())
    record = {
        "format": 1,  # spec/files.md [FIL-003]; schema: spec/schema/device-record.schema.json
        "device_id": device_id.hex(),
        "static_public": priv.public_key().public_bytes(*RAW).hex(),
        "owner_public": owner_pub.hex(),
        "attest_public": attest.public_key().public_bytes(*SEC1).hex(),
        "link": a.link,
    }
    with open(os.path.join(a.outdir, "device.json"), "w") as f:
        json.dump(record, f, indent=2)
        f.write("\n")
    if a.app:
        if a.force and os.path.exists(os.path.join(a.outdir, "flash.bin")):
            os.remove(os.path.join(a.outdir, "flash.bin"))  # a new device: a new flash
        provision_flash(os.path.join(a.outdir, "flash.bin"), a.app, int(a.app_version, 0))
    print(device_id.hex())
    return 0


if __name__ == "__main__":
    sys.exit(main())
