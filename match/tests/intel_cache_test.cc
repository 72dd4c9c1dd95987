#include "onus/match/intel_cache.h"

#include "onus/core/file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace onus::match {
namespace {

namespace fs = std::filesystem;

CachedIntel Entry(const std::string& prefix) {
  IndicatorIndex::Builder b;
  for (int i = 0; i < 3; ++i) {
    IndicatorSpec s;
    s.id = prefix + std::to_string(i);
    s.source = "feed";
    s.grade = "B2";
    ValueSpec v;
    v.type = ValueType::kAddr;
    v.value = "198.51.100." + std::to_string(i + 1);
    s.values.push_back(v);
    b.Add(s);
  }
  auto index = b.Build();
  EXPECT_TRUE(index.ok());
  CachedIntel c;
  c.compiled.index = *index;
  c.lines = {2, 3, 5};
  intel::StreamedFile f;
  f.summary.format = "zeek-intel";
  f.summary.sha256 = std::string(64, 'a');
  f.summary.records = 4;
  f.summary.indicators = 3;
  f.summary.sources = 1;
  f.summary.indicators_by_type = {{"ipv4-addr", 3}};
  f.summary.skipped_count = 1;
  f.summary.skipped = {{4, "unknown type \"Intel::X\""}};
  f.size = 321;
  f.sources.push_back({"source--feed", "feed", "feed", "B2", "{\"file\":\"x\"}"});
  store::StixObjectRow o;
  o.id = "intrusion-set--1";
  o.type = "intrusion-set";
  o.name = "Example \xe2\x80\x94 set";
  o.json = "{\"type\":\"intrusion-set\"}";
  o.source_id = "source--feed";
  o.line = 7;
  f.objects.push_back(o);
  c.files.push_back(f);
  return c;
}

class IntelCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (fs::temp_directory_path() / ("onus_intel_cache_" + std::to_string(::getpid()) + "_" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name()))
               .string();
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string dir_;
};

TEST_F(IntelCacheTest, KeyCoversEveryInput) {
  CompileOptions zone, exact;
  exact.domain_scope = DomainScope::kExact;
  const std::vector<std::string> shas = {std::string(64, 'a'), std::string(64, 'b')};
  const std::vector<std::string> names = {"a.json", "b.csv"};
  const std::string k = IntelCacheKey(shas, names, zone, "B2", "build-1");
  EXPECT_EQ(k.size(), 64u);
  EXPECT_EQ(k, IntelCacheKey(shas, names, zone, "B2", "build-1"));
  EXPECT_NE(k, IntelCacheKey({shas[1], shas[0]}, {names[1], names[0]}, zone, "B2", "build-1"));
  EXPECT_NE(k, IntelCacheKey({shas[0]}, {names[0]}, zone, "B2", "build-1"));
  EXPECT_NE(k, IntelCacheKey(shas, {"a.json", "renamed.csv"}, zone, "B2", "build-1"));  // default source names
  EXPECT_NE(k, IntelCacheKey(shas, {"a.json", "b.cs", "v"}, zone, "B2", "build-1"));
  EXPECT_NE(k, IntelCacheKey(shas, names, exact, "B2", "build-1"));
  EXPECT_NE(k, IntelCacheKey(shas, names, zone, "C3", "build-1"));
  EXPECT_NE(k, IntelCacheKey(shas, names, zone, "B2", "build-2"));
}

TEST_F(IntelCacheTest, SavedEntryLoadsBackWhole) {
  auto missing = LoadCachedIntel(dir_, "k1");
  ASSERT_TRUE(missing.ok()) << missing.status().ToString();
  EXPECT_FALSE(missing->has_value());

  CachedIntel c = Entry("indicator--a");
  ASSERT_TRUE(SaveCachedIntel(dir_, "k1", c).ok());
  auto got = LoadCachedIntel(dir_, "k1");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_TRUE(got->has_value());
  const CachedIntel& g = **got;
  EXPECT_EQ(g.lines, c.lines);
  ASSERT_EQ(g.compiled.index->indicator_count(), 3u);
  EXPECT_EQ(g.compiled.index->indicator_id(1), "indicator--a1");
  auto hits = g.compiled.index->LookupAddrExact(*IpAddress::Parse("198.51.100.2"));
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(g.compiled.index->entry(hits[0]).indicator, 1u);
  ASSERT_EQ(g.files.size(), 1u);
  const intel::StreamedFile& f = g.files[0];
  EXPECT_EQ(f.summary.format, "zeek-intel");
  EXPECT_EQ(f.summary.sha256, c.files[0].summary.sha256);
  EXPECT_EQ(f.summary.records, 4);
  EXPECT_EQ(f.summary.indicators, 3);
  EXPECT_EQ(f.summary.indicators_by_type, c.files[0].summary.indicators_by_type);
  EXPECT_EQ(f.summary.skipped_count, 1);
  ASSERT_EQ(f.summary.skipped.size(), 1u);
  EXPECT_EQ(f.summary.skipped[0].reason, c.files[0].summary.skipped[0].reason);
  EXPECT_EQ(f.size, 321u);
  ASSERT_EQ(f.sources.size(), 1u);
  EXPECT_EQ(f.sources[0].detail_json, "{\"file\":\"x\"}");
  ASSERT_EQ(f.objects.size(), 1u);
  EXPECT_EQ(f.objects[0].name, c.files[0].objects[0].name);
  EXPECT_EQ(f.objects[0].json, c.files[0].objects[0].json);
  EXPECT_EQ(f.objects[0].line, 7);
}

