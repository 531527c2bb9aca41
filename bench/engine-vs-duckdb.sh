#!/usr/bin/env bash
# Local engine side by side (a harness, not a test): the README's first command on the current
# checkout (embedded Trino) and on the last commit whose local engine was DuckDB, over the same
# generated source data, each run a fresh process measured by /usr/bin/time (wall and peak RSS).
#
#   bench/engine-vs-duckdb.sh [events=100000] [rounds=3] [duckdb_rev=4a6a0dfd30f1, the last DuckDB commit]
#
# Results go to target/bench/engine-vs-duckdb.txt; copy the table into BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
events="${1:-100000}"
rounds="${2:-3}"
duckdb_rev="${3:-4a6a0dfd30f10b48c1ab4621b45fe9af6dc8cfe2}"  # the last commit whose local engine is DuckDB
out=target/bench
mkdir -p "$out"
report="$out/engine-vs-duckdb.txt"
source_dir="$(pwd)/$out/source"
base="$out/duckdb-checkout"
timing="$(pwd)/$out/time.txt"

if [ ! -d "$base" ]; then
  git worktree add --detach "$base" "$duckdb_rev" >/dev/null
fi
# Both builds first, and the Trino side's start-up cache (made by its first query), so no round
# pays for either.
./partition-builder --version >/dev/null
./partition-builder query "SELECT 1" >/dev/null
(cd "$base" && ./partition-builder --version >/dev/null)
./partition-builder sample --month 2024-03 --events "$events" --source "$source_dir" >/dev/null

run() { # label, dir, extra arguments
  local label="$1" dir="$2" warehouse
  shift 2
  warehouse="$(pwd)/$out/warehouse-$label"
  rm -rf "$warehouse"
  (cd "$dir" && /usr/bin/time -f "%e %M" -o "$timing" \
    ./partition-builder run --month 2024-03 --source "$source_dir" --warehouse "$warehouse" "$@" >/dev/null)
  read -r wall rss < "$timing"
  printf '%-9s %8.2f s %8d MiB\n' "$label" "$wall" "$((rss / 1024))" | tee -a "$report"
}

{
  echo "events=$events rounds=$rounds duckdb=$duckdb_rev trino=$(git rev-parse HEAD) $(date -u +%FT%TZ)"
  echo "engine       wall     peak RSS"
} > "$report"
for _ in $(seq "$rounds"); do
  run duckdb "$base"
  run trino .
  run trino-1g . --memory-limit 1GB
done
