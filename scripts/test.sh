#!/usr/bin/env bash
# The test suite: installs dependencies, builds with warnings as errors, and runs every layer
# (unit, integration on a real PostgreSQL, compatibility with real Alembic, kube on a real
# kube-apiserver and etcd, e2e on a real one-node cluster, delivery: Helm, promtool, Lua). Then
# the sanitizer passes (below). A layer that finds no tests is an error, not a pass. Each phase
# prints a line with the time it started and the summary lists how long each took.
#   SANITIZE=0 scripts/test.sh      skip the sanitizer passes
#   LABELS=unit scripts/test.sh     run only some layers (a ctest label regex)
#   TEST_JOBS=1 scripts/test.sh     tests one at a time (default 2: most tests wait on servers)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# The machine image keeps Go in /usr/local/go; non-interactive shells may not have it on PATH.
[ -x /usr/local/go/bin/go ] && export PATH="/usr/local/go/bin:$PATH"

started=$SECONDS
summary=()
phase_name="" phase_start=$SECONDS
phase() { # <name>: ends the running phase, starts the next one
  if [ -n "$phase_name" ]; then summary+=("$(printf '%-36s %4ds' "$phase_name" $((SECONDS - phase_start)))"); fi
  phase_name="$1" phase_start=$SECONDS
  [ -n "$1" ] && echo "== $1 (at $(((SECONDS - started) / 60))m$(((SECONDS - started) % 60))s)" >&2
  return 0
}
finish() {
  phase ""
  echo "== summary (total $(((SECONDS - started) / 60))m$(((SECONDS - started) % 60))s)" >&2
  printf '   %s\n' "${summary[@]}" >&2
}
trap finish EXIT

phase "install dependencies"
"$root/scripts/install-deps.sh"

# The Kubernetes binaries (a cold cache builds them from Go modules, several minutes) build
# beside the C++ build, at a lower priority, filling the cores that its serial steps (configure,
# links) leave idle; the tests' own build fixtures then find them in the cache.
kube_build=""
if [ -z "${LABELS:-}" ] || [[ "$LABELS" =~ kube|e2e|delivery ]]; then
  kube_log="$(mktemp /tmp/retort-kube-build.XXXXXX.log)"
  (nice -n 10 "$root/tests/cluster/build-tools.sh" --node >"$kube_log" 2>&1) &
  kube_build=$!
fi

phase "build (warnings are errors)"
"$root/scripts/build.sh"

phase "wait for the Kubernetes binaries"
if [ -n "$kube_build" ] && ! wait "$kube_build"; then
  tail -n 30 "$kube_log" >&2
  echo "test.sh: building the Kubernetes binaries failed (log: $kube_log)" >&2
  exit 1
fi

phase "clang-format check"
(cd "$root" && git ls-files 'controller/*.cpp' 'controller/*.hpp' 'tests/*.cpp' 'tests/*.hpp' 'bench/*.cpp' |
  xargs -r clang-format --dry-run --Werror)

phase "tests${LABELS:+ ($LABELS)}"
status=0
(cd "$root/build" && ctest -j "${TEST_JOBS:-2}" --no-tests=error --output-on-failure ${LABELS:+-L "$LABELS"}) || status=$?

# Sanitizer passes, each in its own build tree (SANITIZE=0 skips them):
# - AddressSanitizer + UBSan on the unit, integration and kube tests (the kube client and the
#   operator, in-process and as the `retort controller` process, on a real control plane);
# - ThreadSanitizer on the threaded kube code: informer, leader election and events, on a fake
#   Api (unit) and on a real control plane (kube); and the operator's work queue, workers and
#   drift checker.
# docs/engine.md ("Sanitizers") lists what each covers and how long it takes.
if [ "${SANITIZE:-1}" != 0 ] && [ $status = 0 ]; then
  phase "sanitizer build (address, undefined)"
  asan_targets="retort retort_unit_tests retort_operator_unit_tests retort_integration_tests"
  asan_targets+=" retort_kube_unit_tests retort_kube_tests retort_kube_lease_candidate"
  asan_targets+=" retort_operator_kube_tests"
  BUILD_DIR="$root/build-sanitize" TARGETS="$asan_targets" \
    "$root/scripts/build.sh" -DRETORT_SANITIZE=ON -DRETORT_BUILD_BENCH=OFF
  phase "sanitizer tests (address, undefined)"
  # The memory bounds of very large scripts (LargeScript.*) hold for the release binary and run
  # in the pass above; ASan's shadow memory and quarantine make an RSS bound meaningless here.
  # tests/kube/{lsan,ubsan}.supp name the reports that come from uninstrumented cpprestsdk and
  # OpenSSL, each with why. The server dry run (label kube) is a shell script with no C++ of
  # ours: the first pass ran it. print_suppressions=0: LSan's "Suppressions used" table goes to
  # stderr, which for `retort controller` is its JSON log, and the operator tests parse every
  # line of it; a report still fails the process (exit status) and prints in full.
  (cd "$root/build-sanitize" && ASAN_OPTIONS=detect_leaks=1 GTEST_FILTER='-LargeScript.*' \
    LSAN_OPTIONS="suppressions=$root/tests/kube/lsan.supp print_suppressions=0" \
    UBSAN_OPTIONS="suppressions=$root/tests/kube/ubsan.supp print_stacktrace=1" \
    ctest -j "${TEST_JOBS:-2}" --no-tests=error --output-on-failure -L 'unit|integration|kube' \
      -E '^delivery_') ||
    status=$?
fi

# TSan cannot see inside cpprestsdk (not instrumented); tests/kube/tsan.supp names the reports
# that come from there, each with why.
if [ "${SANITIZE:-1}" != 0 ] && [ $status = 0 ]; then
  phase "thread sanitizer build"
  # The operator's unit tests link its pure core and its drift checker, not the engine:
  # QueueFixture runs the work queue's blocking get and shutdown and the Workers' threads;
  # DriftCheckerThreadTest the drift checker's thread against reconciler calls from two others.
  # The manager's own threads run only in kube.Operator*, which would need the engine and
  # `retort` built under TSan too (docs/engine.md, "Sanitizers").
  tsan_targets="retort_kube_unit_tests retort_kube_tests retort_kube_lease_candidate"
  tsan_targets+=" retort_operator_unit_tests"
  BUILD_DIR="$root/build-tsan" TARGETS="$tsan_targets" \
    "$root/scripts/build.sh" -DRETORT_SANITIZE_THREAD=ON -DRETORT_BUILD_BENCH=OFF
  phase "thread sanitizer tests"
  threaded='^kube_unit\.(InformerUnitTest|LeaderElectorUnitTest|EventRecorderUnitTest)\.'
  threaded+='|^kube\.(InformerTest|WatchStreamTest|LeaseTest|EventTest)\.'
  threaded+='|^QueueFixture\.|^DriftCheckerThreadTest\.'
  (cd "$root/build-tsan" &&
    TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$root/tests/kube/tsan.supp" \
    ctest --no-tests=error --output-on-failure -R "$threaded") || status=$?
fi

exit $status
