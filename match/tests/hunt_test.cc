// Planted-indicator tests: values taken from real Zeek logs and captures (and from generated
// observations) are planted as indicators of every type; the hunter must report each at exactly the
// records where a brute-force scan finds the value, and random indicators not present produce no
// sightings.
#include "onus/match/hunt.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "onus/core/file.h"
#include "onus/ingest/reader.h"

namespace onus::match {
namespace {

using ingest::Observation;
using ingest::ObservationKind;

struct Collector : ingest::ObservationSink {
  std::vector<Observation> all;
  Status OnObservation(const Observation& o) override {
    all.push_back(o);
    return Status::Ok();
  }
};

// (indicator id, where, input path, record)
using Hit = std::tuple<std::string, std::string, std::string, uint64_t>;

struct Sink : SightingSink {
  const IndicatorIndex* index = nullptr;
  std::set<Hit> hits;
  std::vector<Sighting> raw;
  std::vector<std::string> seen;
  Status OnSighting(const Sighting& s) override {
    hits.emplace(std::string(index->indicator_id(s.indicator)), std::string(s.where),
                 s.obs->src.input ? s.obs->src.input->path : "", s.obs->src.record);
    raw.push_back(s);
    seen.emplace_back(s.seen);
    return Status::Ok();
  }
};

intel::Indicator Ind(std::string id, std::string type, std::string value) {
  intel::Indicator i;
  i.id = std::move(id);
  i.source_id = "identity--test";
  i.grade = "B2";
  i.pattern = "[x:value = '" + value + "']";
  i.values.push_back({std::move(type), std::move(value)});
  return i;
}

std::vector<Observation> Read(const std::vector<std::string>& paths, ingest::IngestRun& run) {
  Collector c;
  ingest::IngestOptions opt;
  Status st = ingest::ReadInputs(paths, opt, c, run);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return std::move(c.all);
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A value planted from an observation, and the brute-force rule for where it occurs.
struct Plant {
  std::string id, type, value, where;
};

std::set<Hit> BruteForce(const std::vector<Observation>& obs, const std::vector<Plant>& plants) {
  std::set<Hit> want;
  for (const auto& o : obs) {
    std::string path = o.src.input ? o.src.input->path : "";
    for (const auto& p : plants) {
      auto add = [&](const char* where) { want.emplace(p.id, where, path, o.src.record); };
      if (p.type == "ipv4-addr" || p.type == "ipv6-addr") {
        if (o.kind == ObservationKind::kConn && o.has_endpoints) {
          if (o.orig_h.ToString() == p.value) add("conn.orig_h");
          if (o.resp_h.ToString() == p.value) add("conn.resp_h");
        }
        if (o.kind == ObservationKind::kDns)
          for (const auto& a : o.answers)
            if (a.value == p.value) {
              add("dns.answers");
              break;
            }
        if (o.kind == ObservationKind::kHttp) {
          std::string host = o.host.substr(0, o.host.find(':'));
          if (host == p.value) add("http.host");
        }
      } else if (p.type == "domain-name") {
        if (o.kind == ObservationKind::kDns && Lower(o.query) == p.value) add("dns.query");
        if (o.kind == ObservationKind::kTls && Lower(o.server_name) == p.value) add("tls.server_name");
        if (o.kind == ObservationKind::kHttp && Lower(o.host.substr(0, o.host.find(':'))) == p.value) add("http.host");
        if (o.kind == ObservationKind::kDns)
          for (const auto& a : o.answers)
            if (Lower(a.value) == p.value) {
              add("dns.answers");
              break;
            }
        if (o.kind == ObservationKind::kX509)
          for (const auto& n : o.san_dns)
            if (Lower(n) == p.value) {
              add("x509.san_dns");
              break;
            }
      } else if (p.type == "ja3") {
        if (o.kind == ObservationKind::kTls && o.ja3 == p.value) add("tls.ja3");
      } else if (p.type == "ja3s") {
        if (o.kind == ObservationKind::kTls && o.ja3s == p.value) add("tls.ja3s");
      } else if (p.type == "x509-sha1") {
        if (o.kind == ObservationKind::kX509 && Lower(o.sha1) == p.value) add("x509.sha1");
        if (o.kind == ObservationKind::kTls && Lower(o.cert_sha1) == p.value) add("tls.cert_sha1");
        if (o.kind == ObservationKind::kTls)
          for (const auto& c : o.cert_chain_sha1)
            if (c != o.cert_sha1 && Lower(c) == p.value) {
              add("tls.cert_chain_sha1");
              break;
            }
      } else if (p.type == "x509-sha256") {
        if (o.kind == ObservationKind::kX509 && Lower(o.sha256) == p.value) add("x509.sha256");
      } else if (p.type == "x509-serial") {
        if (o.kind == ObservationKind::kX509 && !o.serial.empty()) {
          std::string a, b;
          if (NormalizeSerialInto(o.serial, a) && NormalizeSerialInto(p.value, b) && a == b) add("x509.serial");
        }
      } else if (p.type == "url") {
        if (o.kind == ObservationKind::kHttp && !o.host.empty()) {
          auto u = NormalizeUrl("http://" + o.host + o.uri);
          if (u.ok() && *u == p.value) add("http.url");
        }
      }
    }
  }
  return want;
}

std::set<Hit> Hunt(const std::vector<Observation>& obs, const std::vector<intel::Indicator>& inds,
                   CompileOptions copt = {}) {
  CompileOptions o = copt;
  auto compiled = CompileIntel(inds, o);
  EXPECT_TRUE(compiled.ok());
  Sink sink;
  sink.index = compiled->index.get();
  Hunter hunter(*compiled, {}, sink);
  for (const auto& ob : obs) EXPECT_TRUE(hunter.OnObservation(ob).ok());
  return sink.hits;
}

// Picks values of every type from the observations (deterministic).
std::vector<Plant> PickPlants(const std::vector<Observation>& obs, size_t per_type) {
  std::map<std::string, std::set<std::string>> picked;
  std::vector<Plant> out;
  std::mt19937 rng(42);
  std::vector<size_t> order(obs.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), rng);
  auto take = [&](const std::string& type, const std::string& value, const std::string& where) {
    if (value.empty() || value == "-") return;
    auto& s = picked[type];
    if (s.size() >= per_type || s.count(value)) return;
    s.insert(value);
    out.push_back({"plant-" + type + "-" + std::to_string(s.size()), type, value, where});
  };
  for (size_t i : order) {
    const auto& o = obs[i];
    switch (o.kind) {
      case ObservationKind::kConn:
        if (o.has_endpoints) take(o.resp_h.is_v4() ? "ipv4-addr" : "ipv6-addr", o.resp_h.ToString(), "conn.resp_h");
        break;
      case ObservationKind::kDns: {
        auto n = NormalizeDomain(o.query);
        if (n.ok()) take("domain-name", *n, "dns.query");
        break;
      }
      case ObservationKind::kTls:
        take("ja3", o.ja3, "tls.ja3");
        take("ja3s", o.ja3s, "tls.ja3s");
        if (!o.server_name.empty()) {
          auto n = NormalizeDomain(o.server_name);
          if (n.ok()) take("domain-name", *n, "tls.server_name");
        }
        break;
      case ObservationKind::kX509:
        take("x509-sha1", Lower(o.sha1), "x509.sha1");
        take("x509-sha256", Lower(o.sha256), "x509.sha256");
        take("x509-serial", o.serial, "x509.serial");
        break;
      case ObservationKind::kHttp:
        if (!o.host.empty()) {
          auto u = NormalizeUrl("http://" + o.host + o.uri);
          if (u.ok()) take("url", *u, "http.url");
        }
        break;
      default: break;
    }
  }
  return out;
}

void PlantedTest(const std::vector<std::string>& paths, size_t per_type, const std::set<std::string>& need_types) {
  ingest::IngestRun run;
  auto obs = Read(paths, run);
  ASSERT_FALSE(obs.empty());
  auto plants = PickPlants(obs, per_type);
  std::set<std::string> types;
  for (const auto& p : plants) types.insert(p.type);
  for (const auto& t : need_types) EXPECT_TRUE(types.count(t)) << "no value of type " << t << " to plant";
  std::vector<intel::Indicator> inds;
  for (const auto& p : plants) inds.push_back(Ind(p.id, p.type, p.value));
  // Random indicators that are not in the data (TEST-NET-3 addresses are never used by the data).
  std::mt19937 rng(7);
  for (int i = 0; i < 200; ++i) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "203.0.113.%u", 200 + static_cast<unsigned>(rng() % 50));
    inds.push_back(Ind("absent-ip-" + std::to_string(i), "ipv4-addr", buf));
    std::snprintf(buf, sizeof buf, "%08x%08x%08x%08x", static_cast<unsigned>(rng()), static_cast<unsigned>(rng()),
                  static_cast<unsigned>(rng()), static_cast<unsigned>(rng()));
    inds.push_back(Ind("absent-ja3-" + std::to_string(i), "ja3", buf));
    inds.push_back(Ind("absent-dom-" + std::to_string(i), "domain-name", std::string("absent") + buf + ".invalid"));
  }
  // Random values drawn from the whole space of every type (any IPv4 address, hashes, names under
  // real TLDs, URLs, certificate fingerprints and serials); the brute-force scan removes the
  // (improbable) ones the data does hold, and the hunter must report none of the rest.
  auto hex = [&](size_t n) {
    std::string h;
    while (h.size() < n) {
      char b[9];
      std::snprintf(b, sizeof b, "%08x", static_cast<unsigned>(rng()));
      h += b;
    }
    return h.substr(0, n);
  };
  std::vector<Plant> random;
  for (int i = 0; i < 300; ++i) {
    std::string n = std::to_string(i);
    uint32_t a = static_cast<uint32_t>(rng());
    char ip[32];
    std::snprintf(ip, sizeof ip, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
    random.push_back({"absent-rip-" + n, "ipv4-addr", ip, ""});
    random.push_back({"absent-rja3s-" + n, "ja3s", hex(32), ""});
    random.push_back({"absent-rdom-" + n, "domain-name", "w" + hex(10) + (i % 2 ? ".com" : ".net"), ""});
    random.push_back({"absent-rsha1-" + n, "x509-sha1", hex(40), ""});
    random.push_back({"absent-rsha256-" + n, "x509-sha256", hex(64), ""});
    random.push_back({"absent-rserial-" + n, "x509-serial", hex(16), ""});
    random.push_back({"absent-rurl-" + n, "url", "http://w" + hex(8) + ".org/" + hex(6), ""});
  }
  std::set<std::string> present;
  for (const auto& h : BruteForce(obs, random)) present.insert(std::get<0>(h));
  for (const auto& r : random)
    if (!present.count(r.id)) inds.push_back(Ind(r.id, r.type, r.value));
  CompileOptions exact;
  exact.domain_scope = DomainScope::kExact;
  auto got = Hunt(obs, inds, exact);
  auto want = BruteForce(obs, plants);
  // Every planted indicator is found, at the right records and nowhere else.
  std::set<std::string> found_ids;
  for (const auto& h : got) found_ids.insert(std::get<0>(h));
  for (const auto& p : plants) EXPECT_TRUE(found_ids.count(p.id)) << p.id << " " << p.value << " not found";
  for (const auto& h : got) EXPECT_EQ(std::get<0>(h).rfind("absent-", 0), std::string::npos) << std::get<0>(h);
  std::vector<Hit> missing, extra;
  std::set_difference(want.begin(), want.end(), got.begin(), got.end(), std::back_inserter(missing));
  std::set_difference(got.begin(), got.end(), want.begin(), want.end(), std::back_inserter(extra));
  EXPECT_TRUE(missing.empty()) << missing.size() << " missing, e.g. " << std::get<0>(missing[0]) << " "
                               << std::get<1>(missing[0]) << " record " << std::get<3>(missing[0]);
  EXPECT_TRUE(extra.empty()) << extra.size() << " extra, e.g. " << std::get<0>(extra[0]) << " "
                             << std::get<1>(extra[0]) << " record " << std::get<3>(extra[0]);
  EXPECT_GT(got.size(), plants.size() / 2);
}

const std::string kSmall = std::string(ONUS_SOURCE_DIR) + "/tests/data/demo/portgrid-small";

TEST(HuntPlantedTest, ZeekLogsEveryTypeAtTheRightLines) {
  std::string d = kSmall + "/zeek/PORT-HQ/";
  PlantedTest({d + "conn.log.gz", d + "dns.log.gz", d + "ssl.log.gz", d + "x509.log.gz", d + "http.log.gz"}, 6,
              {"ipv4-addr", "domain-name", "ja3", "ja3s", "x509-sha256", "x509-serial", "url"});
}

TEST(HuntPlantedTest, RealCaptureEveryTypeAtTheRightPackets) {
  // Public captures with DNS, TLS (SNI, JA3/JA3S, certificates) and HTTP (../shared/data/pcaps).
  std::string dir = std::string(ONUS_SHARED_DIR) + "/data/pcaps/";
  std::vector<std::string> picked;
  for (const char* f : {"mixed/nDPI/dns.pcap", "mixed/nDPI/443-curl.pcap", "mixed/nDPI/443-firefox.pcap",
                        "mixed/nDPI/tls_esni_sni_both.pcap", "malware_c2/nDPI/emotet.pcap",
                        "malware_c2/nDPI/trickbot.pcap", "malware_c2/nDPI/dns_exfiltration.pcap",
                        "malware_c2/slips/test-cc-capture-2.pcap", "malware_c2/nDPI/WebattackRCE.pcap"})
    if (FileExists(dir + f)) picked.push_back(dir + f);
  if (picked.size() < 3) GTEST_SKIP() << "captures not found under " << dir;
  PlantedTest(picked, 5, {"ipv4-addr", "domain-name", "ja3", "url"});
}

// Generated observations: every value type, including the ones real logs lack (file hashes, JA4,
// SHA-256 certificates, CIDRs, zones, URLs with non-default ports).
TEST(HuntPlantedTest, GeneratedObservationsEveryType) {
  ingest::InputInfo info;
  info.path = "generated";
  info.sha256 = std::string(64, '0');
  std::vector<Observation> obs;
  auto make = [&](ObservationKind k, uint64_t rec) {
    Observation o;
    o.kind = k;
    o.ts = Timestamp::FromSeconds(1623628800 + static_cast<int64_t>(rec));
    o.src.input = &info;
    o.src.record = rec;
    return o;
  };
  Observation c = make(ObservationKind::kConn, 1);
  c.has_endpoints = true;
  c.orig_h = IpAddress::Parse("10.20.10.32").value();
  c.resp_h = IpAddress::Parse("45.77.107.26").value();
  obs.push_back(c);
  Observation c6 = make(ObservationKind::kConn, 2);
  c6.has_endpoints = true;
  c6.orig_h = IpAddress::Parse("2001:db8:1::5").value();
  c6.resp_h = IpAddress::Parse("2001:db8:beef::77").value();
  obs.push_back(c6);
  Observation f = make(ObservationKind::kFile, 3);
  f.md5 = "d41d8cd98f00b204e9800998ecf8427e";
  f.file_sha1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709";
  f.file_sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  obs.push_back(f);
  Observation t = make(ObservationKind::kTls, 4);
  t.ja4 = "t13d1516h2_8daaf6152771_b186095e22b6";
  t.server_name = "Cam01.CAMDVR.org.";
  t.cert_sha1 = "ABCDEF0123456789ABCDEF0123456789ABCDEF01";
  obs.push_back(t);
  Observation x = make(ObservationKind::kX509, 5);
  x.sha256 = "1111111111111111111111111111111111111111111111111111111111111111";
  obs.push_back(x);
  Observation h = make(ObservationKind::kHttp, 6);
  h.host = "evil.example.com:8080";
  h.uri = "/%7Ea/b";
  obs.push_back(h);
  Observation d = make(ObservationKind::kDns, 7);
  d.query = "www.example.org";
  d.answers = {{"CNAME", "edge.livehost.live", 60}, {"A", "139.180.135.175", 60}};
  obs.push_back(d);

  std::vector<intel::Indicator> inds = {
      Ind("cidr", "ipv4-addr", "45.77.0.0/16"),
      Ind("v6", "ipv6-addr", "2001:db8:beef::/48"),
      Ind("md5", "md5", "D41D8CD98F00B204E9800998ECF8427E"),
      Ind("sha1", "sha1", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
      Ind("sha256", "sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
      Ind("ja4", "ja4", "t13d1516h2_8daaf6152771_b186095e22b6"),
      Ind("zone", "domain-name", "camdvr.org"),
      Ind("cert", "x509-sha1", "abcdef0123456789abcdef0123456789abcdef01"),
      Ind("cert256", "x509-sha256", "1111111111111111111111111111111111111111111111111111111111111111"),
      Ind("url", "url", "http://evil.example.com:8080/~a/b"),
      Ind("suffix", "domain-suffix", "livehost.live"),
      Ind("answer", "ipv4-addr", "139.180.135.175"),
      Ind("nope", "ipv4-addr", "10.20.10.33"),
      Ind("nope2", "sha512", std::string(128, 'a')),
  };
  auto got = Hunt(obs, inds);
  std::set<Hit> want = {
      {"cidr", "conn.resp_h", "generated", 1},      {"v6", "conn.resp_h", "generated", 2},
      {"md5", "file.md5", "generated", 3},          {"sha1", "file.sha1", "generated", 3},
      {"sha256", "file.sha256", "generated", 3},    {"ja4", "tls.ja4", "generated", 4},
      {"zone", "tls.server_name", "generated", 4},  {"cert", "tls.cert_sha1", "generated", 4},
      {"cert256", "x509.sha256", "generated", 5},   {"url", "http.url", "generated", 6},
      {"suffix", "dns.answers", "generated", 7},    {"answer", "dns.answers", "generated", 7},
  };
  EXPECT_EQ(got, want);
}

// With ingest's conn_starts wired to Hunter::conn_starts(), a capture's address sightings are made
// when each flow begins (not when its conn record comes, at the flow's end): the very same
// sightings — indicator, where, value, input, record, time, uid, Community ID, direction.
TEST(HuntTest, ConnStartsGiveTheSameSightingsAsConnRecords) {
  std::string dir = std::string(ONUS_SHARED_DIR) + "/data/pcaps/";
  std::vector<std::string> picked;
  for (const char* f : {"mixed/nDPI/dns.pcap", "mixed/nDPI/443-firefox.pcap", "malware_c2/nDPI/emotet.pcap",
                        "malware_c2/nDPI/trickbot.pcap", "malware_c2/slips/test-cc-capture-2.pcap"})
    if (FileExists(dir + f)) picked.push_back(dir + f);
  if (picked.size() < 2) GTEST_SKIP() << "captures not found under " << dir;
  ingest::IngestRun first;
  auto obs = Read(picked, first);
  // Both ends of every conn, some as /24 prefixes, and DNS answers come along where they match.
  std::vector<intel::Indicator> inds;
  std::set<std::string> added;
  int n = 0;
  for (const auto& o : obs) {
    if (o.kind != ObservationKind::kConn || !o.has_endpoints) continue;
    for (const IpAddress* a : {&o.orig_h, &o.resp_h}) {
      std::string v = a->ToString();
      if (!added.insert(v).second) continue;
      if (a->is_v4() && ++n % 3 == 0) {
        std::string net = v.substr(0, v.rfind('.')) + ".0/24";
        if (added.insert(net).second) inds.push_back(Ind("net-" + net, "ipv4-addr", net));
      } else {
        inds.push_back(Ind("addr-" + v, a->is_v4() ? "ipv4-addr" : "ipv6-addr", v));
      }
    }
  }
  inds.push_back(Ind("absent", "ipv4-addr", "203.0.113.77"));
  auto compiled = CompileIntel(inds);
  ASSERT_TRUE(compiled.ok());
  struct Full : SightingSink {
    const IndicatorIndex* index = nullptr;
    std::vector<std::string> rows;
    size_t from_start = 0;  // sightings whose observation is a flow start (no packets counted yet)
    Status OnSighting(const Sighting& s) override {
      const Observation& o = *s.obs;
      rows.push_back(std::string(index->indicator_id(s.indicator)) + "|" + std::string(s.where) + "|" +
                     std::string(s.seen) + "|" + (o.src.input ? o.src.input->path : "") + "|" +
                     std::to_string(o.src.record) + "|" + std::to_string(o.ts.nanos()) + "|" + o.uid + "|" +
                     o.community_id + "|" + std::string(s.direction) + "|" + (s.stale ? "stale" : "-"));
      if (o.kind == ObservationKind::kConn && o.orig_pkts + o.resp_pkts == 0) ++from_start;
      return Status::Ok();
    }
  };
  auto hunt = [&](bool starts) {
    Full sink;
    sink.index = compiled->index.get();
    Hunter hunter(*compiled, {}, sink);
    ingest::IngestOptions opt;
    if (starts) opt.conn_starts = &hunter.conn_starts();
    ingest::IngestRun run;
    Status st = ingest::ReadInputs(picked, opt, hunter, run);
    EXPECT_TRUE(st.ok()) << st.ToString();
    std::sort(sink.rows.begin(), sink.rows.end());
    return sink;
  };
  Full at_end = hunt(false), at_start = hunt(true);
  size_t conn_rows = 0;
  for (const auto& r : at_start.rows) conn_rows += r.find("|conn.") != std::string::npos;
  EXPECT_GT(conn_rows, 50u);
  EXPECT_EQ(at_end.from_start, 0u);
  EXPECT_EQ(at_start.from_start, conn_rows);  // every conn.* sighting was made as its flow began
  EXPECT_EQ(at_start.rows, at_end.rows);
  for (const auto& r : at_start.rows) EXPECT_EQ(r.rfind("absent|", 0), std::string::npos);
}

TEST(HuntTest, StaleSightingsAreKeptAndFlagged) {
  ingest::InputInfo info;
  info.path = "generated";
  Observation c;
  c.kind = ObservationKind::kConn;
  c.ts = ParseRfc3339("2021-06-15T12:00:00Z").value();
  c.has_endpoints = true;
  c.orig_h = IpAddress::Parse("10.80.1.30").value();
  c.resp_h = IpAddress::Parse("104.18.33.57").value();
  c.src = {&info, 9, false};
  intel::Indicator later = Ind("later", "ipv4-addr", "104.18.33.57");
  later.valid_from = ParseRfc3339("2021-07-20T00:00:00Z").value();
  intel::Indicator current = Ind("current", "ipv4-addr", "104.18.33.57");
  current.valid_from = ParseRfc3339("2021-06-01T00:00:00Z").value();
  current.valid_until = ParseRfc3339("2021-09-29T00:00:00Z").value();
  intel::Indicator revoked = Ind("revoked", "ipv4-addr", "104.18.33.57");
  revoked.revoked = true;
  auto compiled = CompileIntel(std::vector<intel::Indicator>{later, current, revoked});
  ASSERT_TRUE(compiled.ok());
  Sink sink;
  sink.index = compiled->index.get();
  Hunter hunter(*compiled, {}, sink);
  ASSERT_TRUE(hunter.OnObservation(c).ok());
  ASSERT_EQ(sink.raw.size(), 3u);
  std::map<std::string, bool> stale;
  for (const auto& s : sink.raw) stale[std::string(compiled->index->indicator_id(s.indicator))] = s.stale;
  EXPECT_TRUE(stale["later"]);
  EXPECT_FALSE(stale["current"]);
  EXPECT_TRUE(stale["revoked"]);
  EXPECT_EQ(hunter.stats().stale, 2u);
  EXPECT_EQ(sink.raw[0].direction, "outbound");
}

// MISP's and Talos's STIX exports ask for an address on one side of a connection
// ("[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = 'X']"): such
// patterns are indexed with that role, not evaluated against every observation, and sight the
// address only on their side of a conn (not as the other side, not in DNS answers). Anything more
// (a port) stays with the evaluator.
TEST(HuntTest, TrafficAddressPatternsAreIndexedWithTheirSide) {
  ingest::InputInfo info;
  info.path = "generated";
  auto conn = [&](const char* orig, const char* resp, uint64_t record) {
    Observation c;
    c.kind = ObservationKind::kConn;
    c.ts = ParseRfc3339("2024-08-01T00:00:00Z").value();
    c.has_endpoints = true;
    c.proto = "tcp";
    c.orig_h = IpAddress::Parse(orig).value();
    c.resp_h = IpAddress::Parse(resp).value();
    c.resp_p = 443;
    c.src = {&info, record, false};
    return c;
  };
  Observation dns;
  dns.kind = ObservationKind::kDns;
  dns.ts = ParseRfc3339("2024-08-01T00:00:00Z").value();
  dns.query = "c2.example";
  dns.answers.push_back({"A", "45.85.76.10", 60});
  dns.src = {&info, 4, false};
  auto pat = [](std::string id, std::string pattern) {
    intel::Indicator i;
    i.id = std::move(id);
    i.source_id = "identity--talos";
    i.pattern = std::move(pattern);
    return i;
  };
  std::vector<intel::Indicator> inds = {
      pat("dst", "[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = '45.85.76.10']"),
      pat("src-or", "[network-traffic:src_ref.value = '10.9.9.9'] OR [network-traffic:src_ref.value IN ('10.8.8.8')]"),
      pat("with-port", "[network-traffic:dst_ref.value = '45.85.76.10' AND network-traffic:dst_port = 443]"),
      pat("wrong-type", "[network-traffic:dst_ref.type = 'ipv6-addr' AND network-traffic:dst_ref.value = '45.85.76.10']"),
  };
  auto compiled = CompileIntel(inds);
  ASSERT_TRUE(compiled.ok()) << compiled.status().ToString();
  EXPECT_EQ(compiled->traffic_patterns_indexed, 2u);
  ASSERT_EQ(compiled->patterns.size(), 2u);  // the port and the inconsistent type: evaluated
  Sink sink;
  sink.index = compiled->index.get();
  Hunter hunter(*compiled, {}, sink);
  for (const auto& o : {conn("10.1.1.1", "45.85.76.10", 1), conn("45.85.76.10", "10.1.1.1", 2),
                        conn("10.9.9.9", "10.1.1.1", 3), dns, conn("10.1.1.1", "10.8.8.8", 5)})
    ASSERT_TRUE(hunter.OnObservation(o).ok());
  std::set<Hit> want = {{"dst", "conn.resp_h", "generated", 1},
                        {"src-or", "conn.orig_h", "generated", 3},
                        {"with-port", "pattern", "generated", 1}};
  EXPECT_EQ(sink.hits, want);
}

TEST(HuntTest, ExactDomainScopeDoesNotWalkParents) {
  ingest::InputInfo info;
  Observation d;
  d.kind = ObservationKind::kDns;
  d.query = "gridist-gate-cam01.camdvr.org";
  d.src = {&info, 3, false};
  std::vector<intel::Indicator> inds = {Ind("zone", "domain-name", "camdvr.org")};
  CompileOptions exact;
  exact.domain_scope = DomainScope::kExact;
  EXPECT_TRUE(Hunt({d}, inds, exact).empty());
  auto zone = Hunt({d}, inds);
  ASSERT_EQ(zone.size(), 1u);
  EXPECT_EQ(std::get<1>(*zone.begin()), "dns.query");
}

// Which flows a hunt decodes, from the index's value types (tests/hunt/scope_test.py checks that
// the cases are identical with and without the scope).
TEST(HuntTest, FlowScopeFollowsTheIntelsValueTypes) {
  auto scope_of = [](std::vector<intel::Indicator> inds, const CaseContext* ctx = nullptr) {
    auto compiled = CompileIntel(inds);
    EXPECT_TRUE(compiled.ok());
    return HuntFlowScope(*compiled, ctx);
  };
  auto addr = scope_of({Ind("a", "ipv4-addr", "192.0.2.1"), Ind("n", "ipv4-addr", "198.51.100.0/24")});
  ASSERT_TRUE(addr.has_value());
  EXPECT_TRUE(addr->dns && addr->http && addr->ics);
  EXPECT_FALSE(addr->tls);
  ASSERT_TRUE(addr->endpoint);
  EXPECT_TRUE(addr->endpoint(IpAddress::Parse("192.0.2.1").value()));
  EXPECT_TRUE(addr->endpoint(IpAddress::Parse("198.51.100.77").value()));
  EXPECT_FALSE(addr->endpoint(IpAddress::Parse("192.0.2.2").value()));

  auto url = scope_of({Ind("u", "url", "http://example.org/x")});
  ASSERT_TRUE(url.has_value());
  EXPECT_TRUE(url->http);
  EXPECT_FALSE(url->dns || url->tls || url->endpoint);
  auto cert = scope_of({Ind("c", "x509-sha1", "0123456789abcdef0123456789abcdef01234567")});
  ASSERT_TRUE(cert.has_value());
  EXPECT_TRUE(cert->tls);
  EXPECT_FALSE(cert->dns || cert->http);
  auto name = scope_of({Ind("d", "domain-name", "example.org")});
  ASSERT_TRUE(name.has_value());
  EXPECT_TRUE(name->dns && name->tls && name->http);
  auto hash = scope_of({Ind("h", "sha256", std::string(64, 'a'))});
  ASSERT_TRUE(hash.has_value());
  EXPECT_FALSE(hash->dns || hash->http || hash->tls || hash->endpoint);
  EXPECT_TRUE(hash->ics);

  // An OT segment of the context: its conns are kept, so its endpoints are wanted.
  auto ctx = CaseContext::Parse(R"({"sites":[{"id":"S","name":"s","sector":"energy","segments":[
      {"id":"ot","kind":"ot","cidrs":["10.8.0.0/16"]},{"id":"it","kind":"it","cidrs":["10.9.0.0/16"]}]}]})",
                                "ctx.json");
  ASSERT_TRUE(ctx.ok()) << ctx.status().ToString();
  auto ot = scope_of({Ind("h", "sha256", std::string(64, 'a'))}, &*ctx);
  ASSERT_TRUE(ot.has_value() && ot->endpoint);
  EXPECT_TRUE(ot->endpoint(IpAddress::Parse("10.8.3.4").value()));
  EXPECT_FALSE(ot->endpoint(IpAddress::Parse("10.9.3.4").value()));

  // A pattern is evaluated over every observation: no scope.
  intel::Indicator pattern;
  pattern.id = "p";
  pattern.pattern = "[network-traffic:dst_port = 4444]";
  EXPECT_FALSE(scope_of({pattern, Ind("a", "ipv4-addr", "192.0.2.1")}).has_value());
}

}  // namespace
}  // namespace onus::match
