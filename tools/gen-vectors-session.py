#!/usr/bin/python3
"""gen-vectors-session.py — writes spec/vectors/session.txt: one whole Tether session at the
packet level, made by an implementation independent of the reference C code.

Noise_IK_25519_ChaChaPoly_SHA256 is written out here from the Noise specification on top of
pyca/cryptography (X25519, ChaCha20-Poly1305) and hashlib/hmac (SHA-256, HKDF), messages are
encoded with Google's Python protobuf runtime, and the packets, records and reliability
envelopes follow spec/session.md and spec/reliability.md. All keys are TEST ONLY.
Needs python3-cryptography, python3-protobuf and protoc (only to regenerate).
Usage: /usr/bin/python3 tools/gen-vectors-session.py"""
import hashlib
import hmac
import importlib
import os
import struct
import subprocess
import sys
import tempfile

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, x25519
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
tmp = tempfile.mkdtemp()
subprocess.check_call(["protoc", "-I", os.path.join(root, "proto"), "--python_out", tmp,
                       "tether.proto"])
sys.path.insert(0, tmp)
pb = importlib.import_module("tether_pb2")

RAW = (serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def priv(b):
    return x25519.X25519PrivateKey.from_private_bytes(b)


def pub(k):
    return k.public_key().public_bytes(*RAW)


def dh(k, p):
    out = k.exchange(x25519.X25519PublicKey.from_public_bytes(p))
    assert out != bytes(32)
    return out


def sha(*parts):
    return hashlib.sha256(b"".join(parts)).digest()


def hkdf2(ck, ikm):
    temp = hmac.new(ck, ikm, hashlib.sha256).digest()
    o1 = hmac.new(temp, b"\x01", hashlib.sha256).digest()
    o2 = hmac.new(temp, o1 + b"\x02", hashlib.sha256).digest()
    return o1, o2


def nonce(n):
    return b"\x00" * 4 + struct.pack("<Q", n)


def enc(k, n, ad, pt):
    return ChaCha20Poly1305(k).encrypt(nonce(n), pt, ad)


# TEST ONLY keys and choices.
cs = priv(bytes(range(0x20, 0x40)))          # client static
ds = priv(bytes(range(0x80, 0xA0)))          # device static
ce = priv(bytes(range(0x40, 0x60)))          # client ephemeral
de = priv(bytes(range(0xA0, 0xC0)))          # device ephemeral
client_id = 0x1A2B3C4D
device_sid = 0x5E6F7081
DEVICE_ID = bytes(range(0x10, 0x20))
owner = ec.derive_private_key(0x1C0FFEE0DDBA11C0FFEE0DDBA11C0FFEE0DDBA11C0FFEE0DDBA11C0FFEE0DDBA,
                              ec.SECP256R1())
n = owner.public_key().public_numbers()
OWNER_PUB = b"\x04" + n.x.to_bytes(32, "big") + n.y.to_bytes(32, "big")

body = pb.GrantBody(format=1, client_key=pub(cs), device_id=DEVICE_ID, permissions=0x7F,
                    not_before=1700000000, not_after=1900000000, serial=3).SerializeToString()
der = owner.sign(b"tether-grant-v1\x00" + body, ec.ECDSA(hashes.SHA256()))
r, s = decode_dss_signature(der)
grant = pb.SignedGrant(body=body, signature=r.to_bytes(32, "big") + s.to_bytes(32, "big"))
hello = pb.ClientHello(version_min=1, version_max=1, timestamp=1764000000000, grant=grant,
                       client_name="vector").SerializeToString()
reply = pb.HandshakeReply(hello=pb.DeviceHello(
    version=1, device_id=DEVICE_ID, capabilities=1 | 8 | 64,
    limits=pb.Limits(max_message=1362, max_mem_chunk=1024, breakpoints=16, rel_window=8,
                     max_sessions=4),
    supervisor_version=0x010000, app_measurement=sha(b"app"), granted_permissions=0x7F,
    app_version=0x000100)).SerializeToString()

# ---- Noise IK (Noise spec §5, §7.5): initiator knows the responder's static key.
name = b"Noise_IK_25519_ChaChaPoly_SHA256"
assert len(name) == 32
h = name
ck = name
h = sha(h, b"tether/1")            # prologue
h = sha(h, pub(ds))                # <- s
# -> e, es, s, ss, payload
h = sha(h, pub(ce))
ck, k = hkdf2(ck, dh(ce, pub(ds)))
c = enc(k, 0, h, pub(cs))
h = sha(h, c)
msg1 = pub(ce) + c
ck, k = hkdf2(ck, dh(cs, pub(ds)))
c = enc(k, 0, h, hello)
h = sha(h, c)
msg1 += c
# <- e, ee, se, payload
h = sha(h, pub(de))
ck, k = hkdf2(ck, dh(de, pub(ce)))
ck, k = hkdf2(ck, dh(de, pub(cs)))
c = enc(k, 0, h, reply)
h = sha(h, c)
msg2 = pub(de) + c
k1, k2 = hkdf2(ck, b"")           # Split: k1 client->device, k2 device->client

initiation = b"\x01" + struct.pack(">I", client_id) + msg1
response = b"\x02" + struct.pack(">I", device_sid) + struct.pack(">I", client_id) + msg2


def record(key, receiver, seq, plaintext):
    hdr = b"\x03" + struct.pack(">I", receiver) + struct.pack(">Q", seq)
    return hdr + enc(key, seq, hdr, plaintext)


def envelope(msg_seq, ack, body):
    return b"\x01" + struct.pack(">II", msg_seq, ack) + body


ping = pb.Message(request_id=1, ping=pb.Ping(nonce=42)).SerializeToString()
pong = pb.Message(request_id=1, pong=pb.Pong(nonce=42, device_time_ms=1000)).SerializeToString()
env1 = envelope(1, 0, ping)
env2 = envelope(1, 1, pong)
rec1 = record(k1, device_sid, 0, env1)
rec2 = record(k2, client_id, 0, env2)
ack = b"\x02" + struct.pack(">II", 0, 1)
rec3 = record(k1, device_sid, 1, ack)

rows = [
    ("client_static_priv", cs.private_bytes_raw() if hasattr(cs, "private_bytes_raw") else
     cs.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                      serialization.NoEncryption())),
    ("client_static_pub", pub(cs)),
    ("device_static_priv", ds.private_bytes(serialization.Encoding.Raw,
                                            serialization.PrivateFormat.Raw,
                                            serialization.NoEncryption())),
    ("device_static_pub", pub(ds)),
    ("client_ephemeral_priv", bytes(range(0x40, 0x60))),
    ("device_ephemeral_priv", bytes(range(0xA0, 0xC0))),
    ("client_session_id", struct.pack(">I", client_id)),
    ("device_session_id", struct.pack(">I", device_sid)),
    ("owner_pub", OWNER_PUB),
    ("client_hello", hello),
    ("initiation", initiation),
    ("handshake_reply", reply),
    ("response", response),
    ("k1", k1),
    ("k2", k2),
    ("handshake_hash", h),
    ("request", ping),
    ("record_client_1", rec1),
    ("response_message", pong),
    ("record_device_1", rec2),
    ("record_client_2_ack", rec3),
]
with open(os.path.join(root, "spec/vectors/session.txt"), "w") as f:
    f.write("# One Tether v1 session at the packet level (spec/session.md, spec/reliability.md),\n"
            "# made by tools/gen-vectors-session.py: Noise IK written from the Noise spec over\n"
            "# pyca/cryptography, protobuf by Google's runtime. ALL KEYS ARE TEST ONLY.\n"
            "# initiation = 0x01 | client_session_id | msg1(ephemerals and statics above, payload\n"
            "# client_hello); response = 0x02 | device_session_id | client_session_id | msg2\n"
            "# (payload handshake_reply); k1/k2 = Split(); record_client_1 = the client's first\n"
            "# record (seq 0) carrying envelope DATA(msg_seq 1, ack 0, request); record_device_1\n"
            "# = the device's first record carrying DATA(1, ack 1, response_message);\n"
            "# record_client_2_ack = the client's second record (seq 1), an ACK(ack 1).\n\n")
    for k, v in rows:
        f.write("%s = %s\n" % (k, v.hex()))
print("wrote spec/vectors/session.txt")
