// ImportIntel: feed loaders streaming into a CaseStore in batched transactions.
#include "onus/intel/import.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "feed.h"
#include "onus/core/file.h"
#include "onus/core/hash.h"

namespace onus::intel {

namespace {

struct ImportJob {
  std::string path, format;
};
Status ImportJobs(const std::vector<ImportJob>& jobs, store::CaseStore& store, const ImportOptions& options,
                  std::vector<ImportSummary>* summaries);

std::string KindFor(std::string_view format) {
  if (format.rfind("stix", 0) == 0) return "stix";
  if (format == "misp-event" || format == "misp-feed") return "misp";
  return std::string(format);  // attack, csv, list, zeek-intel
}

std::string TypeKey(const Indicator& ind) {
  if (ind.values.empty()) return "pattern";
  if (ind.values.size() == 1) return ind.values[0].type;
  return "multi";
}

// What a StoreSink writes.
enum class StoreMode {
  kAll,            // onus intel import: sources, indicators, objects
  kContext,        // onus hunt --intel, first read: sources and objects; indicators only to on_indicator
  kNothing,        // the same for a file already complete in the case: nothing is written
};

class StoreSink : public detail::FeedSink {
 public:
  using TakeFn = std::function<Status(Indicator&&)>;
  // `take` (streaming modes): receives each indicator by move instead of options.on_indicator.
  StoreSink(store::CaseStore& st, int64_t input_id, const ImportOptions& options, ImportSummary* sum,
            StoreMode mode = StoreMode::kAll, const TakeFn* take = nullptr, StreamedFile* capture = nullptr)
      : store_(st), input_id_(input_id), options_(options), sum_(sum), mode_(mode), take_(take), capture_(capture) {}

  Status Begin() {
    ONUS_ASSIGN_OR_RETURN(auto t, store::Transaction::Begin(store_.db()));
    txn_.emplace(std::move(t));
    return Status::Ok();
  }
  Status Finish() {
    if (txn_) ONUS_RETURN_IF_ERROR(txn_->Commit());
    txn_.reset();
    return Status::Ok();
  }

  Status OnSource(Source s) override {
    store::SourceRow r;
    r.id = s.id;
    r.name = s.name;
    r.type = s.type;
    r.grade = s.grade;
    r.detail_json = s.detail_json;
    ++sum_->sources;
    if (capture_) capture_->sources.push_back(r);
    if (mode_ != StoreMode::kAll && mode_ != StoreMode::kContext) return Status::Ok();
    ONUS_RETURN_IF_ERROR(store_.UpsertSource(r));
    return Tick();
  }
  Status OnIndicator(Indicator ind) override {
    ++sum_->indicators;
    ++sum_->indicators_by_type[TypeKey(ind)];
    if (take_) return (*take_)(std::move(ind));
    if (options_.on_indicator) ONUS_RETURN_IF_ERROR(options_.on_indicator(ind));
    if (mode_ != StoreMode::kAll) return Status::Ok();
    ONUS_RETURN_IF_ERROR(store_.UpsertIndicator(ToIndicatorRow(ind, input_id_)));
    return Tick();
  }
  Status OnObject(StixObject o) override {
    ++sum_->objects;
    ++sum_->objects_by_type[o.type];
    const bool store = mode_ == StoreMode::kAll || mode_ == StoreMode::kContext;
    if (!store && !capture_) return Status::Ok();
    store::StixObjectRow r;
    r.id = std::move(o.id);
    r.type = std::move(o.type);
    r.name = std::move(o.name);
    r.json = std::move(o.json);
    r.source_id = std::move(o.source_id);
    r.line = o.line;
    if (capture_) capture_->objects.push_back(r);
    if (!store) return Status::Ok();
    r.input_id = input_id_;
    ONUS_RETURN_IF_ERROR(store_.UpsertStixObject(r));
    return Tick();
  }
  void OnSkipped(int64_t line, std::string reason) override {
    ++sum_->skipped_count;
    if (sum_->skipped.size() < options_.intel.max_skipped_kept) sum_->skipped.push_back({line, std::move(reason)});
  }
  void OnRecord() override {
    ++sum_->records;
    if (options_.progress) options_.progress->Update(static_cast<uint64_t>(sum_->records), 0);
  }

