// Versioned migrations of the case schema. Migration N takes a version N-1 database to N inside
// one transaction; schema_version records where a case stands.
#include <string>
#include <vector>

#include "onus/store/case_store.h"

namespace onus::store {
namespace {

const char* const kMigrations[] = {
    // 1: the initial case layout.
    R"sql(
CREATE TABLE inputs(
  id INTEGER PRIMARY KEY,
  path TEXT NOT NULL,
  sha256 TEXT NOT NULL UNIQUE,
  size INTEGER NOT NULL,
  kind TEXT NOT NULL,
  ingested_at TEXT NOT NULL,
  state TEXT NOT NULL CHECK(state IN ('ingesting','complete')),
  records INTEGER NOT NULL DEFAULT 0);
CREATE TABLE sources(
  id TEXT PRIMARY KEY, name TEXT NOT NULL, type TEXT NOT NULL DEFAULT '', grade TEXT NOT NULL DEFAULT '',
  detail_json TEXT NOT NULL DEFAULT '{}');
CREATE TABLE indicators(
  id TEXT PRIMARY KEY, pattern TEXT NOT NULL, pattern_type TEXT NOT NULL, name TEXT NOT NULL DEFAULT '',
  value_type TEXT NOT NULL DEFAULT '', value TEXT NOT NULL DEFAULT '',
  valid_from TEXT NOT NULL DEFAULT '', valid_until TEXT NOT NULL DEFAULT '',
  confidence INTEGER NOT NULL DEFAULT -1, revoked INTEGER NOT NULL DEFAULT 0,
  source_id TEXT NOT NULL DEFAULT '', grade TEXT NOT NULL DEFAULT '', report_id TEXT NOT NULL DEFAULT '',
  labels_json TEXT NOT NULL DEFAULT '[]',
  input_id INTEGER REFERENCES inputs(id), line INTEGER NOT NULL DEFAULT 0);
CREATE INDEX indicators_value ON indicators(value_type, value);
CREATE TABLE stix_objects(
  id TEXT PRIMARY KEY, type TEXT NOT NULL, name TEXT NOT NULL DEFAULT '', json TEXT NOT NULL,
  source_id TEXT NOT NULL DEFAULT '', input_id INTEGER REFERENCES inputs(id), line INTEGER NOT NULL DEFAULT 0);
CREATE INDEX stix_objects_type ON stix_objects(type);
CREATE TABLE sightings(
  id INTEGER PRIMARY KEY,
  indicator_id TEXT NOT NULL, value TEXT NOT NULL, value_type TEXT NOT NULL DEFAULT '', seen_where TEXT NOT NULL,
  ts TEXT NOT NULL, site TEXT NOT NULL DEFAULT '', segment TEXT NOT NULL DEFAULT '',
  orig_h TEXT NOT NULL DEFAULT '', resp_h TEXT NOT NULL DEFAULT '', uid TEXT NOT NULL DEFAULT '',
  community_id TEXT NOT NULL DEFAULT '', stale INTEGER NOT NULL DEFAULT 0,
  input_id INTEGER NOT NULL REFERENCES inputs(id), record INTEGER NOT NULL, record_type TEXT NOT NULL,
  UNIQUE(indicator_id, input_id, record, seen_where, value));
CREATE INDEX sightings_indicator ON sightings(indicator_id);
CREATE TABLE observations(
  id INTEGER PRIMARY KEY, kind TEXT NOT NULL, ts TEXT NOT NULL, site TEXT NOT NULL DEFAULT '',
  segment TEXT NOT NULL DEFAULT '', orig_h TEXT NOT NULL DEFAULT '', resp_h TEXT NOT NULL DEFAULT '',
  resp_p INTEGER NOT NULL DEFAULT 0, proto TEXT NOT NULL DEFAULT '', json TEXT NOT NULL DEFAULT '{}',
  input_id INTEGER NOT NULL REFERENCES inputs(id), record INTEGER NOT NULL, record_type TEXT NOT NULL,
  UNIQUE(input_id, record, kind));
CREATE TABLE findings(
  id INTEGER PRIMARY KEY, kind TEXT NOT NULL, key TEXT NOT NULL, window TEXT NOT NULL DEFAULT '',
  score REAL NOT NULL, severity TEXT NOT NULL, src TEXT NOT NULL DEFAULT '', dst TEXT NOT NULL DEFAULT '',
  site TEXT NOT NULL DEFAULT '', segment TEXT NOT NULL DEFAULT '',
  first_seen TEXT NOT NULL, last_seen TEXT NOT NULL, count INTEGER NOT NULL,
  techniques_json TEXT NOT NULL DEFAULT '[]', detail_json TEXT NOT NULL DEFAULT '{}',
  UNIQUE(kind, key, window));
CREATE TABLE finding_provenance(
  finding_id INTEGER NOT NULL REFERENCES findings(id) ON DELETE CASCADE,
  input_id INTEGER NOT NULL REFERENCES inputs(id), record INTEGER NOT NULL, record_type TEXT NOT NULL,
  UNIQUE(finding_id, input_id, record));
CREATE TABLE evidence(
  id TEXT PRIMARY KEY, type TEXT NOT NULL, about TEXT NOT NULL DEFAULT '', scope_json TEXT NOT NULL DEFAULT '{}',
  first_seen TEXT NOT NULL DEFAULT '', last_seen TEXT NOT NULL DEFAULT '', count INTEGER NOT NULL DEFAULT 0,
  source TEXT NOT NULL DEFAULT '', grade TEXT NOT NULL DEFAULT '', derived_from_json TEXT NOT NULL DEFAULT '[]',
  detail_json TEXT NOT NULL DEFAULT '{}');
CREATE TABLE evidence_provenance(
  evidence_id TEXT NOT NULL REFERENCES evidence(id) ON DELETE CASCADE,
  input_id INTEGER NOT NULL REFERENCES inputs(id), record INTEGER NOT NULL, record_type TEXT NOT NULL,
  UNIQUE(evidence_id, input_id, record));
CREATE TABLE assessments(
  id INTEGER PRIMARY KEY, created_at TEXT NOT NULL, format TEXT NOT NULL, content TEXT NOT NULL);
)sql",
    // 2: infrastructure context of a sighting's seen value (warning-list annotations, a JSON array).
    R"sql(
ALTER TABLE sightings ADD COLUMN annotations_json TEXT NOT NULL DEFAULT '[]';
)sql",
    // 3: how much of an input is stored: "all", or "sighted" (an intel file read by onus hunt --intel,
    // whose indicators are stored only where sighted). sightings_indicator goes: the UNIQUE key
    // (indicator_id, input_id, ...) already serves lookups by indicator, and every sighting paid
    // for a second index.
    R"sql(
ALTER TABLE inputs ADD COLUMN scope TEXT NOT NULL DEFAULT 'all' CHECK(scope IN ('all','sighted'));
DROP INDEX IF EXISTS sightings_indicator;
)sql",
    // 4: sightings split into their group (indicator, value, where: stored once) and one lean row per
    // record, clustered by (group, input, record) — the old UNIQUE key — without a rowid or a second
    // index, so a hunt writes each record once (before: a 17-column row and a 5-column text index
    // entry). The view `sightings` keeps the old columns for readers (and inserts, via the trigger).
    R"sql(
