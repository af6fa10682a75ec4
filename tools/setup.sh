#!/usr/bin/env bash
# setup.sh — everything a fresh Debian 12 machine needs to build and test Tether.
#
# 1. Debian packages (binaries) for the host build, tests, emulator and fuzzers.
# 2. Debian *source* packages for the Cortex-M build (mbedTLS 2.28, nanopb runtime), fetched
#    with `apt-get source` through a private deb-src list into $BUILD/deps (ignored by git).
# Idempotent; when everything is present it only checks and returns.
# `setup.sh --check BUILD` only reports what is missing (used by `make test`).
set -euo pipefail

check_only=0
if [ "${1:-}" = "--check" ]; then check_only=1; shift; fi
BUILD=${1:-build}
DEPS="$BUILD/deps"

PACKAGES=(gcc make pkg-config dpkg-dev python3 gcc-arm-none-eabi libnewlib-arm-none-eabi
  qemu-system-arm gdb-multiarch nanopb libnanopb-dev protobuf-compiler python3-protobuf
  libsodium-dev libmbedtls-dev check afl++ clang llvm openssl xxd python3-cryptography
  mosquitto mosquitto-clients libmosquitto-dev libjansson-dev rabbitmq-server
  patch)  # patch: conformance/mutants/run.sh applies the broken variants to a copy
# Source packages for the cross build: name and the directory dpkg-source unpacks to.
SOURCES=("mbedtls mbedtls-2.28" "nanopb nanopb-0.4")

missing_packages() {
  local p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}

source_dir() { # prints the unpacked dir of a source package, if any
  ls -d "$DEPS"/$2* 2>/dev/null | grep -v '\.' | head -1 || true
}

missing=$(missing_packages)
missing_src=()
for s in "${SOURCES[@]}"; do
  set -- $s
  [ -n "$(ls -d "$DEPS/$2"*/ 2>/dev/null | head -1)" ] || missing_src+=("$1")
done

if [ $check_only = 1 ]; then
  if [ -n "$missing" ] || [ ${#missing_src[@]} -gt 0 ]; then
    echo "setup incomplete: run 'make setup' first (missing: $(echo $missing) ${missing_src[*]:-})" >&2
    exit 1
  fi
  exit 0
fi

SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo

if [ -n "$missing" ]; then
  echo "setup: installing $(echo $missing)"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
else
  echo "setup: Debian packages present"
fi

if [ ${#missing_src[@]} -gt 0 ]; then
  mkdir -p "$DEPS/apt/lists/partial"
  # A private deb-src list built from this machine's own Debian mirror, so the system's
  # apt configuration is left untouched.
  uri=$( (grep -h '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}';
          grep -h '^deb ' /etc/apt/sources.list 2>/dev/null | awk '{print $2}') \
        | grep -v security | head -1 || true)
  [ -n "$uri" ] || { echo "setup: no Debian mirror found in /etc/apt" >&2; exit 1; }
  echo "deb-src $uri bookworm main" > "$DEPS/apt/sources.list"
  aptopts=(-o "Dir::Etc::SourceList=$PWD/$DEPS/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
           -o "Dir::State::Lists=$PWD/$DEPS/apt/lists" -o APT::Sandbox::User=root)
  apt-get "${aptopts[@]}" update -q
  (cd "$DEPS" && apt-get "${aptopts[@]}" source -q "${missing_src[@]}")
  rm -f "$DEPS"/*.tar.* "$DEPS"/*.dsc
fi
echo "setup: sources in $DEPS: $(cd "$DEPS" && ls -d */ | grep -v apt | tr '\n' ' ')"
