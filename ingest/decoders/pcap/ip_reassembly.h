// Bounded IP fragment reassembly (IPv4 and IPv6 fragment headers).
// Contract: at most limits.max_datagrams datagrams are pending at once and each is at most 65,535
// bytes, so memory is bounded whatever the input; when full, the oldest pending datagram is
// dropped (counted). Pending datagrams older than limits.timeout_ns (capture time) are dropped.
// Overlapping fragments are accepted, later bytes overwrite earlier ones (counted as overlaps).
// A completed datagram's payload (the transport header onwards) stays valid until the next Add().
// Thread-safety: single-threaded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "onus/core/ip.h"

namespace onus::ingest::detail {

class IpReassembler {
 public:
  struct Limits {
    size_t max_datagrams = 256;
    int64_t timeout_ns = 30LL * 1000000000LL;
  };
  enum class Outcome : uint8_t { kHeld, kComplete, kDropped };

  explicit IpReassembler(Limits limits) : limits_(limits) {}

  // `offset` is the fragment's payload offset in bytes; `more` the MF flag. On kComplete, `out`
  // and `out_len` hold the whole transport payload.
  Outcome Add(const IpAddress& src, const IpAddress& dst, uint32_t id, uint8_t proto, uint32_t offset, bool more,
              const uint8_t* data, size_t len, int64_t now_ns, const uint8_t*& out, size_t& out_len);

  size_t pending() const { return pending_.size(); }
  uint64_t dropped() const { return dropped_; }
  uint64_t overlaps() const { return overlaps_; }

 private:
  struct Pending {
    IpAddress src, dst;
    uint32_t id = 0;
    uint8_t proto = 0;
    int64_t first_ns = 0;
    int64_t total = -1;  // payload length once the last fragment is seen
    std::vector<uint8_t> buf;
    std::vector<std::pair<uint32_t, uint32_t>> have;  // sorted, merged [begin, end)
  };
  Limits limits_;
  std::vector<Pending> pending_;
  std::vector<uint8_t> done_;
  uint64_t dropped_ = 0, overlaps_ = 0;
};

}  // namespace onus::ingest::detail
