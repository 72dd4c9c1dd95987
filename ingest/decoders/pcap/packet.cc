#include "decoders/pcap/packet.h"

#include <cstring>
#include <optional>

namespace onus::ingest::detail {

namespace {

inline uint16_t Be16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
inline uint32_t Be32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 | static_cast<uint32_t>(p[2]) << 8 | p[3];
}

DecodeResult Bad(DecodedPacket& out, const char* why) {
  out.error = why;
  return DecodeResult::kMalformed;
}

constexpr uint16_t kEthIpv4 = 0x0800;
constexpr uint16_t kEthIpv6 = 0x86DD;
constexpr uint16_t kEthVlan = 0x8100;
constexpr uint16_t kEthQinQ = 0x88A8;
constexpr uint16_t kEthQinQOld = 0x9100;
constexpr uint16_t kEthPppoeSession = 0x8864;
constexpr uint16_t kEthMpls = 0x8847;
constexpr uint16_t kEthTransparentBridging = 0x6558;  // Ethernet in GRE / GENEVE
constexpr uint16_t kEthErspan2 = 0x88BE;
constexpr uint16_t kEthErspan3 = 0x22EB;
constexpr uint16_t kEthPpp = 0x880B;

constexpr uint8_t kProtoIpInIp = 4;
constexpr uint8_t kProtoIpv6InIp = 41;
constexpr uint8_t kProtoGre = 47;
constexpr uint16_t kPortVxlan = 4789;
constexpr uint16_t kPortGeneve = 6081;
constexpr uint16_t kPortGtpU = 2152;

// The PPP protocol field at `o` (one byte when compressed: odd values); advances `o`.
bool PppProtocol(const uint8_t* d, size_t cap, size_t& o, uint16_t& proto) {
  if (cap < o + 1) return false;
  if (d[o] & 1) {
    proto = d[o];
    o += 1;
    return true;
  }
  if (cap < o + 2) return false;
  proto = Be16(d + o);
  o += 2;
  return true;
}

// IPv4, IPv6 and MPLS unicast over PPP, as the Ethernet types the rest of the decoder follows.
bool EthertypeOfPpp(uint16_t proto, uint16_t& ethertype) {
  switch (proto) {
    case 0x0021: ethertype = kEthIpv4; return true;
    case 0x0057: ethertype = kEthIpv6; return true;
    case 0x0281: ethertype = kEthMpls; return true;
    default: return false;  // LCP, IPCP, CHAP, compressed datagrams...
  }
}

}  // namespace

bool IsSupportedDlt(int dlt) {
  switch (dlt) {
    case kDltNull:
    case kDltEthernet:
    case kDltRaw:
    case kDltRawOpenBsd:
    case kDltLinktypeRaw:
    case kDltLoop:
    case kDltLinuxSll:
    case kDltIpv4:
    case kDltIpv6:
    case kDltLinuxSll2:
    case kDltPpp:
    case kDltPppSerial:
    case kDltPppEther:
    case kDltCiscoHdlc:
      return true;
    default:
      return false;
  }
}

