#!/usr/bin/env python3
"""Helpers of run.sh.
report.py kernels BENCH.json              the Google Benchmark medians as lines/s and ratios
report.py process ONUS LOG LOG.gz N       whole-process CPU times of onus observe vs floors"""
import json
import os
import subprocess
import sys
import time


def kernels(path):
    b = {x["run_name"]: x for x in json.load(open(path))["benchmarks"] if x.get("aggregate_name") == "median"}
    rows = (("floor: split lines+fields (memory)", "BM_FloorSplitLinesAndFields"),
            ("zeek tsv conn decode (memory)", "BM_ZeekTsvConnDecode"),
            ("floor: LineReader (file)", "BM_FloorLineReader"),
            ("LineReader + decode (file)", "BM_ZeekTsvConnFromFile"))
    for name, key in rows:
        x = b[key]
        print("  %-36s %8.1f ms cpu  %6.2f M lines/s" % (name, x["cpu_time"], x["items_per_second"] / 1e6))
    print("  decode / split floor: %.2f   file decode / LineReader floor: %.2f" % (
        b["BM_ZeekTsvConnDecode"]["cpu_time"] / b["BM_FloorSplitLinesAndFields"]["cpu_time"],
        b["BM_ZeekTsvConnFromFile"]["cpu_time"] / b["BM_FloorLineReader"]["cpu_time"]))


def best(cmd):
    out = []
    for _ in range(3):
        start = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
        if status != 0:
            raise SystemExit("failed: %s" % " ".join(cmd))
        out.append((ru.ru_utime + ru.ru_stime, time.perf_counter() - start))
    return min(out)


def process(onus, log, gz, n):
    n = int(n)
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
        cpu, wall = best(cmd)
        res[name] = cpu
        print("  %-32s %7.3f s cpu %7.3f s wall  %6.2f M lines/s (cpu)" % (name, cpu, wall, n / max(cpu, 1e-9) / 1e6))
    print("  observe --count / (wc -l + sha256sum): %.2f   jsonl / --count: %.2f   --count(.gz) / gzip -dc: %.2f" % (
        res["onus observe --count"] / (res["floor: wc -l"] + res["floor: sha256sum"]),
        res["onus observe jsonl >/dev/null"] / res["onus observe --count"],
        res["onus observe --count (.gz)"] / res["floor: gzip -dc (.gz)"]))


if __name__ == "__main__":
    {"kernels": kernels, "process": process}[sys.argv[1]](*sys.argv[2:])
