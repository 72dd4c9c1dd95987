#!/usr/bin/env bash
# Runs scripts/demo against this build and checks the report it points at exists and is HTML.
set -euo pipefail
src="$1"; bin="$2"
out="$bin/demo-test-out"
rel="$(realpath --relative-to="$src" "$bin")"
log="$(ONUS_DEMO_OUT="$out" "$src/scripts/demo" "$rel" 2>&1)" || { echo "$log"; echo "FAIL: demo exited non-zero"; exit 1; }
report="$(printf '%s\n' "$log" | sed -n 's/^report: //p' | tail -n 1)"
[ -n "$report" ] || { echo "$log"; echo "FAIL: demo printed no report path"; exit 1; }
[ -s "$report" ] || { echo "FAIL: report $report missing or empty"; exit 1; }
grep -q '<svg id="timeline"' "$report" || { echo "FAIL: report has no timeline"; exit 1; }
[ -s "$out/case.db" ] && [ -s "$out/assessment.json" ] && [ -s "$out/bundle.json" ] || { echo "FAIL: demo outputs missing"; exit 1; }
echo "demo: ok ($report)"
