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
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
