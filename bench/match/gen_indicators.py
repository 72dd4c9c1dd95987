#!/usr/bin/env python3
"""1,000,000 mixed indicators as a Zeek intel file (deterministic): 40% IPv4 addresses, 10% CIDRs,
25% domains, 10% SHA-256, 5% MD5, 5% SHA-1, 5% JA3 -- plus the bench capture's C2 address
148.69.58.133 so there is something to find. Usage: gen_indicators.py OUT N [ADDRS_OUT K]
ADDRS_OUT receives K of the IPv4 addresses (for the tshark filter)."""
import random, sys

out, n = sys.argv[1], int(sys.argv[2])
rng = random.Random(7)
addrs = []
with open(out, "w") as f:
    f.write("#fields\tindicator\tindicator_type\tmeta.source\n")
    f.write("148.69.58.133\tIntel::ADDR\tbench\n")
    for i in range(n - 1):
        b = i % 20
        if b < 8:
            a = "%d.%d.%d.%d" % tuple(rng.randrange(256) for _ in range(4))
            addrs.append(a)
            f.write("%s\tIntel::ADDR\tbench\n" % a)
        elif b < 10:
            a = "%d.%d.%d.0/%d" % (rng.randrange(1, 224), rng.randrange(256), rng.randrange(256), rng.randrange(16, 25))
            f.write("%s\tIntel::SUBNET\tbench\n" % a)
        elif b < 15:
            f.write("h%010x.d%08x.%s\tIntel::DOMAIN\tbench\n" % (rng.getrandbits(40), rng.getrandbits(32), rng.choice(["com", "net"])))
        elif b < 17:
            f.write("%064x\tIntel::FILE_HASH\tbench\n" % rng.getrandbits(256))
        elif b < 18:
            f.write("%032x\tIntel::FILE_HASH\tbench\n" % rng.getrandbits(128))
        elif b < 19:
            f.write("%040x\tIntel::FILE_HASH\tbench\n" % rng.getrandbits(160))
        else:
            f.write("%032x\tIntel::JA3\tbench\n" % rng.getrandbits(128))
if len(sys.argv) > 4:
    k = int(sys.argv[4])
    with open(sys.argv[3], "w") as f:
        f.write("\n".join(["148.69.58.133"] + addrs[: k - 1]) + "\n")
