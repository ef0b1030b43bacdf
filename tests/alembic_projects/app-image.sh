#!/usr/bin/env bash
# Builds a local application image that holds the SweetShop as an unconverted Alembic project
# (tests/alembic_projects/sweetshop at /app/alembic) with the host's Python 3 and its Alembic,
# SQLAlchemy, Mako, MarkupSafe, greenlet and psycopg2 (Debian's python3-alembic and
# python3-psycopg2), without a registry or a base image, the way scripts/image.sh builds the
# Retort image: the files, exactly the shared libraries they load (ldd of python3 and of every
# extension module) and the loader, /etc/passwd with the user 65532, /tmp. No Retort inside:
# the operator's Job copies it in (spec.migrations.alembic, docs/alembic.md).
#
#   tests/alembic_projects/app-image.sh --rootfs DIR            the file system only
#   tests/alembic_projects/app-image.sh [--out FILE] [--import CLUSTER_DIR]
#
# Prints the image reference (localhost/sweetshop-alembic:0.1.0) as its last line.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out="$root/build/sweetshop-alembic-image.tar"
rootfs=""
cluster=""
while [ $# -gt 0 ]; do
  case "$1" in
    --rootfs) rootfs="${2:?--rootfs needs a directory}"; shift 2 ;;
    --out) out="${2:?--out needs a file}"; shift 2 ;;
    --import) cluster="${2:?--import needs a cluster directory}"; shift 2 ;;
    *) echo "usage: $0 [--rootfs DIR | --out FILE] [--import CLUSTER_DIR]" >&2; exit 2 ;;
  esac
done
die() { echo "app-image.sh: $*" >&2; exit 1; }
python=$(readlink -f /usr/bin/python3)
[ -x "$python" ] || die "no /usr/bin/python3 (install python3)"
version=$("$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
stdlib=/usr/lib/python$version
dist=/usr/lib/python3/dist-packages
for package in alembic sqlalchemy mako markupsafe greenlet psycopg2; do
  [ -d "$dist/$package" ] || die "no $dist/$package (install python3-alembic python3-psycopg2)"
done
work=$(mktemp -d "${TMPDIR:-/tmp}/retort-app-image.XXXXXX")
trap 'rm -rf "$work"' EXIT
fs=${rootfs:-$work/rootfs}
mkdir -p "$fs/usr/bin" "$fs$dist" "$fs/tmp" "$fs/app" "$fs/etc"
chmod 1777 "$fs/tmp"
cp -L "$python" "$fs/usr/bin/python$version"
ln -sf "python$version" "$fs/usr/bin/python3"
# The standard library without what a migration never imports (tests, IDLE, Tk, 2to3, pip).
tar -C / --exclude="${stdlib#/}/test" --exclude="${stdlib#/}/idlelib" \
  --exclude="${stdlib#/}/tkinter" --exclude="${stdlib#/}/lib2to3" \
  --exclude="${stdlib#/}/ensurepip" --exclude='__pycache__' -cf - "${stdlib#/}" | tar -C "$fs" -xf -
for package in alembic sqlalchemy mako markupsafe greenlet psycopg2; do
  cp -r "$dist/$package" "$fs$dist/"
done
find "$fs$dist" -name __pycache__ -prune -exec rm -rf {} +
# Exactly the libraries python3 and the extension modules load, and the loader.
{ echo "$python"; find "$fs$stdlib" "$fs$dist" -name '*.so' | sed "s|^$fs||"; } |
  while read -r binary; do ldd "$binary" 2>/dev/null || true; done |
  awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\/.*[^:]$/ {print $1}' | sort -u >"$work/libs"
while read -r lib; do
  mkdir -p "$fs$(dirname "$lib")"
  cp -L "$lib" "$fs$lib"
done <"$work/libs"
cp -r "$root/tests/alembic_projects/sweetshop" "$fs/app/alembic"
find "$fs/app" -name __pycache__ -prune -exec rm -rf {} +
cat >"$fs/etc/passwd" <<PASSWD
root:x:0:0:root:/root:/sbin/nologin
app:x:65532:65532:app:/tmp:/sbin/nologin
PASSWD
printf 'root:x:0:\napp:x:65532:\n' >"$fs/etc/group"
chmod -R a+rX,go-w "$fs"
chmod 1777 "$fs/tmp"
ref=localhost/sweetshop-alembic:0.1.0
if [ -n "$rootfs" ]; then
  echo "app-image.sh: rootfs in $fs ($(du -sk "$fs" | cut -f1) KiB, $(wc -l <"$work/libs") libraries)" >&2
  echo "$fs"
  exit 0
fi
mkdir -p "$(dirname "$out")"
"$root/scripts/oci-archive.sh" "$fs" "$out" 0.1.0 \
  --config.entrypoint /usr/bin/python3 --config.user 65532:65532 \
  --config.env PATH=/usr/local/bin:/usr/bin:/bin --config.workingdir /app/alembic >&2
echo "app-image.sh: $out: $(du -k "$out" | cut -f1) KiB, $(wc -l <"$work/libs") libraries" >&2
if [ -n "$cluster" ]; then
  sock="$cluster/node/containerd/containerd.sock"
  [ -S "$sock" ] || die "$cluster is not a running node cluster (no $sock)"
  ctr --address "$sock" -n k8s.io images import --base-name localhost/sweetshop-alembic "$out" >&2
fi
echo "$ref"
