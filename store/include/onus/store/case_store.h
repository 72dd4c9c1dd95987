// The case file: one SQLite database per investigation, holding what was read (inputs), what the
// intelligence says (sources, indicators, STIX objects), what was seen (sightings, notable
// observations, findings), what it is worth (evidence with provenance) and what was concluded
// (assessments). Schema: docs in store/README.md; migrations in src/schema.cc.
//
// Contract:
// - Inputs are identified by SHA-256. BeginInput() on an input already `complete` says so and the
//   caller skips it (re-ingest is idempotent). An input left `ingesting` by a killed writer is
//   resumed: rows are keyed by (input, record, ...) with INSERT OR IGNORE, so re-processing the
//   records a killed run had already committed creates no duplicates.
// - Writers batch rows in transactions (Transaction); a kill -9 loses at most the open batch.
// - All times are stored as RFC 3339 text with microseconds (sortable).
// - Write statements are prepared once per CaseStore and reused (bulk imports of 1M rows), so a
//   CaseStore keeps a few prepared statements open until it is destroyed.
// Thread-safety: a CaseStore belongs to one thread at a time (SQLite connection semantics).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "onus/core/result.h"
#include "onus/store/sqlite.h"

namespace onus::store {

inline constexpr int kSchemaVersion = 4;

struct InputRow {
  int64_t id = 0;
  std::string path, sha256, kind;  // kind: pcap, zeek-tsv, zeek-json, eve, grid, stix, misp, csv, context, claims...
  int64_t size = 0;
  std::string ingested_at;
  std::string state;  // "ingesting" | "complete"
  // "all": everything the file holds is stored. "sighted": an intel file read by `onus hunt
  // --intel`: its sources and STIX objects are stored, its indicators only where sighted (`onus
  // intel import` of the same file stores the rest and makes it "all").
  std::string scope = "all";
  int64_t records = 0;
};

struct SourceRow {
  std::string id;  // stable: STIX identity id, feed URL or file-derived name
  std::string name, type, grade;  // grade: Admiralty "B2"
  std::string detail_json = "{}";
};

struct IndicatorRow {
  std::string id;  // STIX id (or derived UUIDv5 for non-STIX feeds)
  std::string pattern, pattern_type = "stix", name;
  std::string value_type, value;  // for single-value indicators (ipv4-addr, domain-name, ...), else empty
  std::string valid_from, valid_until;
  int64_t confidence = -1;  // -1 when absent
  bool revoked = false;
  std::string source_id, grade, report_id;
  std::string labels_json = "[]";
  int64_t input_id = 0, line = 0;
};

// A STIX (or STIX-mapped) domain object kept whole: intrusion-set, malware, tool, campaign,
// attack-pattern, infrastructure, identity, report, opinion, relationship, sighting, location...
struct StixObjectRow {
  std::string id, type, name;
  std::string json;
  std::string source_id;
  int64_t input_id = 0, line = 0;
};

// One matching record. Aggregates (first/last seen, count) are queries over these rows.
// Stored as a group (indicator, value, where: table sighting_groups) and one lean row per record
// (sighting_records); the view `sightings` shows them joined, one row per record, as SightingRow.
struct SightingRow {
  int64_t id = 0;  // the sighting's group (sighting_groups.id): the same for every record of it
  std::string indicator_id, value, value_type, seen_where;  // seen_where: "conn.resp_h", "dns.query"...
  std::string ts, site, segment;
  std::string orig_h, resp_h, uid, community_id;
  bool stale = false;  // indicator outside its validity window at ts
  int64_t input_id = 0, record = 0;
  std::string record_type = "line";  // "line" | "packet"
  // Infrastructure context of the seen value: a JSON array of {"kind", "list", "source", ...}
  // (MISP warning lists: cdn, cloud, public-dns, sinkhole...; case-context notes).
  std::string annotations_json = "[]";
};

// Observations later stages need individually: ICS commands, grid events, flows into OT segments,
// connections to/from infrastructure of interest. kind = observation kind ("ics", "grid", "conn"...).
struct ObservationRow {
  int64_t id = 0;
  std::string kind, ts, site, segment;
  std::string orig_h, resp_h;
  int64_t resp_p = 0;
  std::string proto, json;
  int64_t input_id = 0, record = 0;
  std::string record_type = "line";
};

struct ProvenanceRef {
  int64_t input_id = 0, record = 0;
  std::string record_type = "line";
};

struct FindingRow {
  int64_t id = 0;
  std::string kind;  // beacon, long-connection, strobe, dns-c2, dynamic-dns, rare-destination, exfil-upload
  std::string key;   // the pair or subject, e.g. "10.1.2.3->198.51.100.7" or "10.1.2.3->evil.example"
  std::string window;  // "" for whole-run, "2021-03-01" for a day, "multi-day"
  double score = 0;
  std::string severity;  // low | medium | high | critical
  std::string src, dst, site, segment;
  std::string first_seen, last_seen;
  int64_t count = 0;
  std::string techniques_json = "[]";
  std::string detail_json = "{}";
  std::vector<ProvenanceRef> provenance;  // capped sample of the records it rests on
};

// An evidence item as stored by `onus assess` (see /work/shared/design/evidence-model.md).
struct EvidenceRow {
  std::string id, type, about;
  std::string scope_json = "{}";
  std::string first_seen, last_seen;
  int64_t count = 0;
  std::string source, grade;
  std::string derived_from_json = "[]";
  std::string detail_json = "{}";
  std::vector<ProvenanceRef> provenance;
};

struct AssessmentRow {
  int64_t id = 0;
  std::string created_at, format, content;
};

class CaseStore {
 public:
  // Opens or creates the case and migrates it to kSchemaVersion. A newer schema than this build
  // knows is refused (Status::Unsupported).
  static Result<std::unique_ptr<CaseStore>> Open(const std::string& path);
  ~CaseStore();

