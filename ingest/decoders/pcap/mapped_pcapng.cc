#include "decoders/pcap/mapped_pcapng.h"

#include <climits>
#include <utility>

namespace onus::ingest::detail {

namespace {

constexpr uint32_t kSectionHeader = 0x0A0D0D0A;
constexpr uint32_t kInterfaceDescription = 0x00000001;
constexpr uint32_t kObsoletePacket = 0x00000002;
constexpr uint32_t kSimplePacket = 0x00000003;
constexpr uint32_t kEnhancedPacket = 0x00000006;
constexpr uint32_t kByteOrderMagic = 0x1A2B3C4D;

uint32_t Le32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 | static_cast<uint32_t>(p[2]) << 16 |
         static_cast<uint32_t>(p[3]) << 24;
}

size_t Pad4(size_t n) { return (n + 3) & ~size_t{3}; }

}  // namespace

std::unique_ptr<MappedPcapng> MappedPcapng::Open(const std::string& path) {
  std::unique_ptr<FileMapping> map = FileMapping::Open(path, 28);
  if (!map) return nullptr;
  std::unique_ptr<MappedPcapng> p(new MappedPcapng());
  p->base_ = map->data();
  p->size_ = map->size();
  p->map_ = std::move(map);
  const uint8_t* h = p->base_;
  // The block type reads the same in both byte orders; the magic tells the order.
  if (Le32(h) != kSectionHeader) return nullptr;
  const uint32_t magic = Le32(h + 8);
  if (magic == kByteOrderMagic) {
    p->swapped_ = false;
  } else if (__builtin_bswap32(magic) == kByteOrderMagic) {
    p->swapped_ = true;
  } else {
    return nullptr;
  }
  // The first interface described before any packet (for the caller's link-type check): Read()
  // up to the first packet, then back to the start of the file and of the first section.
  const bool first_order = p->swapped_;
  PcapRecord first;
  int linktype = -1;
  p->Read(first, linktype);
  if (!p->interfaces_.empty()) {
    p->first_linktype_ = p->interfaces_[0].linktype;
    p->first_snaplen_ = p->interfaces_[0].snaplen;
  }
  p->pos_ = 0;
  p->swapped_ = first_order;
  p->interfaces_.clear();
  p->last_ts_ns_ = 0;
  p->error_.clear();
  return p;
}

MappedPcapng::~MappedPcapng() = default;

uint16_t MappedPcapng::U16(const uint8_t* p) const {
  return swapped_ ? static_cast<uint16_t>(p[0] << 8 | p[1]) : static_cast<uint16_t>(p[1] << 8 | p[0]);
}
uint32_t MappedPcapng::U32(const uint8_t* p) const { return swapped_ ? __builtin_bswap32(Le32(p)) : Le32(p); }
uint64_t MappedPcapng::U64(const uint8_t* p) const {
  return swapped_ ? (static_cast<uint64_t>(U32(p)) << 32 | U32(p + 4))
                  : (static_cast<uint64_t>(U32(p + 4)) << 32 | U32(p));
}

MappedPcapng::Next MappedPcapng::Fail(std::string why) {
  error_ = std::move(why);
  return Next::kError;
}


bool MappedPcapng::Section(const uint8_t* body, uint32_t len) {
  // The order was set from the magic by the caller; the version must be 1.x.
  if (len < 16) {
    error_ = "section header block too short";
    return false;
  }
  if (U16(body + 4) != 1) {
    error_ = "unsupported pcapng major version " + std::to_string(U16(body + 4));
    return false;
  }
  interfaces_.clear();
  return true;
}

bool MappedPcapng::Describe(const uint8_t* body, uint32_t len) {
  if (len < 8) {
    error_ = "interface description block too short";
    return false;
  }
  Interface i;
  i.linktype = U16(body);
  i.snaplen = U32(body + 4);
  if (i.snaplen == 0 || i.snaplen > kMaxCaplen) i.snaplen = kMaxCaplen;
  // Options: code (2), length (2), value padded to 4; code 0 ends them.
  size_t o = 8;
  while (o + 4 <= len) {
    const uint16_t code = U16(body + o), olen = U16(body + o + 2);
    if (code == 0) break;
    if (o + 4 + olen > len) break;  // a cut option list: keep what was read
    const uint8_t* v = body + o + 4;
    if (code == 9 && olen >= 1) {  // if_tsresol
      i.binary_resolution = (v[0] & 0x80) != 0;
      i.exponent = v[0] & 0x7F;
    } else if (code == 14 && olen >= 8) {  // if_tsoffset
      i.offset_s = static_cast<int64_t>(U64(v));
    }
    o += 4 + Pad4(olen);
  }
  interfaces_.push_back(i);
  return true;
}

