#include "onus/match/recorder.h"

#include <algorithm>
#include <chrono>

#include <nlohmann/json.hpp>

#include "onus/ingest/observation_json.h"

namespace onus::match {
namespace {

using ordered_json = nlohmann::ordered_json;
using K = ingest::ObservationKind;

std::string NowRfc3339() {
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch());
  return FormatRfc3339(Timestamp::FromNanos(ns.count()), 6);
}

std::string InputKind(const ingest::InputInfo& info) {
  switch (info.format) {
    case ingest::InputFormat::kPcap: return "pcap";
    case ingest::InputFormat::kPcapng: return "pcapng";
    case ingest::InputFormat::kZeekTsv: return "zeek-tsv";
    case ingest::InputFormat::kZeekJson: return "zeek-json";
    case ingest::InputFormat::kSuricataEve: return "eve";
    case ingest::InputFormat::kGridJsonl: return "grid";
    default: return "unknown";
  }
}

std::string_view MatchKind(const Sighting& s) {
  if (s.entry == kNoEntry) return "pattern";
  if (s.is_subnet) return "subnet";
  if (s.via_parent) return "parent-domain";
  return "exact";
}

// Valid UTF-8 for nlohmann (which throws on invalid UTF-8 when dumping): bytes that are not
// printable ASCII become \xNN text, as Zeek writes them.
std::string SafeText(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7f) {
      out.push_back(static_cast<char>(c));
    } else {
      static const char* kHex = "0123456789abcdef";
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace

namespace {

ordered_json Annotations(const Sighting& s, const CaseContext* context, const intel::WarningListSet* warninglists) {
  ordered_json notes = ordered_json::array();
  const bool two = s.entry != kNoEntry && s.indicator_value != s.seen;
  if (context) {
    std::vector<const InfrastructureNote*> found = context->NotesFor(std::string(s.seen));
    if (two)
      for (const auto* n : context->NotesFor(std::string(s.indicator_value)))
        if (std::find(found.begin(), found.end(), n) == found.end()) found.push_back(n);
    for (const auto* n : found) {
      ordered_json nj = {{"value", SafeText(n->value)}, {"kind", SafeText(n->kind)}, {"source", SafeText(n->source)},
                         {"grade", SafeText(n->grade)}};
      if (!n->country.empty()) nj["country"] = SafeText(n->country);
      if (!n->note.empty()) nj["note"] = SafeText(n->note);
      nj["context_line"] = n->line;
      notes.push_back(std::move(nj));
    }
  }
  if (warninglists) {
    std::vector<std::pair<const intel::WarningList*, std::string>> seen_lists;
    auto add = [&](std::string_view value) {
      std::vector<intel::WarningListHit> hits;
      if (s.entry != kNoEntry && s.type == ValueType::kAddr) {
        // A subnet indicator's value is a CIDR: look its network address up.
        std::string_view text = value.substr(0, value.find('/'));
        auto ip = IpAddress::Parse(text);
        if (ip.ok()) hits = warninglists->LookupIp(*ip);
      } else if (s.entry != kNoEntry && s.type == ValueType::kDomain) {
        hits = warninglists->LookupHost(value);
      } else {
        hits = warninglists->Lookup(value);
      }
      for (const auto& h : hits) {
        if (!h.list || h.list->kind == intel::InfraKind::kOther) continue;
        bool dup = false;
        for (const auto& [l, v] : seen_lists) dup = dup || (l == h.list && v == value);
        if (dup) continue;
        seen_lists.emplace_back(h.list, std::string(value));
        ordered_json nj = {{"value", SafeText(value)},
                           {"kind", intel::InfraKindName(h.list->kind)},
                           {"source", "misp-warninglist"},
                           {"list", SafeText(h.list->id)},
                           {"list_name", SafeText(h.list->name)}};
        if (!h.matched.empty()) nj["matched"] = SafeText(h.matched);
        notes.push_back(std::move(nj));
      }
    };
    add(s.seen);
    if (two) add(s.indicator_value);
  }
  return notes;
}

}  // namespace

std::string SightingAnnotationsJson(const Sighting& s, const CaseContext* context,
                                    const intel::WarningListSet* warninglists) {
  return Annotations(s, context, warninglists).dump();
}

std::string SightingJson(const Sighting& s, const IndicatorIndex& index, const CaseContext* context,
                         const intel::WarningListSet* warninglists) {
  const ingest::Observation& o = *s.obs;
  ordered_json j;
  j["ts"] = FormatRfc3339(o.ts, 6);
  j["uid"] = o.uid.empty() ? nullptr : ordered_json(SafeText(o.uid));
  if (o.has_endpoints) {
    j["id.orig_h"] = o.orig_h.ToString();
    j["id.orig_p"] = o.orig_p;
    j["id.resp_h"] = o.resp_h.ToString();
    j["id.resp_p"] = o.resp_p;
  } else {
    j["id.orig_h"] = j["id.orig_p"] = j["id.resp_h"] = j["id.resp_p"] = nullptr;
  }
  j["seen.indicator"] = SafeText(s.seen);
  std::string_view type = s.entry == kNoEntry ? "Intel::PATTERN" : ZeekIntelType(s.type, s.is_subnet);
  j["seen.indicator_type"] = type;
  j["seen.where"] = s.where;
  j["matched"] = ordered_json::array({type});
  j["sources"] = ordered_json::array({SafeText(index.indicator_source(s.indicator))});
  j["indicator_id"] = SafeText(index.indicator_id(s.indicator));
  j["indicator_value"] = SafeText(s.indicator_value);
  j["match"] = MatchKind(s);
  j["stale"] = s.stale;
  const auto& ind = index.indicator(s.indicator);
  j["grade"] = SafeText(index.indicator_grade(s.indicator));
  int confidence = index.indicator_confidence(s.indicator);
  j["confidence"] = confidence >= 0 ? ordered_json(confidence) : ordered_json(nullptr);
  if (s.stale) {
    j["validity"] = {
        {"valid_from", ind.has_valid_from() ? ordered_json(FormatRfc3339(Timestamp::FromNanos(ind.valid_from_ns), 0))
                                          : ordered_json(nullptr)},
        {"valid_until", ind.has_valid_until()
                            ? ordered_json(FormatRfc3339(Timestamp::FromNanos(ind.valid_until_ns), 0))
                            : ordered_json(nullptr)},
        {"revoked", index.indicator_revoked(s.indicator)}};
  }
  j["direction"] = s.direction.empty() ? ordered_json(nullptr) : ordered_json(s.direction);
  j["site"] = s.location.site.empty() ? ordered_json(nullptr) : ordered_json(s.location.site);
  j["segment"] = s.location.segment.empty() ? ordered_json(nullptr) : ordered_json(s.location.segment);
  j["annotations"] = Annotations(s, context, warninglists);
  ordered_json src;
  src["path"] = o.src.input ? ordered_json(SafeText(o.src.input->path)) : ordered_json(nullptr);
  src["sha256"] = o.src.input ? ordered_json(o.src.input->sha256) : ordered_json(nullptr);
  src["record"] = o.src.record;
  src["record_type"] = o.src.is_packet ? "packet" : "line";
  j["src"] = std::move(src);
  return j.dump();
}

HuntRecorder::HuntRecorder(store::CaseStore& store, const IndicatorIndex& index, RecorderOptions options)
    : store_(store), index_(index), options_(std::move(options)) {
  if (options_.now_rfc3339.empty()) options_.now_rfc3339 = NowRfc3339();
  if (options_.batch_rows < 1) options_.batch_rows = 1;
  // Group ids the store cached for an earlier writer may name rows a rolled-back transaction took
  // away; with the foreign-key checks off (below) nothing would notice. Start from the case.
  store_.ForgetSightingGroups();
  // Every row the recorder writes references an input row or a sighting group it has written (or
  // found) itself just before, so SQLite's foreign-key checks — two B-tree probes per sighting —
  // are off while it records and back on once it is done. Inside a caller's transaction the pragma
  // is a no-op and the checks simply stay on.
  bool on = false;
  {  // the read is finalised before the pragma changes
    auto q = store_.db().Prepare("PRAGMA foreign_keys");
    on = q.ok() && q->Step() && q->ColumnInt(0) == 1;
  }
  if (on) foreign_keys_off_ = store_.db().Exec("PRAGMA foreign_keys=OFF").ok();
}

void HuntRecorder::RestoreForeignKeys() {
  if (!foreign_keys_off_ || tx_) return;
  foreign_keys_off_ = false;
  (void)store_.db().Exec("PRAGMA foreign_keys=ON");  // fails only with the connection itself
}

HuntRecorder::~HuntRecorder() {
  if (writer_.joinable()) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return !busy_; });
      stop_ = true;
    }
    cv_.notify_all();
    writer_.join();
  }
  tx_.reset();  // an open batch rolls back (Finish() commits it)
  RestoreForeignKeys();
}