 private:
  Status Tick() {
    if (++rows_ < options_.batch_rows) return Status::Ok();
    rows_ = 0;
    ONUS_RETURN_IF_ERROR(Finish());
    return Begin();
  }

  store::CaseStore& store_;
  int64_t input_id_;
  const ImportOptions& options_;
  ImportSummary* sum_;
  StoreMode mode_;
  const TakeFn* take_;
  StreamedFile* capture_;
  std::optional<store::Transaction> txn_;
  int64_t rows_ = 0;
};

std::string Now(const ImportOptions& o) {
  if (!o.now_rfc3339.empty()) return o.now_rfc3339;
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  return FormatRfc3339(Timestamp::FromNanos(ns), 6);
}

std::string OptionalTime(const std::optional<Timestamp>& t) { return t ? FormatRfc3339(*t, 6) : std::string(); }

}  // namespace

store::IndicatorRow ToIndicatorRow(const Indicator& ind, int64_t input_id) {
  store::IndicatorRow r;
  r.id = ind.id;
  r.pattern = ind.pattern;
  r.pattern_type = ind.pattern_type;
  r.name = ind.name;
  if (ind.values.size() == 1) {
    r.value_type = ind.values[0].type;
    r.value = ind.values[0].value;
  }
  r.valid_from = OptionalTime(ind.valid_from);
  r.valid_until = OptionalTime(ind.valid_until);
  r.confidence = ind.confidence;
  r.revoked = ind.revoked;
  r.source_id = ind.source_id;
  r.grade = ind.grade;
  r.report_id = ind.report_ids.empty() ? "" : ind.report_ids.front();
  std::vector<std::string> labels = ind.labels;
  for (const auto& t : ind.indicator_types)
    if (std::find(labels.begin(), labels.end(), t) == labels.end()) labels.push_back(t);
  r.labels_json = detail::JsonStringArray(labels);
  r.input_id = input_id;
  r.line = ind.line;
  return r;
}

namespace {

Result<ImportSummary> BeginJob(const ImportJob& job, store::CaseStore& store, const ImportOptions& options,
                              store::InputRow& in) {
  ImportSummary sum;
  sum.path = job.path;
  sum.format = job.format;
  ONUS_ASSIGN_OR_RETURN(sum.sha256, Sha256File(job.path));
  ONUS_ASSIGN_OR_RETURN(uint64_t size, FileSize(job.path));
  if (size > options.intel.max_bytes)
    return Status::ResourceExhausted(job.path + ": " + std::to_string(size) + " bytes is over the cap");
  ONUS_ASSIGN_OR_RETURN(in, store.BeginInput(job.path, sum.sha256, static_cast<int64_t>(size), KindFor(job.format),
                                             Now(options)));
  sum.input_id = in.id;
  return sum;
}

// README, LICENSE and other documentation a feed repository carries (ESET's README.adoc files hold
// IOC tables, but also the blog post's own URL, which a list would read as a malicious URL).
bool IsDocumentation(const std::string& path) {
  namespace fs = std::filesystem;
  std::string name = detail::ToLower(fs::path(path).filename().string());
  std::string ext = detail::ToLower(fs::path(path).extension().string());
  for (const char* stem : {"readme", "license", "licence", "copying", "notice", "changelog", "authors", "contributing"})
    if (name.rfind(stem, 0) == 0) return true;
  for (const char* e : {".md", ".adoc", ".asciidoc", ".rst", ".html", ".htm", ".pdf", ".docx"})
    if (ext == e) return true;
  return false;
}

// A directory that is neither a MISP feed nor a warning list: every file below it (sorted, hidden
// files and directories skipped) whose format is recognised and importable is a job; the others go
// to `left_out` as "path: reason". No importable file at all is an error naming the directory.
Status ExpandIntelDirectory(const std::string& dir, std::vector<ImportJob>& jobs, std::vector<std::string>* left_out) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
  if (ec) return Status::IoError("cannot read directory '" + dir + "': " + ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) return Status::IoError("cannot read directory '" + dir + "': " + ec.message());
    const std::string name = it->path().filename().string();
    if (!name.empty() && name[0] == '.') {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file(ec)) files.push_back(it->path().string());
  }
  std::sort(files.begin(), files.end());
  const size_t before = jobs.size();
  for (const auto& f : files) {
    if (IsDocumentation(f)) {
      if (left_out) left_out->push_back(f + ": documentation, not a feed (import it by name to read it as a list)");
      continue;
    }
    Result<std::string> format = DetectFormat(f);
    std::string why;
    if (!format.ok()) {
      why = format.status().message();
      if (why.rfind(f + ": ", 0) == 0) why.erase(0, f.size() + 2);
    } else if (*format == "warninglist") {
      why = "a MISP warning list is infrastructure context, not indicators";
    } else if (!detail::FindLoader(*format)) {
      why = "format '" + *format + "' is not importable";
    } else {
      jobs.push_back({f, *format});
      continue;
    }
    if (left_out) left_out->push_back(f + ": " + why);
  }
  if (jobs.size() == before)
    return Status::Unsupported(dir + ": a directory without any intelligence file (STIX 2.x, ATT&CK, MISP, CSV, list, "
                                     "Zeek intel), and neither a MISP feed (manifest.json) nor a warning list");
  return Status::Ok();
}

