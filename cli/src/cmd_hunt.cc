// onus hunt: read intel straight into the compiled index (the case keeps sighted indicators), stream
// telemetry through it, the pattern evaluator and (unless --no-analytics) the behaviour analyzer; store
// sightings, notable observations and findings; print intel.log-style JSON lines (--jsonl) and a summary.
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <functional>
#include <memory>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <string_view>
#include <unordered_set>
#include <vector>

#include <sys/stat.h>

#include "command.h"
#include "onus/analytics/analyzer.h"
#include "onus/core/case_context.h"
#include "onus/core/file.h"
#include "onus/core/file_digests.h"
#include "onus/core/progress.h"
#include "onus/ingest/reader.h"
#include "onus/intel/import.h"
#include "onus/intel/warninglist.h"
#include "onus/core/hash.h"
#include "onus/match/hunt.h"
#include "onus/match/intel_cache.h"
#include "onus/match/recorder.h"
#include "onus/store/case_store.h"

namespace onus::cli {
namespace {

// With ONUS_HUNT_PHASES set, one stderr line at the end of the hunt: each phase's wall time and the
// process's CPU time (all threads) over it — where a slow hunt spends its time.
class PhaseClock {
 public:
  explicit PhaseClock(bool on) : on_(on), last_wall_(std::chrono::steady_clock::now()), last_cpu_(ProcessCpu()) {}
  ~PhaseClock() {
    if (on_) std::fprintf(stderr, "onus hunt: phases (wall / CPU of all threads):%s\n", line_.c_str());
  }
  void Mark(const char* name) {
    if (!on_) return;
    auto now = std::chrono::steady_clock::now();
    double cpu = ProcessCpu();
    char buf[128];
    std::snprintf(buf, sizeof buf, " %s %.2f / %.2f s;", name,
                  std::chrono::duration<double>(now - last_wall_).count(), cpu - last_cpu_);
    line_ += buf;
    last_wall_ = now;
    last_cpu_ = cpu;
  }

 private:
  static double ProcessCpu() {
    timespec ts{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
  }
  bool on_;
  std::chrono::steady_clock::time_point last_wall_;
  double last_cpu_;
  std::string line_;
};

// Feeds every observation to several sinks in order.
class TeeSink : public ingest::ObservationSink {
 public:
  void Add(ingest::ObservationSink* s) { sinks_.push_back(s); }
  Status OnObservation(const ingest::Observation& obs) override {
    for (auto* s : sinks_) ONUS_RETURN_IF_ERROR(s->OnObservation(obs));
    return Status::Ok();
  }

 private:
  std::vector<ingest::ObservationSink*> sinks_;  // not owned
};

// Notes which indicators (ordinals below `limit`: the streamed ones) were sighted, then passes the
// sighting on.
class SightedMarks : public match::SightingSink {
 public:
  SightedMarks(match::SightingSink& next, size_t limit) : next_(next), sighted_(limit, false) {}
  Status OnSighting(const match::Sighting& s) override {
    if (s.indicator < sighted_.size()) sighted_[s.indicator] = true;
    return next_.OnSighting(s);
  }
  const std::vector<bool>& sighted() const { return sighted_; }

 private:
  match::SightingSink& next_;
  std::vector<bool> sighted_;
};

// The sighted indicators of the streamed intel files (ordinals are assigned in stream order, so
// file i holds [sum of the earlier files' counts, + its count)). Only files with a sighting are read
// again. Read() touches no store: onus hunt runs it beside the recorder's last inserts, then Store()
// writes the rows. A file with more sighted indicators than kMaxHeld is not held in memory: Store()
// streams it from the file instead.
class SightedIntel {
 public:
  static constexpr size_t kMaxHeld = 200000;

  SightedIntel(const std::vector<intel::ImportSummary>& streamed, const std::vector<bool>& sighted,
               const std::vector<int64_t>& lines, const match::IndicatorIndex& index,
               const intel::ImportOptions& options)
      : options_(options) {
    size_t first = 0;
    for (const auto& s : streamed) {
      size_t end = first + static_cast<size_t>(s.indicators);
      File f{&s, {}, {}, {}, false};
      for (size_t i = first; i < end && i < sighted.size(); ++i)
        if (sighted[i]) {
          f.ids.insert(index.indicator_id(static_cast<uint32_t>(i)));
          f.wanted.push_back(lines[i]);
        }
      first = end;
      if (f.ids.empty() || s.already_imported) continue;
      std::sort(f.wanted.begin(), f.wanted.end());
      files_.push_back(std::move(f));
    }
  }