HuntRecorder::InputState& HuntRecorder::StateFor(const ingest::InputInfo& info) {
  if (&info == last_info_) return *last_state_;
  auto [it, added] = inputs_.try_emplace(&info);
  if (added) input_order_.push_back(&info);
  last_info_ = &info;
  last_state_ = &it->second;  // unordered_map nodes do not move
  return it->second;
}

Result<int64_t> HuntRecorder::EnsureInput(const ingest::InputInfo& info) {
  InputState& state = StateFor(info);
  if (state.registered) return state.id;
  // Inputs get their rows in the order they were first seen: earlier ones (whose digests ReadInputs
  // settled before moving on) go first.
  for (const ingest::InputInfo* earlier : input_order_) {
    if (earlier == &info) break;
    if (!inputs_[earlier].registered) ONUS_RETURN_IF_ERROR(Register(*earlier, inputs_[earlier]));
  }
  ONUS_RETURN_IF_ERROR(Register(info, state));
  return state.id;
}

Status HuntRecorder::Register(const ingest::InputInfo& info, InputState& state) {
  ONUS_RETURN_IF_ERROR(info.AwaitSha256());
  // BeginInput writes: keep it inside the batch transaction.
  ONUS_RETURN_IF_ERROR(WaitForWriter());
  ONUS_RETURN_IF_ERROR(EnsureTx());
  ONUS_ASSIGN_OR_RETURN(store::InputRow row, store_.BeginInput(info.path, info.sha256, static_cast<int64_t>(info.size),
                                                               InputKind(info), options_.now_rfc3339));
  state.id = row.id;
  state.was_complete = row.state == "complete";
  state.registered = true;
  ++stats_.inputs;
  return Status::Ok();
}

