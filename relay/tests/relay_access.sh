#!/usr/bin/env bash
# relay_access.sh — who may do what on the relay, against the QEMU device behind mosquitto
# and tether-bridge:
#  - two clients with different keys and grants ping the device at the same time, through
#    the same up topic; each gets all its own pongs (nonces checked by tether ping) and
#    nothing of the other's ([MTB-004]);
#  - a broker user without the ACL (a second device's login) reads nothing of the first
#    device's topics, even subscribed to '#', and its publishes to them are dropped
#    (the '#' monitor never sees them) ([MTB-035]);
#  - a stranger with write access to the down topic (a client's broker login, no Tether key)
#    publishes garbage, empty and oversized messages and replays of every packet seen so far:
#    a client session running meanwhile gets every reply, a new one works afterwards, the
#    bridge drops the empty and oversized ones ([MTB-001], [SEC-12]).
set -u
BUILD=${BUILD:-build}
command -v qemu-system-arm >/dev/null || { echo "SKIP: qemu-system-arm not installed"; exit 0; }
command -v /usr/sbin/mosquitto >/dev/null || { echo "SKIP: mosquitto not installed"; exit 0; }
command -v mosquitto_pub >/dev/null || { echo "SKIP: mosquitto-clients not installed"; exit 0; }
TETHER=$BUILD/host/bin/tether
T=$(mktemp -d)
QPID=; P1=; P2=; SUBPID=
trap 'for p in $P1 $P2 $SUBPID; do kill $p 2>/dev/null; done; relay_stop; [ -n "$QPID" ] && kill "$QPID" 2>/dev/null; rm -rf "$T"' EXIT
. ref-device/tests/qemu_boot.sh
. relay/broker.sh
fail=0
check() {
    if [ "$2" = "$3" ]; then echo "ok   $1: $3"
    else echo "FAIL $1: expected [$2], saw [$3]"; fail=1; fi
}
qemu_up "$BUILD/an505" "$T" || exit 1
for c in c1 c2; do
    "$TETHER" keygen client "$T/$c.pem" >/dev/null || exit 1
    "$TETHER" grant --owner "$T/device/owner.pem" --client "$T/$c.pem.pub" \
        --device-record "$T/device/device.json" -o "$T/$c.grant" >/dev/null || exit 1
done
# A second device identity (not booted): its broker login is the user without the ACL.
/usr/bin/python3 ref-device/tools/provision.py "$T/dev2" --link tcp:127.0.0.1:1 >/dev/null || exit 1
# c1 may also reach dev2: its publish on dev2's down shows when dev2's subscriber is ready.
"$TETHER" grant --owner "$T/dev2/owner.pem" --client "$T/c1.pem.pub" \
    --device-record "$T/dev2/device.json" -o "$T/c1-dev2.grant" >/dev/null || exit 1
R=$T/relay
mkdir -p "$R" && chmod 700 "$R"
"$TETHER" relay config --out "$R" --device "$T/device/device.json" --device "$T/dev2/device.json" \
    --client "c1=$T/c1.grant" --client "c2=$T/c2.grant" --client "c1=$T/c1-dev2.grant" \
    --monitor monitor >/dev/null || { echo "FAIL: relay config"; exit 1; }
mosquitto_up "$R" || exit 1
bridge_up "$R" "$T/device/device.json" || exit 1
ID=$(relay_device_id "$T/device/device.json")
ID2=$(relay_device_id "$T/dev2/device.json")
monitor_up "$R" "$T/monitor" || exit 1
for c in c1 c2; do
    /usr/bin/python3 - "$T/device/device.json" "$T/$c.json" "mqtt://127.0.0.1:$MQ_PORT" "$R/credentials/$c.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); r["link"] = sys.argv[3]; r["broker_credentials"] = sys.argv[4]
json.dump(r, open(sys.argv[2], "w"))
PY
done

# The user without the ACL listens to everything for the whole test.
X2=$(mqtt_login "$R" "$ID2")
XDG_CONFIG_HOME=$X2 stdbuf -oL mosquitto_sub -t '#' -t "tether/$ID/up" -t "tether/$ID/down" \
    -q 1 -F '%t %x' > "$T/dev2.sub" 2>"$T/dev2.err" &
