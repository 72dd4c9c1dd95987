#include "decoders/pcap/mapped_pcap.h"

#include <algorithm>
#include <utility>

namespace onus::ingest::detail {

std::unique_ptr<MappedPcap> MappedPcap::Open(const std::string& path) {
  std::unique_ptr<FileMapping> map = FileMapping::Open(path, 24);
  if (!map) return nullptr;
  std::unique_ptr<MappedPcap> p(new MappedPcap());
  p->base_ = map->data();
  p->size_ = map->size();
  p->map_ = std::move(map);
  const uint8_t* h = p->base_;
  const uint32_t magic = static_cast<uint32_t>(h[0]) | static_cast<uint32_t>(h[1]) << 8 |
                         static_cast<uint32_t>(h[2]) << 16 | static_cast<uint32_t>(h[3]) << 24;
  switch (magic) {
    case 0xa1b2c3d4: break;
    case 0xd4c3b2a1: p->swapped_ = true; break;
    case 0xa1b23c4d: p->nano_ = true; break;
    case 0x4d3cb2a1: p->swapped_ = p->nano_ = true; break;
    default: return nullptr;  // pcapng, or not a capture: libpcap decides
  }
  const uint16_t major = static_cast<uint16_t>(p->swapped_ ? (h[4] << 8 | h[5]) : (h[5] << 8 | h[4]));
  const uint16_t minor = static_cast<uint16_t>(p->swapped_ ? (h[6] << 8 | h[7]) : (h[7] << 8 | h[6]));
  // 2.4 only: libpcap refuses other majors and swaps caplen/len in older 2.x files.
  if (major != 2 || minor != 4) return nullptr;
  p->snaplen_ = p->U32(h + 16);
  p->linktype_ = static_cast<int>(p->U32(h + 20) & 0x03FFFFFF);  // LT_LINKTYPE: FCS bits dropped
  // libpcap treats a zero or oversized snaplen as its maximum.
  if (p->snaplen_ == 0 || p->snaplen_ > kMaxCaplen) p->snaplen_ = kMaxCaplen;
  return p;
}

MappedPcap::~MappedPcap() = default;

uint32_t MappedPcap::U32(const uint8_t* p) const {
  if (swapped_)
    return static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 | static_cast<uint32_t>(p[2]) << 8 | p[3];
  return static_cast<uint32_t>(p[3]) << 24 | static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[1]) << 8 | p[0];
}

void MappedPcap::ReadAhead() {
  if (prefetched_ < pos_) prefetched_ = pos_ & ~uint64_t{63};
  const uint64_t upto = std::min(pos_ + kPrefetchAhead, size_);
  for (; prefetched_ < upto; prefetched_ += 64) __builtin_prefetch(base_ + prefetched_);
}

MappedPcap::Next MappedPcap::Read(PcapRecord& out) {
  map_->Release(pos_);  // the previous record is no longer in use
  ReadAhead();
  if (pos_ >= size_) return Next::kEnd;
  const uint64_t left = size_ - pos_;
  if (left < 16) {
    error_ = "truncated dump file; tried to read 16 header bytes, only got " + std::to_string(left);
    return Next::kError;
  }
  const uint8_t* h = base_ + pos_;
  const uint32_t sec = U32(h), frac = U32(h + 4), caplen = U32(h + 8), len = U32(h + 12);
  if (caplen > kMaxCaplen) {
    error_ = "invalid packet capture length " + std::to_string(caplen) + ", bigger than maximum of " +
             std::to_string(kMaxCaplen);
    return Next::kError;
  }
  if (caplen > left - 16) {
    error_ = "truncated dump file; tried to read " + std::to_string(caplen) + " captured bytes, only got " +
             std::to_string(left - 16);
    return Next::kError;
  }
  out.offset = pos_;
  out.data = h + 16;
  out.caplen = caplen > snaplen_ ? snaplen_ : caplen;
  out.len = len;
  // Unsigned 32-bit seconds and fraction, as libpcap reads them (times after 2038 stay positive).
  out.ts_ns = static_cast<int64_t>(sec) * 1000000000LL + static_cast<int64_t>(frac) * (nano_ ? 1 : 1000);
  pos_ += 16 + static_cast<uint64_t>(caplen);
  return Next::kRecord;
}

}  // namespace onus::ingest::detail
