#!/usr/bin/env bash
# Builds the Retort container image from the build tree, without a registry or a base image.
#
#   scripts/image.sh [--build-dir DIR] [--out FILE] [--import CLUSTER_DIR]
#
# The image holds the `retort` binary, `pg_dump` and `pg_restore` of the PostgreSQL major
# version the tests use (the newest under /usr/lib/postgresql, as tests/support/postgres.sh
# picks), exactly the shared libraries these three need (from ldd) and the dynamic loader, the
# CA certificates, the time zone database, /etc/passwd and /etc/group with the non-root user
# 65532, and the SweetShop migrations at /migrations, and at /opt/retort the self-contained
# bundle of scripts/retort-bundle.sh (for application images that hold an Alembic project).
# There is no shell. The entrypoint is `retort`, the user 65532.
#
# Writes an OCI archive (default build/retort-image.tar). With --import CLUSTER_DIR (a node
# cluster from `tests/cluster/cluster.sh up --node`), imports it into that cluster's containerd
# as localhost/retort:<version>. Prints the image reference as its last line.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build"
out=""
cluster=""
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) build="${2:?--build-dir needs a directory}"; shift 2 ;;
    --out) out="${2:?--out needs a file}"; shift 2 ;;
    --import) cluster="${2:?--import needs a cluster directory}"; shift 2 ;;
    *) echo "usage: $0 [--build-dir DIR] [--out FILE] [--import CLUSTER_DIR]" >&2; exit 2 ;;
  esac
done
out="${out:-$build/retort-image.tar}"

die() { echo "image.sh: $*" >&2; exit 1; }
retort="$build/controller/cli/retort"
[ -x "$retort" ] || retort="$(find "$build" -name retort -type f -perm -u+x 2>/dev/null | head -n1)"
[ -n "$retort" ] && [ -x "$retort" ] || die "no retort binary under $build (run scripts/build.sh)"
pg_bin=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
[ -x "$pg_bin/pg_dump" ] && [ -x "$pg_bin/pg_restore" ] ||
  die "no pg_dump/pg_restore found (install postgresql-client)"
[ -f /etc/ssl/certs/ca-certificates.crt ] || die "no CA bundle (install ca-certificates)"
command -v strip >/dev/null || die "strip is required (binutils)"

version="$("$retort" --version | awk '{print $NF}')"
[ -n "$version" ] || die "could not read the version from $retort --version"
ref="localhost/retort:$version"

work=$(mktemp -d "${TMPDIR:-/tmp}/retort-image.XXXXXX")
trap 'rm -rf "$work"' EXIT
fs="$work/rootfs"
mkdir -p "$fs/usr/bin" "$fs/etc/ssl/certs" "$fs/tmp" "$fs/migrations"
chmod 1777 "$fs/tmp"

install -m 0755 "$retort" "$fs/usr/bin/retort"
install -m 0755 "$pg_bin/pg_dump" "$fs/usr/bin/pg_dump"
install -m 0755 "$pg_bin/pg_restore" "$fs/usr/bin/pg_restore"
# Debug information is most of a RelWithDebInfo binary; the image does not need it.
strip --strip-unneeded "$fs/usr/bin/retort" "$fs/usr/bin/pg_dump" "$fs/usr/bin/pg_restore"

# Exactly the libraries the three binaries load, at the paths the loader looks for them.
ldd "$retort" "$pg_bin/pg_dump" "$pg_bin/pg_restore" |
  awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\/.*[^:]$/ {print $1}' | sort -u >"$work/libs"
while read -r lib; do
  mkdir -p "$fs$(dirname "$lib")"
  cp -L "$lib" "$fs$lib"
  strip --strip-unneeded "$fs$lib" 2>/dev/null || true
done <"$work/libs"

# The self-contained bundle the Job copies into an application image that holds an Alembic
# project (spec.migrations.alembic; scripts/retort-bundle.sh, docs/alembic.md).
RETORT="$retort" "$root/scripts/retort-bundle.sh" "$fs/opt/retort" --build-dir "$build"
cp -L /etc/ssl/certs/ca-certificates.crt "$fs/etc/ssl/certs/ca-certificates.crt"
# Maintenance windows' time zones (libdate-tz reads /usr/share/zoneinfo at run time); right/ is
# the leap-second variant, which nothing reads.
[ -f /usr/share/zoneinfo/Europe/Berlin ] || die "no time zone database (install tzdata)"
mkdir -p "$fs/usr/share"
cp -r /usr/share/zoneinfo "$fs/usr/share/zoneinfo"
rm -rf "$fs/usr/share/zoneinfo/right"
cat >"$fs/etc/passwd" <<EOF
root:x:0:0:root:/root:/sbin/nologin
retort:x:65532:65532:retort:/tmp:/sbin/nologin
EOF
cat >"$fs/etc/group" <<EOF
root:x:0:
retort:x:65532:
EOF
cp -r "$root/migrations/." "$fs/migrations/"
find "$fs/migrations" -name __pycache__ -prune -exec rm -rf {} +
chmod -R a+rX,go-w "$fs"

mkdir -p "$(dirname "$out")"
"$root/scripts/oci-archive.sh" "$fs" "$out" "$version" \
  --config.entrypoint /usr/bin/retort --config.user 65532:65532 \
  --config.env PATH=/usr/bin --config.env SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
  --config.env PGSSLROOTCERT=/etc/ssl/certs/ca-certificates.crt \
  --config.label org.opencontainers.image.title=retort \
  --config.label "org.opencontainers.image.version=$version" >&2
echo "image.sh: $out: archive $(du -k "$out" | cut -f1) KiB (gzip layer), file system $(du -sk "$fs" | cut -f1) KiB, $(wc -l <"$work/libs") libraries" >&2

if [ -n "$cluster" ]; then
  sock="$cluster/node/containerd/containerd.sock"
  [ -S "$sock" ] || die "$cluster is not a running node cluster (no $sock)"
  ctr --address "$sock" -n k8s.io images import --base-name localhost/retort "$out" >&2
fi
echo "$ref"
