#include "onus/core/community_id.h"

#include <cstring>

#include "onus/core/hash.h"

namespace onus {
namespace {

// ICMPv4 / ICMPv6 type pairs that form one "flow" (spec: one-way vs two-way mapping).
bool IcmpCounterpart(uint8_t proto, uint16_t type, uint16_t& counter) {
  if (proto == 1) {
    switch (type) {
      case 8: counter = 0; return true;
      case 0: counter = 8; return true;
      case 13: counter = 14; return true;
      case 14: counter = 13; return true;
      case 15: counter = 16; return true;
      case 16: counter = 15; return true;
      case 10: counter = 9; return true;
      case 9: counter = 10; return true;
      case 17: counter = 18; return true;
      case 18: counter = 17; return true;
    }
  } else if (proto == 58) {
    switch (type) {
      case 128: counter = 129; return true;
      case 129: counter = 128; return true;
      case 133: counter = 134; return true;
      case 134: counter = 133; return true;
      case 135: counter = 136; return true;
      case 136: counter = 135; return true;
      case 130: counter = 131; return true;
      case 131: counter = 130; return true;
      case 144: counter = 145; return true;
      case 145: counter = 144; return true;
    }
  }
  return false;
}

}  // namespace

std::string CommunityIdV1(const IpAddress& src_in, const IpAddress& dst_in, uint8_t proto, uint16_t sport_in,
                          uint16_t dport_in, uint16_t seed) {
  IpAddress src = src_in, dst = dst_in;
  uint16_t sport = sport_in, dport = dport_in;
  bool has_ports = proto == 6 || proto == 17 || proto == 132 || proto == 1 || proto == 58;
  bool one_way = false;
  if (proto == 1 || proto == 58) {
    uint16_t counter = 0;
    uint16_t type = sport;
    if (IcmpCounterpart(proto, type, counter)) {
      dport = counter;
    } else {
      one_way = true;
    }
  }
  // Order endpoints: smaller address (then port) first, unless ICMP one-way.
  auto addr_len = (src.is_v4() && dst.is_v4()) ? 4 : 16;
  auto addr_ptr = [&](const IpAddress& a) { return a.bytes().data() + (addr_len == 4 ? 12 : 0); };
  int c = std::memcmp(addr_ptr(src), addr_ptr(dst), addr_len);
  bool swap = !(c < 0 || (c == 0 && sport < dport));
  if (one_way) swap = false;
  if (swap) {
    std::swap(src, dst);
    std::swap(sport, dport);
  }
  std::string buf;
  buf.reserve(2 + 32 + 2 + 4);
  buf += static_cast<char>(seed >> 8);
  buf += static_cast<char>(seed & 0xff);
  buf.append(reinterpret_cast<const char*>(addr_ptr(src)), addr_len);
  buf.append(reinterpret_cast<const char*>(addr_ptr(dst)), addr_len);
  buf += static_cast<char>(proto);
  buf += '\0';
  if (has_ports) {
    buf += static_cast<char>(sport >> 8);
    buf += static_cast<char>(sport & 0xff);
    buf += static_cast<char>(dport >> 8);
    buf += static_cast<char>(dport & 0xff);
  }
  return "1:" + Base64Encode(Sha1Raw(buf));
}

}  // namespace onus