  Database& db() { return *db_; }
  int SchemaVersion() const { return version_; }

  // Inputs. BeginInput returns the row; row.state == "complete" means "already ingested: skip".
  Result<InputRow> BeginInput(const std::string& path, const std::string& sha256, int64_t size,
                              const std::string& kind, const std::string& now_rfc3339);
  Status CompleteInput(int64_t input_id, int64_t records);
  // Marks an input complete with scope "sighted", unless it is already complete with scope "all".
  Status CompleteInputSightedOnly(int64_t input_id, int64_t records);
  Result<std::vector<InputRow>> ListInputs();
  Result<std::optional<InputRow>> FindInput(int64_t id);

  Status UpsertSource(const SourceRow& s);
  Status UpsertIndicator(const IndicatorRow& r);
  Status UpsertStixObject(const StixObjectRow& r);
  // INSERT OR IGNORE on (indicator, input, record, where, value). The group's value_type is the
  // first one stored; every other field is the record's. Group ids are cached by the store.
  Status AddSighting(const SightingRow& r);
  // The same in two steps, for a writer that keeps group ids itself: the id of r's group
  // (indicator_id, value, seen_where; value_type when new), stored if need be, then r's record in
  // that group (INSERT OR IGNORE on group, input, record; r's group fields are not read).
  Result<int64_t> SightingGroupId(const SightingRow& r) {
    bool cached = false;
    return SightingGroup(r, cached);
  }
  Status AddSightingRecord(int64_t group, const SightingRow& r);
  // Drops the cached group ids (a transaction rolled back since may have taken rows they name).
  void ForgetSightingGroups() { sighting_groups_.clear(); }
  Status AddObservation(const ObservationRow& r);  // INSERT OR IGNORE on (input, record, kind)
  // Replaces any finding with the same (kind, key, window) — analytics recompute, never duplicate.
  Status PutFinding(const FindingRow& r);
  Result<int64_t> AddAssessment(const AssessmentRow& r);
  // Replaces the item with the same id and its provenance rows.
  Status PutEvidence(const EvidenceRow& r);

  Result<std::vector<SourceRow>> ListSources();
  Result<std::vector<IndicatorRow>> ListIndicators();
  // Streams the indicator rows (unordered) without holding them all: `fn` sees each row once (the
  // row object is reused between calls). When `pattern_only_for_multi` is set, `pattern` is read
  // only for rows without a single value (value_type empty) — what matching needs — and
  // name/labels_json are left empty. Stops at the first error `fn` returns.
  Status ForEachIndicator(const std::function<Status(const IndicatorRow&)>& fn, bool pattern_only_for_multi = false);
  Result<int64_t> CountIndicatorsOutside(const std::vector<int64_t>& input_ids);
  Result<std::vector<StixObjectRow>> ListStixObjects(const std::string& type = "");
  // Every sighting, ordered by (ts, input, record, where, value, indicator).
  Result<std::vector<SightingRow>> ListSightings();
  Result<std::vector<ObservationRow>> ListObservations(const std::string& kind = "");
  Result<std::vector<FindingRow>> ListFindings();  // sorted by score, highest first
  Result<std::vector<EvidenceRow>> ListEvidence();
  Result<std::optional<AssessmentRow>> LatestAssessment(const std::string& format);
  Result<int64_t> Count(const std::string& table);

 private:
  explicit CaseStore(std::unique_ptr<Database> db);
  Status Migrate();
  // The cached statement for `slot`, prepared on first use, reset and unbound.
  enum Slot { kFindInputBySha, kInsertInput, kCompleteInput, kCompleteInputSightedOnly, kUpsertSource, kUpsertIndicator, kUpsertStixObject,
              kAddSighting, kInsertSightingGroup, kFindSightingGroup, kAddObservation, kDeleteFinding,
              kInsertFinding, kAddFindingProvenance, kAddEvidenceProvenance, kSlotCount };
  Result<Statement*> Cached(Slot slot, const char* sql);
  // The id of the sighting group (indicator, value, where), stored when new. `cached` tells whether
  // it came from sighting_groups_ (a rolled-back transaction may have removed the row since).
  Result<int64_t> SightingGroup(const SightingRow& r, bool& cached);
  std::unique_ptr<Database> db_;  // declared before the statements: they are finalised first
  std::unique_ptr<Statement> statements_[kSlotCount];
  int version_ = 0;
  // Group ids by indicator_id \x1f value \x1f where. An id is a hash of its key (the next free one
  // on a collision), so a rolled-back group row comes back with the same id.
  std::unordered_map<std::string, int64_t> sighting_groups_;
  std::string group_key_;  // reused
};

}  // namespace onus::store
