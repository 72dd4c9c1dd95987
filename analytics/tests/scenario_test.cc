// End-to-end analytics through ingest::ReadInputs on the shared data sets: PortGrid (planted C2 vs
// benign periodic jobs and traps), RITA's proxy data set (rita-compatible scores against RITA's
// integration expectations) and Slips' semi-periodic C2 capture (2-3 s curl loop).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <tuple>

#include "onus/analytics/analyzer.h"
#include "onus/core/case_context.h"
#include "onus/ingest/reader.h"

namespace onus::analytics {
namespace {

using nlohmann::json;

const std::string kData = std::string(ONUS_SHARED_DIR) + "/data/";

std::vector<std::string> PortgridLogs() {
  std::vector<std::string> out;
  for (const char* site : {"FREIGHT-LOGI", "GRID-DIST", "GRID-TX", "PORT-HQ", "VAXCO"})
    for (const char* log : {"conn", "dns", "http", "ssl"})
      out.push_back(kData + "scenarios/portgrid/zeek/" + site + "/" + log + ".log.gz");
  return out;
}

struct Run {
  std::vector<Finding> findings;
  ingest::IngestRun ingest;  // owns the InputInfo the findings' provenance points at
  AnalyzerStats stats;
};

std::unique_ptr<Run> Analyze(const std::vector<std::string>& paths, const AnalyticsConfig& cfg) {
  auto r = std::make_unique<Run>();
  EXPECT_TRUE(cfg.Validate().ok());
  Analyzer a(cfg);
  ingest::IngestOptions opt;
  Status st = ingest::ReadInputs(paths, opt, a, r->ingest);
  EXPECT_TRUE(st.ok()) << st.ToString();
  auto f = a.Finish();
  EXPECT_TRUE(f.ok());
  if (f.ok()) r->findings = std::move(*f);
  r->stats = a.stats();
  return r;
}

const CaseContext& PortgridContext() {
  static const CaseContext ctx = *CaseContext::Load(kData + "scenarios/portgrid/context.json");
  return ctx;
}

const Run& Portgrid() {
  static std::unique_ptr<Run> run = [] {
    AnalyticsConfig cfg;
    cfg.context = &PortgridContext();
    return Analyze(PortgridLogs(), cfg);
  }();
  return *run;
}

// The planted C2 infrastructure (README "What happens in the telemetry") and the hosts that use it.
const std::set<std::string> kC2Dst = {
    "139.180.135.175", "45.77.107.26",       "207.148.99.56",           "116.203.104.216",
    "95.111.245.74",   "dntc.livehost.live", "snoc.hostingupdate.club", "c2.windowshostnamehost.club"};
const std::set<std::string> kC2Src = {"10.20.10.32", "10.20.1.101", "10.40.10.51",
                                      "10.40.1.102", "10.60.10.27", "10.60.10.64"};
// The commodity miner (malicious, not the cluster): excluded from "benign".
const std::set<std::string> kMinerDst = {"198.51.100.23", "198.51.100.24", "pool.minexmr.com", "xmr-eu1.nanopool.org"};

bool IsC2(const Finding& f) { return kC2Src.count(f.src.ToString()) && kC2Dst.count(f.dst); }

TEST(Portgrid, PlantedC2PairsRankAboveEveryBenignPair) {
  const auto& r = Portgrid();
  std::map<std::string, double> c2_best, benign_best;
  std::string top_benign;
  for (const auto& f : r.findings) {
    if (IsC2(f)) {
      c2_best[f.key] = std::max(c2_best[f.key], f.score);
    } else if (!kMinerDst.count(f.dst)) {
      if (f.score > benign_best[f.key]) benign_best[f.key] = f.score;
    }
  }
  // Every planted (source, C2) pair that carries beacons is found as a beacon: 6 hosts, by address
  // and by name (PORT-HQ uses two servers, VAXCO two relays by address only).
  EXPECT_GE(c2_best.size(), 17u);
  for (const char* key :
       {"10.20.10.32->139.180.135.175", "10.20.10.32->dntc.livehost.live", "10.20.10.32->snoc.hostingupdate.club",
        "10.20.10.32->116.203.104.216", "10.20.1.101->45.77.107.26", "10.40.10.51->c2.windowshostnamehost.club",
        "10.40.1.102->139.180.135.175", "10.60.10.27->95.111.245.74", "10.60.10.27->116.203.104.216",
        "10.60.10.64->116.203.104.216", "10.60.10.64->95.111.245.74"}) {
    EXPECT_TRUE(c2_best.count(key)) << key;
  }
  double c2_min = 1.0;
  std::string c2_min_key;
  for (const auto& [k, s] : c2_best)
    if (s < c2_min) c2_min = s, c2_min_key = k;
  double benign_max = 0;
  for (const auto& [k, s] : benign_best)
    if (s > benign_max) benign_max = s, top_benign = k;
  EXPECT_GT(c2_min, benign_max) << "weakest C2 " << c2_min_key << " vs benign " << top_benign;
}

// The default run (pairs past 256 connections summarised) against every pair kept exactly: the same
// findings, scores within the summaries' documented error (README, "Summaries").
TEST(Portgrid, SummariesKeepFindingsAndScoresWithinDocumentedError) {
  const auto& r = Portgrid();
  EXPECT_GT(r.stats.summary_pairs, 50u);
  AnalyticsConfig cfg;
  cfg.context = &PortgridContext();
  cfg.exact_samples_per_pair = 1u << 30;
  const auto exact = Analyze(PortgridLogs(), cfg);
  EXPECT_EQ(exact->stats.summary_pairs, 0u);
  std::map<std::tuple<FindingKind, std::string, std::string>, const Finding*> by_key;
  for (const auto& f : r.findings) by_key[{f.kind, f.key, f.window}] = &f;
  ASSERT_EQ(by_key.size(), exact->findings.size());
  double worst_rita = 0, worst_score = 0;
  size_t summarised = 0;
  for (const auto& e : exact->findings) {
    auto it = by_key.find({e.kind, e.key, e.window});
    ASSERT_NE(it, by_key.end()) << e.key << " " << e.window;
    const Finding& s = *it->second;
    EXPECT_EQ(e.count, s.count) << e.key << " " << e.window;
    worst_score = std::max(worst_score, std::fabs(e.score - s.score));
    const json de = json::parse(e.detail_json), ds = json::parse(s.detail_json);
    if (de.contains("rita_score")) {
      worst_rita = std::max(worst_rita, std::fabs(de["rita_score"].get<double>() - ds["rita_score"].get<double>()));
      summarised += ds.value("summary", false);
    }
  }
  EXPECT_GT(summarised, 50u);
  EXPECT_LE(worst_rita, 0.04);
  EXPECT_LE(worst_score, 0.02);
  RecordProperty("worst_rita_difference", std::to_string(worst_rita));
}

TEST(Portgrid, MonitoringJobBehindCdnIsReportedAsCdnAndLowered) {
  const auto& r = Portgrid();
  int seen = 0;
  for (const auto& f : r.findings) {
    if (f.dst != "104.18.33.57" && f.dst != "104.18.32.57") continue;
    ++seen;
    json d = json::parse(f.detail_json);
    EXPECT_EQ(d.value("destination_class", ""), "cdn") << f.key;
    if (f.kind == FindingKind::kBeacon) {
      // A 60 s job (alternating between two CDN addresses by the hour): RITA's score stays visible
      // in the detail, the finding is halved.
      EXPECT_GE(d["rita_score"].get<double>(), 0.7);
      EXPECT_LE(f.score, 0.5);
    }
  }
  EXPECT_GT(seen, 0) << "the CDN monitoring job must be reported, not dropped";
  // The same job by name: the name joins to the CDN addresses, so it is lowered too.
  int named = 0;
  for (const auto& f : r.findings) {
    json d = json::parse(f.detail_json);
    if (f.kind != FindingKind::kBeacon || d.value("dst_type", "") != "sni" || f.src.ToString() != "10.80.1.30")
      continue;
    if (d.value("destination_class", "") != "cdn") continue;
    ++named;
    EXPECT_GE(d["rita_score"].get<double>(), 0.9);
    EXPECT_LE(f.score, 0.5);
  }
  EXPECT_GT(named, 0);
}

TEST(Portgrid, DynamicDnsCameraIsReportedAsDynamicDnsNotBeacon) {
  const auto& r = Portgrid();
  bool name_finding = false, shaped = false;
  for (const auto& f : r.findings) {
    if (f.dst.find("camdvr.org") == std::string::npos && f.dst != "198.51.100.77") continue;
    // Never a plain beacon: the periodic shape is reported under dynamic-dns (it may also be a
    // rare destination or a long connection, which are other questions).
    EXPECT_NE(f.kind, FindingKind::kBeacon) << f.key << " " << f.window;
    if (f.kind != FindingKind::kDynamicDns) continue;
    EXPECT_EQ(f.site, "GRID-DIST");
    EXPECT_NE(std::find(f.techniques.begin(), f.techniques.end(), "T1568"), f.techniques.end());
    if (f.window == "names" && f.dst == "gridist-gate-cam01.camdvr.org") name_finding = true;
    if (f.window == "multi-day") shaped = true;
    EXPECT_LT(f.score, 0.81);
  }
  EXPECT_TRUE(name_finding);
  EXPECT_TRUE(shaped);
}

TEST(Portgrid, ExfiltrationUploadFoundWithProvenance) {
  const auto& r = Portgrid();
  const Finding* exfil = nullptr;
  int n = 0;
  for (const auto& f : r.findings) {
    if (f.kind != FindingKind::kExfilUpload) continue;
    ++n;
    exfil = &f;
  }
  ASSERT_EQ(n, 1);
  EXPECT_EQ(exfil->key, "10.20.10.32->45.77.107.26");
  EXPECT_EQ(exfil->window, "2021-06-17");
  EXPECT_EQ(FormatRfc3339(exfil->first_seen, 0), "2021-06-17T01:12:40Z");
  EXPECT_EQ(exfil->site, "PORT-HQ");
  EXPECT_EQ(exfil->techniques, std::vector<std::string>{"T1041"});
  json d = json::parse(exfil->detail_json);
  EXPECT_GE(d["bytes_out"].get<uint64_t>(), 23400000u);
  ASSERT_EQ(exfil->provenance.size(), 1u);
  ASSERT_NE(exfil->provenance[0].input, nullptr);
  EXPECT_NE(exfil->provenance[0].input->path.find("PORT-HQ/conn.log.gz"), std::string::npos);
  EXPECT_EQ(exfil->provenance[0].input->sha256.size(), 64u);
  EXPECT_GT(exfil->provenance[0].record, 8u);  // past the Zeek header
}

TEST(Portgrid, MinerIsLongConnectionAndRareDestination) {
  const auto& r = Portgrid();
  std::set<std::string> long_conn, rare;
  for (const auto& f : r.findings) {
    if (f.kind == FindingKind::kLongConnection) long_conn.insert(f.key);
    if (f.kind == FindingKind::kRareDestination) rare.insert(f.key);
  }
  EXPECT_TRUE(long_conn.count("10.100.10.29->198.51.100.23"));
  EXPECT_TRUE(long_conn.count("10.100.10.29->198.51.100.24"));
  EXPECT_TRUE(rare.count("10.100.10.29->198.51.100.23"));
  // The relays are contacted by a handful of hosts out of hundreds: rare.
  EXPECT_TRUE(rare.count("10.20.10.32->116.203.104.216"));
  // The CDN collector is used by one monitoring server per site: rare by share, but lowered as CDN.
  for (const auto& f : r.findings) {
    if (f.kind != FindingKind::kRareDestination || f.dst.rfind("104.18.", 0) != 0) continue;
    EXPECT_EQ(json::parse(f.detail_json).value("destination_class", ""), "cdn");
    EXPECT_LE(f.score, 0.3);
  }
}

TEST(Portgrid, EveryFindingHasProvenanceSiteAndTechniquesWhereApplicable) {
  const auto& r = Portgrid();
  ASSERT_FALSE(r.findings.empty());
  for (const auto& f : r.findings) {
    EXPECT_FALSE(f.provenance.empty()) << f.key;
    EXPECT_LE(f.provenance.size(), 16u);
    EXPECT_GE(f.provenance_total, f.provenance.size());
    EXPECT_FALSE(f.site.empty()) << f.key;
    EXPECT_GE(f.score, 0.0);
    EXPECT_LE(f.score, 1.0);
    EXPECT_EQ(f.severity, SeverityForScore(f.score));
    if (f.kind == FindingKind::kBeacon) {
      EXPECT_FALSE(f.techniques.empty());
      json d = json::parse(f.detail_json);
      for (const char* k : {"ts_score", "ds_score", "dur_score", "hist_score", "rita_score"})
        EXPECT_TRUE(d.contains(k));
    }
    for (const auto& p : f.provenance) ASSERT_NE(p.input, nullptr);
  }
  // Sorted by score, highest first.
  for (size_t i = 1; i < r.findings.size(); ++i) EXPECT_GE(r.findings[i - 1].score, r.findings[i].score);
  // TLS C2 carries T1071.001 + T1573; the plain-HTTP one only T1071.001.
  for (const auto& f : r.findings) {
    if (f.kind == FindingKind::kBeacon && f.key == "10.20.10.32->dntc.livehost.live") {
      EXPECT_EQ(f.techniques, (std::vector<std::string>{"T1071.001", "T1573"}));
    }
    if (f.kind == FindingKind::kBeacon && f.key == "10.40.10.51->c2.windowshostnamehost.club") {
      EXPECT_EQ(f.techniques, (std::vector<std::string>{"T1071.001"}));
    }
  }
}

TEST(Portgrid, NoOtSegmentSourceBeaconsOut) {
  for (const auto& f : Portgrid().findings) EXPECT_NE(f.segment, "ot") << f.key;
}

// RITA's TestProxyBeacons data set in --rita-compatible mode: the same pairs, counts and scores as
// RITA's current code gives (conformance/rita/integration_known_beacons.json).
TEST(RitaProxy, KnownBeaconsMatchRita) {
  AnalyticsConfig cfg;
  cfg.rita_compatible = true;
  cfg.beacon_min_score = 0;
  const std::string dir = kData + "logs/zeek/rita_test_data/proxy/";
  auto r = Analyze({dir + "conn.log", dir + "dns.log", dir + "http.log", dir + "ssl.log"}, cfg);
  std::map<std::string, const Finding*> by_key;
  for (const auto& f : r->findings)
    if (f.kind == FindingKind::kBeacon) by_key[f.key] = &f;
  struct Expect {
    const char* key;
    uint64_t count;
    double score, ts, ds, dur, hist;
  };
  // honestimnotevil: RITA's test literals (0.979/0.921/0.995) are stale; these are what RITA's
  // current formulas give (README of the vectors): we match those exactly.
  for (const Expect& e : {Expect{"10.136.0.18->www.honestimnotevil.com", 357, 0.98, 0.92, 1.0, 1.0, 1.0},
                          Expect{"10.136.0.18->www.google.com", 6, 0.586, 0.48, 0.865, 1.0, 0.0}}) {
    SCOPED_TRACE(e.key);
    ASSERT_TRUE(by_key.count(e.key));
    const Finding& f = *by_key[e.key];
    EXPECT_EQ(f.window, "");
    EXPECT_EQ(f.count, e.count);
    json d = json::parse(f.detail_json);
    EXPECT_EQ(d["rita_score"].get<double>(), e.score);
    EXPECT_EQ(d["ts_score"].get<double>(), e.ts);
    EXPECT_EQ(d["ds_score"].get<double>(), e.ds);
    EXPECT_EQ(d["dur_score"].get<double>(), e.dur);
    EXPECT_EQ(d["hist_score"].get<double>(), e.hist);
    EXPECT_EQ(d["dst_type"], "sni");
  }
  // RITA asserts exactly two distinct SNI beacons through the proxy.
  int sni = 0;
  for (const auto& [k, f] : by_key) sni += json::parse(f->detail_json)["dst_type"] == "sni";
  EXPECT_EQ(sni, 2);
  // Link-local multicast (router solicitations) is not a peer.
  for (const auto& [k, f] : by_key) EXPECT_EQ(k.find("ff02::"), std::string::npos) << k;
}

// Slips test-cc-capture-2: curl https://testing.com every 2-3 s from 147.32.80.37, via the capture
// decoder. The beacon is found by address and by SNI.
TEST(Slips, SemiPeriodicCurlLoopIsABeacon) {
  AnalyticsConfig cfg;
  cfg.internal_subnets = {*Cidr::Parse("147.32.80.0/24")};
  auto r = Analyze({kData + "pcaps/malware_c2/slips/test-cc-capture-2.pcap"}, cfg);
  const Finding* sni = nullptr;
  const Finding* ip = nullptr;
  for (const auto& f : r->findings) {
    if (f.kind != FindingKind::kBeacon) continue;
    if (f.key == "147.32.80.37->testing.com") sni = &f;
    if (f.src.ToString() == "147.32.80.37" && json::parse(f.detail_json)["dst_type"] == "ip") ip = &f;
  }
  ASSERT_NE(sni, nullptr);
  ASSERT_NE(ip, nullptr);
  EXPECT_GE(sni->score, 0.9);
  EXPECT_GE(sni->count, 20u);
  json d = json::parse(sni->detail_json);
  // The intervals are 2-3 s: the sub-second mode sees them (median interval in the 2..3.3 s range).
  EXPECT_EQ(d["timing"], "sub-second");
  EXPECT_TRUE(sni->provenance[0].is_packet);
  EXPECT_GT(sni->provenance[0].record, 0u);
}

}  // namespace
}  // namespace onus::analytics
