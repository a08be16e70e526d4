#!/usr/bin/env bash
# Compares the crate's `assess` example with a polars program doing the
# segment + tier part of the job on the same generated invoices file:
# same answer for every partner, wall time and peak memory of each.
#
#   benches/compare/run.sh                          # 1M partners, 10M lines
#   PARTNERS=20000 LINES=200000 benches/compare/run.sh   # a quick run
#
# Environment: PARTNERS, LINES (data size), PYTHON (default python3),
# CARGO_TARGET_DIR (honoured by cargo; the binaries are looked up there).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$here/work"
PARTNERS="${PARTNERS:-1000000}"
LINES="${LINES:-10000000}"
PYTHON="${PYTHON:-python3}"

step() { printf '\n== %s\n' "$*"; }

# (a) Tools: polars, and GNU time for `/usr/bin/time -v`.
step "tools"
if ! "$PYTHON" -c 'import polars' 2>/dev/null; then
    echo "installing polars with pip"
    "$PYTHON" -m pip install --quiet polars
fi
if [ ! -x /usr/bin/time ] || ! /usr/bin/time -v true 2>/dev/null; then
    echo "installing Debian's time package"
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq time >/dev/null
fi
echo "polars $("$PYTHON" -c 'import polars; print(polars.__version__)'), $("$PYTHON" --version 2>&1), $(cargo --version)"

# (b) Build the generator and the assess example in release.
step "build (release)"
cd "$root"
cargo build --release --quiet --example generate --example assess
target_dir="$(cargo metadata --format-version 1 --no-deps \
    | "$PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
generate="$target_dir/release/examples/generate"
assess="$target_dir/release/examples/assess"
echo "$assess"

# (c) One invoices file per size, generated once (the generator is deterministic).
step "data: $PARTNERS partners, $LINES lines"
mkdir -p "$work"
invoices="$work/invoices-$PARTNERS-$LINES.csv"
if [ -f "$invoices" ] && [ "$(wc -l <"$invoices")" -eq $((LINES + 1)) ]; then
    echo "reusing $invoices"
else
    rm -f "$invoices"
    "$generate" large "$PARTNERS" "$LINES" "$invoices.tmp"
    mv "$invoices.tmp" "$invoices"
fi
ls -lh "$invoices" | awk '{print $5, $NF}'
cat "$invoices" >/dev/null # both runs start with the file in the page cache

# (d) Both jobs under /usr/bin/time -v (their stdout is discarded).
polars_out="$work/polars.csv"
assess_out="$work/assess.csv"
rm -f "$polars_out" "$assess_out"
step "polars job"
/usr/bin/time -v -o "$work/polars.time" \
    "$PYTHON" "$here/polars_job.py" "$invoices" "$polars_out" >/dev/null
grep -E 'Elapsed|Maximum resident' "$work/polars.time"
step "assess example"
/usr/bin/time -v -o "$work/assess.time" \
    "$assess" --invoices "$invoices" --out "$assess_out" >/dev/null
grep -E 'Elapsed|Maximum resident' "$work/assess.time"

# (e) Same partners, same segment and tier for every one.
step "segment and tier per partner"
status=0
"$PYTHON" "$here/compare.py" "$polars_out" "$assess_out" || status=$?

# (f) Wall time, peak memory and the ratios.
step "summary ($PARTNERS partners, $LINES lines)"
"$PYTHON" - "$work/polars.time" "$work/assess.time" <<'EOF'
import re
import sys


def measure(path):
    text = open(path).read()
    clock = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text).group(1)
    seconds = 0.0
    for part in clock.split(":"):
        seconds = seconds * 60 + float(part)
    rss_kib = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
    return seconds, rss_kib


(pt, pm), (at, am) = measure(sys.argv[1]), measure(sys.argv[2])
print(f"{'':8} {'wall time':>10} {'peak RSS':>12}")
print(f"{'polars':8} {pt:>9.2f}s {pm / 1024:>9.1f} MiB")
print(f"{'assess':8} {at:>9.2f}s {am / 1024:>9.1f} MiB")
print(f"time   polars / assess = {pt / at:.2f}" if at > 0 else "time   polars / assess = n/a (assess took 0.00 s)")
print(f"memory assess / polars = {am / pm:.2f}")
EOF
exit "$status"