TEST_F(IntelCacheTest, InconsistentOrCorruptEntryIsAnErrorNamingTheFile) {
  CachedIntel c = Entry("indicator--b");
  c.lines.pop_back();  // lines must match the index's indicators
  ASSERT_TRUE(SaveCachedIntel(dir_, "short", c).ok());
  auto got = LoadCachedIntel(dir_, "short");
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.status().ToString().find(IntelCachePath(dir_, "short")), std::string::npos);

  c = Entry("indicator--c");
  c.files[0].summary.indicators = 2;  // the files must account for every indicator
  ASSERT_TRUE(SaveCachedIntel(dir_, "count", c).ok());
  EXPECT_FALSE(LoadCachedIntel(dir_, "count").ok());

  ASSERT_TRUE(SaveCachedIntel(dir_, "flip", Entry("indicator--d")).ok());
  const std::string path = IntelCachePath(dir_, "flip");
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(static_cast<std::streamoff>(fs::file_size(path) / 2));
  f.put('\x5a');
  f.close();
  got = LoadCachedIntel(dir_, "flip");
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.status().ToString().find(path), std::string::npos);
}

// Hostile or inconsistent sections (a valid index file around them) are errors naming the file,
// never a crash.
TEST_F(IntelCacheTest, HostileSectionsAreErrorsNamingTheFile) {
  CachedIntel good = Entry("indicator--h");
  ASSERT_TRUE(SaveCachedIntel(dir_, "good", good).ok());
  auto loaded = ReadCompiledIntel(IntelCachePath(dir_, "good"));
  ASSERT_TRUE(loaded.ok());
  const std::vector<IndexFileSection> sections = loaded->extra;
  ASSERT_EQ(sections.size(), 2u);
  const std::string files = sections[0].bytes, lines = sections[1].bytes;
  auto with = [&](std::string files_json, std::string lines_bytes, bool keep_lines = true) {
    std::vector<IndexFileSection> extra = {{sections[0].name, std::move(files_json)}};
    if (keep_lines) extra.push_back({sections[1].name, std::move(lines_bytes)});
    return extra;
  };
  std::string bad_sha = files;
  bad_sha.replace(bad_sha.find(std::string(64, 'a')), 1, "Z");
  std::string negative = files;
  negative.replace(negative.find("\"indicators\":3"), 15, "\"indicators\":-3");
  const std::vector<std::pair<std::string, std::vector<IndexFileSection>>> cases = {
      {"not-json", with("{\"files\": [", lines)},
      {"not-array", with("{}", lines)},
      {"wrong-types", with("[{\"summary\": {\"format\": 7}}]", lines)},
      {"truncated-json", with(files.substr(0, files.size() / 2), lines)},
      {"bad-sha", with(bad_sha, lines)},
      {"negative", with(negative, lines)},
      {"lines-short", with(files, lines.substr(0, lines.size() - 1))},
      {"no-lines", with(files, "", false)},
  };
  for (const auto& [name, extra] : cases) {
    const std::string path = IntelCachePath(dir_, name);
    ASSERT_TRUE(WriteCompiledIntel(good.compiled, extra, path).ok()) << name;
    auto got = LoadCachedIntel(dir_, name);
    ASSERT_FALSE(got.ok()) << name;
    EXPECT_NE(got.status().ToString().find(path), std::string::npos) << name << ": " << got.status().ToString();
    EXPECT_EQ(got.status().ToString().find("checksum"), std::string::npos) << name << ": the sections, not the file";
  }
  // The fuzz target's seed: a small valid entry (ONUS_WRITE_INTEL_CACHE_SEED=1 rewrites it).
  const std::string seed = std::string(ONUS_SOURCE_DIR) + "/fuzz/match/intel_cache_corpus/entry.idx";
  auto bytes = EncodeCompiledIntel(good.compiled, sections);
  ASSERT_TRUE(bytes.ok());
  if (std::getenv("ONUS_WRITE_INTEL_CACHE_SEED")) {
    ASSERT_TRUE(WriteFile(seed, *bytes).ok());
  }
  auto on_disk = ReadFile(seed);
  ASSERT_TRUE(on_disk.ok()) << on_disk.status().ToString();
  auto decoded = DecodeCompiledIntel(*on_disk, seed);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_TRUE(CachedIntelFromFile(std::move(*decoded), seed).ok());
}

TEST_F(IntelCacheTest, KeepsOnlyTheNewestEntries) {
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(SaveCachedIntel(dir_, "k" + std::to_string(i), Entry("indicator--e"), /*keep=*/2).ok());
    // Distinct modification times even on coarse file systems.
    fs::last_write_time(IntelCachePath(dir_, "k" + std::to_string(i)),
                        fs::file_time_type::clock::now() - std::chrono::seconds(10 - i));
  }
  size_t n = 0;
  for (const auto& e : fs::directory_iterator(dir_)) n += e.path().extension() == ".onusidx";
  EXPECT_EQ(n, 2u);
  EXPECT_TRUE(fs::exists(IntelCachePath(dir_, "k3")));
}

}  // namespace
}  // namespace onus::match
