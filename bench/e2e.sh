#!/usr/bin/env bash
# The end-to-end benchmark in one command: installs what it needs (Debian packages), publishes the native sluice
# binary, builds the harness in Release, and measures Sluice beside a direct connection, pgbouncer and haproxy.
# The table goes to standard output and bench/results/latest.md; the raw figures to bench/results/latest.json.
# Arguments are passed to the harness: --quick for a one-minute smoke run, --rows N, --rounds N, --seconds N,
# --idle N, --keep (keep logs and recordings), --help for the rest. A full run takes about 20 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
dotnet publish src/Sluice/Sluice.csproj -c Release -r linux-x64 -o publish/linux-x64 -v quiet -nologo
dotnet build bench/Sluice.EndToEnd -c Release -v quiet -nologo

# A thousand idle connections through a proxy take two descriptors each in the harness and the proxy.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
exec dotnet bench/Sluice.EndToEnd/bin/Release/net10.0/Sluice.EndToEnd.dll "$@"
