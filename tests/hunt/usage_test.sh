#!/bin/bash
# onus hunt: bad input is one line on stderr and exit 2.
set -u
ONUS=$1
SRC=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail=0
expect2() {
  local what=$1; shift
  "$@" >"$T/out" 2>"$T/err"
  local rc=$?
  local lines=$(wc -l <"$T/err")
  if [ $rc -ne 2 ] || [ "$lines" -ne 1 ]; then
    echo "FAIL: $what: rc=$rc, $lines stderr lines:"; cat "$T/err"; fail=1
  else
    echo "ok: $what: $(cat "$T/err")"
  fi
}
D=$SRC/tests/data/demo/portgrid-small
expect2 "no case" "$ONUS" hunt "$D/zeek/PORT-HQ"
expect2 "missing input" "$ONUS" hunt --case "$T/c.db" "$T/nope.log"
expect2 "missing intel" "$ONUS" hunt --intel "$T/nope.json" --case "$T/c.db" "$D/zeek/PORT-HQ"
printf 'this is not telemetry\n' >"$T/junk.txt"
expect2 "unknown input format" "$ONUS" hunt --case "$T/c.db" "$T/junk.txt"
printf '{"not": "intel"' >"$T/bad.json"
expect2 "corrupt intel" "$ONUS" hunt --intel "$T/bad.json" --case "$T/c.db" "$D/zeek/PORT-HQ"
expect2 "bad context" "$ONUS" hunt --context "$T/bad.json" --case "$T/c.db" "$D/zeek/PORT-HQ"
# A directory may hold other files (READMEs, notes): they are left out with one line, the logs hunted.
mkdir -p "$T/dir"
cp "$D"/zeek/PORT-HQ/conn.log.gz "$T/dir/"
printf 'notes, not telemetry\n' >"$T/dir/README.md"
"$ONUS" hunt --no-analytics --case "$T/d.db" "$T/dir" >"$T/out" 2>"$T/err"
rc=$?
if [ $rc -eq 0 ] && grep -q "skipped 1 files of no known log or capture format (e.g. '$T/dir/README.md')" "$T/err" &&
   grep -q "onus hunt: 1 inputs" "$T/err"; then
  echo "ok: unknown file in a directory skipped, the log hunted"
else
  echo "FAIL: directory with a README: rc=$rc"; cat "$T/err"; fail=1
fi
# A truncated capture: what was read is hunted, exit 0, and the damage is named (file and offset);
# --max-warnings caps the lines and the count line says how many were kept.
head -c 300 "$SRC/fuzz/ingest_capture/corpus/capture_file/dnp3_read.pcap" >"$T/cut.pcap"
"$ONUS" hunt --no-analytics --max-warnings 1 --case "$T/t.db" "$T/cut.pcap" >"$T/out" 2>"$T/err"
rc=$?
if [ $rc -eq 0 ] && [ "$(grep -c 'warning:' "$T/err")" -eq 1 ] &&
   grep -q "warning: $T/cut.pcap: packet 4 (offset 264): bad_capture_record: truncated" "$T/err" &&
   grep -q "1 malformed records in 1 files (1 warnings shown of 2 kept)" "$T/err"; then
  echo "ok: truncated capture hunted, damage named at its offset, warnings capped"
else
  echo "FAIL: truncated capture: rc=$rc"; cat "$T/err"; fail=1
fi
# An intel directory: its feeds are hunted, its README left out with one line; indicators in a
# pattern language onus does not evaluate (YARA) are counted as not matched, not dropped silently.
mkdir -p "$T/intel"
printf '198.51.100.7\n' >"$T/intel/c2.txt"
printf 'See https://blog.example.com/report\n' >"$T/intel/README.md"
cat >"$T/intel/yara.json" <<'JSON'
{"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[
{"type":"indicator","spec_version":"2.1","id":"indicator--aaaaaaaa-0000-4000-8000-000000000010","created":"2021-01-01T00:00:00Z","modified":"2021-01-01T00:00:00Z","pattern":"rule X { condition: true }","pattern_type":"yara","valid_from":"2021-01-01T00:00:00Z"}]}
JSON
"$ONUS" hunt --no-analytics --intel "$T/intel" --case "$T/i.db" "$T/dir" >"$T/out" 2>"$T/err"
rc=$?
if [ $rc -eq 0 ] && grep -q "2 indicators (1 values, 0 patterns)" "$T/err" &&
   grep -q "left out 1 files of the --intel directories that are not intelligence (e.g. $T/intel/README.md: documentation" "$T/err" &&
   grep -q "not matched: 1 indicators whose pattern language onus does not evaluate" "$T/err"; then
  echo "ok: intel directory hunted, README left out, the YARA indicator counted as not matched"
else
  echo "FAIL: intel directory: rc=$rc"; cat "$T/err"; fail=1
fi
exit $fail
