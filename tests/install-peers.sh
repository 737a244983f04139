#!/usr/bin/env bash
# Installs the programs the peer tests (tests/McrExport.PeerTests) run against, and afl-fuzz for tests/fuzz.sh. Idempotent: does nothing when
# every program is already there. Debian, as root. clang and zlib1g-dev: the demo test packs the Native AOT tool.
set -euo pipefail

needed=(
  /usr/bin/docker-registry:docker-registry
  /usr/sbin/dockerd:docker.io
  /usr/bin/containerd:containerd
  /usr/bin/podman:podman
  /usr/bin/skopeo:skopeo
  /usr/bin/umoci:umoci
  /usr/bin/oci-image-tool:oci-image-tool
  /bin/busybox:busybox-static
  /usr/bin/afl-fuzz:afl++
  /usr/bin/clang:clang
  /usr/include/zlib.h:zlib1g-dev
)

missing=()
for pair in "${needed[@]}"; do
  [ -e "${pair%%:*}" ] || missing+=("${pair##*:}")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "install-peers: missing ${missing[*]}; run as root to install them" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-peers: installed ${missing[*]}"
