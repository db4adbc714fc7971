#!/usr/bin/env bash
# Installs the Debian 12 packages the tests and the quick start need, on a machine that already has the .NET SDK:
# PostgreSQL 15 for the integration tests, a C toolchain, cmake and the OpenSSL headers for the native AOT build
# with statically linked OpenSSL, a JDK with Debian's PostgreSQL JDBC driver for the JDBC client tests, and
# pgbouncer and haproxy, the proxies the end-to-end benchmark measures Sluice beside.
# Packages already installed are skipped, so a repeated run is quick and needs no network; apt-get update runs only
# when something is missing.
set -euo pipefail

packages=(
  postgresql
  postgresql-contrib
  gcc
  libc6-dev
  cmake
  make
  libssl-dev
  openssl
  procps
  openjdk-17-jdk-headless
  libpostgresql-jdbc-java
  pgbouncer
  haproxy
  util-linux
)

missing=()
for package in "${packages[@]}"; do
  # Capture first: piping dpkg into grep -q can fail under pipefail when grep exits early.
  status="$(dpkg -s "$package" 2>/dev/null || true)"
  if [[ "$status" != *"Status: install ok installed"* ]]; then
    missing+=("$package")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

as_root=()
if [[ "$(id -u)" -ne 0 ]]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "install-deps: missing ${missing[*]}; run as root or install sudo" >&2
    exit 1
  fi
  as_root=(sudo)
fi

echo "install-deps: installing ${missing[*]}"
"${as_root[@]}" apt-get update -q
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -q --no-install-recommends "${missing[@]}"
