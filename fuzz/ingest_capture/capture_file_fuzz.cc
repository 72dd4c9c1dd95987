// Whole capture files through ReadCapture (MappedPcap for classic pcap, libpcap for pcapng, the resync after
// damaged records, and everything above). The input is written to a temporary file. Flow starts are
// announced (IngestOptions::conn_starts) and checked: every record of a flow comes after its start,
// and every conn record says its start was announced.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <unordered_set>

#include "onus/ingest/capture.h"

namespace {
class StartSink : public onus::ingest::ObservationSink {
 public:
  onus::Status OnObservation(const onus::ingest::Observation& o) override {
    if (o.kind != onus::ingest::ObservationKind::kConn || o.uid.empty() || !uids.insert(o.uid).second) __builtin_trap();
    return onus::Status::Ok();
  }
  std::unordered_set<std::string> uids;
};

class CheckSink : public onus::ingest::ObservationSink {
 public:
  explicit CheckSink(const StartSink& starts) : starts_(starts) {}
  onus::Status OnObservation(const onus::ingest::Observation& o) override {
    if (!o.uid.empty() && !starts_.uids.count(o.uid)) __builtin_trap();  // a record before its flow's start
    if (o.kind == onus::ingest::ObservationKind::kConn && !o.start_announced) __builtin_trap();
    return onus::Status::Ok();
  }

 private:
  const StartSink& starts_;
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace onus::ingest;  // NOLINT
  const std::string path = "/tmp/onus_capture_fuzz_" + std::to_string(getpid()) + ".pcap";
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return 0;
  std::fwrite(data, 1, size, f);
  std::fclose(f);
  InputInfo info;
  info.path = path;
  info.format = size >= 4 && data[0] == 0x0A && data[1] == 0x0D ? InputFormat::kPcapng : InputFormat::kPcap;
  IngestOptions options;
  options.max_flows = 64;
  StartSink starts;
  options.conn_starts = &starts;
  IngestStats stats;
  CheckSink sink(starts);
  (void)ReadCapture(info, options, sink, stats);
  std::remove(path.c_str());
  return 0;
}