DecodeResult PacketDecoder::Decode(int dlt, const uint8_t* d, size_t cap, size_t wire, DecodedPacket& out) {
  out.error = nullptr;
  out.reassembled = false;
  out.tunnel = Tunnel::kNone;
  size_t off = 0;
  uint16_t ethertype = 0;
  switch (dlt) {
    case kDltEthernet: {
      if (cap < 14) return Bad(out, "truncated_ethernet_header");
      ethertype = Be16(d + 12);
      off = 14;
      break;
    }
    case kDltLinuxSll: {
      if (cap < 16) return Bad(out, "truncated_sll_header");
      ethertype = Be16(d + 14);
      off = 16;
      break;
    }
    case kDltLinuxSll2: {
      if (cap < 20) return Bad(out, "truncated_sll2_header");
      ethertype = Be16(d);
      off = 20;
      break;
    }
    case kDltNull:
    case kDltLoop: {
      if (cap < 4) return Bad(out, "truncated_loopback_header");
      uint32_t af;
      std::memcpy(&af, d, 4);
      if (dlt == kDltLoop) af = Be32(d);
      // DLT_NULL is host byte order of the capturing machine: accept both orders.
      if (af > 0xFFFF) af = __builtin_bswap32(af);
      off = 4;
      if (af == 2) {
        ethertype = kEthIpv4;
      } else if (af == 10 || af == 24 || af == 28 || af == 30) {  // Linux, BSDs, FreeBSD, Darwin
        ethertype = kEthIpv6;
      } else {
        return DecodeResult::kNotIp;
      }
      break;
    }
    case kDltPpp:
    case kDltPppSerial:
    case kDltPppEther: {
      size_t o = 0;
      if (dlt == kDltPppEther) {  // version/type, code, session id, length
        if (cap < 6) return Bad(out, "truncated_pppoe_header");
        o = 6;
      } else if (cap >= 2 && d[0] == 0xFF && d[1] == 0x03) {
        o = 2;  // HDLC address and control
      }
      uint16_t proto = 0;
      if (!PppProtocol(d, cap, o, proto)) return Bad(out, "truncated_ppp_header");
      if (!EthertypeOfPpp(proto, ethertype)) return DecodeResult::kNotIp;
      off = o;
      break;
    }
    case kDltCiscoHdlc: {  // address, control, then an Ethernet type
      if (cap < 4) return Bad(out, "truncated_chdlc_header");
      ethertype = Be16(d + 2);
      off = 4;
      break;
    }
    case kDltRaw:
    case kDltRawOpenBsd:
    case kDltLinktypeRaw:
    case kDltIpv4:
    case kDltIpv6:
      return DecodeIp(d, cap, wire, out);
    default:
      return Bad(out, "unsupported_link_type");
  }
  tunnels_ = 0;
  return DecodeL2Payload(d, cap, wire, off, ethertype, out);
}

DecodeResult PacketDecoder::DecodeEthernet(const uint8_t* d, size_t cap, size_t wire, DecodedPacket& out) {
  if (cap < 14) return Bad(out, "truncated_ethernet_header");
  return DecodeL2Payload(d, cap, wire, 14, Be16(d + 12), out);
}

DecodeResult PacketDecoder::DecodeL2Payload(const uint8_t* d, size_t cap, size_t wire, size_t off, uint16_t ethertype,
                                            DecodedPacket& out) {
  // VLAN tags (802.1Q, QinQ), PPPoE session, MPLS.
  for (int depth = 0; depth < 8; ++depth) {
    if (ethertype == kEthVlan || ethertype == kEthQinQ || ethertype == kEthQinQOld) {
      if (cap < off + 4) return Bad(out, "truncated_vlan_header");
      ethertype = Be16(d + off + 2);
      off += 4;
      continue;
    }
    if (ethertype == kEthPppoeSession) {
      if (cap < off + 8) return Bad(out, "truncated_pppoe_header");
      uint16_t ppp = Be16(d + off + 6);
      off += 8;
      if (!EthertypeOfPpp(ppp, ethertype)) return DecodeResult::kNotIp;
      continue;
    }
    if (ethertype == kEthMpls) {
      for (int labels = 0;; ++labels) {
        if (labels >= 16) return Bad(out, "mpls_label_stack_too_deep");
        if (cap < off + 4) return Bad(out, "truncated_mpls_header");
        bool bottom = (d[off + 2] & 1) != 0;
        off += 4;
        if (bottom) break;
      }
      if (cap <= off) return Bad(out, "truncated_mpls_payload");
      uint8_t v = d[off] >> 4;
      if (v == 4) {
        ethertype = kEthIpv4;
      } else if (v == 6) {
        ethertype = kEthIpv6;
      } else {
        return DecodeResult::kNotIp;
      }
      continue;
    }
    break;
  }
  if (ethertype != kEthIpv4 && ethertype != kEthIpv6) return DecodeResult::kNotIp;
  size_t rest_wire = wire > off ? wire - off : 0;
  if (ethertype == kEthIpv4) return DecodeIpv4(d + off, cap - off, rest_wire, out);
  return DecodeIpv6(d + off, cap - off, rest_wire, out);
}

