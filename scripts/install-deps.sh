#!/usr/bin/env bash
# Installs everything Retort needs to build, test and run its demo on Debian (bookworm).
# Idempotent and quick when everything is already there. Run as root (or with sudo).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config clang-format
  libcpprest-dev nlohmann-json3-dev libpq-dev prometheus-cpp-dev libgtest-dev libgmock-dev
  libyaml-cpp-dev libcli11-dev libspdlog-dev libpg-query-dev libbenchmark-dev libssl-dev
  postgresql postgresql-client python3 python3-alembic python3-psycopg2 hyperfine
  openssl curl ca-certificates util-linux git ccache patchelf
  containerd runc umoci containernetworking-plugins nftables iptables conntrack iproute2
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# The control plane is built with Go >= 1.26 (the machine image has it in /usr/local/go);
# Debian's golang-go is too old, so it is not installed here: tests/cluster/build-tools.sh
# says so clearly if no suitable Go is found.
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
