#!/usr/bin/env bash
# Times mcr-export against skopeo, docker pull + docker save and a plain curl of every blob (the floor), all pulling
# the same deterministic image from a distribution registry on 127.0.0.1. Commands alternate run by run; the report
# gives medians and per-run ratios.
#
# A second part pulls a one-layer image through a front on 127.0.0.2 that paces each connection to 16 MiB/s (a CDN
# that shapes per connection): mcr-export (several connections per big blob) against one curl connection and skopeo.
#
# usage: bench/run.sh [--size 256M|1G|2G[,...]] [--runs N] [--out docs/benchmarks.md] [--parallel N]
#                     [--skip-docker] [--compare-at SIZES] [--cdn-size SIZE] [--ci] [--seed N] [--work-dir DIR]
#   --compare-at  run skopeo and docker only at these sizes (default: every size); the others time mcr-export,
#                 curl and cat only, e.g. for the RSS growth from 256M to 2G.
#   --cdn-size    the layer behind the throttling front (default 256M; 0 leaves that part out)
#   --ci   the smallest size (64M, also behind the front), one run, report written into the work folder: keeps the
#          benchmark working.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
invocation="bash bench/run.sh $*"

compare_at='' cdn_size=256M cdn_rate=$((16 << 20)) sizes=1G runs=5 out=docs/benchmarks.md parallel=4 skip_docker=0 ci=0 seed=5 work_base=${TMPDIR:-/tmp} out_set=0
while [ $# -gt 0 ]; do
  case "$1" in
    --size|--sizes) sizes=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --out) out=$2; out_set=1; shift 2 ;;
    --parallel) parallel=$2; shift 2 ;;
    --skip-docker) skip_docker=1; shift ;;
    --compare-at) compare_at=$2; shift 2 ;;
    --cdn-size) cdn_size=$2; shift 2 ;;
    --ci) ci=1; sizes=64M; cdn_size=64M; runs=1; shift ;;
    --seed) seed=$2; shift 2 ;;
    --work-dir) work_base=$2; shift 2 ;;
    -h|--help) sed -n 2,17p "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
[ "$runs" -ge 1 ] 2>/dev/null || { echo "--runs must be a positive number" >&2; exit 2; }

bytes_of() {
  case "$1" in
    *[Gg]) echo $(( ${1%?} << 30 )) ;;
    *[Mm]) echo $(( ${1%?} << 20 )) ;;
    *[0-9]) echo "$1" ;;
    *) echo "bad size: $1" >&2; return 2 ;;
  esac
}
IFS=, read -r -a size_list <<< "$sizes"
for s in "${size_list[@]}"; do bytes_of "$s" > /dev/null; done
[ "$cdn_size" = 0 ] || bytes_of "$cdn_size" > /dev/null

# --- what the benchmark needs ------------------------------------------------------------------------------------
need=()
command -v docker-registry > /dev/null || need+=(docker-registry)
command -v skopeo > /dev/null || need+=(skopeo)
command -v curl > /dev/null || need+=(curl)
command -v python3 > /dev/null || need+=(python3)
[ -x /usr/bin/time ] || need+=(time)
[ "$skip_docker" = 1 ] || { command -v dockerd > /dev/null && [ -x /usr/bin/docker ]; } || need+=(docker.io)
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { echo "please install: ${need[*]} (or run as root)" >&2; exit 1; }
  echo "== installing ${need[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" > /dev/null
fi
command -v dotnet > /dev/null || { echo "the .NET 10 SDK is needed (dotnet)" >&2; exit 1; }
if [ "$skip_docker" = 0 ] && [ "$(id -u)" != 0 ]; then echo "docker needs root; run as root or pass --skip-docker" >&2; exit 1; fi
docker_cli=/usr/bin/docker

