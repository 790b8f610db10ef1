#!/usr/bin/env bash
# Peak resident memory of `textmine process` on a synthetic corpus: bench/peak_rss.sh [ROWS] [MEMORY_LIMIT]
# (TEXTMINE_DUCKDB_MEMORY_LIMIT bounds DuckDB; the rest is Python, the model and one chunk of rows).
set -euo pipefail
rows=${1:-50000}
limit=${2:-1GB}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
textmine synth --n "$rows" --seed 1 --out "$work/synthetic_$rows.csv" >/dev/null
TEXTMINE_DUCKDB_MEMORY_LIMIT=$limit /usr/bin/time -v textmine process "$work/synthetic_$rows.csv" \
    --store "$work/store.duckdb" 2> "$work/time.txt" | tail -2
grep -E "Maximum resident|Elapsed" "$work/time.txt"
