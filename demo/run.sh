#!/usr/bin/env bash
# The offline demo: a local distribution registry seeded from testdata/demo, an fwlink-style redirector and a CDN
# for the foreign base layers (all on loopback), then mcr-export installed from its own package and run against them.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
work=$(mktemp -d /tmp/mcr-export-demo.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

need=()
command -v docker-registry >/dev/null || need+=(docker-registry)
command -v python3 >/dev/null || need+=(python3)
# Native AOT (the package for this machine) links with clang against zlib
command -v clang >/dev/null || need+=(clang)
[ -e /usr/include/zlib.h ] || need+=(zlib1g-dev)
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { echo "please install: ${need[*]}" >&2; exit 1; }
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

port=5077
cat > "$work/registry.yml" <<YML
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $work/registry
http:
  addr: 127.0.0.1:$port
validation:
  manifests:
    urls:
      allow:
        - ^http://127\.0\.0\.2:8642/
YML
docker-registry serve "$work/registry.yml" > "$work/registry.log" 2>&1 & pids+=($!)
trap 's=$?; [ $s = 0 ] || tail -5 "$work/registry.log" >&2; cleanup' EXIT
python3 demo/serve.py testdata/demo/blobs/sha256 127.0.0.2:8642 127.0.0.3:8643 & pids+=($!)
for _ in $(seq 50); do python3 - <<PY 2>/dev/null && break || sleep 0.2
import urllib.request; urllib.request.urlopen("http://127.0.0.1:$port/v2/")
PY
done
python3 demo/seed.py testdata/demo 127.0.0.1:$port

echo "== packing and installing mcr-export from its package (Native AOT for this machine: takes a few minutes)"
case "$(uname -m)" in aarch64|arm64) rid=linux-arm64 ;; *) rid=linux-x64 ;; esac
for r in "" "$rid" any; do
  dotnet pack src/McrExport -c Release ${r:+-r "$r"} -o "$work/packages" -v quiet -nologo > "$work/pack.log" 2>&1 || { cat "$work/pack.log"; exit 1; }
done
dotnet tool install mcr-export --tool-path "$work/tools" --add-source "$work/packages" > /dev/null
mcr="$work/tools/mcr-export"
hosts=(--insecure-registry 127.0.0.2:8642 --insecure-registry 127.0.0.3:8643)

echo; echo "== mcr-export tags 127.0.0.1:$port/windows/servercore --filter 'ltsc20*'"
"$mcr" tags 127.0.0.1:$port/windows/servercore --filter 'ltsc20*'
echo; echo "== mcr-export inspect 127.0.0.1:$port/windows/servercore:ltsc2019 --os-version 10.0.17763"
"$mcr" inspect 127.0.0.1:$port/windows/servercore:ltsc2019 --os-version 10.0.17763
echo; echo "== mcr-export 127.0.0.1:$port/windows/servercore:ltsc2019 --os-version 10.0.17763 --format docker-tar"
mkdir -p out
"$mcr" 127.0.0.1:$port/windows/servercore:ltsc2019 --os-version 10.0.17763 "${hosts[@]}" \
  -o out/servercore-ltsc2019.tar --cache-dir "$work/cache"
echo; echo "== contents of out/servercore-ltsc2019.tar"
tar tvf out/servercore-ltsc2019.tar
echo; echo "== manifest.json (docker load reads it; LayerSources keeps the base layer foreign for a later push)"
tar xOf out/servercore-ltsc2019.tar manifest.json | python3 -m json.tool
echo; echo "== the same again: everything comes from the cache"
"$mcr" 127.0.0.1:$port/windows/servercore:ltsc2019 --os-version 10.0.17763 "${hosts[@]}" \
  -o out/servercore-ltsc2019.tar --cache-dir "$work/cache" --json | python3 -c 'import json,sys; s=json.load(sys.stdin); print("bytes downloaded:", s["bytesDownloaded"], "from cache:", s["bytesFromCache"])'
echo; echo "== a Linux image as an OCI layout folder"
"$mcr" 127.0.0.1:$port/demo/hello:1.0 -f oci -o out/hello-oci --cache-dir "$work/cache" --quiet
find out/hello-oci -type f | sort
echo; echo "demo done: outputs in $repo/out"