int64_t MappedPcapng::TimeNs(const Interface& i, uint64_t units) const {
  __int128 ns;
  if (i.binary_resolution) {
    if (i.exponent >= 64) return 0;
    ns = (static_cast<__int128>(units) * 1000000000) >> i.exponent;
  } else if (i.exponent <= 9) {
    __int128 scale = 1;
    for (int k = i.exponent; k < 9; ++k) scale *= 10;
    ns = static_cast<__int128>(units) * scale;
  } else {
    __int128 div = 1;
    for (int k = 9; k < i.exponent && k < 40; ++k) div *= 10;
    ns = static_cast<__int128>(units) / div;
  }
  ns += static_cast<__int128>(i.offset_s) * 1000000000;
  if (ns > INT64_MAX) return INT64_MAX;  // hostile times saturate, as for libpcap's
  if (ns < INT64_MIN) return INT64_MIN;
  return static_cast<int64_t>(ns);
}

MappedPcapng::Next MappedPcapng::Read(PcapRecord& out, int& linktype) {
  for (;;) {
    map_->Release(pos_);
    if (pos_ >= size_) return Next::kEnd;
    const uint64_t left = size_ - pos_;
    if (left < 12) return Fail("truncated block header (" + std::to_string(left) + " bytes left)");
    const uint8_t* b = base_ + pos_;
    uint32_t type = U32(b);
    if (Le32(b) == kSectionHeader) {  // a new section may change the byte order
      type = kSectionHeader;
      const uint32_t magic = Le32(b + 8);
      if (magic == kByteOrderMagic) {
        swapped_ = false;
      } else if (__builtin_bswap32(magic) == kByteOrderMagic) {
        swapped_ = true;
      } else {
        return Fail("section header block with an unknown byte-order magic");
      }
    }
    const uint32_t len = U32(b + 4);
    if (len < 12 || len % 4 != 0) return Fail("bad block length " + std::to_string(len));
    if (len > left) {
      return Fail("truncated block: " + std::to_string(len) + " bytes, only " + std::to_string(left) + " left");
    }
    if (U32(b + len - 4) != len) return Fail("block lengths disagree");
    const uint8_t* body = b + 8;
    const uint32_t body_len = len - 12;
    const uint64_t at = pos_;
    switch (type) {
      case kSectionHeader:
        if (!Section(body, body_len)) return Next::kError;
        pos_ += len;
        continue;
      case kInterfaceDescription:
        if (!Describe(body, body_len)) return Next::kError;
        pos_ += len;
        continue;
      case kEnhancedPacket:
      case kObsoletePacket: {
        if (body_len < 20) return Fail("packet block too short");
        const bool epb = type == kEnhancedPacket;
        const uint32_t iface = epb ? U32(body) : U16(body);
        if (iface >= interfaces_.size())
          return Fail("a packet on interface " + std::to_string(iface) + ", which no interface description block describes");
        const Interface& i = interfaces_[iface];
        const uint64_t units = static_cast<uint64_t>(U32(body + 4)) << 32 | U32(body + 8);
        const uint32_t caplen = U32(body + 12), wire = U32(body + 16);
        if (caplen > kMaxCaplen) return Fail("packet of " + std::to_string(caplen) + " captured bytes");
        if (caplen > body_len - 20) return Fail("captured length " + std::to_string(caplen) + " runs past its block");
        out.ts_ns = TimeNs(i, units);
        out.data = body + 20;
        out.caplen = caplen > i.snaplen ? i.snaplen : caplen;
        out.len = wire;
        out.offset = at;
        linktype = i.linktype;
        last_ts_ns_ = out.ts_ns;
        pos_ += len;
        return Next::kRecord;
      }
      case kSimplePacket: {
        if (body_len < 4) return Fail("simple packet block too short");
        if (interfaces_.empty()) return Fail("a simple packet block before any interface description block");
        const Interface& i = interfaces_[0];
        const uint32_t wire = U32(body);
        uint32_t caplen = wire < body_len - 4 ? wire : body_len - 4;
        if (caplen > i.snaplen) caplen = i.snaplen;
        out.ts_ns = last_ts_ns_;  // a simple packet block has no time of its own
        out.data = body + 4;
        out.caplen = caplen;
        out.len = wire;
        out.offset = at;
        linktype = i.linktype;
        pos_ += len;
        return Next::kRecord;
      }
      default:
        pos_ += len;  // name resolution, statistics, secrets, custom blocks
        continue;
    }
  }
}

}  // namespace onus::ingest::detail
