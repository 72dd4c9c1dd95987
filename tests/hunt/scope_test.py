#!/usr/bin/env python3
"""onus hunt decodes only the flows its intel can be sighted in, and stores exactly what it stores
when it decodes every flow.

Over every public capture in ../shared/data/pcaps (pcap, pcapng, gzip; DNS, TLS, HTTP, ICS, malware
C2), with a case context whose OT segment holds the ICS devices, four feeds are hunted twice: as
`onus hunt --no-analytics` does by default (a flow scope) and with `--every-flow`. The feeds hold
addresses (exact and /24), names (DNS queries and TLS server names), JA3 fingerprints, and file
hashes (nothing a capture carries). A synthetic capture adds flows whose sighted value is not one of
their endpoints, on unusual ports: an address as an HTTP Host on port 8080, in an mDNS answer, and a
name in a TLS ClientHello on port 8443; each must be sighted with the scope. For each, both cases must hold the same sightings (every column,
uid, record and provenance included), the same notable observations (ICS, conns into OT) and the
same inputs (records included); the scoped hunt must decode fewer observations where the feed
allows it, so the scope is known to be at work (addresses, hashes), and every flow where it asks
for TLS (names, JA3). A scope applies to classic pcaps in time order only: the rest are read whole.
Usage: scope_test.py ONUS SHARED_DIR
"""
import json
import os
import re
import sqlite3
import struct
import subprocess
import sys
import tempfile

from checks import check, finish, references_hold

onus, shared = sys.argv[1], sys.argv[2]
root = os.path.join(shared, "data", "pcaps")
if not os.path.isdir(root):
    print("SKIP: no captures under", root)
    sys.exit(0)

obs = subprocess.run([onus, "observe", "-q", "--kinds", "conn,dns,tls", root], capture_output=True, text=True)
check(obs.returncode == 0, f"onus observe reads the captures ({obs.stderr.strip()[:200]})")
records = [json.loads(line) for line in obs.stdout.splitlines() if line.strip()]
conns = [r for r in records if r["kind"] == "conn"]
captures = sorted({r["src"]["path"] for r in records})
check(len(captures) > 50 and len(conns) > 1000, f"{len(conns)} flows in {len(captures)} captures")

addrs = sorted({c[k] for c in conns for k in ("orig_h", "resp_h")})
names = sorted({r.get("query") or "" for r in records if r["kind"] == "dns"} |
               {r.get("server_name") or "" for r in records if r["kind"] == "tls"} - {""})
ja3s = sorted({r["ja3"] for r in records if r["kind"] == "tls" and r.get("ja3")})
ics = [c for c in conns if c.get("resp_p") in (502, 20000, 2404)]
check(len(ics) > 0 and len(ja3s) > 3 and len(names) > 20, f"{len(ics)} ICS flows, {len(ja3s)} JA3, {len(names)} names")


