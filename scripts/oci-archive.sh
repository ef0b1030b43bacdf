#!/usr/bin/env bash
# Packs a directory as a one-layer OCI image archive, without a registry or a base image.
#
#   scripts/oci-archive.sh ROOTFS OUT.tar TAG [umoci config flags...]
#
# ROOTFS becomes the image's file system as it is (owners, modes); the flags go to
# `umoci config` (entrypoint, user, env ...). OUT.tar is an OCI image layout in a tar, with
# TAG as the index's ref name, which `ctr images import --base-name localhost/NAME` turns into
# localhost/NAME:TAG.
set -euo pipefail

rootfs=${1:?usage: oci-archive.sh ROOTFS OUT.tar TAG [umoci config flags...]}
out=${2:?usage: oci-archive.sh ROOTFS OUT.tar TAG [umoci config flags...]}
tag=${3:?usage: oci-archive.sh ROOTFS OUT.tar TAG [umoci config flags...]}
shift 3
command -v umoci >/dev/null || { echo "oci-archive.sh: umoci is required (Debian package umoci)" >&2; exit 1; }
[ -d "$rootfs" ] || { echo "oci-archive.sh: $rootfs is not a directory" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/retort-oci.XXXXXX")
trap 'rm -rf "$work"' EXIT
layout="$work/layout"
umoci init --layout "$layout"
umoci new --image "$layout:$tag"
umoci unpack --image "$layout:$tag" "$work/bundle" >/dev/null
cp -a "$rootfs/." "$work/bundle/rootfs/"
umoci repack --image "$layout:$tag" "$work/bundle"
umoci config --image "$layout:$tag" --config.workingdir / "$@"
umoci gc --layout "$layout"
tar -C "$layout" -cf "$out.tmp" .
mv -f "$out.tmp" "$out"
