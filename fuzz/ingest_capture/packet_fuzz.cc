// Link + IP + transport decoding and the whole flow table (with every application decoder) on
// hostile frames. Input: byte 0 picks the link type; the rest is a sequence of frames, each
// prefixed by a 2-byte length.
#include <cstddef>
#include <cstdint>

#include "decoders/flow/flow_table.h"
#include "decoders/flow/record_emitter.h"
#include "decoders/pcap/packet.h"

namespace {
class NullSink : public onus::ingest::ObservationSink {
 public:
  onus::Status OnObservation(const onus::ingest::Observation&) override { return onus::Status::Ok(); }
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace onus::ingest;  // NOLINT
  if (size < 1) return 0;
  static const int kDlts[] = {1, 113, 276, 101, 0, 108, 228, 229, 9, 50, 51, 104};
  const int dlt = kDlts[data[0] % (sizeof(kDlts) / sizeof(kDlts[0]))];
  InputInfo info;
  info.path = "fuzz";
  IngestOptions options;
  options.max_flows = 8;
  IngestStats stats;
  NullSink sink;
  detail::RecordEmitter emitter(info, options, sink, stats);
  detail::FlowConfig cfg;
  cfg.max_flows = 8;
  detail::FlowTable flows(cfg, emitter);
  detail::PacketDecoder decoder;
  detail::DecodedPacket pkt;
  size_t off = 1;
  uint64_t index = 0;
  while (off + 2 <= size) {
    size_t len = static_cast<size_t>(data[off] << 8 | data[off + 1]);
    off += 2;
    if (len > size - off) len = size - off;
    pkt.ts_ns = static_cast<int64_t>(index) * 1000000;
    pkt.index = ++index;
    if (decoder.Decode(dlt, data + off, len, len + (index % 3), pkt) == detail::DecodeResult::kOk) flows.OnPacket(pkt);
    off += len;
  }
  flows.Flush();
  return 0;
}
