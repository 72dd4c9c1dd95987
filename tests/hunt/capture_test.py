#!/usr/bin/env python3
"""onus hunt on real captures: address sightings at the right flows.

For public captures in ../shared/data/pcaps, the flows `onus observe` reports are the reference.
An intel file lists both ends of the flows (some as /24 prefixes) and addresses that occur nowhere;
`onus hunt` must sight, for every flow and every indicator holding one of its ends, exactly one
conn.orig_h / conn.resp_h line with that flow's uid, time stamp and first packet as record, and
nothing else on conn.* (no duplicate from the flow's start and its conn record, nothing for the
absent addresses); the case holds the same sightings as the JSON lines.
Usage: capture_test.py ONUS SHARED_DIR
"""
import collections
import ipaddress
import json
import os
import sqlite3
import subprocess
import sys
import tempfile

from checks import check, finish, references_hold

onus, shared = sys.argv[1], sys.argv[2]
pcaps = [os.path.join(shared, "data", "pcaps", p) for p in (
    "malware_c2/nDPI/emotet.pcap", "malware_c2/nDPI/trickbot.pcap", "mixed/nDPI/dns.pcap",
    "malware_c2/slips/test-cc-capture-2.pcap", "mixed/nDPI/443-firefox.pcap")]
pcaps = [p for p in pcaps if os.path.exists(p)]
if len(pcaps) < 2:
    print("SKIP: captures not found under", os.path.join(shared, "data", "pcaps"))
    sys.exit(0)


conns = []
for p in pcaps:
    out = subprocess.run([onus, "observe", "-q", "--kinds", "conn", p], check=True, capture_output=True, text=True)
    conns += [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
check(len(conns) > 50, f"{len(conns)} flows in {len(pcaps)} captures")

# Both ends of every flow: every third IPv4 address as its /24 instead; plus absent addresses.
exact, nets = set(), set()
for n, a in enumerate(sorted({c[k] for c in conns for k in ("orig_h", "resp_h")})):
    ip = ipaddress.ip_address(a)
    if ip.version == 4 and n % 3 == 0:
        nets.add(ipaddress.ip_network(a + "/24", strict=False))
    else:
        exact.add(ip)
absent = ["203.0.113.77", "198.51.100.200", "2001:db8::dead"]

with tempfile.TemporaryDirectory() as tmp:
    intel = os.path.join(tmp, "flows.intel")
    with open(intel, "w") as f:
        f.write("#fields\tindicator\tindicator_type\tmeta.source\n")
        for ip in sorted(exact, key=str):
            f.write(f"{ip}\tIntel::ADDR\tflows\n")
        for net in sorted(nets, key=str):
            f.write(f"{net}\tIntel::SUBNET\tflows\n")
        for a in absent:
            f.write(f"{a}\tIntel::ADDR\tflows\n")

    def holders(addr):
        ip = ipaddress.ip_address(addr)
        out = [str(ip)] if ip in exact else []
        out += [str(n) for n in nets if ip.version == n.version and ip in n]
        return out

    want = collections.Counter()
    for c in conns:
        for side, where in (("orig_h", "conn.orig_h"), ("resp_h", "conn.resp_h")):
            for ind in holders(c[side]):
                want[(c["uid"], where, c[side], ind, c["ts"], c["src"]["path"], c["src"]["record"])] += 1

    case = os.path.join(tmp, "c.db")
    out = subprocess.run([onus, "hunt", "--intel", intel, "--case", case, "--no-analytics", "--no-intel-cache",
                          "--jsonl", "-"] + pcaps, check=True, capture_output=True, text=True)
    lines = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    got = collections.Counter()
    for s in lines:
        if not s["seen.where"].startswith("conn."):
            continue
        seen = s["id.orig_h"] if s["seen.where"] == "conn.orig_h" else s["id.resp_h"]
        got[(s["uid"], s["seen.where"], seen, s["indicator_value"], s["ts"], s["src"]["path"], s["src"]["record"])] += 1
    check(sum(want.values()) > 100, f"{sum(want.values())} expected conn sightings")
    missing = want - got
    extra = got - want
    check(not missing, f"every flow end sighted at its flow (missing {len(missing)}, e.g. {next(iter(missing), None)})")
    check(not extra, f"no other conn sighting, no duplicate (extra {len(extra)}, e.g. {next(iter(extra), None)})")
    check(not any(s["indicator_value"] in absent for s in lines), "absent addresses never sighted")

    db = sqlite3.connect(case)
    stored = collections.Counter(db.execute(
        "SELECT uid, seen_where, value, ts, record FROM sightings WHERE seen_where LIKE 'conn.%'").fetchall())
    from_lines = collections.Counter((k[0], k[1], k[2], k[4], k[6]) for k in got.elements())
    check(stored == from_lines, f"the case holds the {sum(stored.values())} conn sightings of the JSON lines")
    references_hold(db, "after the hunt")

finish()
