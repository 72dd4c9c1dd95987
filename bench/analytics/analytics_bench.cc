// analytics_bench MODE INPUT... : MODE = parse (ingest::ReadInputs into a counting sink) or analyze
// (the same with the Analyzer as sink, then Finish). Prints one JSON line: mode, seconds, records,
// connections, pairs, findings, state bytes, peak RSS (KiB). run.sh runs both on the same inputs.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "onus/analytics/analyzer.h"
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
    std::fprintf(stderr, "usage: analytics_bench parse|analyze INPUT...\n");
    return 2;
  }
  const std::string mode = argv[1];
  std::vector<std::string> paths(argv + 2, argv + argc);
  onus::ingest::IngestOptions opt;
  opt.kinds = {onus::ingest::ObservationKind::kConn, onus::ingest::ObservationKind::kDns,
               onus::ingest::ObservationKind::kTls, onus::ingest::ObservationKind::kHttp};
  opt.emit_anomalies = false;
  onus::ingest::IngestRun run;
  auto t0 = std::chrono::steady_clock::now();
  uint64_t conns = 0, pairs = 0, findings = 0, state = 0;
  if (mode == "parse") {
    CountSink sink;
    if (auto s = onus::ingest::ReadInputs(paths, opt, sink, run); !s.ok()) {
      std::fprintf(stderr, "%s\n", s.ToString().c_str());
      return 2;
    }
    conns = sink.n_;
  } else {
    onus::analytics::Analyzer a(onus::analytics::AnalyticsConfig{});
    if (auto s = onus::ingest::ReadInputs(paths, opt, a, run); !s.ok()) {
      std::fprintf(stderr, "%s\n", s.ToString().c_str());
      return 2;
    }
    state = a.StateBytes();
    auto f = a.Finish();
    if (!f.ok()) return 2;
    findings = f->size();
    conns = a.stats().conns;
    pairs = a.stats().pairs;
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  std::printf(
      "{\"mode\":\"%s\",\"seconds\":%.3f,\"records\":%llu,\"conns\":%llu,\"pairs\":%llu,\"findings\":%llu,"
      "\"state_bytes\":%llu,\"peak_rss_kib\":%ld}\n",
      mode.c_str(), secs, static_cast<unsigned long long>(run.stats.records), static_cast<unsigned long long>(conns),
      static_cast<unsigned long long>(pairs), static_cast<unsigned long long>(findings),
      static_cast<unsigned long long>(state), ru.ru_maxrss);
  return 0;
}
