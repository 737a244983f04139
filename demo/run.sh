#!/usr/bin/env bash
# The offline demo: a local distribution registry seeded with a Windows-like image, an fwlink-style redirector and a
# CDN for the foreign base layers (all on loopback, on ports the system picks), then mcr-export installed from its own
# package and run against them. DEMO_REGISTRY_PORT=N asks for the registry on 127.0.0.1:N instead of a free port.
# Everything it starts is stopped, and its temporary folder removed, however it ends; the outputs stay in ./out.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
work=$(mktemp -d /tmp/mcr-export-demo.XXXXXX)
pids=()
status_log=""
cleanup() {
  local s=$?
  trap - EXIT INT TERM
  if [ $s = 1 ] && [ -n "$status_log" ] && [ -s "$status_log" ]; then
    echo "-- last lines of the registry's log:" >&2; tail -5 "$status_log" >&2
  fi
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
  exit $s
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
fail() { echo "demo: $*" >&2; exit 1; }

need=()
command -v docker-registry >/dev/null || need+=(docker-registry)
command -v python3 >/dev/null || need+=(python3)
# Native AOT (the package for this machine) links with clang against zlib
command -v clang >/dev/null || need+=(clang)
[ -e /usr/include/zlib.h ] || need+=(zlib1g-dev)
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || fail "please install: ${need[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
command -v dotnet >/dev/null || fail "the .NET 10 SDK (dotnet) is needed"

# the stand-ins for the internet first: their ports go into the image (the foreign layer URLs)
python3 demo/serve.py "$work/data" 127.0.0.2 127.0.0.3 "$work/ports" 2> "$work/serve.log" & pids+=($!)
for _ in $(seq 100); do [ -s "$work/ports" ] && break; kill -0 "${pids[0]}" 2>/dev/null || break; sleep 0.1; done
[ -s "$work/ports" ] || fail "the redirector and CDN did not start: $(cat "$work/serve.log")"
read -r fwlink cdn < "$work/ports"
python3 demo/make-testdata.py "$work/data" "$fwlink"

start_registry() { # PORT → 0 when up and ours, 3 when the port belongs to another program
  local port=$1
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
        - ^http://${fwlink//./\\.}/
YML
  status_log="$work/registry.log"
  docker-registry serve "$work/registry.yml" > "$status_log" 2>&1 & pids+=($!)
  python3 demo/registry-up.py "$!" "127.0.0.1:$port" 20
}
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

if [ -n "${DEMO_REGISTRY_PORT:-}" ]; then
  port=$DEMO_REGISTRY_PORT
  start_registry "$port" || fail "cannot run the registry on 127.0.0.1:$port (see above); leave DEMO_REGISTRY_PORT unset to take a free port"
else
  up=1
  for _ in 1 2 3; do # a free port can be taken between the probe and the registry's bind: then try another
    port=$(free_port)
    if start_registry "$port"; then up=0; break; fi
  done
  [ $up = 0 ] || fail "the registry did not start (see above)"
fi
registry=127.0.0.1:$port
python3 demo/seed.py "$work/data" "$registry"

echo "== packing and installing mcr-export from its package (Native AOT for this machine: takes a few minutes)"
case "$(uname -m)" in aarch64|arm64) rid=linux-arm64 ;; *) rid=linux-x64 ;; esac
for r in "" "$rid" any; do # the top-level package, this platform's Native AOT one, the framework-dependent fallback
  dotnet pack src/McrExport -c Release ${r:+-r "$r"} -o "$work/packages" -v quiet -nologo > "$work/pack.log" 2>&1 \
    || { cat "$work/pack.log" >&2; fail "dotnet pack ${r:+-r $r }failed"; }
done
dotnet tool install mcr-export --tool-path "$work/tools" --add-source "$work/packages" > "$work/install.log" 2>&1 \
  || { cat "$work/install.log" >&2; fail "dotnet tool install failed"; }
mcr="$work/tools/mcr-export"
hosts=(--insecure-registry "$fwlink" --insecure-registry "$cdn")

echo; echo "== mcr-export tags $registry/windows/servercore --filter 'ltsc20*'"
"$mcr" tags "$registry/windows/servercore" --filter 'ltsc20*'
echo; echo "== mcr-export inspect $registry/windows/servercore:ltsc2019 --os-version 10.0.17763"
"$mcr" inspect "$registry/windows/servercore:ltsc2019" --os-version 10.0.17763
echo; echo "== mcr-export $registry/windows/servercore:ltsc2019 --os-version 10.0.17763 --format docker-tar"
mkdir -p out
"$mcr" "$registry/windows/servercore:ltsc2019" --os-version 10.0.17763 "${hosts[@]}" \
  -o out/servercore-ltsc2019.tar --cache-dir "$work/cache"
echo; echo "== contents of out/servercore-ltsc2019.tar"
tar tvf out/servercore-ltsc2019.tar
echo; echo "== manifest.json (docker load reads it; LayerSources keeps the base layer foreign for a later push)"
tar xOf out/servercore-ltsc2019.tar manifest.json | python3 -m json.tool
echo; echo "== the same again: everything comes from the cache"
"$mcr" "$registry/windows/servercore:ltsc2019" --os-version 10.0.17763 "${hosts[@]}" \
  -o out/servercore-ltsc2019.tar --cache-dir "$work/cache" --json > "$work/again.json"
python3 - "$work/again.json" <<'PY' || fail "the second export's --json document is not as expected"
import json, sys
try:
    s = json.load(open(sys.argv[1]))
    print("bytes downloaded:", s["bytesDownloaded"], "from cache:", s["bytesFromCache"])
except (OSError, ValueError, KeyError) as e:
    sys.exit(f"{sys.argv[1]}: {e}")
PY
echo; echo "== a Linux image as an OCI layout folder"
"$mcr" "$registry/demo/hello:1.0" -f oci -o out/hello-oci --cache-dir "$work/cache" --quiet
find out/hello-oci -type f | sort
echo; echo "demo done: outputs in $repo/out"
