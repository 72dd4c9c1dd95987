#!/usr/bin/env bash
# Capture decode benchmark: full decode (flows, DNS, TLS, HTTP, ICS) into a counting sink, timed
# against pcap_floor on the same capture in the same run, plus peak RSS (memory bounded by the flow
# table). Reports wall time and CPU time (user+sys; the fair measure on a shared, loaded machine)
# and ratios to two floors: pcap_floor as shipped (its default 1,000,000 indicators) and a bare
# read (1,000 indicators).
# Usage: bench/ingest_capture/run.sh [BUILD_DIR] [PACKETS] [RUNS]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-$ROOT/build-bench}
PACKETS=${2:-1000000}
RUNS=${3:-3}
SHARED=${ONUS_SHARED_DIR:-$ROOT/../shared}
PCAP=/tmp/onus_bench_${PACKETS}.pcap
FLOOR=/tmp/onus_pcap_floor

[ -x "$FLOOR" ] || g++ -O2 -std=c++20 "$SHARED/bench/pcap_floor.cc" -lpcap -o "$FLOOR"
[ -f "$PCAP" ] || python3 "$SHARED/bench/gen_bench_pcap.py" "$PCAP" "$PACKETS" >/dev/null
if [ ! -x "$BUILD/bench/ingest_capture/capture_bench" ]; then
  cmake -S "$ROOT" -B "$BUILD" -DONUS_BUILD_BENCH=ON >/dev/null
  cmake --build "$BUILD" --target capture_bench -j2 >/dev/null
fi
BENCH="$BUILD/bench/ingest_capture/capture_bench"
cat "$PCAP" >/dev/null  # warm the page cache

# "wall cpu rss_kb" of one run; the best (lowest CPU) of RUNS runs.
measure() {
  local best=""
  for _ in $(seq "$RUNS"); do
    local r
    r=$(/usr/bin/time -f "%e %U %S %M" "$@" 2>&1 >/dev/null | tail -1)
    r=$(echo "$r" | awk '{printf "%.2f %.2f %d", $1, $2 + $3, $4}')
    if [ -z "$best" ] || awk -v a="${r#* }" -v b="${best#* }" 'BEGIN{split(a,x," ");split(b,y," ");exit !(x[1]<y[1])}'; then best=$r; fi
  done
  echo "$best"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a / b}'; }

floor=$(measure "$FLOOR" "$PCAP")
bare=$(measure "$FLOOR" "$PCAP" 1000)
full=$(measure "$BENCH" "$PCAP")
flows=$(measure "$BENCH" "$PCAP" --no-decode --kinds conn)
small=$(measure "$BENCH" "$PCAP" --max-flows 1000)
"$BENCH" "$PCAP" 2>&1 >/dev/null | sed 's/^/  /'
read -r fw fc fm <<<"$floor"; read -r bw bc bm <<<"$bare"; read -r uw uc um <<<"$full"
read -r lw lc lm <<<"$flows"; read -r sw sc sm <<<"$small"
echo "capture: $PCAP ($PACKETS packets, $(du -m "$PCAP" | cut -f1) MB); best of $RUNS; load $(cut -d' ' -f1 /proc/loadavg)"
printf '%-34s %7s %7s %9s\n' "" "wall s" "cpu s" "peak KB"
printf '%-34s %7s %7s %9s\n' "pcap_floor (default 1M indicators)" "$fw" "$fc" "$fm"
printf '%-34s %7s %7s %9s\n' "pcap_floor 1000 (bare read)" "$bw" "$bc" "$bm"
printf '%-34s %7s %7s %9s\n' "full decode (counting sink)" "$uw" "$uc" "$um"
printf '%-34s %7s %7s %9s\n' "flows only (--no-decode)" "$lw" "$lc" "$lm"
printf '%-34s %7s %7s %9s\n' "full decode, --max-flows 1000" "$sw" "$sc" "$sm"
echo "full decode / pcap_floor:        cpu $(ratio "$uc" "$fc")x  wall $(ratio "$uw" "$fw")x"
echo "full decode / bare read:         cpu $(ratio "$uc" "$bc")x  wall $(ratio "$uw" "$bw")x"
echo "flows only  / bare read:         cpu $(ratio "$lc" "$bc")x"
