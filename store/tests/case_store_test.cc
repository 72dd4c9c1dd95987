#include "onus/store/case_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>

namespace onus::store {
namespace {

class CaseStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = ::testing::TempDir() + "/onus_case_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db";
    std::remove(path_.c_str());
    auto s = CaseStore::Open(path_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }
  void TearDown() override {
    store_.reset();
    std::remove(path_.c_str());
    std::remove((path_ + "-wal").c_str());
    std::remove((path_ + "-shm").c_str());
  }
  std::string path_;
  std::unique_ptr<CaseStore> store_;
};

TEST_F(CaseStoreTest, MigratesToCurrentVersionAndReopens) {
  EXPECT_EQ(store_->SchemaVersion(), kSchemaVersion);
  store_.reset();
  auto again = CaseStore::Open(path_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->SchemaVersion(), kSchemaVersion);
}

TEST_F(CaseStoreTest, UpgradesAVersionOneCaseInPlace) {
  // Make the fresh case look like a version-1 case (one sightings table without annotations, no
  // inputs.scope), with rows, and reopen: every migration runs on real rows.
  Status v1 = store_->db().Exec(
      "DROP TRIGGER sightings_insert; DROP VIEW sightings; DROP TABLE sighting_records; DROP TABLE sighting_groups;"
      "CREATE TABLE sightings(id INTEGER PRIMARY KEY, indicator_id TEXT NOT NULL, value TEXT NOT NULL,"
      " value_type TEXT NOT NULL DEFAULT '', seen_where TEXT NOT NULL, ts TEXT NOT NULL, site TEXT NOT NULL DEFAULT '',"
      " segment TEXT NOT NULL DEFAULT '', orig_h TEXT NOT NULL DEFAULT '', resp_h TEXT NOT NULL DEFAULT '',"
      " uid TEXT NOT NULL DEFAULT '', community_id TEXT NOT NULL DEFAULT '', stale INTEGER NOT NULL DEFAULT 0,"
      " input_id INTEGER NOT NULL REFERENCES inputs(id), record INTEGER NOT NULL, record_type TEXT NOT NULL,"
      " UNIQUE(indicator_id, input_id, record, seen_where, value));"
      "CREATE INDEX sightings_indicator ON sightings(indicator_id);"
      "ALTER TABLE inputs DROP COLUMN scope;");
  ASSERT_TRUE(v1.ok()) << v1.message();
  ASSERT_TRUE(store_->db()
                  .Exec("INSERT INTO inputs(path, sha256, size, kind, ingested_at, state) "
                        "VALUES('old.log', '0ld', 1, 'zeek-tsv', 't', 'complete')")
                  .ok());
  // Two records of one (indicator, value, where) and one of another value: two groups, three records.
  ASSERT_TRUE(store_->db()
                  .Exec("INSERT INTO sightings(indicator_id, value, value_type, seen_where, ts, site, orig_h, resp_h,"
                        " uid, input_id, record, record_type) VALUES"
                        "('indicator--a', '198.51.100.7', 'ipv4-addr', 'conn.resp_h', '2021-03-01T00:00:02.000000Z',"
                        " 'HQ', '10.0.0.1', '198.51.100.7', 'C1', 1, 7, 'line'),"
                        "('indicator--a', '198.51.100.7', 'ipv4-addr', 'conn.resp_h', '2021-03-01T00:00:01.000000Z',"
                        " 'HQ', '10.0.0.2', '198.51.100.7', 'C2', 1, 5, 'line'),"
                        "('indicator--a', '198.51.100.8', 'ipv4-addr', 'conn.resp_h', '2021-03-01T00:00:03.000000Z',"
                        " 'HQ', '10.0.0.2', '198.51.100.8', 'C3', 1, 9, 'line')")
                  .ok());
  ASSERT_TRUE(store_->db().Exec("DELETE FROM schema_version WHERE version >= 2").ok());
  ASSERT_TRUE(store_->db().Exec("INSERT INTO assessments(created_at, format, content) VALUES('t', 'json', '{}')").ok());
  store_.reset();
  auto s = CaseStore::Open(path_);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ((*s)->SchemaVersion(), kSchemaVersion);
  auto inputs = (*s)->ListInputs();
  ASSERT_TRUE(inputs.ok());
  ASSERT_EQ(inputs->size(), 1u);
  EXPECT_EQ((*inputs)[0].scope, "all");
  auto has = (*s)->db().Prepare("SELECT COUNT(*) FROM pragma_table_info('sightings') WHERE name = 'annotations_json'");
  ASSERT_TRUE(has.ok());
  ASSERT_TRUE(has->Step());
  EXPECT_EQ(has->ColumnInt(0), 1);
  auto sightings = (*s)->ListSightings();
  ASSERT_TRUE(sightings.ok()) << sightings.status().ToString();
  ASSERT_EQ(sightings->size(), 3u);
  EXPECT_EQ((*sightings)[0].record, 5);  // by time
  EXPECT_EQ((*sightings)[0].uid, "C2");
  EXPECT_EQ((*sightings)[0].orig_h, "10.0.0.2");
  EXPECT_EQ((*sightings)[0].site, "HQ");
  EXPECT_EQ((*sightings)[0].annotations_json, "[]");
  EXPECT_EQ((*sightings)[1].record, 7);
  EXPECT_EQ((*sightings)[0].id, (*sightings)[1].id);  // one group
  EXPECT_EQ((*sightings)[2].value, "198.51.100.8");
  EXPECT_NE((*sightings)[2].id, (*sightings)[0].id);
  auto groups = (*s)->db().Prepare("SELECT COUNT(*) FROM sighting_groups");
  ASSERT_TRUE(groups.ok());
  ASSERT_TRUE(groups->Step());
  EXPECT_EQ(groups->ColumnInt(0), 2);
  EXPECT_EQ(*(*s)->Count("sightings"), 3);
  auto kept = (*s)->Count("assessments");
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(*kept, 1);
}

TEST_F(CaseStoreTest, RefusesNewerSchema) {
  ASSERT_TRUE(store_->db().Exec("INSERT INTO schema_version(version) VALUES(99)").ok());
  store_.reset();
  auto s = CaseStore::Open(path_);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kUnsupported);
}

