#!/usr/bin/env bash
# run.sh — shows that the conformance suite bites: builds deliberately broken variants of
# the reference device and client, each from one patch of conformance/mutants/device/ or
# client/ applied to a copy of the sources in $BUILD/mutants/ (never an #if in the core),
# runs the device suite against each device (tether-hostdev: the supervisor core on the host
# port) and the client suite against each client (`tether ping`, `tether attest`); a relay/
# patch breaks tether-bridge, and the device suite runs through mosquitto and that bridge in
# front of tether-hostdev (conformance/tests/relay_conformance.sh --hostdev). It counts the variants
# caught by a failing case that names the requirement the patch violates ("Violates: [ID]"
# on the patch's first line).
#
#   conformance/mutants/run.sh [--full] [--md FILE] [PATCH...]      (default: every patch)
# Needs the build (make writes $BUILD/host/conformance/mutant.env: the host device's objects
# and compile flags). By default only the cases naming the violated requirement run
# (tether-conform --only); --full runs the whole suite and looks for a failing case naming
# it. Exit 0 only if every variant was built and caught.
set -u
BUILD=${BUILD:-build}
BIN=$BUILD/host/bin
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../tests/hostdev_up.sh"
full=0; md=
while [ $# -gt 0 ]; do
  case $1 in
    --full) full=1; shift ;;
    --md) md=$2; shift 2 ;;
    *) break ;;
  esac
