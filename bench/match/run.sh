#!/bin/bash
# Whole-process benchmark of `onus hunt` on a 1,000,000-packet capture with 1,000,000 indicators,
# against the floor (pcap_floor with 1,000,000 indicators) and tshark with a 1,000-address filter,
# all in the same run; then the index's build time / RSS (match_index_probe) and the index kernels.
# `onus hunt --intel FILE` is timed as a user runs it:
#   cold       = fresh case, --no-intel-cache: the file is read straight into the index (on a loader
#                thread); the case records the file and stores the sightings and the sighted indicators;
#   first run  = fresh case, empty compiled-intel cache: as cold, plus the cache entry written beside
#                the hunt (on another thread);
#   cached     = fresh case, the cache entry exists: the compiled intel is loaded, not parsed (what
#                every later hunt with the same feed does, on any case);
#   second run = the same command again on the same case (the sightings exist: nothing new is written);
#   read-back  = after `onus intel import` of the whole file, `onus hunt` without --intel builds the
#                index from the case's 1M rows.
# Usage: bench/match/run.sh BUILD_DIR [NPACKETS] [NINDICATORS]     (BUILD_DIR configured with
# -DONUS_BUILD_BENCH=ON; targets onus, match_index_bench, match_index_probe built). Work files go to
# $ONUS_BENCH_DIR (default /tmp/onus-bench-match). Set SKIP_TSHARK=1 / SKIP_KERNELS=1 to skip parts.
set -euo pipefail
BUILD=$(cd "$1" && pwd)
NPKT=${2:-1000000}
NIND=${3:-1000000}
HERE=$(cd "$(dirname "$0")" && pwd)
SHARED=${ONUS_SHARED_DIR:-$HERE/../../../shared}
W=${ONUS_BENCH_DIR:-/tmp/onus-bench-match}
mkdir -p "$W"
[ -f "$W/bench-$NPKT.pcap" ] || python3 "$SHARED/bench/gen_bench_pcap.py" "$W/bench-$NPKT.pcap" "$NPKT"
[ -f "$W/intel-$NIND.dat" ] || python3 "$HERE/gen_indicators.py" "$W/intel-$NIND.dat" "$NIND" "$W/addrs-1000.txt" 1000
[ -x "$W/pcap_floor" ] || g++ -O2 -std=c++20 "$SHARED/bench/pcap_floor.cc" -lpcap -o "$W/pcap_floor"
PCAP="$W/bench-$NPKT.pcap"
export ONUS_CACHE_DIR="$W/intel-cache"
rm -rf "$ONUS_CACHE_DIR"
INTEL="$W/intel-$NIND.dat"

t() {  # wall seconds, user+sys seconds and peak RSS (MB) of a command
  /usr/bin/time -f "%e %U %S %M" -o "$W/time.txt" "$@" >"$W/out.txt" 2>"$W/err.txt" || { cat "$W/err.txt"; exit 1; }
  read -r wall user sys rss <"$W/time.txt"
  echo "$wall $(echo "$user + $sys" | bc) $((rss / 1024))"
}
ratio() { echo "scale=2; $1 / $2" | bc; }
summary() { grep 'onus hunt:' "$W/err.txt" | sed 's/.*; \([0-9.]* s (intel.*\)/\1/'; }

echo "input: $PCAP ($(stat -c %s "$PCAP") bytes), $INTEL ($NIND indicators, $(stat -c %s "$INTEL") bytes)"
# Both files are read once first: the floor's first run must not pay for reading the capture from
# disk when every later command finds it in the page cache.
cat "$PCAP" "$INTEL" >/dev/null
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
read -r f1_wall f1_cpu f1_rss < <(t "$W/pcap_floor" "$PCAP" "$NIND")
echo "pcap_floor ($NIND indicators):         wall ${f1_wall}s cpu ${f1_cpu}s rss ${f1_rss}MB  ($(cat "$W/out.txt"))"