# --- work folder and cleanup -------------------------------------------------------------------------------------
mkdir -p "$work_base"
work=$(mktemp -d "$work_base/mcr-export-bench.XXXXXX")
short=$(mktemp -d /tmp/mxb.XXXXXX)
registry_pid='' dockerd_pid='' front_pid=''
cleanup() {
  local status=$?
  set +e
  if [ -n "$dockerd_pid" ]; then
    kill "$dockerd_pid" 2> /dev/null
    for _ in $(seq 100); do kill -0 "$dockerd_pid" 2> /dev/null || break; sleep 0.2; done
    kill -9 "$dockerd_pid" 2> /dev/null
  fi
  [ -n "$registry_pid" ] && kill "$registry_pid" 2> /dev/null
  [ -n "$front_pid" ] && kill "$front_pid" 2> /dev/null
  wait 2> /dev/null
  if [ "$status" != 0 ]; then
    for log in "$work"/registry.log "$work"/dockerd.log "$work"/cmd.log; do
      [ -s "$log" ] && { echo "--- $log" >&2; tail -15 "$log" >&2; }
    done
  fi
  rm -rf "$work" "$short"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_for() { for _ in $(seq 150); do "$@" > /dev/null 2>&1 && return 0; sleep 0.2; done; "$@"; }

# --- mcr-export, built from this checkout ------------------------------------------------------------------------
# As the RID-specific tool package ships it (Native AOT), and framework-dependent (the "any" package) for the
# process-start comparison.
case "$(uname -m)" in aarch64|arm64) rid=linux-arm64 ;; *) rid=linux-x64 ;; esac
echo "== publishing mcr-export (Release, Native AOT, $rid)"
dotnet publish src/McrExport -c Release -r "$rid" -nologo -v quiet -o "$work/mcr" > "$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
mcr=("$work/mcr/mcr-export")
echo "== building mcr-export (Release, framework-dependent)"
dotnet build src/McrExport -c Release -nologo -v quiet -o "$work/mcr-fd" > "$work/build-fd.log" 2>&1 || { cat "$work/build-fd.log"; exit 1; }
mcr_fd=(dotnet "$work/mcr-fd/mcr-export.dll")

# --- the registry ------------------------------------------------------------------------------------------------
port=$(free_port)
registry="127.0.0.1:$port"
cat > "$work/registry.yml" <<YML
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $work/registry
  delete:
    enabled: true
http:
  addr: $registry
YML
docker-registry serve "$work/registry.yml" > "$work/registry.log" 2>&1 & registry_pid=$!
wait_for curl -sf "http://$registry/v2/"

# --- dockerd of its own ------------------------------------------------------------------------------------------
if [ "$skip_docker" = 0 ]; then
  dockerd --storage-driver vfs --iptables=false --ip6tables=false --bridge=none \
    --data-root "$work/docker" --exec-root "$short/e" --pidfile "$short/d.pid" --host "unix://$short/d.sock" \
    > "$work/dockerd.log" 2>&1 & dockerd_pid=$!
  docker=("$docker_cli" -H "unix://$short/d.sock")
  wait_for "${docker[@]}" version
fi

# --- versions and machine ----------------------------------------------------------------------------------------
python3 - "$work/meta.json" <<PY
import json, os, platform, subprocess, sys
def run(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=60).stdout.strip()
    except Exception:
        return ""
mem = next(l for l in open("/proc/meminfo") if l.startswith("MemTotal")).split()[1]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.machine())
meta = {
    "nproc": os.cpu_count(), "memoryGiB": round(int(mem) / 1048576, 1), "cpu": cpu, "kernel": platform.release(),
    "loadAverageAtStart": open("/proc/loadavg").read().split()[:3],
    "mcrExport": run("$work/mcr/mcr-export", "--version") + " (Native AOT, $rid)",
    "cdnRateMiBps": $cdn_rate / 1048576,
    "dotnet": run("dotnet", "--version"),
    "skopeo": run("skopeo", "--version").replace("skopeo version ", ""),
    "registry": run("docker-registry", "--version").split(" ")[-1],
    "curl": run("curl", "--version").split("\n")[0].split(" ")[1],
    "docker": "" if "$skip_docker" == "1" else run("$docker_cli", "-H", "unix://$short/d.sock", "version", "--format", "{{.Server.Version}}"),
    "runs": $runs, "parallel": $parallel, "seed": $seed, "command": """$invocation""",
}
json.dump(meta, open(sys.argv[1], "w"), indent=2)
PY

# --- timing ------------------------------------------------------------------------------------------------------
results="$work/results.tsv"
: > "$results"

# record NAME RUN COMMAND...: wall, user, sys (s) and peak RSS (KiB) of COMMAND and its children, by GNU time.
record() {
  local name=$1 run=$2; shift 2
  if ! /usr/bin/time -f '%e %U %S %M' -o "$work/time.txt" "$@" > "$work/cmd.log" 2>&1; then
    echo "failed: $*" >&2; cat "$work/cmd.log" >&2; exit 1
  fi
  read -r wall user sys rss < <(tail -1 "$work/time.txt")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$name" "$run" "$wall" "$user" "$sys" "$rss" >> "$results"
  printf '   %-22s %6.2f s  cpu %6.2f s  rss %4d MiB\n' "$name" "$wall" "$(echo "$user $sys" | awk '{print $1+$2}')" $((rss / 1024))
}

