#!/usr/bin/env python3
"""Build a case file the way `onus hunt` will, for `onus assess` development and as the fallback of
the end-to-end test while hunt is not implemented.

Usage: standin_case.py REPO_ROOT CASE.db SCENARIO_DIR

What it writes (schema taken from store/src/schema.cc, version 1): inputs (path, SHA-256 of the file
as stored), sources, single-value indicators (ipv4-addr, domain-name) and every other STIX object
whole with the line its object begins on, sightings (conn.resp_h / conn.orig_h by address,
dns.query / ssl.server_name / http.host by name or parent zone) with the 1-based line of the
record in the decompressed log, and one `grid` observation per SCADA event line. The grade of a
source is not in the bundles: it is left empty (onus assess falls back on indicator confidence).
Standard library only. This is not a matcher for production use: exact values only, no patterns.
"""
import gzip
import hashlib
import ipaddress
import json
import os
import re
import sqlite3
import sys


def schema(repo):
    text = open(os.path.join(repo, "store/src/schema.cc"), encoding="utf-8").read()
    return re.findall(r'R"sql\((.*?)\)sql"', text, re.S)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def lines_of(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        for i, line in enumerate(f, 1):
            yield i, line.rstrip("\n")


def object_lines(path, n):
    """Lines on which each element of the top-level "objects" array begins (pretty-printed)."""
    out = []
    depth = 0
    in_objects = False
    for i, line in enumerate(open(path, encoding="utf-8"), 1):
        s = line.strip()
        if not in_objects:
            if s.startswith('"objects"'):
                in_objects = True
            continue
        if depth == 0 and s.startswith("{"):
            out.append(i)
        depth += line.count("{") - line.count("}")
        if len(out) >= n and depth == 0:
            break
    return out


def main():
    repo, case, data = sys.argv[1:4]
    if os.path.exists(case):
        os.remove(case)
    db = sqlite3.connect(case)
    db.execute("CREATE TABLE schema_version(version INTEGER NOT NULL)")
    for m in schema(repo):
        db.executescript(m)
    db.execute("INSERT INTO schema_version(version) VALUES(1)")
    ctx = json.load(open(os.path.join(data, "context.json")))
    segs = []
    for s in ctx["sites"]:
        for g in s["segments"]:
            for c in g["cidrs"]:
                segs.append((ipaddress.ip_network(c), s["id"], g["id"]))
        for e in s.get("egress", []):
            segs.append((ipaddress.ip_network(e + "/32"), s["id"], "egress"))
    segs.sort(key=lambda x: -x[0].prefixlen)

    def locate(a):
        try:
            ip = ipaddress.ip_address(a)
        except ValueError:
            return None
        for net, site, seg in segs:
            if ip in net:
                return site, seg
        return None

    def add_input(path, kind):
        cur = db.execute("INSERT INTO inputs(path, sha256, size, kind, ingested_at, state) VALUES(?,?,?,?,?,?)",
                         (path, sha256(path), os.path.getsize(path), kind, "2021-01-01T00:00:00Z", "complete"))
        return cur.lastrowid

    ips, names = {}, {}
    intel_dir = os.path.join(data, "intel")
    for fn in sorted(os.listdir(intel_dir)):
        path = os.path.join(intel_dir, fn)
        iid = add_input(path, "stix")
        objs = json.load(open(path))["objects"]
        lines = object_lines(path, len(objs))
        for o, ln in zip(objs, lines):
            if o["type"] == "identity":
                db.execute("INSERT OR IGNORE INTO sources(id, name, type, grade) VALUES(?,?,?,?)",
                           (o["id"], o["name"], "vendor", ""))
            if o["type"] == "indicator":
                m = re.match(r"\[(ipv4-addr|domain-name):value = '([^']+)'\]$", o["pattern"])
                vt, v = (m.group(1), m.group(2).lower()) if m else ("", "")
                db.execute("INSERT OR REPLACE INTO indicators(id, pattern, pattern_type, name, value_type, value, valid_from,"
                           " valid_until, confidence, source_id, labels_json, input_id, line) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)",
                           (o["id"], o["pattern"], "stix", o.get("name", ""), vt, v, o.get("valid_from", ""),
                            o.get("valid_until", ""), o.get("confidence", -1), o.get("created_by_ref", ""),
                            json.dumps(o.get("labels", [])), iid, ln))
                if vt == "ipv4-addr":
                    ips.setdefault(v, []).append(o["id"])
                elif vt == "domain-name":
                    names.setdefault(v, []).append(o["id"])
            db.execute("INSERT OR REPLACE INTO stix_objects(id, type, name, json, source_id, input_id, line) VALUES(?,?,?,?,?,?,?)",
                       (o["id"], o["type"], o.get("name", ""), json.dumps(o), o.get("created_by_ref", ""), iid, ln))

    def name_hits(n):
        n = n.lower().rstrip(".")
        parts = n.split(".")
        for k in range(len(parts) - 1):
            cand = ".".join(parts[k:])
            if cand in names:
                return cand, names[cand]
        return None, []

    def sight(ind, value, vt, where, ts, site, seg, orig, resp, uid, iid, rec):
        db.execute("INSERT OR IGNORE INTO sightings(indicator_id, value, value_type, seen_where, ts, site, segment, orig_h,"
                   " resp_h, uid, input_id, record, record_type) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)",
                   (ind, value, vt, where, ts, site, seg, orig, resp, uid, iid, rec, "line"))

    def rfc(ts):
        import datetime
        return datetime.datetime.fromtimestamp(float(ts), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    zdir = os.path.join(data, "zeek")
    for site in sorted(os.listdir(zdir)):
        for fn in sorted(os.listdir(os.path.join(zdir, site))):
            path = os.path.join(zdir, site, fn)
            kind = fn.split(".")[0]
            iid = add_input(path, "zeek-tsv")
            cols = []
            for no, line in lines_of(path):
                if line.startswith("#fields"):
                    cols = line.split("\t")[1:]
                    continue
                if line.startswith("#") or not line:
                    continue
                r = dict(zip(cols, line.split("\t")))
                o, p = r.get("id.orig_h", ""), r.get("id.resp_h", "")
                ts = rfc(r["ts"])
                loc = locate(o) or locate(p) or ("", "")
                if kind == "conn":
                    if p in ips:
                        for ind in ips[p]:
                            sight(ind, p, "ipv4-addr", "conn.resp_h", ts, *loc, o, p, r["uid"], iid, no)
                    if o in ips:
                        loc2 = locate(p) or ("", "")
                        for ind in ips[o]:
                            sight(ind, o, "ipv4-addr", "conn.orig_h", ts, *loc2, o, p, r["uid"], iid, no)
                else:
                    field = {"dns": "query", "ssl": "server_name", "http": "host"}.get(kind)
                    if not field or r.get(field, "-") in ("-", ""):
                        continue
                    hit, inds = name_hits(r[field])
                    for ind in inds:
                        sight(ind, r[field].lower(), "domain-name", kind + "." + field, ts, *loc, o, p, r["uid"], iid, no)
    gdir = os.path.join(data, "grid")
    if os.path.isdir(gdir):
        for site in sorted(os.listdir(gdir)):
            for fn in sorted(os.listdir(os.path.join(gdir, site))):
                path = os.path.join(gdir, site, fn)
                iid = add_input(path, "grid")
                for no, line in lines_of(path):
                    if not line.strip():
                        continue
                    e = json.loads(line)
                    db.execute("INSERT INTO observations(kind, ts, site, segment, json, input_id, record, record_type)"
                               " VALUES(?,?,?,?,?,?,?,?)", ("grid", e["ts"], e.get("site", ""), "", line, iid, no, "line"))
    db.commit()


if __name__ == "__main__":
    main()
