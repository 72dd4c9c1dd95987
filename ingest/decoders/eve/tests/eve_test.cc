// Suricata EVE: every event type we map, DNS v1/v2/v3, orientation, community id, bad lines.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "decoders/eve/eve.h"
#include "onus/core/community_id.h"
#include "tests/ingest_test_util.h"

namespace onus::ingest {
namespace {

using testing::DataPath;
using testing::Ingest;

TEST(Eve, TimeFormats) {
  Timestamp t;
  ASSERT_TRUE(detail::ParseEveTime("2021-06-06T15:59:46.457984+0200", t));
  EXPECT_EQ(FormatRfc3339(t), "2021-06-06T13:59:46.457984Z");
  ASSERT_TRUE(detail::ParseEveTime("2020-03-19T09:44:08", t));  // no zone: UTC
  EXPECT_EQ(FormatRfc3339(t, 0), "2020-03-19T09:44:08Z");
  ASSERT_TRUE(detail::ParseEveTime("2024-02-01T08:00:00.5Z", t));
  ASSERT_TRUE(detail::ParseEveTime("2024-02-01T08:00:00-05:00", t));
  EXPECT_EQ(FormatRfc3339(t, 0), "2024-02-01T13:00:00Z");
  EXPECT_FALSE(detail::ParseEveTime("yesterday", t));
  EXPECT_FALSE(detail::ParseEveTime("", t));
  EXPECT_FALSE(detail::ParseEveTime(std::string(100, '9'), t));
}

TEST(Eve, SampleEveryEventType) {
  auto r = Ingest({DataPath("eve.json")});
  ASSERT_TRUE(r->status.ok()) << r->status.ToString();
  EXPECT_EQ(r->run.inputs[0].format, InputFormat::kSuricataEve);
  const auto& all = r->sink.all;
  // alert
  auto alerts = r->sink.OfKind(ObservationKind::kAlert);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0]->signature, "ET CINS Active Threat Intelligence Poor Reputation IP group 89");
  EXPECT_EQ(alerts[0]->signature_id, 2403388u);
  EXPECT_EQ(alerts[0]->severity, 2);
  EXPECT_EQ(alerts[0]->action, "allowed");
  EXPECT_EQ(alerts[0]->uid, "1374195536821504");
  EXPECT_EQ(alerts[0]->proto, "tcp");
  EXPECT_EQ(alerts[0]->community_id,
            CommunityIdV1(*IpAddress::Parse("78.36.196.213"), *IpAddress::Parse("192.168.1.129"), 6, 51698, 445));
  EXPECT_EQ(FormatRfc3339(alerts[0]->ts), "2021-06-06T13:59:46.457984Z");
  // flow: start time, IP-level bytes, duration
  auto flows = r->sink.OfKind(ObservationKind::kConn);
  ASSERT_EQ(flows.size(), 1u);
  EXPECT_EQ(flows[0]->orig_pkts, 12u);
  EXPECT_EQ(flows[0]->orig_ip_bytes, 4056u);
  EXPECT_EQ(flows[0]->orig_bytes, 0u);
  EXPECT_EQ(FormatRfc3339(flows[0]->ts), "2021-06-06T14:38:55.855844Z");
  EXPECT_NEAR(flows[0]->duration, 1.107183, 1e-9);
  EXPECT_EQ(flows[0]->service, "");  // "failed" is not a service
  // dns: v1 query, v1 answer (swapped to client→server), v2 grouped answers, v3 response
  auto dns = r->sink.OfKind(ObservationKind::kDns);
  ASSERT_EQ(dns.size(), 4u);
  EXPECT_EQ(dns[0]->query, "www.google.com");
  EXPECT_EQ(dns[0]->qtype, 1);
  EXPECT_TRUE(dns[0]->answers.empty());
  EXPECT_EQ(dns[1]->orig_h.ToString(), "192.168.1.129");
  EXPECT_EQ(dns[1]->resp_p, 53);
  ASSERT_EQ(dns[1]->answers.size(), 1u);
  EXPECT_EQ(dns[1]->answers[0].value, "142.250.180.4");
  EXPECT_EQ(dns[1]->answers[0].ttl, 299u);
  EXPECT_EQ(dns[1]->rcode_name, "NOERROR");
  EXPECT_EQ(dns[0]->community_id, dns[1]->community_id);
  ASSERT_EQ(dns[2]->answers.size(), 2u);
  EXPECT_EQ(dns[2]->answers[0].type, "CNAME");
  EXPECT_EQ(dns[2]->answers[1].value, "198.51.100.7");
  EXPECT_EQ(dns[2]->answers[1].ttl, 30u);
  EXPECT_EQ(dns[3]->query, "missing.example");
  EXPECT_EQ(dns[3]->qtype_name, "AAAA");
  EXPECT_EQ(dns[3]->rcode, 3);
  EXPECT_EQ(dns[3]->community_id, "1:fake");  // logged value wins
  EXPECT_EQ(dns[3]->orig_h.ToString(), "10.0.0.5");
  // tls: sha1 fingerprint normalised, ja3/ja3s/ja4, version in Zeek's spelling; x509 twin record
  auto tls = r->sink.OfKind(ObservationKind::kTls);
  ASSERT_EQ(tls.size(), 2u);
  EXPECT_EQ(tls[0]->server_name, "www.myedimax.com");
  EXPECT_EQ(tls[0]->cert_sha1, "2dd19f809986fcac5f2a2afda3f37e967cdd2437");
  EXPECT_EQ(tls[0]->tls_version, "TLSv11");
  EXPECT_EQ(tls[0]->ja3, "b7202231ff2db28363c109cedc6d1642");
  EXPECT_EQ(tls[0]->ja3s_string, "770,51,0");
  EXPECT_EQ(FormatRfc3339(tls[0]->not_after, 0), "2022-03-20T09:44:08Z");
  EXPECT_EQ(tls[1]->ja4, "t13d1516h2_8daaf6152771_e5627efa2ab1");
  EXPECT_EQ(tls[1]->tls_version, "TLSv13");
  ASSERT_EQ(tls[1]->alpn.size(), 2u);
  auto x509 = r->sink.OfKind(ObservationKind::kX509);
  ASSERT_EQ(x509.size(), 1u);
  EXPECT_EQ(x509[0]->sha1, tls[0]->cert_sha1);
  EXPECT_EQ(x509[0]->serial, "17:8E:1E:D7:BD:75:EF:CD:3D:8F:FF:D3");
  // http, fileinfo, anomaly, other
  auto http = r->sink.OfKind(ObservationKind::kHttp);
  ASSERT_EQ(http.size(), 1u);
  EXPECT_EQ(http[0]->host, "147.32.82.197");
  EXPECT_EQ(http[0]->method, "GET");
  EXPECT_EQ(http[0]->uri, "/");
  auto files = r->sink.OfKind(ObservationKind::kFile);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0]->file_size, 47u);
  auto anomalies = r->sink.OfKind(ObservationKind::kAnomaly);
  ASSERT_EQ(anomalies.size(), 2u);  // Suricata's own anomaly + our broken last line
  EXPECT_EQ(anomalies[0]->anomaly, "APPLAYER_DETECT_PROTOCOL_ONLY_ONE_DIRECTION");
  EXPECT_EQ(anomalies[1]->anomaly, "broken_log_line");
  EXPECT_EQ(anomalies[1]->src.record, 13u);
  auto other = r->sink.OfKind(ObservationKind::kOther);
  ASSERT_EQ(other.size(), 1u);
  EXPECT_EQ(other[0]->log_type, "stats");
  EXPECT_FALSE(other[0]->has_endpoints);
  EXPECT_EQ(r->run.stats.malformed, 1u);
  EXPECT_EQ(all.size(), 14u);
}