TEST_F(CaseStoreTest, RejectsNonDatabaseFile) {
  std::string bad = path_ + ".notdb";
  FILE* f = std::fopen(bad.c_str(), "wb");
  std::fputs("this is not an sqlite database, just text long enough to have a header.............", f);
  std::fclose(f);
  auto s = CaseStore::Open(bad);
  EXPECT_FALSE(s.ok());
  std::remove(bad.c_str());
}

TEST_F(CaseStoreTest, SameInputIsIdempotent) {
  auto a = store_->BeginInput("a.log", "abc", 10, "zeek-tsv", "2026-01-01T00:00:00Z");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->state, "ingesting");
  ASSERT_TRUE(store_->CompleteInput(a->id, 3).ok());
  auto b = store_->BeginInput("renamed.log", "abc", 10, "zeek-tsv", "2026-01-02T00:00:00Z");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->id, a->id);
  EXPECT_EQ(b->state, "complete");
  EXPECT_EQ(b->path, "a.log");
  EXPECT_EQ(*store_->Count("inputs"), 1);
}

TEST_F(CaseStoreTest, SightedOnlyInputCanBeCompletedButNeverDowngraded) {
  auto a = store_->BeginInput("feed.txt", "f00d", 10, "list", "2026-01-01T00:00:00Z");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->scope, "all");
  Status marked = store_->CompleteInputSightedOnly(a->id, 7);
  ASSERT_TRUE(marked.ok()) << marked.message();
  auto b = store_->BeginInput("feed.txt", "f00d", 10, "list", "2026-01-01T00:00:00Z");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->state, "complete");
  EXPECT_EQ(b->scope, "sighted");
  EXPECT_EQ(b->records, 7);
  ASSERT_TRUE(store_->CompleteInput(a->id, 7).ok());
  ASSERT_TRUE(store_->CompleteInputSightedOnly(a->id, 7).ok());
  auto c = store_->BeginInput("feed.txt", "f00d", 10, "list", "2026-01-01T00:00:00Z");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->state, "complete");
  EXPECT_EQ(c->scope, "all");
  EXPECT_FALSE(store_->db().Exec("UPDATE inputs SET scope='some'").ok());  // CHECK constraint
}

