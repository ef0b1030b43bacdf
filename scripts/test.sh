#!/usr/bin/env bash
# The test suite: installs dependencies, builds with warnings as errors, and runs every layer
# (unit, integration on a real PostgreSQL, compatibility with real Alembic, end-to-end on a
# real kube-apiserver and etcd). Then rebuilds with AddressSanitizer and
# UndefinedBehaviorSanitizer and runs the unit, integration and kube tests again, and builds
# the kube client with ThreadSanitizer to run the tests of its threaded parts. A layer that
# finds no tests is an error, not a pass.
#   SANITIZE=0 scripts/test.sh      skip the sanitizer pass
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
  started=$SECONDS
  BUILD_DIR="$root/build-sanitize" \
    TARGETS="retort retort_unit_tests retort_operator_unit_tests retort_kube_unit_tests
             retort_integration_tests retort_kube_tests retort_kube_lease_candidate
             retort_operator_kube_tests" \
    "$root/scripts/build.sh" -DRETORT_SANITIZE=ON -DRETORT_BUILD_BENCH=OFF
  (cd "$root/build-sanitize" && ASAN_OPTIONS=detect_leaks=1 \
    ctest --no-tests=error --output-on-failure -L 'unit|integration|kube') || status=$?
  echo "== sanitizer pass (address, undefined): $((SECONDS - started)) s" >&2
fi

# ThreadSanitizer on the threaded kube code only (informer, leader election, events), in its
# own build tree: the unit tests on a fake Api and the kube tests of those parts on a real
# control plane. TSan cannot see inside cpprestsdk (not instrumented); kube/tsan.supp names
# the reports that come from there, each with why.
if [ "${SANITIZE:-1}" = 1 ] && [ $status = 0 ]; then
  echo "== thread sanitizer build" >&2
  started=$SECONDS
  BUILD_DIR="$root/build-tsan" \
    TARGETS="retort_kube_unit_tests retort_kube_tests retort_kube_lease_candidate" \
    "$root/scripts/build.sh" -DRETORT_SANITIZE_THREAD=ON -DRETORT_BUILD_BENCH=OFF
  threaded='^kube_unit\.(InformerUnitTest|LeaderElectorUnitTest|EventRecorderUnitTest)\.'
  threaded+='|^kube\.(InformerTest|WatchStreamTest|LeaseTest|EventTest)\.'
  (cd "$root/build-tsan" &&
    TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$root/tests/kube/tsan.supp" \
    ctest --no-tests=error --output-on-failure -R "$threaded") || status=$?
  echo "== thread sanitizer pass: $((SECONDS - started)) s" >&2
fi

exit $status
