// Differential tests on the real captures in shared/data/pcaps: what ReadCapture extracts must
// agree with tshark (DNS query names, TLS SNI, certificate SHA-1s, HTTP hosts, conversation
// counts) and with Zeek's own baselines (conn.log endpoints, bytes, packets, state, history).
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "decoders/pcap/tests/capture_test_util.h"
#include "onus/core/hash.h"

namespace onus::ingest {
namespace {

using capture_testing::CaptureRun;
using capture_testing::RunCapture;
using capture_testing::SharedPcap;

bool HaveTshark() { return std::system("tshark -v >/dev/null 2>&1") == 0; }

// Runs tshark and returns one string per output line (empty lines dropped).
std::vector<std::string> Tshark(const std::string& file, const std::string& filter, const std::string& field) {
  std::string cmd = "tshark -n -o tcp.reassemble_out_of_order:TRUE -r '" + file + "' -Y '" + filter + "' -T fields -E occurrence=a -E aggregator=, -e " +
                    field + " 2>/dev/null";
  std::vector<std::string> out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  std::string cur;
  char buf[65536];
  while (std::fgets(buf, sizeof(buf), p)) {
    cur += buf;
    if (!cur.empty() && cur.back() == '\n') {
      cur.pop_back();
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(cur);
  pclose(p);
  return out;
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> v;
  std::stringstream ss(s);
  std::string x;
  while (std::getline(ss, x, sep))
    if (!x.empty()) v.push_back(x);
  return v;
}

std::string Unhex(const std::string& h) {
  std::string out;
  for (size_t i = 0; i + 1 < h.size(); i += 2) {
    if (h[i] == ':') {
      --i;
      continue;
    }
    out.push_back(static_cast<char>(std::stoi(h.substr(i, 2), nullptr, 16)));
  }
  return out;
}

class TsharkDiff : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HaveTshark()) GTEST_SKIP() << "tshark not installed";
  }
};

TEST_F(TsharkDiff, DnsQueryNames) {
  // Question names of every DNS message on port 53 (some captures hold responses whose queries
  // were not captured: those are records too).
  for (const char* rel : {"mixed/zeek/wikipedia.pcap", "malware_c2/nDPI/dns_exfiltration.pcap",
                          "mixed/zeek/dns-edns-ecs.pcap", "malware_c2/slips/test-cc-capture-2.pcap"}) {
    SCOPED_TRACE(rel);
    const std::string path = SharedPcap(rel);
    std::set<std::string> ref;
    for (auto& line : Tshark(path, "dns && (udp.port == 53 || tcp.port == 53)", "dns.qry.name"))
      for (auto& n : Split(line, ',')) ref.insert(n);
    CaptureRun run;
    RunCapture(path, run);
    ASSERT_TRUE(run.status.ok()) << run.status.ToString();
    std::set<std::string> ours;
    for (auto& o : run.sink.Of(ObservationKind::kDns))
      if ((o.orig_p == 53 || o.resp_p == 53) && !o.query.empty()) ours.insert(o.query);
    EXPECT_FALSE(ref.empty());
    EXPECT_EQ(ours, ref);
  }
}

TEST_F(TsharkDiff, TlsServerNamesAndCertificates) {
  for (const char* rel : {"mixed/nDPI/443-curl.pcap", "mixed/zeek/tls/tls-conn-with-extensions.pcap",
                          "malware_c2/nDPI/malware.pcap", "malware_c2/nDPI/emotet.pcap",
                          "mixed/zeek/tls/tls-expired-cert.pcap"}) {
    SCOPED_TRACE(rel);
    const std::string path = SharedPcap(rel);
    std::set<std::string> ref_sni, ref_certs;
    for (auto& line : Tshark(path, "tls.handshake.type == 1", "tls.handshake.extensions_server_name"))
      for (auto& n : Split(line, ',')) ref_sni.insert(n);
    for (auto& line : Tshark(path, "tls.handshake.type == 11", "tls.handshake.certificate"))
      for (auto& c : Split(line, ',')) ref_certs.insert(Sha1Hex(Unhex(c)));
    CaptureRun run;
    RunCapture(path, run);
    ASSERT_TRUE(run.status.ok()) << run.status.ToString();
    std::set<std::string> sni, certs;
    for (auto& o : run.sink.Of(ObservationKind::kTls))
      if (!o.server_name.empty()) sni.insert(o.server_name);
    for (auto& o : run.sink.Of(ObservationKind::kX509)) certs.insert(o.sha1);
    EXPECT_EQ(sni, ref_sni);
    EXPECT_EQ(certs, ref_certs);
    EXPECT_FALSE(ref_sni.empty() && ref_certs.empty());
  }
}

TEST_F(TsharkDiff, HttpHosts) {
  for (const char* rel : {"mixed/zeek/wikipedia.pcap", "mixed/zeek/http/bro.org.pcap", "mixed/zeek/http/get.pcap",
                          "malware_c2/nDPI/trickbot.pcap"}) {
    SCOPED_TRACE(rel);
    const std::string path = SharedPcap(rel);
    std::multiset<std::string> ref;
    for (auto& line : Tshark(path, "http.request", "http.host")) ref.insert(line);
    CaptureRun run;
    RunCapture(path, run);
    ASSERT_TRUE(run.status.ok()) << run.status.ToString();
    std::multiset<std::string> ours;
    for (auto& o : run.sink.Of(ObservationKind::kHttp))
      if (!o.method.empty()) ours.insert(o.host);
    EXPECT_FALSE(ref.empty());
    EXPECT_EQ(ours, ref);
  }
}

// tshark conversations are distinct address/port pairs; ours are the distinct tuples of the conn
// records (a tuple reused after a close is one tshark conversation and several conns).
TEST_F(TsharkDiff, ConversationCounts) {
  for (const char* rel : {"mixed/zeek/wikipedia.pcap", "ics/zeek/modbus/modbus-and-non-modbus-p502.pcap",
                          "malware_c2/slips/test7-malicious.pcap", "mixed/nDPI/443-curl.pcap"}) {
    SCOPED_TRACE(rel);
    const std::string path = SharedPcap(rel);
    CaptureRun run;
    RunCapture(path, run);
    ASSERT_TRUE(run.status.ok()) << run.status.ToString();
    for (const char* proto : {"tcp", "udp"}) {
      std::string cmd = std::string("tshark -n -r '") + path + "' -q -z conv," + proto + " 2>/dev/null | grep -c '<->'";
      FILE* p = popen(cmd.c_str(), "r");
      ASSERT_NE(p, nullptr);
      int ref = 0;
      ASSERT_EQ(std::fscanf(p, "%d", &ref), 1);
      pclose(p);
      std::set<std::string> tuples;
      for (auto& o : run.sink.Of(ObservationKind::kConn)) {
        if (o.proto != proto) continue;
        std::string a = o.orig_h.ToString() + ":" + std::to_string(o.orig_p);
        std::string b = o.resp_h.ToString() + ":" + std::to_string(o.resp_p);
        tuples.insert(a < b ? a + "-" + b : b + "-" + a);
      }
      EXPECT_EQ(static_cast<int>(tuples.size()), ref) << proto;
    }
  }
}

// --- Zeek baselines ---------------------------------------------------------------------------

struct ZeekConn {
  std::map<std::string, std::string> f;
};

std::vector<ZeekConn> ReadZeekConn(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> fields;
  std::vector<ZeekConn> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("#fields\t", 0) == 0) {
      fields.clear();
      std::stringstream ss(line.substr(8));
      std::string x;
      while (std::getline(ss, x, '\t')) fields.push_back(x);
      continue;
    }
    if (line.empty() || line[0] == '#') continue;
    std::stringstream ss(line);
    std::string x;
    ZeekConn c;
    for (size_t i = 0; std::getline(ss, x, '\t') && i < fields.size(); ++i) c.f[fields[i]] = x;
    out.push_back(c);
  }
  return out;
}