DecodeResult PacketDecoder::DecodeIp(const uint8_t* d, size_t cap, size_t wire, DecodedPacket& out) {
  out.error = nullptr;
  out.tunnel = Tunnel::kNone;
  tunnels_ = 0;
  return DecodeAnyIp(d, cap, wire, out);
}

DecodeResult PacketDecoder::DecodeAnyIp(const uint8_t* d, size_t cap, size_t wire, DecodedPacket& out) {
  if (cap < 1) return Bad(out, "truncated_ip_header");
  switch (d[0] >> 4) {
    case 4:
      return DecodeIpv4(d, cap, wire, out);
    case 6:
      return DecodeIpv6(d, cap, wire, out);
    default:
      return Bad(out, "bad_ip_version");
  }
}

DecodeResult PacketDecoder::DecodeIpv4(const uint8_t* p, size_t cap, size_t wire, DecodedPacket& out) {
  if (cap < 20) return Bad(out, "truncated_ip_header");
  if ((p[0] >> 4) != 4) return Bad(out, "bad_ip_version");
  size_t ihl = static_cast<size_t>(p[0] & 0x0F) * 4;
  if (ihl < 20) return Bad(out, "bad_ip_header_length");
  if (cap < ihl) return Bad(out, "truncated_ip_header");
  size_t total = Be16(p + 2);
  if (total < ihl) return Bad(out, "bad_ip_total_length");
  // TSO captures have total length 0 sometimes; treat as "what was captured".
  if (total == 0) total = wire;
  if (total > wire) return Bad(out, "ip_length_exceeds_packet");
  out.ip_version = 4;
  out.src = IpAddress::FromV4Bytes(p + 12);
  out.dst = IpAddress::FromV4Bytes(p + 16);
  out.ip_len = static_cast<uint32_t>(total);
  uint8_t proto = p[9];
  uint16_t frag = Be16(p + 6);
  bool more = (frag & 0x2000) != 0;
  uint32_t frag_off = static_cast<uint32_t>(frag & 0x1FFF) * 8;
  size_t cap_total = cap < total ? cap : total;
  const uint8_t* payload = p + ihl;
  size_t pay_cap = cap_total - ihl;
  size_t pay_wire = total - ihl;
  if (more || frag_off != 0) {
    if (cap < total) return Bad(out, "truncated_ip_fragment");
    const uint8_t* whole = nullptr;
    size_t whole_len = 0;
    auto r = reasm_.Add(out.src, out.dst, Be16(p + 4), proto, frag_off, more, payload, pay_cap, out.ts_ns, whole,
                        whole_len);
    if (r == IpReassembler::Outcome::kDropped) return Bad(out, "bad_ip_fragment");
    if (r == IpReassembler::Outcome::kHeld) return DecodeResult::kFragmentHeld;
    out.reassembled = true;
    out.ip_len = static_cast<uint32_t>(ihl + whole_len);
    return DecodeTransport(proto, whole, whole_len, whole_len, out);
  }
  return DecodeTransport(proto, payload, pay_cap, pay_wire, out);
}

