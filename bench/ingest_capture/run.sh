#!/usr/bin/env bash
# Capture decode benchmark: the whole CLI (`onus observe --format jsonl >/dev/null` and the
# no-output `onus observe --count`, both hashing the file and decoding flows, DNS, TLS, HTTP, ICS)
# and the decode-only driver capture_bench, timed against pcap_floor on the same capture in the same
# run, plus peak RSS (memory bounded by the flow table). Reports wall time and CPU time (user+sys;
# the fair measure on a shared, loaded machine) and ratios to two floors: pcap_floor as shipped (its
# default 1,000,000 indicators) and a bare read (1,000 indicators).
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
if [ ! -x "$BUILD/bench/ingest_capture/capture_bench" ] || [ ! -x "$BUILD/onus" ]; then
  cmake -S "$ROOT" -B "$BUILD" -DONUS_BUILD_BENCH=ON >/dev/null
  cmake --build "$BUILD" --target capture_bench onus -j2 >/dev/null
fi
BENCH="$BUILD/bench/ingest_capture/capture_bench"
ONUS="$BUILD/onus"
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
jsonl=$(measure "$ONUS" observe --quiet --format jsonl "$PCAP")
count=$(measure "$ONUS" observe --quiet --count "$PCAP")
full=$(measure "$BENCH" "$PCAP")
flows=$(measure "$BENCH" "$PCAP" --no-decode --kinds conn)
small=$(measure "$BENCH" "$PCAP" --max-flows 1000)
"$BENCH" "$PCAP" 2>&1 >/dev/null | sed 's/^/  /'
read -r fw fc fm <<<"$floor"; read -r bw bc bm <<<"$bare"; read -r uw uc um <<<"$full"
read -r lw lc lm <<<"$flows"; read -r sw sc sm <<<"$small"
read -r jw jc jm <<<"$jsonl"; read -r cw cc cm <<<"$count"
"$ONUS" observe --quiet --count "$PCAP" | tr '\n' ' ' | sed 's/^/  onus observe --count: /; s/$/\n/'
echo "capture: $PCAP ($PACKETS packets, $(du -m "$PCAP" | cut -f1) MB); best of $RUNS; load $(cut -d' ' -f1 /proc/loadavg)"
printf '%-34s %7s %7s %9s\n' "" "wall s" "cpu s" "peak KB"
printf '%-34s %7s %7s %9s\n' "pcap_floor (default 1M indicators)" "$fw" "$fc" "$fm"
printf '%-34s %7s %7s %9s\n' "pcap_floor 1000 (bare read)" "$bw" "$bc" "$bm"
printf '%-34s %7s %7s %9s\n' "onus observe --format jsonl" "$jw" "$jc" "$jm"
printf '%-34s %7s %7s %9s\n' "onus observe --count" "$cw" "$cc" "$cm"
printf '%-34s %7s %7s %9s\n' "full decode (capture_bench)" "$uw" "$uc" "$um"
printf '%-34s %7s %7s %9s\n' "flows only (--no-decode)" "$lw" "$lc" "$lm"
printf '%-34s %7s %7s %9s\n' "full decode, --max-flows 1000" "$sw" "$sc" "$sm"
echo "observe jsonl / pcap_floor:      cpu $(ratio "$jc" "$fc")x  wall $(ratio "$jw" "$fw")x"
echo "observe --count / pcap_floor:    cpu $(ratio "$cc" "$fc")x  wall $(ratio "$cw" "$fw")x"
echo "full decode / pcap_floor:        cpu $(ratio "$uc" "$fc")x  wall $(ratio "$uw" "$fw")x"
echo "full decode / bare read:         cpu $(ratio "$uc" "$bc")x  wall $(ratio "$uw" "$bw")x"
echo "flows only  / bare read:         cpu $(ratio "$lc" "$bc")x"
flows_n=$("$BENCH" "$PCAP" --no-decode --kinds conn 2>&1 >/dev/null | awk '$1 == "conn" {print $2}')
[ -n "$flows_n" ] && echo "memory per active flow: ($um - $sm) KB / $flows_n flows = $(awk -v a="$um" -v b="$sm" -v n="$flows_n" 'BEGIN{printf "%.0f", (a - b) * 1024 / n}') bytes"
