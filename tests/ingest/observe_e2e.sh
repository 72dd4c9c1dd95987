#!/usr/bin/env bash
# `onus observe` end to end: JSON lines on the sample logs, --kinds, --count, gzip and directories,
# and exit 2 with exactly one stderr line for a missing input, an unknown format and a bad --kinds.
set -u
onus="$1"
shared="${2:-}"
here=$(cd "$(dirname "$0")" && pwd)
data="$here/../data/ingest"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() {  # check DESCRIPTION CONDITION...
  local what=$1; shift
  if ! "$@"; then echo "FAIL: $what"; fail=1; fi
}
expect_usage_error() {  # expect_usage_error PATTERN -- args...
  local pattern=$1; shift 2
  local err; err=$("$onus" observe "$@" 2>&1 >/dev/null); local code=$?
  local lines; lines=$(printf '%s' "$err" | grep -c '' || true)
  if [ "$code" != 2 ] || [ "$lines" != 1 ] || ! printf '%s' "$err" | grep -q -- "$pattern"; then
    echo "FAIL: onus observe $* -> exit $code, $lines lines: $err"; fail=1
  fi
}

# JSON lines: one object per line, the common fields on every record.
"$onus" observe --quiet "$data/zeek-tsv" "$data/eve.json" "$data/scada_events.jsonl" > "$tmp/all.jsonl" 2> "$tmp/err"
check "observe exits 0" [ $? -eq 0 ]
check "no stderr with --quiet" [ ! -s "$tmp/err" ]
python3 - "$tmp/all.jsonl" <<'PY' || fail=1
import json, sys
kinds = {}
for n, line in enumerate(open(sys.argv[1]), 1):
    o = json.loads(line)
    for k in ("kind", "ts", "uid", "community_id", "orig_h", "orig_p", "resp_h", "resp_p", "proto", "src"):
        assert k in o, (n, k)
    assert set(o["src"]) == {"path", "sha256", "record", "record_type"}, o["src"]
    assert len(o["src"]["sha256"]) == 64 and o["src"]["record"] >= 1
    assert o["ts"].endswith("Z") and len(o["ts"]) == 27, o["ts"]
    kinds[o["kind"]] = kinds.get(o["kind"], 0) + 1
want = {"conn", "dns", "tls", "x509", "http", "file", "alert", "anomaly", "grid", "other"}
assert want <= set(kinds), kinds
print("observe e2e: %d records, kinds %s" % (sum(kinds.values()), sorted(kinds.items())))
PY

# --count agrees with the JSON lines, per kind.
"$onus" observe --quiet --count "$data/zeek-tsv" "$data/eve.json" "$data/scada_events.jsonl" > "$tmp/count"
total=$(awk '$1=="total"{print $2}' "$tmp/count")
check "--count total = jsonl lines" [ "$total" = "$(wc -l < "$tmp/all.jsonl" | tr -d ' ')" ]
dns_json=$(grep -c '"kind":"dns"' "$tmp/all.jsonl")
dns_count=$(awk '$1=="dns"{print $2}' "$tmp/count")
check "--count dns = jsonl dns" [ "$dns_json" = "$dns_count" ]

# --kinds filters; gzip input equals plain input apart from provenance.
"$onus" observe --quiet --kinds dns "$data/zeek-tsv/dns.log" > "$tmp/dns.jsonl"
check "--kinds dns only" [ "$(grep -vc '"kind":"dns"' "$tmp/dns.jsonl")" = 0 ]
check "--kinds dns count" [ "$(wc -l < "$tmp/dns.jsonl" | tr -d ' ')" = 4 ]
gzip -c "$data/zeek-tsv/dns.log" > "$tmp/renamed.bin"
"$onus" observe --quiet "$tmp/renamed.bin" > "$tmp/dns_gz.jsonl"
check "gzip, misleading name: same records" \
  [ "$(sed 's/"src":{[^}]*}//' "$tmp/dns.jsonl" | md5sum)" = "$(sed 's/"src":{[^}]*}//' "$tmp/dns_gz.jsonl" | md5sum)" ]

# Warnings for malformed lines go to stderr (not with --quiet) and do not change the exit code.
"$onus" observe "$data/zeek-tsv/conn.log" > /dev/null 2> "$tmp/warn"
check "malformed line: exit 0" [ $? -eq 0 ]
check "malformed line: warning names file and line" grep -q 'conn.log:12: expected 21 fields, got 4' "$tmp/warn"

# Usage and input errors: exit 2, one line.
expect_usage_error "no such file" -- /nonexistent/conn.log
printf 'hello\n' > "$tmp/hello.txt"
expect_usage_error "unknown format" -- "$tmp/hello.txt"
expect_usage_error "unknown kind 'conns'" -- --kinds conns "$data/zeek-tsv/dns.log"
expect_usage_error "format" -- --format csv "$data/zeek-tsv/dns.log"
expect_usage_error "required" --

# Real data, when the shared folder is beside the clone.
if [ -n "$shared" ] && [ -d "$shared/data/scenarios/portgrid/zeek/GRID-TX" ]; then
  "$onus" observe --quiet --count "$shared/data/scenarios/portgrid/zeek/GRID-TX" > "$tmp/grid_tx"
  check "portgrid GRID-TX conn records" [ "$(awk '$1=="conn"{print $2}' "$tmp/grid_tx")" -gt 1000 ]
  check "portgrid GRID-TX: no anomalies" [ -z "$(awk '$1=="anomaly"{print $2}' "$tmp/grid_tx")" ]
fi

[ $fail -eq 0 ] && echo "observe e2e: all passed"
exit $fail