DecodeResult PacketDecoder::DecodeIpv6(const uint8_t* p, size_t cap, size_t wire, DecodedPacket& out) {
  if (cap < 40) return Bad(out, "truncated_ipv6_header");
  if ((p[0] >> 4) != 6) return Bad(out, "bad_ip_version");
  size_t plen = Be16(p + 4);
  if (plen == 0) plen = wire > 40 ? wire - 40 : 0;  // jumbogram or TSO: use what was sent
  size_t total = 40 + plen;
  if (total > wire) return Bad(out, "ip_length_exceeds_packet");
  out.ip_version = 6;
  out.src = IpAddress::FromV6Bytes(p + 8);
  out.dst = IpAddress::FromV6Bytes(p + 24);
  out.ip_len = static_cast<uint32_t>(total);
  size_t cap_total = cap < total ? cap : total;
  uint8_t next = p[6];
  size_t off = 40;
  bool fragmented = false;
  uint32_t frag_off = 0, frag_id = 0;
  bool more = false;
  for (int n = 0; n < 16; ++n) {
    if (next == 0 || next == 43 || next == 60 || next == 135 || next == 139 || next == 140) {
      if (cap_total < off + 8) return Bad(out, "truncated_ipv6_extension_header");
      uint8_t nh = p[off];
      size_t len = (static_cast<size_t>(p[off + 1]) + 1) * 8;
      if (cap_total < off + len) return Bad(out, "truncated_ipv6_extension_header");
      next = nh;
      off += len;
      continue;
    }
    if (next == 51) {  // AH: length in 4-byte units minus 2
      if (cap_total < off + 8) return Bad(out, "truncated_ipv6_extension_header");
      uint8_t nh = p[off];
      size_t len = (static_cast<size_t>(p[off + 1]) + 2) * 4;
      if (cap_total < off + len) return Bad(out, "truncated_ipv6_extension_header");
      next = nh;
      off += len;
      continue;
    }
    if (next == 44) {
      if (cap_total < off + 8) return Bad(out, "truncated_ipv6_fragment_header");
      uint8_t nh = p[off];
      uint16_t fo = Be16(p + off + 2);
      frag_off = static_cast<uint32_t>(fo & 0xFFF8);
      more = (fo & 1) != 0;
      frag_id = Be32(p + off + 4);
      fragmented = more || frag_off != 0;
      next = nh;
      off += 8;
      continue;
    }
    break;
  }
  if (off > cap_total) return Bad(out, "truncated_ipv6_extension_header");
  const uint8_t* payload = p + off;
  size_t pay_cap = cap_total - off;
  size_t pay_wire = total - off;
  if (fragmented) {
    if (cap < total) return Bad(out, "truncated_ip_fragment");
    const uint8_t* whole = nullptr;
    size_t whole_len = 0;
    auto r = reasm_.Add(out.src, out.dst, frag_id, next, frag_off, more, payload, pay_cap, out.ts_ns, whole, whole_len);
    if (r == IpReassembler::Outcome::kDropped) return Bad(out, "bad_ip_fragment");
    if (r == IpReassembler::Outcome::kHeld) return DecodeResult::kFragmentHeld;
    out.reassembled = true;
    out.ip_len = static_cast<uint32_t>(off + whole_len);
    return DecodeTransport(next, whole, whole_len, whole_len, out);
  }
  return DecodeTransport(next, payload, pay_cap, pay_wire, out);
}

bool PacketDecoder::EnterTunnel(Tunnel kind, DecodedPacket& out) {
  if (++tunnels_ > kMaxTunnels) return false;
  if (out.tunnel == Tunnel::kNone) out.tunnel = kind;
  return true;
}