rm -f "$W/case.db"*
read -r hc_wall hc_cpu hc_rss < <(t "$BUILD/onus" hunt --intel "$INTEL" --case "$W/case.db" --no-analytics --no-intel-cache "$PCAP")
echo "onus hunt --intel, fresh case, no cache: wall ${hc_wall}s cpu ${hc_cpu}s rss ${hc_rss}MB  ($(summary))"
rm -f "$W/case.db"*
read -r h1_wall h1_cpu h1_rss < <(t "$BUILD/onus" hunt --intel "$INTEL" --case "$W/case.db" --no-analytics "$PCAP")
echo "onus hunt --intel, fresh case, cache written: wall ${h1_wall}s cpu ${h1_cpu}s rss ${h1_rss}MB  ($(summary))"
grep 'onus hunt:' "$W/err.txt"
rm -f "$W/case.db"*
read -r hw_wall hw_cpu hw_rss < <(t "$BUILD/onus" hunt --intel "$INTEL" --case "$W/case.db" --no-analytics "$PCAP")
echo "onus hunt --intel, fresh case, cached:  wall ${hw_wall}s cpu ${hw_cpu}s rss ${hw_rss}MB  ($(summary))"
grep 'onus hunt:' "$W/err.txt"
read -r h2_wall h2_cpu h2_rss < <(t "$BUILD/onus" hunt --intel "$INTEL" --case "$W/case.db" --no-analytics "$PCAP")
echo "onus hunt --intel, same command again:  wall ${h2_wall}s cpu ${h2_cpu}s rss ${h2_rss}MB  ($(summary))"
rm -f "$W/case-rb.db"*
"$BUILD/onus" intel import "$INTEL" --case "$W/case-rb.db" >/dev/null 2>&1
read -r hr_wall hr_cpu hr_rss < <(t "$BUILD/onus" hunt --case "$W/case-rb.db" --no-analytics "$PCAP")
echo "onus hunt, index read back from the case: wall ${hr_wall}s cpu ${hr_cpu}s rss ${hr_rss}MB  ($(summary))"
rm -f "$W/case.db"*
read -r h3_wall h3_cpu h3_rss < <(t "$BUILD/onus" hunt --intel "$INTEL" --case "$W/case.db" "$PCAP")
echo "onus hunt --intel, fresh, with analytics: wall ${h3_wall}s cpu ${h3_cpu}s rss ${h3_rss}MB  ($(summary))"
rm -f "$W/case-noint.db"*
# --every-flow: without it a hunt with no intel decodes only ICS flows (nothing else can be sighted).
read -r h0_wall h0_cpu h0_rss < <(t "$BUILD/onus" hunt --case "$W/case-noint.db" --no-analytics --every-flow "$PCAP")
echo "onus hunt, no intel (read+decode only): wall ${h0_wall}s cpu ${h0_cpu}s rss ${h0_rss}MB"
rm -f "$W/case-imp.db"*
read -r i_wall i_cpu i_rss < <(t "$BUILD/onus" intel import "$INTEL" --case "$W/case-imp.db")
echo "onus intel import alone:                wall ${i_wall}s cpu ${i_cpu}s rss ${i_rss}MB"
read -r f2_wall f2_cpu f2_rss < <(t "$W/pcap_floor" "$PCAP" "$NIND")
echo "pcap_floor again:                       wall ${f2_wall}s cpu ${f2_cpu}s rss ${f2_rss}MB"
fcpu=$(echo "scale=3; ($f1_cpu + $f2_cpu) / 2" | bc)
fwall=$(echo "scale=3; ($f1_wall + $f2_wall) / 2" | bc)
echo "ratios to the floor (mean of the two floor runs), cpu / wall:"
echo "  hunt, fresh case, no cache:         $(ratio "$hc_cpu" "$fcpu") / $(ratio "$hc_wall" "$fwall")"
echo "  hunt, fresh case, cache written:    $(ratio "$h1_cpu" "$fcpu") / $(ratio "$h1_wall" "$fwall")"
echo "  hunt, fresh case, cached intel:     $(ratio "$hw_cpu" "$fcpu") / $(ratio "$hw_wall" "$fwall")"
echo "  hunt, same command again:           $(ratio "$h2_cpu" "$fcpu") / $(ratio "$h2_wall" "$fwall")"
echo "  hunt, index read back from the case: $(ratio "$hr_cpu" "$fcpu") / $(ratio "$hr_wall" "$fwall")"
echo "  hunt, fresh, with analytics:         $(ratio "$h3_cpu" "$fcpu") / $(ratio "$h3_wall" "$fwall")"
echo "  hunt without intel (decode only):    $(ratio "$h0_cpu" "$fcpu") / $(ratio "$h0_wall" "$fwall")"
if [ -z "${SKIP_TSHARK:-}" ] && command -v tshark >/dev/null; then
  filter="ip.addr in {$(paste -sd, "$W/addrs-1000.txt" | sed 's/,/, /g')}"
  read -r ts_wall ts_cpu ts_rss < <(t tshark -r "$PCAP" -Y "$filter" -T fields -e ip.src -e ip.dst)
  echo "tshark, 1,000-address filter:           wall ${ts_wall}s cpu ${ts_cpu}s rss ${ts_rss}MB ($(wc -l <"$W/out.txt") packets)"
  echo "ratio tshark / hunt (fresh case, no cache), cpu / wall: $(ratio "$ts_cpu" "$hc_cpu") / $(ratio "$ts_wall" "$hc_wall")"
  echo "ratio tshark / hunt (fresh case, cached intel), cpu / wall: $(ratio "$ts_cpu" "$hw_cpu") / $(ratio "$ts_wall" "$hw_wall")"
  echo "ratio tshark / hunt (same command again), cpu / wall: $(ratio "$ts_cpu" "$h2_cpu") / $(ratio "$ts_wall" "$h2_wall")"
  rm -f "$W/case-1k.db"*
  read -r k_wall k_cpu k_rss < <(t "$BUILD/onus" hunt --intel "$W/addrs-1000.txt" --case "$W/case-1k.db" --no-analytics "$PCAP")
  echo "onus hunt --intel (the same 1,000 addresses): wall ${k_wall}s cpu ${k_cpu}s rss ${k_rss}MB  ($(summary))"
  echo "ratio tshark / hunt (same 1,000 addresses), cpu / wall: $(ratio "$ts_cpu" "$k_cpu") / $(ratio "$ts_wall" "$k_wall")"
  rm -f "$W/case-1k.db"*
  read -r ke_wall ke_cpu ke_rss < <(t "$BUILD/onus" hunt --intel "$W/addrs-1000.txt" --case "$W/case-1k.db" --no-analytics --every-flow "$PCAP")
  echo "the same with --every-flow (no flow scope): wall ${ke_wall}s cpu ${ke_cpu}s rss ${ke_rss}MB  ($(summary))"
  echo "ratio tshark / hunt --every-flow (same 1,000 addresses), cpu / wall: $(ratio "$ts_cpu" "$ke_cpu") / $(ratio "$ts_wall" "$ke_wall")"
else
  echo "tshark: skipped (not installed or SKIP_TSHARK set)"
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/time -f "match_index_probe: wall %e s, user %U s, sys %S s, peak RSS %M KB" \
  "$BUILD/bench/match/match_index_probe" "$NIND"
[ -n "${SKIP_KERNELS:-}" ] || "$BUILD/bench/match/match_index_bench" --benchmark_min_time=0.2
