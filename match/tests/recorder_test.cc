// HuntRecorder: warning-list context attached to sightings (stored row and JSON line), and the
// streaming IntelCompiler giving the same index as CompileIntel over a vector.
#include "onus/match/recorder.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <optional>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "onus/core/file.h"
#include "onus/core/file_digests.h"
#include "onus/core/hash.h"

namespace onus::match {
namespace {

using ingest::Observation;
using ingest::ObservationKind;

intel::Indicator Ind(std::string id, std::string type, std::string value) {
  intel::Indicator i;
  i.id = std::move(id);
  i.source_id = "identity--test";
  i.grade = "C3";
  i.pattern = "[x:value = '" + value + "']";
  i.values.push_back({std::move(type), std::move(value)});
  return i;
}

class RecorderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::temp_directory_path() /
             ("onus_match_recorder_" + std::to_string(::getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db"))
                .string();
    std::filesystem::remove(path_);
    auto s = store::CaseStore::Open(path_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    info_.path = "/captures/generated.pcap";
    info_.sha256 = std::string(64, 'a');
    info_.size = 1;
    info_.format = ingest::InputFormat::kPcap;
  }
  void TearDown() override {
    store_.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix);
  }
  Observation Conn(uint64_t record, const char* resp) {
    Observation o;
    o.kind = ObservationKind::kConn;
    o.ts = Timestamp::FromSeconds(1623628800 + static_cast<int64_t>(record));
    o.has_endpoints = true;
    o.orig_h = IpAddress::Parse("10.20.10.32").value();
    o.resp_h = IpAddress::Parse(resp).value();
    o.src = {&info_, record, true};
    return o;
  }
  std::string path_;
  std::unique_ptr<store::CaseStore> store_;
  ingest::InputInfo info_;
};

// The recorder writes with SQLite's foreign-key checks off: afterwards they are on again and every
// reference it wrote resolves.
void ExpectReferencesHold(store::CaseStore& store) {
  auto on = store.db().Prepare("PRAGMA foreign_keys");
  ASSERT_TRUE(on.ok());
  ASSERT_TRUE(on->Step());
  EXPECT_EQ(on->ColumnInt(0), 1) << "foreign-key checks left off";
  auto broken = store.db().Prepare("PRAGMA foreign_key_check");
  ASSERT_TRUE(broken.ok());
  EXPECT_FALSE(broken->Step()) << "a dangling reference in " << broken->ColumnText(0);
}

// The case's sightings, notable observations and inputs, one comparable line each (inputs last).
std::vector<std::string> StoredRows(store::CaseStore& store) {
  std::vector<std::string> out;
  auto rows = store.ListSightings();
  EXPECT_TRUE(rows.ok());
  for (const auto& r : *rows)
    out.push_back(r.indicator_id + "|" + r.value + "|" + r.seen_where + "|" + r.ts + "|" + std::to_string(r.input_id) +
                  "|" + std::to_string(r.record));
  auto obs = store.ListObservations();
  EXPECT_TRUE(obs.ok());
  for (const auto& r : *obs) out.push_back("obs|" + r.kind + "|" + r.ts + "|" + std::to_string(r.record));
  auto inputs = store.ListInputs();
  EXPECT_TRUE(inputs.ok());
  for (const auto& r : *inputs)
    out.push_back("input|" + std::to_string(r.id) + "|" + r.path + "|" + r.sha256 + "|" + r.state + "|" +
                  std::to_string(r.records));
  return out;
}

const std::string kLists = std::string(ONUS_SHARED_DIR) + "/data/warninglists";

// kinds of the annotations of one sighting: value -> {kind/list}
std::map<std::string, std::set<std::string>> Kinds(const nlohmann::json& annotations) {
  std::map<std::string, std::set<std::string>> out;
  for (const auto& a : annotations) {
    std::string list = a.value("list", a.value("source", ""));
    out[a.at("value").get<std::string>()].insert(a.at("kind").get<std::string>() + "/" + list);
  }
  return out;
}

TEST_F(RecorderTest, WarningListContextIsStoredAndPrinted) {
  if (!IsDirectory(kLists)) GTEST_SKIP() << "no warning lists at " << kLists;
  auto lists = intel::WarningListSet::LoadFiles({kLists + "/cloudflare/list.json", kLists + "/public-dns-v4/list.json",
                                                 kLists + "/sinkholes/list.json", kLists + "/dynamic-dns/list.json",
                                                 kLists + "/amazon-aws/list.json", kLists + "/rfc1918/list.json"});
  ASSERT_TRUE(lists.ok()) << lists.status().ToString();
  std::vector<intel::Indicator> inds = {
      Ind("cdn-and-sinkhole", "ipv4-addr", "104.21.27.14"),  // Cloudflare range, and a listed sinkhole
      Ind("resolver", "ipv4-addr", "8.8.8.8"),
      Ind("ddns-zone", "domain-name", "duckdns.org"),
      Ind("aws-subnet", "ipv4-addr", "1.178.1.0/24"),
      Ind("plain", "ipv4-addr", "45.77.107.26"),
      Ind("private", "ipv4-addr", "10.20.10.99"),  // RFC 1918 is kind "other": not attached
  };
  auto compiled = CompileIntel(inds);
  ASSERT_TRUE(compiled.ok());
  std::vector<std::string> lines;
  RecorderOptions ro;
  ro.warninglists = &*lists;
  ro.emit = [&](std::string_view l) { lines.emplace_back(l); };
  HuntRecorder recorder(*store_, *compiled->index, ro);
  Hunter hunter(*compiled, {}, recorder);
  std::vector<Observation> obs = {Conn(1, "104.21.27.14"), Conn(2, "8.8.8.8"), Conn(3, "1.178.1.77"),
                                  Conn(4, "45.77.107.26"), Conn(5, "10.20.10.99")};
  Observation d;
  d.kind = ObservationKind::kDns;
  d.ts = Timestamp::FromSeconds(1623628900);
  d.query = "gate-cam01.duckdns.org";
  d.src = {&info_, 6, true};
  obs.push_back(d);
  for (const auto& o : obs) {
    ASSERT_TRUE(hunter.OnObservation(o).ok());
    ASSERT_TRUE(recorder.OnObservation(o).ok());
  }
  ASSERT_TRUE(recorder.Finish({&info_}).ok());

  auto rows = store_->ListSightings();
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 6u);
  ASSERT_EQ(lines.size(), 6u);
  std::map<std::string, nlohmann::json> stored, printed;
  for (const auto& r : *rows) stored[r.indicator_id] = nlohmann::json::parse(r.annotations_json);
  for (const auto& l : lines) {
    auto j = nlohmann::json::parse(l);
    printed[j.at("indicator_id").get<std::string>()] = j.at("annotations");
  }
  EXPECT_EQ(stored, printed);  // the case row and the JSON line say the same