std::optional<DecodeResult> PacketDecoder::DecodeGre(const uint8_t* p, size_t cap, size_t wire, DecodedPacket& out) {
  if (cap < 4) return Bad(out, "truncated_gre_header");
  const uint8_t flags = p[0], version = p[1] & 0x07;
  const uint16_t proto = Be16(p + 2);
  switch (proto) {
    case kEthIpv4: case kEthIpv6: case kEthTransparentBridging: case kEthMpls: case kEthErspan2: case kEthErspan3:
    case kEthPpp:
      break;
    default:
      return std::nullopt;  // a payload not decapsulated (WCCP, keepalives...): the GRE packet itself
  }
  size_t off = 4;
  if (version == 0) {
    if (flags & 0x40) return std::nullopt;  // source routing (RFC 1701): not decapsulated
    if (flags & 0x80) off += 4;             // checksum + reserved
    if (flags & 0x20) off += 4;             // key
    if (flags & 0x10) off += 4;             // sequence number
  } else if (version == 1) {                // enhanced GRE (PPTP, RFC 2637): key always
    off += 4;
    if (flags & 0x10) off += 4;
    if (p[1] & 0x80) off += 4;  // acknowledgment number
  } else {
    return std::nullopt;
  }
  if (proto == kEthPpp && version != 1) return std::nullopt;
  if (cap < off) return Bad(out, "truncated_gre_header");
  const uint8_t* q = p + off;
  size_t qcap = cap - off, qwire = wire > off ? wire - off : 0;
  if (!EnterTunnel(Tunnel::kGre, out)) return Bad(out, "tunnel_nesting_too_deep");
  switch (proto) {
    case kEthIpv4:
    case kEthIpv6:
      return DecodeAnyIp(q, qcap, qwire, out);
    case kEthTransparentBridging:
      return DecodeEthernet(q, qcap, qwire, out);
    case kEthMpls:
      return DecodeL2Payload(q, qcap, qwire, 0, kEthMpls, out);
    case kEthErspan2: {  // ERSPAN type II: an 8-byte header when the GRE sequence bit is set (type I: none)
      out.tunnel = out.tunnel == Tunnel::kGre ? Tunnel::kErspan : out.tunnel;
      size_t h = (flags & 0x10) ? 8 : 0;
      if (qcap < h) return Bad(out, "truncated_erspan_header");
      return DecodeEthernet(q + h, qcap - h, qwire > h ? qwire - h : 0, out);
    }
    case kEthErspan3: {  // ERSPAN type III: 12 bytes, then an 8-byte platform subheader when O is set
      out.tunnel = out.tunnel == Tunnel::kGre ? Tunnel::kErspan : out.tunnel;
      if (qcap < 12) return Bad(out, "truncated_erspan_header");
      size_t h = (q[11] & 0x01) ? 20 : 12;
      if (qcap < h) return Bad(out, "truncated_erspan_header");
      return DecodeEthernet(q + h, qcap - h, qwire > h ? qwire - h : 0, out);
    }
    case kEthPpp: {  // PPTP: PPP, address/control optional, protocol field 1 or 2 bytes
      size_t o = 0;
      if (qcap >= 2 && q[0] == 0xFF && q[1] == 0x03) o = 2;
      uint16_t pp = 0, et = 0;
      if (!PppProtocol(q, qcap, o, pp)) return Bad(out, "truncated_ppp_header");
      if (!EthertypeOfPpp(pp, et)) return DecodeResult::kNotIp;  // LCP, CCP, compressed...
      return DecodeL2Payload(q, qcap, qwire, o, et, out);
    }
    default:
      return std::nullopt;  // not reached: the protocol was checked above
  }
}

// The UDP tunnels Zeek also decapsulates by port: VXLAN (4789), GENEVE (6081), GTPv1-U (2152).
// A datagram on those ports whose header does not fit the protocol stays an ordinary UDP packet.
DecodeResult PacketDecoder::DecodeUdpTunnel(uint16_t port, DecodedPacket& out) {
  const uint8_t* q = out.payload;
  const size_t cap = out.payload_len, wire = out.payload_wire_len;
  if (port == kPortVxlan) {
    if (cap < 8 || (q[0] & 0x08) == 0) return DecodeResult::kOk;  // the I flag: a VNI is present
    if (!EnterTunnel(Tunnel::kVxlan, out)) return Bad(out, "tunnel_nesting_too_deep");
    return DecodeEthernet(q + 8, cap - 8, wire > 8 ? wire - 8 : 0, out);
  }
  if (port == kPortGeneve) {
    if (cap < 8 || (q[0] >> 6) != 0) return DecodeResult::kOk;  // version 0 only
    const size_t h = 8 + static_cast<size_t>(q[0] & 0x3F) * 4;
    const uint16_t proto = Be16(q + 2);
    if (proto != kEthTransparentBridging && proto != kEthIpv4 && proto != kEthIpv6) return DecodeResult::kOk;
    if (cap < h) return Bad(out, "truncated_geneve_header");
    if (!EnterTunnel(Tunnel::kGeneve, out)) return Bad(out, "tunnel_nesting_too_deep");
    const size_t rest = wire > h ? wire - h : 0;
    if (proto == kEthTransparentBridging) return DecodeEthernet(q + h, cap - h, rest, out);
    return DecodeAnyIp(q + h, cap - h, rest, out);
  }
  // GTPv1-U: version 1, protocol type GTP, message type G-PDU (255) carrying an IP packet.
  if (cap < 8 || (q[0] >> 5) != 1 || (q[0] & 0x10) == 0 || q[1] != 0xFF) return DecodeResult::kOk;
  size_t h = 8;
  if (q[0] & 0x07) {  // sequence number, N-PDU number, next extension header type
    if (cap < 12) return Bad(out, "truncated_gtp_header");
    uint8_t next = q[11];
    h = 12;
    for (int n = 0; next != 0; ++n) {
      if (n >= 8 || cap < h + 4 || q[h] == 0) return Bad(out, "bad_gtp_extension_header");
      size_t len = static_cast<size_t>(q[h]) * 4;
      if (cap < h + len) return Bad(out, "truncated_gtp_header");
      next = q[h + len - 1];
      h += len;
    }
  }
  if (cap <= h || ((q[h] >> 4) != 4 && (q[h] >> 4) != 6)) return DecodeResult::kOk;
  if (!EnterTunnel(Tunnel::kGtpU, out)) return Bad(out, "tunnel_nesting_too_deep");
  return DecodeAnyIp(q + h, cap - h, wire > h ? wire - h : 0, out);
}

