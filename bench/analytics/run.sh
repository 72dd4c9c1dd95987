#!/bin/sh
# Analytics cost against parsing alone, same inputs, same run.
#   bench/analytics/run.sh BUILD_DIR [SCALE]
# SCALE (default 1) > 1 generates PortGrid at that scale under /tmp/onus-bench-analytics (never
# committed; scale 33 is about 10,000,000 conn records); SCALE 1 uses the shared PortGrid logs.
set -eu
build=${1:?usage: run.sh BUILD_DIR [SCALE]}
scale=${2:-1}
shared=$(cd "$(dirname "$0")/../../../shared" 2>/dev/null && pwd || echo /work/shared)
if [ "$scale" = 1 ]; then
  dir=$shared/data/scenarios/portgrid/zeek
else
  dir=/tmp/onus-bench-analytics/scale-$scale
  if [ ! -d "$dir/zeek" ]; then
    python3 "$shared/tools/scenario/gen_scenario.py" "$shared/tools/scenario/portgrid.json" "$dir" --scale "$scale" --force
  fi
  dir=$dir/zeek
fi
files=$(find "$dir" -name 'conn.log*' -o -name 'dns.log*' -o -name 'ssl.log*' -o -name 'http.log*' | sort)
bin=$build/bench/analytics/analytics_bench
for i in 1 2 3; do
  $bin parse $files
  $bin analyze $files
done
