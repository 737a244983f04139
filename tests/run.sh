#!/usr/bin/env bash
# The test command: installs the real peers the tests use when they are missing (Debian, as root), builds, runs every
# test project, and ends with the totals on a line of their own: "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
if [ -x tests/install-peers.sh ]; then
  bash tests/install-peers.sh || { echo "installing the peer programs failed" >&2; exit 1; }
fi
log=$(mktemp)
dotnet build McrExport.sln -c Release -nologo -v quiet 2>&1 | tail -n 30 || true
dotnet test --solution McrExport.sln -c Release --no-build 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
read -r total failed passed skipped < <(awk '
  /^[[:space:]]*total:/     { t=$2 } /^[[:space:]]*failed:/    { f=$2 }
  /^[[:space:]]*succeeded:/ { p=$2 } /^[[:space:]]*skipped:/   { s=$2 }
  END { print (t==""?0:t), (f==""?0:f), (p==""?0:p), (s==""?0:s) }' "$log")
rm -f "$log"
if [ "$total" = 0 ] && [ "$status" = 0 ]; then status=1; echo "no test ran" >&2; fi

# The fuzz targets, a short run each (MCR_EXPORT_FUZZ_SECONDS, default 30; 0 leaves them out): each target counts as
# one test, failed when it found a crash or a hang. Without afl-fuzz they are skipped only when peers are optional.
fuzz_seconds=${MCR_EXPORT_FUZZ_SECONDS:-30}
fuzz_targets=8
if [ "$fuzz_seconds" != 0 ]; then
  if command -v afl-fuzz >/dev/null; then
    fuzz_log=$(mktemp)
    bash tests/fuzz.sh all "$fuzz_seconds" 2>&1 | tee "$fuzz_log"
    fuzz_status=${PIPESTATUS[0]}
    fuzz_ran=$(grep -c '^fuzz [a-z-]*: [0-9]* execs' "$fuzz_log")
    fuzz_bad=$(grep -Ec '^fuzz [a-z-]*: [0-9]+ execs.*, [1-9][0-9]* (crashes|hangs)' "$fuzz_log")
    rm -f "$fuzz_log"
    fuzz_failed=$(( fuzz_targets - fuzz_ran + fuzz_bad ))
    if [ "$fuzz_status" != 0 ] && [ "$fuzz_failed" = 0 ]; then fuzz_failed=1; fi
    passed=$(( passed + fuzz_targets - fuzz_failed )); failed=$(( failed + fuzz_failed ))
    if [ "$fuzz_status" != 0 ] && [ "$status" = 0 ]; then status=1; fi
  elif [ -n "${MCR_EXPORT_PEERS_OPTIONAL:-}" ]; then
    echo "afl-fuzz is not installed: the fuzz targets are skipped" >&2
    skipped=$(( skipped + fuzz_targets ))
  else
    echo "afl-fuzz is not installed (tests/install-peers.sh installs it)" >&2
    failed=$(( failed + fuzz_targets )); [ "$status" = 0 ] && status=1
  fi
fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