  using Set = std::set<std::string>;
  EXPECT_EQ(Kinds(stored["cdn-and-sinkhole"])["104.21.27.14"], (Set{"cdn/cloudflare", "sinkhole/sinkholes"}));
  EXPECT_EQ(Kinds(stored["resolver"])["8.8.8.8"], (Set{"public-dns/public-dns-v4"}));
  // Seen name and listed zone both sit under a dynamic-DNS zone.
  auto ddns = Kinds(stored["ddns-zone"]);
  EXPECT_EQ(ddns["gate-cam01.duckdns.org"], (Set{"dynamic-dns/dynamic-dns"}));
  EXPECT_EQ(ddns["duckdns.org"], (Set{"dynamic-dns/dynamic-dns"}));
  // A subnet hit: the seen address and the listed prefix are AWS.
  auto aws = Kinds(stored["aws-subnet"]);
  EXPECT_EQ(aws["1.178.1.77"], (Set{"cloud/amazon-aws"}));
  EXPECT_EQ(aws["1.178.1.0/24"], (Set{"cloud/amazon-aws"}));
  EXPECT_TRUE(stored["plain"].empty()) << stored["plain"];
  EXPECT_TRUE(stored["private"].empty()) << stored["private"];
  for (const auto& a : stored["cdn-and-sinkhole"]) {
    EXPECT_EQ(a.at("source"), "misp-warninglist");
    EXPECT_FALSE(a.at("list_name").get<std::string>().empty());
  }

