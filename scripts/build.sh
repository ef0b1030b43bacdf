#!/usr/bin/env bash
# Configures and builds Retort into build/ (or $BUILD_DIR). Extra arguments go to CMake.
# With ccache installed (install-deps.sh installs it) compilations are cached under ~/.ccache,
# keyed relative to the checkout, so a rebuild in a fresh clone of the same sources is quick.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
launcher=()
if [ -z "${CMAKE_CXX_COMPILER_LAUNCHER:-}" ] && command -v ccache >/dev/null; then
  export CCACHE_BASEDIR="$root"
  # Debug info would otherwise tie every entry to the checkout's directory: another clone or
  # worktree of the same sources would compile everything again.
  export CCACHE_NOHASHDIR=1
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo} -DRETORT_WERROR=ON \
  "${launcher[@]}" "$@" >/dev/null
ninja -C "$build" -j "${JOBS:-$(nproc)}" ${TARGETS:-}
