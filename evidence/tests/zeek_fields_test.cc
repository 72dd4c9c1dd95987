#include "zeek_fields.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "onus/core/file.h"

namespace onus::evidence::detail {
namespace {

std::string Tmp(const std::string& name, const std::string& content) {
  auto dir = std::filesystem::path(ONUS_BINARY_DIR) / "evidence_test_tmp";
  std::filesystem::create_directories(dir);
  std::string p = (dir / name).string();
  EXPECT_TRUE(WriteFile(p, content).ok());
  return p;
}

TEST(ZeekFields, ReadsTsvByHeaderAndCountsLines) {
  std::string p = Tmp("ssl.log",
                      "#separator \\x09\n#fields\tts\tuid\tid.resp_h\tcert_chain_fps\n#types\ttime\tstring\taddr\tvector[string]\n"
                      "1.0\tC1\t192.0.2.1\taa,bb\n"
                      "broken line without tabs\n"
                      "2.0\tC2\t192.0.2.2\t-\n");
  std::vector<std::pair<int64_t, std::vector<std::string>>> got;
  ASSERT_TRUE(ForEachZeekRecord(p, {"id.resp_h", "cert_chain_fps", "missing"},
                                [&](int64_t l, const std::vector<std::string>& v) { got.push_back({l, v}); }).ok());
  ASSERT_EQ(got.size(), 2u);  // the broken line has no fields at the known columns... or is skipped
  EXPECT_EQ(got[0].first, 4);
  EXPECT_EQ(got[0].second[0], "192.0.2.1");
  EXPECT_EQ(got[0].second[1], "aa,bb");
  EXPECT_EQ(got[0].second[2], "");
  EXPECT_EQ(got[1].first, 6);
}

TEST(ZeekFields, ReadsJsonLinesAndSkipsCorrupt) {
  std::string p = Tmp("ssl.json", "{\"id.resp_h\": \"192.0.2.9\", \"cert_chain_fps\": [\"cc\", \"dd\"]}\n{\"id.resp_h\": \n{]\n");
  std::vector<std::vector<std::string>> got;
  ASSERT_TRUE(ForEachZeekRecord(p, {"id.resp_h", "cert_chain_fps"},
                                [&](int64_t, const std::vector<std::string>& v) { got.push_back(v); }).ok());
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0][1], "cc,dd");
}

TEST(ZeekFields, MissingFileIsAnError) {
  EXPECT_FALSE(ForEachZeekRecord("/nonexistent/ssl.log", {"x"}, [](int64_t, const std::vector<std::string>&) {}).ok());
}

}  // namespace
}  // namespace onus::evidence::detail
