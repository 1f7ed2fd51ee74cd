#!/usr/bin/env bash
# The project's one test command.
#
#   ./test.sh                                      # everything: unit and integration tests
#   ./test.sh --unit                               # the unit tests only (no Node.js, no Azurite)
#   ./test.sh --filter FullyQualifiedName~Azurite  # extra args go to `dotnet test`
#
# Installs the pinned Azurite (tools/) when missing or stale, builds the whole solution (the Azure
# Functions app included: a failed restore or build fails the run), runs every test project
# (tests/CdrFunctions.UnitTests, tests/CdrFunctions.IntegrationTests, ...) and prints
# "N passed, M failed" as the last line.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
# A busy 2-core machine can take longer than the test platform's 90 s to start a test host (and its hang guard).
export VSTEST_CONNECTION_TIMEOUT="${VSTEST_CONNECTION_TIMEOUT:-300}"

RESULTS_DIR="$ROOT/TestResults"
AZURITE_BIN="$ROOT/tools/node_modules/.bin/azurite"

# Whatever happens, the last line is the summary.
summary_printed=0
on_exit() {
  local rc=$?
  if (( ! summary_printed )); then
    echo "Tests were not run: test.sh stopped early (exit code $rc; see above)."
    echo "0 passed, 1 failed"
    (( rc != 0 )) || rc=1
  fi
  exit "$rc"
}
trap on_exit EXIT
die() { echo "test.sh: $*" >&2; exit 1; }

TESTS=CdrFunctions.sln
if [[ "${1:-}" == "--unit" ]]; then
  shift
  TESTS=tests/CdrFunctions.UnitTests/CdrFunctions.UnitTests.csproj
fi

command -v dotnet >/dev/null 2>&1 || die "'dotnet' is not on PATH: install the .NET 10 SDK (see global.json)."
# Only the integration tests need Node.js (Azurite runs on it).
if [[ "$TESTS" == CdrFunctions.sln ]]; then
  command -v node >/dev/null 2>&1 || die "'node' is not on PATH: install Node.js 20 or newer (Azurite runs on it)."
  node_major="$(node -p 'process.versions.node.split(".")[0]')"
  (( node_major >= 20 )) || die "Node.js $(node --version) is too old; Azurite needs 20 or newer."

  # `find -newer` compares the .bin symlink itself (its target keeps the package's mtime).
  if [[ ! -e "$AZURITE_BIN" ]] || [[ -z "$(find "$AZURITE_BIN" -prune -newer tools/package-lock.json 2>/dev/null)" ]]; then
    echo "Installing Azurite: npm ci --prefix tools"
    npm ci --prefix tools --no-audit --no-fund --loglevel=error || die "'npm ci --prefix tools' failed (see above)."
  fi
  export AZURITE_PATH="$AZURITE_BIN"
fi

echo "Building CdrFunctions.sln (Release)"
dotnet build CdrFunctions.sln -c Release --nologo -v minimal || die "the build failed (see above)."

rm -rf "$RESULTS_DIR"
test_rc=0
# A test that hangs (a parser looping on odd input, a wait that never ends) fails the run instead of stalling it;
# no test is timed for speed (the benchmark measures that).
dotnet test "$TESTS" -c Release --no-build --nologo -v minimal \
  --blame-hang-timeout 15m --blame-hang-dump-type none \
  --logger "trx" --results-directory "$RESULTS_DIR" "$@" || test_rc=$?

# One TRX per test project: add up their counters.
passed=0; failed=0; files=0
for trx in "$RESULTS_DIR"/*.trx; do
  [[ -f "$trx" ]] || continue
  counters="$(grep -oE '<Counters [^>]*>' "$trx" | head -n1)"
  count() { grep -oE " $1=\"[0-9]+\"" <<<"$counters" | grep -oE '[0-9]+' || echo 0; }
  passed=$(( passed + $(count passed) ))
  failed=$(( failed + $(count failed) + $(count error) + $(count timeout) + $(count aborted) ))
  files=$(( files + 1 ))
done
if (( files == 0 )); then
  echo "No test results were written (dotnet test exited with code $test_rc; see above)."
  failed=1
elif (( test_rc != 0 && failed == 0 )); then
  # An aborted run (a hung or crashed test host) counts no failure in its results, yet did not pass.
  echo "dotnet test exited with code $test_rc although its results count no failure: a test run was aborted (see above)."
  failed=1
fi

summary_printed=1
echo "$passed passed, $failed failed"
(( test_rc == 0 && failed == 0 ))
