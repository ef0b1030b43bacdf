#!/usr/bin/env bash
# Installs everything Retort needs to build, test and run its demo on Debian (bookworm).
# Idempotent and quick when everything is already there. Run as root (or with sudo).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config clang-format
  libcpprest-dev nlohmann-json3-dev libpq-dev prometheus-cpp-dev libgtest-dev libgmock-dev
  libyaml-cpp-dev libcli11-dev libspdlog-dev libpg-query-dev libbenchmark-dev libssl-dev
  postgresql postgresql-client python3 python3-alembic python3-psycopg2 hyperfine
  openssl curl ca-certificates golang-go git
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# A Go toolchain may already be on PATH (newer than Debian's); the control plane needs Go.
if command -v go >/dev/null 2>&1; then
  missing=("${missing[@]/golang-go}")
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