  // Without warning lists nothing is attached, and the column defaults to an empty array.
  RecorderOptions none;
  auto again = CompileIntel(std::vector<intel::Indicator>{Ind("resolver2", "ipv4-addr", "8.8.8.8")});
  ASSERT_TRUE(again.ok());
  HuntRecorder bare(*store_, *again->index, none);
  Hunter h2(*again, {}, bare);
  ASSERT_TRUE(h2.OnObservation(obs[1]).ok());
  ASSERT_TRUE(bare.Finish({&info_}).ok());
  rows = store_->ListSightings();
  ASSERT_TRUE(rows.ok());
  bool found = false;
  for (const auto& r : *rows)
    if (r.indicator_id == "resolver2") {
      found = true;
      EXPECT_EQ(r.annotations_json, "[]");
    }
  EXPECT_TRUE(found);
}

// Summaries() aggregates per (indicator, value, where, site, stale): the same counts and first/last
// times as grouping the stored rows, over thousands of sightings (several summary-table growths).
TEST_F(RecorderTest, SummariesAgreeWithTheStoredRows) {
  intel::Indicator stale = Ind("later", "ipv4-addr", "198.51.100.3");
  stale.valid_from = Timestamp::FromSeconds(2000000000);  // not yet valid: every hit is stale
  std::vector<intel::Indicator> inds = {Ind("one", "ipv4-addr", "198.51.100.7"), Ind("net", "ipv4-addr", "198.51.0.0/16"),
                                        Ind("orig", "ipv4-addr", "10.20.10.32"), stale};
  auto compiled = CompileIntel(inds);
  ASSERT_TRUE(compiled.ok());
  RecorderOptions ro;
  ro.background_writes = true;
  HuntRecorder recorder(*store_, *compiled->index, ro);
  Hunter hunter(*compiled, {}, recorder);
  for (size_t i = 0; i < 6000; ++i) {
    Observation o = Conn(i + 1, ("198.51." + std::to_string(100 + i % 13) + "." + std::to_string(i % 251)).c_str());
    ASSERT_TRUE(hunter.OnObservation(o).ok());
    ASSERT_TRUE(recorder.OnObservation(o).ok());
  }
  ASSERT_TRUE(recorder.Finish({&info_}).ok());
  struct Agg {
    uint64_t count = 0;
    std::string first, last;
  };
  std::map<std::string, Agg> want, got;
  auto rows = store_->ListSightings();
  ASSERT_TRUE(rows.ok());
  for (const auto& r : *rows) {
    Agg& a = want[r.indicator_id + "|" + r.value + "|" + r.seen_where + "|" + r.site + "|" + (r.stale ? "S" : "-")];
    ++a.count;
    if (a.first.empty() || r.ts < a.first) a.first = r.ts;
    if (a.last.empty() || r.ts > a.last) a.last = r.ts;
  }
  for (const auto& s : recorder.Summaries()) {
    Agg& a = got[s.indicator_id + "|" + s.value + "|" + s.where + "|" + s.site + "|" + (s.stale ? "S" : "-")];
    EXPECT_EQ(a.count, 0u) << "two summaries for one key";
    a.count += s.count;
    a.first = FormatRfc3339(s.first, 6);
    a.last = FormatRfc3339(s.last, 6);
  }
  EXPECT_GT(want.size(), 3000u);
  ASSERT_EQ(got.size(), want.size());
  for (const auto& [k, a] : want) {
    auto it = got.find(k);
    ASSERT_NE(it, got.end()) << k;
    EXPECT_EQ(it->second.count, a.count) << k;
    EXPECT_EQ(it->second.first, a.first) << k;
    EXPECT_EQ(it->second.last, a.last) << k;
  }
  EXPECT_EQ(got.count("later|198.51.100.3|conn.resp_h||S"), 1u);
  EXPECT_EQ(got["orig|10.20.10.32|conn.orig_h||-"].count, 6000u);
}

// Background writes (the recorder's writer thread) store exactly the rows the calling thread
// stores: several chunks, a second input appearing mid-stream and notable observations in between.
TEST_F(RecorderTest, BackgroundWritesStoreTheSameRows) {
  std::vector<intel::Indicator> inds = {Ind("net", "ipv4-addr", "198.51.100.0/24"), Ind("host", "ipv4-addr", "198.51.100.7")};
  auto compiled = CompileIntel(inds);
  ASSERT_TRUE(compiled.ok());
  ingest::InputInfo second = info_;
  second.path = "/captures/second.pcap";
  second.sha256 = std::string(64, 'b');
  auto run = [&](bool background, const std::string& path) {
    std::filesystem::remove(path);
    auto st = store::CaseStore::Open(path);
    EXPECT_TRUE(st.ok());
    RecorderOptions ro;
    ro.background_writes = background;
    ro.batch_rows = 7000;  // commits inside chunks too
    HuntRecorder recorder(**st, *compiled->index, ro);
    Hunter hunter(*compiled, {}, recorder);
    const size_t n = 2 * HuntRecorder::kSightingChunk + 1234;
    for (size_t i = 0; i < n; ++i) {
      Observation o = Conn(i, ("198.51.100." + std::to_string(i % 11)).c_str());
      if (i >= n / 2) o.src.input = &second;
      EXPECT_TRUE(hunter.OnObservation(o).ok());
      EXPECT_TRUE(recorder.OnObservation(o).ok());
      if (i % 5000 == 0) {
        Observation g;
        g.kind = ObservationKind::kGrid;
        g.ts = o.ts;
        g.site = "sub-1";
        g.src = o.src;
        EXPECT_TRUE(recorder.OnObservation(g).ok());
      }
    }
    EXPECT_TRUE(recorder.Finish({&info_, &second}).ok());
    ExpectReferencesHold(**st);
    return StoredRows(**st);
  };
  auto fg = run(false, path_ + ".fg.db");
  auto bg = run(true, path_ + ".bg.db");
  // 2 * chunk + 1234 conns; 2 of 11 responders hit both indicators (.7 exact and the /24), the
  // others the /24 only, and .0 is the network address (inside the /24 too).
  EXPECT_GT(fg.size(), 2 * HuntRecorder::kSightingChunk);
  EXPECT_EQ(fg, bg);
  for (const char* db : {".fg.db", ".bg.db"})
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + db + suffix);
}

