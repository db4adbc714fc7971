#!/usr/bin/env bash
# Installs missing system packages, then builds and runs every test project in Release.
# Extra arguments go to dotnet test, e.g. ./test.sh --filter "FullyQualifiedName~Postgres".
set -euo pipefail
cd "$(dirname "$0")"

./scripts/install-deps.sh

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test Proxy.sln -c Release --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log" || status=$?

# One closing line over all test assemblies: "N passed, N failed, N skipped".
awk '
  /(Passed|Failed)! +- +Failed: +[0-9]+, +Passed: +[0-9]+, +Skipped: +[0-9]+/ {
    gsub(",", ""); for (i = 1; i <= NF; i++) {
      if ($i == "Failed:") failed += $(i + 1)
      if ($i == "Passed:") passed += $(i + 1)
      if ($i == "Skipped:") skipped += $(i + 1)
    }
  }
  END { printf "%d passed, %d failed, %d skipped\n", passed, failed, skipped }
' "$log"
exit "$status"
