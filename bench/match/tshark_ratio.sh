#!/bin/bash
# onus hunt against tshark on the 1,000-address filter, in one run: ROUNDS hunts before and ROUNDS
# after one tshark run (tshark takes ~1.5 minutes; this VM's speed drifts, so the hunts bracket it),
# then the medians and the ratios, wall and CPU. Also the floor, before and after.
# Usage: bench/match/tshark_ratio.sh ONUS [ROUNDS]   (needs the files bench/match/run.sh makes)
set -euo pipefail
ONUS=$(realpath "$1")
ROUNDS=${2:-5}
W=${ONUS_BENCH_DIR:-/tmp/onus-bench-match}
PCAP=$W/bench-1000000.pcap
for f in "$PCAP" "$W/addrs-1000.txt" "$W/pcap_floor"; do
  [ -e "$f" ] || { echo "tshark_ratio.sh: $f missing: run bench/match/run.sh first" >&2; exit 2; }
done
command -v tshark >/dev/null || { echo "tshark_ratio.sh: tshark not installed" >&2; exit 2; }
LOG=$(mktemp)
t() {  # label command...: appends "label wall cpu"
  local label=$1
  shift
  /usr/bin/time -f "%e %U %S" -o "$W/tr-time.txt" "$@" >"$W/tr-out.txt" 2>"$W/tr-err.txt" || { cat "$W/tr-err.txt"; exit 1; }
  read -r w u s <"$W/tr-time.txt"
  echo "$label $w $(echo "$u + $s" | bc)" | tee -a "$LOG"
}
hunt() {
  rm -f "$W/tr.db"*
  t "${1:-hunt}" "$ONUS" hunt --intel "$W/addrs-1000.txt" --case "$W/tr.db" --no-analytics --no-intel-cache "$PCAP"
}
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
t floor "$W/pcap_floor" "$PCAP" 1000000
for _ in $(seq 1 "$ROUNDS"); do hunt; done
filter="ip.addr in {$(paste -sd, "$W/addrs-1000.txt" | sed 's/,/, /g')}"
t tshark tshark -r "$PCAP" -Y "$filter" -T fields -e ip.src -e ip.dst
echo "tshark matched $(wc -l <"$W/tr-out.txt") packets"
for _ in $(seq 1 "$ROUNDS"); do hunt; done
t floor "$W/pcap_floor" "$PCAP" 1000000
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$LOG" <<'PY'
import statistics as st, sys
rows = {}
for line in open(sys.argv[1]):
    k, w, c = line.split()
    rows.setdefault(k, []).append((float(w), float(c)))
med = {k: (st.median(w for w, _ in v), st.median(c for _, c in v)) for k, v in rows.items()}
for k, (w, c) in sorted(med.items()):
    print(f"  {k:7s} median wall {w:7.2f} s  cpu {c:7.2f} s  ({len(rows[k])} runs)")
tw, tc = med["tshark"]
hw, hc = med["hunt"]
print(f"tshark / onus hunt: wall {tw / hw:.0f}x, cpu {tc / hc:.0f}x; hunt / floor (wall): {hw / med['floor'][0]:.2f}")
PY
rm -f "$LOG"
