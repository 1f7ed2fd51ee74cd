#!/usr/bin/env bash
# The project's one test command.
#
#   ./test.sh                                      # everything
#   ./test.sh --filter FullyQualifiedName~Azurite  # extra args go to `dotnet test`
#
# Steps: check node >= 20 and dotnet; install the pinned Azurite (tools/) when missing or stale;
# build the Azure Functions app (src/CdrFunctions), or print one SKIPPED line when this NuGet
# source lacks the Functions worker packages; run tests/CdrFunctions.Tests; print
# "N passed, M failed" as the last line. Set CDR_REQUIRE_FUNCTIONS_BUILD=1 to make that skip an error.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"

export DOTNET_NOLOGO=1
export DOTNET_CLI_TELEMETRY_OPTOUT=1

FUNCTIONS_PROJECT="src/CdrFunctions/CdrFunctions.csproj"
TEST_PROJECT="tests/CdrFunctions.Tests/CdrFunctions.Tests.csproj"
RESULTS_DIR="$ROOT/TestResults"
TRX_NAME="results.trx"
AZURITE_BIN="$ROOT/tools/node_modules/.bin/azurite"
LOCK_FILE="$ROOT/tools/package-lock.json"

die() { echo "test.sh: $*" >&2; exit 1; }

# Whatever happens, the last line is the summary: when the script stops before the test results
# are read (a missing tool, a failed restore or build), report the run as 0 passed, 1 failed.
summary_printed=0
restore_log=""
on_exit() {
  local rc=$?
  [[ -n "$restore_log" ]] && rm -f "$restore_log"
  if (( ! summary_printed )); then
    echo "Tests were not run: test.sh stopped early (exit code $rc; see above)."
    echo "0 passed, 1 failed"
    (( rc != 0 )) || rc=1
  fi
  exit "$rc"
}
trap on_exit EXIT

# --- (a) tools -------------------------------------------------------------------------------
command -v dotnet >/dev/null 2>&1 \
  || die "'dotnet' was not found on PATH. Install the .NET 10 SDK (see global.json): https://dotnet.microsoft.com/download"
command -v node >/dev/null 2>&1 \
  || die "'node' was not found on PATH. Install Node.js 20 or newer (Azurite, the storage emulator used by the tests, runs on it)."
node_version="$(node --version 2>/dev/null || true)"          # e.g. v20.20.2
node_major="${node_version#v}"; node_major="${node_major%%.*}"
[[ "$node_major" =~ ^[0-9]+$ ]] || die "could not read the Node.js version ('node --version' printed '$node_version')."
(( node_major >= 20 )) || die "Node.js $node_version is too old; Azurite needs Node.js 20 or newer."

# --- (b) Azurite (pinned in tools/package.json) ----------------------------------------------
# `find -newer` compares the .bin symlink itself (the file it points to keeps the package's mtime).
if [[ ! -e "$AZURITE_BIN" ]] || [[ -z "$(find "$AZURITE_BIN" -prune -newer "$LOCK_FILE" 2>/dev/null)" ]]; then
  command -v npm >/dev/null 2>&1 || die "'npm' was not found on PATH; it is needed to install Azurite (npm ci --prefix tools)."
  echo "Installing Azurite: npm ci --prefix tools"
  npm ci --prefix tools --no-audit --no-fund --loglevel=error \
    || die "'npm ci --prefix tools' failed (see above)."
  [[ -e "$AZURITE_BIN" ]] || die "'npm ci --prefix tools' succeeded but $AZURITE_BIN does not exist."
fi
export AZURITE_PATH="$AZURITE_BIN"

# --- (c) Azure Functions app -----------------------------------------------------------------
# The worker packages need full nuget.org access. When restore fails ONLY because packages that
# the Functions project references directly are missing from the feed (NU1101/NU1102/NU1103,
# plus the NU1603 "version not found" fallbacks that come with them), print one SKIPPED line and
# go on. Any other restore failure is an error.
restore_log="$(mktemp)"
if dotnet restore "$FUNCTIONS_PROJECT" --nologo -v minimal >"$restore_log" 2>&1; then
  echo "Building $FUNCTIONS_PROJECT"
  dotnet build "$FUNCTIONS_PROJECT" -c Release --no-restore --nologo -v minimal \
    || die "building $FUNCTIONS_PROJECT failed (see above)."
