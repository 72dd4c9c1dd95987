#include "decoders/dns/dns.h"

#include <gtest/gtest.h>

#include <string>

#include "decoders/pcap/tests/capture_test_util.h"

namespace onus::ingest::detail {
namespace {

using capture_testing::Be16;
using capture_testing::Be32;

const uint8_t* U(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

std::string Header(uint16_t flags, uint16_t qd, uint16_t an) { return Be16(0xBEEF) + Be16(flags) + Be16(qd) + Be16(an) + Be16(0) + Be16(0); }
const std::string kQName = std::string("\x03www\x07""example\x03org\x00", 17);

TEST(Dns, ResponseWithCompressedAnswers) {
  std::string m = Header(0x8180, 1, 4) + kQName + Be16(1) + Be16(1);
  // CNAME → pointer to the question name (offset 12), A, AAAA, TXT.
  std::string cname_target = std::string("\x03""cdn", 4) + std::string("\xc0\x10", 2);  // cdn.example.org
  m += std::string("\xc0\x0c", 2) + Be16(5) + Be16(1) + Be32(300) + Be16(static_cast<uint16_t>(cname_target.size())) + cname_target;
  m += std::string("\xc0\x0c", 2) + Be16(1) + Be16(1) + Be32(60) + Be16(4) + std::string("\x01\x02\x03\x04", 4);
  m += std::string("\xc0\x0c", 2) + Be16(28) + Be16(1) + Be32(61) + Be16(16) + std::string("\x20\x01\x0d\xb8", 4) + std::string(11, '\0') + '\x01';
  m += std::string("\xc0\x0c", 2) + Be16(16) + Be16(1) + Be32(62) + Be16(12) + std::string("\x05hello\x05world", 12);
  DnsMessage msg;
  const char* err = nullptr;
  ASSERT_TRUE(ParseDnsMessage(U(m), m.size(), msg, &err)) << err;
  EXPECT_TRUE(msg.is_response);
  EXPECT_EQ(msg.qname, "www.example.org");
  ASSERT_EQ(msg.answers.size(), 4u);
  EXPECT_EQ(msg.answers[0].type, "CNAME");
  EXPECT_EQ(msg.answers[0].value, "cdn.example.org");
  EXPECT_EQ(msg.answers[0].ttl, 300u);
  EXPECT_EQ(msg.answers[1].value, "1.2.3.4");
  EXPECT_EQ(msg.answers[2].type, "AAAA");
  EXPECT_EQ(msg.answers[2].value, "2001:db8::1");
  EXPECT_EQ(msg.answers[3].value, "hello world");
  EXPECT_EQ(DnsRcodeText(3), "NXDOMAIN");
  EXPECT_EQ(DnsTypeText(65), "HTTPS");
  EXPECT_EQ(DnsTypeText(4242), "4242");
}

TEST(Dns, CompressionLoopsAndForwardPointersAreRejected) {
  // The question name is a pointer to itself.
  std::string self = Header(0x0100, 1, 0) + std::string("\xc0\x0c", 2) + Be16(1) + Be16(1);
  DnsMessage msg;
  const char* err = nullptr;
  EXPECT_FALSE(ParseDnsMessage(U(self), self.size(), msg, &err));
  EXPECT_STREQ(err, "dns_bad_query_name");
  // A pointer forwards into the message.
  std::string fwd = Header(0x0100, 1, 0) + std::string("\xc0\x20", 2) + Be16(1) + Be16(1) + std::string(20, 'a');
  EXPECT_FALSE(ParseDnsMessage(U(fwd), fwd.size(), msg, &err));
  // Two pointers pointing at each other through an answer.
  std::string loop = Header(0x8180, 1, 1) + kQName + Be16(1) + Be16(1) + std::string("\xc0\x23", 2) + Be16(5) + Be16(1) +
                     Be32(1) + Be16(2) + std::string("\xc0\x21", 2);
  ASSERT_TRUE(ParseDnsMessage(U(loop), loop.size(), msg, &err));  // header and question are fine
  EXPECT_TRUE(msg.answers.empty());                               // the looping answer is dropped
}

TEST(Dns, OverlongNamesAndTruncationsFail) {
  std::string name;
  for (int i = 0; i < 5; ++i) name += std::string(1, '\x3f') + std::string(63, 'a');
  std::string m = Header(0x0100, 1, 0) + name + '\0' + Be16(1) + Be16(1);
  DnsMessage msg;
  const char* err = nullptr;
  EXPECT_FALSE(ParseDnsMessage(U(m), m.size(), msg, &err));  // > 255 bytes
  std::string ok = Header(0x0100, 1, 0) + kQName + Be16(1) + Be16(1);
  for (size_t n = 0; n < ok.size(); ++n) EXPECT_FALSE(ParseDnsMessage(U(ok), n, msg, &err)) << n;
  EXPECT_TRUE(ParseDnsMessage(U(ok), ok.size(), msg, &err));
}

TEST(Dns, NonPrintableLabelBytesAreEscaped) {
  std::string m = Header(0x0100, 1, 0) + std::string("\x03""a\x01.\x02""b\\\x00", 9) + Be16(16) + Be16(1);
  DnsMessage msg;
  ASSERT_TRUE(ParseDnsMessage(U(m), m.size(), msg, nullptr));
  EXPECT_EQ(msg.qname, "a\\x01\\x2e.b\\x5c");
}

TEST(Dns, QueryAndResponsePairedOverTcp) {
  std::string q = Header(0x0100, 1, 0) + kQName + Be16(1) + Be16(1);
  std::string r = Header(0x8183, 1, 0) + kQName + Be16(1) + Be16(1);
  std::string qs = Be16(static_cast<uint16_t>(q.size())) + q, rs = Be16(static_cast<uint16_t>(r.size())) + r;
  using namespace capture_testing;  // NOLINT
  PcapWriter w;
  const uint32_t a = 0xC0A80001, b = 0xC0A80002;
  w.Packet(Eth(Ipv4(a, b, 6, Tcp(4000, 53, 1, 0, 0x02))), 1);
  w.Packet(Eth(Ipv4(b, a, 6, Tcp(53, 4000, 100, 2, 0x12))), 1, 1);
  w.Packet(Eth(Ipv4(a, b, 6, Tcp(4000, 53, 2, 101, 0x18, qs.substr(0, 5)))), 1, 2);  // length prefix split
  w.Packet(Eth(Ipv4(a, b, 6, Tcp(4000, 53, 7, 101, 0x18, qs.substr(5)))), 1, 3);
  w.Packet(Eth(Ipv4(b, a, 6, Tcp(53, 4000, 101, 2 + static_cast<uint32_t>(qs.size()), 0x18, rs))), 1, 4);
  const std::string path = TempPath("dns_tcp.pcap");
  ASSERT_TRUE(w.Write(path));
  CaptureRun run;
  RunCapture(path, run);
  auto dns = run.sink.Of(ObservationKind::kDns);
  ASSERT_EQ(dns.size(), 1u);
  EXPECT_EQ(dns[0].query, "www.example.org");
  EXPECT_EQ(dns[0].rcode_name, "NXDOMAIN");
  EXPECT_TRUE(dns[0].has_rcode);
  EXPECT_EQ(dns[0].src.record, 4u);  // the packet that completed the query
  EXPECT_EQ(dns[0].proto, "tcp");
}

}  // namespace
}  // namespace onus::ingest::detail