// Checks every path (exists, recognised format) and expands MISP feed directories and directories
// of feed files.
Result<std::vector<ImportJob>> PlanJobs(const std::vector<std::string>& paths, const ImportOptions& options) {
  std::vector<ImportJob> jobs;
  for (const auto& p : paths) {
    std::string format = options.intel.format;
    if (format.empty() && IsDirectory(p) && !FileExists(p + "/manifest.json") && !FileExists(p + "/list.json")) {
      ONUS_RETURN_IF_ERROR(ExpandIntelDirectory(p, jobs, options.left_out));
      continue;
    }
    if (format.empty()) {
      ONUS_ASSIGN_OR_RETURN(format, DetectFormat(p));
    } else if (!FileExists(p) && !IsDirectory(p)) {
      return Status::NotFound(p + ": no such file or directory");
    }
    if (format == "warninglist")
      return Status::Unsupported(p + ": a MISP warning list is infrastructure context, not indicators");
    if (format == "misp-feed") {
      ONUS_ASSIGN_OR_RETURN(auto files, detail::MispFeedEventFiles(p));
      for (auto& f : files) {
        if (!FileExists(f)) return Status::NotFound(f + ": listed in " + p + "/manifest.json but missing");
        jobs.push_back({f, "misp-event"});
      }
      continue;
    }
    if (!detail::FindLoader(format)) return Status::InvalidArgument("unknown intel format '" + format + "'");
    jobs.push_back({p, format});
  }
  return jobs;
}

}  // namespace

Status ImportIntel(const std::vector<std::string>& paths, store::CaseStore& store, const ImportOptions& options,
                   std::vector<ImportSummary>* summaries) {
  // Check everything first: a missing or unrecognised file changes nothing.
  ONUS_ASSIGN_OR_RETURN(std::vector<ImportJob> jobs, PlanJobs(paths, options));
  // A page cache large enough for the indicator indexes while importing (see batch_rows).
  int64_t old_cache = 0;
  if (options.cache_mib > 0) {
    ONUS_ASSIGN_OR_RETURN(store::Statement q, store.db().Prepare("PRAGMA cache_size"));
    old_cache = q.Step() ? q.ColumnInt(0) : -2000;
    ONUS_RETURN_IF_ERROR(q.status());
    ONUS_RETURN_IF_ERROR(store.db().Exec("PRAGMA cache_size=-" + std::to_string(options.cache_mib * 1024)));
  }
  Status st = ImportJobs(jobs, store, options, summaries);
  if (options.cache_mib > 0) {
    Status restore = store.db().Exec("PRAGMA cache_size=" + std::to_string(old_cache));
    if (st.ok()) st = restore;
  }
  return st;
}

