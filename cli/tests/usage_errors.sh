#!/usr/bin/env bash
# Bad CLI input gets one line on stderr and exit code 2; --help exits 0.
set -u
onus="$1"
fail=0
expect() {  # expect CODE LINES -- args...
  local want_code=$1 want_lines=$2; shift 3
  local err; err=$("$onus" "$@" 2>&1 >/dev/null); local code=$?
  local lines; lines=$(printf '%s' "$err" | grep -c '' || true)
  if [ "$code" != "$want_code" ] || { [ "$want_lines" != "-" ] && [ "$lines" != "$want_lines" ]; }; then
    echo "FAIL: onus $* -> exit $code, $lines stderr lines (want $want_code, $want_lines): $err"; fail=1
  fi
}
expect 2 - -- 
expect 2 1 -- no-such-command
expect 0 0 -- --help
expect 0 0 -- version
for c in hunt observe analyze findings assess attribute report pattern intel demo; do
  expect 0 0 -- "$c" --help
  expect 2 1 -- "$c" --no-such-flag
done
expect 2 1 -- observe /nonexistent/file.pcap
[ $fail -eq 0 ] && echo "usage errors: all passed"
exit $fail