# The daemon does the work of docker pull and save: its CPU (children included) is added to the client's, and its
# peak RSS (reset before each run through clear_refs) is reported.
daemon_cpu() { awk -v t="$(getconf CLK_TCK)" '{print ($14+$15+$16+$17)/t}' "/proc/$dockerd_pid/stat"; }
daemon_hwm() { awk '/VmHWM/ {print $2}' "/proc/$dockerd_pid/status"; }

run_one() {
  local name=$1 run=$2 ref=$3
  case "$name" in
    mcr-startup)
      record "$name" "$run" "${mcr[@]}" --version ;;
    mcr-startup-fd)
      record "$name" "$run" "${mcr_fd[@]}" --version ;;
    cdn-mcr-oci)
      rm -rf "$work/cold-cache" "$work/out-oci"
      record "$name" "$run" "${mcr[@]}" "$ref" -f oci -o "$work/out-oci" --cache-dir "$work/cold-cache" --quiet ;;
    cdn-curl)
      rm -f "$work/floor.bin"
      record "$name" "$run" curl -sf -o "$work/floor.bin" "${blob_urls[1]}" ;;
    cdn-skopeo-oci)
      rm -rf "$work/out-oci"
      record "$name" "$run" skopeo copy -q --src-tls-verify=false "docker://$ref" "oci:$work/out-oci:${ref##*:}" ;;
    mcr-cold-docker-tar)
      rm -rf "$work/cold-cache" "$work/out.tar"
      record "$name" "$run" "${mcr[@]}" "$ref" -o "$work/out.tar" --cache-dir "$work/cold-cache" --parallel "$parallel" --quiet ;;
    mcr-warm-docker-tar)
      rm -f "$work/out.tar"
      record "$name" "$run" "${mcr[@]}" "$ref" -o "$work/out.tar" --cache-dir "$work/warm-cache" --parallel "$parallel" --quiet ;;
    mcr-cold-oci)
      rm -rf "$work/cold-cache" "$work/out-oci"
      record "$name" "$run" "${mcr[@]}" "$ref" -f oci -o "$work/out-oci" --cache-dir "$work/cold-cache" --parallel "$parallel" --quiet ;;
    mcr-warm-oci)
      rm -rf "$work/out-oci"
      record "$name" "$run" "${mcr[@]}" "$ref" -f oci -o "$work/out-oci" --cache-dir "$work/warm-cache" --parallel "$parallel" --quiet ;;
    skopeo-docker-archive)
      rm -f "$work/out.tar"
      record "$name" "$run" skopeo copy -q --src-tls-verify=false "docker://$ref" "docker-archive:$work/out.tar:${ref#*/}" ;;
    skopeo-oci)
      rm -rf "$work/out-oci"
      record "$name" "$run" skopeo copy -q --src-tls-verify=false "docker://$ref" "oci:$work/out-oci:${ref##*:}" ;;
    docker-pull-save)
      rm -f "$work/out.tar"
      "${docker[@]}" rmi -f "$ref" > /dev/null 2>&1 || true
      echo 5 > "/proc/$dockerd_pid/clear_refs"
      local cpu0; cpu0=$(daemon_cpu)
      record "$name" "$run" sh -c "\"\$@\" pull -q '$ref' > /dev/null && \"\$@\" save -o '$work/out.tar' '$ref'" sh "${docker[@]}"
      local cpu1 hwm; cpu1=$(daemon_cpu); hwm=$(daemon_hwm)
      python3 - "$results" "$cpu0" "$cpu1" "$hwm" <<'PY'
import sys
path, cpu0, cpu1, hwm = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
lines = open(path).read().splitlines()
f = lines[-1].split("\t")
f[4] = f"{float(f[4]) + cpu1 - cpu0:.2f}"   # daemon CPU (user+sys together) goes into user
f[6] = str(max(int(f[6]), hwm))
lines[-1] = "\t".join(f)
open(path, "w").write("\n".join(lines) + "\n")
PY
      "${docker[@]}" rmi -f "$ref" > /dev/null 2>&1 || true ;;
    copy-cached)
      rm -f "$work/copy.bin"
      record "$name" "$run" sh -c 'out=$1; shift; cat "$@" > "$out"' sh "$work/copy.bin" "${cached_blobs[@]}" ;;
    curl-floor)
      rm -f "$work/floor.bin"
      record "$name" "$run" sh -c 'out=$1; shift; curl -sf "$@" > "$out"' sh "$work/floor.bin" "${blob_urls[@]}" ;;
  esac
}