SUBPID=$!
X1=$(mqtt_login "$R" c1)
for _ in $(seq 100); do
    printf 'ready' | XDG_CONFIG_HOME=$X1 mosquitto_pub -t "tether/$ID2/down" -q 1 -s
    grep -q "^tether/$ID2/down " "$T/dev2.sub" && break
    sleep 0.1
done
check "the user without the ACL is subscribed (its own down)" 1 "$(grep -c "^tether/$ID2/down " "$T/dev2.sub" | awk '{print ($1>=1)}')"

# Two clients at once.
"$TETHER" ping "$T/c1.json" --key "$T/c1.pem" --grant "$T/c1.grant" --count 60 --timeout 20000 > "$T/c1.out" 2>&1 &
P1=$!
"$TETHER" ping "$T/c2.json" --key "$T/c2.pem" --grant "$T/c2.grant" --count 60 --timeout 20000 > "$T/c2.out" 2>&1 &
P2=$!
wait $P1; r1=$?; wait $P2; r2=$?; P1=; P2=
check "client 1 exit" 0 "$r1"
check "client 2 exit" 0 "$r2"
check "client 1 pongs" 60 "$(grep -c '^ping ' "$T/c1.out")"
check "client 2 pongs" 60 "$(grep -c '^ping ' "$T/c2.out")"

# The user without the ACL publishes to the device's topics: the broker drops it.
for t in down up presence; do
    printf 'not yours' | XDG_CONFIG_HOME=$X2 mosquitto_pub -t "tether/$ID/$t" -q 1 -s 2>>"$T/dev2.err"
done

# A stranger with the client's broker login but no key: garbage, empty, oversized, replays
# of every packet seen so far — while client 2 is in the middle of a session.
"$TETHER" ping "$T/c2.json" --key "$T/c2.pem" --grant "$T/c2.grant" --count 60 --timeout 20000 > "$T/c2b.out" 2>&1 &
P2=$!
printf 'garbage' | XDG_CONFIG_HOME=$X1 mosquitto_pub -t "tether/$ID/down" -q 1 -s
XDG_CONFIG_HOME=$X1 mosquitto_pub -t "tether/$ID/down" -q 1 -n
head -c 1401 /dev/urandom | XDG_CONFIG_HOME=$X1 mosquitto_pub -t "tether/$ID/down" -q 1 -s
grep "^tether/$ID/down " "$T/monitor" | head -60 | while read -r _ hex; do
    echo "$hex" | xxd -r -p > "$T/pkt"
    XDG_CONFIG_HOME=$X1 mosquitto_pub -t "tether/$ID/down" -q 1 -f "$T/pkt"
done
wait $P2; r2=$?; P2=
check "client 2 undisturbed during the stranger's flood" "0 60" "$r2 $(grep -c '^ping ' "$T/c2b.out")"
# The device did receive them (the monitor saw them on down) ...
for _ in $(seq 100); do grep -q "^tether/$ID/down 67617262616765$" "$T/monitor" && break; sleep 0.1; done
check "stranger's messages reached down" 1 "$(grep "^tether/$ID/down " "$T/monitor" | grep -c ' 67617262616765$' | awk '{print ($1>=1)}')"
# ... and a new session works afterwards: nothing was changed by them.
"$TETHER" ping "$T/c1.json" --key "$T/c1.pem" --grant "$T/c1.grant" --count 3 > "$T/c1b.out" 2>&1
check "client 1 works after the stranger" 0 "$?"

# The other device commands work over the relay unchanged (and --via overrides a record).
"$TETHER" info "$T/c1.json" --key "$T/c1.pem" --grant "$T/c1.grant" > "$T/info.out" 2>&1
check "tether info via mqtt" "0 $ID" "$? $(sed -n 's/^device id *//p' "$T/info.out")"
"$TETHER" revoke "$T/c1.json" --owner "$T/device/owner.pem" --floor 1 --key "$T/c1.pem" \
    --grant "$T/c1.grant" > "$T/revoke.out" 2>&1
