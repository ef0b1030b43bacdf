#!/usr/bin/env bash
# Builds the controller-runtime peer (bench/peers/controller-runtime) and prints the binary's
# path. The modules come from GOPROXY (the environment's; go.sum pins every one) with
# -mod=readonly: the build never edits go.mod or go.sum. The binary is cached under
# $RETORT_PEER_CACHE (default ~/.cache/retort/peers/controller-runtime)/<sha256 of the sources,
# go.mod, go.sum and `go version`>/schemaversion-peer; a second call with the same sources
# builds nothing. JOBS (default 1) bounds the build's parallelism. GOMODCACHE and GOCACHE default to ~/.cache/retort/go/{mod,build}.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export PATH="/usr/local/go/bin:$PATH"
export GOMODCACHE=${GOMODCACHE:-$HOME/.cache/retort/go/mod}
export GOCACHE=${GOCACHE:-$HOME/.cache/retort/go/build}
export GOFLAGS="-mod=readonly -p=${JOBS:-1}"
export CGO_ENABLED=${CGO_ENABLED:-0}
cache=${RETORT_PEER_CACHE:-$HOME/.cache/retort/peers/controller-runtime}
key=$( (cd "$here" && cat go.mod go.sum ./*.go && go version) | sha256sum | cut -c1-16)
out="$cache/$key/schemaversion-peer"
if [ ! -x "$out" ]; then
  mkdir -p "$cache/$key"
  (cd "$here" && go vet . >&2 && go build -trimpath -o "$out.tmp" .)
  mv "$out.tmp" "$out"
fi
echo "$out"
