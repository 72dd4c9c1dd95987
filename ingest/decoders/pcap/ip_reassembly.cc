#include "decoders/pcap/ip_reassembly.h"

#include <algorithm>
#include <cstring>

namespace onus::ingest::detail {

namespace {
constexpr uint32_t kMaxDatagram = 65535;
}

IpReassembler::Outcome IpReassembler::Add(const IpAddress& src, const IpAddress& dst, uint32_t id, uint8_t proto,
                                          uint32_t offset, bool more, const uint8_t* data, size_t len,
                                          int64_t now_ns, const uint8_t*& out, size_t& out_len) {
  // Expire stale datagrams.
  for (size_t i = 0; i < pending_.size();) {
    if (now_ns - pending_[i].first_ns > limits_.timeout_ns || now_ns < pending_[i].first_ns - limits_.timeout_ns) {
      pending_.erase(pending_.begin() + static_cast<ptrdiff_t>(i));
      ++dropped_;
    } else {
      ++i;
    }
  }
  if (static_cast<uint64_t>(offset) + len > kMaxDatagram) {
    ++dropped_;
    return Outcome::kDropped;
  }
  Pending* p = nullptr;
  for (auto& e : pending_) {
    if (e.id == id && e.proto == proto && e.src == src && e.dst == dst) {
      p = &e;
      break;
    }
  }
  if (p == nullptr) {
    if (pending_.size() >= limits_.max_datagrams) {
      auto oldest = std::min_element(pending_.begin(), pending_.end(),
                                     [](const Pending& a, const Pending& b) { return a.first_ns < b.first_ns; });
      pending_.erase(oldest);
      ++dropped_;
    }
    pending_.emplace_back();
    p = &pending_.back();
    p->src = src;
    p->dst = dst;
    p->id = id;
    p->proto = proto;
    p->first_ns = now_ns;
  }
  const uint32_t end = offset + static_cast<uint32_t>(len);
  if (!more) {
    if (p->total >= 0 && p->total != end) {
      // Two different "last" fragments: inconsistent, drop the datagram.
      pending_.erase(pending_.begin() + (p - pending_.data()));
      ++dropped_;
      return Outcome::kDropped;
    }
    p->total = end;
  }
  if (p->total >= 0 && end > p->total) {
    pending_.erase(pending_.begin() + (p - pending_.data()));
    ++dropped_;
    return Outcome::kDropped;
  }
  if (p->buf.size() < end) p->buf.resize(end);
  if (len > 0) std::memcpy(p->buf.data() + offset, data, len);
  // Merge [offset, end) into the sorted coverage list.
  bool overlap = false;
  std::vector<std::pair<uint32_t, uint32_t>> merged;
  merged.reserve(p->have.size() + 1);
  std::pair<uint32_t, uint32_t> cur{offset, end};
  bool placed = false;
  for (auto& r : p->have) {
    if (r.second < cur.first) {
      merged.push_back(r);
    } else if (cur.second < r.first) {
      if (!placed) merged.push_back(cur), placed = true;
      merged.push_back(r);
    } else {
      if (r.first < cur.second && cur.first < r.second) overlap = true;
      cur.first = std::min(cur.first, r.first);
      cur.second = std::max(cur.second, r.second);
    }
  }
  if (!placed) merged.push_back(cur);
  p->have.swap(merged);
  if (overlap) ++overlaps_;
  if (p->total >= 0 && p->have.size() == 1 && p->have[0].first == 0 &&
      p->have[0].second == static_cast<uint32_t>(p->total)) {
    done_.swap(p->buf);
    done_.resize(static_cast<size_t>(p->total));
    pending_.erase(pending_.begin() + (p - pending_.data()));
    out = done_.data();
    out_len = done_.size();
    return Outcome::kComplete;
  }
  return Outcome::kHeld;
}

}  // namespace onus::ingest::detail
