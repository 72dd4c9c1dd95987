// Kernel benchmark: Zeek TSV conn.log records decoded into Observations, against a floor that only
// splits the same buffer into lines and fields (memchr for '\n' and '\t'), in the same run.
// Input: ONUS_BENCH_CONN_LOG (a conn.log from gen_conn_log.py), else 200,000 generated in memory.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "decoders/zeek/zeek_tsv.h"
#include "log_emitter.h"
#include "onus/core/file.h"

namespace {

using namespace onus;
using namespace onus::ingest;

const std::string& Input() {
  static const std::string data = [] {
    if (const char* p = std::getenv("ONUS_BENCH_CONN_LOG")) {
      auto r = ReadFile(p);
      if (r.ok()) return std::move(r).value();
    }
    std::string s =
        "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n"
        "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\t"
        "resp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\t"
        "resp_pkts\tresp_ip_bytes\ttunnel_parents\n"
        "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\tbool\t"
        "count\tstring\tcount\tcount\tcount\tcount\tset[string]\n";
    for (int i = 0; i < 200000; ++i) {
      s += std::to_string(1623628800 + i / 100) + "." + std::to_string(100000 + i % 900000) +
           "\tCNL097wtgeDmPqH6C2\t10.40." + std::to_string(i % 250) + ".30\t" + std::to_string(1024 + i % 60000) +
           "\t104.18." + std::to_string(i % 200) + ".57\t443\ttcp\tssl\t0.179114\t1202\t346\tSF\tT\tF\t0\tShADadFf\t4\t"
           "1410\t3\t502\t-\n";
    }
    return s;
  }();
  return data;
}

class CountSink : public ObservationSink {
 public:
  Status OnObservation(const Observation& o) override {
    n += o.orig_p != 0;
    return Status::Ok();
  }
  uint64_t n = 0;
};

template <typename F>
void ForEachLine(const std::string& s, F f) {
  const char* p = s.data();
  const char* end = p + s.size();
  uint64_t no = 0;
  while (p < end) {
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
    if (!nl) nl = end;
    f(std::string_view(p, static_cast<size_t>(nl - p)), ++no);
    p = nl + 1;
  }
}

void BM_FloorSplitLinesAndFields(benchmark::State& state) {
  const std::string& in = Input();
  uint64_t lines = 0;
  for (auto _ : state) {
    uint64_t fields = 0;
    ForEachLine(in, [&](std::string_view line, uint64_t) {
      ++lines;
      const char* p = line.data();
      const char* e = p + line.size();
      while (const char* t = static_cast<const char*>(std::memchr(p, '\t', static_cast<size_t>(e - p)))) {
        ++fields;
        p = t + 1;
      }
    });
    benchmark::DoNotOptimize(fields);
  }
  state.SetItemsProcessed(static_cast<int64_t>(lines));
  state.SetBytesProcessed(static_cast<int64_t>(in.size() * state.iterations()));
}
BENCHMARK(BM_FloorSplitLinesAndFields)->Unit(benchmark::kMillisecond);

void BM_ZeekTsvConnDecode(benchmark::State& state) {
  const std::string& in = Input();
  InputInfo info;
  info.path = "bench/conn.log";
  info.format = InputFormat::kZeekTsv;
  info.log_type = "conn";
  IngestOptions options;
  uint64_t lines = 0;
  for (auto _ : state) {
    CountSink sink;
    IngestStats stats;
    detail::LogEmitter emitter(&info, options, sink, stats);
    detail::ZeekTsvDecoder decoder(emitter, nullptr);
    ForEachLine(in, [&](std::string_view line, uint64_t no) {
      ++lines;
      (void)decoder.Line(line, no);
    });
    benchmark::DoNotOptimize(sink.n);
    if (stats.malformed) state.SkipWithError("malformed records in the benchmark input");
  }
  state.SetItemsProcessed(static_cast<int64_t>(lines));
  state.SetBytesProcessed(static_cast<int64_t>(in.size() * state.iterations()));
}
BENCHMARK(BM_ZeekTsvConnDecode)->Unit(benchmark::kMillisecond);

// From the file: core's LineReader alone (the bare line-reading floor) and LineReader + decode,
// both on ONUS_BENCH_CONN_LOG (skipped without it).
void BM_FloorLineReader(benchmark::State& state) {
  const char* path = std::getenv("ONUS_BENCH_CONN_LOG");
  if (!path) return state.SkipWithError("ONUS_BENCH_CONN_LOG not set");
  uint64_t lines = 0;
  for (auto _ : state) {
    auto r = LineReader::Open(path);
    if (!r.ok()) return state.SkipWithError("cannot open the input");
    std::string_view line;
    size_t bytes = 0;
    while ((*r)->Next(line)) bytes += line.size(), ++lines;
    benchmark::DoNotOptimize(bytes);
  }
  state.SetItemsProcessed(static_cast<int64_t>(lines));
}
BENCHMARK(BM_FloorLineReader)->Unit(benchmark::kMillisecond);

void BM_ZeekTsvConnFromFile(benchmark::State& state) {
  const char* path = std::getenv("ONUS_BENCH_CONN_LOG");
  if (!path) return state.SkipWithError("ONUS_BENCH_CONN_LOG not set");
  InputInfo info;
  info.path = path;
  info.format = InputFormat::kZeekTsv;
  info.log_type = "conn";
  IngestOptions options;
  uint64_t lines = 0;
  for (auto _ : state) {
    auto r = LineReader::Open(path);
    if (!r.ok()) return state.SkipWithError("cannot open the input");
    CountSink sink;
    IngestStats stats;
    detail::LogEmitter emitter(&info, options, sink, stats);
    detail::ZeekTsvDecoder decoder(emitter, nullptr);
    std::string_view line;
    while ((*r)->Next(line)) {
      ++lines;
      (void)decoder.Line(line, (*r)->line_number());
    }
    benchmark::DoNotOptimize(sink.n);
    if (stats.malformed) state.SkipWithError("malformed records in the benchmark input");
  }
  state.SetItemsProcessed(static_cast<int64_t>(lines));
}
BENCHMARK(BM_ZeekTsvConnFromFile)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