void CompareWithZeek(const std::string& pcap, const std::string& baseline, size_t expect_rows) {
  auto zeek = ReadZeekConn(baseline);
  ASSERT_EQ(zeek.size(), expect_rows);
  CaptureRun run;
  RunCapture(pcap, run);
  ASSERT_TRUE(run.status.ok()) << run.status.ToString();
  auto conns = run.sink.Of(ObservationKind::kConn);
  EXPECT_EQ(conns.size(), zeek.size());
  std::vector<bool> used(conns.size(), false);
  for (auto& z : zeek) {
    SCOPED_TRACE(z.f["id.orig_h"] + ":" + z.f["id.orig_p"] + " > " + z.f["id.resp_h"] + ":" + z.f["id.resp_p"] + " " +
                 z.f["history"]);
    const Observation* m = nullptr;
    for (size_t i = 0; i < conns.size(); ++i) {
      auto& o = conns[i];
      if (used[i] || o.orig_h.ToString() != z.f["id.orig_h"] || std::to_string(o.orig_p) != z.f["id.orig_p"] ||
          o.resp_h.ToString() != z.f["id.resp_h"] || std::to_string(o.resp_p) != z.f["id.resp_p"] ||
          o.proto != z.f["proto"] || o.history != z.f["history"])
        continue;
      used[i] = true;
      m = &o;
      break;
    }
    ASSERT_NE(m, nullptr) << "no matching conn record";
    EXPECT_EQ(m->conn_state, z.f["conn_state"]);
    EXPECT_EQ(std::to_string(m->orig_pkts), z.f["orig_pkts"]);
    EXPECT_EQ(std::to_string(m->resp_pkts), z.f["resp_pkts"]);
    EXPECT_EQ(std::to_string(m->orig_ip_bytes), z.f["orig_ip_bytes"]);
    EXPECT_EQ(std::to_string(m->resp_ip_bytes), z.f["resp_ip_bytes"]);
    if (z.f["duration"] == "-") {
      // Zeek leaves duration and byte counts unset for zero-duration connections.
      EXPECT_EQ(m->duration, 0.0);
    } else {
      EXPECT_NEAR(m->duration, std::stod(z.f["duration"]), 1e-6);
      EXPECT_EQ(std::to_string(m->orig_bytes), z.f["orig_bytes"]);
      EXPECT_EQ(std::to_string(m->resp_bytes), z.f["resp_bytes"]);
    }
  }
}

