#!/bin/bash
# Whole-process benchmark of `onus hunt` on a 1,000,000-packet capture with 1,000,000 indicators,
# against the floor (pcap_floor with 1,000,000 indicators) and tshark with a 1,000-address filter,
# all in the same run; then the index kernels (Google Benchmark) and the index's build time / RSS.
# Usage: bench/match/run.sh BUILD_DIR [NPACKETS] [NINDICATORS]     (BUILD_DIR configured with
# -DONUS_BUILD_BENCH=ON; targets onus, match_index_bench, match_index_probe built)
set -euo pipefail
BUILD=$(cd "$1" && pwd)
NPKT=${2:-1000000}
NIND=${3:-1000000}
HERE=$(cd "$(dirname "$0")" && pwd)
SHARED=${ONUS_SHARED_DIR:-$HERE/../../../shared}
W=/tmp/onus-bench-match
mkdir -p "$W"
[ -f "$W/bench-$NPKT.pcap" ] || python3 "$SHARED/bench/gen_bench_pcap.py" "$W/bench-$NPKT.pcap" "$NPKT"
[ -f "$W/intel-$NIND.dat" ] || python3 "$HERE/gen_indicators.py" "$W/intel-$NIND.dat" "$NIND" "$W/addrs-1000.txt" 1000
[ -x "$W/pcap_floor" ] || g++ -O2 -std=c++20 "$SHARED/bench/pcap_floor.cc" -lpcap -o "$W/pcap_floor"

t() {  # wall seconds, user+sys seconds and peak RSS of a command
  /usr/bin/time -f "%e %U %S %M" -o "$W/time.txt" "$@" >"$W/out.txt" 2>"$W/err.txt" || { cat "$W/err.txt"; exit 1; }
  read -r wall user sys rss <"$W/time.txt"
  echo "$wall $(echo "$user + $sys" | bc) $((rss / 1024))"
}

echo "input: $W/bench-$NPKT.pcap ($(stat -c %s "$W/bench-$NPKT.pcap") bytes), $NIND indicators"
read -r floor_wall floor_cpu floor_rss < <(t "$W/pcap_floor" "$W/bench-$NPKT.pcap" "$NIND")
echo "pcap_floor:            wall ${floor_wall}s cpu ${floor_cpu}s rss ${floor_rss}MB  ($(cat "$W/out.txt"))"
# The case with the intel imported once (import + hunt of the capture measured separately).
rm -f "$W/case.db"*
read -r imp_wall imp_cpu imp_rss < <(t "$BUILD/onus" intel import "$W/intel-$NIND.dat" --case "$W/case.db")
echo "onus intel import:     wall ${imp_wall}s cpu ${imp_cpu}s rss ${imp_rss}MB"
cp "$W/case.db" "$W/case-intel.db"
read -r hunt_wall hunt_cpu hunt_rss < <(t "$BUILD/onus" hunt --case "$W/case.db" --no-analytics "$W/bench-$NPKT.pcap")
echo "onus hunt (no analytics): wall ${hunt_wall}s cpu ${hunt_cpu}s rss ${hunt_rss}MB  ($(grep 'onus hunt:' "$W/err.txt"))"
cp "$W/case-intel.db" "$W/case.db"
read -r full_wall full_cpu full_rss < <(t "$BUILD/onus" hunt --case "$W/case.db" "$W/bench-$NPKT.pcap")
echo "onus hunt (analytics): wall ${full_wall}s cpu ${full_cpu}s rss ${full_rss}MB"
echo "ratio hunt/floor (cpu): $(echo "scale=2; $hunt_cpu / $floor_cpu" | bc)   (wall: $(echo "scale=2; $hunt_wall / $floor_wall" | bc))"
if command -v tshark >/dev/null; then
  filter="ip.addr in {$(paste -sd' ' "$W/addrs-1000.txt")}"
  read -r ts_wall ts_cpu ts_rss < <(t tshark -r "$W/bench-$NPKT.pcap" -Y "$filter" -T fields -e ip.src -e ip.dst)
  echo "tshark 1000 addresses: wall ${ts_wall}s cpu ${ts_cpu}s rss ${ts_rss}MB"
  echo "ratio tshark/hunt (cpu): $(echo "scale=1; $ts_cpu / $hunt_cpu" | bc)"
else
  echo "tshark: not installed (skipped; the >= 100x comparison needs it)"
fi
"$BUILD/bench/match/match_index_probe" "$NIND"
"$BUILD/bench/match/match_index_bench" --benchmark_min_time=0.2
