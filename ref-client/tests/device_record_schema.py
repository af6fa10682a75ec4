#!/usr/bin/python3
"""device_record_schema.py — the device record's JSON Schema (spec/schema/
device-record.schema.json) and `tether`'s record parser must accept and refuse the same
records ([FIL-020]..[FIL-026]). A small validator of the keywords the schema uses (type,
required, const, pattern, minLength, maxLength) reads the schema itself; `tether ping` with
missing key files shows the parser's verdict (a refused record is reported as "device
record", an accepted one gets as far as the key). Records: a good one, then one mutation per
member and per rule. Usage: device_record_schema.py [TETHER_BIN [SCHEMA]] (defaults:
$BUILD/host/bin/tether, spec/schema/device-record.schema.json; run from the repository)."""
import json
import os
import re
import subprocess
import sys
import tempfile

TETHER = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("BUILD", "build") + "/host/bin/tether"
SCHEMA = sys.argv[2] if len(sys.argv) > 2 else "spec/schema/device-record.schema.json"
schema = json.load(open(SCHEMA))

TYPES = {"string": str, "object": dict, "integer": int}


def schema_accepts(rec):
    if not isinstance(rec, dict):
        return False
    if any(k not in rec for k in schema["required"]):
        return False
    for name, rule in schema["properties"].items():
        if name not in rec:
            continue
        v = rec[name]
        # JSON Schema compares numbers by value (1.0 is 1) and booleans are not numbers
        if "const" in rule and (isinstance(v, bool) or v != rule["const"]):
            return False
        t = TYPES.get(rule.get("type"))
        if t and not (isinstance(v, t) and not isinstance(v, bool)):
            return False
        if "pattern" in rule and not re.search(rule["pattern"], v):
            return False
        if "minLength" in rule and len(v) < rule["minLength"]:
            return False
        if "maxLength" in rule and len(v) > rule["maxLength"]:
            return False
    return True


def tether_accepts(path):
    r = subprocess.run([TETHER, "ping", path, "--key", "/nonexistent/k", "--grant",
                        "/nonexistent/g"], capture_output=True, text=True, timeout=60)
    if "device record" in r.stderr:
        return False
    if "client private key /nonexistent/k" in r.stderr:
        return True
    raise SystemExit("unexpected answer: %r" % r.stderr)


ID, SP = "0d" * 16, "9b" * 32
P256 = "04" + "6b" * 64
good = {"format": 1, "device_id": ID, "static_public": SP, "owner_public": P256,
        "attest_public": P256, "link": "tcp:127.0.0.1:4000",
        "broker_credentials": "keys/broker.json", "x-note": [1, None]}
cases = [("good", good)]
for k in list(good):
    if k in schema["required"] or k in schema["properties"]:
        cases.append(("without " + k, {m: v for m, v in good.items() if m != k}))
        cases.append((k + " null", dict(good, **{k: None})))
        cases.append((k + " a number", dict(good, **{k: 7})))
for k, n in (("device_id", 32), ("static_public", 64), ("owner_public", 130),
             ("attest_public", 130)):
    v = good[k]
    cases += [(k + " one digit short", dict(good, **{k: v[:-1]})),
              (k + " one byte long", dict(good, **{k: v + "00"})),
              (k + " not hex", dict(good, **{k: v[:-1] + "g"})),
              (k + " upper case", dict(good, **{k: v.upper()}))]
    if n == 130:
        cases.append((k + " compressed", dict(good, **{k: "02" + v[2:]})))
for link in ["tcp:h:1", "tcp:h:65535", "mqtt://broker.example:1883", "tcp:h:0", "tcp:h:65536",
             "tcp:h:080", "tcp:h:+80", "tcp:h:", "tcp::80", "tcp:a b:80", "tcp:a/b:80",
             "tcp:h:80:1", "mqtt://h", "mqtt:/h:1883", "udp:h:1", "TCP:h:1", "tcp:h:8 0",
             "tcp:" + "h" * 118 + ":80", "tcp:" + "h" * 119 + ":80", "tcp:h\t:80"]:
    cases.append(("link " + link[:30], dict(good, link=link)))
cases += [("format 2", dict(good, format=2)), ("format 1.0", dict(good, format=1.0)),
          ("format 1.5", dict(good, format=1.5)), ("format '1'", dict(good, format="1")),
          ("format true", dict(good, format=True)),
          ("broker_credentials empty", dict(good, broker_credentials="")),
          ("broker_credentials 255", dict(good, broker_credentials="p" * 255)),
          ("broker_credentials 256", dict(good, broker_credentials="p" * 256)),
          ("an array", [good])]

fails = passes = 0
with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "r.json")
    for name, rec in cases:
        with open(path, "w") as f:
            json.dump(rec, f)
        s, t = schema_accepts(rec), tether_accepts(path)
        if s == t:
            passes += 1
        else:
            fails += 1
            print("FAIL %s: schema %s, tether %s" % (name, "accepts" if s else "refuses",
                                                     "accepts" if t else "refuses"))
print("schema and parser agree on %d of %d records" % (passes, len(cases)))
print("%d passed, %d failed" % (passes, fails))
sys.exit(1 if fails else 0)
