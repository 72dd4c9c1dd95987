// Whole capture files through ReadCapture (MappedPcap for classic pcap, libpcap for pcapng, the resync after
// damaged records, and everything above). The input is written to a temporary file.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "onus/ingest/capture.h"

namespace {
class NullSink : public onus::ingest::ObservationSink {
 public:
  onus::Status OnObservation(const onus::ingest::Observation&) override { return onus::Status::Ok(); }
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
  IngestStats stats;
  NullSink sink;
  (void)ReadCapture(info, options, sink, stats);
  std::remove(path.c_str());
  return 0;
}
