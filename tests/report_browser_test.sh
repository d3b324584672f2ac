#!/usr/bin/env bash
# Issue 12: the HTML reports open in a real browser. Writes `fleetsim compare data/demo/*.yaml --html` and
# `fleetsim demo --html`, opens each in headless Chromium (Debian's chromium, installed by
# scripts/install-deps.sh), and fails unless every chart put pixels on its canvas (the page's
# data-charts-rendered), the page recorded no script error (data-script-errors) and the browser logged no uncaught
# error. Keeps a full-page screenshot of each report as the test's artefact: OUT_DIR/{compare,demo}.png.
# Usage (from the source root): tests/report_browser_test.sh FLEETSIM_BINARY OUT_DIR
set -euo pipefail
fleetsim=$1
out=$2
rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
browser=$(command -v chromium || command -v chromium-browser || true)
if [[ -z $browser ]]; then
  echo "report_browser_test: chromium not found; scripts/install-deps.sh installs Debian's chromium" >&2
  exit 1
fi

"$fleetsim" compare data/demo/*.yaml --basis owned --html "$out/compare.html" >/dev/null
"$fleetsim" demo --html "$out/demo.html" >/dev/null

# Headless Chromium as root in a container needs --no-sandbox; a profile of its own keeps runs independent.
run_browser() {
  timeout 180 "$browser" --headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --hide-scrollbars \
    --no-first-run --user-data-dir="$out/profile" --enable-logging=stderr --v=0 "$@"
}

status=0
for page in compare demo; do
  html=$out/$page.html
  charts=$(grep -o '<canvas' "$html" | wc -l)
  dom=$(run_browser --dump-dom "file://$html" 2>"$out/$page.log")
  body=$(grep -o '<body[^>]*>' <<<"$dom" || true)  # the page's marks are attributes of <body>
  rendered=$(grep -o 'data-charts-rendered="[0-9]*"' <<<"$body" | grep -o '[0-9]*' || true)
  if [[ -z $rendered ]]; then
    echo "FAIL $page: the page never finished drawing (no data-charts-rendered)" >&2
    status=1
  elif ((rendered != charts || charts < 6)); then
    echo "FAIL $page: $rendered of $charts charts rendered (at least 6 expected)" >&2
    status=1
  fi
  if grep -q 'data-script-errors' <<<"$body"; then
    echo "FAIL $page: script errors: $(grep -o 'data-script-errors="[^"]*"' <<<"$body")" >&2
    status=1
  fi
  if grep -qi 'Uncaught' "$out/$page.log"; then
    echo "FAIL $page: the browser logged an uncaught error:" >&2
    grep -i 'Uncaught' "$out/$page.log" >&2
    status=1
  fi
  run_browser --screenshot="$out/$page.png" --window-size=1200,7000 "file://$html" 2>>"$out/$page.log" || true
  if [[ ! -s $out/$page.png ]]; then
    echo "FAIL $page: no screenshot" >&2
    status=1
  fi
  echo "$page: $rendered of $charts charts rendered; screenshot $out/$page.png"
done
exit $status