namespace {

Status ImportJobs(const std::vector<ImportJob>& jobs, store::CaseStore& store, const ImportOptions& options,
                  std::vector<ImportSummary>* summaries) {
  for (const auto& job : jobs) {
    store::InputRow in;
    ONUS_ASSIGN_OR_RETURN(ImportSummary sum, BeginJob(job, store, options, in));
    if (in.state == "complete" && in.scope == "all") {
      sum.already_imported = true;
      sum.records = in.records;
      if (summaries) summaries->push_back(std::move(sum));
      continue;
    }
    StoreSink sink(store, in.id, options, &sum);
    ONUS_RETURN_IF_ERROR(sink.Begin());
    Status st = detail::FindLoader(job.format)({job.path, job.format}, options.intel, sink);
    if (!st.ok()) return st;  // the open batch rolls back; the input stays "ingesting" for a retry
    ONUS_RETURN_IF_ERROR(sink.Finish());
    ONUS_RETURN_IF_ERROR(store.CompleteInput(in.id, sum.records));
    if (summaries) summaries->push_back(std::move(sum));
  }
  return Status::Ok();
}

// Values of a stored row: the row's own single value when it has one (ToIndicatorRow sets it
// exactly when the indicator has one value), else those of its STIX pattern.
void StoredValues(const store::IndicatorRow& r, std::vector<IndicatorValue>& out) {
  out.clear();
  if (!r.value_type.empty()) {
    out.push_back({r.value_type, r.value});
    return;
  }
  if (r.pattern_type == "stix") {
    auto v = ExtractIndicatorValues(r.pattern);
    if (v.ok()) out = std::move(*v);
  }
}

}  // namespace

Result<std::vector<StoredIndicator>> ReadStoredIndicators(store::CaseStore& store) {
  ONUS_ASSIGN_OR_RETURN(auto rows, store.ListIndicators());
  std::vector<StoredIndicator> out;
  out.reserve(rows.size());
  for (auto& r : rows) {
    StoredIndicator s;
    StoredValues(r, s.values);
    s.row = std::move(r);
    out.push_back(std::move(s));
  }
  return out;
}

Status ForEachStoredIndicator(store::CaseStore& store, const std::vector<int64_t>& skip_inputs,
                              const std::function<Status(const StoredIndicator&)>& fn) {
  StoredIndicator s;
  return store.ForEachIndicator(
      [&](const store::IndicatorRow& r) {
        if (std::binary_search(skip_inputs.begin(), skip_inputs.end(), r.input_id)) return Status::Ok();
        s.row = r;
        StoredValues(r, s.values);
        return fn(s);
      },
      /*pattern_only_for_multi=*/true);
}

namespace {

// Batches of indicators from the loader thread to the caller's thread, in order, with a bounded
// number in flight (memory stays ~kMaxQueued × kBatch indicators whatever the feed size).
class IndicatorBatches {
 public:
  static constexpr size_t kBatch = 1024, kMaxQueued = 8;

  // Loader side. Cancelled when the consumer gave up.
  Status Push(Indicator&& ind) {
    current_.push_back(std::move(ind));
    if (current_.size() >= kBatch) return Flush();
    return Status::Ok();
  }
  Status Flush() {
    std::unique_lock<std::mutex> lock(mu_);
    not_full_.wait(lock, [&] { return queue_.size() < kMaxQueued || cancelled_; });
    if (cancelled_) return Status::Internal("cancelled: the consumer of the indicators stopped");
    if (!current_.empty()) {
      queue_.push_back(std::move(current_));
      current_ = {};
      current_.reserve(kBatch);
      not_empty_.notify_one();
    }
    return Status::Ok();
  }
  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    done_ = true;
    not_empty_.notify_all();
  }
  // Consumer side: the next batch; false once the loader is done and the queue is empty.
  bool Pop(std::vector<Indicator>& out) {
    std::unique_lock<std::mutex> lock(mu_);
    not_empty_.wait(lock, [&] { return !queue_.empty() || done_; });
    if (queue_.empty()) return false;
    out = std::move(queue_.front());
    queue_.pop_front();
    not_full_.notify_one();
    return true;
  }
  void Cancel() {
    std::lock_guard<std::mutex> lock(mu_);
    cancelled_ = true;
    not_full_.notify_all();
  }

 private:
  std::vector<Indicator> current_;  // loader thread only
  std::mutex mu_;
  std::condition_variable not_empty_, not_full_;
  std::deque<std::vector<Indicator>> queue_;
  bool done_ = false, cancelled_ = false;
};

