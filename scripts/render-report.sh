#!/usr/bin/env bash
# Renders the HTML report of the bundled sample data (examples/data/) to a PNG
# screenshot with headless Chromium, to check what a reader sees: readable
# labels, the cut-off lines where the Pareto table says, no overlapping text.
#
#   bash scripts/render-report.sh                 # English, target/report/report-en.{html,png}
#   bash scripts/render-report.sh --lang ru       # Russian, target/report/report-ru.{html,png}
#   OUT_DIR=/tmp/r bash scripts/render-report.sh  # somewhere else
#   bash scripts/render-report.sh --height 5000   # a shorter screenshot (the default shows the whole page)
#
# Installs Debian's chromium (and a font with Cyrillic) if missing; needs root
# for that, as on the project's machines. Honours CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."

lang=en
height=7000
while [ $# -gt 0 ]; do
    case "$1" in
        --lang) lang="${2:?--lang needs en or ru}"; shift 2 ;;
        --height) height="${2:?--height needs pixels}"; shift 2 ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done

if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi dejavu; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
fi

out_dir="${OUT_DIR:-${CARGO_TARGET_DIR:-target}/report}"
mkdir -p "$out_dir"
out_dir="$(cd "$out_dir" && pwd)"
html="$out_dir/report-$lang.html"
png="$out_dir/report-$lang.png"

cargo build --release --example assess
ASSESS_TIMINGS=1 cargo run -q --release --example assess -- --lang "$lang" --html "$html" >/dev/null

profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --user-data-dir="$profile" --hide-scrollbars \
    --window-size=1400,"$height" --screenshot="$png" "file://$html" 2>"$profile/chromium.log" || {
    cat "$profile/chromium.log" >&2
    exit 1
}
test -s "$png"
echo "report: $html ($(wc -c <"$html") bytes)"
echo "screenshot: $png"