int64_t HuntRecorder::InputId(const ingest::InputInfo* info) const {
  auto it = inputs_.find(info);
  return it == inputs_.end() ? 0 : it->second.id;
}

Status HuntRecorder::EnsureTx() {
  if (tx_) return Status::Ok();
  ONUS_ASSIGN_OR_RETURN(store::Transaction t, store::Transaction::Begin(store_.db()));
  tx_ = std::make_unique<store::Transaction>(std::move(t));
  return Status::Ok();
}

Status HuntRecorder::Row() {
  ONUS_RETURN_IF_ERROR(EnsureTx());
  if (++rows_in_batch_ >= options_.batch_rows) {
    ONUS_RETURN_IF_ERROR(tx_->Commit());
    tx_.reset();
    rows_in_batch_ = 0;
  }
  return Status::Ok();
}

Status HuntRecorder::OnSighting(const Sighting& s) {
  const ingest::Observation& o = *s.obs;
  int64_t input_id = 0;
  bool unregistered = false;
  if (o.src.input) {
    // An input whose digest is still being computed is registered later (FlushSightings); its
    // sightings wait in the chunk meanwhile. A JSON line names the digest: it waits for it.
    const InputState& state = StateFor(*o.src.input);
    if (state.registered) {
      input_id = state.id;
    } else if (options_.emit || o.src.input->Sha256Known()) {
      ONUS_ASSIGN_OR_RETURN(input_id, EnsureInput(*o.src.input));
    } else {
      unregistered = true;
      ++unregistered_;
      unregistered_input_ = o.src.input;
    }
  }
  // The entry is filled in place (strings keep their capacity between chunks) and inserted with the
  // rest of its chunk, in key order, by FlushSightings.
  if (pending_n_ == pending_.size()) pending_.emplace_back();
  PendingSighting& r = pending_[pending_n_++];
  r.indicator = s.indicator;
  r.pattern = s.entry == kNoEntry;
  r.type = s.type;
  r.value.assign(s.seen);
  r.where.assign(s.where);
  r.ts = o.ts;
  r.site.assign(s.location.site);
  r.segment.assign(s.location.segment);
  r.has_endpoints = o.has_endpoints;
  if (o.has_endpoints) {
    r.orig_h = o.orig_h;
    r.resp_h = o.resp_h;
  }
  r.uid.assign(o.uid);
  r.community_id.assign(o.community_id);
  r.stale = s.stale;
  r.input_id = input_id;
  r.input = unregistered ? o.src.input : nullptr;
  r.record = static_cast<int64_t>(o.src.record);
  r.is_packet = o.src.is_packet;
  if (options_.context || options_.warninglists)
    r.annotations_json = SightingAnnotationsJson(s, options_.context, options_.warninglists);
  else
    r.annotations_json.assign("[]");
  ++stats_.sightings;
  if (s.stale) ++stats_.stale;

  SightingSummary& sum = SummaryFor(s);
  r.summary = static_cast<uint32_t>(&sum - summaries_.data());
  ++sum.count;
  if (o.ts < sum.first) sum.first = o.ts;
  if (o.ts > sum.last) sum.last = o.ts;

  if (options_.emit) options_.emit(SightingJson(s, index_, options_.context, options_.warninglists));
  if (pending_n_ >= kSightingChunk) {
    // The chunk keeps growing while its input's digest is pending (up to kMaxDeferredSightings).
    const bool deferred = unregistered_ > 0 && pending_n_ < kMaxDeferredSightings &&
                          !StateFor(*unregistered_input_).registered && !unregistered_input_->Sha256Known();
    if (!deferred) ONUS_RETURN_IF_ERROR(FlushSightings());
  }
  return Status::Ok();
}

