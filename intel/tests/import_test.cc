#include <gtest/gtest.h>

#include <tuple>
#include <set>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>
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
  EXPECT_EQ(ip.line, 45);  // the line of its pattern
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

// The visitor sees exactly what is stored, and the lean streamed read-back gives the same values as
// extracting them from every stored pattern (single values come from the row, not the pattern).
TEST_F(ImportTest, VisitorAndLeanReadBackAgreeWithStoredPatterns) {
  ImportOptions o;
  o.batch_rows = 4;
  std::map<std::string, std::vector<IndicatorValue>> visited;
  o.on_indicator = [&](const Indicator& ind) {
    visited[ind.id] = ind.values;
    return Status::Ok();
  };
  std::vector<std::string> files = {kData + "bundle-2.1.json", kData + "misp-event.json", kData + "iocs.csv",
                                    kData + "defanged.txt", kData + "intel.zeek.dat"};
  std::vector<ImportSummary> sums;
  ASSERT_TRUE(ImportIntel(files, *store_, o, &sums).ok());
  auto rows = store_->ListIndicators();
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(visited.size(), rows->size());
  std::map<std::string, std::vector<IndicatorValue>> from_pattern;
  for (const auto& r : *rows) {
    ASSERT_TRUE(visited.count(r.id)) << r.id;
    std::vector<IndicatorValue> v;
    if (r.pattern_type == "stix") {
      auto e = ExtractIndicatorValues(r.pattern);
      ASSERT_TRUE(e.ok()) << r.pattern;
      v = *e;
    }
    std::sort(v.begin(), v.end());
    from_pattern[r.id] = v;
  }
  size_t n = 0, single = 0;
  Status st = ForEachStoredIndicator(*store_, {}, [&](const StoredIndicator& s) {
    ++n;
    single += !s.row.value_type.empty();
    std::vector<IndicatorValue> v = s.values, seen = visited[s.row.id];
    std::sort(v.begin(), v.end());
    std::sort(seen.begin(), seen.end());
    EXPECT_EQ(v, from_pattern[s.row.id]) << s.row.id;
    EXPECT_EQ(v, seen) << s.row.id;
    EXPECT_FALSE(s.row.source_id.empty());
    EXPECT_GT(s.row.input_id, 0);
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(n, rows->size());
  EXPECT_GT(single, n / 2);
  // Skipping inputs: none of the first file's rows are visited.
  std::vector<int64_t> skip = {sums[0].input_id};
  n = 0;
  ASSERT_TRUE(ForEachStoredIndicator(*store_, skip, [&](const StoredIndicator& s) {
                ++n;
                EXPECT_NE(s.row.input_id, sums[0].input_id);
                return Status::Ok();
              }).ok());
  EXPECT_EQ(n, rows->size() - static_cast<size_t>(sums[0].indicators));
  // Files already in the case are not visited; an error from the visitor aborts an import.
  ImportOptions bad;
  int calls = 0;
  bad.on_indicator = [&](const Indicator&) {
    ++calls;
    return Status::Internal("stop");
  };
  EXPECT_TRUE(ImportIntel({kData + "intel.zeek.dat"}, *store_, bad, nullptr).ok());
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(ImportIntel({kData + "misp-feed"}, *store_, bad, nullptr).code(), StatusCode::kInternal);
  EXPECT_EQ(calls, 1);
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

// A directory of feed files: every feed below it is imported in path order; documentation, detection
// rules and files of no format are left out with a reason; hidden files are not looked at. StreamIntel
// expands it the same way.
TEST_F(ImportTest, ADirectoryOfFeedsImportsEachFeedAndNamesWhatItLeavesOut) {
  namespace fs = std::filesystem;
  fs::path dir = fs::path(path_).replace_extension(".feeds");
  fs::remove_all(dir);
  fs::create_directories(dir / "vendor" / ".git");
  fs::copy_file(kData + "bundle-2.1.json", dir / "a-bundle.json");
  fs::copy_file(kData + "defanged.txt", dir / "vendor" / "iocs.txt");
  auto write = [&](const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; };
  write(dir / "README.md", "# Our feeds\nSee https://blog.example.com/report for the write-up.\n198.51.100.9\n");
  write(dir / "vendor" / "LICENSE", "BSD 2-Clause\n");
  write(dir / "vendor" / "rules.yar", "import \"pe\"\nrule X {\n condition: pe.number_of_sections == 1\n}\n");
  write(dir / "notes.bin", std::string("\x00\x01\x02", 3));
  write(dir / "vendor" / ".git" / "HEAD", "198.51.100.10\n");
  write(dir / ".hidden.txt", "198.51.100.11\n");

  ImportOptions o;
  std::vector<std::string> left;
  o.left_out = &left;
  std::vector<ImportSummary> sums;
  Status st = ImportIntel({dir.string()}, *store_, o, &sums);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_EQ(sums.size(), 2u);
  EXPECT_EQ(fs::path(sums[0].path).filename(), "a-bundle.json");
  EXPECT_EQ(sums[0].format, "stix-2.1");
  EXPECT_EQ(fs::path(sums[1].path).filename(), "iocs.txt");
  EXPECT_EQ(sums[1].format, "list");
  ASSERT_EQ(left.size(), 4u);
  std::sort(left.begin(), left.end());
  EXPECT_NE(left[0].find("README.md: documentation"), std::string::npos) << left[0];
  EXPECT_NE(left[1].find("notes.bin: "), std::string::npos) << left[1];
  EXPECT_NE(left[2].find("LICENSE: documentation"), std::string::npos) << left[2];
  EXPECT_NE(left[3].find("rules.yar: YARA rules"), std::string::npos) << left[3];
  auto rows = store_->ListIndicators();
  ASSERT_TRUE(rows.ok());
  for (const auto& r : *rows) {
    EXPECT_NE(r.value, "https://blog.example.com/report");
    EXPECT_NE(r.value, "198.51.100.10");
    EXPECT_NE(r.value, "198.51.100.11");
  }

  // StreamIntel reads the same two feeds.
  store_.reset();
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path_ + suffix);
  auto reopened = store::CaseStore::Open(path_);
  ASSERT_TRUE(reopened.ok());
  store_ = std::move(reopened).value();
  ImportOptions so;
  int64_t seen = 0;
  so.on_indicator = [&](const Indicator&) {
    ++seen;
    return Status::Ok();
  };
  std::vector<ImportSummary> streamed;
  ASSERT_TRUE(StreamIntel({dir.string()}, *store_, so, &streamed).ok());
  ASSERT_EQ(streamed.size(), 2u);
  EXPECT_EQ(seen, sums[0].indicators + sums[1].indicators);

  // A directory with no feed at all is refused by name.
  fs::path docs = dir / "docs";
  fs::create_directories(docs);
  write(docs / "README.md", "nothing\n");
  st = ImportIntel({docs.string()}, *store_, o, nullptr);
  EXPECT_EQ(st.code(), StatusCode::kUnsupported);
  EXPECT_NE(st.ToString().find(docs.string()), std::string::npos);
  fs::remove_all(dir);
}

// StreamIntel: every indicator reaches on_indicator (same count as ImportIntel, in file order, on
// the calling thread), none is stored, the context objects are, and the inputs end with scope
// "sighted"; StoreStreamedIndicators then stores exactly the kept ones; intel import completes them.
TEST_F(ImportTest, StreamIntelStoresContextAndOnlyKeptIndicators) {
  std::vector<std::string> files = {kData + "bundle-2.1.json", kData + "intel.zeek.dat", kData + "misp-feed"};
  ImportOptions o;
  std::vector<std::string> ids;
  std::vector<int64_t> lines;
  const auto caller = std::this_thread::get_id();
  bool same_thread = true;
  size_t lean = 0;  // streamed value indicators carry no pattern, name or labels (values_only)
  o.on_indicator = [&](const Indicator& ind) {
    same_thread = same_thread && std::this_thread::get_id() == caller;
    ids.push_back(ind.id);
    lines.push_back(ind.line);
    if (!ind.values.empty() && ind.pattern.empty() && ind.labels.empty()) ++lean;
    return Status::Ok();
  };
  std::vector<ImportSummary> sums;
  Status st = StreamIntel(files, *store_, o, &sums);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_TRUE(same_thread);
  ASSERT_EQ(sums.size(), 4u);  // the feed directory is two inputs
  int64_t total = 0;
  for (const auto& s : sums) total += s.indicators;
  EXPECT_EQ(total, 4 + 8 + 1 + 2);
  EXPECT_EQ(static_cast<int64_t>(ids.size()), total);
  EXPECT_EQ(*store_->Count("indicators"), 0);
  auto actors = store_->ListStixObjects("intrusion-set");
  ASSERT_TRUE(actors.ok());
  EXPECT_EQ(actors->size(), 1u);  // the bundle's
  auto inputs = store_->ListInputs();
  ASSERT_TRUE(inputs.ok());
  for (const auto& in : *inputs) {
    EXPECT_EQ(in.state, "complete");
    EXPECT_EQ(in.scope, "sighted");
  }

  // Keep the second Zeek intel indicator (ordinals: the bundle's 4 come first).
  const ImportSummary& zeek = sums[1];
  const std::string kept = ids[4 + 1];
  const std::vector<int64_t> wanted = {lines[4 + 1]};
  st = StoreStreamedIndicators(zeek, *store_, o, wanted, [&](std::string_view id) { return id == kept; });
  ASSERT_TRUE(st.ok()) << st.ToString();
  auto rows = store_->ListIndicators();
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].id, kept);
  EXPECT_EQ((*rows)[0].line, wanted[0]);
  EXPECT_EQ((*rows)[0].input_id, zeek.input_id);
  EXPECT_GE(lean, 8u);  // at least the Zeek intel file's
  // The stored sighted indicator is whole again: read from its line with pattern, name and labels.
  EXPECT_FALSE((*rows)[0].pattern.empty());
  EXPECT_FALSE((*rows)[0].name.empty());
  EXPECT_NE((*rows)[0].labels_json.find("zeek:"), std::string::npos);
  // In two steps (read with no store, beside other writes; then stored): the very same row.
  auto read = ReadStreamedIndicators(zeek, o, wanted, [&](std::string_view id) { return id == kept; });
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->size(), 1u);
  {
    const store::IndicatorRow& x = (*read)[0];
    const store::IndicatorRow& y = (*rows)[0];
    EXPECT_EQ(std::tie(x.id, x.pattern, x.pattern_type, x.name, x.value_type, x.value, x.valid_from, x.valid_until,
                       x.confidence, x.revoked, x.source_id, x.grade, x.report_id, x.labels_json, x.input_id, x.line),
              std::tie(y.id, y.pattern, y.pattern_type, y.name, y.value_type, y.value, y.valid_from, y.valid_until,
                       y.confidence, y.revoked, y.source_id, y.grade, y.report_id, y.labels_json, y.input_id, y.line));
  }
  // A bundle is parsed whole and filtered by keep; StoreIndicatorRows stores what was read.
  const std::string kept_bundle = ids[2];
  auto bundle = ReadStreamedIndicators(sums[0], o, {lines[2]}, [&](std::string_view id) { return id == kept_bundle; });
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
  ASSERT_EQ(bundle->size(), 1u);
  EXPECT_EQ((*bundle)[0].input_id, sums[0].input_id);
  ASSERT_TRUE(StoreIndicatorRows(*store_, *bundle).ok());
  EXPECT_EQ(*store_->Count("indicators"), 2);
  auto all = store_->ListIndicators();
  ASSERT_TRUE(all.ok());
  bool found = false;
  for (const auto& r : *all) found = found || (r.id == kept_bundle && r.pattern == (*bundle)[0].pattern);
  EXPECT_TRUE(found);

  // A second stream of the same files writes no indicator; a whole import completes them.
  ids.clear();
  std::vector<ImportSummary> again;
  ASSERT_TRUE(StreamIntel(files, *store_, o, &again).ok());
  EXPECT_EQ(static_cast<int64_t>(ids.size()), total);
  EXPECT_EQ(*store_->Count("indicators"), 2);
  ImportOptions whole;
  std::vector<ImportSummary> imported;
  ASSERT_TRUE(ImportIntel(files, *store_, whole, &imported).ok());
  for (const auto& s : imported) EXPECT_FALSE(s.already_imported);
  EXPECT_EQ(*store_->Count("indicators"), total);
  inputs = store_->ListInputs();
  ASSERT_TRUE(inputs.ok());
  for (const auto& in : *inputs) EXPECT_EQ(in.scope, "all");
  // The same bytes given twice in one call are read once.
  ids.clear();
  again.clear();
  ASSERT_TRUE(StreamIntel({kData + "intel.zeek.dat", kData + "intel.zeek.dat"}, *store_, o, &again).ok());
  ASSERT_EQ(again.size(), 2u);
  EXPECT_EQ(again[1].indicators, 0);
  EXPECT_EQ(ids.size(), 8u);
  // Streaming a file stored whole reads it but writes nothing.
  again.clear();
  ASSERT_TRUE(StreamIntel({kData + "intel.zeek.dat"}, *store_, o, &again).ok());
  ASSERT_EQ(again.size(), 1u);
  EXPECT_TRUE(again[0].already_imported);
  EXPECT_TRUE(StoreStreamedIndicators(again[0], *store_, o, {}, [](std::string_view) { return true; }).ok());
  EXPECT_EQ(*store_->Count("indicators"), total);
}

