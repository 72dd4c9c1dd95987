#!/usr/bin/env bash
# Log ingest benchmarks, every figure a ratio to a floor measured in the same run on the same input.
# Usage: bench/ingest_logs/run.sh BUILD_DIR [RECORDS=1000000]
#   BUILD_DIR must hold ./onus and bench/ingest_logs/ingest_logs_bench (configure with
#   -DONUS_BUILD_BENCH=ON). The input conn.log is generated once under /tmp.
# CPU time (user+sys, one thread) is the measure: the development machine is shared and loaded, so
# wall-clock times are shown but not used for ratios.
set -euo pipefail
build=${1:?usage: run.sh BUILD_DIR [RECORDS]}
n=${2:-1000000}
here=$(cd "$(dirname "$0")" && pwd)
log=/tmp/onus_bench_conn_${n}.log
[ -s "$log" ] || python3 "$here/gen_conn_log.py" "$log" "$n"
gz=$log.gz
[ -s "$gz" ] || gzip -c "$log" > "$gz"
echo "input: $log ($(wc -c < "$log") bytes, $n records; gzip $(wc -c < "$gz") bytes); load $(cut -d' ' -f1 /proc/loadavg)"

echo "== kernels (Google Benchmark, one thread, CPU time, median of 3)"
ONUS_BENCH_CONN_LOG=$log "$build/bench/ingest_logs/ingest_logs_bench" --benchmark_format=json \
  --benchmark_repetitions=3 --benchmark_report_aggregates_only=true > /tmp/onus_bench_kernel.json
python3 "$here/report.py" kernels /tmp/onus_bench_kernel.json

echo "== whole process (CPU time of the child, best of 3)"
python3 "$here/report.py" process "$build/onus" "$log" "$gz" "$n"
