#!/usr/bin/env bash
# Prints what a node cluster may change on the machine, one sorted line per fact, so that a
# test can compare the machine before `up --node` and after `down`:
#   processes whose command line names DIR (the cluster directory, if given) or a containerd
#   shim, mount points, the k8snode cgroups, nft tables, network links and IPv4 addresses and
#   routes, the sysctls node.sh records, and which of node.sh's fixed outside paths exist.
#
#   tests/cluster/node/machine-state.sh [DIR]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dir="${1:-}"
[ -n "$dir" ] && dir="$(realpath -m "$dir")"

# The lists of sysctls and paths are node.sh's, so both always agree.
eval "$(sed -n '/^node_sysctls=(/,/^)/p; /^node_outside_paths=(/,/^)/p' "$here/node.sh")"

{
  for p in /proc/[0-9]*; do
    c="$(tr '\0' ' ' 2>/dev/null <"$p/cmdline" || true)"
    [ -n "$c" ] && [[ "$c" != *machine-state.sh* ]] || continue
    if { [ -n "$dir" ] && [[ "$c" == *"$dir"* ]]; } || [[ "$c" == *containerd-shim* ]]; then
      echo "process ${p#/proc/} $c"
    fi
  done
  awk '{print "mount " $5}' /proc/self/mountinfo
  for h in /sys/fs/cgroup/*/; do
    [ -d "${h}k8snode" ] && echo "cgroup ${h}k8snode"
    [ -d "${h}k8s.io" ] && echo "cgroup ${h}k8s.io"
  done
  nft list tables 2>/dev/null | sed 's/^/nft /'
  ip -o link show | awk -F': ' '{print "link " $2}' | sed 's/@.*//'
  ip -o -4 addr show | awk '{print "addr " $2 " " $4}'
  ip -4 route show | sed 's/^/route /'
  for s in "${node_sysctls[@]}"; do
    v="$(sysctl -n "$s" 2>/dev/null | tr '\t' ' ')" && echo "sysctl $s=$v"
  done
  for p in "${node_outside_paths[@]}"; do
    [ -e "$p" ] && echo "path $p"
  done
  [ -e /var/lib/kubelet/device-plugins/kubelet.sock ] && echo "path /var/lib/kubelet/device-plugins/kubelet.sock"
  [ -e /run/retort-node.owner ] && echo "path /run/retort-node.owner"
  true
} | sort
