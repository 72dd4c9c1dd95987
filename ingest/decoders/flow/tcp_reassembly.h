// In-order delivery of one direction of a TCP stream to an application decoder.
// Contract: bytes are delivered once, in sequence order; retransmitted bytes are dropped; segments
// that arrive early are held up to kMaxHeldBytes / kMaxHeldSegments, beyond which (or when a
// captured segment is shorter than the wire said: snaplen) the decoder is told about a gap and
// delivery resumes after it. Sequence numbers wrap modulo 2^32.
// Only flows with an application decoder have reassemblers, and a decoder that is Done() frees
// them, so these buffers exist only while a protocol is being parsed (handshakes, requests).
// Thread-safety: single-threaded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "decoders/flow/app.h"

namespace onus::ingest::detail {

class TcpReassembler {
 public:
  static constexpr size_t kMaxHeldBytes = 256 * 1024;
  static constexpr size_t kMaxHeldSegments = 64;

  void Feed(int dir, uint32_t seq, bool syn, const uint8_t* data, size_t cap_len, size_t wire_len, AppDecoder& dec,
            AppEmitter& e);
  // Delivers whatever is held (after a gap) at the end of the flow.
  void Flush(int dir, AppDecoder& dec, AppEmitter& e);
  size_t held_bytes() const { return held_bytes_; }

 private:
  struct Segment {
    uint32_t seq;
    std::vector<uint8_t> data;
  };
  void Deliver(int dir, uint32_t seq, const uint8_t* data, size_t len, AppDecoder& dec, AppEmitter& e);
  void Drain(int dir, AppDecoder& dec, AppEmitter& e);
  bool has_next_ = false;
  uint32_t next_ = 0;
  std::vector<Segment> held_;
  size_t held_bytes_ = 0;
};

}  // namespace onus::ingest::detail