// A conn.resp_h sighting of 198.51.100.7 by indicator--1 in a fresh input, at `record`.
SightingRow ConnSighting(CaseStore& store, int64_t record) {
  auto in = store.BeginInput("c.log", "def", 1, "zeek-tsv", "2026-01-01T00:00:00Z");
  EXPECT_TRUE(in.ok());
  SightingRow s;
  s.indicator_id = "indicator--1";
  s.value = "198.51.100.7";
  s.value_type = "ipv4-addr";
  s.seen_where = "conn.resp_h";
  s.ts = "2021-03-01T00:00:00.000000Z";
  s.input_id = in.ok() ? in->id : 0;
  s.record = record;
  return s;
}

TEST_F(CaseStoreTest, SightingsDeduplicateByRecord) {
  SightingRow s = ConnSighting(*store_, 42);
  ASSERT_TRUE(store_->AddSighting(s).ok());
  ASSERT_TRUE(store_->AddSighting(s).ok());
  s.record = 43;
  ASSERT_TRUE(store_->AddSighting(s).ok());
  auto all = store_->ListSightings();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].record, 42);
}

TEST_F(CaseStoreTest, SightingGroupsSurviveARolledBackTransaction) {
  SightingRow s = ConnSighting(*store_, 1);
  {
    auto tx = Transaction::Begin(store_->db());
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(store_->AddSighting(s).ok());  // the group is stored and its id cached...
  }                                           // ...and rolled back with the record
  EXPECT_EQ(*store_->Count("sightings"), 0);
  s.record = 2;
  Status again = store_->AddSighting(s);  // the cached id names no row: the group is stored again
  ASSERT_TRUE(again.ok()) << again.message();
  auto all = store_->ListSightings();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].record, 2);
  EXPECT_EQ((*all)[0].value_type, "ipv4-addr");
}

TEST_F(CaseStoreTest, TheSightingsViewTakesInsertsLikeTheOldTable) {
  // Tools that wrote the pre-4 table directly (e.g. test fixtures) insert through the view.
  auto in = store_->BeginInput("c.log", "def", 1, "zeek-tsv", "2026-01-01T00:00:00Z");
  ASSERT_TRUE(in.ok());
  const std::string sql = "INSERT OR IGNORE INTO sightings(indicator_id, value, value_type, seen_where, ts, uid, "
                          "input_id, record, record_type) VALUES('indicator--9', 'evil.example', 'domain-name', "
                          "'dns.query', '2021-03-01T00:00:00.000000Z', 'C9', " +
                          std::to_string(in->id) + ", 3, 'line')";
  ASSERT_TRUE(store_->db().Exec(sql).ok());
  ASSERT_TRUE(store_->db().Exec(sql).ok());  // the same record again: ignored
  auto all = store_->ListSightings();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].value, "evil.example");
  EXPECT_EQ((*all)[0].uid, "C9");
  EXPECT_EQ((*all)[0].community_id, "");
  EXPECT_EQ((*all)[0].annotations_json, "[]");
  SightingRow same = (*all)[0];  // and AddSighting finds the group the trigger stored
  same.record = 4;
  ASSERT_TRUE(store_->AddSighting(same).ok());
  auto groups = store_->db().Prepare("SELECT COUNT(*) FROM sighting_groups");
  ASSERT_TRUE(groups.ok());
  ASSERT_TRUE(groups->Step());
  EXPECT_EQ(groups->ColumnInt(0), 1);
  EXPECT_EQ(*store_->Count("sightings"), 2);
}

