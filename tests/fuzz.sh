#!/usr/bin/env bash
# Fuzzes the readers of outside input with AFL++ through SharpFuzz (tests/McrExport.Fuzz).
#
#   tests/fuzz.sh TARGET SECONDS    one target (tar, docker-archive, oci-layout, manifest, reference, link,
#                                   www-authenticate, registry-answers) for SECONDS
#   tests/fuzz.sh all SECONDS       every target, one after the other, SECONDS each
#
# Seeds come from testdata/fuzz/TARGET; findings land in $MCR_EXPORT_FUZZ_DIR (default /tmp/mcr-export-fuzz)/findings/TARGET.
# Prints one line per target: "fuzz TARGET: N execs in S s (R/s), C crashes, H hangs, P paths". Exits 1 when a
# target found a crash or a hang (each one is replayed in process, so its exception is shown), 2 on a usage or setup error.
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

if [ $# -ne 2 ] || ! [[ "$2" =~ ^[0-9]+$ ]]; then
  echo "usage: tests/fuzz.sh TARGET|all SECONDS" >&2
  exit 2
fi
targets=(tar docker-archive oci-layout manifest reference link www-authenticate registry-answers)
if [ "$1" = all ]; then
  chosen=("${targets[@]}")
elif printf '%s\n' "${targets[@]}" | grep -qx -- "$1"; then
  chosen=("$1")
else
  echo "fuzz: unknown target '$1' (targets: ${targets[*]})" >&2
  exit 2
fi
seconds=$2
command -v afl-fuzz >/dev/null || { echo "fuzz: afl-fuzz is not installed (Debian package afl++; tests/install-peers.sh installs it)" >&2; exit 2; }

work=${MCR_EXPORT_FUZZ_DIR:-/tmp/mcr-export-fuzz}
bin="$work/bin"
plain="$work/plain"
mkdir -p "$work"

# Build into a folder of its own and instrument the copy of McrExport.Core.dll there (the solution's build stays plain).
(cd tests/McrExport.Fuzz && dotnet tool restore >/dev/null) || { echo "fuzz: dotnet tool restore failed" >&2; exit 2; }
rm -rf "$bin" "$plain"
dotnet build tests/McrExport.Fuzz -c Release -nologo -v quiet -o "$plain" >"$work/build.log" 2>&1 \
  || { tail -n 20 "$work/build.log" >&2; echo "fuzz: build failed" >&2; exit 2; }
cp -r "$plain" "$bin"
(cd tests/McrExport.Fuzz && dotnet tool run sharpfuzz "$bin/McrExport.Core.dll") >"$work/instrument.log" 2>&1 \
  || { cat "$work/instrument.log" >&2; echo "fuzz: instrumenting McrExport.Core.dll failed" >&2; exit 2; }

export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export AFL_FAST_CAL=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

stat_of() { awk -F' *: *' -v k="$1" '$1 ~ "^"k"$" { print $2 }' "$2" 2>/dev/null | head -n 1; }

found=0
for target in "${chosen[@]}"; do
  out="$work/findings/$target"
  rm -rf "$out"; mkdir -p "$work/findings"
  # -t: a generous bound per input (a .NET start and JIT); a slower input is a hang, and a finding.
  afl-fuzz -i "$repo/testdata/fuzz/$target" -o "$out" -V "$seconds" -t 5000 -m none -- \
    "$(command -v dotnet)" "$bin/McrExport.Fuzz.dll" "$target" >"$work/$target.log" 2>&1
  rc=$?
  stats="$out/default/fuzzer_stats"
  if [ ! -f "$stats" ]; then
    tail -n 30 "$work/$target.log" >&2
    echo "fuzz $target: afl-fuzz did not run (exit $rc)" >&2
    found=1
    continue
  fi
  execs=$(stat_of execs_done "$stats"); speed=$(stat_of execs_per_sec "$stats")
  crashes=$(stat_of saved_crashes "$stats"); hangs=$(stat_of saved_hangs "$stats")
  paths=$(stat_of corpus_count "$stats"); run=$(stat_of run_time "$stats")
  echo "fuzz $target: ${execs:-0} execs in ${run:-$seconds} s (${speed:-0}/s), ${crashes:-0} crashes, ${hangs:-0} hangs, ${paths:-0} paths"
  if [ "${crashes:-0}" != 0 ] || [ "${hangs:-0}" != 0 ]; then
    found=1
    for kind in crashes hangs; do
      dir="$out/default/$kind"
      [ -n "$(ls -A "$dir" 2>/dev/null | grep -v README)" ] || continue
      echo "fuzz $target: $kind in $dir; replayed:" >&2
      dotnet "$plain/McrExport.Fuzz.dll" "$target" --replay "$dir" 2>&1 | head -n 40 >&2 || true
    done
  fi
done
exit "$found"