  Status Read() {
    for (auto& f : files_) {
      if (f.wanted.size() > kMaxHeld) continue;
      ONUS_ASSIGN_OR_RETURN(f.rows, intel::ReadStreamedIndicators(*f.summary, options_, f.wanted, Keep(f)));
      f.read = true;
    }
    return Status::Ok();
  }

  Status Store(store::CaseStore& store) {
    for (auto& f : files_) {
      if (f.read) {
        ONUS_RETURN_IF_ERROR(intel::StoreIndicatorRows(store, f.rows));
      } else {
        ONUS_RETURN_IF_ERROR(intel::StoreStreamedIndicators(*f.summary, store, options_, f.wanted, Keep(f)));
      }
    }
    return Status::Ok();
  }

 private:
  struct File {
    const intel::ImportSummary* summary;
    std::unordered_set<std::string_view> ids;
    std::vector<int64_t> wanted;
    std::vector<store::IndicatorRow> rows;
    bool read;
  };
  static std::function<bool(std::string_view)> Keep(const File& f) {
    return [&f](std::string_view id) { return f.ids.count(id) != 0; };
  }
  const intel::ImportOptions& options_;
  std::vector<File> files_;
};

// Whether a cache entry describes exactly these files (by SHA-256, in order).
bool SameFiles(const std::vector<intel::StreamedFile>& files, const std::vector<std::string>& shas) {
  if (files.size() != shas.size()) return false;
  for (size_t i = 0; i < shas.size(); ++i)
    if (files[i].summary.sha256 != shas[i]) return false;
  return true;
}

// Identity of this onus binary for the compiled-intel cache key: any rebuild changes it, so a
// cache entry is only ever read by the code that wrote it.
std::string BuildId() {
  struct stat st {};
  std::string id(Version());
  if (::stat("/proc/self/exe", &st) == 0)
    id += " " + std::to_string(st.st_size) + " " + std::to_string(st.st_mtim.tv_sec) + "." +
          std::to_string(st.st_mtim.tv_nsec) + " " + std::to_string(st.st_ino);
  return id;
}

// $ONUS_CACHE_DIR, else $XDG_CACHE_HOME/onus, else ~/.cache/onus; "" when none is known.
std::string DefaultCacheDir() {
  if (const char* d = std::getenv("ONUS_CACHE_DIR"); d && *d) return d;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return std::string(x) + "/onus";
  if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.cache/onus";
  return "";
}

}  // namespace

int RunHunt(int argc, char** argv) {
  CLI::App app{"Match intelligence against telemetry (captures, Zeek logs, EVE, SCADA/EMS JSON lines), run "
               "behaviour analytics in the same pass, and store sightings, notable observations and findings "
               "in a case.",
               "onus hunt"};
  std::vector<std::string> intel_files, inputs;
  std::string context_path, case_path, jsonl_path, grade, warninglists_path;
  bool no_analytics = false, quiet = false, exact_domains = false, every_flow = false;
  size_t max_warnings = 20;
  app.add_option("--intel", intel_files, "intel files (STIX, MISP, CSV, lists, Zeek intel) or directories of them, read straight into the index; the case keeps each file's identity, sources and STIX objects, and the indicators that were sighted (`onus intel import` stores a whole feed)");
  app.add_option("--context", context_path, "case context (sites, segments, infrastructure notes)");
  app.add_option("--case", case_path, "the case database (created when absent)")->required();
  app.add_option("--jsonl", jsonl_path, "write sightings as intel.log-style JSON lines to PATH ('-' = stdout)");
  app.add_option("--warninglists", warninglists_path,
                 "MISP warning lists (a misp-warninglists 'lists' directory or one list.json): sightings of CDN, "
                 "cloud, public-DNS, dynamic-DNS, sinkhole, parking or scanner infrastructure carry that annotation");
  app.add_option("--grade", grade, "Admiralty grade for the sources of the --intel files (e.g. B2)");
  app.add_flag("--no-analytics", no_analytics, "match only; skip behaviour analytics");
  app.add_flag("--every-flow", every_flow,
               "with --no-analytics, still decode every flow of a capture (by default a hunt decodes only the "
               "flows its intel can be sighted in: same sightings, fewer observations)");
  app.add_flag("--exact-domains", exact_domains,
               "a listed domain matches only itself (default: itself and the names below it)");
  app.add_flag("--quiet", quiet, "no progress bar, summary line or warnings");
  app.add_option("--max-warnings", max_warnings,
                 "input warnings printed on stderr (skipped files, damaged records; default 20)");
  std::string cache_dir = DefaultCacheDir();
  bool no_cache = false;
  app.add_option("--intel-cache", cache_dir,
                 "directory of compiled --intel feeds, keyed by their SHA-256 (default $ONUS_CACHE_DIR, "
                 "$XDG_CACHE_HOME/onus or ~/.cache/onus): the same feeds are not parsed again");
  app.add_flag("--no-intel-cache", no_cache, "always parse the --intel files and build the index");
  app.add_option("inputs", inputs, "telemetry files or directories")->required();
  if (int rc = Parse(app, argc, argv); rc >= 0) return rc;

  auto started = std::chrono::steady_clock::now();
  PhaseClock phases(std::getenv("ONUS_HUNT_PHASES") != nullptr);
  for (const auto& p : intel_files)
    if (!FileExists(p)) return Fail("hunt", "intel file '" + p + "' does not exist");
  for (const auto& p : inputs)
    if (!FileExists(p)) return Fail("hunt", "input '" + p + "' does not exist");

  CaseContext context;
  const CaseContext* ctx = nullptr;
  if (!context_path.empty()) {
    auto c = CaseContext::Load(context_path);
    if (!c.ok()) return Fail("hunt", c.status());
    context = std::move(c).value();
    ctx = &context;
  }
  // Every input is detected before the intelligence loads: an unknown file fails at once; files of no
  // known format found in a directory are left out (one line in the summary says how many).
  std::vector<std::string> skipped_inputs;
  auto expanded = ingest::PlanInputs(inputs, &skipped_inputs);
  if (!expanded.ok()) return Fail("hunt", expanded.status());
  // The inputs are hashed on a thread of their own from here on, while the intelligence loads.
  FileDigests input_digests(*expanded);

  intel::WarningListSet warninglists;
  if (!warninglists_path.empty()) {
    if (!FileExists(warninglists_path) && !IsDirectory(warninglists_path))
      return Fail("hunt", "warning lists '" + warninglists_path + "' do not exist");
    auto w = intel::WarningListSet::Load(warninglists_path);
    if (!w.ok()) return Fail("hunt", w.status());
    warninglists = std::move(w).value();
  }

  auto store = store::CaseStore::Open(case_path);
  if (!store.ok()) return Fail("hunt", store.status());
  // Sightings are keyed by (indicator, input, record, where, value): a page cache that holds those
  // index pages makes large hunts write each page once per batch (this process only).
  if (Status st = (*store)->db().Exec("PRAGMA cache_size=-65536"); !st.ok()) return Fail("hunt", st);

  // The --intel files are read straight into the index (StreamIntel: their sources and STIX objects
  // are stored, their indicators only when sighted, after the hunt). Indicators the case already
  // holds from other inputs are read back lean. Stream and case share ids: the stream wins.
  auto intel_started = std::chrono::steady_clock::now();
  phases.Mark("case opened");
  match::CompileOptions copt;
  copt.domain_scope = exact_domains ? match::DomainScope::kExact : match::DomainScope::kZone;
  std::vector<intel::ImportSummary> streamed;
  std::vector<int64_t> streamed_lines;  // by ordinal: the line each streamed indicator came from
  std::vector<std::string> intel_left_out;  // files of --intel directories that are no feed
  intel::ImportOptions io;
  io.intel.grade = grade;

  // The compiled-intel cache: usable when every --intel path is a file and the case holds no
  // indicator of its own beyond those files' (the cached index holds only the files' indicators).
  bool cache_usable = !intel_files.empty() && !no_cache && !cache_dir.empty();
  std::string cache_key;
  std::vector<std::string> shas, names;  // of the --intel files, when the cache is usable
  if (cache_usable) {
    for (const auto& p : intel_files) {
      if (IsDirectory(p)) {
        cache_usable = false;
        break;
      }
      auto h = Sha256File(p);
      if (!h.ok()) return Fail("hunt", h.status());
      shas.push_back(*h);
      names.push_back(std::filesystem::path(p).filename().string());
    }
    if (cache_usable) {
      cache_key = match::IntelCacheKey(shas, names, copt, grade, BuildId());
      auto inputs_before = (*store)->ListInputs();
      if (!inputs_before.ok()) return Fail("hunt", inputs_before.status());
      std::vector<int64_t> feed_inputs;
      for (const auto& in : *inputs_before)
        if (std::find(shas.begin(), shas.end(), in.sha256) != shas.end()) feed_inputs.push_back(in.id);
      auto others = (*store)->CountIndicatorsOutside(feed_inputs);
      if (!others.ok()) return Fail("hunt", others.status());
      cache_usable = *others == 0;
    }
  }
  std::optional<match::CompiledIntel> compiled;
  std::string cache_note;
  if (cache_usable) {
    auto cached = match::LoadCachedIntel(cache_dir, cache_key);
    if (!cached.ok()) {
      cache_note = "intel cache entry unusable, rebuilt: " + cached.status().ToString();
    } else if (cached->has_value() && !SameFiles((*cached)->files, shas)) {
      cache_note = "intel cache entry unusable, rebuilt: its files are not the --intel files";
    } else if (cached->has_value()) {
      match::CachedIntel& c = **cached;
      Status st = intel::RecordStreamed(intel_files, c.files, **store, io, &streamed);
      if (!st.ok()) return Fail("hunt", st);
      streamed_lines = std::move(c.lines);
      compiled = std::move(c.compiled);
      cache_note = "intel from cache";
    }
  }
  size_t streamed_count = 0;
  std::thread cache_writer;
  Status cache_written;
  if (compiled) {
    streamed_count = compiled->index->indicator_count();
  } else {
    match::IntelCompiler compiler(copt);
    auto stored_before = (*store)->Count("indicators");
    if (!stored_before.ok()) return Fail("hunt", stored_before.status());
    const bool track_ids = *stored_before > 0;
    std::vector<uint64_t> streamed_id_hashes;  // sorted after the stream; only when the case has rows
    auto id_hash = [](std::string_view id) { return std::hash<std::string_view>{}(id); };
    std::vector<intel::StreamedFile> captured;
    if (!intel_files.empty()) {
      io.on_indicator = [&](const intel::Indicator& ind) {
        if (track_ids) streamed_id_hashes.push_back(id_hash(ind.id));
        streamed_lines.push_back(ind.line);
        compiler.Add(ind);
        return Status::Ok();
      };
      if (cache_usable) io.capture = &captured;
      io.left_out = &intel_left_out;
      Status st = intel::StreamIntel(intel_files, **store, io, &streamed);
      if (!st.ok()) return Fail("hunt", st);
      io.on_indicator = nullptr;
      io.capture = nullptr;
    }
    streamed_count = compiler.added();
    if (track_ids) {
      std::vector<int64_t> streamed_inputs;
      for (const auto& s : streamed) streamed_inputs.push_back(s.input_id);
      std::sort(streamed_inputs.begin(), streamed_inputs.end());
      std::sort(streamed_id_hashes.begin(), streamed_id_hashes.end());
      Status st = intel::ForEachStoredIndicator(**store, streamed_inputs, [&](const intel::StoredIndicator& s) {
        // A hash collision would only hide a stored duplicate of a streamed id (p ~ 2^-64 per pair).
        if (!std::binary_search(streamed_id_hashes.begin(), streamed_id_hashes.end(), id_hash(s.row.id)))
          compiler.Add(s);
        return Status::Ok();
      });
      if (!st.ok()) return Fail("hunt", st);
    }
    streamed_id_hashes = {};
    const bool only_streamed = compiler.added() == streamed_count;
    auto built = compiler.Finish();
    if (!built.ok()) return Fail("hunt", built.status());
    compiled = std::move(built).value();
    if (cache_usable && only_streamed && captured.size() == intel_files.size()) {
      // Written beside the hunt (the index is immutable; the entry copies the rest).
      auto entry = std::make_shared<match::CachedIntel>();
      entry->compiled = *compiled;
      entry->lines = streamed_lines;
      entry->files = std::move(captured);
      cache_writer = std::thread([entry, &cache_written, &cache_dir, &cache_key] {
        cache_written = match::SaveCachedIntel(cache_dir, cache_key, *entry);
      });
    }
  }
  // Joins the cache writer on every return path below.
  struct JoinOnExit {
    std::thread& t;
    ~JoinOnExit() {
      if (t.joinable()) t.join();
    }
  } join_cache_writer{cache_writer};
  double intel_secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - intel_started).count();
  phases.Mark("intel and index");

