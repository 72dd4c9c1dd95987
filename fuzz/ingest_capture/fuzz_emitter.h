// A stand-alone AppEmitter for fuzzing application decoders without a flow table: it fills
// a scratch observation and checks that what decoders emit is well formed.
#pragma once

#include <cstdlib>

#include "decoders/flow/app.h"

namespace onus::ingest::detail {

class FuzzEmitter final : public AppEmitter {
 public:
  bool Wants(ObservationKind) const override { return true; }
  Observation& Begin(ObservationKind k) override { return BeginAt(k, 0, 1); }
  Observation& BeginAt(ObservationKind k, int64_t, uint64_t) override {
    obs_ = Observation();
    obs_.kind = k;
    return obs_;
  }
  int64_t packet_ts() const override { return 0; }
  uint64_t packet_index() const override { return 1; }
  uint16_t orig_port() const override { return 40000; }
  uint16_t resp_port() const override { return port_; }
  void Commit() override {
    if (obs_.query.size() > 4 * 255) std::abort();  // names are bounded
    ++records_;
  }
  void SetService(const char*) override {}
  void Anomaly(const char* what) override {
    if (what == nullptr) std::abort();
    ++anomalies_;
  }
  void set_resp_port(uint16_t p) { port_ = p; }

 private:
  Observation obs_;
  uint16_t port_ = 502;
  uint64_t records_ = 0, anomalies_ = 0;
};

// Feeds `data` to a decoder as a two-sided stream: byte 0 picks the split point, then chunks
// alternate between directions with sizes taken from the data itself.
inline void FeedStream(AppDecoder& dec, const uint8_t* data, size_t size, AppEmitter& e) {
  size_t off = 0;
  int dir = 0;
  while (off < size && !dec.Done()) {
    size_t chunk = 1 + (data[off] % 97);
    if (chunk > size - off) chunk = size - off;
    if (data[off] == 0xFF) dec.OnGap(dir, e);
    dec.OnData(dir, data + off, chunk, e);
    off += chunk;
    dir ^= (data[off - 1] & 1);
  }
  dec.OnEnd(e);
}

}  // namespace onus::ingest::detail
