// onus observe INPUT... [--format jsonl] [--kinds conn,dns,...] [--quiet] [--count]
// Reads captures, Zeek logs (files or directories), Suricata EVE and grid event logs (format from
// content) and prints one JSON object per observation, or with --count the number per kind.
#include <unistd.h>

#include <array>
#include <cstdio>
#include <string>
#include <vector>

#include "command.h"
#include "onus/core/progress.h"
#include "onus/ingest/observation_json.h"
#include "onus/ingest/reader.h"

namespace onus::cli {
namespace {

constexpr size_t kNumKinds = static_cast<size_t>(ingest::ObservationKind::kOther) + 1;

class JsonlSink : public ingest::ObservationSink {
 public:
  JsonlSink() { buf_.reserve(kFlushAt + 4096); }
  Status OnObservation(const ingest::Observation& obs) override {
    ingest::AppendJsonLine(obs, buf_);
    if (buf_.size() >= kFlushAt) return Flush();
    return Status::Ok();
  }
  Status Flush() {
    if (!buf_.empty() && std::fwrite(buf_.data(), 1, buf_.size(), stdout) != buf_.size())
      return Status::IoError("cannot write to standard output");
    buf_.clear();
    return Status::Ok();
  }

 private:
  static constexpr size_t kFlushAt = 1 << 20;
  std::string buf_;
};

class CountSink : public ingest::ObservationSink {
 public:
  Status OnObservation(const ingest::Observation& obs) override {
    ++counts_[static_cast<size_t>(obs.kind)];
    return Status::Ok();
  }
  const std::array<uint64_t, kNumKinds>& counts() const { return counts_; }

 private:
  std::array<uint64_t, kNumKinds> counts_{};
};

}  // namespace

int RunObserve(int argc, char** argv) {
  CLI::App app{"Read captures, Zeek logs, Suricata EVE and grid event logs into observations (JSON lines).",
               "onus observe"};
  std::vector<std::string> inputs;
  std::string format = "jsonl";
  std::string kinds_text;
  bool quiet = false, count = false;
  size_t max_warnings = 20;
  app.add_option("inputs", inputs, "capture, Zeek log or directory, EVE file, grid event log (format from content)")
      ->required();
  app.add_option("--format", format, "output format (jsonl)");
  app.add_option("--kinds", kinds_text,
                 "comma-separated kinds to emit: conn,dns,tls,x509,http,file,ics,alert,anomaly,grid,other");
  app.add_flag("--quiet,-q", quiet, "no progress bar, summary or warnings on stderr");
  app.add_flag("--count", count, "print the number of observations per kind instead of the observations");
  app.add_option("--max-warnings", max_warnings, "warnings printed on stderr (default 20)");
  if (int rc = Parse(app, argc, argv); rc >= 0) return rc;
  if (format != "jsonl") return Fail("observe", "unknown --format '" + format + "' (supported: jsonl)");

  ingest::IngestOptions options;
  if (!kinds_text.empty()) {
    size_t pos = 0;
    while (pos <= kinds_text.size()) {
      size_t comma = kinds_text.find(',', pos);
      std::string name = kinds_text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
      ingest::ObservationKind k;
      if (!ingest::ParseKind(name, k))
        return Fail("observe", "unknown kind '" + name + "' in --kinds (conn,dns,tls,x509,http,file,ics,alert,"
                               "anomaly,grid,other)");
      options.kinds.push_back(k);
      if (comma == std::string::npos) break;
      pos = comma + 1;
    }
  }
  options.max_warnings = 1000;

  ProgressReporter::Options popts;
  popts.quiet = quiet;
  popts.label = "observe";
  ProgressReporter progress(stderr, popts);
  options.progress = &progress;

  JsonlSink jsonl;
  CountSink counter;
  ingest::ObservationSink& sink = count ? static_cast<ingest::ObservationSink&>(counter) : jsonl;
  ingest::IngestRun run;
  Status st = ingest::ReadInputs(inputs, options, sink, run);
  Status flushed = count ? Status::Ok() : jsonl.Flush();
  std::fflush(stdout);
  if (!st.ok()) return Fail("observe", st);
  if (!flushed.ok()) return Fail("observe", flushed);
  progress.Finish();
  if (count) {
    uint64_t total = 0;
    for (size_t i = 0; i < kNumKinds; ++i) {
      uint64_t n = counter.counts()[i];
      total += n;
      if (n) std::printf("%s\t%llu\n", std::string(ingest::KindName(static_cast<ingest::ObservationKind>(i))).c_str(),
                         static_cast<unsigned long long>(n));
    }
    std::printf("total\t%llu\n", static_cast<unsigned long long>(total));
  }
  if (!quiet) PrintIngestWarnings("observe", run.stats, max_warnings);
  return kExitOk;
}

}  // namespace onus::cli