CREATE TABLE sighting_groups(
  id INTEGER PRIMARY KEY,
  indicator_id TEXT NOT NULL, value TEXT NOT NULL, seen_where TEXT NOT NULL, value_type TEXT NOT NULL DEFAULT '',
  UNIQUE(indicator_id, value, seen_where));
CREATE TABLE sighting_records(
  group_id INTEGER NOT NULL REFERENCES sighting_groups(id),
  input_id INTEGER NOT NULL REFERENCES inputs(id), record INTEGER NOT NULL,
  ts TEXT NOT NULL, site TEXT NOT NULL DEFAULT '', segment TEXT NOT NULL DEFAULT '',
  orig_h TEXT NOT NULL DEFAULT '', resp_h TEXT NOT NULL DEFAULT '', uid TEXT NOT NULL DEFAULT '',
  community_id TEXT NOT NULL DEFAULT '', stale INTEGER NOT NULL DEFAULT 0, record_type TEXT NOT NULL,
  annotations_json TEXT NOT NULL DEFAULT '[]',
  PRIMARY KEY(group_id, input_id, record)) WITHOUT ROWID;
INSERT OR IGNORE INTO sighting_groups(indicator_id, value, seen_where, value_type)
  SELECT indicator_id, value, seen_where, value_type FROM sightings ORDER BY id;
