#!/usr/bin/env bash
# The test suite: installs dependencies, builds with warnings as errors, and runs every layer
# (unit, integration on a real PostgreSQL, compatibility with real Alembic, end-to-end on a
# real kube-apiserver and etcd). Then rebuilds with AddressSanitizer and
# UndefinedBehaviorSanitizer and runs the unit and integration tests again. A layer that finds
# no tests is an error, not a pass.
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
  BUILD_DIR="$root/build-sanitize" \
    TARGETS="retort retort_unit_tests retort_operator_unit_tests retort_integration_tests" \
    "$root/scripts/build.sh" -DRETORT_SANITIZE=ON -DRETORT_BUILD_BENCH=OFF
  (cd "$root/build-sanitize" && ASAN_OPTIONS=detect_leaks=1 \
    ctest --no-tests=error --output-on-failure -L 'unit|integration') || status=$?
fi

exit $status
