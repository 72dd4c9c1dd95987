#!/usr/bin/env bash
# usage: report_e2e.sh ONUS SCENARIO_DIR WORK_DIR
set -euo pipefail
onus="$1"; data="$2"; work="$3"
rm -rf "$work"; mkdir -p "$work"
ctx="$data/context.json"; claims="$data/claims.json"
"$onus" hunt --quiet --intel "$data"/intel/*.json --context "$ctx" --case "$work/case.db" "$data/zeek" "$data/grid"

# 1. The JSON report is the assessment, byte for byte, and re-rendering is deterministic.
"$onus" assess --no-store --case "$work/case.db" --context "$ctx" --claims "$claims" --format json -o "$work/assess.json"
"$onus" report --case "$work/case.db" --context "$ctx" --claims "$claims" --format json -o "$work/report.json"
cmp "$work/assess.json" "$work/report.json" || { echo "FAIL: report --format json differs from assess --format json"; exit 1; }
"$onus" report --case "$work/case.db" --context "$ctx" --claims "$claims" --format html -o "$work/report.html"
"$onus" report --case "$work/case.db" --context "$ctx" --claims "$claims" --format html -o "$work/report2.html"
cmp "$work/report.html" "$work/report2.html" || { echo "FAIL: HTML not deterministic"; exit 1; }
"$onus" report --case "$work/case.db" --context "$ctx" --claims "$claims" --format md -o "$work/report.md"
grep -q '^## Claims checked' "$work/report.md" || { echo "FAIL: markdown lacks the claims table"; exit 1; }

# 2. STIX round trip: re-importing the bundle yields the same indicators and sightings.
"$onus" report --case "$work/case.db" --context "$ctx" --claims "$claims" --format stix -o "$work/bundle.json"
"$onus" intel import "$work/bundle.json" --case "$work/roundtrip.db" >/dev/null
python3 - "$work/case.db" "$work/roundtrip.db" "$work/bundle.json" <<'PY'
import json, sqlite3, sys, collections
orig, rt, bundle = sys.argv[1:4]
o = sqlite3.connect(orig); r = sqlite3.connect(rt)
fired = {row[0] for row in o.execute("SELECT DISTINCT indicator_id FROM sightings WHERE stale=0 AND site!=''")}
rt_ind = {row[0]: row[1] for row in r.execute("SELECT id, pattern FROM indicators")}
orig_ind = {row[0]: row[1] for row in o.execute("SELECT id, pattern FROM indicators")}
assert fired, "no sightings in the case"
assert set(rt_ind) == fired, f"indicators differ: {sorted(set(rt_ind) ^ fired)[:5]}"
for i in fired:
    assert rt_ind[i] == orig_ind[i], f"pattern of {i} changed"
want = collections.Counter()
for ind, site, n in o.execute("SELECT indicator_id, site, COUNT(*) FROM sightings WHERE stale=0 AND site!='' GROUP BY indicator_id, site"):
    want[ind] += n
got = collections.Counter()
for (j,) in r.execute("SELECT json FROM stix_objects WHERE type='sighting'"):
    s = json.loads(j)
    got[s["sighting_of_ref"]] += s["count"]
assert got == want, f"sighting counts differ: {[(k, got[k], want[k]) for k in set(got) | set(want) if got[k] != want[k]][:5]}"
b = json.load(open(bundle))
types = collections.Counter(x["type"] for x in b["objects"])
for t in ("identity", "indicator", "sighting", "observed-data", "campaign", "opinion", "report", "marking-definition"):
    assert types[t] > 0, f"bundle has no {t}"
print(f"stix round trip: {len(fired)} indicators, {sum(want.values())} sighting records, {len(b['objects'])} objects")
PY

# 3. The HTML in a real browser: every section, one timeline row per site, no console errors.
browser="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$browser" ]; then echo "FAIL: chromium not installed (scripts/install-deps installs it)"; exit 1; fi
profile="$work/chromium-profile"
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
       --disable-component-update --disable-sync --user-data-dir="$profile" --enable-logging=stderr --v=0)
timeout 120 "$browser" "${flags[@]}" --window-size=1280,4000 --screenshot="$work/report.png" "file://$work/report.html" \
  >"$work/screenshot.log" 2>&1 || true
[ -s "$work/report.png" ] || { cat "$work/screenshot.log"; echo "FAIL: no screenshot"; exit 1; }
timeout 120 "$browser" "${flags[@]}" --dump-dom "file://$work/report.html" >"$work/dom.html" 2>"$work/console.log" || true
if grep -E 'CONSOLE|Uncaught|SyntaxError|ReferenceError|TypeError' "$work/console.log"; then
  echo "FAIL: the page logged console errors"; exit 1
fi
sites=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['sites']))" "$ctx")
rows=$(grep -o 'class="site-row"' "$work/dom.html" | wc -l)
[ "$rows" -eq "$sites" ] || { echo "FAIL: timeline has $rows rows for $sites sites"; exit 1; }
for needle in 'id="summary"' 'svg id="timeline"' 'svg id="evidence-graph"' 'class="hypotheses"' 'class="claims"' \
              'id="evidence-table"' 'class="event-band"'; do
  grep -q "$needle" "$work/dom.html" || { echo "FAIL: rendered page lacks $needle"; exit 1; }
done
echo "report e2e: ok (screenshot $work/report.png, $rows timeline rows)"
