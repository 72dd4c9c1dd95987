#include "onus/store/case_store.h"

#include "onus/core/hash.h"

namespace onus::store {

CaseStore::CaseStore(std::unique_ptr<Database> db) : db_(std::move(db)) {}

CaseStore::~CaseStore() {
  for (auto& st : statements_) st.reset();  // finalise before the connection closes
}

Result<std::unique_ptr<CaseStore>> CaseStore::Open(const std::string& path) {
  ONUS_ASSIGN_OR_RETURN(auto db, Database::Open(path));
  std::unique_ptr<CaseStore> s(new CaseStore(std::move(db)));
  ONUS_RETURN_IF_ERROR(s->Migrate().WithContext("case '" + path + "'"));
  return s;
}

Result<Statement*> CaseStore::Cached(Slot slot, const char* sql) {
  std::unique_ptr<Statement>& st = statements_[slot];
  if (!st) {
    ONUS_ASSIGN_OR_RETURN(Statement prepared, db_->Prepare(sql));
    st = std::make_unique<Statement>(std::move(prepared));
  } else {
    ONUS_RETURN_IF_ERROR(st->Reset());
  }
  return st.get();
}

namespace {

InputRow ReadInput(const Statement& q) {
  InputRow r;
  r.id = q.ColumnInt(0);
  r.path = q.ColumnText(1);
  r.sha256 = q.ColumnText(2);
  r.size = q.ColumnInt(3);
  r.kind = q.ColumnText(4);
  r.ingested_at = q.ColumnText(5);
  r.state = q.ColumnText(6);
  r.records = q.ColumnInt(7);
  r.scope = q.ColumnText(8);
  return r;
}

constexpr const char* kInputCols = "id, path, sha256, size, kind, ingested_at, state, records, scope";

// `st`: INSERT OR IGNORE INTO <table>(<key>, input_id, record, record_type) VALUES(?,?,?,?).
Status PutProvenance(Statement& st, const std::string& key, int64_t key_int, bool int_key,
                     const std::vector<ProvenanceRef>& refs) {
  for (const auto& p : refs) {
    if (int_key) {
      st.Bind(1, key_int);
    } else {
      st.Bind(1, std::string_view(key));
    }
    st.Bind(2, p.input_id).Bind(3, p.record).Bind(4, std::string_view(p.record_type));
    ONUS_RETURN_IF_ERROR(st.Run());
    ONUS_RETURN_IF_ERROR(st.Reset());
  }
  return Status::Ok();
}

Result<std::vector<ProvenanceRef>> GetProvenance(Database& db, const char* table, const char* key_col,
                                                 const std::string& key, int64_t key_int, bool int_key) {
  std::string sql = std::string("SELECT input_id, record, record_type FROM ") + table + " WHERE " + key_col +
                    " = ? ORDER BY input_id, record";
  ONUS_ASSIGN_OR_RETURN(Statement q, db.Prepare(sql));
  if (int_key) {
    q.Bind(1, key_int);
  } else {
    q.Bind(1, std::string_view(key));
  }
  std::vector<ProvenanceRef> out;
  while (q.Step()) out.push_back({q.ColumnInt(0), q.ColumnInt(1), q.ColumnText(2)});
  ONUS_RETURN_IF_ERROR(q.status());
  return out;
}

}  // namespace

Result<InputRow> CaseStore::BeginInput(const std::string& path, const std::string& sha256, int64_t size,
                                       const std::string& kind, const std::string& now) {
  {
    static const std::string kSql = std::string("SELECT ") + kInputCols + " FROM inputs WHERE sha256 = ?";
    ONUS_ASSIGN_OR_RETURN(Statement * qp, Cached(kFindInputBySha, kSql.c_str()));
    Statement& q = *qp;
    q.Bind(1, std::string_view(sha256));
    if (q.Step()) {
      InputRow r = ReadInput(q);
      ONUS_RETURN_IF_ERROR(q.Reset());
      return r;
    }
    ONUS_RETURN_IF_ERROR(q.status());
  }
  ONUS_ASSIGN_OR_RETURN(Statement * insp, Cached(kInsertInput, "INSERT INTO inputs(path, sha256, size, kind, "
                                                                 "ingested_at, state) VALUES(?,?,?,?,?,'ingesting')"));
  Statement& ins = *insp;
  ins.Bind(1, std::string_view(path)).Bind(2, std::string_view(sha256)).Bind(3, size).Bind(4, std::string_view(kind));
  ins.Bind(5, std::string_view(now));
  ONUS_RETURN_IF_ERROR(ins.Run());
  InputRow r;
  r.id = db_->LastInsertId();
  r.path = path;
  r.sha256 = sha256;
  r.size = size;
  r.kind = kind;
  r.ingested_at = now;
  r.state = "ingesting";
  return r;
}

Status CaseStore::CompleteInput(int64_t input_id, int64_t records) {
  ONUS_ASSIGN_OR_RETURN(Statement * qp, Cached(kCompleteInput, "UPDATE inputs SET state='complete', scope='all', records=? WHERE id=?"));
  Statement& q = *qp;
  q.Bind(1, records).Bind(2, input_id);
  return q.Run();
}

Status CaseStore::CompleteInputSightedOnly(int64_t input_id, int64_t records) {
  ONUS_ASSIGN_OR_RETURN(Statement * qp,
                        Cached(kCompleteInputSightedOnly,
                               "UPDATE inputs SET state='complete', scope='sighted', records=? "
                               "WHERE id=? AND NOT (state='complete' AND scope='all')"));
  Statement& q = *qp;
  q.Bind(1, records).Bind(2, input_id);
  return q.Run();
}

Result<std::vector<InputRow>> CaseStore::ListInputs() {
  ONUS_ASSIGN_OR_RETURN(Statement q, db_->Prepare(std::string("SELECT ") + kInputCols + " FROM inputs ORDER BY id"));
  std::vector<InputRow> out;
  while (q.Step()) out.push_back(ReadInput(q));
  ONUS_RETURN_IF_ERROR(q.status());
  return out;
}

Result<std::optional<InputRow>> CaseStore::FindInput(int64_t id) {
  ONUS_ASSIGN_OR_RETURN(Statement q, db_->Prepare(std::string("SELECT ") + kInputCols + " FROM inputs WHERE id=?"));
  q.Bind(1, id);
  if (q.Step()) return std::optional<InputRow>(ReadInput(q));
  ONUS_RETURN_IF_ERROR(q.status());
  return std::optional<InputRow>();
}

Status CaseStore::UpsertSource(const SourceRow& s) {
  ONUS_ASSIGN_OR_RETURN(Statement * qp, Cached(kUpsertSource, "INSERT INTO sources(id, name, type, grade, detail_json) "
                                                              "VALUES(?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET "
                                                              "name=excluded.name, type=excluded.type, "
                                                              "grade=excluded.grade, detail_json=excluded.detail_json"));
  Statement& q = *qp;
  q.Bind(1, std::string_view(s.id)).Bind(2, std::string_view(s.name)).Bind(3, std::string_view(s.type));
  q.Bind(4, std::string_view(s.grade)).Bind(5, std::string_view(s.detail_json));
  return q.Run();
}

Status CaseStore::UpsertIndicator(const IndicatorRow& r) {
  ONUS_ASSIGN_OR_RETURN(
      Statement * qp,
      Cached(kUpsertIndicator,
             "INSERT OR REPLACE INTO indicators(id, pattern, pattern_type, name, value_type, value, valid_from, "
             "valid_until, confidence, revoked, source_id, grade, report_id, labels_json, input_id, line) "
             "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
  Statement& q = *qp;
  q.Bind(1, std::string_view(r.id)).Bind(2, std::string_view(r.pattern)).Bind(3, std::string_view(r.pattern_type));
  q.Bind(4, std::string_view(r.name)).Bind(5, std::string_view(r.value_type)).Bind(6, std::string_view(r.value));
  q.Bind(7, std::string_view(r.valid_from)).Bind(8, std::string_view(r.valid_until)).Bind(9, r.confidence);
  q.Bind(10, int64_t{r.revoked}).Bind(11, std::string_view(r.source_id)).Bind(12, std::string_view(r.grade));
  q.Bind(13, std::string_view(r.report_id)).Bind(14, std::string_view(r.labels_json));
  if (r.input_id) {
    q.Bind(15, r.input_id);
  } else {
    q.BindNull(15);
  }
  q.Bind(16, r.line);
  return q.Run();
}

Status CaseStore::UpsertStixObject(const StixObjectRow& r) {
  ONUS_ASSIGN_OR_RETURN(Statement * qp, Cached(kUpsertStixObject, "INSERT OR REPLACE INTO stix_objects(id, type, name, "
                                                                  "json, source_id, input_id, line) VALUES(?,?,?,?,?,?,?)"));
  Statement& q = *qp;
  q.Bind(1, std::string_view(r.id)).Bind(2, std::string_view(r.type)).Bind(3, std::string_view(r.name));
  q.Bind(4, std::string_view(r.json)).Bind(5, std::string_view(r.source_id));
  if (r.input_id) {
    q.Bind(6, r.input_id);
  } else {
    q.BindNull(6);
  }
  q.Bind(7, r.line);
  return q.Run();
}

namespace {

// 63-bit hash of a group key (FNV-1a, then MurmurHash3's finaliser): a group's preferred id.
int64_t GroupHash(std::string_view key) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : key) h = (h ^ c) * 0x100000001b3ULL;
  return static_cast<int64_t>(Fmix64(h) >> 2);  // room for the probe's few next ids
}

}  // namespace

Result<int64_t> CaseStore::SightingGroup(const SightingRow& r, bool& cached) {
  group_key_.assign(r.indicator_id).push_back('\x1f');
  group_key_.append(r.value).push_back('\x1f');
  group_key_.append(r.seen_where);
  if (auto it = sighting_groups_.find(group_key_); it != sighting_groups_.end()) {
    cached = true;
    return it->second;
  }
  cached = false;
  // Try the key's hash as its id (then the next ids, on a collision with another key); an existing
  // group of the same key (stored by an earlier run or the view's trigger) is found by its key.
  int64_t want = GroupHash(group_key_);
  for (int attempt = 0; attempt < 8; ++attempt) {
    ONUS_ASSIGN_OR_RETURN(Statement * ins, Cached(kInsertSightingGroup,
                                                  "INSERT OR IGNORE INTO sighting_groups(id, indicator_id, value, "
                                                  "seen_where, value_type) VALUES(?,?,?,?,?)"));
    ins->Bind(1, want + attempt).BindView(2, r.indicator_id).BindView(3, r.value);
    ins->BindView(4, r.seen_where).BindView(5, r.value_type);
    ONUS_RETURN_IF_ERROR(ins->Run());
    int64_t id = 0;
    bool found = db_->Changes() == 1;
    if (found) {
      id = want + attempt;
    } else {
      ONUS_ASSIGN_OR_RETURN(Statement * find, Cached(kFindSightingGroup,
                                                     "SELECT id FROM sighting_groups WHERE indicator_id = ? AND "
                                                     "value = ? AND seen_where = ?"));
      find->BindView(1, r.indicator_id).BindView(2, r.value).BindView(3, r.seen_where);
      if (find->Step()) {
        found = true;
        id = find->ColumnInt(0);
      }
      ONUS_RETURN_IF_ERROR(find->status());
      ONUS_RETURN_IF_ERROR(find->Reset());  // no read left open inside the writer's transaction
    }
    if (found) {
      sighting_groups_.emplace(group_key_, id);
      return id;
    }
  }
  return Status::Internal("no free sighting group id near " + std::to_string(want));
}

Status CaseStore::AddSighting(const SightingRow& r) {
  for (int attempt = 0;; ++attempt) {
    bool cached = false;
    ONUS_ASSIGN_OR_RETURN(int64_t group, SightingGroup(r, cached));
    Status st = AddSightingRecord(group, r);
    // A cached group whose row a rolled-back transaction took away: store it again, once.
    if (!st.ok() && cached && attempt == 0) {
      sighting_groups_.erase(group_key_);
      continue;
    }
    return st;
  }
}

Status CaseStore::AddSightingRecord(int64_t group, const SightingRow& r) {
  ONUS_ASSIGN_OR_RETURN(
      Statement * qp,
      Cached(kAddSighting,
             "INSERT OR IGNORE INTO sighting_records(group_id, input_id, record, ts, site, segment, orig_h, resp_h, "
             "uid, community_id, stale, record_type, annotations_json) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)"));
  Statement& q = *qp;
  q.Bind(1, group).Bind(2, r.input_id).Bind(3, r.record).BindView(4, r.ts).BindView(5, r.site);
  q.BindView(6, r.segment).BindView(7, r.orig_h).BindView(8, r.resp_h).BindView(9, r.uid);
  q.BindView(10, r.community_id).Bind(11, int64_t{r.stale}).BindView(12, r.record_type);
  q.BindView(13, r.annotations_json.empty() ? std::string_view("[]") : std::string_view(r.annotations_json));
  return q.Run();
}

Status CaseStore::AddObservation(const ObservationRow& r) {
  ONUS_ASSIGN_OR_RETURN(Statement * qp, Cached(kAddObservation,
                                                "INSERT OR IGNORE INTO observations(kind, ts, site, segment, orig_h, "
                                                "resp_h, resp_p, proto, json, input_id, record, record_type) "
                                                "VALUES(?,?,?,?,?,?,?,?,?,?,?,?)"));
  Statement& q = *qp;
  q.Bind(1, std::string_view(r.kind)).Bind(2, std::string_view(r.ts)).Bind(3, std::string_view(r.site));
  q.Bind(4, std::string_view(r.segment)).Bind(5, std::string_view(r.orig_h)).Bind(6, std::string_view(r.resp_h));
  q.Bind(7, r.resp_p).Bind(8, std::string_view(r.proto)).Bind(9, std::string_view(r.json));
  q.Bind(10, r.input_id).Bind(11, r.record).Bind(12, std::string_view(r.record_type));
  return q.Run();
}

Status CaseStore::PutFinding(const FindingRow& r) {
  {
    ONUS_ASSIGN_OR_RETURN(Statement * delp, Cached(kDeleteFinding, "DELETE FROM findings WHERE kind=? AND key=? AND window=?"));
    Statement& del = *delp;
    del.Bind(1, std::string_view(r.kind)).Bind(2, std::string_view(r.key)).Bind(3, std::string_view(r.window));
    ONUS_RETURN_IF_ERROR(del.Run());
  }
  ONUS_ASSIGN_OR_RETURN(
      Statement * qp,
      Cached(kInsertFinding,
             "INSERT INTO findings(kind, key, window, score, severity, src, dst, site, segment, first_seen, "
             "last_seen, count, techniques_json, detail_json) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
  Statement& q = *qp;
  q.Bind(1, std::string_view(r.kind)).Bind(2, std::string_view(r.key)).Bind(3, std::string_view(r.window));
  q.Bind(4, r.score).Bind(5, std::string_view(r.severity)).Bind(6, std::string_view(r.src));
  q.Bind(7, std::string_view(r.dst)).Bind(8, std::string_view(r.site)).Bind(9, std::string_view(r.segment));
  q.Bind(10, std::string_view(r.first_seen)).Bind(11, std::string_view(r.last_seen)).Bind(12, r.count);
  q.Bind(13, std::string_view(r.techniques_json)).Bind(14, std::string_view(r.detail_json));
  ONUS_RETURN_IF_ERROR(q.Run());
  int64_t id = db_->LastInsertId();
  ONUS_ASSIGN_OR_RETURN(Statement * prov, Cached(kAddFindingProvenance,
                                                 "INSERT OR IGNORE INTO finding_provenance(finding_id, input_id, record, "
                                                 "record_type) VALUES(?,?,?,?)"));
  return PutProvenance(*prov, "", id, true, r.provenance);
}

Result<int64_t> CaseStore::AddAssessment(const AssessmentRow& r) {
  ONUS_ASSIGN_OR_RETURN(Statement q,
                        db_->Prepare("INSERT INTO assessments(created_at, format, content) VALUES(?,?,?)"));
  q.Bind(1, std::string_view(r.created_at)).Bind(2, std::string_view(r.format)).Bind(3, std::string_view(r.content));
  ONUS_RETURN_IF_ERROR(q.Run());
  return db_->LastInsertId();
}

Status CaseStore::PutEvidence(const EvidenceRow& r) {
  {
    ONUS_ASSIGN_OR_RETURN(Statement del, db_->Prepare("DELETE FROM evidence WHERE id=?"));
    del.Bind(1, std::string_view(r.id));
    ONUS_RETURN_IF_ERROR(del.Run());
  }
  ONUS_ASSIGN_OR_RETURN(Statement q,
                        db_->Prepare("INSERT INTO evidence(id, type, about, scope_json, first_seen, last_seen, count, "
                                     "source, grade, derived_from_json, detail_json) VALUES(?,?,?,?,?,?,?,?,?,?,?)"));
  q.Bind(1, std::string_view(r.id)).Bind(2, std::string_view(r.type)).Bind(3, std::string_view(r.about));
  q.Bind(4, std::string_view(r.scope_json)).Bind(5, std::string_view(r.first_seen));
  q.Bind(6, std::string_view(r.last_seen)).Bind(7, r.count).Bind(8, std::string_view(r.source));
  q.Bind(9, std::string_view(r.grade)).Bind(10, std::string_view(r.derived_from_json));
  q.Bind(11, std::string_view(r.detail_json));
  ONUS_RETURN_IF_ERROR(q.Run());
  ONUS_ASSIGN_OR_RETURN(Statement * prov, Cached(kAddEvidenceProvenance,
                                                 "INSERT OR IGNORE INTO evidence_provenance(evidence_id, input_id, "
                                                 "record, record_type) VALUES(?,?,?,?)"));
  return PutProvenance(*prov, r.id, 0, false, r.provenance);
}

Result<std::vector<SourceRow>> CaseStore::ListSources() {
  ONUS_ASSIGN_OR_RETURN(Statement q, db_->Prepare("SELECT id, name, type, grade, detail_json FROM sources ORDER BY id"));
  std::vector<SourceRow> out;
  while (q.Step()) out.push_back({q.ColumnText(0), q.ColumnText(1), q.ColumnText(2), q.ColumnText(3), q.ColumnText(4)});
  ONUS_RETURN_IF_ERROR(q.status());
  return out;
}

// Fills `r` from a row whose 16 columns are in the order of the indicators SELECTs below.
static void ReadIndicatorRow(const Statement& q, IndicatorRow& r) {
  r.id = q.ColumnText(0);
  r.pattern = q.ColumnText(1);
  r.pattern_type = q.ColumnText(2);
  r.name = q.ColumnText(3);
  r.value_type = q.ColumnText(4);
  r.value = q.ColumnText(5);
  r.valid_from = q.ColumnText(6);
  r.valid_until = q.ColumnText(7);
  r.confidence = q.ColumnInt(8);
  r.revoked = q.ColumnInt(9) != 0;
  r.source_id = q.ColumnText(10);
  r.grade = q.ColumnText(11);
  r.report_id = q.ColumnText(12);
  r.labels_json = q.ColumnText(13);
  r.input_id = q.ColumnInt(14);
  r.line = q.ColumnInt(15);
}

Result<std::vector<IndicatorRow>> CaseStore::ListIndicators() {
  ONUS_ASSIGN_OR_RETURN(Statement q,
                        db_->Prepare("SELECT id, pattern, pattern_type, name, value_type, value, valid_from, "
                                     "valid_until, confidence, revoked, source_id, grade, report_id, labels_json, "
                                     "COALESCE(input_id, 0), line FROM indicators ORDER BY id"));
  std::vector<IndicatorRow> out;
  while (q.Step()) {
    IndicatorRow r;
    ReadIndicatorRow(q, r);
    out.push_back(std::move(r));
  }
  ONUS_RETURN_IF_ERROR(q.status());
  return out;
}

Status CaseStore::ForEachIndicator(const std::function<Status(const IndicatorRow&)>& fn, bool pattern_only_for_multi) {
  const char* sql = pattern_only_for_multi
                        ? "SELECT id, CASE WHEN value_type = '' THEN pattern ELSE '' END, pattern_type, '', value_type, "
                          "value, valid_from, valid_until, confidence, revoked, source_id, grade, report_id, '[]', "
                          "COALESCE(input_id, 0), line FROM indicators"
                        : "SELECT id, pattern, pattern_type, name, value_type, value, valid_from, valid_until, "
                          "confidence, revoked, source_id, grade, report_id, labels_json, COALESCE(input_id, 0), line "
                          "FROM indicators";
  ONUS_ASSIGN_OR_RETURN(Statement q, db_->Prepare(sql));
  IndicatorRow r;
  while (q.Step()) {
    ReadIndicatorRow(q, r);
    ONUS_RETURN_IF_ERROR(fn(r));
  }
  return q.status();
}

Result<int64_t> CaseStore::CountIndicatorsOutside(const std::vector<int64_t>& input_ids) {
  std::string sql = "SELECT COUNT(*) FROM indicators WHERE COALESCE(input_id, 0) NOT IN (";
  for (size_t i = 0; i < input_ids.size(); ++i) sql += (i ? "," : "") + std::to_string(input_ids[i]);
  sql += ")";
  ONUS_ASSIGN_OR_RETURN(Statement q, db_->Prepare(sql));
  int64_t n = q.Step() ? q.ColumnInt(0) : 0;
  ONUS_RETURN_IF_ERROR(q.status());
  return n;
}

Result<std::vector<StixObjectRow>> CaseStore::ListStixObjects(const std::string& type) {
  std::string sql = "SELECT id, type, name, json, source_id, COALESCE(input_id, 0), line FROM stix_objects";
  if (!type.empty()) sql += " WHERE type = ?";
  sql += " ORDER BY id";
  ONUS_ASSIGN_OR_RETURN(Statement q, db_->Prepare(sql));
  if (!type.empty()) q.Bind(1, std::string_view(type));
  std::vector<StixObjectRow> out;
  while (q.Step())
    out.push_back({q.ColumnText(0), q.ColumnText(1), q.ColumnText(2), q.ColumnText(3), q.ColumnText(4),
                   q.ColumnInt(5), q.ColumnInt(6)});
  ONUS_RETURN_IF_ERROR(q.status());
  return out;
}

Result<std::vector<SightingRow>> CaseStore::ListSightings() {
  ONUS_ASSIGN_OR_RETURN(Statement q,
                        db_->Prepare("SELECT group_id, indicator_id, value, value_type, seen_where, ts, site, segment, "
                                     "orig_h, resp_h, uid, community_id, stale, input_id, record, record_type, "
                                     "annotations_json FROM sightings "
                                     "ORDER BY ts, input_id, record, seen_where, value, indicator_id"));
  std::vector<SightingRow> out;
  while (q.Step()) {
    SightingRow r;
    r.id = q.ColumnInt(0);
    r.indicator_id = q.ColumnText(1);
    r.value = q.ColumnText(2);
    r.value_type = q.ColumnText(3);
    r.seen_where = q.ColumnText(4);
    r.ts = q.ColumnText(5);
    r.site = q.ColumnText(6);
    r.segment = q.ColumnText(7);
    r.orig_h = q.ColumnText(8);
    r.resp_h = q.ColumnText(9);
    r.uid = q.ColumnText(10);
    r.community_id = q.ColumnText(11);
    r.stale = q.ColumnInt(12) != 0;
    r.input_id = q.ColumnInt(13);
    r.record = q.ColumnInt(14);
    r.record_type = q.ColumnText(15);
    r.annotations_json = q.ColumnText(16);
    out.push_back(std::move(r));
  }
  ONUS_RETURN_IF_ERROR(q.status());
  return out;
}

Result<std::vector<ObservationRow>> CaseStore::ListObservations(const std::string& kind) {
  std::string sql =
      "SELECT id, kind, ts, site, segment, orig_h, resp_h, resp_p, proto, json, input_id, record, record_type "
      "FROM observations";
  if (!kind.empty()) sql += " WHERE kind = ?";
  sql += " ORDER BY ts, id";
  ONUS_ASSIGN_OR_RETURN(Statement q, db_->Prepare(sql));
  if (!kind.empty()) q.Bind(1, std::string_view(kind));
  std::vector<ObservationRow> out;
  while (q.Step()) {
    ObservationRow r;
    r.id = q.ColumnInt(0);
    r.kind = q.ColumnText(1);
    r.ts = q.ColumnText(2);
    r.site = q.ColumnText(3);
    r.segment = q.ColumnText(4);
    r.orig_h = q.ColumnText(5);
    r.resp_h = q.ColumnText(6);
    r.resp_p = q.ColumnInt(7);
    r.proto = q.ColumnText(8);
    r.json = q.ColumnText(9);
    r.input_id = q.ColumnInt(10);
    r.record = q.ColumnInt(11);
    r.record_type = q.ColumnText(12);
    out.push_back(std::move(r));
  }
  ONUS_RETURN_IF_ERROR(q.status());
  return out;
}

Result<std::vector<FindingRow>> CaseStore::ListFindings() {
  ONUS_ASSIGN_OR_RETURN(Statement q,
                        db_->Prepare("SELECT id, kind, key, window, score, severity, src, dst, site, segment, "
                                     "first_seen, last_seen, count, techniques_json, detail_json FROM findings "
                                     "ORDER BY score DESC, kind, key, window"));
  std::vector<FindingRow> out;
  while (q.Step()) {
    FindingRow r;
    r.id = q.ColumnInt(0);
    r.kind = q.ColumnText(1);
    r.key = q.ColumnText(2);
    r.window = q.ColumnText(3);
    r.score = q.ColumnDouble(4);
    r.severity = q.ColumnText(5);
    r.src = q.ColumnText(6);
    r.dst = q.ColumnText(7);
    r.site = q.ColumnText(8);
    r.segment = q.ColumnText(9);
    r.first_seen = q.ColumnText(10);
    r.last_seen = q.ColumnText(11);
    r.count = q.ColumnInt(12);
    r.techniques_json = q.ColumnText(13);
    r.detail_json = q.ColumnText(14);
    out.push_back(std::move(r));
  }
  ONUS_RETURN_IF_ERROR(q.status());
  for (auto& f : out) {
    ONUS_ASSIGN_OR_RETURN(f.provenance, GetProvenance(*db_, "finding_provenance", "finding_id", "", f.id, true));
  }
  return out;
}

Result<std::vector<EvidenceRow>> CaseStore::ListEvidence() {
  ONUS_ASSIGN_OR_RETURN(Statement q,
                        db_->Prepare("SELECT id, type, about, scope_json, first_seen, last_seen, count, source, grade, "
                                     "derived_from_json, detail_json FROM evidence ORDER BY id"));
  std::vector<EvidenceRow> out;
  while (q.Step()) {
    EvidenceRow r;
    r.id = q.ColumnText(0);
    r.type = q.ColumnText(1);
    r.about = q.ColumnText(2);
    r.scope_json = q.ColumnText(3);
    r.first_seen = q.ColumnText(4);
    r.last_seen = q.ColumnText(5);
    r.count = q.ColumnInt(6);
    r.source = q.ColumnText(7);
    r.grade = q.ColumnText(8);
    r.derived_from_json = q.ColumnText(9);
    r.detail_json = q.ColumnText(10);
    out.push_back(std::move(r));
  }
  ONUS_RETURN_IF_ERROR(q.status());
  for (auto& e : out) {
    ONUS_ASSIGN_OR_RETURN(e.provenance, GetProvenance(*db_, "evidence_provenance", "evidence_id", e.id, 0, false));
  }
  return out;
}

Result<std::optional<AssessmentRow>> CaseStore::LatestAssessment(const std::string& format) {
  ONUS_ASSIGN_OR_RETURN(Statement q, db_->Prepare("SELECT id, created_at, format, content FROM assessments "
                                                  "WHERE format=? ORDER BY id DESC LIMIT 1"));
  q.Bind(1, std::string_view(format));
  if (q.Step())
    return std::optional<AssessmentRow>(AssessmentRow{q.ColumnInt(0), q.ColumnText(1), q.ColumnText(2), q.ColumnText(3)});
  ONUS_RETURN_IF_ERROR(q.status());
  return std::optional<AssessmentRow>();
}

Result<int64_t> CaseStore::Count(const std::string& table) {
  static const char* const kTables[] = {"inputs", "sources", "indicators", "stix_objects", "sightings",
                                        "observations", "findings", "evidence", "assessments"};
  bool known = false;
  for (const char* t : kTables) known = known || table == t;
  if (!known) return Status::InvalidArgument("unknown table '" + table + "'");
  // sightings is a view (schema 4): its records are counted without the join.
  const std::string from = table == "sightings" ? "sighting_records" : table;
  ONUS_ASSIGN_OR_RETURN(Statement q, db_->Prepare("SELECT COUNT(*) FROM " + from));
  int64_t n = q.Step() ? q.ColumnInt(0) : 0;
  ONUS_RETURN_IF_ERROR(q.status());
  return n;
}

}  // namespace onus::store
