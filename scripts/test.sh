#!/usr/bin/env bash
# The test suite: installs dependencies, builds with warnings as errors, and runs every layer
# (unit, integration on a real PostgreSQL, compatibility with real Alembic, end-to-end on a
# real kube-apiserver and etcd). Then rebuilds with AddressSanitizer and
# UndefinedBehaviorSanitizer and runs the unit, integration and Kubernetes client tests again,
# and rebuilds the Kubernetes client with ThreadSanitizer for its threaded parts (informer,
# leader election, event recording). A layer that finds no tests is an error, not a pass.
#   SANITIZE=0 scripts/test.sh      skip both sanitizer passes
#   TSAN=0 scripts/test.sh          skip only the ThreadSanitizer pass
#   LABELS=unit scripts/test.sh     run only some layers (a ctest label regex)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# The machine image keeps Go in /usr/local/go; non-interactive shells may not have it on PATH.
[ -x /usr/local/go/bin/go ] && export PATH="/usr/local/go/bin:$PATH"
"$root/scripts/install-deps.sh"

echo "== build (warnings are errors)" >&2
"$root/scripts/build.sh"
echo "== clang-format check" >&2
(cd "$root" && git ls-files 'controller/*.cpp' 'controller/*.hpp' 'tests/*.cpp' 'tests/*.hpp' 'bench/*.cpp' |
  xargs -r clang-format --dry-run --Werror)

status=0
(cd "$root/build" && ctest --no-tests=error --output-on-failure ${LABELS:+-L "$LABELS"}) || status=$?

if [ "${SANITIZE:-1}" = 1 ] && [ $status = 0 ]; then
  echo "== sanitizer build (address, undefined)" >&2
  BUILD_DIR="$root/build-sanitize" \
    TARGETS="retort retort_unit_tests retort_integration_tests retort_kube_tests retort_kube_lease_candidate" \
    "$root/scripts/build.sh" -DRETORT_SANITIZE=ON -DRETORT_BUILD_BENCH=OFF
  (cd "$root/build-sanitize" && ASAN_OPTIONS=detect_leaks=1 \
    ctest --no-tests=error --output-on-failure -L 'unit|integration') || status=$?
  (cd "$root/build-sanitize" && ASAN_OPTIONS=detect_leaks=1 \
    ctest --no-tests=error --output-on-failure -R '^(kube\.|kube_control_plane_build$)') || status=$?
fi

if [ "${SANITIZE:-1}" = 1 ] && [ "${TSAN:-1}" = 1 ] && [ $status = 0 ]; then
  echo "== thread sanitizer build (Kubernetes client)" >&2
  BUILD_DIR="$root/build-tsan" TARGETS="retort_kube_tests retort_kube_lease_candidate" \
    "$root/scripts/build.sh" -DRETORT_BUILD_BENCH=OFF \
    -DCMAKE_CXX_FLAGS="-fsanitize=thread -fno-omit-frame-pointer" \
    -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread
  # The threaded code: informers (watch threads, handlers), leader election, event recording.
  (cd "$root/build-tsan" && TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
    ctest --no-tests=error --output-on-failure \
    -R '^(kube\.(InformerTest|LeaseTest|EventTest|WatchStreamTest)\.|kube_control_plane_build$)') ||
    status=$?
fi
exit $status
