// Whole-capture decode driver for benchmarks: ReadCapture with a counting sink (no output).
// Usage: capture_bench FILE.pcap [--kinds conn,dns,...] [--no-decode] [--max-flows N] [--dump]
// Prints packets, observations per kind, malformed and the wall time of the decode.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "decoders/flow/flow_table.h"
#include "onus/core/hash.h"
#include "onus/ingest/capture.h"

namespace {

class CountingSink : public onus::ingest::ObservationSink {
 public:
  explicit CountingSink(bool dump) : dump_(dump) {}
  onus::Status OnObservation(const onus::ingest::Observation& o) override {
    ++counts[static_cast<size_t>(o.kind)];
    if (dump_) {
      std::printf("%s %llu %s %s:%u > %s:%u %s %s%s%s%s%s\n", std::string(onus::ingest::KindName(o.kind)).c_str(),
                  static_cast<unsigned long long>(o.src.record), o.uid.c_str(), o.orig_h.ToString().c_str(), o.orig_p,
                  o.resp_h.ToString().c_str(), o.resp_p, o.proto.c_str(), o.conn_state.c_str(), o.query.c_str(),
                  o.server_name.c_str(), o.host.c_str(), o.anomaly.c_str());
    }
    return onus::Status::Ok();
  }
  uint64_t counts[16] = {};

 private:
  bool dump_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: capture_bench FILE.pcap [--kinds k,...] [--no-decode] [--max-flows N] [--dump]\n");
    return 2;
  }
  using namespace onus::ingest;  // NOLINT
  IngestOptions options;
  bool dump = false;
  for (int i = 2; i < argc; ++i) {
    if (std::strcmp(argv[i], "--no-decode") == 0) {
      options.decode_protocols = false;
    } else if (std::strcmp(argv[i], "--dump") == 0) {
      dump = true;
    } else if (std::strcmp(argv[i], "--max-flows") == 0 && i + 1 < argc) {
      options.max_flows = std::strtoull(argv[++i], nullptr, 10);
    } else if (std::strcmp(argv[i], "--kinds") == 0 && i + 1 < argc) {
      std::string list = argv[++i];
      size_t start = 0;
      while (start <= list.size()) {
        size_t comma = list.find(',', start);
        if (comma == std::string::npos) comma = list.size();
        ObservationKind k;
        if (!ParseKind(list.substr(start, comma - start), k)) {
          std::fprintf(stderr, "unknown kind\n");
          return 2;
        }
        options.kinds.push_back(k);
        start = comma + 1;
      }
    }
  }
  InputInfo info;
  info.path = argv[1];
  info.sha256 = std::string(64, '0');  // not hashed: the benchmark times decoding only
  FILE* f = std::fopen(argv[1], "rb");
  if (!f) {
    std::fprintf(stderr, "cannot open %s\n", argv[1]);
    return 1;
  }
  unsigned char m[4] = {0, 0, 0, 0};
  size_t got = std::fread(m, 1, 4, f);
  std::fclose(f);
  info.format = got == 4 && m[0] == 0x0A && m[1] == 0x0D ? InputFormat::kPcapng : InputFormat::kPcap;
  CountingSink sink(dump);
  IngestStats stats;
  auto t0 = std::chrono::steady_clock::now();
  onus::Status s = ReadCapture(info, options, sink, stats);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return 1;
  }
  std::fprintf(stderr, "packets %llu observations %llu malformed %llu seconds %.3f packets/s %.0f bytes/flow %zu\n",
               static_cast<unsigned long long>(stats.records), static_cast<unsigned long long>(stats.observations),
               static_cast<unsigned long long>(stats.malformed), secs, stats.records / (secs > 0 ? secs : 1),
               onus::ingest::detail::FlowTable::kBytesPerFlow);
  for (size_t k = 0; k < 16; ++k) {
    if (sink.counts[k]) {
      std::fprintf(stderr, "  %s %llu\n", std::string(KindName(static_cast<ObservationKind>(k))).c_str(),
                   static_cast<unsigned long long>(sink.counts[k]));
    }
  }
  return 0;
}
