#!/usr/bin/env python3
"""Builds the paired Zeek TSV / Zeek JSON fixture of ingest's "same events, same observations" test.

conn, dns, ssl, x509, http: the PortGrid scenario generated twice by
../shared/tools/scenario/gen_scenario.py (portgrid.json --scale 0.01, once as TSV and once with
--json-logs), site GRID-TX; the same records (same indices) are kept from both forms: the first
record of every distinct (proto, service, conn_state) / qtype / version / status and then every
k-th record, up to PER_LOG records per log.
files: the generator writes no files.log, so real Zeek files.log records (all of Slips test10's,
the first 25 of RITA's proxy test data) are converted to Zeek's JSON writer form here (typed values
from #types, unset fields omitted, sets as arrays, \\xNN escapes decoded).

Usage: make_paired.py SHARED_DIR OUT_DIR   (writes OUT_DIR/{tsv,json}/<log>.log)
"""
import json
import os
import subprocess
import sys
import tempfile

PER_LOG = 35
SITE = "GRID-TX"
LOGS = ("conn", "dns", "ssl", "x509", "http")
KEYS = {"conn": ("proto", "service", "conn_state"), "dns": ("qtype_name", "rcode_name"),
        "ssl": ("version", "next_protocol"), "http": ("method", "status_code"), "x509": ("certificate.issuer",)}


def read_tsv(path):
    header, rows, fields = [], [], []
    for line in open(path, encoding="utf-8").read().split("\n"):
        if not line:
            continue
        if line.startswith("#"):
            if not rows:
                header.append(line)
            if line.startswith("#fields\t"):
                fields = line.split("\t")[1:]
            continue
        rows.append(line)
    return header, rows, fields


def pick(rows, fields, keys):
    idx = {f: i for i, f in enumerate(fields)}
    chosen, seen = [], set()
    for i, r in enumerate(rows):
        cols = r.split("\t")
        k = tuple(cols[idx[f]] for f in keys if f in idx)
        if k not in seen:
            seen.add(k)
            chosen.append(i)
    step = max(1, len(rows) // PER_LOG)
    for i in range(0, len(rows), step):
        if len(chosen) >= PER_LOG:
            break
        if i not in chosen:
            chosen.append(i)
    return sorted(chosen[:max(PER_LOG, 1)])


def unescape(s):
    out, i = [], 0
    while i < len(s):
        if s[i] == "\\" and s[i + 1:i + 2] == "x" and i + 3 < len(s):
            out.append(chr(int(s[i + 2:i + 4], 16)))
            i += 4
            continue
        out.append(s[i])
        i += 1
    return "".join(out)


def typed(v, t):
    if t in ("time", "interval", "double"):
        return float(v)
    if t in ("count", "int", "port"):
        return int(v)
    if t == "bool":
        return v == "T"
    return unescape(v)


def tsv_to_json(header, rows):
    fields = types = None
    for h in header:
        if h.startswith("#fields\t"):
            fields = h.split("\t")[1:]
        if h.startswith("#types\t"):
            types = h.split("\t")[1:]
    out = []
    for r in rows:
        obj = {}
        for f, t, v in zip(fields, types, r.split("\t")):
            if v == "-":
                continue
            if t.startswith(("set[", "vector[")):
                inner = t[t.index("[") + 1:-1]
                obj[f] = [] if v == "(empty)" else [typed(x, inner) for x in v.split(",")]
            else:
                obj[f] = "" if v == "(empty)" else typed(v, t)
        out.append(json.dumps(obj, separators=(",", ":"), ensure_ascii=False))
    return out


def main():
    shared, out = sys.argv[1], sys.argv[2]
    gen = os.path.join(shared, "tools/scenario/gen_scenario.py")
    cfg = os.path.join(shared, "tools/scenario/portgrid.json")
    for d in ("tsv", "json"):
        os.makedirs(os.path.join(out, d), exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        t, j = os.path.join(tmp, "tsv"), os.path.join(tmp, "json")
        subprocess.run([sys.executable, gen, cfg, t, "--scale", "0.01"], check=True, stdout=subprocess.DEVNULL)
        subprocess.run([sys.executable, gen, cfg, j, "--scale", "0.01", "--json-logs"], check=True,
                       stdout=subprocess.DEVNULL)
        for log in LOGS:
            header, rows, fields = read_tsv(os.path.join(t, "zeek", SITE, log + ".log"))
            jrows = open(os.path.join(j, "zeek", SITE, log + ".log"), encoding="utf-8").read().split("\n")[:-1]
            assert len(jrows) == len(rows), log
            keep = pick(rows, fields, KEYS[log])
            with open(os.path.join(out, "tsv", log + ".log"), "w", encoding="utf-8") as f:
                f.write("\n".join(header + [rows[i] for i in keep] + ["#close\t2021-06-15-00-00-00"]) + "\n")
            with open(os.path.join(out, "json", log + ".log"), "w", encoding="utf-8") as f:
                f.write("\n".join(jrows[i] for i in keep) + "\n")
    header, rows = [], []
    for src, n in (("data/logs/zeek/slips/test10-mixed-zeek-dir/files.log", 1000),
                   ("data/logs/zeek/rita_test_data/proxy/files.log", 25)):
        h, r, _ = read_tsv(os.path.join(shared, src))
        r = r[:n]
        fields_line = [x for x in h if x.startswith("#fields")]
        # One TSV file: the first source's header; later sources repeat their own header block.
        header_block = h if not header else ["#path\tfiles"] + [x for x in h if x.startswith(("#fields", "#types"))]
        header.append((header_block, r, fields_line))
    with open(os.path.join(out, "tsv", "files.log"), "w", encoding="utf-8") as f:
        for hb, r, _ in header:
            f.write("\n".join(hb + r) + "\n")
        f.write("#close\t2021-06-15-00-00-00\n")
    with open(os.path.join(out, "json", "files.log"), "w", encoding="utf-8") as f:
        for hb, r, _ in header:
            f.write("\n".join(tsv_to_json(hb, r)) + "\n")


if __name__ == "__main__":
    main()
