#!/usr/bin/env bash
# The style rules the build cannot enforce: IDE0001/IDE0002 (names that can be simplified) and the order of usings
# (System first, then alphabetical) are not checked by the analyzers the compiler runs (EnforceCodeStyleInBuild), only
# by the IDE and `dotnet format`, so CI checks them here. Exits non-zero and names each place (IDE0001, IDE0002 or
# IMPORTS); fix with the same command without --verify-no-changes.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet format style Gossip.Perf.sln --verify-no-changes --diagnostics IDE0001 IDE0002 --severity warn
