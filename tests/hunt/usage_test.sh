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
exit $fail
