#!/usr/bin/env bash
# Installs missing system packages, then builds and runs every test project in Release.
# Extra arguments go to dotnet test, e.g. ./test.sh --filter "FullyQualifiedName~Postgres".
set -euo pipefail
cd "$(dirname "$0")"

./scripts/install-deps.sh

# The native binary first: its publish fails on any trim or AOT warning, and the native tests run it.
dotnet publish src/Sluice/Sluice.csproj -c Release -r linux-x64 -o publish/linux-x64 -nologo
export SLUICE_NATIVE_BINARY="$PWD/publish/linux-x64/sluice"

# The load test holds a thousand TLS sessions through the native gateway: about three descriptors per session
# there and one in the test process. SLUICE_LOAD_SECONDS (default 30) makes it run longer.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test Proxy.sln -c Release --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log" || status=$?

# TLS sessions are relayed by pipes, plaintext ones by the event loops: the PostgreSQL integration tests run a
# second time with plaintext clients, so that every relay behaviour is seen on both (on a full run only).
if [ $# -eq 0 ]; then
  SLUICE_TEST_RELAY=plaintext dotnet test tests/Integration.Tests/Integration.Tests.csproj -c Release --no-build \
    --filter "FullyQualifiedName~Sluice.IntegrationTests.Postgres" --logger "console;verbosity=normal" 2>&1 \
    | tee -a "$log" || status=$?
fi

# One closing line over all test assemblies: "N passed, N failed, N skipped".
awk '
  /^ +Passed: +[0-9]+ *$/  { passed += $2 }
  /^ +Failed: +[0-9]+ *$/  { failed += $2 }
  /^ +Skipped: +[0-9]+ *$/ { skipped += $2 }
  END { printf "%d passed, %d failed, %d skipped\n", passed, failed, skipped }
' "$log"
exit "$status"