def synthetic_capture(path):
    """Flows whose sighted value is not an endpoint of the flow, on ports other than the usual ones:
    HTTP to port 8080 with an address as Host (its SYN and SYN-ACK come before any payload), an mDNS
    answer (UDP 5353) carrying an address, TLS to port 8443 with a server name, and a plain TCP flow
    between the same hosts that nothing can be sighted in."""
    def ip4(a):
        return bytes(int(x) for x in a.split("."))

    def csum(b):
        b += b"\0" * (len(b) % 2)
        t = sum(struct.unpack("!%dH" % (len(b) // 2), b))
        while t >> 16:
            t = (t & 0xFFFF) + (t >> 16)
        return ~t & 0xFFFF

    def frame(src, dst, proto, l4):
        h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 0, 0x4000, 64, proto, 0, ip4(src), ip4(dst))
        h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
        return b"\x02\0\0\0\0\x01\x02\0\0\0\0\x02\x08\x00" + h + l4

    def tcp(src, sp, dst, dp, seq, ack, flags, data=b""):
        return frame(src, dst, 6, struct.pack("!HHIIBBHHH", sp, dp, seq, ack, 5 << 4, flags, 65535, 0, 0) + data)

    def udp(src, sp, dst, dp, data):
        return frame(src, dst, 17, struct.pack("!HHHH", sp, dp, 8 + len(data), 0) + data)

    def name(n):
        return b"".join(bytes([len(x)]) + x.encode() for x in n.split(".")) + b"\0"

    c, s = "10.9.0.5", "198.51.100.9"
    get = b"GET /x HTTP/1.1\r\nHost: 192.0.2.77\r\nUser-Agent: t\r\n\r\n"
    sni = b"scope-test.example.org"
    ext = struct.pack("!HHHBH", 0, len(sni) + 5, len(sni) + 3, 0, len(sni)) + sni
    body = b"\x03\x03" + bytes(32) + b"\x00" + struct.pack("!HH", 2, 0x1301) + b"\x01\x00" + struct.pack("!H", len(ext)) + ext
    hello = b"\x16\x03\x01" + struct.pack("!H", len(body) + 4) + b"\x01" + struct.pack("!I", len(body))[1:] + body
    answer = (struct.pack("!HHHHHH", 0, 0x8400, 0, 1, 0, 0) + name("printer.local") +
              struct.pack("!HHIH", 1, 1, 120, 4) + ip4("192.0.2.78"))
    packets = [
        tcp(c, 40001, s, 8080, 1, 0, 0x02), tcp(s, 8080, c, 40001, 9, 2, 0x12), tcp(c, 40001, s, 8080, 2, 10, 0x10),
        tcp(c, 40001, s, 8080, 2, 10, 0x18, get),
        udp(s, 5353, c, 5353, answer),
        tcp(c, 40002, s, 8443, 1, 0, 0x02), tcp(s, 8443, c, 40002, 9, 2, 0x12), tcp(c, 40002, s, 8443, 2, 10, 0x18, hello),
        tcp(c, 40003, s, 2222, 1, 0, 0x02), tcp(s, 2222, c, 40003, 9, 2, 0x12), tcp(c, 40003, s, 2222, 2, 10, 0x18, b"hi"),
    ]
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, pkt in enumerate(packets):
            f.write(struct.pack("<IIII", 1700000000 + i, 0, len(pkt), len(pkt)) + pkt)


def zeek_intel(path, rows):
    with open(path, "w") as f:
        f.write("#fields\tindicator\tindicator_type\tmeta.source\n")
        for value, kind in rows:
            f.write(f"{value}\t{kind}\tscope-test\n")


def summary_observations(stderr):
    m = re.search(r"onus hunt: \d+ inputs, (\d+) observations", stderr)
    return int(m.group(1)) if m else -1


def snapshot(path):
    d = sqlite3.connect(path)
    snap = {
        "sightings": sorted(d.execute(
            "select s.indicator_id, s.value, s.value_type, s.seen_where, s.ts, s.site, s.segment, s.orig_h, s.resp_h, "
            "s.uid, s.community_id, s.stale, i.sha256, s.record, s.record_type, s.annotations_json "
            "from sightings s join inputs i on i.id = s.input_id").fetchall()),
        "observations": sorted(d.execute(
            "select o.kind, o.ts, o.site, o.segment, o.orig_h, o.resp_h, o.resp_p, o.proto, o.json, i.sha256, o.record, "
            "o.record_type from observations o join inputs i on i.id = o.input_id").fetchall()),
        "inputs": sorted(d.execute("select path, sha256, kind, size, state, scope, records from inputs").fetchall()),
    }
    references_hold(d, path)
    d.close()
    return snap


with tempfile.TemporaryDirectory() as tmp:
    # The ICS devices' /24s are an OT segment (conns into it are kept), 10/8 the IT side.
    ot = sorted({re.sub(r"\.\d+$", ".0/24", c["resp_h"]) for c in ics if ":" not in c["resp_h"]})
    context = os.path.join(tmp, "context.json")
    with open(context, "w") as f:
        json.dump({"sites": [{"id": "S1", "name": "test site", "sector": "energy",
                              "segments": [{"id": "ot", "kind": "ot", "cidrs": ot},
                                           {"id": "it", "kind": "it", "cidrs": ["10.0.0.0/8"]}]}]}, f)
    synthetic = os.path.join(tmp, "synthetic.pcap")
    synthetic_capture(synthetic)
    captures.append(synthetic)
    feeds = {
        "addresses": [("192.0.2.77", "Intel::ADDR"), ("192.0.2.78", "Intel::ADDR")] +
                     [(a, "Intel::ADDR") for a in addrs[::5]] +
                     [(re.sub(r"\.\d+$", ".0/24", a), "Intel::SUBNET") for a in addrs[2::23] if ":" not in a],
        "names": [("scope-test.example.org", "Intel::DOMAIN")] + [(n, "Intel::DOMAIN") for n in names[::3]],
        "ja3": [(j, "Intel::JA3") for j in ja3s[::2]],
        "hashes": [("%064x" % (i * 7919 + 1), "Intel::FILE_HASH") for i in range(50)],
    }
    for name, rows in feeds.items():
        intel = os.path.join(tmp, name + ".intel")
        zeek_intel(intel, rows)
        runs = {}
        for mode, extra in (("scoped", []), ("every", ["--every-flow"])):
            case = os.path.join(tmp, f"{name}-{mode}.db")
            p = subprocess.run([onus, "hunt", "--intel", intel, "--context", context, "--case", case, "--no-analytics",
                                "--no-intel-cache", "--max-warnings", "0"] + extra + captures,
                               capture_output=True, text=True)
            check(p.returncode == 0, f"{name}, {mode}: hunt exits 0 ({p.stderr.strip()[-300:]})")
            runs[mode] = (snapshot(case), summary_observations(p.stderr))
        (scoped, n_scoped), (every, n_every) = runs["scoped"], runs["every"]
        for table in ("sightings", "observations", "inputs"):
            a, b = scoped[table], every[table]
            diff = sorted(set(a) ^ set(b))[:1]
            check(a == b, f"{name}: the same {len(b)} {table} with and without the flow scope (e.g. {diff})")
        synth = [r for r in scoped["inputs"] if r[0] == synthetic]
        check(len(synth) == 1 and synth[0][6] == 11, f"{name}: the synthetic capture's input row counts its 11 packets ({synth})")
        planted = {("addresses", "http.host", "192.0.2.77"), ("addresses", "dns.answers", "192.0.2.78"),
                   ("names", "tls.server_name", "scope-test.example.org")}
        for feed, where, value in sorted(planted):
            if feed == name:
                found = [r for r in scoped["sightings"] if r[3] == where and r[1] == value]
                check(len(found) == 1, f"{name}: {value} sighted at {where} in a flow it is not an end of ({found})")
        if name in ("addresses", "names", "ja3"):
            check(len(every["sightings"]) > 0, f"{name}: {len(every['sightings'])} sightings to compare")
        check(len(every["observations"]) > 0, f"{name}: {len(every['observations'])} notable observations to compare")
        if name in ("addresses", "hashes"):
            check(0 < n_scoped < n_every, f"{name}: the scope decodes fewer observations ({n_scoped} of {n_every})")
        else:  # names and JA3 ask for TLS: every TCP flow is in scope, and the reader reads every flow
            check(n_scoped == n_every, f"{name}: a scope asking for TLS reads every flow ({n_scoped} of {n_every})")

finish()