SightingSummary& HuntRecorder::SummaryFor(const Sighting& s) {
  const std::hash<std::string_view> hs;
  uint64_t h = (static_cast<uint64_t>(s.indicator) << 1 | (s.stale ? 1 : 0)) * 0x9E3779B97F4A7C15ULL;
  h ^= hs(s.seen) + 0x632BE59BD9B4E019ULL + (h << 6) + (h >> 2);
  h ^= hs(s.where) + 0x8CB92BA72F3D8DD7ULL + (h << 6) + (h >> 2);
  h ^= hs(s.location.site) + 0x3C6EF372FE94F82BULL + (h << 6) + (h >> 2);
  if ((summaries_.size() + 1) * 2 > summary_slots_.size()) {
    summary_slots_.assign(std::max<size_t>(1024, summary_slots_.size() * 2), kNoSummary);
    const size_t mask = summary_slots_.size() - 1;
    for (uint32_t k = 0; k < summaries_.size(); ++k) {
      size_t i = summary_hashes_[k] & mask;
      while (summary_slots_[i] != kNoSummary) i = (i + 1) & mask;
      summary_slots_[i] = k;
    }
  }
  const size_t mask = summary_slots_.size() - 1;
  size_t i = h & mask;
  for (;; i = (i + 1) & mask) {
    const uint32_t k = summary_slots_[i];
    if (k == kNoSummary) break;
    if (summary_hashes_[k] != h || summary_indicators_[k] != s.indicator) continue;
    SightingSummary& x = summaries_[k];
    if (x.stale == s.stale && x.value == s.seen && x.where == s.where && x.site == s.location.site) return x;
  }
  summary_slots_[i] = static_cast<uint32_t>(summaries_.size());
  summary_hashes_.push_back(h);
  summary_indicators_.push_back(s.indicator);
  SightingSummary& sum = summaries_.emplace_back();
  sum.indicator_id = std::string(index_.indicator_id(s.indicator));
  sum.value = std::string(s.seen);
  sum.where = std::string(s.where);
  sum.site = std::string(s.location.site);
  sum.stale = s.stale;
  sum.first = sum.last = s.obs->ts;
  return sum;
}

// Hands the pending sightings to the writer (or inserts them here). A chunk is inserted sorted by
// (indicator ordinal, input, record, where, value): each sighting group's records go in together,
// and the order of inserts does not depend on the order of decoding.
Status HuntRecorder::FlushSightings() {
  if (pending_n_ == 0) return Status::Ok();
  if (unregistered_ > 0) {  // registered now (waiting for a digest still pending)
    for (size_t i = 0; i < pending_n_; ++i) {
      PendingSighting& p = pending_[i];
      if (!p.input) continue;
      ONUS_ASSIGN_OR_RETURN(p.input_id, EnsureInput(*p.input));
      p.input = nullptr;
    }
    unregistered_ = 0;
    unregistered_input_ = nullptr;
  }
  if (!options_.background_writes) {
    size_t n = pending_n_;
    pending_n_ = 0;
    return InsertSorted(pending_, n);
  }
  ONUS_RETURN_IF_ERROR(WaitForWriter());
  if (!writer_.joinable()) writer_ = std::thread([this] { WriterLoop(); });
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::swap(pending_, writing_);  // the writer's previous chunk becomes the next one to fill
    writing_n_ = pending_n_;
    pending_n_ = 0;
    busy_ = true;
  }
  cv_.notify_all();
  return Status::Ok();
}

