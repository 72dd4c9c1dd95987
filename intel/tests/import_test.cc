#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "onus/intel/import.h"

namespace onus::intel {
namespace {

const std::string kData = std::string(ONUS_SOURCE_DIR) + "/tests/data/intel/";

class ImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::temp_directory_path() /
             ("onus_intel_import_" + std::to_string(::getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db"))
                .string();
    std::filesystem::remove(path_);
    auto s = store::CaseStore::Open(path_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }
  void TearDown() override {
    store_.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix);
  }
  std::string path_;
  std::unique_ptr<store::CaseStore> store_;
};

TEST_F(ImportTest, StoresEverythingWithProvenanceAndIsIdempotent) {
  ImportOptions o;
  o.batch_rows = 3;  // many small transactions
  o.now_rfc3339 = "2021-07-20T00:00:00.000000Z";
  std::vector<std::string> files = {kData + "bundle-2.1.json", kData + "misp-event.json", kData + "iocs.csv",
                                    kData + "defanged.txt", kData + "intel.zeek.dat", kData + "misp-feed"};
  std::vector<ImportSummary> sums;
  ASSERT_TRUE(ImportIntel(files, *store_, o, &sums).ok());
  ASSERT_EQ(sums.size(), 7u);  // the feed directory is two inputs
  int64_t indicators = 0;
  for (const auto& s : sums) {
    EXPECT_FALSE(s.already_imported);
    EXPECT_GT(s.input_id, 0);
    indicators += s.indicators;
  }
  EXPECT_EQ(indicators, 4 + 10 + 6 + 10 + 8 + 1 + 2);
  EXPECT_EQ(sums[0].indicators_by_type.at("multi"), 1);
  EXPECT_EQ(sums[0].indicators_by_type.at("pattern"), 1);
  EXPECT_EQ(sums[0].skipped_count, 2);

  auto rows = store_->ListIndicators();
  ASSERT_TRUE(rows.ok());
  // defanged.txt has no duplicate values, the others neither: one row per indicator id.
  EXPECT_EQ(static_cast<int64_t>(rows->size()), indicators);
  std::map<std::string, store::IndicatorRow> by_id;
  for (auto& r : *rows) by_id[r.id] = r;
  const auto& ip = by_id.at("indicator--aaaaaaaa-0000-4000-8000-000000000010");
  EXPECT_EQ(ip.value_type, "ipv4-addr");
  EXPECT_EQ(ip.value, "198.51.100.7");
  EXPECT_EQ(ip.grade, "B2");
  EXPECT_EQ(ip.line, 36);
  EXPECT_EQ(ip.input_id, sums[0].input_id);
  EXPECT_EQ(ip.report_id, "report--aaaaaaaa-0000-4000-8000-000000000002");
  EXPECT_EQ(ip.valid_from, "2021-06-01T00:00:00.000000Z");
  EXPECT_EQ(ip.confidence, 80);
  const auto& multi = by_id.at("indicator--aaaaaaaa-0000-4000-8000-000000000011");
  EXPECT_EQ(multi.value_type, "");  // several values: read them with ReadStoredIndicators
  auto inputs = store_->ListInputs();
  ASSERT_TRUE(inputs.ok());
  ASSERT_EQ(inputs->size(), 7u);
  for (const auto& in : *inputs) {
    EXPECT_EQ(in.state, "complete");
    EXPECT_EQ(in.sha256.size(), 64u);
  }
  auto sources = store_->ListSources();
  ASSERT_TRUE(sources.ok());
  EXPECT_GE(sources->size(), 8u);
  auto actors = store_->ListStixObjects("intrusion-set");
  ASSERT_TRUE(actors.ok());
  EXPECT_EQ(actors->size(), 3u);  // bundle, MISP galaxy, CSV actor_claimed

  auto stored = ReadStoredIndicators(*store_);
  ASSERT_TRUE(stored.ok());
  size_t multi_values = 0;
  for (const auto& s : *stored)
    if (s.row.id == multi.id) multi_values = s.values.size();
  EXPECT_EQ(multi_values, 3u);

  // Re-import: nothing new.
  std::vector<ImportSummary> again;
  ASSERT_TRUE(ImportIntel(files, *store_, o, &again).ok());
  for (const auto& s : again) EXPECT_TRUE(s.already_imported) << s.path;
  EXPECT_EQ(*store_->Count("indicators"), indicators);
  EXPECT_EQ(store_->ListInputs()->size(), 7u);
}

TEST_F(ImportTest, MissingOrUnrecognisedFileChangesNothing) {
  ImportOptions o;
  Status st = ImportIntel({kData + "bundle-2.1.json", kData + "nope.json"}, *store_, o, nullptr);
  EXPECT_EQ(st.code(), StatusCode::kNotFound);
  EXPECT_EQ(*store_->Count("inputs"), 0);
  st = ImportIntel({kData + "bundle-2.1.json", std::string(ONUS_SOURCE_DIR) + "/intel/CMakeLists.txt"}, *store_, o, nullptr);
  EXPECT_EQ(st.code(), StatusCode::kUnsupported) << st.ToString();
  EXPECT_EQ(*store_->Count("indicators"), 0);
  st = ImportIntel({std::string(ONUS_SHARED_DIR) + "/data/warninglists/cloudflare"}, *store_, o, nullptr);
  if (std::filesystem::exists(std::string(ONUS_SHARED_DIR) + "/data/warninglists/cloudflare")) {
    EXPECT_EQ(st.code(), StatusCode::kUnsupported);
  }
}

}  // namespace
}  // namespace onus::intel
