#!/bin/sh
# Analytics cost against parsing alone, same inputs, same run (bench/analytics README section in
# analytics/README.md).
#   bench/analytics/run.sh BUILD_DIR [SCALE] [RUNS] [OTHER_BENCH]
# SCALE 1 (default) reads the shared PortGrid logs. SCALE > 1 generates PortGrid with
# ../shared/tools/scenario/gen_scenario.py --scale SCALE under $ONUS_BENCH_DIR (default /tmp/an_bench;
# never inside the repo) and reads its Zeek TSV logs (scale 7 is ~1.7 M conn records, scale 42 ~10 M).
# Each run is `parse` then `analyze` in separate processes (so peak RSS is per mode), alternating,
# RUNS times (default 3). Configure the build with -DONUS_BUILD_BENCH=ON; run it on a quiet machine.
# OTHER_BENCH (optional): another analytics_bench binary (e.g. an older analyzer built against the same
# ingest) whose `analyze` runs after each pair, its line marked "other": a same-run A/B.
set -eu
build=${1:?usage: run.sh BUILD_DIR [SCALE] [RUNS] [OTHER_BENCH]}
scale=${2:-1}
runs=${3:-3}
other=${4:-}
shared=$(cd "$(dirname "$0")/../../../shared" 2>/dev/null && pwd || echo /work/shared)
if [ "$scale" = 1 ]; then
  dir=$shared/data/scenarios/portgrid/zeek
else
  dir=${ONUS_BENCH_DIR:-/tmp/an_bench}/scale-$scale
  if [ ! -d "$dir/zeek" ]; then
    python3 "$shared/tools/scenario/gen_scenario.py" "$shared/tools/scenario/portgrid.json" "$dir" --scale "$scale" --force
  fi
  dir=$dir/zeek
fi
files=$(find "$dir" \( -name 'conn.log*' -o -name 'dns.log*' -o -name 'ssl.log*' -o -name 'http.log*' \) | sort)
bin=$build/bench/analytics/analytics_bench
i=0
while [ "$i" -lt "$runs" ]; do
  echo "# loadavg $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
  $bin parse $files
  $bin analyze $files
  if [ -n "$other" ]; then "$other" analyze $files | sed 's/^{"mode":"analyze"/{"mode":"analyze","other":true/'; fi
  i=$((i + 1))
done
