#!/bin/bash
# Same-run A/B of two onus binaries on the bench capture: rounds of pcap_floor, OLD, NEW, each hunt on
# a fresh case, each binary with a compiled-intel cache of its own (warmed first); medians at the end.
# Usage: bench/match/ab.sh OLD_ONUS NEW_ONUS [ROUNDS] [MODES]
#   MODES (default "cached analytics cold k1 decode"):
#   cached    = onus hunt --intel intel-1000000.dat --no-analytics, compiled intel from the cache
#   analytics = the same with analytics (the default command)
#   cold      = the same with --no-intel-cache (the feed parsed and compiled every time)
#   k1        = onus hunt --intel addrs-1000.txt (the 1,000 addresses of the tshark comparison)
#   decode    = onus hunt without intel (read, hash and decode only)
# Needs the files bench/match/run.sh makes in $ONUS_BENCH_DIR (default /tmp/onus-bench-match).
set -euo pipefail
OLD=$(realpath "$1")
NEW=$(realpath "$2")
ROUNDS=${3:-5}
MODES=${4:-cached analytics cold k1 decode}
W=${ONUS_BENCH_DIR:-/tmp/onus-bench-match}
PCAP=$W/bench-1000000.pcap
INTEL=$W/intel-1000000.dat
for f in "$PCAP" "$INTEL" "$W/addrs-1000.txt" "$W/pcap_floor"; do
  [ -e "$f" ] || { echo "ab.sh: $f missing: run bench/match/run.sh first" >&2; exit 2; }
done
LOG=$(mktemp)
t() {  # wall, user+sys, peak RSS (MB)
  /usr/bin/time -f "%e %U %S %M" -o "$W/ab-time.txt" "$@" >/dev/null 2>"$W/ab-err.txt" || { cat "$W/ab-err.txt"; exit 1; }
  read -r w u s m <"$W/ab-time.txt"
  echo "$w $(echo "$u + $s" | bc) $((m / 1024))"
}
run() {  # binary label mode
  local b=$1 v=$2 m=$3
  rm -f "$W/ab.db"*
  case $m in
    cached) ONUS_CACHE_DIR=$W/ab-cache-$v t "$b" hunt --intel "$INTEL" --case "$W/ab.db" --no-analytics "$PCAP" ;;
    analytics) ONUS_CACHE_DIR=$W/ab-cache-$v t "$b" hunt --intel "$INTEL" --case "$W/ab.db" "$PCAP" ;;
    cold) t "$b" hunt --intel "$INTEL" --case "$W/ab.db" --no-analytics --no-intel-cache "$PCAP" ;;
    k1) t "$b" hunt --intel "$W/addrs-1000.txt" --case "$W/ab.db" --no-analytics --no-intel-cache "$PCAP" ;;
    decode) t "$b" hunt --case "$W/ab.db" --no-analytics "$PCAP" ;;
    *) echo "ab.sh: unknown mode $m" >&2; exit 2 ;;
  esac
}
for v in old new; do  # warm each binary's compiled-intel cache
  b=$OLD; [ $v = new ] && b=$NEW
  rm -rf "$W/ab-cache-$v"
  run "$b" $v cached >/dev/null
done
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 1 "$ROUNDS"); do
  echo "floor $(t "$W/pcap_floor" "$PCAP" 1000000)" | tee -a "$LOG"
  for v in old new; do
    b=$OLD; [ $v = new ] && b=$NEW
    for m in $MODES; do echo "$v-$m $(run "$b" $v $m)" | tee -a "$LOG"; done
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "medians over $ROUNDS rounds (wall s, CPU s, peak RSS MB):"
awk '{w[$1]=w[$1]" "$2; c[$1]=c[$1]" "$3; m[$1]=m[$1]" "$4} END {for (k in w) print k, w[k], "|", c[k], "|", m[k]}' "$LOG" |
  python3 -c '
import sys, statistics as st
for line in sys.stdin:
    k, rest = line.split(" ", 1)
    w, c, m = (list(map(float, p.split())) for p in rest.split("|"))
    print(f"  {k:16s} wall {st.median(w):6.2f}  cpu {st.median(c):6.2f}  rss {st.median(m):5.0f}")
' | sort
rm -f "$LOG"
