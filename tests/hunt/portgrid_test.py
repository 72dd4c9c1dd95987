#!/usr/bin/env python3
"""onus hunt on the PortGrid-21 scenario (../shared/data/scenarios/portgrid; README.md tells its story).

Checks:
- the scenario's C2 infrastructure (the vendor TAG-22 list) is sighted, valid and not stale, at the
  three victim sites PORT-HQ, GRID-TX and VAXCO, on the hosts the README names;
- no vendor (TAG-22, RedFoxtrot) indicator is sighted at the clean control site GRID-DIST;
- GRID-DIST does hit the community blocklist's CDN, scanner and dynamic-DNS traps, and those
  sightings carry the context annotation (cdn / scanner / dynamic-dns) instead of being dropped;
  the blocklist is valid only from 2021-07-20, after the June telemetry, so they are stale;
- every JSON line has provenance (path, sha256, record) that points at a line holding the value;
- the intel files are read straight into the index: the case records each file (scope "sighted"),
  its STIX objects, and exactly the indicators that were sighted;
- hunting the same telemetry again adds no rows; after `onus intel import` of the same files (scope
  "all", every indicator), a hunt without --intel reads the index back from the case's rows and
  finds the same sightings;
- with --warninglists, the CDN and scanner trap sightings carry the MISP warning-list kind, and the
  stored rows' annotations equal the JSON lines'.
Usage: portgrid_test.py ONUS SHARED_DIR
"""
import gzip
import json
import os
import sqlite3
import subprocess
import sys
import tempfile

from checks import check, finish, references_hold

onus, shared = sys.argv[1], sys.argv[2]
scen = os.path.join(shared, "data", "scenarios", "portgrid")
if not os.path.isdir(scen):
    print("SKIP: no scenario at", scen)
    sys.exit(0)


def vendor_ids(name):
    with open(os.path.join(scen, "intel", name)) as f:
        b = json.load(f)
    return {o["id"]: o for o in b["objects"] if o["type"] == "indicator"}


tag22 = vendor_ids("insikt-tag22.json")
redfox = vendor_ids("insikt-redfoxtrot.json")
vendor = set(tag22) | set(redfox)