// A hunt that fails leaves nothing: its batch rolls back, sighting groups included. A later hunt
// through the same store (one process: a server, a test) must store its groups again, although the
// store cached their ids; with foreign-key checks off nothing else would notice the missing rows,
// and the view `sightings` (a join) would hide the records.
TEST_F(RecorderTest, AHuntAfterARolledBackOneStoresItsGroupsAgain) {
  std::vector<intel::Indicator> inds = {Ind("host", "ipv4-addr", "198.51.100.7")};
  auto compiled = CompileIntel(inds);
  ASSERT_TRUE(compiled.ok());
  {
    RecorderOptions ro;
    ro.batch_rows = 1000000;  // one batch: nothing is committed before Finish()
    HuntRecorder recorder(*store_, *compiled->index, ro);
    Hunter hunter(*compiled, {}, recorder);
    for (uint64_t i = 1; i <= HuntRecorder::kSightingChunk; ++i) {
      Observation o = Conn(i, "198.51.100.7");
      ASSERT_TRUE(hunter.OnObservation(o).ok());
      ASSERT_TRUE(recorder.OnObservation(o).ok());
    }
    // The chunk is inserted (groups cached by the store), then the recorder goes away without
    // Finish(): its open batch rolls back.
  }
  auto none = store_->ListSightings();
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  {
    HuntRecorder recorder(*store_, *compiled->index, {});
    Hunter hunter(*compiled, {}, recorder);
    Observation o = Conn(9, "198.51.100.7");
    ASSERT_TRUE(hunter.OnObservation(o).ok());
    ASSERT_TRUE(recorder.OnObservation(o).ok());
    ASSERT_TRUE(recorder.Finish({&info_}).ok());
  }
  auto rows = store_->ListSightings();
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].seen_where, "conn.resp_h");
  EXPECT_EQ((*rows)[0].record, 9);
  ExpectReferencesHold(*store_);
}

