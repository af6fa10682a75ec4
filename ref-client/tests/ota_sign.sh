#!/usr/bin/env bash
# ota_sign.sh — `tether keygen firmware` and `tether ota sign` (issue 11, [OTA-020]..[OTA-023],
# [OTA-070]). The manifests are checked by independent tools: the image bytes against
# arm-none-eabi-objcopy's binary of the app ELF and sha256sum, the signature and every body
# field by Python (pyca/cryptography, a hand-written protobuf reader). Bad arguments and bad
# files each end with their exit code and a specific message, and write nothing. No device.
set -u
BUILD=${BUILD:-build}
B=$BUILD/host/bin/tether
DIR=$BUILD/an505
for f in "$B" "$DIR/app.elf" "$DIR/app-v2.elf"; do
  [ -e "$f" ] || { echo "FAIL: $f missing (make)"; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0; passes=0
ok() { echo "ok   $1"; passes=$((passes + 1)); }
bad() { echo "FAIL $1"; fails=$((fails + 1)); }

# expect NAME CODE PATTERN -- command...: exit CODE, output matching PATTERN, no manifest written
expect() {
  local name=$1 code=$2 pat=$3; shift 4
  local out rc
  rm -f "$tmp/out.m"
  out=$(timeout 60 "$@" 2>&1); rc=$?
  if [ "$rc" = "$code" ] && echo "$out" | grep -qiE -- "$pat" && [ ! -e "$tmp/out.m" ]; then
    ok "$name (exit $rc)"
  else
    bad "$name: exit $rc (want $code), output:"; echo "$out" | sed 's/^/     /'
  fi
}

# check MANIFEST PUB IMAGE VERSION COUNTER LAYOUT CHUNK SCOPE_FIELD SCOPE_HEX
check() {
  python3 - "$@" <<'PY'
import sys, hashlib
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
man, pub, img, ver, ctr, layout, chunk, sfield, shex = sys.argv[1:]
def fields(b):
    i, out = 0, []
    def varint():
        nonlocal i
        v = s = 0
        while True:
            c = b[i]; i += 1; v |= (c & 0x7F) << s; s += 7
            if c < 0x80: return v
    while i < len(b):
        tag = varint(); f, wt = tag >> 3, tag & 7
        if wt == 0: out.append((f, varint()))
        elif wt == 2:
            n = varint(); out.append((f, b[i:i + n])); i += n
        else: raise SystemExit("wire type %d" % wt)
    return out
sm = dict(fields(open(man, "rb").read()))
body, sig = sm[1], sm[2]
assert len(body) <= 128 and len(sig) == 64, "sizes"
key = serialization.load_pem_public_key(open(pub, "rb").read())
key.verify(encode_dss_signature(int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big")),
           b"tether-manifest-v1\0" + body, ec.ECDSA(hashes.SHA256()))
m = dict(fields(body))
image = open(img, "rb").read()
want = {1: 1, 4: int(ver, 0), 5: int(ctr), 6: len(image), 7: hashlib.sha256(image).digest(),
        8: int(layout), 9: int(chunk), int(sfield): bytes.fromhex(shex)}
for f, v in want.items():
    assert m.get(f, 0) == v, "field %d: %r != %r" % (f, m.get(f), v)
assert len([f for f in (2, 3) if f in m]) == 1, "one scope"
print("manifest verified: %d bytes, sha256 %s" % (len(image), hashlib.sha256(image).hexdigest()))
PY
}

# --- keys
if $B keygen firmware "$tmp/fw.pem" >/dev/null && openssl ec -in "$tmp/fw.pem" -noout 2>/dev/null &&
   openssl ec -pubin -in "$tmp/fw.pem.pub" -noout 2>/dev/null &&
   [ "$(stat -c %a "$tmp/fw.pem")" = 600 ]; then ok "keygen firmware: P-256 PEM pair, key 0600"
else bad "keygen firmware"; fi
$B keygen firmware "$tmp/other.pem" >/dev/null
$B keygen client "$tmp/client.pem" >/dev/null
expect "keygen unknown kind" 1 "usage: tether keygen client\|owner\|firmware" -- $B keygen frimware "$tmp/x.pem"

dev=000102030405060708090a0b0c0d0e0f
grp=a0a1a2a3a4a5a6a7a8a9aaabacadaeaf
# --- the app ELF: image = objcopy's binary, signature and fields checked independently
arm-none-eabi-objcopy -O binary "$DIR/app.elf" "$tmp/app.objcopy.bin"
arm-none-eabi-objcopy -O binary "$DIR/app-v2.elf" "$tmp/v2.objcopy.bin"
if out=$($B ota sign --key "$tmp/fw.pem" --elf "$DIR/app.elf" --version 0.1.0 --counter 1 \
      --layout ab --chunk-size 256 --device $dev --out "$tmp/v1.m" --image-out "$tmp/v1.img") &&
   cmp -s "$tmp/v1.img" "$tmp/app.objcopy.bin" &&
   echo "$out" | grep -q "$(sha256sum "$tmp/app.objcopy.bin" | cut -c1-64)" &&
   check "$tmp/v1.m" "$tmp/fw.pem.pub" "$tmp/app.objcopy.bin" 0x000100 1 1 256 2 $dev; then
  ok "sign app.elf: image is objcopy's binary, manifest verifies"
else bad "sign app.elf: $out"; fi
if $B ota sign --key "$tmp/fw.pem" --elf "$DIR/app-v2.elf" --version 0.2.0 --counter 2 \
      --layout single --group $grp --out "$tmp/v2.m" --image-out "$tmp/v2.img" >/dev/null &&
   cmp -s "$tmp/v2.img" "$tmp/v2.objcopy.bin" &&
   check "$tmp/v2.m" "$tmp/fw.pem.pub" "$tmp/v2.objcopy.bin" 0x000200 2 0 1024 3 $grp; then
  ok "sign app-v2.elf: group scope, single layout, default chunk size"
else bad "sign app-v2.elf"; fi
# the second demo build is visibly different: its banner and version 0.2.0 in vector 7
if ! cmp -s "$tmp/v1.img" "$tmp/v2.img" && grep -aq "app v0.2.0 started" "$tmp/v2.img" &&
   [ "$(xxd -s 28 -l 4 -p "$tmp/v2.img")" = 00020000 ] &&
   [ "$(xxd -s 28 -l 4 -p "$tmp/v1.img")" = 00000000 ]; then ok "app-v2 differs: banner, version"
else bad "app-v2 differs"; fi
# a raw binary is taken as it is; a device record gives the scope
python3 -c "import json,sys; json.dump({'device_id':'$dev','static_public':'00'*32,'link':'tcp:127.0.0.1:1'}, open(sys.argv[1],'w'))" "$tmp/device.json"
if $B ota sign --key "$tmp/fw.pem" --bin "$tmp/v2.objcopy.bin" --version 1.2.3 --counter 4294967295 \
      --layout ab --chunk-size 64 --record "$tmp/device.json" --out "$tmp/raw.m" >/dev/null &&
   check "$tmp/raw.m" "$tmp/fw.pem.pub" "$tmp/v2.objcopy.bin" 0x010203 4294967295 1 64 2 $dev; then
  ok "sign a raw binary for a device record"
else bad "sign a raw binary"; fi
if ! check "$tmp/v1.m" "$tmp/other.pem.pub" "$tmp/app.objcopy.bin" 0x000100 1 1 256 2 $dev 2>/dev/null
then ok "another key's public key does not verify it"; else bad "wrong key verified"; fi

# --- bad arguments and files: exit code, a specific message, nothing written
S=(--key "$tmp/fw.pem" --elf "$DIR/app.elf" --version 1.0.0 --counter 1 --layout ab --device $dev)
expect "no subcommand" 1 "unknown or missing subcommand" -- $B ota
expect "unknown subcommand" 1 "unknown or missing subcommand" -- $B ota frobnicate
expect "push without its arguments" 1 "usage: tether ota push" -- $B ota push
expect "no --out" 1 "--key and --out are required" -- $B ota sign "${S[@]}"
expect "no --key" 1 "--key and --out are required" -- $B ota sign --elf "$DIR/app.elf" --out "$tmp/out.m"
expect "chunk size 100" 1 "power of two from 64 to 1024" -- $B ota sign "${S[@]}" --chunk-size 100 --out "$tmp/out.m"
expect "chunk size 2048" 1 "power of two from 64 to 1024" -- $B ota sign "${S[@]}" --chunk-size 2048 --out "$tmp/out.m"
expect "chunk size 32" 1 "power of two from 64 to 1024" -- $B ota sign "${S[@]}" --chunk-size 32 --out "$tmp/out.m"
expect "version 1.2" 1 "--version must be X.Y.Z" -- $B ota sign "${S[@]}" --version 1.2 --out "$tmp/out.m"
expect "version 1.2.300" 1 "--version must be X.Y.Z" -- $B ota sign "${S[@]}" --version 1.2.300 --out "$tmp/out.m"
expect "version 1.2.3x" 1 "--version must be X.Y.Z" -- $B ota sign "${S[@]}" --version 1.2.3x --out "$tmp/out.m"
expect "counter -1" 1 "--counter must be a number" -- $B ota sign "${S[@]}" --counter -1 --out "$tmp/out.m"
expect "counter 2^32" 1 "--counter must be a number" -- $B ota sign "${S[@]}" --counter 4294967296 --out "$tmp/out.m"
expect "counter abc" 1 "--counter must be a number" -- $B ota sign "${S[@]}" --counter abc --out "$tmp/out.m"
expect "layout" 1 "--layout must be ab or single" -- $B ota sign "${S[@]}" --layout AB2 --out "$tmp/out.m"
expect "two scopes" 1 "exactly one of --device, --group, --record" -- $B ota sign "${S[@]}" --group $grp --out "$tmp/out.m"
expect "short device id" 1 "--device needs 32 hex digits" -- $B ota sign "${S[@]/$dev/${dev:1}}" --out "$tmp/out.m"
expect "hex garbage" 1 "--group needs 32 hex digits" -- $B ota sign --key "$tmp/fw.pem" --elf "$DIR/app.elf" --version 1.0.0 --counter 1 --layout ab --group zz${grp:2} --out "$tmp/out.m"
expect "elf and bin" 1 "exactly one of --elf, --bin" -- $B ota sign "${S[@]}" --bin "$tmp/v1.img" --out "$tmp/out.m"
expect "no version" 1 "--version, --counter and --layout are required" -- $B ota sign --key "$tmp/fw.pem" --elf "$DIR/app.elf" --counter 1 --layout ab --device $dev --out "$tmp/out.m"
expect "stray argument" 1 "unexpected argument" -- $B ota sign "${S[@]}" --out "$tmp/out.m" extra
expect "unknown option" 1 "unknown option" -- $B ota sign "${S[@]}" --out "$tmp/out.m" --colour
expect "missing key file" 2 "$tmp/none.pem" -- $B ota sign "${S[@]/$tmp\/fw.pem/$tmp/none.pem}" --out "$tmp/out.m"
expect "client key as firmware key" 2 "firmware private key" -- $B ota sign "${S[@]/$tmp\/fw.pem/$tmp/client.pem}" --out "$tmp/out.m"
expect "public key as firmware key" 2 "firmware private key" -- $B ota sign "${S[@]/$tmp\/fw.pem/$tmp/fw.pem.pub}" --out "$tmp/out.m"
printf 'not an elf at all' > "$tmp/junk.elf"
expect "junk ELF" 2 "not a usable ELF" -- $B ota sign "${S[@]/$DIR\/app.elf/$tmp/junk.elf}" --out "$tmp/out.m"
expect "host ELF" 2 "not a usable ELF \(class\)" -- $B ota sign "${S[@]/$DIR\/app.elf/$B}" --out "$tmp/out.m"
expect "missing ELF" 2 "none.elf" -- $B ota sign "${S[@]/$DIR\/app.elf/$tmp/none.elf}" --out "$tmp/out.m"
# an ARM ELF whose vector entry 8 does not declare its image size is not a Tether app
head -c 60 "$tmp/app.objcopy.bin" > "$tmp/cut.bin"
arm-none-eabi-ld -b binary --section-start=.data=0x00200000 -e 0 -o "$tmp/cut.elf" "$tmp/cut.bin"
expect "size word mismatch" 2 "vector entry 8 declares" -- $B ota sign "${S[@]/$DIR\/app.elf/$tmp/cut.elf}" --out "$tmp/out.m"
: > "$tmp/empty.bin"
expect "empty binary" 2 "an image must have 1 to" -- $B ota sign --key "$tmp/fw.pem" --bin "$tmp/empty.bin" --version 1.0.0 --counter 1 --layout ab --device $dev --out "$tmp/out.m"
printf '{"device_id":"00"}' > "$tmp/bad.json"
expect "bad device record" 2 "bad.json" -- $B ota sign --key "$tmp/fw.pem" --bin "$tmp/v1.img" --version 1.0.0 --counter 1 --layout ab --record "$tmp/bad.json" --out "$tmp/out.m"
expect "unwritable output" 2 "nodir" -- $B ota sign "${S[@]}" --out "$tmp/nodir/x.m"
expect "help" 0 "usage: tether ota sign" -- $B ota sign --help

echo "$passes passed, $fails failed"
[ $fails = 0 ]