check "tether revoke via mqtt" 0 "$?"
"$TETHER" ping "$T/device/device.json" --via "mqtt://127.0.0.1:$MQ_PORT" \
    --broker-credentials "$R/credentials/c2.json" --key "$T/c2.pem" --grant "$T/c2.grant" --count 2 > "$T/via.out" 2>&1
check "tether ping --via mqtt:// --broker-credentials" "0 2" "$? $(grep -c '^ping ' "$T/via.out")"
"$TETHER" ping "$T/c1.json" --key "$T/c1.pem" --grant "$T/c1.grant" --broker-credentials "$R/credentials/$ID2.json" --count 1 --timeout 2000 > "$T/wrong.out" 2>&1
check "another user's broker login reaches nothing" 3 "$?"
check "tether devices" "$ID online" "$("$TETHER" devices "$T/c1.json")"

# Broker credentials are untrusted input: each bad file gets its own clear error, no crash.
bad_creds() {  # bad_creds WHAT EXPECTED_EXIT PATTERN FILE
    "$TETHER" ping "$T/device/device.json" --via "mqtt://127.0.0.1:$MQ_PORT" --broker-credentials "$4" \
        --key "$T/c1.pem" --grant "$T/c1.grant" --count 1 --timeout 3000 > "$T/bad.out" 2>&1
    check "$1" "$2 1" "$? $(grep -c "$3" "$T/bad.out")"
}
printf 'not json' > "$T/bad1.json"
printf '{"username": "c1"}' > "$T/bad2.json"
printf '{"username": "c1", "password": 5}' > "$T/bad3.json"
printf '{"username": "c1", "password": "wrong"}' > "$T/bad4.json"
bad_creds "credentials file missing" 2 "cannot read broker credentials" "$T/none.json"
bad_creds "credentials not JSON" 2 "malformed" "$T/bad1.json"
bad_creds "credentials without password" 2 "malformed" "$T/bad2.json"
bad_creds "credentials password not a string" 2 "malformed" "$T/bad3.json"
bad_creds "wrong password: the broker's refusal" 3 "refused the login" "$T/bad4.json"
"$TETHER" ping "$T/device/device.json" --via "mqtt://127.0.0.1:$MQ_PORT" --key "$T/c1.pem" \
    --grant "$T/c1.grant" --count 1 > "$T/bad.out" 2>&1
check "mqtt:// without credentials" "1 1" "$? $(grep -c 'needs broker credentials' "$T/bad.out")"
"$TETHER" ping "$T/device/device.json" --via "mqtt://127.0.0.1:notaport" --broker-credentials "$R/credentials/c1.json" \
    --key "$T/c1.pem" --grant "$T/c1.grant" --count 1 > "$T/bad.out" 2>&1
# a bad address on the command line is a usage error (CLI-001), named with the option
check "bad mqtt:// address" "1 1" "$? $(grep -c 'via mqtt://127.0.0.1:notaport' "$T/bad.out")"
"$BUILD/host/bin/tether-bridge" --link "tcp:127.0.0.1:1" --broker "mqtt://127.0.0.1:$MQ_PORT" \
    --credentials "$R/credentials/$ID.json" --device-id nothex > "$T/bad.out" 2>&1
check "bridge: bad device id" "1 1" "$? $(grep -c 'device-id must be 32 hex digits' "$T/bad.out")"

kill $SUBPID 2>/dev/null; wait $SUBPID 2>/dev/null; SUBPID=
check "user without the ACL read nothing of the device" 0 "$(grep -vc "^tether/$ID2/down " "$T/dev2.sub")"
check "its publishes were dropped" 0 "$(grep -c 'not yours\|6e6f7420796f757273' "$T/monitor")"
check "bridge dropped empty/oversized" 1 "$(kill -TERM "$BR_PID"; wait "$BR_PID"; BR_PID=; grep -c 'dropped down [1-9]\|length [1-9]' "$R/bridge.err" | awk '{print ($1>=1)}')"
if [ "$fail" != 0 ]; then
    for f in c1.out c2.out dev2.err info.out revoke.out via.out wrong.out; do echo "--- $f"; cat "$T/$f"; done
    echo "--- bridge"; cat "$R/bridge.err"; exit 1
fi
echo "relay_access: all checks passed"
