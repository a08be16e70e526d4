#!/usr/bin/env bash
# Runs every fuzz target (or the ones named) for a given time each, one after
# the other, and prints executions and crashes per target.
#
#   bash scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# Default: 600 s per target (six targets: about an hour). Needs cargo-fuzz
# (`cargo install --locked cargo-fuzz`); runs on the stable toolchain through
# RUSTC_BOOTSTRAP=1. Crashes are written to fuzz/artifacts/<target>/; the
# corpus grows in fuzz/corpus/<target>/ (only the seed-* files are committed).
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
export RUSTC_BOOTSTRAP=1
seconds="${1:-600}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(cargo fuzz list)
fi
mkdir -p logs
cargo fuzz build -O >logs/build.log 2>&1 || { cat logs/build.log; exit 1; }
printf '%-16s %12s %8s %s\n' target executions crashes seconds
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t" "artifacts/$t"
    before=$(find "artifacts/$t" -type f | wc -l)
    # -rss_limit_mb: the assessment target builds ledgers; 4 GiB is ample.
    cargo fuzz run -O "$t" "corpus/$t" -- -max_total_time="$seconds" -rss_limit_mb=4096 \
        -print_final_stats=1 >"logs/$t.log" 2>&1 || true
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "logs/$t.log" | grep -o '[0-9]*$' | tail -1)
    after=$(find "artifacts/$t" -type f | wc -l)
    printf '%-16s %12s %8s %s\n' "$t" "${runs:-?}" "$((after - before))" "$seconds"
done