// What StreamIntel captured records the same files in another case without reading them: the
// same inputs (scope sighted), sources and STIX objects, and the same summaries.
// StoreStreamedIndicators stores in batches of at most batch_rows (memory bounded however many
// are kept): every kept indicator, the same rows ReadStreamedIndicators returns, none of the others.
TEST_F(ImportTest, StoreStreamedIndicatorsInBatches) {
  ImportOptions o;
  std::vector<std::string> ids;
  std::vector<int64_t> lines;
  o.on_indicator = [&](const Indicator& ind) {
    ids.push_back(ind.id);
    lines.push_back(ind.line);
    return Status::Ok();
  };
  std::vector<ImportSummary> sums;
  ASSERT_TRUE(StreamIntel({kData + "intel.zeek.dat"}, *store_, o, &sums).ok());
  ASSERT_EQ(sums.size(), 1u);
  ASSERT_EQ(ids.size(), 8u);
  std::set<std::string> kept;  // all but the third
  std::vector<int64_t> wanted;
  for (size_t i = 0; i < ids.size(); ++i)
    if (i != 2) {
      kept.insert(ids[i]);
      wanted.push_back(lines[i]);
    }
  auto keep = [&](std::string_view id) { return kept.count(std::string(id)) != 0; };
  o.batch_rows = 3;  // 7 kept: three batches
  ASSERT_TRUE(StoreStreamedIndicators(sums[0], *store_, o, wanted, keep).ok());
  auto stored = store_->ListIndicators();
  ASSERT_TRUE(stored.ok());
  auto read = ReadStreamedIndicators(sums[0], o, wanted, keep);
  ASSERT_TRUE(read.ok());
  ASSERT_EQ(read->size(), 7u);
  std::map<std::string, std::string> a, b;
  for (const auto& r : *stored) a[r.id] = r.pattern + "|" + r.labels_json + "|" + std::to_string(r.line);
  for (const auto& r : *read) b[r.id] = r.pattern + "|" + r.labels_json + "|" + std::to_string(r.line);
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.count(ids[2]), 0u);
}

