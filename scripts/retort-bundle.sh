#!/usr/bin/env bash
# Assembles Retort's self-contained bundle: what an application image needs to run
# `retort run --executor alembic` when the Job copies the bundle into it (docs/alembic.md).
#
#   scripts/retort-bundle.sh OUT [--build-dir DIR] [--mount /retort]
#
# OUT gets bin/retort, bin/pg_dump, bin/pg_restore, lib/ (every shared library the three load,
# and the dynamic loader) and share/retort/ (the Alembic helpers). The three binaries are
# patched (patchelf) to use the loader at MOUNT/lib and to look for libraries in MOUNT/lib
# only (DT_RPATH, which also covers the libraries' own dependencies), so they run in any
# x86-64 Linux image once OUT is mounted at MOUNT (the Job mounts it at /retort), whatever C
# library and libpq the image has, and they leave the image's own programs (Python) alone: no
# LD_LIBRARY_PATH. scripts/image.sh puts the bundle at /opt/retort in the Retort image.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out="${1:?usage: retort-bundle.sh OUT [--build-dir DIR] [--mount PATH]}"
shift
build="$root/build"
mount=/retort
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) build="${2:?--build-dir needs a directory}"; shift 2 ;;
    --mount) mount="${2:?--mount needs a path}"; shift 2 ;;
    *) echo "usage: retort-bundle.sh OUT [--build-dir DIR] [--mount PATH]" >&2; exit 2 ;;
  esac
done
die() { echo "retort-bundle.sh: $*" >&2; exit 1; }
command -v patchelf >/dev/null || die "patchelf is required (scripts/install-deps.sh installs it)"
retort="${RETORT:-$build/controller/cli/retort}"
[ -x "$retort" ] || die "no retort binary at $retort (run scripts/build.sh)"
pg_bin=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
[ -x "$pg_bin/pg_dump" ] && [ -x "$pg_bin/pg_restore" ] || die "no pg_dump/pg_restore found"

mkdir -p "$out/bin" "$out/lib" "$out/share/retort"
install -m 0755 "$retort" "$out/bin/retort"
install -m 0755 "$pg_bin/pg_dump" "$out/bin/pg_dump"
install -m 0755 "$pg_bin/pg_restore" "$out/bin/pg_restore"
strip --strip-unneeded "$out/bin/retort" "$out/bin/pg_dump" "$out/bin/pg_restore"
install -m 0644 "$root/controller/engine/script/alembic_offline_sql.py" \
  "$root/controller/engine/script/alembic_run_step.py" "$out/share/retort/"
loader=""
while read -r lib; do
  cp -L "$lib" "$out/lib/$(basename "$lib")"
  case "$(basename "$lib")" in ld-linux*) loader=$(basename "$lib") ;; esac
done < <(ldd "$retort" "$pg_bin/pg_dump" "$pg_bin/pg_restore" |
  awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\/.*[^:]$/ {print $1}' | sort -u)
[ -n "$loader" ] || die "ldd named no dynamic loader"
chmod 0755 "$out/lib/$loader"
for binary in retort pg_dump pg_restore; do
  patchelf --set-interpreter "$mount/lib/$loader" --force-rpath --set-rpath "$mount/lib" \
    "$out/bin/$binary"
done
chmod -R a+rX,go-w "$out"
echo "retort-bundle.sh: $out: $(find "$out/lib" -type f | wc -l) libraries, $(du -sk "$out" | cut -f1) KiB, for $mount" >&2
