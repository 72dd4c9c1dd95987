// Unit tests of the Analyzer on hand-built observations: every finding kind, windows, lists,
// order independence, provenance, the memory bound, config validation and the store row.
#include "onus/analytics/analyzer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <random>

#include "names.h"

namespace onus::analytics {
namespace {

using ingest::Observation;
using ingest::ObservationKind;
using nlohmann::json;

constexpr int64_t kT0 = 1623628800;  // 2021-06-14T00:00:00Z

ingest::InputInfo kInput{"conn.log", std::string(64, 'a'), 0, ingest::InputFormat::kZeekTsv, "conn"};

Observation Conn(const char* src, const char* dst, double ts, uint64_t bytes = 500, double duration = 1,
                 uint16_t port = 443, const std::string& uid = "") {
  Observation o;
  o.kind = ObservationKind::kConn;
  o.ts = Timestamp::FromNanos(static_cast<int64_t>(std::llround(ts * 1e9)));
  o.orig_h = *IpAddress::Parse(src);
  o.resp_h = *IpAddress::Parse(dst);
  o.resp_p = port;
  o.proto = "tcp";
  o.has_endpoints = true;
  o.orig_ip_bytes = bytes;
  o.orig_bytes = bytes;
  o.duration = duration;
  o.uid = uid;
  o.service = port == 443 ? "ssl" : "";
  static uint64_t line = 8;
  o.src.input = &kInput;
  o.src.record = ++line;
  return o;
}

std::vector<Finding> Analyze(const AnalyticsConfig& cfg, const std::vector<Observation>& obs) {
  EXPECT_TRUE(cfg.Validate().ok()) << cfg.Validate().ToString();
  Analyzer a(cfg);
  for (const auto& o : obs) EXPECT_TRUE(a.OnObservation(o).ok());
  auto f = a.Finish();
  EXPECT_TRUE(f.ok());
  return f.ok() ? *f : std::vector<Finding>{};
}

const Finding* Find(const std::vector<Finding>& fs, FindingKind k, const std::string& key, const std::string& window) {
  for (const auto& f : fs)
    if (f.kind == k && f.key == key && f.window == window) return &f;
  return nullptr;
}

// A perfect 10-minute beacon all day: RITA scores 1 on every part (hand-computed: intervals all
// 600 -> skew 0, MAD 0 -> ts 1; sizes all equal -> ds 1; 6 per hour -> CV 0 -> hist 1; coverage ~1).
TEST(Analyzer, PerfectBeaconPerDay) {
  std::vector<Observation> obs;
  for (int i = 0; i < 144; ++i) obs.push_back(Conn("10.0.0.5", "203.0.113.9", kT0 + 600.0 * i + 1));
  AnalyticsConfig cfg;
  auto fs = Analyze(cfg, obs);
  const Finding* b = Find(fs, FindingKind::kBeacon, "10.0.0.5->203.0.113.9", "2021-06-14");
  ASSERT_NE(b, nullptr);
  json d = json::parse(b->detail_json);
  EXPECT_EQ(d["ts_score"].get<double>(), 1.0);
  EXPECT_EQ(d["ds_score"].get<double>(), 1.0);
  EXPECT_EQ(d["hist_score"].get<double>(), 1.0);
  EXPECT_EQ(d["dur_score"].get<double>(), 1.0);
  EXPECT_EQ(b->score, 1.0);
  EXPECT_EQ(b->severity, "critical");
  EXPECT_EQ(b->count, 144u);
  EXPECT_EQ(b->techniques, (std::vector<std::string>{"T1071.001", "T1573"}));
  EXPECT_EQ(b->provenance.size(), 16u);  // capped
  EXPECT_EQ(b->provenance_total, 144u);
  EXPECT_EQ(b->provenance[0].record, obs[0].src.record);  // earliest first
}

// Uniformly random intervals (1..3000 s) and sizes: RITA gives such a pair about 0.75 (MAD half the
// median, skew 0, every hour active), which is why the default report bar is 0.8.
TEST(Analyzer, RandomTrafficIsNotABeacon) {
  std::vector<Observation> obs;
  uint64_t x = 12345;
  double t = kT0;
  for (int i = 0; i < 100; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    t += 1 + static_cast<double>(x >> 40) / (1 << 24) * 3000;  // 1..3000 s, uniform
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    obs.push_back(Conn("10.0.0.5", "203.0.113.9", t, 100 + (x >> 50)));
  }
  auto fs = Analyze(AnalyticsConfig{}, obs);
  for (const auto& f : fs)
    EXPECT_NE(f.kind, FindingKind::kBeacon) << f.window << " " << f.score << " " << f.detail_json;
}

TEST(Analyzer, InternalToInternalAndInboundAreNotScored) {
  std::vector<Observation> obs;
  for (int i = 0; i < 50; ++i) {
    obs.push_back(Conn("10.0.0.5", "10.0.0.6", kT0 + 60.0 * i));      // internal peer
    obs.push_back(Conn("198.51.100.1", "10.0.0.6", kT0 + 60.0 * i));  // inbound
    obs.push_back(Conn("10.0.0.5", "224.0.0.251", kT0 + 60.0 * i));   // multicast
  }
  EXPECT_TRUE(Analyze(AnalyticsConfig{}, obs).empty());
}

TEST(Analyzer, RitaCompatibleUsesIntegerSecondsAndLast24Hours) {
  std::vector<Observation> obs;
  // Day 1: noise that the last-24-hours window must exclude; then 48 beacons 30 min apart with
  // sub-second jitter that integer seconds erase.
  for (int i = 0; i < 10; ++i) obs.push_back(Conn("10.0.0.5", "203.0.113.9", kT0 + 777.0 * i * i));
  for (int i = 0; i < 48; ++i)
    obs.push_back(Conn("10.0.0.5", "203.0.113.9", kT0 + 2 * 86400 + 1800.0 * i + 0.01 * (i * i % 97)));
  AnalyticsConfig cfg;
  cfg.rita_compatible = true;
  auto fs = Analyze(cfg, obs);
  const Finding* b = Find(fs, FindingKind::kBeacon, "10.0.0.5->203.0.113.9", "");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->count, 48u);
  json d = json::parse(b->detail_json);
  EXPECT_EQ(d["timing"], "rita-integer-seconds");
  EXPECT_EQ(d["ts_score"].get<double>(), 1.0);  // all integer intervals are 1800
  EXPECT_EQ(d["ts_mode"].get<int64_t>(), 1800);
  // Sub-second mode sees the sub-second jitter that integer seconds erase (MAD > 0).
  AnalyticsConfig sub;
  auto fs2 = Analyze(sub, obs);
  const Finding* b2 = Find(fs2, FindingKind::kBeacon, "10.0.0.5->203.0.113.9", "2021-06-16");
  ASSERT_NE(b2, nullptr);
  EXPECT_EQ(json::parse(b->detail_json)["ts_mad"].get<double>(), 0.0);
  EXPECT_GT(json::parse(b2->detail_json)["ts_mad"].get<double>(), 0.05);
}

TEST(Analyzer, MultiDayViewFindsEightHourBeaconPerDayMisses) {
  // RedEcho-like: every 8 h (+-2 min) for 30 days: 3 a day is below RITA's 4 distinct timestamps.
  std::vector<Observation> obs;
  for (int i = 0; i < 90; ++i) obs.push_back(Conn("10.0.0.5", "203.0.113.9", kT0 + 28800.0 * i + (i % 5) * 24, 700));
  auto fs = Analyze(AnalyticsConfig{}, obs);
  int per_day = 0;
  const Finding* multi = nullptr;
  for (const auto& f : fs) {
    if (f.kind != FindingKind::kBeacon) continue;
    if (f.window == "multi-day")
      multi = &f;
    else
      ++per_day;
  }
  EXPECT_EQ(per_day, 0);
  ASSERT_NE(multi, nullptr);
  EXPECT_GE(multi->score, 0.9);
  EXPECT_EQ(multi->count, 90u);
}

TEST(Analyzer, StrobeLongConnectionAndExfil) {
  std::vector<Observation> obs;
  // Strobe: 90,000 connections in one day (a threshold of 1,000 keeps the test fast).
  AnalyticsConfig cfg;
  cfg.strobe_connections_per_day = 1000;
  for (int i = 0; i < 1500; ++i) obs.push_back(Conn("10.0.0.7", "203.0.113.50", kT0 + 10.0 * i, 60, 0.01, 80));
  // Long connection: 3 sessions of 2 h.
  for (int i = 0; i < 3; ++i) obs.push_back(Conn("10.0.0.8", "203.0.113.60", kT0 + 8000.0 * i, 1000, 7200, 4444));
  // Exfil: 30 small connections then one of 50 MB.
  for (int i = 0; i < 30; ++i) obs.push_back(Conn("10.0.0.9", "203.0.113.70", kT0 + 3600.0 * i + 17 * (i % 3), 900));
  obs.push_back(Conn("10.0.0.9", "203.0.113.70", kT0 + 50000.5, 50'000'000, 300));
  auto fs = Analyze(cfg, obs);
  const Finding* strobe = Find(fs, FindingKind::kStrobe, "10.0.0.7->203.0.113.50", "2021-06-14");
  ASSERT_NE(strobe, nullptr);
  EXPECT_EQ(strobe->count, 1500u);
  EXPECT_EQ(Find(fs, FindingKind::kBeacon, "10.0.0.7->203.0.113.50", "2021-06-14"), nullptr);
  const Finding* lc = Find(fs, FindingKind::kLongConnection, "10.0.0.8->203.0.113.60", "");
  ASSERT_NE(lc, nullptr);
  EXPECT_EQ(json::parse(lc->detail_json)["total_duration_s"].get<double>(), 21600.0);
  EXPECT_NEAR(lc->score, 0.5 + 0.1 * std::log2(6.0), 0.001);
  const Finding* ex = Find(fs, FindingKind::kExfilUpload, "10.0.0.9->203.0.113.70", "2021-06-14");
  ASSERT_NE(ex, nullptr);
  EXPECT_EQ(json::parse(ex->detail_json)["bytes_out"].get<uint64_t>(), 50'000'000u);
  EXPECT_EQ(json::parse(ex->detail_json)["pair_median_bytes_out"].get<double>(), 900.0);
  ASSERT_EQ(ex->provenance.size(), 1u);
  EXPECT_EQ(ex->provenance[0].record, obs.back().src.record);
}

Observation Dns(const char* src, const std::string& q, double ts, const std::string& answer = "") {
  Observation o;
  o.kind = ObservationKind::kDns;
  o.ts = Timestamp::FromNanos(static_cast<int64_t>(ts * 1e9));
  o.orig_h = *IpAddress::Parse(src);
  o.resp_h = *IpAddress::Parse("10.0.0.53");
  o.has_endpoints = true;
  o.query = q;
  if (!answer.empty()) o.answers.push_back({"A", answer, 60});
  o.src.input = &kInput;
  o.src.record = 1;
  return o;
}

TEST(Analyzer, DnsTunnellingAndDynamicDns) {
  std::vector<Observation> obs;
  for (int i = 0; i < 250; ++i)
    obs.push_back(Dns("10.0.0.5", "x" + std::to_string(i * 7919) + ".t.evil.co.uk", kT0 + i));
  for (int i = 0; i < 50; ++i) obs.push_back(Dns("10.0.0.5", "www" + std::to_string(i) + ".example.com", kT0 + i));
  obs.push_back(Dns("10.0.0.6", "cam.ddns.example.net", kT0 + 5, "198.51.100.77"));
  for (int i = 0; i < 40; ++i) obs.push_back(Conn("10.0.0.6", "198.51.100.77", kT0 + 10 + 300.0 * i, 200, 1, 80));
  AnalyticsConfig cfg;
  cfg.dynamic_dns_zones = {"ddns.example.net."};
  auto fs = Analyze(cfg, obs);
  const Finding* c2 = Find(fs, FindingKind::kDnsC2, "10.0.0.5->evil.co.uk", "");
  ASSERT_NE(c2, nullptr);
  EXPECT_EQ(json::parse(c2->detail_json)["distinct_subdomains"].get<uint64_t>(), 250u);
  EXPECT_NEAR(c2->score, 0.6 + 0.2 * std::log10(2.5), 0.001);
  EXPECT_EQ(c2->techniques, std::vector<std::string>{"T1071.004"});
  EXPECT_EQ(Find(fs, FindingKind::kDnsC2, "10.0.0.5->example.com", ""), nullptr);  // 50 < 100
  const Finding* dyn = Find(fs, FindingKind::kDynamicDns, "10.0.0.6->cam.ddns.example.net", "names");
  ASSERT_NE(dyn, nullptr);
  EXPECT_EQ(json::parse(dyn->detail_json)["zone"], "ddns.example.net");
  EXPECT_EQ(json::parse(dyn->detail_json)["named_connections"].get<uint64_t>(), 40u);
  // The periodic connections to the address it resolved to are dynamic-dns, not beacon.
  EXPECT_NE(Find(fs, FindingKind::kDynamicDns, "10.0.0.6->198.51.100.77", "2021-06-14"), nullptr);
  EXPECT_EQ(Find(fs, FindingKind::kBeacon, "10.0.0.6->198.51.100.77", "2021-06-14"), nullptr);
}

// A jittered 10-minute beacon (intervals 600 + 150 x {-2..2} in a fixed cycle) from src to dst.
void JitteredBeacon(std::vector<Observation>& obs, const char* src, const char* dst, uint16_t port = 443,
                    const char* proto = "tcp") {
  double t = kT0 + 30;
  for (int i = 0; i < 140; ++i) {
    Observation o = Conn(src, dst, t, 500 + 40 * (i % 5), 1, port);
    o.proto = proto;
    obs.push_back(o);
    t += 600 + 150 * ((i * 7) % 5 - 2);
  }
}

// Unnamed destination: TCP sessions to an address no DNS answer pointed at and no SNI/Host named,
// from a source whose own lookups are in the data: +unnamed_destination_increase on top of RITA's
// score (which stays in the detail); never in rita_compatible; not for named or DNS/NTP pairs, nor
// for sources whose DNS is not visible.
TEST(Analyzer, UnnamedDestinationModifier) {
  std::vector<Observation> obs;
  obs.push_back(Dns("10.0.0.5", "www.example.com", kT0 + 1, "203.0.113.10"));  // 10.0.0.5's DNS is visible
  JitteredBeacon(obs, "10.0.0.5", "203.0.113.9");                              // dialled by address
  JitteredBeacon(obs, "10.0.0.5", "203.0.113.10");                             // resolved by DNS first
  JitteredBeacon(obs, "10.0.0.7", "203.0.113.9");  // a source whose lookups are not in the data
  AnalyticsConfig cfg;
  auto fs = Analyze(cfg, obs);
  const Finding* unnamed = Find(fs, FindingKind::kBeacon, "10.0.0.5->203.0.113.9", "2021-06-14");
  const Finding* named = Find(fs, FindingKind::kBeacon, "10.0.0.5->203.0.113.10", "2021-06-14");
  const Finding* blind = Find(fs, FindingKind::kBeacon, "10.0.0.7->203.0.113.9", "2021-06-14");
  ASSERT_NE(unnamed, nullptr);
  ASSERT_NE(named, nullptr);
  ASSERT_NE(blind, nullptr);
  json du = json::parse(unnamed->detail_json), dn = json::parse(named->detail_json);
  const double rita = du["rita_score"].get<double>();
  ASSERT_LT(rita, 0.95);                            // jittered: the modifier is visible
  EXPECT_EQ(dn["rita_score"].get<double>(), rita);  // same shape
  EXPECT_DOUBLE_EQ(unnamed->score, std::round(std::min(1.0, rita + 0.1) * 1000) / 1000);
  EXPECT_EQ(du["modifiers"]["unnamed_destination"].get<double>(), 0.1);
  EXPECT_EQ(named->score, rita);
  EXPECT_FALSE(dn.contains("modifiers"));
  EXPECT_EQ(blind->score, rita);
  // An SNI names the destination.
  {
    std::vector<Observation> o2 = obs;
    Observation tls = Conn("10.0.0.5", "203.0.113.9", kT0 + 30);
    tls.kind = ObservationKind::kTls;
    tls.server_name = "cdn.example.org";
    o2.push_back(tls);
    auto f2 = Analyze(cfg, o2);
    const Finding* b = Find(f2, FindingKind::kBeacon, "10.0.0.5->203.0.113.9", "2021-06-14");
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(b->score, rita);
  }
  // Disabled by config, and never in rita_compatible mode.
  cfg.unnamed_destination_increase = 0;
  EXPECT_EQ(Find(Analyze(cfg, obs), FindingKind::kBeacon, "10.0.0.5->203.0.113.9", "2021-06-14")->score, rita);
  AnalyticsConfig rc;
  rc.rita_compatible = true;
  rc.beacon_min_score = 0;
  for (const auto& f : Analyze(rc, obs)) EXPECT_FALSE(json::parse(f.detail_json).contains("modifiers")) << f.key;
  // DNS to the internet by address is not "unnamed" (resolvers are configured by address).
  std::vector<Observation> o3;
  o3.push_back(Dns("10.0.0.5", "www.example.com", kT0 + 1));
  JitteredBeacon(o3, "10.0.0.5", "203.0.113.53", 53, "tcp");
  for (const auto& f : Analyze(AnalyticsConfig{}, o3)) EXPECT_FALSE(json::parse(f.detail_json).contains("modifiers"));
  AnalyticsConfig bad;
  bad.unnamed_destination_increase = 1.5;
  EXPECT_FALSE(bad.Validate().ok());
}

// An internal resolver's upstream DNS (it answers internal clients) is context, lowered like NTP
// and CDNs, never dropped; a workstation talking DNS to the internet directly keeps its score.
TEST(Analyzer, ResolverUpstreamIsLoweredDirectDnsIsNot) {
  std::vector<Observation> obs;
  obs.push_back(Dns("10.0.0.5", "www.example.com", kT0 + 1));  // client -> internal resolver 10.0.0.53
  JitteredBeacon(obs, "10.0.0.53", "8.8.8.8", 53, "udp");
  JitteredBeacon(obs, "10.0.0.9", "8.8.4.4", 53, "udp");
  auto fs = Analyze(AnalyticsConfig{}, obs);
  const Finding* fwd = Find(fs, FindingKind::kBeacon, "10.0.0.53->8.8.8.8", "2021-06-14");
  const Finding* direct = Find(fs, FindingKind::kBeacon, "10.0.0.9->8.8.4.4", "2021-06-14");
  ASSERT_NE(fwd, nullptr);
  ASSERT_NE(direct, nullptr);
  json d = json::parse(fwd->detail_json);
  EXPECT_EQ(d["destination_class"], "dns-forwarder");
  EXPECT_DOUBLE_EQ(fwd->score, std::round(d["rita_score"].get<double>() * 0.5 * 1000) / 1000);
  EXPECT_FALSE(json::parse(direct->detail_json).contains("destination_class"));
  EXPECT_EQ(direct->score, json::parse(direct->detail_json)["rita_score"].get<double>());
}

TEST(Analyzer, AllowListSuppressesWatchListRaisesCdnLowers) {
  std::vector<Observation> obs;
  for (int i = 0; i < 144; ++i) {
    obs.push_back(Conn("10.0.0.5", "203.0.113.9", kT0 + 600.0 * i));
    obs.push_back(Conn("10.0.0.5", "198.51.100.10", kT0 + 600.0 * i));
    obs.push_back(Conn("10.0.0.5", "192.0.2.33", kT0 + 600.0 * i));
  }
  // A weak, irregular pair that only the watch list brings up.
  for (int i = 0; i < 12; ++i) obs.push_back(Conn("10.0.0.5", "192.0.2.200", kT0 + 100.0 * i * i, 100 * (i + 1)));
  AnalyticsConfig cfg;
  cfg.allow = {"203.0.113.0/24"};
  cfg.cdn_destinations = {"198.51.100.10"};
  cfg.always = {"192.0.2.200"};
  auto fs = Analyze(cfg, obs);
  for (const auto& f : fs) EXPECT_EQ(f.dst.find("203.0.113."), std::string::npos);
  const Finding* cdn = Find(fs, FindingKind::kBeacon, "10.0.0.5->198.51.100.10", "2021-06-14");
  ASSERT_NE(cdn, nullptr);
  EXPECT_EQ(cdn->score, 0.5);
  EXPECT_EQ(json::parse(cdn->detail_json)["destination_class"], "cdn");
  const Finding* plain = Find(fs, FindingKind::kBeacon, "10.0.0.5->192.0.2.33", "2021-06-14");
  ASSERT_NE(plain, nullptr);
  EXPECT_EQ(plain->score, 1.0);
  bool watched = false;
  for (const auto& f : fs)
    if (f.dst == "192.0.2.200" && f.score >= 0.8) watched = true;
  EXPECT_TRUE(watched);
}

Observation Tls(const char* src, const char* dst, double ts, const std::string& sni, const std::string& uid) {
  Observation o;
  o.kind = ObservationKind::kTls;
  o.ts = Timestamp::FromNanos(static_cast<int64_t>(std::llround(ts * 1e9)));
  o.orig_h = *IpAddress::Parse(src);
  o.resp_h = *IpAddress::Parse(dst);
  o.has_endpoints = true;
  o.server_name = sni;
  o.uid = uid;
  o.src.input = &kInput;
  o.src.record = 2;
  return o;
}

TEST(Analyzer, SniPairJoinsConnectionsInEitherOrder) {
  // Two names behind one address; each name beacons on its own cadence.
  std::vector<Observation> conns, names;
  for (int i = 0; i < 48; ++i) {
    const std::string u1 = "A" + std::to_string(i), u2 = "B" + std::to_string(i);
    conns.push_back(Conn("10.0.0.5", "203.0.113.9", kT0 + 1800.0 * i, 800, 1, 443, u1));
    names.push_back(Tls("10.0.0.5", "203.0.113.9", kT0 + 1800.0 * i + 0.05, "c2.example", u1));
    conns.push_back(Conn("10.0.0.5", "203.0.113.9", kT0 + (1000 * i * i % 86000) + 7.0, 5000 + 37 * i, 1, 443, u2));
    names.push_back(Tls("10.0.0.5", "203.0.113.9", kT0 + (1000 * i * i % 86000) + 7.05, "cdn.example", u2));
  }
  std::vector<Observation> a = conns, b = names;
  a.insert(a.end(), names.begin(), names.end());
  b.insert(b.end(), conns.begin(), conns.end());
  AnalyticsConfig cfg;
  cfg.beacon_min_score = 0;
  auto fa = Analyze(cfg, a), fb = Analyze(cfg, b);
  const Finding* ca = Find(fa, FindingKind::kBeacon, "10.0.0.5->c2.example", "2021-06-14");
  const Finding* cb = Find(fb, FindingKind::kBeacon, "10.0.0.5->c2.example", "2021-06-14");
  ASSERT_NE(ca, nullptr);
  ASSERT_NE(cb, nullptr);
  EXPECT_EQ(ca->count, 48u);
  EXPECT_EQ(ca->score, cb->score);
  EXPECT_EQ(ca->detail_json, cb->detail_json);
  EXPECT_EQ(json::parse(ca->detail_json)["ds_score"].get<double>(), 1.0);  // joined to the 800-byte conns
  EXPECT_EQ(ca->score, 1.0);
  const Finding* other = Find(fa, FindingKind::kBeacon, "10.0.0.5->cdn.example", "2021-06-14");
  ASSERT_NE(other, nullptr);
  EXPECT_LT(other->score, ca->score);
}

// A name reached through an internal web proxy, past the exact cap: the proxy pair (internal
// destination) keeps sizes only, which is what sizes the name pair; the name beacons, the proxy pair
// itself is not reported, and its size sketch saw every connection of the days (conn.log first, as
// ingest reads it).
TEST(Analyzer, NameThroughInternalProxyIsSizedBySizesOnlyPair) {
  std::vector<Observation> conns, names;
  for (int i = 0; i < 3 * 1440; ++i) {  // every minute for three days
    const std::string uid = "P" + std::to_string(i);
    const double t = kT0 + 60.0 * i + 3;
    conns.push_back(Conn("10.0.0.5", "10.0.0.9", t, 700, 1, 3128, uid));
    Observation h = Tls("10.0.0.5", "10.0.0.9", t + 0.01, "", uid);
    h.kind = ObservationKind::kHttp;
    h.host = "c2.example";
    names.push_back(h);
  }
  std::vector<Observation> obs = conns;
  obs.insert(obs.end(), names.begin(), names.end());
  AnalyticsConfig cfg;
  Analyzer a(cfg);
  for (const auto& o : obs) ASSERT_TRUE(a.OnObservation(o).ok());
  auto f = a.Finish();
  ASSERT_TRUE(f.ok());
  EXPECT_GE(a.stats().summary_pairs, 2u);  // the proxy pair and the name pair
  const Finding* day = Find(*f, FindingKind::kBeacon, "10.0.0.5->c2.example", "2021-06-15");
  ASSERT_NE(day, nullptr);
  const json d = json::parse(day->detail_json);
  EXPECT_EQ(d["sizes_from"], "address pair 10.0.0.5->10.0.0.9");
  EXPECT_EQ(d["ds_score"].get<double>(), 1.0);  // every size 700: the day's size sketch is exact
  EXPECT_EQ(d["ds_median"].get<double>(), 700.0);
  EXPECT_GE(day->score, 0.9);
  EXPECT_EQ(day->count, 1440u);
  for (const auto& x : *f) EXPECT_EQ(x.key.find("->10.0.0.9"), std::string::npos) << x.key;
}

TEST(Analyzer, MemoryBoundedByPairsNotRecords) {
  // The same 10 pairs over the same 3 days, fed 2,000 and then 20,000 connections a day: past the
  // exact cap every pair is a fixed-size summary, so the state does not grow with records.
  auto run = [](bool rita, int per_day, int n_pairs = 10) {
    AnalyticsConfig cfg;
    cfg.rita_compatible = rita;
    Analyzer a(cfg);
    for (int d = 0; d < 3; ++d) {
      for (int p = 0; p < n_pairs; ++p) {
        const std::string dst = "203.0.113." + std::to_string(p + 1);
        for (int i = 0; i < per_day; ++i)
          EXPECT_TRUE(a.OnObservation(Conn("10.0.0.5", dst.c_str(), kT0 + d * 86400.0 + 86000.0 * i / per_day,
                                           500 + static_cast<uint64_t>(i % 7)))
                          .ok());
      }
    }
    const size_t state = a.StateBytes();
    EXPECT_TRUE(a.Finish().ok());
    return std::make_pair(state, a.stats());
  };
  auto [small, s_small] = run(false, 2000);
  auto [big, s_big] = run(false, 20000);
  EXPECT_EQ(s_small.summary_pairs, 10u);
  EXPECT_EQ(s_big.summary_pairs, 10u);
  EXPECT_EQ(s_big.summarised, 10u * 3 * 20000);
  EXPECT_EQ(s_big.late_records, 0u);
  EXPECT_LE(static_cast<double>(big), 1.05 * static_cast<double>(small));  // 10x the records, same state
  // Per pair (10 more pairs, same records each): a summary of a few KB, not 20 B per record.
  auto [big20, s_big20] = run(false, 20000, 20);
  EXPECT_LT((big20 - big) / 10, 16u * 1024);
  RecordProperty("summary_pair_bytes_3_days", std::to_string((big20 - big) / 10));
  std::printf("state 2,000/day: %zu bytes, 20,000/day: %zu bytes; summary pair, 3 days: %zu bytes\n", small, big,
              (big20 - big) / 10);
  // --rita-compatible keeps every connection (documented): its state follows the records.
  auto [rsmall, r_small] = run(true, 2000);
  auto [rbig, r_big] = run(true, 20000);
  EXPECT_EQ(r_big.samples_stored, 10u * 3 * 20000);
  EXPECT_GT(static_cast<double>(rbig), 5.0 * static_cast<double>(rsmall));
}

// Default-mode summaries against exact samples on the same records (every window reported, so every
// score is compared): a jittered beacon and random traffic, delivered in Zeek's order (by connection
// end, so starts arrive out of order). RITA's score stays within 0.03 (README, "Summaries").
TEST(Analyzer, SummaryScoresMatchExactWithinDocumentedError) {
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> u(0, 1);
  struct Rec {
    double end;
    Observation o;
  };
  std::vector<Rec> recs;
  auto add = [&](const char* dst, double ts, uint64_t bytes, double dur) {
    recs.push_back({ts + dur, Conn("10.0.0.5", dst, ts, bytes, dur)});
  };
  const double span = 3.5 * 86400;  // three full days and half of a fourth
  for (double t = kT0 + 30; t < kT0 + span; t += 60)
    add("203.0.113.1", t + (u(rng) - 0.5) * 10, 400 + static_cast<uint64_t>(u(rng) * 50), u(rng) * 30);
  for (double t = kT0 + 10; t < kT0 + span; t += 300)
    add("203.0.113.2", t + (u(rng) - 0.5) * 240, 900 + static_cast<uint64_t>(u(rng) * 900), u(rng) * 5);
  for (int i = 0; i < 3000; ++i)
    add("203.0.113.3", kT0 + u(rng) * span, 100 + static_cast<uint64_t>(u(rng) * 5000), u(rng) * 60);
  std::sort(recs.begin(), recs.end(), [](const Rec& a, const Rec& b) { return a.end < b.end; });
  std::vector<Observation> obs;
  for (auto& r : recs) obs.push_back(r.o);
  AnalyticsConfig exact;
  exact.beacon_min_score = 0;
  exact.exact_samples_per_pair = 1u << 30;
  AnalyticsConfig summary = exact;
  summary.exact_samples_per_pair = 256;
  const auto fe = Analyze(exact, obs);
  const auto fs = Analyze(summary, obs);
  size_t compared = 0, summarised = 0;
  for (const auto& e : fe) {
    if (e.kind != FindingKind::kBeacon) continue;
    const Finding* s = Find(fs, e.kind, e.key, e.window);
    ASSERT_NE(s, nullptr) << e.key << " " << e.window;
    const json de = json::parse(e.detail_json), ds = json::parse(s->detail_json);
    EXPECT_FALSE(de.contains("summary"));
    summarised += ds.value("summary", false);
    EXPECT_NEAR(de["rita_score"].get<double>(), ds["rita_score"].get<double>(), 0.03) << e.key << " " << e.window;
    EXPECT_EQ(e.count, s->count);
    EXPECT_EQ(e.first_seen, s->first_seen);
    ++compared;
  }
  EXPECT_EQ(compared, 3u * 5);  // 3 pairs x (4 days + multi-day)
  EXPECT_EQ(summarised, compared);
  const Finding* beacon = Find(fs, FindingKind::kBeacon, "10.0.0.5->203.0.113.1", "2021-06-15");
  ASSERT_NE(beacon, nullptr);
  EXPECT_GE(beacon->score, 0.9);
  const Finding* random = Find(fs, FindingKind::kBeacon, "10.0.0.5->203.0.113.3", "2021-06-15");
  ASSERT_NE(random, nullptr);
  EXPECT_LT(random->score, 0.8);
}

// Records far out of order (a whole day delivered after the next): counted as late, no intervals
// from them, the other days unaffected and the late day still counted.
TEST(Analyzer, SummaryCountsLateRecordsHonestly) {
  std::vector<Observation> day1, day2;
  for (int i = 0; i < 1440; ++i) day1.push_back(Conn("10.0.0.5", "203.0.113.1", kT0 + 60.0 * i + 1));
  for (int i = 0; i < 1440; ++i) day2.push_back(Conn("10.0.0.5", "203.0.113.1", kT0 + 86400 + 60.0 * i + 1));
  std::vector<Observation> obs = day2;
  obs.insert(obs.end(), day1.begin(), day1.end());
  AnalyticsConfig cfg;
  Analyzer a(cfg);
  for (const auto& o : obs) ASSERT_TRUE(a.OnObservation(o).ok());
  auto f = a.Finish();
  ASSERT_TRUE(f.ok());
  EXPECT_GT(a.stats().late_records, 1000u);
  const Finding* d2 = Find(*f, FindingKind::kBeacon, "10.0.0.5->203.0.113.1", "2021-06-15");
  ASSERT_NE(d2, nullptr);
  EXPECT_GE(d2->score, 0.99);
  EXPECT_EQ(d2->count, 1440u);
  // The late day has no intervals to score; it is neither invented nor lost from the long-connection
  // and rare-destination counts.
  EXPECT_EQ(Find(*f, FindingKind::kBeacon, "10.0.0.5->203.0.113.1", "2021-06-14"), nullptr);
  for (const auto& x : *f) {
    if (x.kind == FindingKind::kRareDestination) {
      EXPECT_EQ(x.count, 2880u);
    }
  }
}

TEST(AnalyticsConfig, ValidateRejectsBadWeightsAndLists) {
  AnalyticsConfig ok;
  EXPECT_TRUE(ok.Validate().ok());
  AnalyticsConfig w;
  w.weights = {0.3, 0.3, 0.3, 0.3};
  EXPECT_EQ(w.Validate().code(), StatusCode::kInvalidArgument);
  AnalyticsConfig neg;
  neg.weights = {1.5, -0.5, 0, 0};
  EXPECT_FALSE(neg.Validate().ok());
  AnalyticsConfig list;
  list.allow = {"10.0.0.0/99"};
  EXPECT_FALSE(list.Validate().ok());
  AnalyticsConfig u;
  u.unique_connection_threshold = 3;
  EXPECT_FALSE(u.Validate().ok());
  AnalyticsConfig z;
  z.dynamic_dns_zones = {""};
  EXPECT_FALSE(z.Validate().ok());
}

TEST(Names, ParentDomainHandlesPublicSecondLevels) {
  EXPECT_EQ(ParentDomain("a.b.Example.COM."), "example.com");
  EXPECT_EQ(ParentDomain("x.y.example.co.uk"), "example.co.uk");
  EXPECT_EQ(ParentDomain("example.co.uk"), "example.co.uk");
  EXPECT_EQ(ParentDomain("co.uk"), "co.uk");
  EXPECT_EQ(ParentDomain("a.b.example.com.au"), "example.com.au");
  EXPECT_EQ(ParentDomain("a.co.example"), "co.example");  // .example is not a ccTLD
  EXPECT_EQ(ParentDomain("localhost"), "localhost");
  EXPECT_EQ(ParentDomain(""), "");
  EXPECT_EQ(ParentDomain("..."), "");
  EXPECT_TRUE(NameUnder("a.camdvr.org", "camdvr.org"));
  EXPECT_TRUE(NameUnder("camdvr.org", "camdvr.org"));
  EXPECT_FALSE(NameUnder("xcamdvr.org", "camdvr.org"));
}

TEST(Analyzer, ToFindingRowMapsEverything) {
  Finding f;
  f.kind = FindingKind::kRareDestination;
  f.key = "10.0.0.5->203.0.113.9";
  f.window = "2021-06-14";
  f.score = 0.42;
  f.severity = "low";
  f.src = *IpAddress::Parse("10.0.0.5");
  f.dst = "203.0.113.9";
  f.site = "S";
  f.segment = "it";
  f.first_seen = Timestamp::FromSeconds(kT0);
  f.last_seen = Timestamp::FromSeconds(kT0 + 1);
  f.count = 7;
  f.techniques = {"T1071"};
  f.detail_json = R"({"share":0.01})";
  f.provenance = {{&kInput, 12, false}, {nullptr, 3, true}};
  f.provenance_total = 7;
  auto row = ToFindingRow(f, [](const ingest::InputInfo& i) { return i.path == "conn.log" ? 5 : 0; });
  EXPECT_EQ(row.kind, "rare-destination");
  EXPECT_EQ(row.window, "2021-06-14");
  EXPECT_EQ(row.first_seen, "2021-06-14T00:00:00.000000Z");
  EXPECT_EQ(row.techniques_json, R"(["T1071"])");
  EXPECT_EQ(json::parse(row.detail_json)["provenance_total"], 7);
  EXPECT_EQ(json::parse(row.detail_json)["share"], 0.01);
  ASSERT_EQ(row.provenance.size(), 2u);
  EXPECT_EQ(row.provenance[0].input_id, 5);
  EXPECT_EQ(row.provenance[0].record, 12);
  EXPECT_EQ(row.provenance[0].record_type, "line");
  EXPECT_EQ(row.provenance[1].input_id, 0);
  EXPECT_EQ(row.provenance[1].record_type, "packet");
  FindingKind k;
  EXPECT_TRUE(ParseFindingKind("exfil-upload", k));
  EXPECT_EQ(k, FindingKind::kExfilUpload);
  EXPECT_FALSE(ParseFindingKind("nope", k));
}

TEST(Analyzer, HostileInputIsHarmless) {
  std::vector<Observation> obs;
  Observation o = Conn("10.0.0.5", "203.0.113.9", kT0);
  o.duration = std::nan("");
  obs.push_back(o);
  o = Conn("10.0.0.5", "203.0.113.9", -1e9);  // before 1970
  obs.push_back(o);
  o = Conn("10.0.0.5", "203.0.113.9", 4e9);  // after 2096
  o.orig_ip_bytes = UINT64_MAX;
  obs.push_back(o);
  o.has_endpoints = false;
  obs.push_back(o);
  obs.push_back(Dns("10.0.0.5", std::string(300, '.'), kT0));
  obs.push_back(Tls("10.0.0.5", "203.0.113.9", kT0, "203.0.113.9", "u"));  // address literal as SNI
  Observation h = Tls("10.0.0.5", "203.0.113.9", kT0, "", "u");
  h.kind = ObservationKind::kHttp;
  h.host = "EVIL.example:8080";
  obs.push_back(h);
  auto fs = Analyze(AnalyticsConfig{}, obs);
  for (const auto& f : fs) EXPECT_NE(f.kind, FindingKind::kBeacon);
  Analyzer empty{AnalyticsConfig{}};
  auto none = empty.Finish();
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

}  // namespace
}  // namespace onus::analytics
