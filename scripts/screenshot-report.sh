#!/bin/sh
# Screenshot of a report.html in headless Chromium (Debian: apt-get install -y chromium).
#   scripts/screenshot-report.sh [report.html] [out.png]
# Without a report, runs `smoke demo` into a temporary reports folder and takes its report.html.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
  echo "screenshot-report: no chromium found (Debian: apt-get install -y chromium)" >&2
  exit 2
fi
report=${1:-}
out=${2:-report.png}
if [ -z "$report" ]; then
  reports=$(mktemp -d)
  node "$root/bin/smoke.js" demo --reports "$reports" >/dev/null 2>&1 || true
  report=$(ls "$reports"/v0.0.1/*/report.html | head -n 1)
fi
[ -f "$report" ] || { echo "screenshot-report: $report is not a file" >&2; exit 2; }
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
# --no-sandbox: Chromium's sandbox needs user namespaces that root in a container lacks.
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$profile" \
  --window-size=1280,1400 --screenshot="$out" "file://$(cd "$(dirname "$report")" && pwd)/$(basename "$report")" 2>/dev/null
echo "screenshot-report: $out from $report"