for label in "${size_list[@]}"; do
  commands=(mcr-startup mcr-startup-fd mcr-cold-docker-tar mcr-warm-docker-tar mcr-cold-oci mcr-warm-oci curl-floor copy-cached)
  if [ -z "$compare_at" ] || [[ ",$compare_at," == *",$label,"* ]]; then
    commands+=(skopeo-docker-archive skopeo-oci)
    [ "$skip_docker" = 1 ] || commands+=(docker-pull-save)
  fi
  bytes=$(bytes_of "$label")
  tag=$(echo "$label" | tr '[:upper:]' '[:lower:]')
  ref="$registry/bench/image:$tag"
  echo "== $label: generating the image (seed $seed) and pushing it to $registry"
  python3 bench/image.py generate "$work/image" "$bytes" "$seed" > /dev/null
  python3 bench/image.py push "$work/image" "$registry" bench/image "$tag"
  cp "$work/image/image.json" "$work/image-$label.json"
  mapfile -t blob_urls < <(python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))
for d in [m["config"]] + m["layers"]: print("http://%s/v2/bench/image/blobs/%s" % (sys.argv[2], d["digest"]))' "$work/image/manifest.json" "$registry")
  rm -rf "$work/image"

  rm -rf "$work/warm-cache"
  "${mcr[@]}" "$ref" -f oci -o "$work/warm-prime" --cache-dir "$work/warm-cache" --quiet
  rm -rf "$work/warm-prime"
  mapfile -t cached_blobs < <(find "$work/warm-cache/blobs" -type f | sort)

  for run in $(seq "$runs"); do
    echo "== $label, run $run of $runs"
    n=${#commands[@]}
    for i in $(seq 0 $((n - 1))); do
      run_one "${commands[$(( (i + run - 1) % n ))]}" "$run" "$ref"
    done
  done
  rm -rf "$work/warm-cache" "$work/cold-cache" "$work/out.tar" "$work/out-oci" "$work/floor.bin" "$work/copy.bin"
done

# --- one big layer behind a front that paces each connection ------------------------------------------------------
if [ "$cdn_size" != 0 ]; then
  label="cdn-$cdn_size"
  tag=$(echo "$cdn_size" | tr '[:upper:]' '[:lower:]')
  echo "== $label: generating a one-layer image (seed $seed) and pushing it to $registry"
  python3 bench/image.py generate "$work/image" "$(bytes_of "$cdn_size")" "$seed" one-layer > /dev/null
  python3 bench/image.py push "$work/image" "$registry" bench/cdn "$tag"
  cp "$work/image/image.json" "$work/image-$label.json"
  rm -rf "$work/image"
  python3 bench/throttle.py 127.0.0.2 "$registry" "$cdn_rate" > "$work/front.port" 2> "$work/front.log" & front_pid=$!
  wait_for test -s "$work/front.port"
  front="127.0.0.2:$(head -1 "$work/front.port")"
  ref="$front/bench/cdn:$tag"
  mapfile -t blob_urls < <(python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))
for d in [m["config"]] + m["layers"]: print("http://%s/v2/bench/cdn/blobs/%s" % (sys.argv[2], d["digest"]))' <(curl -sf -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' "http://$registry/v2/bench/cdn/manifests/$tag") "$front")
  commands=(cdn-mcr-oci cdn-curl cdn-skopeo-oci)
  for run in $(seq "$runs"); do
    echo "== $label ($((cdn_rate >> 20)) MiB/s per connection), run $run of $runs"
    n=${#commands[@]}
    for i in $(seq 0 $((n - 1))); do
      run_one "${commands[$(( (i + run - 1) % n ))]}" "$run" "$ref"
    done
  done
  rm -rf "$work/cold-cache" "$work/out-oci" "$work/floor.bin"
fi

python3 -c '
import json, sys
m = json.load(open(sys.argv[1])); m["loadAverageAtEnd"] = open("/proc/loadavg").read().split()[:3]
json.dump(m, open(sys.argv[1], "w"), indent=2)' "$work/meta.json"

if [ "$ci" = 1 ] && [ "$out_set" = 0 ]; then out="$work/benchmarks.md"; fi
json_out="${out%.md}.json"
mkdir -p "$(dirname "$out")"
python3 bench/report.py "$work" "$out" "$json_out"
echo "== wrote $out and $json_out"
[ "$ci" = 1 ] && [ "$out_set" = 0 ] && cat "$out"
exit 0
