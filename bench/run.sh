#!/usr/bin/env bash
# Issue 2's benchmark: a 600,000-row people csv imported into an empty registry on SQLite and PostgreSQL, against
# each database's own bulk load of the same file, plus ID-number searches. Each engine runs in its own process.
set -euo pipefail
cd "$(dirname "$0")"
people=${1:-600000}
dotnet build -c Release Fangkong.Bench >/dev/null
mkdir -p out
bench="dotnet Fangkong.Bench/bin/Release/net10.0/Fangkong.Bench.dll"
[ -f "out/people$people.csv" ] || $bench generate --people "$people" --file "out/people$people.csv"
for engine in sqlite postgres; do
  echo "== $engine"
  $bench import --engine "$engine" --file "out/people$people.csv" --searches 2000
done
