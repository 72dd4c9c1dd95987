// Link, network and transport decoding of one captured packet (no allocation, no copies).
// Contract: DecodePacket() never reads outside [data, data + caplen). The result points into the
// caller's buffer (or into the reassembler's buffer for a reassembled IP datagram) and is valid
// until the next call. A packet whose headers are cut or lie about their lengths yields kMalformed
// with a short reason; a well-formed packet that is not IP (ARP, STP, ...) yields kNotIp.
// Payload cut by the snap length is not malformed: payload_len is what was captured and
// payload_wire_len is what the headers say was sent.
// Thread-safety: a PacketDecoder (it owns the fragment reassembler) is single-threaded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "decoders/pcap/ip_reassembly.h"
#include "onus/core/ip.h"

namespace onus::ingest::detail {

// libpcap DLT values this decoder understands (pcap_datalink()).
inline constexpr int kDltNull = 0;
inline constexpr int kDltEthernet = 1;
inline constexpr int kDltRaw = 12;
inline constexpr int kDltRawOpenBsd = 14;
inline constexpr int kDltLinktypeRaw = 101;
inline constexpr int kDltLoop = 108;
inline constexpr int kDltLinuxSll = 113;
inline constexpr int kDltIpv4 = 228;
inline constexpr int kDltIpv6 = 229;
inline constexpr int kDltLinuxSll2 = 276;
// Serial WAN links (PPP, HDLC): what captures on a utility's leased lines and routers carry.
inline constexpr int kDltPpp = 9;
inline constexpr int kDltPppSerial = 50;  // PPP in HDLC-like framing (RFC 1662)
inline constexpr int kDltPppEther = 51;   // PPPoE session header, then PPP
inline constexpr int kDltCiscoHdlc = 104;

bool IsSupportedDlt(int dlt);

enum class DecodeResult : uint8_t {
  kOk,
  kNotIp,        // valid frame carrying something other than IPv4/IPv6
  kFragmentHeld, // an IP fragment was stored; the datagram is not complete yet
  kMalformed,    // see DecodedPacket::error
};

inline constexpr uint8_t kProtoIcmp = 1;
inline constexpr uint8_t kProtoTcp = 6;
inline constexpr uint8_t kProtoUdp = 17;
inline constexpr uint8_t kProtoIcmpV6 = 58;

// The outermost encapsulation removed to reach the packet's own IP header (the flow is the inner
// one, as in Zeek: its tunnel endpoints are not a flow of the capture).
enum class Tunnel : uint8_t { kNone, kIpInIp, kGre, kErspan, kVxlan, kGeneve, kGtpU };

inline constexpr uint8_t kTcpFin = 0x01;
inline constexpr uint8_t kTcpSyn = 0x02;
inline constexpr uint8_t kTcpRst = 0x04;
inline constexpr uint8_t kTcpPsh = 0x08;
inline constexpr uint8_t kTcpAck = 0x10;
inline constexpr uint8_t kTcpUrg = 0x20;

struct DecodedPacket {
  int64_t ts_ns = 0;
  uint64_t index = 0;        // 1-based packet number in the capture
  uint64_t file_offset = 0;  // of the record in the file (best effort)
  IpAddress src, dst;
  uint8_t ip_version = 0;
  uint8_t proto = 0;   // IANA protocol number of the transport
  uint16_t sport = 0, dport = 0;  // ICMP: type, code
  uint32_t ip_len = 0;            // IP datagram length as sent (header + payload)
  // TCP
  uint32_t seq = 0, ack = 0;
  uint16_t window = 0;
  uint8_t tcp_flags = 0;
  // ICMP
  uint8_t icmp_type = 0, icmp_code = 0;
  // Transport payload.
  const uint8_t* payload = nullptr;
  uint32_t payload_len = 0;       // captured bytes
  uint32_t payload_wire_len = 0;  // bytes the headers say were sent
  bool reassembled = false;       // came out of IP fragment reassembly
  Tunnel tunnel = Tunnel::kNone;  // outermost encapsulation removed (IP-in-IP, GRE, VXLAN...)
  const char* error = nullptr;    // short reason when kMalformed (static string)
};

// Tunnels are decapsulated (at most kMaxTunnels deep; deeper is kMalformed): IPv4/IPv6 in IP
// (protocols 4, 41), GRE version 0 (IPv4, IPv6, Ethernet, MPLS, ERSPAN types I-III) and version 1
// (PPTP's PPP carrying IP), and by UDP destination port VXLAN (4789), GENEVE (6081) and GTPv1-U
// G-PDUs (2152). The packet is then the innermost one; `tunnel` names the outermost encapsulation.
class PacketDecoder {
 public:
  static constexpr int kMaxTunnels = 4;
  explicit PacketDecoder(IpReassembler::Limits limits = {}) : reasm_(limits) {}
  // Decodes one frame of link type `dlt`. `wire_len` is the original length (pcap "len").
  DecodeResult Decode(int dlt, const uint8_t* data, size_t caplen, size_t wire_len, DecodedPacket& out);
  // Decodes a bare IPv4/IPv6 datagram (used by Decode and by tests).
  DecodeResult DecodeIp(const uint8_t* data, size_t caplen, size_t wire_len, DecodedPacket& out);
  const IpReassembler& reassembler() const { return reasm_; }

 private:
  DecodeResult DecodeEthernet(const uint8_t* d, size_t cap, size_t wire, DecodedPacket& out);
  // VLAN/QinQ tags, PPPoE and MPLS from `off`, where `ethertype` says what follows; then IP.
  DecodeResult DecodeL2Payload(const uint8_t* d, size_t cap, size_t wire, size_t off, uint16_t ethertype,
                               DecodedPacket& out);
  DecodeResult DecodeAnyIp(const uint8_t* d, size_t cap, size_t wire, DecodedPacket& out);
  DecodeResult DecodeIpv4(const uint8_t* p, size_t cap, size_t wire, DecodedPacket& out);
  DecodeResult DecodeIpv6(const uint8_t* p, size_t cap, size_t wire, DecodedPacket& out);
  DecodeResult DecodeTransport(uint8_t proto, const uint8_t* p, size_t cap, size_t wire, DecodedPacket& out);
  // Nullopt when the GRE payload is not one decapsulated (then the GRE packet is the flow's own).
  std::optional<DecodeResult> DecodeGre(const uint8_t* p, size_t cap, size_t wire, DecodedPacket& out);
  // `out` holds the decoded UDP datagram sent to `port`.
  DecodeResult DecodeUdpTunnel(uint16_t port, DecodedPacket& out);
  // False when one more tunnel would be too deep.
  bool EnterTunnel(Tunnel kind, DecodedPacket& out);
  IpReassembler reasm_;
  int tunnels_ = 0;  // tunnels entered while decoding the current packet
};

}  // namespace onus::ingest::detail
