// analytics_bench MODE [--context context.json] [--rita-compatible] INPUT...
//   parse     ingest::ReadInputs into a sink that only counts conn observations (the baseline)
//   analyze   the same read with the Analyzer as sink, then Finish()
//   findings  as analyze, then one JSON line per finding (kind, key, window, score, severity, first and
//             last seen, techniques, detail, provenance): the
//             ranking diagnostics used to check PortGrid and re-seeded scenarios (README).
// parse/analyze print one JSON line: mode, seconds (wall), cpu_seconds (user+sys), records, conns, pairs, findings,
// state bytes, peak RSS (KiB, getrusage: each mode runs in its own process). run.sh runs both on the same inputs.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "onus/analytics/analyzer.h"
#include "onus/core/case_context.h"
#include "onus/core/time.h"
#include "onus/ingest/reader.h"

namespace {
class CountSink : public onus::ingest::ObservationSink {
 public:
  onus::Status OnObservation(const onus::ingest::Observation& o) override {
    n_ += o.kind == onus::ingest::ObservationKind::kConn;
    return onus::Status::Ok();
  }
  uint64_t n_ = 0;
};
}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: analytics_bench parse|analyze|findings [--context F] [--rita-compatible] INPUT...\n");
    return 2;
  }
  const std::string mode = argv[1];
  if (mode != "parse" && mode != "analyze" && mode != "findings") {
    std::fprintf(stderr, "unknown mode '%s'\n", mode.c_str());
    return 2;
  }
  std::vector<std::string> paths;
  std::string context_path;
  bool rita = false;
  for (int i = 2; i < argc; ++i) {
    if (std::strcmp(argv[i], "--context") == 0 && i + 1 < argc) {
      context_path = argv[++i];
    } else if (std::strcmp(argv[i], "--rita-compatible") == 0) {
      rita = true;
    } else {
      paths.push_back(argv[i]);
    }
  }
  std::optional<onus::CaseContext> context;
  if (!context_path.empty()) {
    auto c = onus::CaseContext::Load(context_path);
    if (!c.ok()) {
      std::fprintf(stderr, "%s\n", c.status().ToString().c_str());
      return 2;
    }
    context = std::move(*c);
  }
  onus::ingest::IngestOptions opt;
  opt.kinds = {onus::ingest::ObservationKind::kConn, onus::ingest::ObservationKind::kDns,
               onus::ingest::ObservationKind::kTls, onus::ingest::ObservationKind::kHttp};
  opt.emit_anomalies = false;
  onus::ingest::IngestRun run;
  auto t0 = std::chrono::steady_clock::now();
  uint64_t conns = 0, pairs = 0, nfindings = 0, state = 0, name_pairs = 0, summary_pairs = 0, summarised = 0;
  double finish_secs = 0;
  std::vector<onus::analytics::Finding> findings;
  if (mode == "parse") {
    CountSink sink;
    if (auto s = onus::ingest::ReadInputs(paths, opt, sink, run); !s.ok()) {
      std::fprintf(stderr, "%s\n", s.ToString().c_str());
      return 2;
    }
    conns = sink.n_;
  } else {
    onus::analytics::AnalyticsConfig cfg;
    if (context) cfg.context = &*context;
    cfg.rita_compatible = rita;
    if (auto s = cfg.Validate(); !s.ok()) {
      std::fprintf(stderr, "%s\n", s.ToString().c_str());
      return 2;
    }
    onus::analytics::Analyzer a(cfg);
    if (auto s = onus::ingest::ReadInputs(paths, opt, a, run); !s.ok()) {
      std::fprintf(stderr, "%s\n", s.ToString().c_str());
      return 2;
    }
    state = a.StateBytes();
    const auto tf = std::chrono::steady_clock::now();
    auto f = a.Finish();
    finish_secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - tf).count();
    if (!f.ok()) {
      std::fprintf(stderr, "%s\n", f.status().ToString().c_str());
      return 2;
    }
    findings = std::move(*f);
    nfindings = findings.size();
    conns = a.stats().conns;
    pairs = a.stats().pairs;
    name_pairs = a.stats().sni_pairs;
    summary_pairs = a.stats().summary_pairs;
    summarised = a.stats().summarised;
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (mode == "findings") {
    for (const auto& f : findings) {
      nlohmann::json j = {{"kind", onus::analytics::FindingKindName(f.kind)},
                          {"key", f.key},
                          {"window", f.window},
                          {"score", f.score},
                          {"site", f.site},
                          {"count", f.count},
                          {"severity", f.severity},
                          {"first_seen", onus::FormatRfc3339(f.first_seen, 6)},
                          {"last_seen", onus::FormatRfc3339(f.last_seen, 6)},
                          {"techniques", f.techniques},
                          {"provenance_total", f.provenance_total},
                          {"detail", nlohmann::json::parse(f.detail_json, nullptr, false)}};
      nlohmann::json prov = nlohmann::json::array();
      for (const auto& r : f.provenance)
        prov.push_back({r.input ? r.input->path : std::string(), r.record, r.is_packet});
      j["provenance"] = prov;
      std::printf("%s\n", j.dump().c_str());
    }
    return 0;
  }
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  // CPU seconds (user + system) next to wall time: on a shared machine the CPU time is the steadier
  // measure of the work done; both modes are measured the same way.
  const double cpu = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                     static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  std::printf(
      "{\"mode\":\"%s\",\"seconds\":%.3f,\"cpu_seconds\":%.3f,\"finish_seconds\":%.3f,\"records\":%llu,\"conns\":%llu,"
      "\"pairs\":%llu,"
      "\"name_pairs\":%llu,\"summary_pairs\":%llu,\"summarised\":%llu,\"findings\":%llu,\"state_bytes\":%llu,\"peak_"
      "rss_kib\":%ld}\n",
      mode.c_str(), secs, cpu, finish_secs, static_cast<unsigned long long>(run.stats.records),
      static_cast<unsigned long long>(conns), static_cast<unsigned long long>(pairs),
      static_cast<unsigned long long>(name_pairs), static_cast<unsigned long long>(summary_pairs),
      static_cast<unsigned long long>(summarised), static_cast<unsigned long long>(nfindings),
      static_cast<unsigned long long>(state), ru.ru_maxrss);
  return 0;
}