TEST(Eve, RealSuricataFileCounts) {
  std::string p = testing::SharedPath("data/logs/suricata/slips/test6-malicious.suricata.json");
  if (!std::filesystem::exists(p)) GTEST_SKIP();
  auto r = Ingest({p});
  ASSERT_TRUE(r->status.ok());
  // Event counts by type (from the file itself: flow 3512, alert 745, dns 680, http 56, fileinfo 3,
  // anomaly 3, tls 1 + its certificate).
  EXPECT_EQ(r->sink.OfKind(ObservationKind::kConn).size(), 3512u);
  EXPECT_EQ(r->sink.OfKind(ObservationKind::kAlert).size(), 745u);
  EXPECT_EQ(r->sink.OfKind(ObservationKind::kDns).size(), 680u);
  EXPECT_EQ(r->sink.OfKind(ObservationKind::kHttp).size(), 56u);
  EXPECT_EQ(r->sink.OfKind(ObservationKind::kFile).size(), 3u);
  EXPECT_EQ(r->sink.OfKind(ObservationKind::kAnomaly).size(), 3u);
  EXPECT_EQ(r->sink.OfKind(ObservationKind::kTls).size(), 1u);
  EXPECT_EQ(r->sink.OfKind(ObservationKind::kX509).size(), 1u);
  EXPECT_EQ(r->run.stats.malformed, 0u);
  for (const auto& o : r->sink.all) EXPECT_FALSE(o.community_id.empty());
}

TEST(Eve, HostileLines) {
  auto dir = std::filesystem::temp_directory_path() / ("onus_eve_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string p = (dir / "eve.json").string();
  std::ofstream(p) << "{\"timestamp\":\"2024-01-01T00:00:00Z\",\"event_type\":\"flow\",\"src_ip\":\"1.2.3.4\"}\n"
                   << "{\"timestamp\":\"bad\",\"event_type\":\"alert\"}\n"
                   << "{\"timestamp\":\"2024-01-01T00:00:00Z\",\"event_type\":\"alert\",\"src_ip\":\"x\","
                      "\"dest_ip\":\"1.1.1.1\",\"alert\":[1]}\n"
                   << "{\"event_type\":7}\n"
                   << "\"string\"\n"
                   << "{\"timestamp\":\"2024-01-01T00:00:00Z\",\"event_type\":\"dns\",\"dns\":{\"answers\":"
                      "[1,{\"ttl\":-5,\"rdata\":7}],\"queries\":\"x\"}}\n";
  auto r = Ingest({p});
  ASSERT_TRUE(r->status.ok());
  // flow without dest: kept without endpoints; bad ts: dropped; bad src_ip: kept with a warning;
  // no event_type string and not an object: dropped; odd dns: kept with what is valid.
  EXPECT_EQ(r->sink.OfKind(ObservationKind::kConn).size(), 1u);
  EXPECT_EQ(r->sink.OfKind(ObservationKind::kAlert).size(), 1u);
  EXPECT_EQ(r->sink.OfKind(ObservationKind::kDns).size(), 1u);
  EXPECT_EQ(r->run.stats.malformed, 4u);
}

}  // namespace
}  // namespace onus::ingest