done
patches=("$@")
[ ${#patches[@]} -gt 0 ] || patches=("$HERE"/device/*.patch "$HERE"/client/*.patch "$HERE"/relay/*.patch)
# What the build wrote for us: the host device's objects and the host compile flags.
[ -f "$BUILD/host/conformance/mutant.env" ] && . "$BUILD/host/conformance/mutant.env"
: "${HOSTDEV_OBJS:?run make first (it writes $BUILD/host/conformance/mutant.env)}" "${LIB_A:?}"
root=${MUTANTS_DIR:-$BUILD/mutants}
mkdir -p "$root"
built=0; caught=0; rows=()
HPID=
tmp=$(mktemp -d)
trap '[ -n "$HPID" ] && kill "$HPID" 2>/dev/null; rm -rf "$tmp"' EXIT
for p in "${patches[@]}"; do
  kind=$(basename "$(dirname "$p")")   # device, client or relay
  name=$kind-$(basename "$p" .patch)
  req=$(sed -n '1s/^Violates: \(\[[A-Z0-9-]*\]\).*/\1/p' "$p")
  what=$(sed -n '2s/^What: //p' "$p")
  d=$root/$name
  rm -rf "$d"; mkdir -p "$d/src"
  cp -r lib ref-device ref-client relay "$d/src/"
  files=$(sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$p")
  status="not built"; cases=
  if patch -s -p1 -d "$d/src" < "$p" >"$d/patch.log" 2>&1; then
    if [ "$kind" = client ]; then objs=" $TETHER_OBJS "; exe=tether; libs=${TETHER_LIBS:-}
    elif [ "$kind" = relay ]; then objs=" $BRIDGE_OBJS "; exe=tether-bridge; libs="${MUT_LIBS:-} ${RELAY_LIBS:-}"
    else objs=" $HOSTDEV_OBJS "; exe=tether-hostdev; libs=${MUT_LIBS:-}; fi
    extra=; ok=1
    for f in $files; do
      o=$d/${f%.c}.o
      mkdir -p "$(dirname "$o")"
      # the copy's lib/include first; -Werror off: a broken variant may leave code unused
      if ! ${CC:-gcc} ${MUT_CFLAGS/-Werror/} -I"$d/src/lib/include" -c "$d/src/$f" -o "$o" \
          >"$d/build.log" 2>&1; then ok=0; break; fi
      orig=" $BUILD/host/${f%.c}.o "
      if [[ $objs == *"$orig"* ]]; then objs=${objs/$orig/ $o }; else extra="$extra $o"; fi
    done
    [ $ok = 1 ] && ${CC:-gcc} ${MUT_LDFLAGS:-} $extra $objs "$LIB_A" -o "$d/$exe" \
      $libs >>"$d/build.log" 2>&1 || ok=0
    if [ $ok = 1 ]; then
      built=$((built + 1)); status=missed
      rm -rf "$tmp/device"
      if [ "$kind" = client ]; then
        timeout --kill-after=5 600 "$BIN/tether-conform" --client \
          "$d/tether ping {device} --key {key} --grant {grant} --count 3 --timeout 3000" \
          --client-attest "$d/tether attest {device} --key {key} --grant {grant} --expect-app {app} --timeout 3000" \
          >"$d/conform.out" 2>&1
        cases=$(grep '^FAIL' "$d/conform.out" | grep -F "$req" | sed 's/^FAIL *[a-z]* *//' | cut -c1-120 | head -n 3 | paste -sd ';' -)
        [ -n "$cases" ] && { status=caught; caught=$((caught + 1)); }
      elif [ "$kind" = relay ]; then
        if [ $full = 1 ]; then only=(); else only=(--only "$req"); fi
        TT_BRIDGE_BIN=$d/tether-bridge BUILD=$BUILD timeout --kill-after=5 600 \
          "$HERE/../tests/relay_conformance.sh" --hostdev "${only[@]}" >"$d/conform.out" 2>&1
        cases=$(grep '^FAIL' "$d/conform.out" | grep -F "$req" | sed 's/^FAIL *[a-z0-9]* *//' | cut -c1-120 | head -n 3 | paste -sd ';' -)
        [ -n "$cases" ] && { status=caught; caught=$((caught + 1)); }
      elif hostdev_up "$d/tether-hostdev" "$tmp" >/dev/null; then
        if [ $full = 1 ]; then only=(); else only=(--only "$req"); fi
        timeout --kill-after=5 300 "$BIN/tether-conform" --device "$tmp/device/device.json" \
          --owner "$tmp/device/owner.pem" "${OTA_ARGS[@]}" "${only[@]}" >"$d/conform.out" 2>&1
        cases=$(grep '^FAIL' "$d/conform.out" | grep -F "$req" | sed 's/^FAIL *[a-z]* *//' | cut -c1-120 | head -n 3 | paste -sd ';' -)
        [ -n "$cases" ] && { status=caught; caught=$((caught + 1)); }
        kill "$HPID" 2>/dev/null; wait "$HPID" 2>/dev/null; HPID=
      else
        cases="the variant did not start"
      fi
    fi
  fi
  printf '%-34s %-10s %-9s %s\n' "$name" "$req" "$status" "$cases"
  rows+=("| $name | $req | $what | $status | ${cases//|/\\|} |")
done
total=${#patches[@]}
echo "mutants: $built built of $total, $caught caught (caught/built = $caught/$built)"
if [ -n "$md" ]; then
  { echo "# Conformance mutants: the suite bites (spec/conformance.md [CNF-037])"
    echo
    echo "Generated by \`make conform-mutants\` (conformance/mutants/run.sh) on $(date -u '+%Y-%m-%d %H:%M UTC'); do not edit."
    echo "Each variant is one patch of \`conformance/mutants/device/\` or \`client/\` applied to a copy of the"
    echo "sources in \`build/mutants/\` (never an \`#if\` in the core). Device variants run as \`tether-hostdev\`"
    echo "(the supervisor core on the host port) against the device suite; client variants are \`tether\` builds"
    echo "run by the client suite; relay variants are \`tether-bridge\` builds the device suite runs through"
    echo "(mosquitto and the variant in front of \`tether-hostdev\`, conformance/tests/relay_conformance.sh). A variant counts as caught only when a failing case cites the requirement"
    echo "the patch violates. \`make test\` runs three device variants (conformance/tests/mutants_smoke.sh)."
    echo
    echo "| variant | violates | what the patch does | result | failing cases naming it |"
    echo "|---|---|---|---|---|"
    printf '%s\n' "${rows[@]}"
    echo
    echo "Score: **$caught caught / $built built** ($total patches; mode: $([ $full = 1 ] && echo 'full suite' || echo 'cases naming the requirement'))."
  } > "$md"
fi
[ "$built" = "$total" ] && [ "$caught" = "$built" ]
