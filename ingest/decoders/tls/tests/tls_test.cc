#include "decoders/tls/tls.h"

#include <gtest/gtest.h>

#include <array>
#include <fstream>
#include <map>
#include <regex>
#include <string>

#include "decoders/pcap/tests/capture_test_util.h"
#include "onus/core/hash.h"

namespace onus::ingest::detail {
namespace {

using capture_testing::Be16;

std::string Ext(uint16_t type, const std::string& body) { return Be16(type) + Be16(static_cast<uint16_t>(body.size())) + body; }

// A ClientHello body (after the handshake header) with GREASE values sprinkled in.
std::string ClientHelloBody() {
  std::string b = Be16(0x0303) + std::string(32, '\x11') + '\0';
  std::string ciphers = Be16(0x0A0A) + Be16(0x1301) + Be16(0xC02F) + Be16(0x002F);
  b += Be16(static_cast<uint16_t>(ciphers.size())) + ciphers;
  b += std::string("\x01\x00", 2);
  std::string name = "example.org";
  std::string sni = Be16(static_cast<uint16_t>(name.size() + 3)) + '\0' + Be16(static_cast<uint16_t>(name.size())) + name;
  std::string groups = Be16(6) + Be16(0x2A2A) + Be16(29) + Be16(23);
  std::string ecpf = std::string("\x01\x00", 2);
  std::string sigs = Be16(4) + Be16(0x0403) + Be16(0x0804);
  std::string alpn = Be16(12) + std::string("\x02h2\x08http/1.1", 12);
  std::string versions = std::string("\x04", 1) + Be16(0x3A3A) + Be16(0x0304);
  std::string exts = Ext(0x1A1A, "") + Ext(0, sni) + Ext(10, groups) + Ext(11, ecpf) + Ext(13, sigs) + Ext(16, alpn) +
                     Ext(43, versions);
  b += Be16(static_cast<uint16_t>(exts.size())) + exts;
  return b;
}

TEST(Tls, GreaseValues) {
  EXPECT_TRUE(IsGrease(0x0A0A));
  EXPECT_TRUE(IsGrease(0xFAFA));
  EXPECT_FALSE(IsGrease(0x0A1A));
  EXPECT_FALSE(IsGrease(0x1301));
}

TEST(Tls, ClientHelloFieldsJa3Ja4) {
  std::string body = ClientHelloBody();
  ClientHello ch;
  ASSERT_TRUE(ParseClientHello(reinterpret_cast<const uint8_t*>(body.data()), body.size(), ch));
  EXPECT_EQ(ch.sni, "example.org");
  EXPECT_EQ(ch.alpn, (std::vector<std::string>{"h2", "http/1.1"}));
  // GREASE excluded everywhere; order kept.
  EXPECT_EQ(Ja3String(ch), "771,4865-49199-47,0-10-11-13-16-43,29-23,0");
  std::string raw;
  std::string ja4 = Ja4(ch, 't', &raw);
  EXPECT_EQ(raw, "t13d0306h2_002f,1301,c02f_000a,000b,000d,002b_0403,0804");
  EXPECT_EQ(ja4, "t13d0306h2_" + Sha256Hex("002f,1301,c02f").substr(0, 12) + "_" +
                     Sha256Hex("000a,000b,000d,002b_0403,0804").substr(0, 12));
}

TEST(Tls, TruncatedAndLyingClientHellosAreRejected) {
  std::string body = ClientHelloBody();
  ClientHello ch;
  for (size_t n = 0; n < body.size(); ++n) {
    // Every prefix either fails or parses a subset; none reads past its end (ASan/valgrind).
    (void)ParseClientHello(reinterpret_cast<const uint8_t*>(body.data()), n, ch);
  }
  std::string lying = body;
  lying[35] = '\x7f';  // cipher suites length far beyond the message
  lying[36] = '\xff';
  EXPECT_FALSE(ParseClientHello(reinterpret_cast<const uint8_t*>(lying.data()), lying.size(), ch));
}

TEST(Tls, ServerHelloJa3s) {
  std::string b = Be16(0x0303) + std::string(32, '\x22') + '\0' + Be16(0x1301) + '\0';
  std::string exts = Ext(43, Be16(0x0304)) + Ext(51, std::string(4, '\0'));
  b += Be16(static_cast<uint16_t>(exts.size())) + exts;
  ServerHello sh;
  ASSERT_TRUE(ParseServerHello(reinterpret_cast<const uint8_t*>(b.data()), b.size(), sh));
  EXPECT_EQ(sh.selected_version, 0x0304);
  EXPECT_EQ(Ja3sString(sh), "771,4865,43-51");
  EXPECT_EQ(TlsVersionName(sh.selected_version), "TLSv13");
}

TEST(Tls, Tls13DraftServerHelloHasNoSessionId) {
  // Draft 16: version 0x7f10, random, cipher, extensions (no session id, no compression).
  std::string b = Be16(0x7F10) + std::string(32, '\x33') + Be16(0x1301);
  std::string exts = Ext(40, std::string(4, '\0'));
  b += Be16(static_cast<uint16_t>(exts.size())) + exts;
  ServerHello sh;
  ASSERT_TRUE(ParseServerHello(reinterpret_cast<const uint8_t*>(b.data()), b.size(), sh));
  EXPECT_EQ(sh.cipher, 0x1301);
  EXPECT_EQ(TlsVersionName(sh.selected_version), "TLSv13-draft16");
  capture_testing::CaptureRun run;
  capture_testing::RunCapture(capture_testing::SharedPcap("mixed/zeek/tls/tls13draft16-ff52.a01.pcap"), run);
  ASSERT_TRUE(run.status.ok());
  EXPECT_EQ(run.stats.malformed, 0u);
  auto tls = run.sink.Of(ObservationKind::kTls);
  ASSERT_FALSE(tls.empty());
  EXPECT_EQ(tls[0].tls_version, "TLSv13-draft16");
}

// nDPI's expected output (*.pcap.out beside the captures) holds JA3C, JA4 and JA3S per flow.
TEST(Tls, FingerprintsAgreeWithNdpi) {
  const std::regex sni_re(R"(\[Hostname/SNI: ([^\]]+)\])"), ja3_re(R"(\[JA3C: ([0-9a-f]{32})\])"),
      ja4_re(R"(\[JA4: ([^\]]+)\])"), ja3s_re(R"(\[JA3S: ([0-9a-f]{32})\])");
  int compared = 0;
  for (const char* rel : {"mixed/nDPI/443-curl.pcap", "malware_c2/nDPI/malware.pcap", "malware_c2/nDPI/emotet.pcap",
                          "mixed/nDPI/443-firefox.pcap"}) {
    SCOPED_TRACE(rel);
    const std::string path = capture_testing::SharedPcap(rel);
    std::ifstream in(path + ".out");
    std::map<std::string, std::array<std::string, 3>> want;  // sni → ja3, ja4, ja3s
    std::string line;
    while (std::getline(in, line)) {
      std::smatch m, a, b, c;
      if (!std::regex_search(line, m, sni_re) || !std::regex_search(line, a, ja3_re)) continue;
      std::regex_search(line, b, ja4_re);
      std::regex_search(line, c, ja3s_re);
      want[m[1]] = {a[1], b.empty() ? "" : b[1].str(), c.empty() ? "" : c[1].str()};
    }
    capture_testing::CaptureRun run;
    capture_testing::RunCapture(path, run);
    ASSERT_TRUE(run.status.ok());
    for (auto& o : run.sink.Of(ObservationKind::kTls)) {
      auto it = want.find(o.server_name);
      if (it == want.end()) continue;
      EXPECT_EQ(o.ja3, it->second[0]) << o.server_name;
      if (!it->second[1].empty()) {
        EXPECT_EQ(o.ja4, it->second[1]) << o.server_name;
      }
      if (!it->second[2].empty()) {
        EXPECT_EQ(o.ja3s, it->second[2]) << o.server_name;
      }
      ++compared;
    }
  }
  EXPECT_GE(compared, 4);
}

}  // namespace
}  // namespace onus::ingest::detail