// With IngestOptions::decode_before_digest an input's SHA-256 may still be computing when its
// sightings arrive: the recorder holds them (no input row yet, the chunk grows past
// kSightingChunk) and in the end stores exactly what it stores when the digests come first. The
// hashing thread is held at a FIFO listed before the inputs, so "still computing" is certain.
TEST_F(RecorderTest, PendingDigestsStoreTheSameRows) {
  std::vector<intel::Indicator> inds = {Ind("net", "ipv4-addr", "198.51.100.0/24"), Ind("host", "ipv4-addr", "198.51.100.7")};
  auto compiled = CompileIntel(inds);
  ASSERT_TRUE(compiled.ok());
  const std::string first_path = path_ + ".first.pcap", second_path = path_ + ".second.pcap", gate = path_ + ".gate";
  ASSERT_TRUE(WriteFile(first_path, "first capture").ok());
  ASSERT_TRUE(WriteFile(second_path, "second capture").ok());
  auto run = [&](bool pending, const std::string& db) {
    std::filesystem::remove(db);
    auto st = store::CaseStore::Open(db);
    EXPECT_TRUE(st.ok());
    RecorderOptions ro;
    ro.background_writes = true;
    HuntRecorder recorder(**st, *compiled->index, ro);
    Hunter hunter(*compiled, {}, recorder);
    ingest::InputInfo first = info_, second = info_;
    first.path = first_path;
    second.path = second_path;
    std::filesystem::remove(gate);
    EXPECT_EQ(::mkfifo(gate.c_str(), 0600), 0);
    std::optional<FileDigests> digests;
    bool gate_open = !pending;  // nothing reads the FIFO when the digests are known up front
    auto open_gate = [&] {  // the hashing thread reads the FIFO to its end, then hashes the inputs
      if (gate_open) return;
      gate_open = true;
      FILE* f = std::fopen(gate.c_str(), "wb");
      if (f) std::fclose(f);
    };
    if (pending) {
      digests.emplace(std::vector<std::string>{gate, first_path, second_path});
      first.sha256.clear();
      second.sha256.clear();
      first.pending_digest = second.pending_digest = &*digests;
    } else {
      first.sha256 = *Sha256File(first_path);
      second.sha256 = *Sha256File(second_path);
    }
    const size_t n = 3 * HuntRecorder::kSightingChunk;
    for (size_t i = 0; i < n; ++i) {
      if (i == n / 2) {
        if (pending) {  // 1.5 chunks of the first input's sightings held, no input row
          EXPECT_EQ(recorder.InputId(&first), 0);
          EXPECT_TRUE(first.sha256.empty());
          open_gate();
        }
        EXPECT_TRUE(first.AwaitSha256().ok());  // as ReadInputs does before the next input
      }
      Observation o = Conn(i + 1, ("198.51.100." + std::to_string(i % 11)).c_str());
      o.src.input = i < n / 2 ? &first : &second;
      EXPECT_TRUE(hunter.OnObservation(o).ok());
      EXPECT_TRUE(recorder.OnObservation(o).ok());
    }
    open_gate();
    EXPECT_TRUE(second.AwaitSha256().ok());
    EXPECT_TRUE(recorder.Finish({&first, &second}).ok());
    ExpectReferencesHold(**st);
    std::filesystem::remove(gate);
    return StoredRows(**st);
  };
  auto known = run(false, path_ + ".known.db");
  auto pending = run(true, path_ + ".pending.db");
  EXPECT_GT(known.size(), 3 * HuntRecorder::kSightingChunk);
  EXPECT_EQ(known, pending);
  ASSERT_GE(known.size(), 2u);
  EXPECT_EQ(known[known.size() - 2], "input|1|" + first_path + "|" + *Sha256File(first_path) + "|complete|" +
                                         std::to_string(3 * HuntRecorder::kSightingChunk / 2));
  for (const char* db : {".known.db", ".pending.db"})
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + db + suffix);
  std::filesystem::remove(first_path);
  std::filesystem::remove(second_path);
}

// The streaming compiler (one indicator at a time, as `onus hunt` feeds it from the import) builds
// the same index as CompileIntel over the whole vector, and lookups agree.
TEST(IntelCompilerTest, StreamingEqualsBatch) {
  std::vector<intel::Indicator> inds = {
      Ind("a", "ipv4-addr", "45.77.107.26"), Ind("b", "ipv4-addr", "45.77.0.0/16"),
      Ind("c", "domain-name", "camdvr.org"), Ind("d", "sha256", std::string(64, 'e')),
      Ind("e", "sha512", std::string(128, 'a')),  // unsupported value type
  };
  intel::Indicator pat;
  pat.id = "p";
  pat.source_id = "identity--test";
  pat.pattern = "[network-traffic:dst_port = 502]";
  inds.push_back(pat);
  inds[0].valid_from = Timestamp::FromSeconds(100);
  inds[0].valid_until = Timestamp::FromSeconds(200);
  auto batch = CompileIntel(inds);
  ASSERT_TRUE(batch.ok());
  IntelCompiler c;
  for (const auto& i : inds) c.Add(i);
  EXPECT_EQ(c.added(), inds.size());
  auto streamed = c.Finish();
  ASSERT_TRUE(streamed.ok());
  EXPECT_FALSE(c.Finish().ok());  // spent
  EXPECT_EQ(streamed->index->indicator_count(), batch->index->indicator_count());
  EXPECT_EQ(streamed->index->entry_count(), batch->index->entry_count());
  EXPECT_EQ(streamed->unsupported_values, 1u);
  ASSERT_EQ(streamed->patterns.size(), 1u);
  EXPECT_EQ(streamed->patterns[0].pattern, pat.pattern);
  for (uint32_t i = 0; i < streamed->index->indicator_count(); ++i) {
    EXPECT_EQ(streamed->index->indicator_id(i), batch->index->indicator_id(i));
    EXPECT_EQ(streamed->index->indicator(i).valid_from_ns, batch->index->indicator(i).valid_from_ns);
    EXPECT_EQ(streamed->index->indicator(i).valid_until_ns, batch->index->indicator(i).valid_until_ns);
  }
}

}  // namespace
}  // namespace onus::match
