#!/usr/bin/env bash
# Installs missing system packages, then builds and runs every test project in Release.
# Extra arguments go to dotnet test, e.g. ./test.sh --filter "FullyQualifiedName~Postgres".
set -euo pipefail
cd "$(dirname "$0")"

./scripts/install-deps.sh
exec dotnet test Proxy.sln -c Release --logger "console;verbosity=normal" "$@"