  FILE* jsonl = nullptr;
  if (jsonl_path == "-") {
    jsonl = stdout;
  } else if (!jsonl_path.empty()) {
    jsonl = std::fopen(jsonl_path.c_str(), "w");
    if (!jsonl) return Fail("hunt", "cannot write '" + jsonl_path + "'");
  }

  match::RecorderOptions ro;
  ro.context = ctx;
  // One commit per million rows: a hunt's sightings land all over the sightings tree, so every commit
  // rewrites most of its pages into the WAL (and the checkpoint copies them again); 100,000-row
  // batches wrote each page about three times on the 1M-indicator bench. A hunt stopped midway keeps
  // what it committed; its input stays 'ingesting' and the same command adds the rest.
  ro.batch_rows = 1000000;
  ro.background_writes = true;  // SQLite inserts on the recorder's writer thread, beside decoding
  if (!warninglists_path.empty()) ro.warninglists = &warninglists;
  if (jsonl)
    ro.emit = [jsonl](std::string_view line) {
      std::fwrite(line.data(), 1, line.size(), jsonl);
      std::fputc('\n', jsonl);
    };
  match::HuntRecorder recorder(**store, *compiled->index, ro);
  SightedMarks marks(recorder, streamed_count);
  match::HuntOptions ho;
  ho.context = ctx;
  match::Hunter hunter(*compiled, ho, marks);

