# Sourced by the delivery tests: `need_kube_tools` puts the pinned helm and kubectl (built by
# tests/cluster/build-tools.sh, a no-op when cached) first on PATH; `need CMD` fails the test,
# naming the package, when a required program is missing (never a skip that counts as a pass).
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

need() { # <command> <Debian package>
  command -v "$1" >/dev/null || fail "$1 not found: install $2 (scripts/install-deps.sh)"
}

need_kube_tools() {
  local bin
  bin="$("$root/tests/cluster/build-tools.sh" | tail -n1)" || fail "tests/cluster/build-tools.sh failed"
  [ -x "$bin/helm" ] && [ -x "$bin/kubectl" ] || fail "no helm or kubectl in $bin"
  export PATH="$bin:$PATH"
}

# helm prints a line per symbolic link it follows (the chart's CRD, RBAC and alerts are links to
# their one source); keep stderr for real errors.
helm_quiet() {
  helm "$@" 2> >(grep -v 'found symbolic link in path' >&2)
}