TEST_F(ImportTest, RecordStreamedRecordsWhatStreamIntelRecorded) {
  const std::vector<std::string> files = {kData + "bundle-2.1.json", kData + "intel.zeek.dat", kData + "intel.zeek.dat"};
  ImportOptions o;
  o.on_indicator = [](const Indicator&) { return Status::Ok(); };
  std::vector<StreamedFile> captured;
  o.capture = &captured;
  std::vector<ImportSummary> streamed;
  ASSERT_TRUE(StreamIntel(files, *store_, o, &streamed).ok());
  ASSERT_EQ(captured.size(), files.size());
  EXPECT_FALSE(captured[0].objects.empty());
  EXPECT_FALSE(captured[0].sources.empty());

  const std::string other = path_ + ".replay.db";
  std::filesystem::remove(other);
  {
    auto b = store::CaseStore::Open(other);
    ASSERT_TRUE(b.ok()) << b.status().ToString();
    ImportOptions ro;
    std::vector<ImportSummary> replayed;
    EXPECT_EQ(RecordStreamed({files[0]}, captured, **b, ro, &replayed).code(), StatusCode::kInvalidArgument);
    ASSERT_TRUE(RecordStreamed(files, captured, **b, ro, &replayed).ok());
    ASSERT_EQ(replayed.size(), streamed.size());
    for (size_t i = 0; i < streamed.size(); ++i) {
      EXPECT_EQ(replayed[i].sha256, streamed[i].sha256);
      EXPECT_EQ(replayed[i].format, streamed[i].format);
      EXPECT_EQ(replayed[i].indicators, streamed[i].indicators);
      EXPECT_EQ(replayed[i].records, streamed[i].records);
      EXPECT_EQ(replayed[i].objects, streamed[i].objects);
      EXPECT_EQ(replayed[i].already_imported, streamed[i].already_imported) << i;
      EXPECT_EQ(replayed[i].indicators_by_type, streamed[i].indicators_by_type);
    }
    EXPECT_TRUE(replayed[2].already_imported);  // the same bytes twice: recorded once
    auto in_a = store_->ListInputs();
    auto in_b = (*b)->ListInputs();
    ASSERT_TRUE(in_a.ok() && in_b.ok());
    ASSERT_EQ(in_a->size(), in_b->size());
    for (size_t i = 0; i < in_a->size(); ++i) {
      EXPECT_EQ((*in_a)[i].sha256, (*in_b)[i].sha256);
      EXPECT_EQ((*in_a)[i].kind, (*in_b)[i].kind);
      EXPECT_EQ((*in_a)[i].size, (*in_b)[i].size);
      EXPECT_EQ((*in_a)[i].state, (*in_b)[i].state);
      EXPECT_EQ((*in_a)[i].scope, (*in_b)[i].scope);
      EXPECT_EQ((*in_a)[i].records, (*in_b)[i].records);
    }
    auto src_a = store_->ListSources();
    auto src_b = (*b)->ListSources();
    ASSERT_TRUE(src_a.ok() && src_b.ok());
    ASSERT_EQ(src_a->size(), src_b->size());
    for (size_t i = 0; i < src_a->size(); ++i) {
      EXPECT_EQ((*src_a)[i].id, (*src_b)[i].id);
      EXPECT_EQ((*src_a)[i].grade, (*src_b)[i].grade);
      EXPECT_EQ((*src_a)[i].detail_json, (*src_b)[i].detail_json);
    }
    auto obj_a = store_->ListStixObjects();
    auto obj_b = (*b)->ListStixObjects();
    ASSERT_TRUE(obj_a.ok() && obj_b.ok());
    ASSERT_EQ(obj_a->size(), obj_b->size());
    for (size_t i = 0; i < obj_a->size(); ++i) {
      EXPECT_EQ((*obj_a)[i].id, (*obj_b)[i].id);
      EXPECT_EQ((*obj_a)[i].json, (*obj_b)[i].json);
      EXPECT_EQ((*obj_a)[i].line, (*obj_b)[i].line);
      EXPECT_EQ((*obj_a)[i].input_id, (*obj_b)[i].input_id);
    }
    EXPECT_EQ(*(*b)->Count("indicators"), 0);

    // A file the case already holds whole is recorded as such and nothing is written.
    ImportOptions whole;
    ASSERT_TRUE(ImportIntel({files[1]}, **b, whole, nullptr).ok());
    const int64_t indicators = *(*b)->Count("indicators");
    replayed.clear();
    ASSERT_TRUE(RecordStreamed({files[1]}, {captured[1]}, **b, ro, &replayed).ok());
    ASSERT_EQ(replayed.size(), 1u);
    EXPECT_TRUE(replayed[0].already_imported);
    EXPECT_EQ(*(*b)->Count("indicators"), indicators);
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(other + suffix);
}

// The consumer stopping early (its error) ends the loader thread and is returned, whatever the
// feed's size (many more indicators than the batches in flight), without hanging.
TEST_F(ImportTest, StreamIntelStopsWhenTheConsumerFails) {
  const std::string feed = path_ + ".list.txt";
  {
    std::ofstream f(feed);
    for (int i = 0; i < 40000; ++i) f << "10." << (i >> 16) << '.' << ((i >> 8) & 255) << '.' << (i & 255) << '\n';
  }
  ImportOptions o;
  int seen = 0;
  o.on_indicator = [&](const Indicator&) {
    return ++seen == 1500 ? Status::Internal("consumer full") : Status::Ok();
  };
  Status st = StreamIntel({feed}, *store_, o, nullptr);
  std::filesystem::remove(feed);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.ToString().find("consumer full"), std::string::npos) << st.ToString();
  EXPECT_EQ(seen, 1500);
  EXPECT_EQ(*store_->Count("indicators"), 0);
}

// A truncated STIX bundle fails with the file named, after its objects were parsed on the loader
// thread; the input is left unfinished (a rerun of a fixed file completes it), nothing half-stored.
TEST_F(ImportTest, StreamIntelReportsATruncatedFeed) {
  std::string text;
  {
    std::ifstream f(kData + "bundle-2.1.json");
    text.assign(std::istreambuf_iterator<char>(f), {});
  }
  const std::string feed = path_ + ".truncated.json";
  {
    std::ofstream f(feed);
    f << text.substr(0, text.size() * 2 / 3);
  }
  ImportOptions o;
  int seen = 0;
  o.on_indicator = [&](const Indicator&) {
    ++seen;
    return Status::Ok();
  };
  o.intel.format = "stix-2.1";
  Status st = StreamIntel({feed}, *store_, o, nullptr);
  std::filesystem::remove(feed);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.ToString().find("truncated.json"), std::string::npos) << st.ToString();
  EXPECT_EQ(*store_->Count("indicators"), 0);
  auto inputs = store_->ListInputs();
  ASSERT_TRUE(inputs.ok());
  ASSERT_EQ(inputs->size(), 1u);
  EXPECT_EQ((*inputs)[0].state, "ingesting");
}

}  // namespace
}  // namespace onus::intel
