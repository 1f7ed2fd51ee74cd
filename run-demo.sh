#!/usr/bin/env bash
# Runs the connector locally with nothing configured: installs the pinned Azurite (tools/) if needed,
# then `cdr demo`, which starts Azurite on 127.0.0.1:10000-10002 (unless one is running), starts a
# simulator for every vendor, pulls the last 24 hours, normalizes them and looks a call up. Ctrl+C stops it.
# Extra arguments go to `cdr demo` (e.g. --hours 6, --once).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
command -v dotnet >/dev/null 2>&1 || { echo "run-demo.sh: install the .NET 10 SDK first" >&2; exit 1; }
command -v npm >/dev/null 2>&1 || { echo "run-demo.sh: install Node.js 20+ (for Azurite) first" >&2; exit 1; }
if [[ ! -e tools/node_modules/.bin/azurite ]]; then
  echo "Installing Azurite (npm ci --prefix tools)…"
  npm ci --prefix tools --no-audit --no-fund --loglevel=error
fi
exec dotnet run --project src/CdrFunctions.Cli -c Release -- demo "$@"