  std::unique_ptr<analytics::Analyzer> analyzer;
  if (!no_analytics) {
    analytics::AnalyticsConfig ac;
    ac.context = ctx;
    Status st = ac.Validate();
    if (!st.ok()) return Fail("hunt", st);
    analyzer = std::make_unique<analytics::Analyzer>(ac);
  }
  TeeSink tee;
  tee.Add(&hunter);
  tee.Add(&recorder);
  if (analyzer) tee.Add(analyzer.get());

  uint64_t total_bytes = 0;
  for (const auto& p : *expanded) total_bytes += FileSize(p).value_or(0);
  ProgressReporter::Options po;
  po.quiet = quiet;
  po.label = "hunt";
  ProgressReporter progress(stderr, po, total_bytes);
  ingest::IngestOptions iopt;
  iopt.progress = &progress;
  iopt.digests = &input_digests;
  // Decoding starts at once, beside the hashing: the recorder registers an input (and stores its
  // sightings) once its digest is known.
  iopt.decode_before_digest = true;
  // Address sightings as flows begin, not at their end (only when there are addresses to match).
  if (compiled->index->has_type(match::ValueType::kAddr)) iopt.conn_starts = &hunter.conn_starts();
  // Without analytics only the flows the intel can be sighted in are decoded (same sightings).
  std::optional<ingest::FlowScope> scope;
  if (!analyzer && !every_flow) scope = match::HuntFlowScope(*compiled, ctx);
  if (scope) iopt.flow_scope = &*scope;
  ingest::IngestRun run;
  Status st = ingest::ReadInputs(*expanded, iopt, tee, run);
  phases.Mark("decode and hunt");
  if (!st.ok()) {
    if (jsonl && jsonl != stdout) std::fclose(jsonl);
    return Fail("hunt", st);
  }
  std::vector<const ingest::InputInfo*> infos;
  for (const auto& i : run.inputs) infos.push_back(&i);
  // Every observation is in: the analyzer computes its findings (CPU only, no store) beside the
  // recorder's last inserts and the sighted indicators; the findings are stored after them.
  Result<std::vector<analytics::Finding>> analyzed = std::vector<analytics::Finding>();
  std::thread analyst;
  if (analyzer) analyst = std::thread([&] { analyzed = analyzer->Finish(); });
  struct JoinAnalyst {
    std::thread& t;
    ~JoinAnalyst() {
      if (t.joinable()) t.join();
    }
  } join_analyst{analyst};
  // Every sighting is made: the sighted indicators are read again beside the recorder's last inserts.
  SightedIntel sighted(streamed, marks.sighted(), streamed_lines, *compiled->index, io);
  Status sighted_read;
  std::thread sighted_reader([&] { sighted_read = sighted.Read(); });
  st = recorder.Finish(infos);
  sighted_reader.join();
  phases.Mark("sightings stored");
  if (!st.ok()) return Fail("hunt", st);
  if (!sighted_read.ok()) return Fail("hunt", sighted_read);
  st = sighted.Store(**store);
  phases.Mark("sighted indicators stored");
  if (!st.ok()) return Fail("hunt", st);

