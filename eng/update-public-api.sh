#!/usr/bin/env bash
# Regenerates src/{Gossip.Wire,Gossip.Engine,Gossip.Hosting}/PublicAPI.Unshipped.txt from the code, after an
# intentional public API change: the PublicApiAnalyzers code fixes add what is new (RS0016) and drop what is gone
# (RS0017), applied headless by `dotnet format analyzers`. Then each file is sorted, and the libraries are built with
# warnings as errors to prove the files match. Needs only the .NET SDK; safe to run again (idempotent).
# Review the diff: every added line is public API you now promise to keep.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

projects=(src/Gossip.Wire src/Gossip.Engine src/Gossip.Hosting) # dependency order

for dir in "${projects[@]}"; do
  for file in PublicAPI.Shipped.txt PublicAPI.Unshipped.txt; do
    # The analyzer wants both files, each starting with "#nullable enable" (the API is nullable-annotated).
    if [ ! -s "$dir/$file" ] || ! grep -qx '#nullable enable' "$dir/$file"; then
      { echo '#nullable enable'; [ -f "$dir/$file" ] && cat "$dir/$file"; } > "$dir/$file.tmp"
      mv "$dir/$file.tmp" "$dir/$file"
    fi
  done
done

for dir in "${projects[@]}"; do
  name=$(basename "$dir")
  echo "== $name: applying RS0016/RS0017 fixes"
  dotnet format analyzers "$dir/$name.csproj" --diagnostics RS0016 RS0017 --severity warn
done

# dotnet format does not always apply the RS0017 fix (a removed const or enum member can survive it): drop every
# entry the analyzer still reports as gone, straight from the build's messages. A library that fails stops the build of
# those that depend on it, so repeat once per library.
for _ in "${projects[@]}"; do
  gone=$(dotnet build src/Gossip.Hosting/Gossip.Hosting.csproj -c Release -nologo -v q 2>&1 \
    | grep -Eo "[^ ]*PublicAPI\.Unshipped\.txt\([0-9]+,[0-9]+\): error RS0017: Symbol '[^']*'" | sort -u || true)
  [ -n "$gone" ] || break
  while IFS= read -r line; do
    file=${line%%(*}
    symbol=${line#*Symbol \'}
    symbol=${symbol%\'}
    grep -vxF -- "$symbol" "$file" > "$file.tmp" || true
    mv "$file.tmp" "$file"
  done <<< "$gone"
done

for dir in "${projects[@]}"; do
  file="$dir/PublicAPI.Unshipped.txt"
  # "#nullable enable" first, then the entries sorted ordinally, without duplicates or blank lines.
  { echo '#nullable enable'; grep -vx -e '#nullable enable' -e '' "$file" | LC_ALL=C sort -u; } > "$file.tmp"
  mv "$file.tmp" "$file"
done

echo "== checking: the libraries build with warnings as errors"
dotnet build src/Gossip.Hosting/Gossip.Hosting.csproj -c Release -warnaserror -nologo -v q
