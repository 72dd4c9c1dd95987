#include "onus/match/indicator_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace onus::match {
namespace {

IpAddress Ip(const char* s) { return IpAddress::Parse(s).value(); }

IndicatorSpec Spec(std::string id, std::vector<ValueSpec> values) {
  IndicatorSpec s;
  s.id = std::move(id);
  s.source = "test-feed";
  s.grade = "B2";
  s.values = std::move(values);
  return s;
}

ValueSpec V(ValueType t, std::string v, DomainScope scope = DomainScope::kExact) {
  ValueSpec s;
  s.type = t;
  s.value = std::move(v);
  s.scope = scope;
  return s;
}

std::shared_ptr<const IndicatorIndex> BuildOrDie(IndicatorIndex::Builder& b) {
  auto r = b.Build();
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return std::move(r).value();
}

std::vector<std::string> Ids(const IndicatorIndex& idx, std::span<const uint32_t> entries) {
  std::vector<std::string> out;
  for (uint32_t e : entries) out.emplace_back(idx.indicator_id(idx.entry(e).indicator));
  return out;
}

std::vector<std::string> AddrIds(const IndicatorIndex& idx, const char* ip) {
  std::vector<std::string> out;
  idx.ForEachAddrMatch(Ip(ip), [&](uint32_t e) { out.emplace_back(idx.indicator_id(idx.entry(e).indicator)); });
  return out;
}

std::vector<std::string> DomainIds(const IndicatorIndex& idx, std::string_view name) {
  MatchScratch scratch;
  std::vector<std::string> out;
  idx.ForEachDomainMatch(name, scratch, [&](uint32_t e) { out.emplace_back(idx.indicator_id(idx.entry(e).indicator)); });
  std::sort(out.begin(), out.end());
  return out;
}

TEST(IndicatorIndexTest, ExactAddressesBothFamilies) {
  IndicatorIndex::Builder b;
  b.Add(Spec("i1", {V(ValueType::kAddr, "198.51.100.7")}));
  b.Add(Spec("i2", {V(ValueType::kAddr, "2001:db8::1")}));
  b.Add(Spec("i3", {V(ValueType::kAddr, "198.51.100.7")}));  // a second indicator, same value
  auto idx = BuildOrDie(b);
  EXPECT_EQ(AddrIds(*idx, "198.51.100.7"), (std::vector<std::string>{"i1", "i3"}));
  EXPECT_EQ(AddrIds(*idx, "2001:db8::1"), (std::vector<std::string>{"i2"}));
  EXPECT_TRUE(AddrIds(*idx, "198.51.100.8").empty());
  EXPECT_TRUE(AddrIds(*idx, "2001:db8::2").empty());
  // The v4-mapped IPv6 spelling is the same host.
  EXPECT_EQ(AddrIds(*idx, "::ffff:198.51.100.7").size(), 2u);
  EXPECT_EQ(idx->entry_value(idx->LookupAddrExact(Ip("198.51.100.7"))[0]), "198.51.100.7");
  EXPECT_FALSE(idx->has_subnets());
}

// The key filters in front of the exact tables never hide a present key (no false negatives), at a
// size where the filter is much smaller than the table, and absent keys stay absent.
TEST(IndicatorIndexTest, KeyFiltersNeverHideAPresentKey) {
  std::mt19937 rng(99);
  IndicatorIndex::Builder b;
  std::set<uint32_t> v4;
  std::vector<std::string> names, digests;
  while (v4.size() < 60000) v4.insert(static_cast<uint32_t>(rng()));
  uint32_t n = 0;
  for (uint32_t a : v4) b.Add(Spec("a" + std::to_string(n++), {V(ValueType::kAddr, IpAddress::FromV4(a).ToString())}));
  for (int i = 0; i < 20000; ++i) {
    names.push_back("h" + std::to_string(rng()) + ".example" + std::to_string(i % 97) + ".net");
    b.Add(Spec("d" + std::to_string(i), {V(ValueType::kDomain, names.back())}));
    std::string hex;
    for (int k = 0; k < 8; ++k) {
      char part[9];
      std::snprintf(part, sizeof(part), "%08x", static_cast<unsigned>(rng()));
      hex += part;
    }
    digests.push_back(hex);
    b.Add(Spec("h" + std::to_string(i), {V(ValueType::kSha256, hex)}));
  }
  auto idx = BuildOrDie(b);
  for (uint32_t a : v4) ASSERT_EQ(idx->LookupAddrExact(IpAddress::FromV4(a)).size(), 1u) << a;
  MatchScratch scratch;
  for (size_t i = 0; i < names.size(); ++i)
    ASSERT_EQ(DomainIds(*idx, names[i]), (std::vector<std::string>{"d" + std::to_string(i)})) << names[i];
  for (const auto& h : digests) ASSERT_EQ(idx->LookupValue(ValueType::kSha256, h, scratch).size(), 1u) << h;
  size_t absent_hits = 0;
  for (int i = 0; i < 100000; ++i) {
    uint32_t a = static_cast<uint32_t>(rng());
    if (!v4.count(a)) absent_hits += idx->LookupAddrExact(IpAddress::FromV4(a)).size();
  }
  EXPECT_EQ(absent_hits, 0u);
  EXPECT_TRUE(DomainIds(*idx, "absent.example1.net").empty());
}

TEST(IndicatorIndexTest, CidrsNestedReturnLongestFirst) {
  IndicatorIndex::Builder b;
  b.Add(Spec("wide", {V(ValueType::kAddr, "10.0.0.0/8")}));
  b.Add(Spec("mid", {V(ValueType::kAddr, "10.1.0.0/16")}));
  b.Add(Spec("narrow", {V(ValueType::kAddr, "10.1.2.0/24")}));
  b.Add(Spec("other", {V(ValueType::kAddr, "192.0.2.0/25")}));
  b.Add(Spec("host", {V(ValueType::kAddr, "10.1.2.3")}));
  b.Add(Spec("v6", {V(ValueType::kAddr, "2001:db8::/32")}));
  b.Add(Spec("all6", {V(ValueType::kAddr, "::/0")}));
  auto idx = BuildOrDie(b);
  EXPECT_EQ(AddrIds(*idx, "10.1.2.3"), (std::vector<std::string>{"host", "narrow", "mid", "wide"}));
  EXPECT_EQ(AddrIds(*idx, "10.1.2.4"), (std::vector<std::string>{"narrow", "mid", "wide"}));
  EXPECT_EQ(AddrIds(*idx, "10.1.3.0"), (std::vector<std::string>{"mid", "wide"}));
  EXPECT_EQ(AddrIds(*idx, "10.1.255.255"), (std::vector<std::string>{"mid", "wide"}));
  EXPECT_EQ(AddrIds(*idx, "10.2.0.0"), (std::vector<std::string>{"wide"}));
  EXPECT_EQ(AddrIds(*idx, "10.255.255.255"), (std::vector<std::string>{"wide"}));
  EXPECT_TRUE(AddrIds(*idx, "11.0.0.0").empty());
  EXPECT_TRUE(AddrIds(*idx, "9.255.255.255").empty());
  EXPECT_EQ(AddrIds(*idx, "192.0.2.127"), (std::vector<std::string>{"other"}));
  EXPECT_TRUE(AddrIds(*idx, "192.0.2.128").empty());
  EXPECT_EQ(AddrIds(*idx, "2001:db8:ffff::1"), (std::vector<std::string>{"v6", "all6"}));
  EXPECT_EQ(AddrIds(*idx, "2001:db9::1"), (std::vector<std::string>{"all6"}));
  EXPECT_EQ(AddrIds(*idx, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), (std::vector<std::string>{"all6"}));
  // IPv4 addresses are not inside IPv6 prefixes shorter than the mapped space.
  EXPECT_TRUE(AddrIds(*idx, "8.8.8.8").empty());
  auto subnets = idx->LookupAddrSubnets(Ip("10.1.2.9"));
  ASSERT_EQ(subnets.size(), 3u);
  EXPECT_EQ(idx->entry_value(subnets[0]), "10.1.2.0/24");
  EXPECT_TRUE(idx->entry(subnets[0]).is_subnet);
}

TEST(IndicatorIndexTest, CidrEdgesOfTheAddressSpace) {
  IndicatorIndex::Builder b;
  b.Add(Spec("all4", {V(ValueType::kAddr, "0.0.0.0/0")}));
  b.Add(Spec("top", {V(ValueType::kAddr, "255.255.255.0/24")}));
  b.Add(Spec("dup-a", {V(ValueType::kAddr, "172.16.0.0/12")}));
  b.Add(Spec("dup-b", {V(ValueType::kAddr, "172.16.5.5/12")}));  // normalised to the same network
  auto idx = BuildOrDie(b);
  EXPECT_EQ(AddrIds(*idx, "0.0.0.0"), (std::vector<std::string>{"all4"}));
  EXPECT_EQ(AddrIds(*idx, "255.255.255.255"), (std::vector<std::string>{"top", "all4"}));
  auto both = AddrIds(*idx, "172.31.255.255");
  EXPECT_EQ(both, (std::vector<std::string>{"dup-a", "dup-b", "all4"}));
  EXPECT_EQ(AddrIds(*idx, "172.32.0.0"), (std::vector<std::string>{"all4"}));
}

// Differential test: the range sweep agrees with a brute-force scan over random nested prefixes.
TEST(IndicatorIndexTest, CidrSweepMatchesBruteForce) {
  std::mt19937 rng(12345);
  std::vector<Cidr> cidrs;
  IndicatorIndex::Builder b;
  for (int i = 0; i < 400; ++i) {
    uint32_t base = (rng() & 0x0FFFFFFF) | 0x0A000000;  // cluster inside 10/8 and nearby for nesting
    int len = 8 + static_cast<int>(rng() % 25);
    Cidr c(IpAddress::FromV4(base), len);
    cidrs.push_back(c);
    b.Add(Spec("c" + std::to_string(i), {V(ValueType::kAddr, c.ToString())}));
  }
  auto idx = BuildOrDie(b);
  for (int probe = 0; probe < 20000; ++probe) {
    uint32_t a = (rng() & 0x0FFFFFFF) | 0x0A000000;
    if (probe % 2) a = rng();
    IpAddress ip = IpAddress::FromV4(a);
    std::set<std::string> want;
    for (size_t i = 0; i < cidrs.size(); ++i)
      if (cidrs[i].Contains(ip)) want.insert("c" + std::to_string(i));
    std::vector<std::string> got_v;
    idx->ForEachAddrMatch(ip, [&](uint32_t e) { got_v.emplace_back(idx->indicator_id(idx->entry(e).indicator)); });
    std::set<std::string> got(got_v.begin(), got_v.end());
    ASSERT_EQ(got.size(), got_v.size()) << "duplicate entries for " << ip.ToString();
    ASSERT_EQ(got, want) << ip.ToString();
    // Longest prefix first.
    for (size_t k = 1; k < got_v.size(); ++k) {
      int a_len = cidrs[std::stoul(got_v[k - 1].substr(1))].prefix_len();
      int b_len = cidrs[std::stoul(got_v[k].substr(1))].prefix_len();
      ASSERT_GE(a_len, b_len);
    }
  }
}

TEST(IndicatorIndexTest, DomainsExactZoneAndSubdomainsOnly) {
  IndicatorIndex::Builder b;
  b.Add(Spec("exact", {V(ValueType::kDomain, "Evil.Example.COM.")}));
  b.Add(Spec("zone", {V(ValueType::kDomain, "camdvr.org", DomainScope::kZone)}));
  b.Add(Spec("below", {V(ValueType::kDomain, "livehost.live", DomainScope::kSubdomainsOnly)}));
  b.Add(Spec("star", {V(ValueType::kDomain, "*.club")}));  // leading "*." asks for names below
  auto idx = BuildOrDie(b);
  EXPECT_EQ(DomainIds(*idx, "evil.example.com"), (std::vector<std::string>{"exact"}));
  EXPECT_EQ(DomainIds(*idx, "EVIL.EXAMPLE.COM."), (std::vector<std::string>{"exact"}));
  EXPECT_TRUE(DomainIds(*idx, "a.evil.example.com").empty());  // exact does not match below
  EXPECT_TRUE(DomainIds(*idx, "example.com").empty());
  EXPECT_EQ(DomainIds(*idx, "camdvr.org"), (std::vector<std::string>{"zone"}));
  EXPECT_EQ(DomainIds(*idx, "gridist-gate-cam01.camdvr.org"), (std::vector<std::string>{"zone"}));
  EXPECT_EQ(DomainIds(*idx, "a.b.c.CAMDVR.org"), (std::vector<std::string>{"zone"}));
  EXPECT_TRUE(DomainIds(*idx, "notcamdvr.org").empty());  // labels, not substrings
  EXPECT_TRUE(DomainIds(*idx, "camdvr.org.evil.net").empty());
  EXPECT_TRUE(DomainIds(*idx, "livehost.live").empty());
  EXPECT_EQ(DomainIds(*idx, "dntc.livehost.live"), (std::vector<std::string>{"below"}));
  EXPECT_TRUE(DomainIds(*idx, "club").empty());
  EXPECT_EQ(DomainIds(*idx, "snoc.hostingupdate.club"), (std::vector<std::string>{"star"}));
  MatchScratch scratch;
  int calls = 0;
  EXPECT_FALSE(idx->ForEachDomainMatch("a..b", scratch, [&](uint32_t) { ++calls; }));
  EXPECT_FALSE(idx->ForEachDomainMatch("", scratch, [&](uint32_t) { ++calls; }));
  EXPECT_FALSE(idx->ForEachDomainMatch(std::string(300, 'a'), scratch, [&](uint32_t) { ++calls; }));
  EXPECT_EQ(calls, 0);
}

TEST(IndicatorIndexTest, HashesFingerprintsAndTextTypes) {
  IndicatorIndex::Builder b;
  b.Add(Spec("md5", {V(ValueType::kMd5, "D41D8CD98F00B204E9800998ECF8427E")}));
  b.Add(Spec("sha1", {V(ValueType::kSha1, "da39a3ee5e6b4b0d3255bfef95601890afd80709")}));
  b.Add(Spec("sha256", {V(ValueType::kSha256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")}));
  b.Add(Spec("cert", {V(ValueType::kCertSha1, "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01")}));
  b.Add(Spec("serial", {V(ValueType::kCertSerial, "00:0A:1b")}));
  b.Add(Spec("ja3", {V(ValueType::kJa3, "e7d705a3286e19ea42f587b344ee6865")}));
  b.Add(Spec("ja3s", {V(ValueType::kJa3s, "e7d705a3286e19ea42f587b344ee6865")}));
  b.Add(Spec("ja4", {V(ValueType::kJa4, "T13D1516H2_8daaf6152771_b186095e22b6")}));
  b.Add(Spec("mail", {V(ValueType::kEmail, "mailto:Boss@Example.com")}));
  b.Add(Spec("url", {V(ValueType::kUrl, "hxxp://Evil[.]Example.com:80/a%7Eb/%2f?q=1#frag")}));
  auto idx = BuildOrDie(b);
  MatchScratch s;
  EXPECT_EQ(Ids(*idx, idx->LookupValue(ValueType::kMd5, "d41d8cd98f00b204e9800998ecf8427e", s)),
            (std::vector<std::string>{"md5"}));
  EXPECT_TRUE(idx->LookupValue(ValueType::kSha1, "d41d8cd98f00b204e9800998ecf8427e", s).empty());
  EXPECT_EQ(Ids(*idx, idx->LookupValue(ValueType::kSha1, "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709", s)),
            (std::vector<std::string>{"sha1"}));
  EXPECT_EQ(Ids(*idx, idx->LookupValue(ValueType::kSha256,
                                       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", s)),
            (std::vector<std::string>{"sha256"}));
  EXPECT_EQ(Ids(*idx, idx->LookupValue(ValueType::kCertSha1, "abcdef0123456789abcdef0123456789abcdef01", s)),
            (std::vector<std::string>{"cert"}));
  EXPECT_EQ(Ids(*idx, idx->LookupValue(ValueType::kCertSerial, "A1B", s)), (std::vector<std::string>{"serial"}));
  EXPECT_EQ(Ids(*idx, idx->LookupValue(ValueType::kJa3, "E7D705A3286E19EA42F587B344EE6865", s)),
            (std::vector<std::string>{"ja3"}));
  EXPECT_EQ(Ids(*idx, idx->LookupValue(ValueType::kJa3s, "e7d705a3286e19ea42f587b344ee6865", s)),
            (std::vector<std::string>{"ja3s"}));
  EXPECT_EQ(Ids(*idx, idx->LookupValue(ValueType::kJa4, "t13d1516h2_8daaf6152771_b186095e22b6", s)),
            (std::vector<std::string>{"ja4"}));
  EXPECT_EQ(Ids(*idx, idx->LookupValue(ValueType::kEmail, "boss@example.com", s)), (std::vector<std::string>{"mail"}));
  EXPECT_EQ(Ids(*idx, idx->LookupValue(ValueType::kUrl, "http://evil.example.com/a~b/%2F?q=1", s)),
            (std::vector<std::string>{"url"}));
  EXPECT_TRUE(idx->LookupValue(ValueType::kUrl, "http://evil.example.com/a~b/%2F?q=2", s).empty());
  EXPECT_TRUE(idx->LookupValue(ValueType::kMd5, "not hex", s).empty());
  EXPECT_EQ(idx->entry_value(idx->LookupValue(ValueType::kCertSha1, "abcdef0123456789abcdef0123456789abcdef01", s)[0]),
            "abcdef0123456789abcdef0123456789abcdef01");
  EXPECT_EQ(idx->count(ValueType::kUrl), 1u);
  EXPECT_EQ(idx->rejected(), 0u);
}

TEST(IndicatorIndexTest, RejectsMalformedValuesAndSaysWhy) {
  IndicatorIndex::Builder b;
  b.Add(Spec("bad", {V(ValueType::kAddr, "300.1.1.1"), V(ValueType::kDomain, "a..b"),
                     V(ValueType::kMd5, "abc"), V(ValueType::kSha256, std::string(64, 'g')),
                     V(ValueType::kUrl, "http://"), V(ValueType::kEmail, "nobody"),
                     V(ValueType::kDomain, std::string("a\0b", 3)), V(ValueType::kAddr, "10.0.0.0/33")}));
  b.Add(Spec("good", {V(ValueType::kAddr, "1.2.3.4")}));
  auto idx = BuildOrDie(b);
  EXPECT_EQ(idx->rejected(), 8u);
  ASSERT_FALSE(idx->rejected_samples().empty());
  EXPECT_NE(idx->rejected_samples()[0].find("300.1.1.1"), std::string::npos);
  EXPECT_EQ(AddrIds(*idx, "1.2.3.4"), (std::vector<std::string>{"good"}));
  EXPECT_EQ(idx->entry_count(), 1u);
}

TEST(IndicatorIndexTest, ValidityWindowAndRevocation) {
  IndicatorIndex::Builder b;
  IndicatorSpec s = Spec("windowed", {V(ValueType::kAddr, "1.1.1.1")});
  s.has_valid_from = s.has_valid_until = true;
  s.valid_from = ParseRfc3339("2021-06-01T00:00:00Z").value();
  s.valid_until = ParseRfc3339("2021-07-01T00:00:00Z").value();
  uint32_t w = b.Add(s);
  IndicatorSpec r = Spec("revoked", {V(ValueType::kAddr, "1.1.1.1")});
  r.revoked = true;
  uint32_t rv = b.Add(r);
  uint32_t open = b.Add(Spec("open", {V(ValueType::kAddr, "1.1.1.1")}));
  auto idx = BuildOrDie(b);
  auto t = [](const char* s) { return ParseRfc3339(s).value(); };
  EXPECT_FALSE(idx->ValidAt(w, t("2021-05-31T23:59:59Z")));
  EXPECT_TRUE(idx->ValidAt(w, t("2021-06-01T00:00:00Z")));
  EXPECT_TRUE(idx->ValidAt(w, t("2021-06-30T23:59:59Z")));
  EXPECT_FALSE(idx->ValidAt(w, t("2021-07-01T00:00:00Z")));
  EXPECT_FALSE(idx->ValidAt(rv, t("2021-06-15T00:00:00Z")));
  EXPECT_TRUE(idx->ValidAt(open, t("1999-01-01T00:00:00Z")));
}

TEST(IndicatorIndexTest, SharedAcrossThreads) {
  IndicatorIndex::Builder b;
  for (int i = 0; i < 5000; ++i) {
    b.Add(Spec("ip" + std::to_string(i), {V(ValueType::kAddr, IpAddress::FromV4(0x0A000000u + i * 7).ToString())}));
    b.Add(Spec("d" + std::to_string(i), {V(ValueType::kDomain, "host" + std::to_string(i) + ".example.net")}));
  }
  auto idx = BuildOrDie(b);
  std::vector<std::thread> threads;
  std::vector<int> hits(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      MatchScratch scratch;
      for (int i = 0; i < 5000; ++i) {
        idx->ForEachAddrMatch(IpAddress::FromV4(0x0A000000u + i * 7), [&](uint32_t) { ++hits[t]; });
        idx->ForEachDomainMatch("HOST" + std::to_string(i) + ".example.net", scratch, [&](uint32_t) { ++hits[t]; });
        idx->ForEachAddrMatch(IpAddress::FromV4(0x0A000000u + i * 7 + 1), [&](uint32_t) { ++hits[t]; });
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int h : hits) EXPECT_EQ(h, 10000);
}

// Many indicators: the arena spans several chunks; every id, source, grade and validity reads back.
TEST(IndicatorIndexTest, MetadataReadsBackAcrossArenaChunks) {
  IndicatorIndex::Builder b;
  const int n = 60000;
  for (int i = 0; i < n; ++i) {
    IndicatorSpec s = Spec("indicator--" + std::to_string(i) + "-" + std::string(20, 'x'),
                           {V(ValueType::kDomain, "n" + std::to_string(i) + ".example.com")});
    s.source = "identity--" + std::to_string(i % 7);
    s.grade = i % 2 ? "B2" : "F6";
    s.confidence = i % 101;
    s.revoked = i % 5 == 0;
    s.has_valid_from = i % 3 == 0;
    s.valid_from = Timestamp::FromSeconds(i);
    b.Add(s);
  }
  auto idx = BuildOrDie(b);
  MatchScratch scratch;
  for (int i = 0; i < n; i += 7) {
    std::vector<uint32_t> hits;
    idx->ForEachDomainMatch("n" + std::to_string(i) + ".example.com", scratch, [&](uint32_t e) { hits.push_back(e); });
    ASSERT_EQ(hits.size(), 1u) << i;
    uint32_t ord = idx->entry(hits[0]).indicator;
    ASSERT_EQ(idx->indicator_id(ord), "indicator--" + std::to_string(i) + "-" + std::string(20, 'x'));
    ASSERT_EQ(idx->indicator_source(ord), "identity--" + std::to_string(i % 7));
    ASSERT_EQ(idx->indicator_grade(ord), i % 2 ? "B2" : "F6");
    ASSERT_EQ(idx->indicator_confidence(ord), i % 101);
    ASSERT_EQ(idx->indicator_revoked(ord), i % 5 == 0);
    ASSERT_EQ(idx->indicator(ord).has_valid_from(), i % 3 == 0);
    ASSERT_EQ(idx->entry_value(hits[0]), "n" + std::to_string(i) + ".example.com");
  }
}

TEST(IndicatorIndexTest, EmptyIndexMatchesNothing) {
  IndicatorIndex::Builder b;
  auto idx = BuildOrDie(b);
  MatchScratch s;
  EXPECT_TRUE(AddrIds(*idx, "1.2.3.4").empty());
  EXPECT_TRUE(DomainIds(*idx, "example.com").empty());
  EXPECT_TRUE(idx->LookupValue(ValueType::kMd5, "d41d8cd98f00b204e9800998ecf8427e", s).empty());
  EXPECT_EQ(idx->indicator_count(), 0u);
}

}  // namespace
}  // namespace onus::match
