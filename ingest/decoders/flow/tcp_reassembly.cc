#include "decoders/flow/tcp_reassembly.h"

#include <algorithm>

namespace onus::ingest::detail {

void TcpReassembler::Deliver(int dir, uint32_t seq, const uint8_t* data, size_t len, AppDecoder& dec, AppEmitter& e) {
  int32_t rel = static_cast<int32_t>(seq - next_);
  if (rel > 0) return;  // caller guarantees seq <= next_
  size_t skip = static_cast<size_t>(-static_cast<int64_t>(rel));
  if (skip >= len) return;  // all old
  dec.OnData(dir, data + skip, len - skip, e);
  next_ += static_cast<uint32_t>(len - skip);
}

void TcpReassembler::Drain(int dir, AppDecoder& dec, AppEmitter& e) {
  bool progress = true;
  while (progress && !held_.empty() && !dec.Done()) {
    progress = false;
    for (size_t i = 0; i < held_.size(); ++i) {
      if (static_cast<int32_t>(held_[i].seq - next_) <= 0) {
        Segment s = std::move(held_[i]);
        held_.erase(held_.begin() + static_cast<ptrdiff_t>(i));
        held_bytes_ -= s.data.size();
        Deliver(dir, s.seq, s.data.data(), s.data.size(), dec, e);
        progress = true;
        break;
      }
    }
  }
  if (held_.empty()) {
    held_.shrink_to_fit();
  }
}

void TcpReassembler::Feed(int dir, uint32_t seq, bool syn, const uint8_t* data, size_t cap_len, size_t wire_len,
                          AppDecoder& dec, AppEmitter& e) {
  if (syn) {
    if (!has_next_) {
      next_ = seq + 1;
      has_next_ = true;
    }
    seq += 1;
  }
  if (wire_len == 0) return;
  if (!has_next_) {
    next_ = seq;
    has_next_ = true;
  }
  if (cap_len > wire_len) cap_len = wire_len;
  int32_t rel = static_cast<int32_t>(seq - next_);
  if (rel <= 0) {
    if (cap_len < wire_len) {
      // Snaplen cut: deliver what we have, then the rest is a gap.
      Deliver(dir, seq, data, cap_len, dec, e);
      int32_t end_rel = static_cast<int32_t>(seq + static_cast<uint32_t>(wire_len) - next_);
      if (end_rel > 0) {
        dec.OnGap(dir, e);
        next_ = seq + static_cast<uint32_t>(wire_len);
      }
    } else {
      Deliver(dir, seq, data, cap_len, dec, e);
    }
    Drain(dir, dec, e);
    return;
  }
  // Early segment.
  if (cap_len == wire_len && held_.size() < kMaxHeldSegments && held_bytes_ + cap_len <= kMaxHeldBytes) {
    held_.push_back(Segment{seq, std::vector<uint8_t>(data, data + cap_len)});
    held_bytes_ += cap_len;
    return;
  }
  // No room (or a cut segment): give up on the missing bytes.
  dec.OnGap(dir, e);
  // Deliver held segments that come before this one, in order, each after a gap.
  std::sort(held_.begin(), held_.end(),
            [](const Segment& a, const Segment& b) { return static_cast<int32_t>(a.seq - b.seq) < 0; });
  std::vector<Segment> held;
  held.swap(held_);
  held_bytes_ = 0;
  for (auto& s : held) {
    if (dec.Done()) return;
    if (static_cast<int32_t>(s.seq - seq) >= 0) {
      held_bytes_ += s.data.size();
      held_.push_back(std::move(s));
      continue;
    }
    if (static_cast<int32_t>(s.seq - next_) > 0) next_ = s.seq;
    Deliver(dir, s.seq, s.data.data(), s.data.size(), dec, e);
  }
  if (dec.Done()) return;
  next_ = seq;
  Deliver(dir, seq, data, cap_len, dec, e);
  if (cap_len < wire_len) {
    dec.OnGap(dir, e);
    next_ = seq + static_cast<uint32_t>(wire_len);
  }
  Drain(dir, dec, e);
}

void TcpReassembler::Flush(int dir, AppDecoder& dec, AppEmitter& e) {
  if (held_.empty()) return;
  std::sort(held_.begin(), held_.end(),
            [](const Segment& a, const Segment& b) { return static_cast<int32_t>(a.seq - b.seq) < 0; });
  dec.OnGap(dir, e);
  std::vector<Segment> held;
  held.swap(held_);
  held_bytes_ = 0;
  for (auto& s : held) {
    if (dec.Done()) break;
    if (static_cast<int32_t>(s.seq - next_) > 0) next_ = s.seq;
    Deliver(dir, s.seq, s.data.data(), s.data.size(), dec, e);
  }
}

}  // namespace onus::ingest::detail