DecodeResult PacketDecoder::DecodeTransport(uint8_t proto, const uint8_t* p, size_t cap, size_t wire,
                                            DecodedPacket& out) {
  if (proto == kProtoIpInIp || proto == kProtoIpv6InIp) {
    if (!EnterTunnel(Tunnel::kIpInIp, out)) return Bad(out, "tunnel_nesting_too_deep");
    return DecodeAnyIp(p, cap, wire, out);
  }
  if (proto == kProtoGre)
    if (std::optional<DecodeResult> inner = DecodeGre(p, cap, wire, out)) return *inner;
  out.proto = proto;
  out.sport = out.dport = 0;
  out.tcp_flags = 0;
  out.seq = out.ack = 0;
  out.window = 0;
  out.icmp_type = out.icmp_code = 0;
  out.payload = nullptr;
  out.payload_len = out.payload_wire_len = 0;
  switch (proto) {
    case kProtoTcp: {
      if (cap < 20) return Bad(out, "truncated_tcp_header");
      size_t hl = static_cast<size_t>(p[12] >> 4) * 4;
      if (hl < 20) return Bad(out, "bad_tcp_header_length");
      if (cap < hl) return Bad(out, "truncated_tcp_header");
      if (wire < hl) return Bad(out, "bad_tcp_header_length");
      out.sport = Be16(p);
      out.dport = Be16(p + 2);
      out.seq = Be32(p + 4);
      out.ack = Be32(p + 8);
      out.tcp_flags = p[13];
      out.window = Be16(p + 14);
      out.payload = p + hl;
      out.payload_len = static_cast<uint32_t>(cap - hl);
      out.payload_wire_len = static_cast<uint32_t>(wire - hl);
      return DecodeResult::kOk;
    }
    case kProtoUdp: {
      if (cap < 8) return Bad(out, "truncated_udp_header");
      size_t ulen = Be16(p + 4);
      out.sport = Be16(p);
      out.dport = Be16(p + 2);
      if (ulen == 0) ulen = wire;  // jumbo / TSO
      if (ulen < 8) return Bad(out, "bad_udp_length");
      if (ulen > wire) return Bad(out, "udp_length_exceeds_ip_payload");
      out.payload = p + 8;
      out.payload_wire_len = static_cast<uint32_t>(ulen - 8);
      size_t c = cap < ulen ? cap : ulen;
      out.payload_len = static_cast<uint32_t>(c - 8);
      if (out.dport == kPortVxlan || out.dport == kPortGeneve || out.dport == kPortGtpU)
        return DecodeUdpTunnel(out.dport, out);
      return DecodeResult::kOk;
    }
    case kProtoIcmp:
    case kProtoIcmpV6: {
      if (cap < 4) return Bad(out, "truncated_icmp_header");
      out.icmp_type = p[0];
      out.icmp_code = p[1];
      out.sport = p[0];
      out.dport = p[1];
      size_t hl = cap >= 8 ? 8 : cap;
      out.payload = p + hl;
      out.payload_len = static_cast<uint32_t>(cap - hl);
      out.payload_wire_len = static_cast<uint32_t>(wire > 8 ? wire - 8 : 0);
      return DecodeResult::kOk;
    }
    default:
      out.payload = p;
      out.payload_len = static_cast<uint32_t>(cap);
      out.payload_wire_len = static_cast<uint32_t>(wire);
      return DecodeResult::kOk;
  }
}

}  // namespace onus::ingest::detail