Status HuntRecorder::InsertSorted(std::vector<PendingSighting>& rows, size_t n) {
  order_.resize(n);
  for (size_t i = 0; i < n; ++i) order_[i] = static_cast<uint32_t>(i);
  std::sort(order_.begin(), order_.end(), [&rows](uint32_t a, uint32_t b) {
    const PendingSighting& x = rows[a];
    const PendingSighting& y = rows[b];
    if (x.indicator != y.indicator) return x.indicator < y.indicator;
    if (x.input_id != y.input_id) return x.input_id < y.input_id;
    if (x.record != y.record) return x.record < y.record;
    if (int c = x.where.compare(y.where)) return c < 0;
    if (int c = x.value.compare(y.value)) return c < 0;
    return a < b;
  });
  store::SightingRow& row = row_;
  for (size_t i = 0; i < n; ++i) {
    const PendingSighting& p = rows[order_[i]];
    if (p.summary >= group_of_summary_.size()) group_of_summary_.resize(p.summary + 1, kNoGroup);
    int64_t& group = group_of_summary_[p.summary];
    if (group == kNoGroup) {
      row.indicator_id.assign(index_.indicator_id(p.indicator));
      row.value.assign(p.value);
      row.value_type.assign(p.pattern ? std::string_view("pattern") : ValueTypeName(p.type));
      row.seen_where.assign(p.where);
      ONUS_RETURN_IF_ERROR(EnsureTx());
      ONUS_ASSIGN_OR_RETURN(group, store_.SightingGroupId(row));
    }
    row.ts = FormatRfc3339(p.ts, 6);
    row.site.assign(p.site);
    row.segment.assign(p.segment);
    if (p.has_endpoints) {
      row.orig_h = p.orig_h.ToString();
      row.resp_h = p.resp_h.ToString();
    } else {
      row.orig_h.clear();
      row.resp_h.clear();
    }
    row.uid.assign(p.uid);
    row.community_id.assign(p.community_id);
    row.stale = p.stale;
    row.input_id = p.input_id;
    row.record = p.record;
    row.record_type.assign(p.is_packet ? "packet" : "line");
    row.annotations_json.assign(p.annotations_json);
    ONUS_RETURN_IF_ERROR(EnsureTx());
    ONUS_RETURN_IF_ERROR(store_.AddSightingRecord(group, row));
    ONUS_RETURN_IF_ERROR(Row());
  }
  return Status::Ok();
}

Status HuntRecorder::WaitForWriter() {
  if (!writer_.joinable()) return Status::Ok();
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return !busy_; });
  return writer_status_;
}

void HuntRecorder::WriterLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return busy_ || stop_; });
    if (busy_) {
      const size_t n = writing_n_;
      const bool failed = !writer_status_.ok();
      lock.unlock();
      Status st = failed ? Status::Ok() : InsertSorted(writing_, n);  // after an error: drop, report once
      lock.lock();
      if (!st.ok()) writer_status_ = st;
      busy_ = false;
      cv_.notify_all();
    } else {
      return;  // stop_
    }
  }
}

Status HuntRecorder::Keep(const ingest::Observation& obs, const Location& loc) {
  int64_t input_id = 0;
  if (obs.src.input) {
    ONUS_ASSIGN_OR_RETURN(input_id, EnsureInput(*obs.src.input));
  }
  store::ObservationRow r;
  std::string_view kind_name;
  switch (obs.kind) {
    case K::kIcs: kind_name = "ics"; break;
    case K::kGrid: kind_name = "grid"; break;
    default: kind_name = "conn"; break;
  }
  r.kind = std::string(kind_name);
  r.ts = FormatRfc3339(obs.ts, 6);
  r.site = loc.site;
  r.segment = loc.segment;
  if (obs.has_endpoints) {
    r.orig_h = obs.orig_h.ToString();
    r.resp_h = obs.resp_h.ToString();
    r.resp_p = obs.resp_p;
  }
  r.proto = obs.proto;
  r.json = ingest::ToJsonLine(obs);
  while (!r.json.empty() && r.json.back() == '\n') r.json.pop_back();
  r.input_id = input_id;
  r.record = static_cast<int64_t>(obs.src.record);
  r.record_type = obs.src.is_packet ? "packet" : "line";
  ONUS_RETURN_IF_ERROR(WaitForWriter());
  ONUS_RETURN_IF_ERROR(EnsureTx());
  ONUS_RETURN_IF_ERROR(store_.AddObservation(r));
  ++stats_.observations_kept;
  return Row();
}

