#!/usr/bin/env python3
"""Writes the seed corpora of the capture fuzz targets from the shared captures (small files).
Usage: make_corpus.py SHARED_DIR  (run from fuzz/ingest_capture/)."""
import os, shutil, struct, subprocess, sys

shared = sys.argv[1] if len(sys.argv) > 1 else "../../../shared"
P = os.path.join(shared, "data", "pcaps")

def packets(path):
    data = open(path, "rb").read()
    endian = "<" if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    off = 24
    while off + 16 <= len(data):
        _, _, cap, _ = struct.unpack(endian + "IIII", data[off:off + 16])
        yield linktype, data[off + 16:off + 16 + cap]
        off += 16 + cap

def l4(frame):
    """(proto, sport, dport, payload) of an Ethernet/IPv4 frame, or None."""
    if len(frame) < 34 or frame[12:14] != b"\x08\x00": return None
    ihl = (frame[14] & 15) * 4; proto = frame[23]; t = frame[14 + ihl:]
    total = struct.unpack("!H", frame[16:18])[0]; t = t[:total - ihl]
    if proto == 17 and len(t) >= 8: return proto, *struct.unpack("!HH", t[:4]), t[8:]
    if proto == 6 and len(t) >= 20: return proto, *struct.unpack("!HH", t[:4]), t[(t[12] >> 4) * 4:]
    return None

def write(target, name, blob):
    d = os.path.join("corpus", target); os.makedirs(d, exist_ok=True)
    open(os.path.join(d, name), "wb").write(blob)

# packet: byte 0 = link type index (0 = Ethernet), then [len16][frame]...
for src, tag in (("mixed/zeek/wikipedia.pcap", "wiki"), ("ics/zeek/modbus/modbus-and-non-modbus-p502.pcap", "modbus"),
                 ("mixed/zeek/tls/tls-conn-with-extensions.pcap", "tls")):
    frames = [f for _, f in packets(os.path.join(P, src))][:12]
    write("packet", tag, b"\x00" + b"".join(struct.pack("!H", len(f)) + f for f in frames))
# dns, http, ics: application payloads
dns = [x[3] for _, f in packets(os.path.join(P, "mixed/zeek/wikipedia.pcap")) if (x := l4(f)) and 53 in x[1:3] and x[3]]
for i, p in enumerate(dns[:4]): write("dns", "wiki%d" % i, p)
http = [x[3] for _, f in packets(os.path.join(P, "mixed/zeek/http/get.pcap")) if (x := l4(f)) and x[3]]
write("http", "get", b"".join(http))
write("http", "chunked", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n")
mb = [x[3] for _, f in packets(os.path.join(P, "ics/zeek/modbus/modbus-and-non-modbus-p502.pcap")) if (x := l4(f)) and x[3] and 502 in x[1:3]]
write("ics", "modbus", b"\x00" + b"".join(mb[:10]))
d3 = [x[3] for _, f in packets(os.path.join(P, "ics/zeek/dnp3/dnp3_file_read.pcap")) if (x := l4(f)) and x[3]]
write("ics", "dnp3_tcp", b"\x01" + b"".join(d3[:8]))
d3u = [x[3] for _, f in packets(os.path.join(P, "ics/zeek/dnp3/dnp3_udp_select_operate.pcap")) if (x := l4(f)) and x[3]]
write("ics", "dnp3_udp", b"\x02" + d3u[0])
iec = [x[3] for _, f in packets(os.path.join(P, "ics/ITI_ICS-Security-Tools/IEC60870-5-104/TestDissectIec104.pcap")) if (x := l4(f)) and x[3]]
write("ics", "iec104", b"\x03" + b"".join(iec[:16]))
# tls: the client's then the server's first bytes of a TLS 1.0 handshake with certificates
tls = [(x[1], x[3]) for _, f in packets(os.path.join(P, "mixed/zeek/tls/tls-conn-with-extensions.pcap")) if (x := l4(f)) and x[3]]
client = b"".join(p for s, p in tls if s != 443)[:600]; server = b"".join(p for s, p in tls if s == 443)[:4000]
write("tls", "handshake", client + server)
write("tls", "client_hello", client)
# x509: certificates as tshark sees them
out = subprocess.run(["tshark", "-n", "-r", os.path.join(P, "mixed/zeek/tls/tls-conn-with-extensions.pcap"), "-Y",
                      "tls.handshake.type == 11", "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,", "-e",
                      "tls.handshake.certificate"], capture_output=True, text=True).stdout
for i, h in enumerate(x for line in out.split() for x in line.split(",") if x):
    write("x509", "gstatic%d.der" % i, bytes.fromhex(h.replace(":", "")))
# capture_file: small whole captures, one truncated; scope_flows.pcap (kept, not written here) is the
# synthetic capture of tests/hunt/scope_test.py (synthetic_capture): flows whose sighted value is not
# an endpoint, on unusual ports, for the flow-scope reads of the capture_file target
for src, name in (("ics/zeek/dnp3/dnp3_read.pcap", "dnp3_read.pcap"), ("mixed/nDPI/dns.pcap", "dns.pcapng"),
                  ("mixed/suricata-verify/dns/dns-eve-log-https-only/test.pcap", "one_packet.pcap")):
    write("capture_file", name, open(os.path.join(P, src), "rb").read())
write("capture_file", "truncated.pcap", open(os.path.join(P, "ics/zeek/dnp3/dnp3_read.pcap"), "rb").read()[:700])
