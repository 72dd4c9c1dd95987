#!/usr/bin/env python3
"""Writes a deterministic Zeek 6 TSV conn.log of N records (standard header block, Zeek 6 field
order and types) for the ingest benchmarks. Usage: gen_conn_log.py OUT N [SEED]"""
import random
import sys

FIELDS = ("ts uid id.orig_h id.orig_p id.resp_h id.resp_p proto service duration orig_bytes resp_bytes "
          "conn_state local_orig local_resp missed_bytes history orig_pkts orig_ip_bytes resp_pkts "
          "resp_ip_bytes tunnel_parents").split()
TYPES = ("time string addr port addr port enum string interval count count string bool bool count string "
         "count count count count set[string]").split()
UID = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def main():
    out, n = sys.argv[1], int(sys.argv[2])
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    clients = ["10.%d.%d.%d" % (rng.randrange(256), rng.randrange(256), rng.randrange(1, 255)) for _ in range(2000)]
    servers = ["%d.%d.%d.%d" % (rng.randrange(1, 224), rng.randrange(256), rng.randrange(256), rng.randrange(1, 255))
               for _ in range(5000)]
    kinds = [("udp", 53, "dns", "SF", "Dd"), ("tcp", 443, "ssl", "SF", "ShADadFf"), ("tcp", 80, "http", "SF", "ShADadfF"),
             ("tcp", 22, "-", "S0", "S"), ("tcp", 502, "modbus", "S1", "ShAD")]
    ts = 1623628800.0
    with open(out, "w") as f:
        f.write("#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n"
                "#open\t2021-06-14-00-00-00\n")
        f.write("#fields\t" + "\t".join(FIELDS) + "\n#types\t" + "\t".join(TYPES) + "\n")
        for _ in range(n):
            ts += rng.random() * 0.01
            proto, port, svc, state, hist = kinds[rng.randrange(len(kinds))]
            ob, rb = rng.randrange(40, 5000), rng.randrange(0, 50000)
            op, rp = rng.randrange(1, 40), rng.randrange(0, 60)
            uid = "C" + "".join(rng.choice(UID) for _ in range(17))
            f.write("%.6f\t%s\t%s\t%d\t%s\t%d\t%s\t%s\t%.6f\t%d\t%d\t%s\tT\tF\t0\t%s\t%d\t%d\t%d\t%d\t-\n" % (
                ts, uid, clients[rng.randrange(len(clients))], rng.randrange(1024, 65536),
                servers[rng.randrange(len(servers))], port, proto, svc, rng.random() * 10, ob, rb, state, hist,
                op, ob + 40 * op, rp, rb + 40 * rp))
        f.write("#close\t2021-06-15-00-00-00\n")


if __name__ == "__main__":
    main()