Status HuntRecorder::OnObservation(const ingest::Observation& obs) {
  if (obs.src.input) {
    InputState& state = StateFor(*obs.src.input);
    // Registered at its first observation, or as soon as its pending digest is known.
    if (!state.registered && obs.src.input->Sha256Known()) {
      ONUS_ASSIGN_OR_RETURN(int64_t id, EnsureInput(*obs.src.input));
      (void)id;
    }
    if (obs.src.record > state.max_record) state.max_record = obs.src.record;
  }
  const CaseContext* ctx = options_.context;
  switch (obs.kind) {
    case K::kGrid: {
      Location loc;
      if (ctx) {
        if (!obs.site.empty()) loc.site = obs.site;
        if (!obs.console.empty()) {
          auto ip = IpAddress::Parse(obs.console);
          if (ip.ok()) {
            Location c = ctx->Locate(*ip);
            if (c.found() && (loc.site.empty() || c.site == loc.site)) loc = c;
          }
        }
      } else {
        loc.site = obs.site;
      }
      return Keep(obs, loc);
    }
    case K::kIcs: {
      Location loc = ctx && obs.has_endpoints ? ctx->Locate(obs.resp_h) : Location();
      if (ctx && !loc.found() && obs.has_endpoints) loc = ctx->Locate(obs.orig_h);
      if (!obs.is_command) {
        std::string key = obs.orig_h.ToString() + '>' + obs.resp_h.ToString() + '#' + std::to_string(obs.function_code);
        size_t& n = polls_per_key_[key];
        if (n >= options_.ics_polls_per_key || polls_kept_ >= options_.max_ics_polls) {
          ++stats_.ics_polls_dropped;
          return Status::Ok();
        }
        ++n;
        ++polls_kept_;
      }
      return Keep(obs, loc);
    }
    case K::kConn: {
      if (!ctx || !obs.has_endpoints) return Status::Ok();
      Location resp = ctx->Locate(obs.resp_h);
      if (resp.segment_kind != "ot") return Status::Ok();
      Location orig = ctx->Locate(obs.orig_h);
      if (orig.found() && orig.site == resp.site && orig.segment == resp.segment) return Status::Ok();
      return Keep(obs, resp);
    }
    default: return Status::Ok();
  }
}

Status HuntRecorder::Finish(const std::vector<const ingest::InputInfo*>& inputs) {
  ONUS_RETURN_IF_ERROR(FlushSightings());
  ONUS_RETURN_IF_ERROR(WaitForWriter());
  for (const auto* info : input_order_) {  // inputs seen but not registered yet
    ONUS_ASSIGN_OR_RETURN(int64_t id, EnsureInput(*info));
    (void)id;
  }
  for (const auto* info : inputs)
    if (info) {
      ONUS_ASSIGN_OR_RETURN(int64_t id, EnsureInput(*info));
      (void)id;
    }
  ONUS_RETURN_IF_ERROR(EnsureTx());
  for (const auto* info : input_order_) {
    const InputState& st = inputs_[info];
    // Records read, or the last one seen when the caller did not read the input through ReadInputs.
    const uint64_t records = std::max(st.max_record, info->records);
    if (!st.was_complete) ONUS_RETURN_IF_ERROR(store_.CompleteInput(st.id, static_cast<int64_t>(records)));
  }
  ONUS_RETURN_IF_ERROR(tx_->Commit());
  tx_.reset();
  rows_in_batch_ = 0;
  RestoreForeignKeys();
  return Status::Ok();
}

std::vector<SightingSummary> HuntRecorder::Summaries() const { return summaries_; }

}  // namespace onus::match