else
  # Error codes in the log (NuGet prints "error NU1102: ..." or "error NU1603: Warning As Error: ...").
  codes="$(grep -oE 'error NU[0-9]{4}' "$restore_log" | awk '{print $2}' | sort -u || true)"
  not_found="$(grep -E 'error NU110[123]:' "$restore_log" \
    | sed -nE 's/.*Unable to find (a stable )?package ([^ ]*[^ .])\.?( with version \(>= ([^)]+)\))?.*/\2 \4/p' \
    | sed -E 's/ +$//' | awk '!seen[$1]++' || true)"
  # Only the project's own NU1603 lines ("CdrFunctions depends on X (>= V) but X V was not found").
  fallbacks="$(grep -E 'error NU1603:.* CdrFunctions depends on ' "$restore_log" \
    | sed -nE 's/.* depends on ([^ ]+) \(>= ([^)]+)\) but .*/\1 \2/p' | awk '!seen[$1]++' || true)"

  skippable=1
  [[ -n "$not_found" ]] || skippable=0
  for code in $codes; do
    case "$code" in NU1101|NU1102|NU1103|NU1603) ;; *) skippable=0 ;; esac
  done
  # Every package that is not found must be a direct PackageReference of the Functions project.
  while read -r id _; do
    [[ -z "$id" ]] && continue
    grep -qF "<PackageReference Include=\"$id\"" "$FUNCTIONS_PROJECT" || skippable=0
  done <<<"$not_found"

  if (( skippable )) && [[ "${CDR_REQUIRE_FUNCTIONS_BUILD:-0}" != "1" ]]; then
    missing=""
    while read -r id version; do
      [[ -z "$id" ]] && continue
      if [[ -z "${version:-}" ]]; then   # NU1101 names no version: take it from Directory.Packages.props
        version="$(sed -nE "s|.*<PackageVersion Include=\"$id\" Version=\"([^\"]+)\".*|\1|p" Directory.Packages.props | head -n1)"
      fi
      missing+="${missing:+, }$id${version:+ $version}"
    done < <(printf '%s\n%s\n' "$not_found" "$fallbacks" | awk 'NF && !seen[$1]++')
    line="SKIPPED src/CdrFunctions: Azure Functions worker packages are not restorable from this NuGet source ($missing); everything else is built and tested."
    echo "$line"
    echo "$line" >&2
  else
    cat "$restore_log"
    die "restoring $FUNCTIONS_PROJECT failed (see above)."
  fi
fi

# --- (d) tests -------------------------------------------------------------------------------
mkdir -p "$RESULTS_DIR"
rm -f "$RESULTS_DIR/$TRX_NAME"
test_rc=0
dotnet test "$TEST_PROJECT" -c Release --nologo -v minimal \
  --logger "trx;LogFileName=$TRX_NAME" --results-directory "$RESULTS_DIR" "$@" || test_rc=$?

# --- (e) summary (must stay the last line) ---------------------------------------------------
trx="$RESULTS_DIR/$TRX_NAME"
counter() {  # counter <attribute>: value of that attribute on the TRX <Counters .../> element
  grep -oE '<Counters [^>]*>' "$trx" | head -n1 | grep -oE " $1=\"[0-9]+\"" | grep -oE '[0-9]+' || echo 0
}
if [[ -f "$trx" ]] && grep -q '<Counters ' "$trx"; then
  passed="$(counter passed)"
  failed=$(( $(counter failed) + $(counter error) + $(counter timeout) + $(counter aborted) ))
else
  echo "No test results: $trx was not written (dotnet test exited with code $test_rc; see the build/test output above)."
  passed=0
  failed=1
fi

summary_printed=1
echo "$passed passed, $failed failed"
if (( test_rc != 0 || failed > 0 )); then
  exit 1
fi