TEST_F(CaseStoreTest, SightingNeedsAKnownInput) {
  SightingRow s;
  s.indicator_id = "indicator--1";
  s.value = "x";
  s.seen_where = "dns.query";
  s.ts = "2021-03-01T00:00:00.000000Z";
  s.input_id = 999;  // foreign keys are on
  s.record = 1;
  EXPECT_FALSE(store_->AddSighting(s).ok());
}

TEST_F(CaseStoreTest, FindingsReplaceAndSortByScore) {
  auto in = store_->BeginInput("conn.log", "f00", 1, "zeek-tsv", "2026-01-01T00:00:00Z");
  ASSERT_TRUE(in.ok());
  FindingRow f;
  f.kind = "beacon";
  f.key = "10.0.0.1->198.51.100.7";
  f.score = 0.5;
  f.severity = "medium";
  f.first_seen = f.last_seen = "2021-03-01T00:00:00.000000Z";
  f.count = 10;
  f.provenance = {{in->id, 5, "line"}, {in->id, 9, "line"}};
  ASSERT_TRUE(store_->PutFinding(f).ok());
  f.score = 0.9;  // recomputed: replaces, never duplicates
  ASSERT_TRUE(store_->PutFinding(f).ok());
  FindingRow g = f;
  g.key = "10.0.0.2->198.51.100.8";
  g.score = 0.7;
  g.provenance.clear();
  ASSERT_TRUE(store_->PutFinding(g).ok());
  auto all = store_->ListFindings();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_DOUBLE_EQ((*all)[0].score, 0.9);
  EXPECT_EQ((*all)[0].provenance.size(), 2u);
  EXPECT_EQ((*all)[1].key, "10.0.0.2->198.51.100.8");
}

TEST_F(CaseStoreTest, EvidenceKeepsProvenanceAndAssessmentsAreVersioned) {
  auto in = store_->BeginInput("x.pcap", "0a0b", 1, "pcap", "2026-01-01T00:00:00Z");
  ASSERT_TRUE(in.ok());
  EvidenceRow e;
  e.id = "ev-1";
  e.type = "network-sighting";
  e.about = "198.51.100.7";
  e.provenance = {{in->id, 17, "packet"}};
  ASSERT_TRUE(store_->PutEvidence(e).ok());
  ASSERT_TRUE(store_->PutEvidence(e).ok());
  auto ev = store_->ListEvidence();
  ASSERT_TRUE(ev.ok());
  ASSERT_EQ(ev->size(), 1u);
  ASSERT_EQ((*ev)[0].provenance.size(), 1u);
  EXPECT_EQ((*ev)[0].provenance[0].record_type, "packet");
  ASSERT_TRUE(store_->AddAssessment({0, "2026-01-01T00:00:00Z", "json", "{\"a\":1}"}).ok());
  ASSERT_TRUE(store_->AddAssessment({0, "2026-01-02T00:00:00Z", "json", "{\"a\":2}"}).ok());
  auto latest = store_->LatestAssessment("json");
  ASSERT_TRUE(latest.ok() && latest->has_value());
  EXPECT_EQ((*latest)->content, "{\"a\":2}");
  EXPECT_FALSE(store_->Count("sqlite_master; DROP TABLE x").ok());
}

TEST_F(CaseStoreTest, TransactionRollsBackWhenNotCommitted) {
  {
    auto tx = Transaction::Begin(store_->db());
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(store_->UpsertSource({"src-1", "Vendor", "vendor", "B2", "{}"}).ok());
  }
  EXPECT_EQ(*store_->Count("sources"), 0);
  {
    auto tx = Transaction::Begin(store_->db());
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(store_->UpsertSource({"src-1", "Vendor", "vendor", "B2", "{}"}).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  EXPECT_EQ(*store_->Count("sources"), 1);
}

}  // namespace
}  // namespace onus::store