// The loader thread's part of StreamIntel: every job read, its context stored, its indicators
// pushed to `batches`.
Status StreamJobs(const std::vector<ImportJob>& jobs, store::CaseStore& store, const ImportOptions& options,
                  IndicatorBatches& batches, std::vector<ImportSummary>& summaries) {
  const StoreSink::TakeFn take = [&batches](Indicator&& ind) { return batches.Push(std::move(ind)); };
  std::set<std::string> streamed;  // by SHA-256: the same bytes given twice are read once
  for (const auto& job : jobs) {
    store::InputRow in;
    ONUS_ASSIGN_OR_RETURN(ImportSummary sum, BeginJob(job, store, options, in));
    StreamedFile* capture = nullptr;
    if (options.capture) {
      capture = &options.capture->emplace_back();
      capture->size = static_cast<uint64_t>(in.size);
    }
    if (!streamed.insert(sum.sha256).second) {
      sum.already_imported = true;  // nothing passed on, nothing to store later
      if (capture) capture->summary = sum;
      summaries.push_back(std::move(sum));
      continue;
    }
    sum.already_imported = in.state == "complete" && in.scope == "all";
    StoreSink sink(store, in.id, options, &sum, sum.already_imported ? StoreMode::kNothing : StoreMode::kContext,
                   &take, capture);
    ONUS_RETURN_IF_ERROR(sink.Begin());
    IntelOptions lean = options.intel;
    lean.values_only = true;  // the indicators go to matching only; sighted ones are read again in full
    ONUS_RETURN_IF_ERROR(detail::FindLoader(job.format)({job.path, job.format}, lean, sink));
    ONUS_RETURN_IF_ERROR(sink.Finish());
    ONUS_RETURN_IF_ERROR(batches.Flush());
    if (!sum.already_imported) ONUS_RETURN_IF_ERROR(store.CompleteInputSightedOnly(in.id, sum.records));
    if (capture) capture->summary = sum;
    summaries.push_back(std::move(sum));
  }
  return Status::Ok();
}

}  // namespace

Status StreamIntel(const std::vector<std::string>& paths, store::CaseStore& store, const ImportOptions& options,
                   std::vector<ImportSummary>* summaries) {
  if (!options.on_indicator) return Status::InvalidArgument("StreamIntel needs ImportOptions::on_indicator");
  ONUS_ASSIGN_OR_RETURN(std::vector<ImportJob> jobs, PlanJobs(paths, options));
  // Parsing (and the store's writes) on a loader thread; on_indicator on this one.
  IndicatorBatches batches;
  std::vector<ImportSummary> done;
  Status loaded;
  std::thread loader([&] {
    loaded = StreamJobs(jobs, store, options, batches, done);
    batches.Close();
  });
  Status consumed;
  std::vector<Indicator> batch;
  while (batches.Pop(batch)) {
    if (!consumed.ok()) continue;  // drain until the loader sees the cancel
    for (const auto& ind : batch) {
      consumed = options.on_indicator(ind);
      if (!consumed.ok()) {
        batches.Cancel();
        break;
      }
    }
  }
  loader.join();
  ONUS_RETURN_IF_ERROR(consumed);
  ONUS_RETURN_IF_ERROR(loaded);
  if (summaries)
    for (auto& s : done) summaries->push_back(std::move(s));
  return Status::Ok();
}

Status RecordStreamed(const std::vector<std::string>& paths, const std::vector<StreamedFile>& files,
                      store::CaseStore& store, const ImportOptions& options, std::vector<ImportSummary>* summaries) {
  if (paths.size() != files.size())
    return Status::InvalidArgument("RecordStreamed: " + std::to_string(files.size()) + " recorded files for " +
                                   std::to_string(paths.size()) + " paths");
  std::set<std::string> streamed;
  for (size_t i = 0; i < paths.size(); ++i) {
    const StreamedFile& f = files[i];
    ImportSummary sum = f.summary;
    sum.path = paths[i];
    ONUS_ASSIGN_OR_RETURN(store::InputRow in, store.BeginInput(paths[i], sum.sha256, static_cast<int64_t>(f.size),
                                                               KindFor(sum.format), Now(options)));
    sum.input_id = in.id;
    if (!streamed.insert(sum.sha256).second) {
      sum.already_imported = true;
      if (summaries) summaries->push_back(std::move(sum));
      continue;
    }
    sum.already_imported = in.state == "complete" && in.scope == "all";
    if (!sum.already_imported) {
      ONUS_ASSIGN_OR_RETURN(auto tx, store::Transaction::Begin(store.db()));
      for (const auto& r : f.sources) ONUS_RETURN_IF_ERROR(store.UpsertSource(r));
      for (const auto& o : f.objects) {
        store::StixObjectRow r = o;
        r.input_id = in.id;
        ONUS_RETURN_IF_ERROR(store.UpsertStixObject(r));
      }
      ONUS_RETURN_IF_ERROR(tx.Commit());
      ONUS_RETURN_IF_ERROR(store.CompleteInputSightedOnly(in.id, sum.records));
    }
    if (summaries) summaries->push_back(std::move(sum));
  }
  return Status::Ok();
}