with tempfile.TemporaryDirectory() as tmp:
    # The compiled-intel cache lives in this test's directory (the first hunt writes it).
    os.environ["ONUS_CACHE_DIR"] = os.path.join(tmp, "cache")
    case = os.path.join(tmp, "case.db")
    out = os.path.join(tmp, "sightings.jsonl")
    intel = sorted(os.path.join(scen, "intel", f) for f in os.listdir(os.path.join(scen, "intel")))
    cmd = [onus, "hunt", "--intel", *intel, "--context", os.path.join(scen, "context.json"), "--case", case,
           "--jsonl", out, "--no-analytics", os.path.join(scen, "zeek"), os.path.join(scen, "grid")]
    p = subprocess.run(cmd, capture_output=True, text=True)
    check(p.returncode == 0, "onus hunt exits 0 (stderr: %s)" % p.stderr.strip()[-300:])
    if p.returncode != 0:
        sys.exit(1)
    summary = [l for l in p.stderr.splitlines() if l.startswith("onus hunt:")]
    check(len(summary) == 1, "one summary line: %s" % (summary[0] if summary else p.stderr[-200:]))
    lines = [json.loads(l) for l in open(out)]
    check(len(lines) > 0, "%d sighting lines" % len(lines))

    def sites_of(pred):
        return {l["site"] for l in lines if pred(l)}

    c2 = [l for l in lines if l["indicator_id"] in tag22 and not l["stale"]]
    for site in ("PORT-HQ", "GRID-TX", "VAXCO"):
        n = sum(1 for l in c2 if l["site"] == site)
        check(n > 0, "TAG-22 C2 infrastructure sighted at %s (%d valid sightings)" % (site, n))
    vals = {(l["site"], l["seen.indicator"]) for l in c2}
    for site, value in [("PORT-HQ", "139.180.135.175"), ("PORT-HQ", "45.77.107.26"), ("PORT-HQ", "116.203.104.216"),
                        ("GRID-TX", "139.180.135.175"), ("GRID-TX", "207.148.99.56"),
                        ("VAXCO", "116.203.104.216"), ("VAXCO", "95.111.245.74")]:
        check((site, value) in vals, "%s sighted at %s" % (value, site))
    names = {(l["site"], l["seen.indicator"]) for l in c2 if l["seen.indicator_type"] == "Intel::DOMAIN"}
    check(("PORT-HQ", "dntc.livehost.live") in names or ("PORT-HQ", "snoc.hostingupdate.club") in names,
          "a C2 domain sighted at PORT-HQ (dns/tls)")
    dist_vendor = [l for l in lines if l["site"] == "GRID-DIST" and l["indicator_id"] in vendor]
    check(not dist_vendor, "no vendor C2 indicator at GRID-DIST (%d)" % len(dist_vendor)
          + ("" if not dist_vendor else ": " + json.dumps(dist_vendor[0])[:300]))
    dist = [l for l in lines if l["site"] == "GRID-DIST"]
    kinds = {}
    for l in dist:
        for a in l["annotations"]:
            kinds.setdefault(a["kind"], set()).add(l["seen.indicator"])
    for kind, example in [("cdn", "104.18.33.57"), ("scanner", "162.142.125.221"),
                          ("dynamic-dns", "gridist-gate-cam01.camdvr.org")]:
        check(kind in kinds, "GRID-DIST trap sightings annotated '%s' (%s)" % (kind, sorted(kinds.get(kind, []))[:3]))
    check(all(l["stale"] for l in dist), "GRID-DIST trap sightings are stale (blocklist valid from 2021-07-20)")
    cam = [l for l in dist if l["seen.indicator"] == "gridist-gate-cam01.camdvr.org"]
    check(cam and all(l["match"] == "parent-domain" and l["indicator_value"] == "camdvr.org" for l in cam),
          "the camera name matches the listed zone camdvr.org by parent domain (%d)" % len(cam))

    # Provenance: the record is a line of the named file that holds the seen value.
    cache = {}
    bad = 0
    sample = lines[:: max(1, len(lines) // 200)]
    for l in sample:
        src = l["src"]
        path = src["path"]
        if path not in cache:
            opener = gzip.open if path.endswith(".gz") else open
            with opener(path, "rt") as f:
                cache[path] = f.read().split("\n")
        text = cache[path][src["record"] - 1]
        if l["seen.indicator"].lower() not in text.lower():
            bad += 1
    check(bad == 0 and len(sample) > 0, "provenance of %d sampled sightings points at lines holding the value" % len(sample))
    check(all(len(l["src"]["sha256"]) == 64 for l in lines), "every line carries the input's SHA-256")

    db = sqlite3.connect(case)
    n1 = db.execute("select count(*) from sightings").fetchone()[0]
    o1 = db.execute("select count(*) from observations").fetchone()[0]
    check(n1 == len(lines), "case holds one sighting row per JSON line (%d vs %d)" % (n1, len(lines)))
    grid = db.execute("select count(*) from observations where kind='grid'").fetchone()[0]
    check(grid == 10, "all 10 SCADA events kept as observations (%d)" % grid)
    ot = db.execute("select count(*) from observations where kind='conn' and segment='ot'").fetchone()[0]
    check(ot >= 0, "conns into OT from outside kept: %d" % ot)
    sighted = {r[0] for r in db.execute("select distinct indicator_id from sightings")}
    stored = {r[0] for r in db.execute("select id from indicators")}
    check(stored == sighted and len(stored) > 0,
          "the case keeps exactly the %d sighted indicators (%d stored)" % (len(sighted), len(stored)))
    scopes = db.execute("select count(*), sum(state='complete' and scope='sighted') from inputs "
                        "where kind in ('stix','misp','csv','list','zeek-intel')").fetchone()
    check(scopes[0] == len(intel) and scopes[1] == len(intel), "each intel file recorded, scope sighted (%s)" % (scopes,))
    references_hold(db, "after the hunt")
    sets = db.execute("select count(*) from stix_objects where type='intrusion-set'").fetchone()[0]
    check(sets >= 1, "the feeds' intrusion sets are stored (%d)" % sets)
    feed_indicators = sum(1 for f in intel if f.endswith(".json")
                          for o in json.load(open(f)).get("objects", []) if o.get("type") == "indicator")
    db.close()
    # Second run: the same command; the intel files are read again, nothing is duplicated.
    out2 = os.path.join(tmp, "sightings2.jsonl")
    cmd2 = [out2 if x == out else x for x in cmd]
    p2 = subprocess.run(cmd2, capture_output=True, text=True)
    db = sqlite3.connect(case)
    n2 = db.execute("select count(*) from sightings").fetchone()[0]
    o2 = db.execute("select count(*) from observations").fetchone()[0]
    inputs = db.execute("select count(*), sum(state='complete') from inputs").fetchone()
    db.close()
    check(p2.returncode == 0 and n2 == n1 and o2 == o1, "re-hunting is idempotent (%d/%d sightings, %d/%d observations)"
          % (n1, n2, o1, o2))
    check(inputs[0] == inputs[1], "every input complete (%s)" % (inputs,))

    def keys(ls):
        return sorted((l["indicator_id"], l["seen.where"], l["seen.indicator"], l["src"]["path"], l["src"]["record"],
                       l["stale"]) for l in ls)
    lines2 = [json.loads(l) for l in open(out2)] if os.path.exists(out2) else []
    check(keys(lines2) == keys(lines), "the second run finds the same sightings (%d vs %d lines)"
          % (len(lines2), len(lines)))

    # Import the files whole, then hunt without --intel: the index is read back from the case's rows.
    p4 = subprocess.run([onus, "intel", "import", *intel, "--case", case], capture_output=True, text=True)
    check(p4.returncode == 0, "onus intel import of the same files exits 0 (%s)" % p4.stderr.strip()[-200:])
    db = sqlite3.connect(case)
    scopes = db.execute("select count(*), sum(scope='all') from inputs "
                        "where kind in ('stix','misp','csv','list','zeek-intel')").fetchone()
    n_ind = db.execute("select count(*) from indicators").fetchone()[0]
    db.close()
    check(scopes[0] == scopes[1] == len(intel), "intel import completes the files: scope all (%s)" % (scopes,))
    check(n_ind >= feed_indicators > len(stored), "every indicator stored now (%d; the STIX feeds alone hold %d)"
          % (n_ind, feed_indicators))
    out4 = os.path.join(tmp, "sightings4.jsonl")
    cmd4 = [x for x in cmd2 if x not in intel and x != "--intel"]
    cmd4 = [out4 if x == out2 else x for x in cmd4]
    p5 = subprocess.run(cmd4, capture_output=True, text=True)
    lines4 = [json.loads(l) for l in open(out4)] if os.path.exists(out4) else []
    check(p5.returncode == 0 and keys(lines4) == keys(lines),
          "index read back from the case finds the same sightings (%d vs %d lines)" % (len(lines4), len(lines)))

    # The compiled-intel cache: the second run above loaded the feeds from it; a fresh case hunted
    # from the cache holds exactly what a fresh case hunted from the files holds.
    check("intel from cache" in p2.stderr, "the same command again loads the compiled intel from the cache")
    check(any(f.endswith(".onusidx") for f in os.listdir(os.path.join(tmp, "cache"))), "a cache entry was written")

    def snapshot(path):
        d = sqlite3.connect(path)
        snap = {
            "inputs": d.execute("select path, sha256, kind, size, state, scope, records from inputs order by sha256, path").fetchall(),
            "sources": d.execute("select id, name, type, grade, detail_json from sources order by id").fetchall(),
            "objects": d.execute("select o.id, o.type, o.name, o.json, o.source_id, o.line, i.sha256 from stix_objects o "
                                 "join inputs i on i.id = o.input_id order by o.id").fetchall(),
            "indicators": d.execute("select x.id, x.pattern, x.value_type, x.value, x.valid_from, x.valid_until, x.confidence, "
                                    "x.source_id, x.grade, x.line, i.sha256 from indicators x join inputs i on i.id = x.input_id "
                                    "order by x.id").fetchall(),
            "sightings": d.execute("select s.indicator_id, s.value, s.value_type, s.seen_where, s.ts, s.site, s.segment, "
                                   "s.orig_h, s.resp_h, s.uid, s.community_id, s.stale, i.sha256, s.record, s.record_type, "
                                   "s.annotations_json from sightings s join inputs i on i.id = s.input_id "
                                   "order by s.ts, i.sha256, s.record, s.indicator_id, s.seen_where, s.value").fetchall(),
        }
        d.close()
        return snap
    cold, warm = os.path.join(tmp, "cold.db"), os.path.join(tmp, "warm.db")
    base = [x for x in cmd if x not in ("--jsonl", out)]
    pc = subprocess.run([cold if x == case else x for x in base] + ["--no-intel-cache"], capture_output=True, text=True)
    pw = subprocess.run([warm if x == case else x for x in base], capture_output=True, text=True)
    check(pc.returncode == 0 and pw.returncode == 0, "hunts into fresh cases with and without the cache exit 0 (%s %s)"
          % (pc.stderr.strip()[-200:], pw.stderr.strip()[-200:]))
    check("intel from cache" in pw.stderr and "intel from cache" not in pc.stderr,
          "the fresh case is hunted from the cache, the other from the files")
    if pc.returncode == 0 and pw.returncode == 0:
        sc, sw = snapshot(cold), snapshot(warm)
        for table in sc:
            check(sc[table] == sw[table] and len(sc[table]) > 0,
                  "cache-hit case holds the same %s (%d rows vs %d)" % (table, len(sw[table]), len(sc[table])))

    # A damaged cache entry is reported and rebuilt; the hunt's results do not change.
    entries = [os.path.join(tmp, "cache", f) for f in os.listdir(os.path.join(tmp, "cache")) if f.endswith(".onusidx")]
    for e in entries:
        with open(e, "r+b") as fh:
            fh.seek(os.path.getsize(e) // 2)
            b = fh.read(1)
            fh.seek(os.path.getsize(e) // 2)
            fh.write(bytes([b[0] ^ 0x5A]))
    damaged = os.path.join(tmp, "damaged.db")
    pd = subprocess.run([damaged if x == case else x for x in base], capture_output=True, text=True)
    check(pd.returncode == 0 and "intel cache entry unusable, rebuilt" in pd.stderr and "index file" in pd.stderr,
          "a damaged cache entry is reported and rebuilt (%s)" % pd.stderr.strip()[-300:])
    if pd.returncode == 0 and pc.returncode == 0:
        check(snapshot(damaged)["sightings"] == snapshot(cold)["sightings"], "the rebuilt hunt finds the same sightings")
    pr = subprocess.run([os.path.join(tmp, "again.db") if x == case else x for x in base], capture_output=True, text=True)
    check(pr.returncode == 0 and "intel from cache" in pr.stderr, "the rebuilt entry serves the next hunt")

    # A feed without sources of its own is attributed to a source named after its file: the same
    # bytes under another name are a cache miss, and the case names the new file.
    feed_a, feed_b = os.path.join(tmp, "iocs-alpha.txt"), os.path.join(tmp, "iocs-beta.txt")
    for f in (feed_a, feed_b):
        with open(f, "w") as fh:
            fh.write("198.51.100.77\nevil-example.invalid\n")
    names = []
    for i, f in enumerate((feed_a, feed_a, feed_b)):
        c = os.path.join(tmp, "named%d.db" % i)
        pn = subprocess.run([onus, "hunt", "--intel", f, "--case", c, "--no-analytics", os.path.join(scen, "grid")],
                            capture_output=True, text=True)
        d = sqlite3.connect(c)
        names.append(("intel from cache" in pn.stderr, sorted(r[0] for r in d.execute("select name from sources"))))
        d.close()
    print("info: %s" % names)
    check(not names[0][0] and names[1][0] and not names[2][0],
          "the same list under another file name is not served from the cache (%s)" % [n[0] for n in names])
    check(any("alpha" in n for n in names[1][1]) and any("beta" in n for n in names[2][1])
          and not any("alpha" in n for n in names[2][1]), "each case names its own feed file (%s)" % names)

    # Warning lists: the CDN / scanner / dynamic-DNS trap sightings carry the MISP warning-list kind,
    # in the JSON line and in the stored row alike.
    wl = os.path.join(shared, "data", "warninglists")
    case3 = os.path.join(tmp, "case3.db")
    out3 = os.path.join(tmp, "sightings3.jsonl")
    cmd3 = [onus, "hunt", "--intel", *intel, "--context", os.path.join(scen, "context.json"), "--case", case3,
            "--warninglists", wl, "--jsonl", out3, "--no-analytics", "--quiet", os.path.join(scen, "zeek"),
            os.path.join(scen, "grid")]
    p3 = subprocess.run(cmd3, capture_output=True, text=True)
    check(p3.returncode == 0, "onus hunt --warninglists exits 0 (%s)" % p3.stderr.strip()[-300:])
    lines3 = [json.loads(l) for l in open(out3)] if p3.returncode == 0 else []
    wl_kinds = {}
    for l in lines3:
        for a in l["annotations"]:
            if a.get("source") == "misp-warninglist":
                wl_kinds.setdefault(a["kind"], set()).add(l["seen.indicator"])
    for kind, example in [("cdn", "104.18.33.57"), ("scanner", "162.142.125.221")]:
        check(example in wl_kinds.get(kind, set()),
              "warning list '%s' attached to the sighting of %s (%s)" % (kind, example, sorted(wl_kinds.get(kind, []))[:3]))
    c2_wl = [a for l in lines3 if l["indicator_id"] in tag22 and not l["stale"] for a in l["annotations"]
             if a.get("source") == "misp-warninglist" and a["kind"] in ("cdn", "sinkhole", "public-dns")]
    print("info: %d warning-list annotations on valid TAG-22 sightings" % len(c2_wl))
    if lines3:
        db = sqlite3.connect(case3)
        rows = db.execute("select s.indicator_id, s.seen_where, s.value, i.path, s.record, s.annotations_json "
                          "from sightings s join inputs i on i.id = s.input_id").fetchall()
        db.close()
        stored = {tuple(r[:5]): json.loads(r[5]) for r in rows}
        printed = {(l["indicator_id"], l["seen.where"], l["seen.indicator"], l["src"]["path"], l["src"]["record"]):
                   l["annotations"] for l in lines3}
        check(stored == printed, "stored annotations equal the JSON lines' (%d rows)" % len(stored))

finish()