INSERT OR IGNORE INTO sighting_records(group_id, input_id, record, ts, site, segment, orig_h, resp_h, uid,
                                       community_id, stale, record_type, annotations_json)
  SELECT g.id, s.input_id, s.record, s.ts, s.site, s.segment, s.orig_h, s.resp_h, s.uid, s.community_id,
         s.stale, s.record_type, s.annotations_json
  FROM sightings s JOIN sighting_groups g
    ON g.indicator_id = s.indicator_id AND g.value = s.value AND g.seen_where = s.seen_where
  ORDER BY s.id;
DROP TABLE sightings;
CREATE VIEW sightings AS
  SELECT g.id AS group_id, g.indicator_id, g.value, g.value_type, g.seen_where, r.ts, r.site, r.segment,
         r.orig_h, r.resp_h, r.uid, r.community_id, r.stale, r.input_id, r.record, r.record_type,
         r.annotations_json
  FROM sighting_records r JOIN sighting_groups g ON g.id = r.group_id;
CREATE TRIGGER sightings_insert INSTEAD OF INSERT ON sightings BEGIN
  INSERT OR IGNORE INTO sighting_groups(indicator_id, value, seen_where, value_type)
    VALUES(NEW.indicator_id, NEW.value, NEW.seen_where, COALESCE(NEW.value_type, ''));
  INSERT OR IGNORE INTO sighting_records(group_id, input_id, record, ts, site, segment, orig_h, resp_h, uid,
                                         community_id, stale, record_type, annotations_json)
    VALUES((SELECT id FROM sighting_groups
            WHERE indicator_id = NEW.indicator_id AND value = NEW.value AND seen_where = NEW.seen_where),
           NEW.input_id, NEW.record, NEW.ts, COALESCE(NEW.site, ''), COALESCE(NEW.segment, ''),
           COALESCE(NEW.orig_h, ''), COALESCE(NEW.resp_h, ''), COALESCE(NEW.uid, ''),
           COALESCE(NEW.community_id, ''), COALESCE(NEW.stale, 0), COALESCE(NEW.record_type, 'line'),
           COALESCE(NEW.annotations_json, '[]'));
END;
)sql",
};

}  // namespace

Status CaseStore::Migrate() {
  ONUS_RETURN_IF_ERROR(db_->Exec("CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL)"));
  {
    // Scoped: an open statement would block the DROPs a migration may run ("table is locked").
    ONUS_ASSIGN_OR_RETURN(Statement q, db_->Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_version"));
    version_ = q.Step() ? static_cast<int>(q.ColumnInt(0)) : 0;
    ONUS_RETURN_IF_ERROR(q.status());
  }
  constexpr int kKnown = static_cast<int>(sizeof(kMigrations) / sizeof(kMigrations[0]));
  static_assert(kKnown == kSchemaVersion, "one migration per schema version");
  if (version_ > kKnown)
    return Status::Unsupported("case '" + db_->path() + "' has schema version " + std::to_string(version_) +
                               ", newer than this onus (" + std::to_string(kKnown) + ")");
  while (version_ < kKnown) {
    ONUS_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(*db_));
    ONUS_RETURN_IF_ERROR(db_->Exec(kMigrations[version_]).WithContext("migration " + std::to_string(version_ + 1)));
    ONUS_RETURN_IF_ERROR(
        db_->Exec("INSERT INTO schema_version(version) VALUES(" + std::to_string(version_ + 1) + ")"));
    ONUS_RETURN_IF_ERROR(tx.Commit());
    ++version_;
  }
  return Status::Ok();
}

}  // namespace onus::store
