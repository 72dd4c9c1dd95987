// ScopeGate: which packets a flow scope lets through to the flow table. Each rule must hold for
// every packet of a flow (either direction, with or without payload), so a flow is decoded whole
// or not at all.
#include "decoders/flow/scope_gate.h"

#include <gtest/gtest.h>

#include <string>

namespace onus::ingest::detail {
namespace {

IpAddress Ip(const char* s) { return IpAddress::Parse(s).value(); }

DecodedPacket Pkt(uint8_t proto, const char* src, uint16_t sport, const char* dst, uint16_t dport,
                  const std::string* payload = nullptr) {
  DecodedPacket p;
  p.proto = proto;
  p.src = Ip(src);
  p.dst = Ip(dst);
  p.sport = sport;
  p.dport = dport;
  if (payload) {
    p.payload = reinterpret_cast<const uint8_t*>(payload->data());
    p.payload_len = p.payload_wire_len = static_cast<uint32_t>(payload->size());
  }
  return p;
}

DecodedPacket Reverse(DecodedPacket p) {
  std::swap(p.src, p.dst);
  std::swap(p.sport, p.dport);
  p.payload = nullptr;
  p.payload_len = p.payload_wire_len = 0;
  return p;
}

TEST(ScopeGate, AWantedEndpointTakesEveryPacketOfItsFlowsEitherWay) {
  FlowScope scope;
  scope.endpoint = [](const IpAddress& a) { return a == Ip("192.0.2.1"); };
  ScopeGate gate(scope);
  const DecodedPacket out = Pkt(kProtoTcp, "10.0.0.5", 40000, "192.0.2.1", 443);
  EXPECT_TRUE(gate.InScope(out));
  EXPECT_TRUE(gate.InScope(Reverse(out)));
  EXPECT_TRUE(gate.InScope(Pkt(kProtoIcmp, "192.0.2.1", 8, "10.0.0.5", 0)));
  EXPECT_FALSE(gate.InScope(Pkt(kProtoTcp, "10.0.0.5", 40000, "192.0.2.2", 443)));
  EXPECT_FALSE(gate.InScope(Pkt(kProtoUdp, "10.0.0.5", 53, "192.0.2.2", 53)));  // DNS was not asked for
}

TEST(ScopeGate, DnsAndIcsFlowsAreChosenByTheFlowTablesPorts) {
  FlowScope scope;
  scope.dns = scope.ics = true;
  ScopeGate gate(scope);
  for (uint16_t port : {53, 5353, 5355}) {
    DecodedPacket q = Pkt(kProtoUdp, "10.0.0.5", 40000, "192.0.2.9", port);
    EXPECT_TRUE(gate.InScope(q)) << port;
    EXPECT_TRUE(gate.InScope(Reverse(q))) << port;
  }
  EXPECT_TRUE(gate.InScope(Pkt(kProtoTcp, "10.0.0.5", 40000, "192.0.2.9", 53)));
  EXPECT_FALSE(gate.InScope(Pkt(kProtoTcp, "10.0.0.5", 40000, "192.0.2.9", 5353)));  // mDNS is UDP only
  for (uint16_t port : {502, 20000, 2404}) EXPECT_TRUE(gate.InScope(Pkt(kProtoTcp, "10.0.0.5", 40000, "10.1.0.9", port)));
  EXPECT_TRUE(gate.InScope(Pkt(kProtoUdp, "10.1.0.9", 20000, "10.0.0.5", 40000)));
  EXPECT_FALSE(gate.InScope(Pkt(kProtoUdp, "10.0.0.5", 40000, "10.1.0.9", 502)));  // Modbus is TCP only
  EXPECT_FALSE(gate.InScope(Pkt(kProtoTcp, "10.0.0.5", 40000, "10.1.0.9", 8080)));
  EXPECT_FALSE(gate.InScope(Pkt(kProtoIcmp, "10.0.0.5", 8, "10.1.0.9", 0)));
}

TEST(ScopeGate, APayloadPassMarksTheConnectionsThatOpenLikeHttp) {
  FlowScope scope;
  scope.http = true;
  ScopeGate gate(scope);
  ASSERT_TRUE(gate.wants_payload_pass());
  const std::string get = "GET /a HTTP/1.1\r\nHost: 192.0.2.7\r\n\r\n";
  const std::string hello = std::string("\x16\x03\x01\x00\x05", 5) + "hello";
  const std::string other = "SSH-2.0-OpenSSH_9.2\r\n";
  const DecodedPacket req = Pkt(kProtoTcp, "10.0.0.5", 40001, "192.0.2.7", 8080, &get);
  const DecodedPacket tls = Pkt(kProtoTcp, "10.0.0.5", 40002, "192.0.2.7", 443, &hello);
  const DecodedPacket ssh = Pkt(kProtoTcp, "10.0.0.5", 40003, "192.0.2.7", 22, &other);
  for (const auto* p : {&req, &tls, &ssh}) gate.Note(*p);
  EXPECT_EQ(gate.marked(), 1u);
  // Every packet of the HTTP connection, either way, payload or not (the SYN came before the GET).
  EXPECT_TRUE(gate.InScope(req));
  EXPECT_TRUE(gate.InScope(Reverse(req)));
  DecodedPacket syn = req;
  syn.payload = nullptr;
  syn.payload_len = 0;
  EXPECT_TRUE(gate.InScope(syn));
  EXPECT_FALSE(gate.InScope(tls));  // TLS was not asked for
  EXPECT_FALSE(gate.InScope(ssh));
  EXPECT_FALSE(gate.InScope(Pkt(kProtoTcp, "10.0.0.5", 40004, "192.0.2.7", 8080)));  // another connection
  EXPECT_FALSE(gate.InScope(Pkt(kProtoUdp, "10.0.0.5", 40001, "192.0.2.7", 8080)));  // not TCP
}

TEST(ScopeGate, AScopeAskingForTlsKeepsEveryTcpFlowWithoutAPass) {
  FlowScope scope;
  scope.http = scope.tls = true;
  ScopeGate gate(scope);
  EXPECT_FALSE(gate.wants_payload_pass());
  const std::string other = "SSH-2.0-OpenSSH_9.2\r\n";
  const DecodedPacket ssh = Pkt(kProtoTcp, "10.0.0.5", 40003, "192.0.2.7", 22, &other);
  gate.Note(ssh);
  EXPECT_EQ(gate.marked(), 0u);
  EXPECT_TRUE(gate.InScope(ssh));
  EXPECT_TRUE(gate.InScope(Reverse(ssh)));
  EXPECT_FALSE(gate.InScope(Pkt(kProtoUdp, "10.0.0.5", 40001, "192.0.2.7", 443)));
}

TEST(ScopeGate, OnlyTlsOrOverflowKeepsEveryTcpFlow) {
  FlowScope tls, http, none;
  tls.tls = true;
  http.http = true;
  EXPECT_TRUE(ScopeGate(tls).keeps_every_tcp_flow());
  EXPECT_FALSE(ScopeGate(http).keeps_every_tcp_flow());
  ScopeGate empty(none);
  EXPECT_FALSE(empty.keeps_every_tcp_flow());
  EXPECT_FALSE(empty.wants_payload_pass());
  EXPECT_FALSE(empty.InScope(Pkt(kProtoTcp, "10.0.0.5", 40000, "192.0.2.7", 22)));
}

TEST(ScopeGate, ManyMarksAreAllKeptAndNothingElseIsMarked) {
  FlowScope scope;
  scope.http = true;
  ScopeGate gate(scope);
  const std::string get = "POST /x HTTP/1.1\r\n\r\n";
  auto conn = [&](int i, bool with_payload) {
    std::string src = "10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1);
    return Pkt(kProtoTcp, src.c_str(), static_cast<uint16_t>(1024 + i % 50000), "192.0.2.80", 80,
               with_payload ? &get : nullptr);
  };
  for (int i = 0; i < 20000; i += 2) gate.Note(conn(i, true));
  EXPECT_EQ(gate.marked(), 10000u);
  int wrong = 0;
  for (int i = 0; i < 20000; ++i) wrong += gate.InScope(Reverse(conn(i, false))) != (i % 2 == 0);
  EXPECT_EQ(wrong, 0);
}

TEST(ScopeGate, MoreMarksThanItsBoundKeepEveryTcpFlow) {
  FlowScope scope;
  scope.http = true;
  ScopeGate gate(scope, 100);
  const std::string get = "GET / HTTP/1.0\r\n\r\n";
  for (int i = 0; i < 100; ++i) gate.Note(Pkt(kProtoTcp, "10.0.0.5", static_cast<uint16_t>(2000 + i), "192.0.2.80", 80, &get));
  EXPECT_EQ(gate.marked(), 100u);
  EXPECT_FALSE(gate.overflowed());
  EXPECT_FALSE(gate.InScope(Pkt(kProtoTcp, "10.0.0.5", 40000, "192.0.2.7", 22)));
  gate.Note(Pkt(kProtoTcp, "10.0.0.5", 2000, "192.0.2.80", 80, &get));  // a second request: no new mark
  EXPECT_FALSE(gate.overflowed());
  gate.Note(Pkt(kProtoTcp, "10.0.0.5", 3000, "192.0.2.80", 80, &get));  // the 101st connection
  EXPECT_TRUE(gate.overflowed());
  EXPECT_TRUE(gate.keeps_every_tcp_flow());
  EXPECT_EQ(gate.marked(), 0u);  // the table is freed
  EXPECT_TRUE(gate.InScope(Pkt(kProtoTcp, "10.0.0.5", 40000, "192.0.2.7", 22)));
  EXPECT_TRUE(gate.InScope(Pkt(kProtoTcp, "10.0.0.5", 2000, "192.0.2.80", 80)));
  EXPECT_FALSE(gate.InScope(Pkt(kProtoUdp, "10.0.0.5", 40000, "192.0.2.7", 22)));
}

}  // namespace
}  // namespace onus::ingest::detail
