#include "decoders/flow/scope_gate.h"

#include <cstring>
#include <utility>

#include "decoders/flow/detect.h"
#include "onus/core/hash.h"

namespace onus::ingest::detail {
namespace {

inline uint64_t Word(const IpAddress& a, int i) {
  uint64_t v;
  std::memcpy(&v, a.bytes().data() + 8 * i, 8);
  return v;
}

}  // namespace

ScopeGate::ScopeGate(const FlowScope& scope, size_t max_marks)
    : scope_(scope), payload_pass_(scope.http && !scope.tls), all_tcp_(scope.tls), max_marks_(max_marks) {}

uint64_t ScopeGate::TcpKey(const DecodedPacket& p) {
  // The same key from either direction: the endpoints in a fixed order.
  uint64_t x0 = Word(p.src, 0), x1 = Word(p.src, 1), y0 = Word(p.dst, 0), y1 = Word(p.dst, 1);
  uint16_t xp = p.sport, yp = p.dport;
  if (x0 > y0 || (x0 == y0 && (x1 > y1 || (x1 == y1 && xp > yp)))) {
    std::swap(x0, y0);
    std::swap(x1, y1);
    std::swap(xp, yp);
  }
  // Two finaliser rounds instead of one per word: the second address's words are rotated so that
  // two IPv4 addresses (in the low and high halves of their second words) combine without loss.
  uint64_t h = Fmix64(x1 ^ (y1 << 32 | y1 >> 32) ^ x0 * 0xC2B2AE3D27D4EB4FULL ^ y0 * 0x165667B19E3779F9ULL);
  h = Fmix64(h ^ ((static_cast<uint64_t>(xp) << 16) | yp) * 0x9E3779B97F4A7C15ULL);
  return h ? h : 1;
}

size_t ScopeGate::Slot(uint64_t key) const {
  const size_t mask = slots_.size() - 1;
  size_t i = key & mask;
  while (slots_[i] != key && slots_[i] != 0) i = (i + 1) & mask;
  return i;
}

bool ScopeGate::Marked(uint64_t key) const { return !slots_.empty() && slots_[Slot(key)] == key; }

void ScopeGate::Mark(uint64_t key) {
  if ((used_ + 1) * 2 > slots_.size()) {
    std::vector<uint64_t> old = std::move(slots_);
    slots_.assign(old.empty() ? 1024 : old.size() * 2, 0);
    used_ = 0;
    for (uint64_t k : old)
      if (k) Mark(k);
  }
  uint64_t& slot = slots_[Slot(key)];
  if (slot == 0) {
    slot = key;
    ++used_;
  }
}

void ScopeGate::Note(const DecodedPacket& p) {
  if (!payload_pass_ || all_tcp_ || p.proto != kProtoTcp || p.payload_len == 0) return;
  if (!StartsWithHttp(p.payload, p.payload_len)) return;
  const uint64_t key = TcpKey(p);
  if (used_ >= max_marks_ && !Marked(key)) {  // bounded memory: keep every TCP flow
    overflowed_ = all_tcp_ = true;
    std::vector<uint64_t>().swap(slots_);
    used_ = 0;
    return;
  }
  Mark(key);
}

bool ScopeGate::InScope(const DecodedPacket& p) const {
  if (scope_.dns && MayCarryDns(p.proto, p.sport, p.dport)) return true;
  if (scope_.ics && MayCarryIcs(p.proto, p.sport, p.dport)) return true;
  if (p.proto == kProtoTcp && (all_tcp_ || (used_ && Marked(TcpKey(p))))) return true;
  return scope_.endpoint && (scope_.endpoint(p.src) || scope_.endpoint(p.dst));
}

}  // namespace onus::ingest::detail