namespace {

// Keeps the indicators `keep` selects as rows; everything else a feed holds is skipped. With a
// `flush`, the rows are handed over (and cleared) every `batch` rows and at the end, so memory stays
// bounded; without one they all stay in `rows`.
class KeptRowsSink : public detail::FeedSink {
 public:
  using FlushFn = std::function<Status(std::vector<store::IndicatorRow>&)>;
  KeptRowsSink(int64_t input_id, const std::function<bool(std::string_view)>& keep,
               std::vector<store::IndicatorRow>& rows, FlushFn flush = nullptr, size_t batch = 0)
      : input_id_(input_id), keep_(keep), rows_(rows), flush_(std::move(flush)), batch_(batch) {}
  Status OnSource(Source) override { return Status::Ok(); }
  Status OnIndicator(Indicator ind) override {
    if (!keep_(ind.id)) return Status::Ok();
    rows_.push_back(ToIndicatorRow(ind, input_id_));
    return flush_ && rows_.size() >= batch_ ? Flush() : Status::Ok();
  }
  Status OnObject(StixObject) override { return Status::Ok(); }
  void OnSkipped(int64_t, std::string) override {}
  void OnRecord() override {}
  Status Flush() {
    if (!flush_ || rows_.empty()) return Status::Ok();
    ONUS_RETURN_IF_ERROR(flush_(rows_));
    rows_.clear();
    return Status::Ok();
  }

 private:
  int64_t input_id_;
  const std::function<bool(std::string_view)>& keep_;
  std::vector<store::IndicatorRow>& rows_;
  FlushFn flush_;
  size_t batch_;
};

}  // namespace

Status StoreStreamedIndicators(const ImportSummary& streamed, store::CaseStore& store, const ImportOptions& options,
                               const std::vector<int64_t>& lines,
                               const std::function<bool(std::string_view id)>& keep) {
  if (streamed.already_imported) return Status::Ok();
  std::vector<store::IndicatorRow> rows;
  KeptRowsSink sink(
      streamed.input_id, keep, rows, [&store](std::vector<store::IndicatorRow>& r) { return StoreIndicatorRows(store, r); },
      static_cast<size_t>(std::max<int64_t>(1, std::min<int64_t>(options.batch_rows, 100000))));
  detail::FeedInput in{streamed.path, streamed.format, &lines};
  ONUS_RETURN_IF_ERROR(detail::FindLoader(streamed.format)(in, options.intel, sink));
  return sink.Flush();
}

Result<std::vector<store::IndicatorRow>> ReadStreamedIndicators(const ImportSummary& streamed,
                                                                const ImportOptions& options,
                                                                const std::vector<int64_t>& lines,
                                                                const std::function<bool(std::string_view id)>& keep) {
  std::vector<store::IndicatorRow> rows;
  if (streamed.already_imported) return rows;
  KeptRowsSink sink(streamed.input_id, keep, rows);
  detail::FeedInput in{streamed.path, streamed.format, &lines};
  ONUS_RETURN_IF_ERROR(detail::FindLoader(streamed.format)(in, options.intel, sink));
  return rows;
}

Status StoreIndicatorRows(store::CaseStore& store, const std::vector<store::IndicatorRow>& rows) {
  if (rows.empty()) return Status::Ok();
  ONUS_ASSIGN_OR_RETURN(auto tx, store::Transaction::Begin(store.db()));
  for (const auto& r : rows) ONUS_RETURN_IF_ERROR(store.UpsertIndicator(r));
  return tx.Commit();
}

}  // namespace onus::intel
