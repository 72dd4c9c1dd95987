// ReadCapture end to end on synthetic captures: link types, IP fragments, IPv6 extension headers,
// TCP handshake reassembly, flow table limits, and bad input (truncated captures, corrupted record
// headers, snaplen cuts, lying lengths, garbage).
#include <gtest/gtest.h>
#include <zlib.h>

#include <array>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <tuple>
#include <random>

#include "decoders/pcap/packet.h"
#include "onus/core/file.h"
#include "decoders/pcap/tests/capture_test_util.h"
#include "onus/ingest/reader.h"
#include "tests/ingest_test_util.h"

namespace onus::ingest {
namespace {

using namespace capture_testing;  // NOLINT
using detail::DecodedPacket;
using detail::DecodeResult;
using detail::kDltEthernet;
using detail::PacketDecoder;
using detail::Tunnel;

constexpr uint32_t kA = 0x0A000001, kB = 0x0A000002;

std::string DnsQuery(const std::string& name, uint16_t id = 0x1234) {
  std::string q = Be16(id) + Be16(0x0100) + Be16(1) + Be16(0) + Be16(0) + Be16(0);
  size_t start = 0;
  while (start <= name.size()) {
    size_t dot = name.find('.', start);
    if (dot == std::string::npos) dot = name.size();
    q += static_cast<char>(dot - start);
    q += name.substr(start, dot - start);
    start = dot + 1;
  }
  return q + '\0' + Be16(1) + Be16(1);
}

std::string ClientHelloRecord(const std::string& sni) {
  std::string sni_ext = Be16(0) + Be16(static_cast<uint16_t>(sni.size() + 5)) + Be16(static_cast<uint16_t>(sni.size() + 3)) +
                        '\0' + Be16(static_cast<uint16_t>(sni.size())) + sni;
  std::string body = Be16(0x0303) + std::string(32, 'r') + '\0' + Be16(2) + Be16(0x1301) + std::string("\x01\x00", 2) +
                     Be16(static_cast<uint16_t>(sni_ext.size())) + sni_ext;
  std::string hs = std::string("\x01", 1) + '\0' + Be16(static_cast<uint16_t>(body.size())) + body;
  return std::string("\x16\x03\x01", 3) + Be16(static_cast<uint16_t>(hs.size())) + hs;
}

// A synthetic capture written to a temporary file, described as ReadCapture's input.
InputInfo WrittenCapture(const PcapWriter& w, const std::string& name) {
  InputInfo info;
  info.path = TempPath(name);
  EXPECT_TRUE(w.Write(info.path));
  info.format = InputFormat::kPcap;
  return info;
}

CaptureRun RunOn(const PcapWriter& w, const std::string& name, IngestOptions options = {}) {
  const std::string path = TempPath(name);
  EXPECT_TRUE(w.Write(path));
  CaptureRun run;
  RunCapture(path, run, options);
  return run;
}

TEST(Capture, UdpDnsOverEthernetVlanQinQ) {
  PcapWriter w;
  std::string ip = Ipv4(kA, kB, 17, Udp(40000, 53, DnsQuery("a.example")));
  w.Packet(Eth(ip), 100);
  std::string vlan = Be16(0x0005) + Be16(0x0800) + ip;
  w.Packet(Eth(Be16(0x0007) + Be16(0x8100) + vlan, 0x88A8), 101);  // QinQ: outer 802.1ad, inner 802.1Q
  CaptureRun run = RunOn(w, "cap_vlan.pcap");
  ASSERT_TRUE(run.status.ok()) << run.status.ToString();
  EXPECT_EQ(run.stats.records, 2u);
  EXPECT_EQ(run.stats.malformed, 0u);
  auto dns = run.sink.Of(ObservationKind::kDns);
  ASSERT_EQ(dns.size(), 2u);
  EXPECT_EQ(dns[0].query, "a.example");
  EXPECT_EQ(dns[0].qtype_name, "A");
  auto conns = run.sink.Of(ObservationKind::kConn);
  ASSERT_EQ(conns.size(), 1u);
  EXPECT_EQ(conns[0].orig_pkts, 2u);
  EXPECT_EQ(conns[0].conn_state, "S0");
  EXPECT_EQ(conns[0].service, "dns");
  EXPECT_EQ(conns[0].src.record, 1u);
  EXPECT_EQ(conns[0].src.input, &run.info);
  EXPECT_TRUE(conns[0].src.is_packet);
}

TEST(Capture, LinuxCookedRawLoopbackAndSerialLinkTypes) {
  std::string ip = Ipv4(kA, kB, 17, Udp(1111, 2222, "xyz"));
  struct Case {
    int dlt;
    std::string frame;
  } cases[] = {
      {113, std::string(14, '\0') + Be16(0x0800) + ip},                  // Linux cooked v1
      {276, Be16(0x0800) + std::string(18, '\0') + ip},                  // Linux cooked v2
      {101, ip},                                                        // raw IP
      {0, std::string("\x02\x00\x00\x00", 4) + ip},                      // BSD loopback (host order)
      {108, std::string("\x00\x00\x00\x02", 4) + ip},                    // OpenBSD loop (network order)
      {9, std::string("\xff\x03\x00\x21", 4) + ip},                      // PPP with address/control
      {9, std::string("\x21", 1) + ip},                                   // PPP, compressed protocol field
      {50, std::string("\xff\x03\x00\x21", 4) + ip},                     // PPP in HDLC framing
      {51, std::string("\x11\x00\x00\x01\x00\x20\x00\x21", 8) + ip},  // PPPoE session, PPP
      {104, std::string("\x0f\x00\x08\x00", 4) + ip},                    // Cisco HDLC
  };
  for (auto& c : cases) {
    SCOPED_TRACE(c.dlt);
    PcapWriter w(c.dlt);
    w.Packet(c.frame, 5);
    CaptureRun run = RunOn(w, "cap_link.pcap");
    ASSERT_TRUE(run.status.ok()) << run.status.ToString();
    auto conns = run.sink.Of(ObservationKind::kConn);
    ASSERT_EQ(conns.size(), 1u);
    EXPECT_EQ(conns[0].orig_h.ToString(), "10.0.0.1");
    EXPECT_EQ(conns[0].resp_p, 2222);
    EXPECT_EQ(conns[0].orig_bytes, 3u);
  }
}

// Tunnels are decapsulated as Zeek does: the flow is the inner one (its DNS decoded), whatever
// carries it: IP-in-IP, GRE (IP, Ethernet, ERSPAN II/III, PPTP's PPP), VXLAN, GENEVE, GTPv1-U.
TEST(Capture, TunnelsAreDecapsulatedToTheInnerFlow) {
  constexpr uint32_t kVtep1 = 0xC0000201, kVtep2 = 0xC0000202;  // 192.0.2.1/2: the tunnel endpoints
  const std::string inner = Ipv4(kA, kB, 17, Udp(40000, 53, DnsQuery("tunnelled.example")));
  const std::string inner_eth = Eth(inner);
  auto gre = [](uint16_t proto, const std::string& body, uint8_t flags = 0, uint8_t ver = 0) {
    std::string h = std::string{static_cast<char>(flags), static_cast<char>(ver)} + Be16(proto);
    if (flags & 0x80) h += Be32(0);
    if (flags & 0x20) h += Be32(42);
    if (flags & 0x10) h += Be32(7);
    return h + body;
  };
  struct Case {
    const char* name;
    std::string frame;
    Tunnel tunnel;
  } cases[] = {
      {"ip-in-ip", Eth(Ipv4(kVtep1, kVtep2, 4, inner)), Tunnel::kIpInIp},
      {"gre ipv4 with key and sequence", Eth(Ipv4(kVtep1, kVtep2, 47, gre(0x0800, inner, 0xB0))), Tunnel::kGre},
      {"gre ethernet (TEB)", Eth(Ipv4(kVtep1, kVtep2, 47, gre(0x6558, inner_eth, 0x20))), Tunnel::kGre},
      {"erspan type II", Eth(Ipv4(kVtep1, kVtep2, 47, gre(0x88BE, std::string(8, '\x10') + inner_eth, 0x10))),
       Tunnel::kErspan},
      {"erspan type III", Eth(Ipv4(kVtep1, kVtep2, 47, gre(0x22EB, std::string(12, '\0') + inner_eth, 0x10))),
       Tunnel::kErspan},
      {"pptp (gre v1, ppp)",
       Eth(Ipv4(kVtep1, kVtep2, 47,
                std::string("\x30\x81", 2) + Be16(0x880B) + Be16(static_cast<uint16_t>(inner.size() + 4)) + Be16(9) +
                    Be32(1) + Be32(0) + std::string("\xff\x03\x00\x21", 4) + inner)),
       Tunnel::kGre},
      {"vxlan", Eth(Ipv4(kVtep1, kVtep2, 17, Udp(51234, 4789, std::string("\x08\0\0\0\0\x00\x2a\0", 8) + inner_eth))),
       Tunnel::kVxlan},
      {"geneve with an option",
       Eth(Ipv4(kVtep1, kVtep2, 17,
                Udp(51234, 6081, std::string("\x01\x00", 2) + Be16(0x6558) + Be32(0x00002a00) + Be32(0x01020304) + inner_eth))),
       Tunnel::kGeneve},
      {"gtp-u with a sequence number",
       Eth(Ipv4(kVtep1, kVtep2, 17,
                Udp(2152, 2152, std::string("\x32\xff", 2) + Be16(static_cast<uint16_t>(inner.size() + 4)) + Be32(77) +
                                    Be16(1) + std::string("\0\0", 2) + inner))),
       Tunnel::kGtpU},
      {"vxlan in gre", Eth(Ipv4(kVtep1, kVtep2, 47, gre(0x0800, Ipv4(kVtep1, kVtep2, 17,
                                     Udp(1, 4789, std::string("\x08\0\0\0\0\0\x01\0", 8) + inner_eth))))),
       Tunnel::kGre},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    PacketDecoder decoder;
    DecodedPacket pkt;
    ASSERT_EQ(decoder.Decode(kDltEthernet, reinterpret_cast<const uint8_t*>(c.frame.data()), c.frame.size(),
                             c.frame.size(), pkt),
              DecodeResult::kOk)
        << (pkt.error ? pkt.error : "");
    EXPECT_EQ(pkt.tunnel, c.tunnel);
    EXPECT_EQ(pkt.src.ToString(), "10.0.0.1");
    EXPECT_EQ(pkt.dport, 53);
    PcapWriter w;
    w.Packet(c.frame, 100);
    CaptureRun run = RunOn(w, "cap_tunnel.pcap");
    ASSERT_TRUE(run.status.ok()) << run.status.ToString();
    EXPECT_EQ(run.stats.malformed, 0u);
    auto dns = run.sink.Of(ObservationKind::kDns);
    ASSERT_EQ(dns.size(), 1u);
    EXPECT_EQ(dns[0].query, "tunnelled.example");
    auto conns = run.sink.Of(ObservationKind::kConn);
    ASSERT_EQ(conns.size(), 1u);  // the inner flow only
    EXPECT_EQ(conns[0].orig_h.ToString(), "10.0.0.1");
    EXPECT_EQ(conns[0].resp_h.ToString(), "10.0.0.2");
    EXPECT_EQ(conns[0].service, "dns");
  }
}

// Real kernel VXLAN: the underlay capture gives the observations the capture of the tunnel's own
// interface gives (captured at the same time: the times differ by the microseconds between the two
// capture points).
TEST(Capture, RealVxlanUnderlayGivesTheInnerCapturesObservations) {
  auto run = [](const std::string& name) {
    CaptureRun r;
    RunCapture(testing::DataPath("tunnel/" + name), r);
    EXPECT_TRUE(r.status.ok()) << r.status.ToString();
    EXPECT_EQ(r.stats.malformed, 0u);
    std::vector<std::string> out;
    for (const auto& o : r.sink.all) {
      Observation c = o;
      c.ts = Timestamp();
      c.duration = 0;
      c.uid.clear();
      c.src = {};
      std::string j = testing::JsonWithoutSource(c);
      out.push_back(j);
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  auto under = run("vxlan-underlay.pcap");
  auto inner = run("vxlan-inner.pcap");
  ASSERT_EQ(under.size(), 6u);  // 3 conns, 2 DNS, 1 HTTP
  EXPECT_EQ(under, inner);
}

TEST(Capture, TunnelPortsWithoutTheirHeaderAndHostileNestingStayBounded) {
  // Ordinary UDP on the tunnel ports (no VXLAN I flag, a GENEVE version 1, a GTP echo) stays UDP.
  for (const auto& [port, data] : std::vector<std::pair<uint16_t, std::string>>{
           {4789, std::string(16, '\0')}, {6081, std::string("\x40\0\x65\x58", 4) + std::string(12, '\0')},
           {2152, std::string("\x32\x01\0\x04", 4) + std::string(8, '\0')}}) {
    SCOPED_TRACE(port);
    std::string frame = Eth(Ipv4(kA, kB, 17, Udp(1000, port, data)));
    PacketDecoder decoder;
    DecodedPacket pkt;
    ASSERT_EQ(decoder.Decode(kDltEthernet, reinterpret_cast<const uint8_t*>(frame.data()), frame.size(), frame.size(), pkt),
              DecodeResult::kOk);
    EXPECT_EQ(pkt.tunnel, Tunnel::kNone);
    EXPECT_EQ(pkt.dport, port);
  }
  // A GRE payload onus does not decapsulate (here WCCP, 0x883E) leaves the GRE packet itself.
  {
    std::string frame = Eth(Ipv4(kA, kB, 47, std::string("\0\0\x88\x3e", 4) + std::string(24, 'w')));
    PacketDecoder decoder;
    DecodedPacket pkt;
    ASSERT_EQ(decoder.Decode(kDltEthernet, reinterpret_cast<const uint8_t*>(frame.data()), frame.size(), frame.size(), pkt),
              DecodeResult::kOk);
    EXPECT_EQ(pkt.tunnel, Tunnel::kNone);
    EXPECT_EQ(pkt.proto, 47);
    EXPECT_EQ(pkt.payload_len, 28u);
  }
  // IP-in-IP nested deeper than kMaxTunnels is malformed, not a recursion without end; a truncated
  // GRE header is malformed; a cut inner packet is named.
  std::string ip = Ipv4(kA, kB, 17, Udp(1, 2, "x"));
  for (int i = 0; i <= PacketDecoder::kMaxTunnels; ++i) ip = Ipv4(kA, kB, 4, ip);
  PacketDecoder decoder;
  DecodedPacket pkt;
  std::string frame = Eth(ip);
  EXPECT_EQ(decoder.Decode(kDltEthernet, reinterpret_cast<const uint8_t*>(frame.data()), frame.size(), frame.size(), pkt),
            DecodeResult::kMalformed);
  EXPECT_STREQ(pkt.error, "tunnel_nesting_too_deep");
  frame = Eth(Ipv4(kA, kB, 47, std::string("\x30\0", 2)));
  EXPECT_EQ(decoder.Decode(kDltEthernet, reinterpret_cast<const uint8_t*>(frame.data()), frame.size(), frame.size(), pkt),
            DecodeResult::kMalformed);
  EXPECT_STREQ(pkt.error, "truncated_gre_header");
  // Cut headers of the serial links and the tunnels are malformed with their reason.
  const std::string inner_eth = Eth(Ipv4(kA, kB, 17, Udp(1, 2, "x")));
  for (const auto& [dlt, cut, why] : std::vector<std::tuple<int, std::string, const char*>>{
           {9, std::string("\xff\x03\x00", 3), "truncated_ppp_header"},
           {51, std::string("\x11\x00\x00", 3), "truncated_pppoe_header"},
           {104, std::string("\x0f\x00", 2), "truncated_chdlc_header"},
           {1, Eth(Ipv4(kA, kB, 17, Udp(1, 6081, std::string("\x3f\0\x65\x58", 4) + std::string(12, '\0')))),
            "truncated_geneve_header"},
           {1, Eth(Ipv4(kA, kB, 17, Udp(2152, 2152, std::string("\x32\xff\0\x04\0\0\0\x01", 8)))),
            "truncated_gtp_header"},
           {1, Eth(Ipv4(kA, kB, 47, std::string("\x10\0\x88\xbe\0\0\0\x01\x10\x10", 10))), "truncated_erspan_header"},
           {1, Eth(Ipv4(kA, kB, 17, Udp(1, 4789, std::string("\x08\0\0\0\0\0\x01\0", 8) + inner_eth.substr(0, 10)))),
            "truncated_ethernet_header"}}) {
    SCOPED_TRACE(why);
    DecodedPacket p;
    EXPECT_EQ(decoder.Decode(dlt, reinterpret_cast<const uint8_t*>(cut.data()), cut.size(), cut.size(), p),
              DecodeResult::kMalformed);
    EXPECT_STREQ(p.error, why);
  }
  // The next packet decodes from a clean state (no tunnel count left over).
  frame = Eth(Ipv4(kA, kB, 4, Ipv4(kA, kB, 17, Udp(1, 2, "x"))));
  ASSERT_EQ(decoder.Decode(kDltEthernet, reinterpret_cast<const uint8_t*>(frame.data()), frame.size(), frame.size(), pkt),
            DecodeResult::kOk);
  EXPECT_EQ(pkt.tunnel, Tunnel::kIpInIp);
}

TEST(Capture, UnsupportedLinkTypeIsAnError) {
  PcapWriter w(147);  // DLT_USER0
  w.Packet("abc", 1);
  CaptureRun run = RunOn(w, "cap_user0.pcap");
  EXPECT_EQ(run.status.code(), StatusCode::kUnsupported);
}

TEST(Capture, Ipv4FragmentsAreReassembled) {
  std::string udp = Udp(5353, 53, DnsQuery("fragmented.example.org"));
  // First fragment: 24 bytes (multiple of 8) with MF; second: the rest at offset 3 (×8).
  std::string f1 = udp.substr(0, 24), f2 = udp.substr(24);
  PcapWriter w;
  w.Packet(Eth(Ipv4(kA, kB, 17, f2, 77, 0x0003)), 10);  // out of order: last fragment first
  w.Packet(Eth(Ipv4(kA, kB, 17, f1, 77, 0x2000)), 10, 5);
  CaptureRun run = RunOn(w, "cap_frag.pcap");
  ASSERT_TRUE(run.status.ok());
  auto dns = run.sink.Of(ObservationKind::kDns);
  ASSERT_EQ(dns.size(), 1u);
  EXPECT_EQ(dns[0].query, "fragmented.example.org");
  EXPECT_EQ(dns[0].src.record, 2u);  // the packet that completed the datagram
  EXPECT_EQ(run.stats.malformed, 0u);
}

TEST(Capture, Ipv6ExtensionHeadersAndIcmpv6) {
  uint8_t src[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  uint8_t dst[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
  auto v6 = [&](uint8_t next, const std::string& payload, bool flip = false) {
    std::string h = std::string("\x60\x00\x00\x00", 4) + Be16(static_cast<uint16_t>(payload.size())) + static_cast<char>(next) + '\x40';
    h.append(reinterpret_cast<const char*>(flip ? dst : src), 16);
    h.append(reinterpret_cast<const char*>(flip ? src : dst), 16);
    return h + payload;
  };
  // Hop-by-hop (8 bytes) → destination options (8 bytes) → UDP.
  std::string udp = Udp(1000, 2000, "hello");
  std::string ext = std::string("\x3c\x00", 2) + std::string(6, '\0') + std::string("\x11\x00", 2) + std::string(6, '\0');
  PcapWriter w;
  w.Packet(Eth(v6(0, ext + udp), 0x86DD), 1);
  std::string echo_req = std::string("\x80\x00\x00\x00\x00\x01\x00\x01", 8) + "ping";
  std::string echo_rep = std::string("\x81\x00\x00\x00\x00\x01\x00\x01", 8) + "ping";
  w.Packet(Eth(v6(58, echo_req), 0x86DD), 2);
  w.Packet(Eth(v6(58, echo_rep, true), 0x86DD), 2, 100);
  CaptureRun run = RunOn(w, "cap_v6.pcap");
  ASSERT_TRUE(run.status.ok());
  auto conns = run.sink.Of(ObservationKind::kConn);
  ASSERT_EQ(conns.size(), 2u);
  EXPECT_EQ(conns[0].proto, "udp");
  EXPECT_EQ(conns[0].orig_h.ToString(), "2001:db8::1");
  EXPECT_EQ(conns[0].orig_bytes, 5u);
  EXPECT_EQ(conns[1].proto, "icmp");
  EXPECT_EQ(conns[1].orig_p, 128);  // echo request type; the reply joined the same flow
  EXPECT_EQ(conns[1].orig_pkts, 1u);
  EXPECT_EQ(conns[1].resp_pkts, 1u);
  EXPECT_EQ(conns[1].orig_bytes, 4u);
}

TEST(Capture, TlsHandshakeSpreadOverOutOfOrderSegments) {
  std::string rec = ClientHelloRecord("split.example.net");
  std::string s1 = rec.substr(0, 7), s2 = rec.substr(7, 20), s3 = rec.substr(27);
  PcapWriter w;
  const uint32_t isn = 1000;
  w.Packet(Eth(Ipv4(kA, kB, 6, Tcp(50000, 443, isn, 0, 0x02))), 1);
  w.Packet(Eth(Ipv4(kB, kA, 6, Tcp(443, 50000, 9000, isn + 1, 0x12))), 1, 10);
  w.Packet(Eth(Ipv4(kA, kB, 6, Tcp(50000, 443, isn + 1, 9001, 0x10))), 1, 20);
  w.Packet(Eth(Ipv4(kA, kB, 6, Tcp(50000, 443, isn + 1, 9001, 0x18, s1))), 1, 30);
  w.Packet(Eth(Ipv4(kA, kB, 6, Tcp(50000, 443, isn + 1 + 27, 9001, 0x18, s3))), 1, 40);  // early
  w.Packet(Eth(Ipv4(kA, kB, 6, Tcp(50000, 443, isn + 1 + 7, 9001, 0x18, s2))), 1, 50);   // fills the hole
  w.Packet(Eth(Ipv4(kA, kB, 6, Tcp(50000, 443, isn + 1 + 7, 9001, 0x18, s2))), 1, 60);   // retransmission
  w.Packet(Eth(Ipv4(kA, kB, 6, Tcp(50000, 443, isn + 1 + static_cast<uint32_t>(rec.size()), 9001, 0x11))), 2);
  w.Packet(Eth(Ipv4(kB, kA, 6, Tcp(443, 50000, 9001, isn + 2 + static_cast<uint32_t>(rec.size()), 0x11))), 2, 10);
  CaptureRun run = RunOn(w, "cap_tls_split.pcap");
  ASSERT_TRUE(run.status.ok());
  auto tls = run.sink.Of(ObservationKind::kTls);
  ASSERT_EQ(tls.size(), 1u);
  EXPECT_EQ(tls[0].server_name, "split.example.net");
  EXPECT_EQ(tls[0].src.record, 6u);  // the segment that completed the ClientHello
  auto conns = run.sink.Of(ObservationKind::kConn);
  ASSERT_EQ(conns.size(), 1u);
  EXPECT_EQ(conns[0].orig_bytes, rec.size());  // retransmission not double counted
  EXPECT_EQ(conns[0].resp_bytes, 0u);
  EXPECT_EQ(conns[0].conn_state, "SF");
  EXPECT_EQ(conns[0].history, "ShADFf");
  EXPECT_EQ(conns[0].service, "ssl");
  EXPECT_EQ(conns[0].uid, tls[0].uid);
}

TEST(Capture, FlowCapacityEvictsButNeverLosesASummary) {
  PcapWriter w;
  for (uint16_t i = 0; i < 50; ++i) w.Packet(Eth(Ipv4(kA, kB, 17, Udp(static_cast<uint16_t>(2000 + i), 9999, "x"))), 100 + i);
  IngestOptions opt;
  opt.max_flows = 4;
  CaptureRun run = RunOn(w, "cap_capacity.pcap", opt);
  ASSERT_TRUE(run.status.ok());
  auto conns = run.sink.Of(ObservationKind::kConn);
  EXPECT_EQ(conns.size(), 50u);
  std::set<uint16_t> ports;
  for (auto& c : conns) ports.insert(c.orig_p);
  EXPECT_EQ(ports.size(), 50u);
}

TEST(Capture, InactivityTimeoutSplitsFlows) {
  PcapWriter w;
  w.Packet(Eth(Ipv4(kA, kB, 17, Udp(7, 8, "a"))), 1000);
  w.Packet(Eth(Ipv4(kB, kA, 17, Udp(8, 7, "bb"))), 1030);
  w.Packet(Eth(Ipv4(kA, kB, 17, Udp(7, 8, "c"))), 1200);  // > 60 s idle: a new flow
  CaptureRun run = RunOn(w, "cap_timeout.pcap");
  auto conns = run.sink.Of(ObservationKind::kConn);
  ASSERT_EQ(conns.size(), 2u);
  EXPECT_EQ(conns[0].conn_state, "SF");
  EXPECT_EQ(conns[0].history, "Dd");
  EXPECT_DOUBLE_EQ(conns[0].duration, 30.0);
  EXPECT_EQ(conns[0].resp_bytes, 2u);
  EXPECT_EQ(conns[1].conn_state, "S0");
  EXPECT_NE(conns[0].uid, conns[1].uid);
  EXPECT_EQ(conns[0].community_id, conns[1].community_id);
}

// The records of every flow of `wanted` (its first address) in a run, as JSON lines.
IpAddress RecordsAddress(uint32_t v4) {
  const std::array<uint8_t, 4> b{static_cast<uint8_t>(v4 >> 24), static_cast<uint8_t>(v4 >> 16),
                                 static_cast<uint8_t>(v4 >> 8), static_cast<uint8_t>(v4)};
  return IpAddress::FromV4Bytes(b.data());
}
std::multiset<std::string> RecordsOf(const CaptureRun& run, uint32_t wanted) {
  std::multiset<std::string> out;
  const IpAddress ip = RecordsAddress(wanted);
  for (const auto& o : run.sink.all)
    if (o.has_endpoints && (o.orig_h == ip || o.resp_h == ip)) out.insert(ToJsonLine(o));
  return out;
}

// The run of w with a flow scope that wants the flows of one address, and the full run.
struct ScopedAndFull {
  CaptureRun full, part;
};
// (The runs are made in place: their records point at the run's InputInfo.)
void RunScopedAndFull(const PcapWriter& w, const std::string& name, uint32_t wanted, ScopedAndFull& out) {
  const std::string path = TempPath(name);
  ASSERT_TRUE(w.Write(path));
  RunCapture(path, out.full);
  FlowScope scope;
  scope.endpoint = [wanted](const IpAddress& a) { return a == RecordsAddress(wanted); };
  IngestOptions scoped;
  scoped.flow_scope = &scope;
  RunCapture(path, out.part, scoped);
}

TEST(Capture, AFinishedFlowIdlePastTheCloseDelayEndsWhateverElseIsClosing) {
  // F closes (FIN both ways) at 10 s, G at 12 s; F's last ACK at 13 s does not move its last packet
  // time. At 16 s (F idle 6 s > the 5 s close delay, G only 4 s) a packet on F's tuple starts a new
  // flow: F expires although G, closed later, is also waiting — with G in the table or not.
  constexpr uint32_t kF = 0x0A000101, kG = 0x0A000202;
  PcapWriter w;
  w.Packet(Eth(Ipv4(kF, kB, 6, Tcp(1000, 80, 1, 0, 0x02))), 1);
  w.Packet(Eth(Ipv4(kB, kF, 6, Tcp(80, 1000, 9, 2, 0x12))), 1, 1);
  w.Packet(Eth(Ipv4(kG, kB, 6, Tcp(2000, 80, 1, 0, 0x02))), 2);
  w.Packet(Eth(Ipv4(kB, kG, 6, Tcp(80, 2000, 9, 2, 0x12))), 2, 1);
  w.Packet(Eth(Ipv4(kF, kB, 6, Tcp(1000, 80, 2, 10, 0x11))), 9);
  w.Packet(Eth(Ipv4(kB, kF, 6, Tcp(80, 1000, 10, 3, 0x11))), 10);
  w.Packet(Eth(Ipv4(kG, kB, 6, Tcp(2000, 80, 2, 10, 0x11))), 11);
  w.Packet(Eth(Ipv4(kB, kG, 6, Tcp(80, 2000, 10, 3, 0x11))), 12);
  w.Packet(Eth(Ipv4(kF, kB, 6, Tcp(1000, 80, 3, 11, 0x10))), 13);
  w.Packet(Eth(Ipv4(kF, kB, 6, Tcp(1000, 80, 3, 11, 0x18, "late"))), 16);
  ScopedAndFull r;  // the scope leaves G out
  RunScopedAndFull(w, "cap_close_order.pcap", kF, r);
  ASSERT_TRUE(r.full.status.ok() && r.part.status.ok());
  size_t f_conns = 0;
  for (const auto& c : r.full.sink.Of(ObservationKind::kConn))
    if (c.orig_p == 1000 || c.resp_p == 1000) ++f_conns;
  EXPECT_EQ(f_conns, 2u);
  EXPECT_EQ(RecordsOf(r.part, kF), RecordsOf(r.full, kF));
  EXPECT_LT(r.part.sink.all.size(), r.full.sink.all.size());
}

TEST(Capture, AFlowScopeReadsACaptureOutOfTimeOrderWhole) {
  // Time goes backward (a badly merged capture): which flow the least-recently-used end of the
  // table expires first then depends on flows outside the scope, so a scope is not applied.
  // Here A (later time stamps, out of scope) keeps B's 190-second gap from splitting B.
  PcapWriter w;
  w.Packet(Eth(Ipv4(kA, kB, 17, Udp(5000, 5000, "a"))), 1000);
  w.Packet(Eth(Ipv4(0x0A000303, kB, 17, Udp(7, 8, "q"))), 10);
  w.Packet(Eth(Ipv4(kB, 0x0A000303, 17, Udp(8, 7, "r"))), 200);
  ScopedAndFull r;  // the scope leaves A out
  RunScopedAndFull(w, "cap_unordered.pcap", 0x0A000303, r);
  ASSERT_TRUE(r.full.status.ok() && r.part.status.ok());
  EXPECT_EQ(RecordsOf(r.part, 0x0A000303), RecordsOf(r.full, 0x0A000303));
  EXPECT_EQ(r.part.sink.all.size(), r.full.sink.all.size());  // read whole
}

TEST(Capture, TcpStatesRejAndS0) {
  PcapWriter w;
  w.Packet(Eth(Ipv4(kA, kB, 6, Tcp(1, 80, 5, 0, 0x02))), 1);
  w.Packet(Eth(Ipv4(kB, kA, 6, Tcp(80, 1, 0, 6, 0x14))), 1, 1);  // RST+ACK: rejected
  w.Packet(Eth(Ipv4(kA, kB, 6, Tcp(2, 80, 5, 0, 0x02))), 1, 2);  // unanswered
  CaptureRun run = RunOn(w, "cap_states.pcap");
  auto conns = run.sink.Of(ObservationKind::kConn);
  ASSERT_EQ(conns.size(), 2u);
  EXPECT_EQ(conns[0].conn_state, "REJ");
  EXPECT_EQ(conns[0].history, "Sr");
  EXPECT_EQ(conns[1].conn_state, "S0");
}

// --- Bad input -------------------------------------------------------------------------------

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(CaptureBadInput, TruncatedCaptureKeepsWhatWasRead) {
  std::string whole = ReadAll(SharedPcap("mixed/zeek/wikipedia.pcap"));
  ASSERT_GT(whole.size(), 10000u);
  const std::string path = TempPath("cap_truncated.pcap");
  std::ofstream(path, std::ios::binary).write(whole.data(), 10000);
  CaptureRun run;
  RunCapture(path, run);
  ASSERT_TRUE(run.status.ok()) << run.status.ToString();
  EXPECT_GT(run.stats.records, 10u);
  EXPECT_EQ(run.stats.malformed, 1u);
  ASSERT_FALSE(run.stats.warnings.empty());
  EXPECT_NE(run.stats.warnings[0].find("cap_truncated.pcap: packet "), std::string::npos);
  EXPECT_NE(run.stats.warnings[0].find("(offset "), std::string::npos);
  EXPECT_FALSE(run.sink.Of(ObservationKind::kConn).empty());
  auto anomalies = run.sink.Of(ObservationKind::kAnomaly);
  ASSERT_EQ(anomalies.size(), 1u);
  EXPECT_NE(anomalies[0].anomaly.find("bad_capture_record"), std::string::npos);
}

TEST(CaptureBadInput, CorruptedRecordHeaderIsSkipped) {
  PcapWriter w;
  for (int i = 0; i < 20; ++i) w.Packet(Eth(Ipv4(kA, kB, 17, Udp(static_cast<uint16_t>(100 + i), 53, DnsQuery("x.test")))), 500 + i);
  // Record 6 starts at 24 + 5 * (16 + frame); smash its caplen.
  const size_t frame = w.bytes.size() - 24;
  const size_t rec = frame / 20;
  std::string bytes = w.bytes;
  const size_t at = 24 + 5 * rec + 8;
  bytes[at] = '\xff';
  bytes[at + 1] = '\xff';
  bytes[at + 2] = '\xff';
  bytes[at + 3] = '\x7f';
  const std::string path = TempPath("cap_corrupt_header.pcap");
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  CaptureRun run;
  RunCapture(path, run);
  ASSERT_TRUE(run.status.ok()) << run.status.ToString();
  EXPECT_EQ(run.stats.records, 19u);  // all but the damaged one
  EXPECT_EQ(run.stats.malformed, 1u);
  EXPECT_EQ(run.sink.Of(ObservationKind::kConn).size(), 19u);
}

TEST(CaptureBadInput, PcapngTimesBeyondInt64NanosecondsSaturate) {
  // pcapng time stamps are 64-bit counts of (here) microseconds: 2^63 us is far past what int64
  // nanoseconds hold. Such a packet is read with a saturated time, not an overflow (UBSan).
  std::string b;
  auto u16 = [&b](uint16_t v) { b.append(reinterpret_cast<const char*>(&v), 2); };
  auto u32 = [&b](uint32_t v) { b.append(reinterpret_cast<const char*>(&v), 4); };
  u32(0x0A0D0D0A), u32(28), u32(0x1A2B3C4D), u16(1), u16(0), u32(0xFFFFFFFF), u32(0xFFFFFFFF), u32(28);
  u32(1), u32(20), u16(1), u16(0), u32(65535), u32(20);  // interface: Ethernet, microseconds
  const std::string frame = Eth(Ipv4(kA, kB, 17, Udp(1000, 2000, "late")));
  const uint32_t padded = static_cast<uint32_t>((frame.size() + 3) / 4 * 4);
  const uint64_t us = uint64_t{1} << 63;
  u32(6), u32(32 + padded), u32(0), u32(static_cast<uint32_t>(us >> 32)), u32(static_cast<uint32_t>(us));
  u32(static_cast<uint32_t>(frame.size())), u32(static_cast<uint32_t>(frame.size()));
  b += frame + std::string(padded - frame.size(), '\0');
  u32(32 + padded);
  const std::string path = TempPath("cap_far_future.pcapng");
  std::ofstream(path, std::ios::binary).write(b.data(), static_cast<std::streamsize>(b.size()));
  CaptureRun run;
  RunCapture(path, run);
  ASSERT_TRUE(run.status.ok()) << run.status.ToString();
  EXPECT_EQ(run.stats.records, 1u);
  auto conns = run.sink.Of(ObservationKind::kConn);
  ASSERT_EQ(conns.size(), 1u);
  EXPECT_EQ(conns[0].ts.nanos(), INT64_MAX);
}

TEST(CaptureBadInput, CorruptedPcapngBlockIsSkipped) {
  std::string bytes = ReadAll(SharedPcap("malware_c2/nDPI/malware.pcap"));
  ASSERT_EQ(bytes.substr(0, 4), std::string("\x0a\x0d\x0d\x0a", 4));
  auto u32 = [&](size_t at) {
    return static_cast<uint32_t>(static_cast<uint8_t>(bytes[at])) | static_cast<uint32_t>(static_cast<uint8_t>(bytes[at + 1])) << 8 |
           static_cast<uint32_t>(static_cast<uint8_t>(bytes[at + 2])) << 16 | static_cast<uint32_t>(static_cast<uint8_t>(bytes[at + 3])) << 24;
  };
  // Walk the blocks to the 20th enhanced packet block and break its length field.
  size_t off = 0;
  int epbs = 0;
  while (off + 8 <= bytes.size()) {
    if (u32(off) == 6 && ++epbs == 20) break;
    off += u32(off + 4);
  }
  ASSERT_EQ(epbs, 20);
  bytes[off + 4] = '\x03';  // not a multiple of 4 and far too short
  bytes[off + 5] = '\0';
  bytes[off + 6] = '\0';
  bytes[off + 7] = '\0';
  const std::string path = TempPath("cap_corrupt_block.pcapng");
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  CaptureRun whole, run;
  RunCapture(SharedPcap("malware_c2/nDPI/malware.pcap"), whole);
  RunCapture(path, run);
  ASSERT_TRUE(run.status.ok()) << run.status.ToString();
  EXPECT_EQ(run.info.format, InputFormat::kPcapng);
  EXPECT_EQ(run.stats.malformed, 1u);
  EXPECT_EQ(run.stats.records, whole.stats.records - 1);  // only the damaged block is lost
}

TEST(CaptureBadInput, SnaplenCutPacketsStillCountBytes) {
  PcapWriter w(1, 60);
  std::string payload(500, 'p');
  w.Packet(Eth(Ipv4(kA, kB, 6, Tcp(3333, 8080, 1, 0, 0x02))), 1);
  std::string full = Eth(Ipv4(kA, kB, 6, Tcp(3333, 8080, 2, 0, 0x18, payload)));
  w.Packet(full.substr(0, 60), 1, 5, static_cast<int64_t>(full.size()));
  std::string cut_header = Eth(Ipv4(kA, kB, 6, Tcp(3333, 8080, 502, 0, 0x18, payload)));
  w.Packet(cut_header.substr(0, 40), 1, 9, static_cast<int64_t>(cut_header.size()));  // cuts the TCP header
  CaptureRun run = RunOn(w, "cap_snaplen.pcap");
  ASSERT_TRUE(run.status.ok());
  EXPECT_EQ(run.stats.malformed, 1u);  // only the packet whose headers were cut
  auto conns = run.sink.Of(ObservationKind::kConn);
  ASSERT_EQ(conns.size(), 1u);
  EXPECT_EQ(conns[0].orig_bytes, 500u);  // from sequence numbers, not captured bytes
  EXPECT_EQ(conns[0].orig_ip_bytes, 40u + 540u);
}

TEST(CaptureBadInput, LyingLengthsAreMalformedNotFatal) {
  PcapWriter w;
  w.Packet(Eth(Ipv4(kA, kB, 17, Udp(1, 2, "abc"), 1, 0x4000, 900)), 1);             // IP total > frame
  std::string udp = Udp(1, 2, "abc");
  udp[4] = '\x03';                                                                   // UDP length 0x03xx
  w.Packet(Eth(Ipv4(kA, kB, 17, udp)), 2);
  w.Packet(Eth(Ipv4(kA, kB, 17, Udp(1, 53, std::string("\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x3f", 13)))), 3);  // DNS label runs off the end
  w.Packet(Eth("\x45"), 4);                                                          // 1 byte of IP
  CaptureRun run = RunOn(w, "cap_lying.pcap");
  ASSERT_TRUE(run.status.ok());
  EXPECT_EQ(run.stats.records, 4u);
  EXPECT_EQ(run.stats.malformed, 4u);
  std::set<std::string> kinds;
  for (auto& a : run.sink.Of(ObservationKind::kAnomaly)) kinds.insert(a.anomaly);
  EXPECT_TRUE(kinds.count("ip_length_exceeds_packet"));
  EXPECT_TRUE(kinds.count("udp_length_exceeds_ip_payload"));
  EXPECT_TRUE(kinds.count("dns_bad_query_name"));
  EXPECT_TRUE(kinds.count("truncated_ip_header"));
  // The DNS anomaly names its flow.
  for (auto& a : run.sink.Of(ObservationKind::kAnomaly))
    if (a.anomaly == "dns_bad_query_name") {
      EXPECT_FALSE(a.uid.empty());
    }
}

TEST(CaptureBadInput, AnomaliesCanBeTurnedOffAndWarningsAreCapped) {
  PcapWriter w;
  for (int i = 0; i < 30; ++i) w.Packet(Eth("\x45\x00"), static_cast<uint32_t>(i + 1));
  IngestOptions opt;
  opt.emit_anomalies = false;
  opt.max_warnings = 5;
  CaptureRun run = RunOn(w, "cap_many_bad.pcap", opt);
  EXPECT_EQ(run.stats.malformed, 30u);
  EXPECT_EQ(run.stats.warnings.size(), 5u);
  EXPECT_TRUE(run.sink.Of(ObservationKind::kAnomaly).empty());
}

TEST(CaptureBadInput, RandomGarbageNeverCrashes) {
  std::mt19937 rng(42);
  for (int round = 0; round < 30; ++round) {
    PcapWriter w(round % 2 ? 1 : 101);
    for (int i = 0; i < 40; ++i) {
      std::string frame(rng() % 200, '\0');
      for (auto& c : frame) c = static_cast<char>(rng());
      if (frame.size() > 20 && round % 3 == 0) {
        frame[12] = '\x08';
        frame[13] = '\x00';
        frame[14] = '\x45';
      }
      w.Packet(frame, 1000 + static_cast<uint32_t>(i));
    }
    // And random bytes appended after the last record.
    for (int i = 0; i < 37; ++i) w.bytes.push_back(static_cast<char>(rng()));
    CaptureRun run = RunOn(w, "cap_garbage.pcap");
    EXPECT_TRUE(run.status.ok()) << run.status.ToString();
    EXPECT_GE(run.stats.records, 40u);
  }
}

TEST(CaptureBadInput, NotACaptureIsCorrupt) {
  const std::string path = TempPath("cap_not_pcap.pcap");
  std::ofstream(path) << "this is not a capture at all\n";
  CaptureRun run;
  RunCapture(path, run);
  EXPECT_EQ(run.status.code(), StatusCode::kCorrupt);
}

std::string GzipTo(const std::string& bytes, const std::string& name) {
  const std::string path = TempPath(name);
  gzFile f = gzopen(path.c_str(), "wb");
  EXPECT_NE(f, nullptr);
  EXPECT_EQ(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())), static_cast<int>(bytes.size()));
  gzclose(f);
  return path;
}

// A gzip-compressed capture (pcap and pcapng) is detected from its inflated content and read through
// zlib: the same observations as the plain file, except provenance and the uids derived from the
// file's SHA-256.
TEST(CaptureGzip, GzippedCapturesReadLikeThePlainOnes) {
  for (const char* rel : {"mixed/zeek/wikipedia.pcap", "malware_c2/zeek/quic/merlinc2_Zeek_example.pcapng"}) {
    const std::string plain = SharedPcap(rel);
    const std::string gz = GzipTo(ReadAll(plain), "cap_gzip_" + std::to_string(std::hash<std::string>{}(rel)) + ".gz");
    auto a = testing::Ingest({plain});
    auto b = testing::Ingest({gz});
    ASSERT_TRUE(a->status.ok()) << a->status.ToString();
    ASSERT_TRUE(b->status.ok()) << rel << ": " << b->status.ToString();
    EXPECT_EQ(b->run.inputs[0].format, a->run.inputs[0].format) << rel;
    EXPECT_EQ(b->run.stats.records, a->run.stats.records) << rel;
    EXPECT_EQ(b->run.stats.malformed, 0u) << rel;
    ASSERT_EQ(b->sink.all.size(), a->sink.all.size()) << rel;
    ASSERT_GT(a->sink.all.size(), 0u);
    for (size_t i = 0; i < a->sink.all.size(); ++i) {
      Observation x = a->sink.all[i], y = b->sink.all[i];
      EXPECT_EQ(x.src.record, y.src.record);
      x.uid.clear(), y.uid.clear();
      auto d = testing::DiffObservations(x, y);
      ASSERT_TRUE(d.empty()) << rel << " record " << i << ": " << d[0];
    }
  }
}

TEST(CaptureGzip, TruncatedGzipCaptureKeepsWhatInflates) {
  const std::string whole = ReadAll(SharedPcap("mixed/zeek/wikipedia.pcap"));
  const std::string gz = GzipTo(whole, "cap_gzip_whole.pcap.gz");
  const std::string bytes = ReadAll(gz);
  const std::string cut = TempPath("cap_gzip_cut.pcap.gz");
  std::ofstream(cut, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size() / 2));
  auto r = testing::Ingest({cut});
  ASSERT_TRUE(r->status.ok()) << r->status.ToString();
  EXPECT_EQ(r->run.inputs[0].format, InputFormat::kPcap);
  EXPECT_GT(r->run.stats.records, 10u);
  EXPECT_EQ(r->run.stats.malformed, 1u);
  ASSERT_GE(r->run.stats.warnings.size(), 2u);
  EXPECT_NE(r->run.stats.warnings[0].find("cap_gzip_cut.pcap.gz: packet "), std::string::npos);
  EXPECT_NE(r->run.stats.warnings[1].find("of the decompressed capture"), std::string::npos);
  EXPECT_FALSE(r->sink.OfKind(ObservationKind::kConn).empty());
}

class StopAfter : public ObservationSink {
 public:
  Status OnObservation(const Observation&) override {
    return ++n >= 3 ? Status::ResourceExhausted("enough") : Status::Ok();
  }
  int n = 0;
};

TEST(Capture, SinkErrorStopsReading) {
  PcapWriter w;
  for (uint16_t i = 0; i < 10; ++i) w.Packet(Eth(Ipv4(kA, kB, 17, Udp(1000, 53, DnsQuery("q.test", i)))), 1 + i);
  const InputInfo info = WrittenCapture(w, "cap_stop.pcap");
  IngestStats stats;
  StopAfter sink;
  IngestOptions opt;
  opt.kinds = {ObservationKind::kConn};  // only conn: emitted at the end
  Status s = ReadCapture(info, opt, sink, stats);
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(sink.n, 1);
  StopAfter sink2;
  s = ReadCapture(info, IngestOptions{}, sink2, stats);
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(sink2.n, 3);
}

// IngestOptions::conn_starts: every flow is announced once, when it begins, with the identity its
// conn record carries later (uid, Community ID, endpoints, ports, proto, first time stamp and packet),
// before any other record of the flow; the conn record says so (start_announced).
struct Sequence {
  struct Entry {
    bool start;
    Observation obs;
  };
  std::vector<Entry> entries;
  struct Side : ObservationSink {
    Sequence* seq;
    bool start;
    Side(Sequence* s, bool st) : seq(s), start(st) {}
    Status OnObservation(const Observation& o) override {
      seq->entries.push_back({start, o});
      return Status::Ok();
    }
  };
  Side main{this, false}, starts{this, true};
};

void ExpectStartsMatchConns(const Sequence& seq) {
  std::map<std::string, size_t> start_at;  // uid -> position
  size_t conns = 0, starts = 0;
  for (size_t i = 0; i < seq.entries.size(); ++i) {
    const auto& e = seq.entries[i];
    if (e.start) {
      ++starts;
      EXPECT_EQ(e.obs.kind, ObservationKind::kConn);
      EXPECT_EQ(e.obs.orig_pkts + e.obs.resp_pkts, 0u);  // identity only
      EXPECT_TRUE(start_at.emplace(e.obs.uid, i).second) << "flow announced twice: " << e.obs.uid;
      continue;
    }
    if (e.obs.uid.empty()) continue;
    auto it = start_at.find(e.obs.uid);
    ASSERT_NE(it, start_at.end()) << "record of a flow not announced before it: " << e.obs.uid;
    if (e.obs.kind != ObservationKind::kConn) continue;
    ++conns;
    const Observation& s = seq.entries[it->second].obs;
    EXPECT_TRUE(e.obs.start_announced);
    EXPECT_EQ(s.community_id, e.obs.community_id);
    EXPECT_EQ(s.ts, e.obs.ts);
    EXPECT_EQ(s.src.record, e.obs.src.record);
    EXPECT_EQ(s.src.input, e.obs.src.input);
    EXPECT_EQ(s.orig_h, e.obs.orig_h);
    EXPECT_EQ(s.resp_h, e.obs.resp_h);
    EXPECT_EQ(s.orig_p, e.obs.orig_p);
    EXPECT_EQ(s.resp_p, e.obs.resp_p);
    EXPECT_EQ(s.proto, e.obs.proto);
    EXPECT_TRUE(s.has_endpoints);
  }
  EXPECT_EQ(conns, starts);  // every flow ends in a conn record
  EXPECT_GT(conns, 0u);
}

TEST(CaptureConnStarts, EveryFlowAnnouncedOnceBeforeItsRecords) {
  PcapWriter w;
  w.Packet(Eth(Ipv4(kA, kB, 17, Udp(1000, 53, DnsQuery("a.test")))), 10);
  w.Packet(Eth(Ipv4(kA, kB, 17, Udp(7, 8, "a"))), 1000);
  w.Packet(Eth(Ipv4(kB, kA, 17, Udp(8, 7, "bb"))), 1030);
  w.Packet(Eth(Ipv4(kA, kB, 17, Udp(7, 8, "c"))), 1200);  // > 60 s idle: a new flow, a new start
  for (uint16_t i = 0; i < 20; ++i)  // more flows than the table holds: evicted flows end early
    w.Packet(Eth(Ipv4(kA, kB, 17, Udp(static_cast<uint16_t>(3000 + i), 9999, "x"))), 1300 + i);
  const InputInfo info = WrittenCapture(w, "cap_starts.pcap");
  Sequence seq;
  IngestStats stats;
  IngestOptions opt;
  opt.max_flows = 4;
  opt.conn_starts = &seq.starts;
  ASSERT_TRUE(ReadCapture(info, opt, seq.main, stats).ok());
  ExpectStartsMatchConns(seq);

  // Without a starts sink nothing is announced and no conn record claims it was.
  CaptureRun plain = RunOn(w, "cap_starts_plain.pcap");
  for (const auto& c : plain.sink.Of(ObservationKind::kConn)) EXPECT_FALSE(c.start_announced);
}

TEST(CaptureConnStarts, RealCapturesAnnounceEveryFlow) {
  const std::string dir = std::string(ONUS_SHARED_DIR) + "/data/pcaps/";
  int read = 0;
  for (const char* f : {"mixed/nDPI/dns.pcap", "mixed/nDPI/443-firefox.pcap", "malware_c2/nDPI/emotet.pcap",
                        "malware_c2/nDPI/trickbot.pcap"}) {
    if (!FileExists(dir + f)) continue;
    SCOPED_TRACE(f);
    Sequence seq;
    IngestOptions opt;
    opt.conn_starts = &seq.starts;
    IngestRun run;
    ASSERT_TRUE(ReadInputs({dir + f}, opt, seq.main, run).ok());
    ExpectStartsMatchConns(seq);
    ++read;
  }
  if (read == 0) GTEST_SKIP() << "captures not found under " << dir;
}

TEST(CaptureConnStarts, StartSinkErrorStopsReading) {
  PcapWriter w;
  for (uint16_t i = 0; i < 10; ++i) w.Packet(Eth(Ipv4(kA, kB, 17, Udp(static_cast<uint16_t>(1000 + i), 53, "x"))), 1 + i);
  const InputInfo info = WrittenCapture(w, "cap_starts_stop.pcap");
  IngestStats stats;
  StopAfter starts;
  CollectSink sink;
  IngestOptions opt;
  opt.conn_starts = &starts;
  Status s = ReadCapture(info, opt, sink, stats);
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(starts.n, 3);
}

}  // namespace
}  // namespace onus::ingest