  size_t findings = 0;
  if (analyzer) {
    analyst.join();
    auto& fs = analyzed;
    if (!fs.ok()) return Fail("hunt", fs.status());
    auto tx = store::Transaction::Begin((*store)->db());
    if (!tx.ok()) return Fail("hunt", tx.status());
    for (const auto& f : *fs) {
      st = (*store)->PutFinding(
          analytics::ToFindingRow(f, [&](const ingest::InputInfo& info) { return recorder.InputId(&info); }));
      if (!st.ok()) return Fail("hunt", st);
    }
    st = tx->Commit();
    if (!st.ok()) return Fail("hunt", st);
    findings = fs->size();
    phases.Mark("analytics");
  }
  if (jsonl) {
    std::fflush(jsonl);
    if (jsonl != stdout) std::fclose(jsonl);
  }
  progress.Finish();
  if (!quiet) {
    const auto& hs = hunter.stats();
    const auto& rs = recorder.stats();
    std::set<std::string> sites, indicators;
    for (const auto& s : recorder.Summaries()) {
      if (s.stale) continue;
      indicators.insert(s.indicator_id);
      if (!s.site.empty()) sites.insert(s.site);
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::fprintf(stderr,
                 "onus hunt: %zu inputs, %llu observations; %zu indicators (%zu values, %zu patterns); %llu sightings "
                 "of %zu indicators at %zu sites, %llu stale; %llu notable observations; %zu findings; %.2f s (intel and "
                 "index %.2f s)\n",
                 run.inputs.size(), static_cast<unsigned long long>(hs.observations),
                 compiled->index->indicator_count(), compiled->index->entry_count(), hunter.evaluated_patterns(),
                 static_cast<unsigned long long>(rs.sightings - rs.stale), indicators.size(), sites.size(),
                 static_cast<unsigned long long>(rs.stale), static_cast<unsigned long long>(rs.observations_kept),
                 findings, secs, intel_secs);
    if (!skipped_inputs.empty())
      std::fprintf(stderr, "onus hunt: skipped %zu files of no known log or capture format (e.g. '%s')\n",
                   skipped_inputs.size(), skipped_inputs.front().c_str());
    if (compiled->non_stix_patterns > 0 || compiled->unsupported_values > 0)
      std::fprintf(stderr,
                   "onus hunt: not matched: %zu indicators whose pattern language onus does not evaluate (yara, "
                   "sigma, snort...), %zu values of types no telemetry field carries (sha512, x509-md5)\n",
                   compiled->non_stix_patterns, compiled->unsupported_values);
    if (!intel_left_out.empty())
      std::fprintf(stderr, "onus hunt: left out %zu files of the --intel directories that are not intelligence (e.g. %s)\n",
                   intel_left_out.size(), intel_left_out.front().c_str());
    PrintIngestWarnings("hunt", run.stats, max_warnings);
    if (cache_writer.joinable()) cache_writer.join();
    if (!cache_written.ok()) cache_note = "intel cache not written: " + cache_written.ToString();
    if (!cache_note.empty()) std::fprintf(stderr, "onus hunt: %s\n", cache_note.c_str());
  }
  return kExitOk;
}

}  // namespace onus::cli
