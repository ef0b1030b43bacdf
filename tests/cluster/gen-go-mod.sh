#!/usr/bin/env bash
# Regenerates the pinned Go wrapper modules that tests/cluster/build-tools.sh builds from.
#
# Run only when bumping versions; the resulting go.mod/go.sum files are committed, and CI
# just builds from them. kube-apiserver cannot be `go install`ed because k8s.io/kubernetes
# requires every staging module at v0.0.0 behind `replace` directives, so the kube-tools
# module replaces each of them with its published v0.<minor>.<patch> tag. Helm lives in its own
# module: the kube-tools replaces would otherwise force Helm's k8s.io/* versions.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"
export GOTOOLCHAIN=local GOFLAGS=-mod=mod

staging="v0.${KUBE_VERSION#v1.}"

cd "$here/kube-tools"
rm -f go.mod go.sum
go mod init retort.invalid/tests/cluster/kube-tools
kube_mod=$(go mod download -json "k8s.io/kubernetes@${KUBE_VERSION}" |
  sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
# Every k8s.io/* module that k8s.io/kubernetes requires at v0.0.0 is a staging module.
for m in $(awk '$1 ~ /^k8s\.io\// && $2 == "v0.0.0" {print $1}' "$kube_mod"); do
  go mod edit -replace "${m}=${m}@${staging}"
done
# The node binaries (kubelet, kube-controller-manager, kube-scheduler, kube-proxy) come from the
# same module; listing them here records the extra go.sum lines they need (cadvisor, cgroups,
# containerd's API, the CSI spec, godbus).
go get -tool "k8s.io/kubernetes/cmd/kube-apiserver@${KUBE_VERSION}" \
  "k8s.io/kubernetes/cmd/kubectl@${KUBE_VERSION}" \
  "k8s.io/kubernetes/cmd/kubelet@${KUBE_VERSION}" \
  "k8s.io/kubernetes/cmd/kube-controller-manager@${KUBE_VERSION}" \
  "k8s.io/kubernetes/cmd/kube-scheduler@${KUBE_VERSION}" \
  "k8s.io/kubernetes/cmd/kube-proxy@${KUBE_VERSION}"
# Keep the etcd server version that the Kubernetes graph already selected; a bare `go get`
# would move it to @latest.
etcd_version=$(go list -m -f '{{.Version}}' go.etcd.io/etcd/server/v3)
go get -tool "go.etcd.io/etcd/server/v3@${etcd_version}"
go mod tidy
# Declare the oldest Go the modules need, not the exact local toolchain.
go mod edit -go=1.26.0

cd "$here/helm-tool"
rm -f go.mod go.sum
go mod init retort.invalid/tests/cluster/helm-tool
go get -tool "helm.sh/helm/v3/cmd/helm@${HELM_VERSION}"
go mod tidy
go mod edit -go=1.26.0
