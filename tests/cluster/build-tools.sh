#!/usr/bin/env bash
# Builds kube-apiserver, etcd, kubectl and helm of the pinned versions (versions.env) from the
# Go module proxy into ${RETORT_CACHE_DIR:-$HOME/.cache/retort}/kube/<kube version>; with
# --node also kubelet, kube-controller-manager, kube-scheduler and kube-proxy (what
# `cluster.sh up --node` runs). Skips every binary that is already there at the right version.
# Prints that directory as its last stdout line; build chatter goes to stderr.
#
# The Go module and build caches live under the same cache root so that a rerun, or a CI run on
# a machine that kept its cache, is fast. Builds are static (CGO_ENABLED=0), trimmed and
# stripped, and stamp the version via -ldflags exactly as upstream's hack/lib/version.sh does:
# an unstamped kube-apiserver reports v0.0.0-master, which breaks Helm's kubeVersion checks.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
node=0
case "${1:-}" in
  --node) node=1 ;;
  "") ;;
  *) echo "usage: $0 [--node]" >&2; exit 2 ;;
esac
# shellcheck source=versions.env
source "$here/versions.env"

command -v go >/dev/null || { echo "build-tools.sh: go (>= 1.26) is required" >&2; exit 1; }
# Kubernetes 1.36 modules declare go 1.26; Debian bookworm's golang-go (1.19) is too old.
go_minor="$(go env GOVERSION | sed -n 's/^go1\.\([0-9]*\).*/\1/p')"
if [ -z "$go_minor" ] || [ "$go_minor" -lt 26 ]; then
  echo "build-tools.sh: Go >= 1.26 is required, found $(go env GOVERSION)" >&2
  exit 1
fi

cache_root="${RETORT_CACHE_DIR:-${HOME:-/root}/.cache/retort}"
out="$cache_root/kube/$KUBE_VERSION"
mkdir -p "$out"

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod
export GOMODCACHE="${GOMODCACHE_OVERRIDE:-$cache_root/go/mod}"
export GOCACHE="${GOCACHE_OVERRIDE:-$cache_root/go/build}"

# Serialise concurrent callers (two test binaries starting at once) on one lock per version.
exec 9>"$out/.build.lock"
flock 9

jobs="${RETORT_GO_BUILD_JOBS:-2}"
build_date="$(date -u +%Y-%m-%dT%H:%M:%SZ)"

# Records which version a binary was built as, so a bump of versions.env rebuilds it.
stamp_ok() { [ -x "$out/$1" ] && [ "$(cat "$out/.$1.version" 2>/dev/null)" = "$2" ]; }
stamp() { echo "$2" >"$out/.$1.version"; }

go_build() { # <output name> <package> <ldflags> ; builds into a temp name, then renames
  local name="$1" pkg="$2" ldflags="$3"
  echo "building $name ($pkg)" >&2
  # go build is silent for minutes; -v names each package it compiles: count them as progress
  # (a line per 50), and pass through whatever else it says (errors have spaces or colons).
  nice -n 10 go build -v -p "$jobs" -trimpath -ldflags "$ldflags" -o "$out/.$name.tmp" "$pkg" 2>&1 |
    awk -v name="$name" '/[ :]/ { print; next } { n++ } n % 50 == 0 { printf "building %s: %d packages compiled\n", name, n; fflush() }' >&2
  mv -f "$out/.$name.tmp" "$out/$name"
}

kube_ldflags() {
  local minor flags="-s -w"
  minor="$(echo "$KUBE_VERSION" | cut -d. -f2)"
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    flags+=" -X $p.gitVersion=$KUBE_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor"
    flags+=" -X $p.gitTreeState=clean -X $p.buildDate=$build_date"
  done
  echo "$flags"
}

cd "$here/kube-tools"
etcd_version="$(go list -m -f '{{.Version}}' go.etcd.io/etcd/server/v3)"

if ! stamp_ok kube-apiserver "$KUBE_VERSION"; then
  go_build kube-apiserver k8s.io/kubernetes/cmd/kube-apiserver "$(kube_ldflags)"
  stamp kube-apiserver "$KUBE_VERSION"
fi
if ! stamp_ok kubectl "$KUBE_VERSION"; then
  go_build kubectl k8s.io/kubernetes/cmd/kubectl "$(kube_ldflags)"
  stamp kubectl "$KUBE_VERSION"
fi
if ! stamp_ok etcd "$etcd_version"; then
  # etcd's own version comes from its api/v3/version constants, so no -X stamp is needed.
  go_build etcd go.etcd.io/etcd/server/v3 "-s -w"
  stamp etcd "$etcd_version"
fi

if [ "$node" = 1 ]; then
  for name in kube-controller-manager kube-scheduler kube-proxy kubelet; do
    if ! stamp_ok "$name" "$KUBE_VERSION"; then
      go_build "$name" "k8s.io/kubernetes/cmd/$name" "$(kube_ldflags)"
      stamp "$name" "$KUBE_VERSION"
    fi
  done
fi

cd "$here/helm-tool"
if ! stamp_ok helm "$HELM_VERSION"; then
  go_build helm helm.sh/helm/v3/cmd/helm \
    "-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
  stamp helm "$HELM_VERSION"
fi

echo "$out"
