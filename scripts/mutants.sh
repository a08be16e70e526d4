#!/usr/bin/env bash
# Mutation testing of src/ with cargo-mutants (settings in .cargo/mutants.toml).
#
#   bash scripts/mutants.sh [JOBS] [extra cargo-mutants arguments...]
#
# Needs cargo-mutants and cargo-nextest (`cargo install --locked cargo-mutants`).
# About 1,900 mutants at 9-10 s each (build + tests): roughly 2.5-3 hours with
# two jobs on two cores. With --iterate only the mutants not caught by the last
# run are tested again. Results go to mutants.out/ (caught.txt, missed.txt,
# timeout.txt, unviable.txt); the accepted survivors and why are in
# MUTANTS-SURVIVORS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs="${1:-1}"
shift || true
# Fewer proptest cases per property: a mutant that breaks an invariant fails
# within a few cases, and the run is dominated by the test time.
PROPTEST_CASES="${PROPTEST_CASES:-32}" cargo mutants --jobs "$jobs" "$@" || true
out=mutants.out
caught=$(wc -l <"$out/caught.txt")
missed=$(wc -l <"$out/missed.txt")
timeout=$(wc -l <"$out/timeout.txt")
unviable=$(wc -l <"$out/unviable.txt")
# With --iterate, the mutants caught by earlier runs are in previously_caught.txt
# (cargo-mutants also puts the earlier runs' unviable mutants there, so after
# --iterate the score below is a little high; MUTANTS-SURVIVORS.md has the
# exact figures of the last full run).
previous=0
if [ -f "$out/previously_caught.txt" ]; then previous=$(grep -c . "$out/previously_caught.txt" || true); fi
viable=$((previous + caught + missed + timeout))
echo "viable $viable: caught $caught (+ $previous in earlier runs), timeout $timeout, missed $missed (unviable $unviable)"
awk -v c="$((caught + previous))" -v t="$timeout" -v v="$viable" 'BEGIN { if (v > 0) printf "score %.1f %% (caught or timed out)\n", 100 * (c + t) / v }'
