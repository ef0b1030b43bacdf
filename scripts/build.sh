#!/usr/bin/env bash
# Configures and builds Retort into build/ (or $BUILD_DIR). Extra arguments go to CMake.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo} -DRETORT_WERROR=ON "$@" >/dev/null
ninja -C "$build" -j "${JOBS:-$(nproc)}" ${TARGETS:-}
