#include <gtest/gtest.h>

#include <map>

#include "feed.h"
#include "onus/intel/intel.h"

namespace onus::intel {
namespace {

const std::string kData = std::string(ONUS_SOURCE_DIR) + "/tests/data/intel/";

TEST(ZeekIntelFeed, TypesSourcesAndSkips) {
  auto fmt = DetectFormat(kData + "intel.zeek.dat");
  ASSERT_TRUE(fmt.ok()) << fmt.status().ToString();
  EXPECT_EQ(*fmt, "zeek-intel");
  auto r = LoadIntel(kData + "intel.zeek.dat");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::map<int64_t, IndicatorValue> by_line;
  std::map<int64_t, std::string> src_of;
  for (const auto& i : r->indicators) {
    by_line[i.line] = i.values.at(0);
    src_of[i.line] = i.source_id;
  }
  EXPECT_EQ(r->records, 10);
  EXPECT_EQ(r->indicators.size(), 8u);
  EXPECT_EQ(r->skipped_count, 2);
  EXPECT_EQ(by_line[3], (IndicatorValue{std::string(kIpv4), "198.51.100.50"}));
  EXPECT_EQ(by_line[4], (IndicatorValue{std::string(kIpv4), "203.0.113.0/24"}));
  EXPECT_EQ(by_line[5], (IndicatorValue{std::string(kDomain), "zeek.example.com"}));
  EXPECT_EQ(by_line[6], (IndicatorValue{std::string(kUrl), "http://zeek.example.com/evil.php"}));
  EXPECT_EQ(by_line[7].type, kMd5);
  EXPECT_EQ(by_line[8].type, kX509Sha1);
  EXPECT_EQ(by_line[9].type, kEmail);
  EXPECT_EQ(by_line[12].type, kJa3);
  EXPECT_NE(src_of[3], src_of[5]);  // meta.source names the source per line
  EXPECT_EQ(r->sources.size(), 3u);  // the file default + zeek-feed + other-feed
  bool user = false, addr = false;
  for (const auto& s : r->skipped) {
    user |= s.line == 10 && s.reason.find("USER_NAME") != std::string::npos;
    addr |= s.line == 11 && s.reason.find("not-an-ip") != std::string::npos;
  }
  EXPECT_TRUE(user);
  EXPECT_TRUE(addr);
}

TEST(ZeekIntelFeed, HostileLines) {
  IntelBundle b;
  detail::CollectingSink sink(&b, 10);
  std::string text = "1.2.3.4\tIntel::ADDR\n#fields\tindicator\tindicator_type\n\t\t\t\n-\t-\n1.2.3.4\n1.2.3.4\tIntel::ADDR\textra\tcols\n"
                     "#fields\tno\tgood\n1.2.3.4\tIntel::ADDR\n";
  ASSERT_TRUE(detail::LoadZeekIntelText(text, {"mem", "zeek-intel"}, {}, sink).ok());
  EXPECT_EQ(b.indicators.size(), 1u);
  EXPECT_EQ(b.skipped_count, 5);
}

}  // namespace
}  // namespace onus::intel
