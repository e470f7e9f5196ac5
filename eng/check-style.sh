#!/usr/bin/env bash
# The style rules the build cannot enforce: IDE0001/IDE0002 (names that can be simplified) are not in the code-style
# analyzers the compiler runs (EnforceCodeStyleInBuild), only in the IDE and `dotnet format`, so CI checks them
# here. Exits non-zero and names each place when a name can be simplified; fix with the same command without
# --verify-no-changes.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet format style Gossip.Perf.sln --verify-no-changes --diagnostics IDE0001 IDE0002 --severity warn
