#!/usr/bin/python3
"""tt_flash.py — the an505 flash file on the host: its layout, and the record store's format
(ref-device/core/store/record_store.c), read and written by provisioning and checked by the
power-cut sweep. Keep in step with ref-device/port/an505/an505.h and record_store.c.

Layout (offsets in the 16 MiB file = board address - 0x80000000; 8 KiB pages):
  0x000000  record store, 6 pages: bank 0 = 0x0000-0x5FFF, bank 1 = 0x6000-0xBFFF
  0x00C000  install state, 2 pages (reserved for OTA)
  0x010000  slot A, 2 MiB: the installed app image (TT_REC_INSTALL describes it)
  0x210000  slot B, 2 MiB (OTA staging)
  0x410000  spare, 64 KiB (OTA swap scratch)
Store format: bank header "TTSB" | gen | ~gen | 1; entries "TTRE" | key | len<<16 | seq |
~(w0^w1^w2), data padded with 0xFF to 16 bytes, commit "TTRC" | seq | crc32(header+data) |
~seq. Usable as a command: tt_flash.py dump FILE prints the records."""
import os
import struct
import sys
import zlib

SIZE = 16 * 1024 * 1024
PAGE = 0x2000
STORE, STORE_SIZE = 0x000000, 0xC000
SLOT_A, SLOT_B, SLOT_SIZE = 0x010000, 0x210000, 0x200000
BANK = STORE_SIZE // 2
Q = 16
M32 = 0xFFFFFFFF
BANK_MAGIC, ENTRY_MAGIC, COMMIT_MAGIC = 0x42535454, 0x45525454, 0x43525454
REC = {"replay": 0, "revocation": 1, "boot": 2, "seed": 3, "time": 4, "security": 5,
       "install": 6}
REC_MAX = 512