const std::string kBaselines = std::string(ONUS_SHARED_DIR) + "/data/logs/zeek/baselines/";

TEST(ZeekBaseline, WikipediaConnLog) {
  CompareWithZeek(SharedPcap("mixed/zeek/wikipedia.pcap"),
                  kBaselines + "scripts.base.frameworks.logging.field-extension/conn.log", 34);
}

TEST(ZeekBaseline, ModbusAndNonModbusOnPort502ConnLog) {
  CompareWithZeek(SharedPcap("ics/zeek/modbus/modbus-and-non-modbus-p502.pcap"),
                  kBaselines + "scripts.base.protocols.modbus.modbus_and_non_modbus_on_port_502/conn.log", 8);
}

TEST(ZeekBaseline, CommunityId) {
  CaptureRun run;
  RunCapture(SharedPcap("mixed/zeek/http/get.pcap"), run);
  ASSERT_TRUE(run.status.ok());
  auto conns = run.sink.Of(ObservationKind::kConn);
  ASSERT_EQ(conns.size(), 1u);
  EXPECT_EQ(conns[0].orig_h.ToString(), "141.142.228.5");
  EXPECT_EQ(conns[0].orig_p, 59856);
  EXPECT_EQ(conns[0].community_id, "1:yvyB8h+3dnggTZW0UEITWCst97w=");
  // Every record of the flow shares its uid and community id.
  for (auto& o : run.sink.Of(ObservationKind::kHttp)) {
    EXPECT_EQ(o.uid, conns[0].uid);
    EXPECT_EQ(o.community_id, conns[0].community_id);
  }
}

TEST(ZeekBaseline, TlsBasicSslAndX509) {
  CaptureRun run;
  RunCapture(SharedPcap("mixed/zeek/tls/tls-conn-with-extensions.pcap"), run);
  ASSERT_TRUE(run.status.ok());
  auto tls = run.sink.Of(ObservationKind::kTls);
  ASSERT_EQ(tls.size(), 1u);
  EXPECT_EQ(tls[0].server_name, "ssl.gstatic.com");
  EXPECT_EQ(tls[0].tls_version, "TLSv10");
  auto certs = run.sink.Of(ObservationKind::kX509);
  ASSERT_EQ(certs.size(), 2u);
  // Zeek's x509.log fingerprints are SHA-256; subject, issuer, serial and validity as Zeek.
  EXPECT_EQ(certs[0].sha256, "a580247a25324adf4add5af648de4ac5798030dfd622f26a5f2280d7528ae244");
  EXPECT_EQ(certs[1].sha256, "250da2691be97c9a33ceef7e311c14fb01846e058a99cea9bd1125bd25a0cad5");
  EXPECT_EQ(certs[0].serial, "36F5DA5300000000505E");
  EXPECT_EQ(certs[0].subject, "CN=*.gstatic.com,O=Google Inc,L=Mountain View,ST=California,C=US");
  EXPECT_EQ(certs[0].issuer, "CN=Google Internet Authority,O=Google Inc,C=US");
  EXPECT_EQ(certs[0].not_before.seconds(), 1334102677);
  EXPECT_EQ(certs[0].not_after.seconds(), 1365639277);
  EXPECT_EQ(certs[0].san_dns, (std::vector<std::string>{"*.gstatic.com", "gstatic.com", "*.metric.gstatic.com"}));
  EXPECT_EQ(tls[0].cert_sha1, certs[0].sha1);
  EXPECT_EQ(tls[0].uid, certs[0].uid);
}

}  // namespace
}  // namespace onus::ingest
