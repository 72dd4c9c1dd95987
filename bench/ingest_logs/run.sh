#!/usr/bin/env bash
# Log ingest benchmarks, every figure a ratio to a floor measured in the same run on the same input.
# Usage: bench/ingest_logs/run.sh BUILD_DIR [RECORDS=1000000]
#   BUILD_DIR must hold ./onus and bench/ingest_logs/ingest_logs_bench (configure with
#   -DONUS_BUILD_BENCH=ON). The input conn.log is generated once under /tmp.
set -euo pipefail
build=${1:?usage: run.sh BUILD_DIR [RECORDS]}
n=${2:-1000000}
here=$(cd "$(dirname "$0")" && pwd)
log=/tmp/onus_bench_conn_${n}.log
[ -s "$log" ] || python3 "$here/gen_conn_log.py" "$log" "$n"
gz=$log.gz
[ -s "$gz" ] || gzip -c "$log" > "$gz"
echo "input: $log ($(wc -c < "$log") bytes, $n records; gzip $(wc -c < "$gz") bytes)"

echo "== kernel (Google Benchmark, one core): decode vs line/field-splitting floor"
ONUS_BENCH_CONN_LOG=$log "$build/bench/ingest_logs/ingest_logs_bench" --benchmark_format=json \
  --benchmark_repetitions=3 --benchmark_report_aggregates_only=true > /tmp/onus_bench_kernel.json
python3 - /tmp/onus_bench_kernel.json <<'PY'
import json, sys
b = {x["run_name"]: x for x in json.load(open(sys.argv[1]))["benchmarks"] if x.get("aggregate_name") == "median"}
floor, dec = b["BM_FloorSplitLinesAndFields"], b["BM_ZeekTsvConnDecode"]
for name, x in (("floor (split lines+fields)", floor), ("zeek tsv conn decode", dec)):
    print("  %-28s %8.1f ms  %6.2f M lines/s" % (name, x["real_time"], x["items_per_second"] / 1e6))
print("  decode / floor time ratio: %.2f" % (dec["real_time"] / floor["real_time"]))
PY

echo "== whole process (best of 3 wall-clock runs)"
python3 - "$build/onus" "$log" "$gz" "$n" <<'PY'
import subprocess, sys, time
onus, log, gz, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
def best(cmd, stdout=subprocess.DEVNULL):
    t = []
    for _ in range(3):
        s = time.perf_counter(); subprocess.run(cmd, stdout=stdout, check=True); t.append(time.perf_counter() - s)
    return min(t)
rows = [
    ("floor: wc -l", ["wc", "-l", log]),
    ("floor: sha256sum", ["sha256sum", log]),
    ("onus observe --count", [onus, "observe", "--count", "--quiet", log]),
    ("onus observe jsonl >/dev/null", [onus, "observe", "--quiet", log]),
    ("floor: gzip -dc (.gz)", ["gzip", "-dc", gz]),
    ("onus observe --count (.gz)", [onus, "observe", "--count", "--quiet", gz]),
]
res = {}
for name, cmd in rows:
    res[name] = best(cmd)
    print("  %-32s %7.3f s  %6.2f M lines/s" % (name, res[name], n / res[name] / 1e6))
print("  observe --count / wc -l: %.2f   jsonl / wc -l: %.2f   --count(.gz) / gzip -dc: %.2f" % (
    res["onus observe --count"] / res["floor: wc -l"], res["onus observe jsonl >/dev/null"] / res["floor: wc -l"],
    res["onus observe --count (.gz)"] / res["floor: gzip -dc (.gz)"]))
PY