def create(path):
    """A new flash file, all erased (QEMU would make it all zero)."""
    with open(path, "wb") as f:
        chunk = b"\xff" * (1 << 20)
        for _ in range(SIZE // len(chunk)):
            f.write(chunk)
    os.chmod(path, 0o600)


def _u32s(b):
    return struct.unpack("<4I", b)


def _bank(mem, b):
    w0, gen, ngen, ver = _u32s(mem[b * BANK: b * BANK + Q])
    return w0 == BANK_MAGIC and ngen == gen ^ M32 and ver == 1, gen


def _active(mem):
    (v0, g0), (v1, g1) = _bank(mem, 0), _bank(mem, 1)
    if v0 and v1:  # serial-number comparison, as record_store.c
        return (1 if 0 < ((g1 - g0) & M32) < 0x80000000 else 0), True
    return (1 if v1 else 0), (v0 or v1)


def _entries(mem, b):
    """(offset, key, len, seq, committed) of bank b's log, and (end, clean)."""
    base, off, out = b * BANK, Q, []
    while off + Q <= BANK:
        h = mem[base + off: base + off + Q]
        if h == b"\xff" * Q:
            return out, off, True
        w0, w1, w2, w3 = _u32s(h)
        ln = w1 >> 16
        size = 2 * Q + (ln + Q - 1) // Q * Q
        if w0 != ENTRY_MAGIC or w3 != (w0 ^ w1 ^ w2) ^ M32 or ln > REC_MAX or size > BANK - off:
            return out, off, False
        c = mem[base + off + size - Q: base + off + size]
        cm, cseq, crc, nseq = _u32s(c)
        data = mem[base + off + Q: base + off + Q + ln]
        ok = cm == COMMIT_MAGIC and cseq == w2 and nseq == w2 ^ M32 and \
            zlib.crc32(h + data) == crc
        out.append((base + off, w1 & 0xFFFF, ln, w2, ok))
        off += size
    return out, off, False


def read_records(mem):
    """{key: bytes} of the newest committed entries (empty records omitted)."""
    b, have = _active(mem)
    if not have:
        return {}
    best = {}
    for off, key, ln, seq, ok in _entries(mem, b)[0]:
        if ok and (key not in best or ((seq - best[key][0]) & M32) < 0x80000000):
            best[key] = (seq, mem[off + Q: off + Q + ln])
    return {k: v for k, (s, v) in best.items() if v}


def _entry(key, seq, data):
    w1 = key | len(data) << 16
    h = struct.pack("<4I", ENTRY_MAGIC, w1, seq, (ENTRY_MAGIC ^ w1 ^ seq) ^ M32)
    pad = data + b"\xff" * ((-len(data)) % Q)
    c = struct.pack("<4I", COMMIT_MAGIC, seq, zlib.crc32(h + data), seq ^ M32)
    return h + pad + c


def write_record(path, key, data):
    """Appends a record as the device would (compacting into the other bank when full)."""
    with open(path, "r+b") as f:
        mem = bytearray(f.read(STORE_SIZE))
        b, have = _active(mem)
        seq = 0
        if have:
            ents, end, clean = _entries(mem, b)
            seq = max([e[3] for e in ents], default=0)
            e = _entry(key, seq + 1, data)
            if clean and len(e) <= BANK - end:
                f.seek(STORE + b * BANK + end)
                f.write(e)
                return
        recs = read_records(mem) if have else {}
        recs[key] = data
        gen = (_bank(mem, b)[1] + 1) & M32 if have else 1
        to = 1 - b if have else 0
        body = b"".join(_entry(k, seq + 1 + i, v) for i, (k, v) in enumerate(sorted(recs.items())) if v)
        hdr = struct.pack("<4I", BANK_MAGIC, gen, gen ^ M32, 1)
        f.seek(STORE + to * BANK)
        f.write((hdr + body).ljust(BANK, b"\xff"))


def write_slot(path, slot_off, image):
    if len(image) > SLOT_SIZE:
        raise ValueError("image larger than the slot")
    with open(path, "r+b") as f:
        f.seek(slot_off)
        f.write(image + b"\xff" * ((-len(image)) % PAGE))


OTA_STATES = ("idle", "receiving", "verified", "pending", "confirmed", "rolled-back")


def ota_record(v):
    """The OTA engine's record (TT_REC_SECURITY, ref-device/core/store/ota_store.c): a dict,
    or None when v is empty or not that record. Big-endian: version 1 | generation | state,
    security counter, active slot, slot erased | two slots of valid, version, counter, size,
    SHA-256 | body length | body | 64-byte signature."""
    if not v or len(v) < 1 + 20 + 96 + 4 + 64 or v[0] != 1:
        return None
    gen, state, counter, active, erased = struct.unpack(">5I", v[1:21])
    slots, k = [], 21
    for _ in range(2):
        valid, version, ctr, size = struct.unpack(">4I", v[k:k + 16])
        slots.append({"valid": valid, "version": version, "counter": ctr, "size": size,
                      "sha256": v[k + 16:k + 48].hex()})
        k += 48
    body_len = struct.unpack(">I", v[k:k + 4])[0]
    if len(v) != k + 4 + body_len + 64 or state >= len(OTA_STATES):
        return None
    return {"gen": gen, "state": OTA_STATES[state], "counter": counter, "active": active,
            "slot_erased": erased, "slots": slots, "body_len": body_len}


def ota_counter(v):
    """The persisted security counter (0 without an OTA record)."""
    r = ota_record(v)
    return r["counter"] if r else 0


def ota_marks(boot, gen):
    """The chunk-mark bitmap TT_REC_BOOT holds for transfer generation gen (after the boot
    counter and the generation), b"" when it holds another generation's."""
    if not boot or len(boot) <= 8 or struct.unpack(">I", boot[4:8])[0] != gen:
        return b""
    return boot[8:]


def install_record(path):
    with open(path, "rb") as f:
        return read_records(f.read(STORE_SIZE)).get(REC["install"])


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "dump":
        with open(sys.argv[2], "rb") as f:
            recs = read_records(f.read(STORE_SIZE))
        names = {v: k for k, v in REC.items()}
        for k in sorted(recs):
            print("%-10s %s" % (names.get(k, k), recs[k].hex()))
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
