#!/usr/bin/env bash
# Installs everything Retort needs to build, test and run its demo on Debian (bookworm).
# Idempotent and quick when everything is already there. Run as root (or with sudo).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config clang-format
  libcpprest-dev nlohmann-json3-dev libpq-dev prometheus-cpp-dev libgtest-dev libgmock-dev
  libyaml-cpp-dev libcli11-dev libspdlog-dev libpg-query-dev libbenchmark-dev libssl-dev
  libhowardhinnant-date-dev tzdata
  postgresql postgresql-client python3 python3-alembic python3-psycopg2 hyperfine
  openssl curl ca-certificates util-linux git ccache patchelf
  containerd runc umoci containernetworking-plugins nftables iptables conntrack iproute2
  prometheus lua5.4 python3-yaml
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
  # Packages would start their services on install: Debian's prometheus on :9090 of every
  # address, PostgreSQL and containerd too. Tests and demos start their own, on loopback or the
  # test bridge, so nothing is started during the install (policy-rc.d, honoured by
  # invoke-rc.d and deb-systemd-invoke) and the packaged Prometheus stays disabled.
  no_start=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
    $sudo chmod 755 /usr/sbin/policy-rc.d
    no_start=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  [ -z "$no_start" ] || $sudo rm -f /usr/sbin/policy-rc.d
  if printf '%s\n' "${missing[@]}" | grep -qx prometheus && [ -d /run/systemd/system ]; then
    $sudo systemctl disable --now prometheus >/dev/null 2>&1 || true
  fi
fi
