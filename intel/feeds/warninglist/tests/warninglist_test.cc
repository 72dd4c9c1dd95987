#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "onus/intel/warninglist.h"

namespace onus::intel {
namespace {

const std::string kShared = std::string(ONUS_SHARED_DIR) + "/data/";

std::set<std::string> Names(const std::vector<WarningListHit>& hits) {
  std::set<std::string> s;
  for (const auto& h : hits) s.insert(h.list->id + ":" + std::string(InfraKindName(h.list->kind)));
  return s;
}

class WarningListDir : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("onus_wl_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_ / "cdn-a");
    std::filesystem::create_directories(dir_ / "dyn");
    std::filesystem::create_directories(dir_ / "hashes");
    std::filesystem::create_directories(dir_ / "wide");
    Write("cdn-a", R"j({"name":"Example CDN ranges","type":"cidr","list":["10.0.0.0/8","10.1.0.0/16","2001:db8::/32","bad/99"]})j");
    Write("dyn", R"j({"name":"List of known dynamic DNS domains","type":"hostname","list":[".dyn.example","*.ddns.example","exact.example."]})j");
    Write("hashes", R"j({"name":"hashes","type":"string","list":["D41D8CD98F00B204E9800998ECF8427E"]})j");
    Write("wide", R"j({"name":"everything v4 (scanner test)","type":"cidr","list":["0.0.0.0/0","255.255.255.255/32","::/0"]})j");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(const std::string& sub, const std::string& text) { std::ofstream(dir_ / sub / "list.json") << text; }
  std::filesystem::path dir_;
};

TEST_F(WarningListDir, CidrHostnameAndStringLookups) {
  auto set = WarningListSet::Load(dir_.string());
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(set->lists().size(), 4u);
  EXPECT_EQ(set->unsupported_entries(), 1u);
  EXPECT_EQ(Names(set->Lookup("10.1.2.3")), (std::set<std::string>{"cdn-a:cdn", "wide:scanner"}));
  EXPECT_EQ(Names(set->Lookup("11.0.0.1")), (std::set<std::string>{"wide:scanner"}));
  EXPECT_EQ(Names(set->Lookup("255.255.255.255")), (std::set<std::string>{"wide:scanner"}));
  EXPECT_EQ(Names(set->Lookup("2001:db8::5")), (std::set<std::string>{"cdn-a:cdn", "wide:scanner"}));
  auto host = set->LookupHost("Cam01.DYN.example.");
  ASSERT_EQ(host.size(), 1u);
  EXPECT_EQ(host[0].matched, "dyn.example");
  EXPECT_EQ(host[0].list->kind, InfraKind::kDynamicDns);
  EXPECT_EQ(set->LookupHost("a.b.ddns.example").size(), 1u);
  EXPECT_EQ(set->LookupHost("exact.example").size(), 1u);
  EXPECT_TRUE(set->LookupHost("notdyn.example").empty());  // labels, not substrings
  EXPECT_TRUE(set->LookupHost("xdyn.example").empty());
  EXPECT_EQ(set->Lookup("d41d8cd98f00b204e9800998ecf8427e").size(), 1u);
  EXPECT_TRUE(set->Lookup("").empty());
}

TEST(WarningListSet, Errors) {
  EXPECT_EQ(WarningListSet::Load("/nonexistent/wl").status().code(), StatusCode::kNotFound);
  auto tmp = std::filesystem::temp_directory_path() / ("onus_wl_bad_" + std::to_string(::getpid()) + ".json");
  std::ofstream(tmp) << "{\"name\":\"x\",\"list\":";
  EXPECT_EQ(WarningListSet::Load(tmp.string()).status().code(), StatusCode::kCorrupt);
  std::filesystem::remove(tmp);
}

TEST(WarningListSet, SharedListsGiveTheExpectedKinds) {
  std::string dir = kShared + "warninglists";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "no shared data";
  auto set = WarningListSet::Load(dir);
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(set->lists().size(), 24u);
  auto has = [&](std::string_view value, std::string_view list, InfraKind kind) {
    for (const auto& h : set->Lookup(value))
      if (h.list->id == list && h.list->kind == kind) return true;
    return false;
  };
  EXPECT_TRUE(has("104.16.1.1", "cloudflare", InfraKind::kCdn));
  EXPECT_TRUE(has("8.8.8.8", "public-dns-v4", InfraKind::kPublicDns));
  EXPECT_TRUE(has("x.duckdns.org", "dynamic-dns", InfraKind::kDynamicDns));
  EXPECT_TRUE(has("162.142.125.221", "censys-scanning", InfraKind::kScanner));
  EXPECT_TRUE(has("104.155.11.149", "sinkholes", InfraKind::kSinkhole));
  EXPECT_TRUE(has("ns1.bodis.com", "parking-domain-ns", InfraKind::kParked));
  EXPECT_TRUE(has("10.20.0.5", "rfc1918", InfraKind::kOther));
  EXPECT_TRUE(has("1.178.1.7", "amazon-aws", InfraKind::kCloud));
  EXPECT_TRUE(set->LookupHost("dntc.livehost.live").empty());
}

}  // namespace
}  // namespace onus::intel
