// Zeek TSV and JSON logs: header directives, escapes, sets/vectors, unset/empty, field mapping per
// log, malformed lines, and TSV/JSON equivalence on real Zeek output.
#include <gtest/gtest.h>
#include <zlib.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "decoders/zeek/zeek_json.h"
#include "decoders/zeek/zeek_tsv.h"
#include "onus/core/community_id.h"
#include "onus/core/hash.h"
#include "tests/ingest_test_util.h"

namespace onus::ingest {
namespace {

using testing::DataPath;
using testing::Ingest;
using testing::JsonWithoutSource;
using testing::SharedPath;

std::string TempFile(const std::string& name, const std::string& content) {
  auto dir = std::filesystem::temp_directory_path() / ("onus_zeek_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string p = (dir / name).string();
  std::ofstream(p, std::ios::binary) << content;
  return p;
}

const char kHeader[] =
    "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n";

TEST(ZeekTsv, ConnFieldsProvenanceAndBrokenLine) {
  auto r = Ingest({DataPath("zeek-tsv/conn.log")});
  ASSERT_TRUE(r->status.ok()) << r->status.ToString();
  auto conns = r->sink.OfKind(ObservationKind::kConn);
  ASSERT_EQ(conns.size(), 4u);
  const Observation& c = *conns[0];
  EXPECT_EQ(FormatRfc3339(c.ts), "2021-06-14T00:00:13.579067Z");
  EXPECT_EQ(c.uid, "CNL097wtgeDmPqH6C2");
  EXPECT_EQ(c.orig_h.ToString(), "10.40.1.30");
  EXPECT_EQ(c.orig_p, 55941);
  EXPECT_EQ(c.resp_h.ToString(), "10.40.1.53");
  EXPECT_EQ(c.resp_p, 53);
  EXPECT_EQ(c.proto, "udp");
  EXPECT_EQ(c.service, "dns");
  EXPECT_DOUBLE_EQ(c.duration, 0.001544);
  EXPECT_EQ(c.orig_bytes, 42u);
  EXPECT_EQ(c.resp_bytes, 74u);
  EXPECT_EQ(c.resp_ip_bytes, 102u);
  EXPECT_EQ(c.conn_state, "SF");
  EXPECT_TRUE(c.local_orig);
  EXPECT_EQ(c.history, "Dd");
  EXPECT_TRUE(c.has_endpoints);
  // Community ID computed (Zeek did not log it), stable for the flow.
  EXPECT_EQ(c.community_id.rfind("1:", 0), 0u);
  // Provenance: file, SHA-256 as stored, 1-based line number (8 header lines precede).
  ASSERT_NE(c.src.input, nullptr);
  EXPECT_EQ(c.src.input->path, DataPath("zeek-tsv/conn.log"));
  EXPECT_EQ(c.src.input->sha256, *Sha256File(DataPath("zeek-tsv/conn.log")));
  EXPECT_EQ(c.src.input->format, InputFormat::kZeekTsv);
  EXPECT_EQ(c.src.record, 9u);
  EXPECT_FALSE(c.src.is_packet);
  // IPv6, unset service/duration/bytes.
  const Observation& v6 = *conns[2];
  EXPECT_EQ(v6.orig_h.ToString(), "2001:db8::1");
  EXPECT_EQ(v6.service, "");
  EXPECT_EQ(v6.duration, 0);
  // \x09 escape in a value decoded; the set-valued service kept as text.
  const Observation& esc = *conns[3];
  EXPECT_EQ(esc.history, "Sh\tAd");
  EXPECT_EQ(esc.service, "ssl,http");
  EXPECT_EQ(esc.src.record, 13u);
  // The broken line (4 fields) is counted, warned about and becomes an anomaly record.
  EXPECT_EQ(r->run.stats.malformed, 1u);
  ASSERT_EQ(r->run.stats.warnings.size(), 1u);
  EXPECT_NE(r->run.stats.warnings[0].find("conn.log:12: expected 21 fields, got 4"), std::string::npos)
      << r->run.stats.warnings[0];
  auto anomalies = r->sink.OfKind(ObservationKind::kAnomaly);
  ASSERT_EQ(anomalies.size(), 1u);
  EXPECT_EQ(anomalies[0]->anomaly, "broken_log_line");
  EXPECT_EQ(anomalies[0]->src.record, 12u);
  EXPECT_EQ(r->run.stats.records, 14u);
}

TEST(ZeekTsv, DnsAnswersTtlsAndTypes) {
  auto r = Ingest({DataPath("zeek-tsv/dns.log")});
  ASSERT_TRUE(r->status.ok());
  auto d = r->sink.OfKind(ObservationKind::kDns);
  ASSERT_EQ(d.size(), 4u);
  EXPECT_EQ(d[0]->query, "ise.wrccdc.org");
  EXPECT_EQ(d[0]->qtype, 1);
  EXPECT_EQ(d[0]->qtype_name, "A");
  EXPECT_EQ(d[0]->rcode_name, "NOERROR");
  EXPECT_TRUE(d[0]->has_rcode);
  ASSERT_EQ(d[0]->answers.size(), 2u);
  EXPECT_EQ(d[0]->answers[0].type, "CNAME");
  EXPECT_EQ(d[0]->answers[0].value, "ise.wrccdc.cpp.edu");
  EXPECT_EQ(d[0]->answers[0].ttl, 2230u);
  EXPECT_EQ(d[0]->answers[1].type, "A");
  EXPECT_EQ(d[0]->answers[1].value, "134.71.3.16");
  EXPECT_EQ(d[0]->answers[1].ttl, 41830u);
  // TXT with an escaped comma inside one vector element.
  ASSERT_EQ(d[1]->answers.size(), 1u);
  EXPECT_EQ(d[1]->answers[0].type, "TXT");
  EXPECT_EQ(d[1]->answers[0].value, "v=spf1 -all, x");
  EXPECT_EQ(d[2]->rcode, 3);
  EXPECT_TRUE(d[2]->answers.empty());
  ASSERT_EQ(d[3]->answers.size(), 1u);
  EXPECT_EQ(d[3]->answers[0].type, "AAAA");
}

TEST(ZeekTsv, DirectoryJoinsCertificateFuidsThroughFilesLog) {
  auto r = Ingest({DataPath("zeek-tsv")});
  ASSERT_TRUE(r->status.ok()) << r->status.ToString();
  auto tls = r->sink.OfKind(ObservationKind::kTls);
  ASSERT_EQ(tls.size(), 1u);
  EXPECT_EQ(tls[0]->server_name, "stackoverflow.com");
  EXPECT_EQ(tls[0]->tls_version, "TLSv12");
  EXPECT_EQ(tls[0]->ja3, "456523fc94726331a4d5a2e1d40b2cd7");
  EXPECT_EQ(tls[0]->ja3s, "907bf3ecef1c987c889946b737b43de8");
  EXPECT_EQ(tls[0]->cert_sha1, "ef4a07dc91ccc67f0ba7d7c42b5a02344c39ad73");  // via files.log fuid
  EXPECT_EQ(tls[0]->issuer, "CN=R3,O=Let's Encrypt,C=US");
  ASSERT_EQ(tls[0]->alpn.size(), 1u);
  EXPECT_EQ(tls[0]->alpn[0], "h2");
  EXPECT_EQ(tls[0]->proto, "tcp");
  auto x = r->sink.OfKind(ObservationKind::kX509);
  ASSERT_EQ(x.size(), 1u);
  EXPECT_EQ(x[0]->sha1, "ef4a07dc91ccc67f0ba7d7c42b5a02344c39ad73");
  EXPECT_EQ(x[0]->serial, "0309595F7B688DAF2CA48C525C74CA17E172");
  EXPECT_EQ(FormatRfc3339(x[0]->not_before, 0), "2020-12-03T14:00:52Z");
  ASSERT_EQ(x[0]->san_dns.size(), 2u);
  EXPECT_EQ(x[0]->san_dns[1], "stackoverflow.com");
  auto files = r->sink.OfKind(ObservationKind::kFile);
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[1]->filename, "payload.exe");
  EXPECT_EQ(files[1]->file_size, 4096u);
  EXPECT_EQ(files[1]->uid, "Chttp");
  EXPECT_EQ(files[1]->orig_h.ToString(), "192.0.2.1");
  auto http = r->sink.OfKind(ObservationKind::kHttp);
  ASSERT_EQ(http.size(), 1u);
  EXPECT_EQ(http[0]->uri, "/msdownload/a b\tc.cab");
  EXPECT_EQ(http[0]->status_code, 200);
  EXPECT_EQ(http[0]->content_type, "application/vnd.ms-cab-compressed");
  auto weird = r->sink.OfKind(ObservationKind::kAnomaly);
  // two weird.log records + the broken conn line
  ASSERT_EQ(weird.size(), 3u);
  auto other = r->sink.OfKind(ObservationKind::kOther);
  ASSERT_EQ(other.size(), 1u);
  EXPECT_EQ(other[0]->log_type, "software");
  EXPECT_EQ(other[0]->raw,
            "{\"ts\":\"1521911735.000000\",\"host\":\"10.47.3.200\",\"host_p\":\"22\",\"software_type\":"
            "\"SSH::SERVER\",\"name\":\"OpenSSH\",\"version.major\":\"7\",\"unparsed_version\":\"OpenSSH_7.4\"}");
  // Files in a directory are read in sorted order.
  ASSERT_GE(r->run.inputs.size(), 8u);
  for (size_t i = 1; i < r->run.inputs.size(); ++i) EXPECT_LT(r->run.inputs[i - 1].path, r->run.inputs[i].path);
}

TEST(ZeekTsv, CustomSeparatorsAndRepeatedHeaders) {
  std::string log =
      "#separator \\x7c\n#set_separator|;\n#empty_field|EMPTY\n#unset_field|NONE\n#path|dns\n"
      "#fields|ts|uid|id.orig_h|id.orig_p|id.resp_h|id.resp_p|proto|query|answers|TTLs\n"
      "#types|time|string|addr|port|addr|port|enum|string|vector[string]|vector[interval]\n"
      "1.5|C1|10.0.0.1|1|10.0.0.2|53|udp|a\\x7cb.example|1.2.3.4;5.6.7.8|1.0;2.0\n"
      "2.5|C2|10.0.0.1|1|10.0.0.2|53|udp|EMPTY|EMPTY|NONE\n"
      "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n"
      "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\n"
      "3.000001\tC3\t10.0.0.1\t2\t10.0.0.3\t80\ttcp\n";
  auto r = Ingest({TempFile("custom.log", log)});
  ASSERT_TRUE(r->status.ok()) << r->status.ToString();
  ASSERT_EQ(r->sink.all.size(), 3u);
  EXPECT_EQ(r->sink.all[0].kind, ObservationKind::kDns);
  EXPECT_EQ(r->sink.all[0].query, "a|b.example");
  ASSERT_EQ(r->sink.all[0].answers.size(), 2u);
  EXPECT_EQ(r->sink.all[0].answers[1].ttl, 2u);
  EXPECT_EQ(r->sink.all[1].query, "");
  EXPECT_TRUE(r->sink.all[1].answers.empty());
  EXPECT_EQ(r->sink.all[2].kind, ObservationKind::kConn);
  EXPECT_EQ(r->sink.all[2].ts.nanos(), 3000001000LL);
  EXPECT_EQ(r->run.stats.malformed, 0u);
}

TEST(ZeekTsv, HostileLinesAreCountedNotFatal) {
  std::string log = std::string(kHeader) +
                    "#path\tconn\n"
                    "not-a-time\tC1\t10.0.0.1\t1\t10.0.0.2\t2\ttcp\n"  // data before #fields
                    "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\n"
                    "not-a-time\tC1\t10.0.0.1\t1\t10.0.0.2\t2\ttcp\n"        // bad ts: no record
                    "1.0\tC2\t999.0.0.1\t1\t10.0.0.2\t70000\ttcp\n"          // bad addr and port: kept
                    "1.0\tC3\t10.0.0.1\t1\t10.0.0.2\t2\ttcp\textra\n"       // wrong field count
                    "\t\t\t\t\t\t\n"                                         // all empty
                    "\\x\t\\xZZ\t\\\t-\t-\t-\t-\n"                           // bad escapes
                    "2.0\tC4\t10.0.0.1\t1\t10.0.0.2\t2\ttcp\n";
  auto r = Ingest({TempFile("hostile_conn.log", log)});
  ASSERT_TRUE(r->status.ok());
  auto conns = r->sink.OfKind(ObservationKind::kConn);
  ASSERT_EQ(conns.size(), 2u);
  EXPECT_EQ(conns[0]->uid, "C2");
  EXPECT_FALSE(conns[0]->has_endpoints);
  EXPECT_EQ(conns[1]->uid, "C4");
  EXPECT_EQ(r->run.stats.malformed, 6u);
  EXPECT_EQ(r->sink.OfKind(ObservationKind::kAnomaly).size(), 6u);
  EXPECT_EQ(r->run.stats.warnings.size(), 6u);
}

TEST(ZeekTsv, ALogWithoutTsIsSkippedWithOneWarning) {
  std::string log = "### BTest baseline data generated by btest-diff. Do not edit.\n" + std::string(kHeader) +
                    "#path\tloaded_scripts\n#fields\tname\n#types\tstring\n"
                    "/usr/share/zeek/base/init-bare.zeek\n  /usr/share/zeek/base/bif/const.bif.zeek\n"
                    "#path\tconn\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\n"
                    "2.0\tC4\t10.0.0.1\t1\t10.0.0.2\t2\ttcp\n";
  auto r = Ingest({TempFile("loaded_then_conn.log", log)});
  ASSERT_TRUE(r->status.ok()) << r->status.ToString();
  EXPECT_EQ(r->run.stats.malformed, 0u);
  ASSERT_EQ(r->run.stats.warnings.size(), 1u);
  EXPECT_NE(r->run.stats.warnings[0].find(":7: log 'loaded_scripts' has no ts column"), std::string::npos)
      << r->run.stats.warnings[0];
  // The next log in the same file is read.
  auto conns = r->sink.OfKind(ObservationKind::kConn);
  ASSERT_EQ(conns.size(), 1u);
  EXPECT_EQ(conns[0]->uid, "C4");
  EXPECT_TRUE(r->sink.OfKind(ObservationKind::kAnomaly).empty());
}

// The inline IPv4, count and interval parsers of the hot path agree with core's IpAddress::Parse
// and with from_chars + microsecond rounding on edge cases.
TEST(ZeekTsv, FastFieldParsersAgreeWithTheGeneralOnes) {
  const char* addrs[] = {"0.0.0.0", "255.255.255.255", "1.2.3.256", "01.2.3.4", "1.2.3", "1.2.3.4.5", "1..2.3",
                         "1.2.3.4 ", "1234.1.1.1", "::ffff:1.2.3.4", "2001:db8::1", "fe80::1%eth0", "x", "1.2.3.-4"};
  std::string log = std::string(kHeader) +
                    "#path\tconn\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tduration\t"
                    "orig_bytes\n";
  const char* durations[] = {"0.179114", "1.1234565", "12", "3.", "1e-3", "0.0000004", "-1.0", "9999999999999.5", "abc"};
  const char* counts[] = {"0", "18446744073709551615", "18446744073709551616", "007", "+1", "1 ", ""};
  size_t n = 0;
  for (const char* a : addrs) log += "1.0\tA" + std::to_string(n++) + "\t" + a + "\t1\t10.0.0.2\t2\ttcp\t1\t1\n";
  for (const char* d : durations) log += "1.0\tD" + std::to_string(n++) + "\t10.0.0.1\t1\t10.0.0.2\t2\ttcp\t" + d + "\t1\n";
  for (const char* c : counts) log += "1.0\tN" + std::to_string(n++) + "\t10.0.0.1\t1\t10.0.0.2\t2\ttcp\t1\t" + c + "\n";
  auto r = Ingest({TempFile("fast_parsers_conn.log", log)});
  ASSERT_TRUE(r->status.ok());
  auto conns = r->sink.OfKind(ObservationKind::kConn);
  ASSERT_EQ(conns.size(), n);
  size_t i = 0, bad = 0;
  for (const char* a : addrs) {
    auto want = IpAddress::Parse(a);
    const Observation& o = *conns[i++];
    EXPECT_EQ(o.has_endpoints, want.ok()) << a;
    if (want.ok()) {
      EXPECT_EQ(o.orig_h, *want) << a;
    }
    bad += !want.ok();
  }
  for (const char* d : durations) {
    const Observation& o = *conns[i++];
    double v = 0;
    auto res = std::from_chars(d, d + std::strlen(d), v);
    bool ok = res.ec == std::errc() && res.ptr == d + std::strlen(d) && v >= 0;
    EXPECT_EQ(o.duration, ok ? std::round(v * 1e6) / 1e6 : 0.0) << d;
    bad += !ok;
  }
  for (const char* c : counts) {
    const Observation& o = *conns[i++];
    uint64_t v = 0;
    auto res = std::from_chars(c, c + std::strlen(c), v);
    bool ok = *c && res.ec == std::errc() && res.ptr == c + std::strlen(c);
    EXPECT_EQ(o.orig_bytes, ok ? v : 0u) << c;
    bad += !ok;
  }
  EXPECT_EQ(r->run.stats.malformed, bad);
}

TEST(ZeekTsv, UnescapeHandlesZeekEscapes) {
  std::string out;
  detail::ZeekTsvDecoder::Unescape("a\\x09b\\\\c\\x2cd\\xZZ\\", out);
  EXPECT_EQ(out, "a\tb\\c,d\\xZZ\\");
}

TEST(ZeekJson, FieldsLikeTsvAndUnsetOmitted) {
  std::string json =
      "{\"_path\":\"conn\",\"ts\":1623628813.579067,\"uid\":\"CNL097wtgeDmPqH6C2\",\"id.orig_h\":\"10.40.1.30\","
      "\"id.orig_p\":55941,\"id.resp_h\":\"10.40.1.53\",\"id.resp_p\":53,\"proto\":\"udp\",\"service\":\"dns\","
      "\"duration\":0.0015439987182617188,\"orig_bytes\":42,\"resp_bytes\":74,\"conn_state\":\"SF\",\"local_orig\":"
      "true,\"local_resp\":true,\"missed_bytes\":0,\"history\":\"Dd\",\"orig_pkts\":1,\"orig_ip_bytes\":70,"
      "\"resp_pkts\":1,\"resp_ip_bytes\":102}\n"
      "{\"ts\":\"2021-06-14T00:00:13.599067Z\",\"uid\":\"C2\",\"id\":{\"orig_h\":\"10.40.1.30\",\"orig_p\":1,"
      "\"resp_h\":\"10.40.1.31\",\"resp_p\":2},\"proto\":\"tcp\",\"conn_state\":\"S0\"}\n"
      "{\"ts\":1623628813.7,\"uid\":\"C3\",\"broken\n"
      "[1,2,3]\n";
  auto r = Ingest({TempFile("conn.json", json)});
  ASSERT_TRUE(r->status.ok()) << r->status.ToString();
  EXPECT_EQ(r->run.inputs[0].format, InputFormat::kZeekJson);
  EXPECT_EQ(r->run.inputs[0].log_type, "conn");
  auto conns = r->sink.OfKind(ObservationKind::kConn);
  ASSERT_EQ(conns.size(), 2u);
  auto tsv = Ingest({DataPath("zeek-tsv/conn.log")});
  EXPECT_EQ(JsonWithoutSource(*conns[0]), JsonWithoutSource(*tsv->sink.OfKind(ObservationKind::kConn)[0]));
  // Nested id record flattened; no _path: the log type is guessed from the fields.
  EXPECT_EQ(conns[1]->resp_h.ToString(), "10.40.1.31");
  EXPECT_EQ(conns[1]->resp_p, 2);
  EXPECT_EQ(FormatRfc3339(conns[1]->ts), "2021-06-14T00:00:13.599067Z");
  EXPECT_EQ(r->run.stats.malformed, 2u);
}

// Real Zeek 6.2 output of the same traffic through the ASCII (TSV) writer and the JSON streaming
// writer: identical observations except provenance (and the raw text of pass-through logs).
TEST(ZeekTsvJson, SameEventsSameObservations) {
  std::string base = SharedPath("data/logs/zeek/zed-sample-data_wrccdc2018/");
  if (!std::filesystem::exists(base)) GTEST_SKIP() << "shared data not present: " << base;
  for (const char* log : {"dns", "ssl", "x509", "notice", "modbus", "software", "ssh", "known_certs"}) {
    auto tsv = Ingest({base + "zeek-default/" + log + ".log.gz"});
    auto json = Ingest({base + "zeek-json/" + log + ".json.gz"});
    ASSERT_TRUE(tsv->status.ok()) << tsv->status.ToString();
    ASSERT_TRUE(json->status.ok()) << json->status.ToString();
    EXPECT_EQ(tsv->run.inputs[0].format, InputFormat::kZeekTsv);
    EXPECT_EQ(json->run.inputs[0].format, InputFormat::kZeekJson);
    EXPECT_EQ(tsv->run.stats.malformed, 0u) << log;
    EXPECT_EQ(json->run.stats.malformed, 0u) << log;
    ASSERT_EQ(tsv->sink.all.size(), json->sink.all.size()) << log;
    ASSERT_GT(tsv->sink.all.size(), 0u);
    size_t diffs = 0;
    for (size_t i = 0; i < tsv->sink.all.size(); ++i) {
      Observation a = tsv->sink.all[i], b = json->sink.all[i];
      if (a.kind == ObservationKind::kOther) a.raw.clear(), b.raw.clear();
      std::string ja = JsonWithoutSource(a), jb = JsonWithoutSource(b);
      if (ja != jb && diffs++ < 3) ADD_FAILURE() << log << " record " << i << "\n TSV: " << ja << " JSON: " << jb;
    }
    EXPECT_EQ(diffs, 0u) << log;
  }
}

// The same generated events written by gen_scenario.py as TSV and as JSON (conn, dns, ssl, x509,
// http), and real Zeek files.log records in both forms (tests/data/ingest/paired, see
// tests/data/README.md): every field of every observation equal, except provenance.
TEST(ZeekTsvJson, PairedLogsIdenticalFieldByField) {
  struct Case {
    const char* log;
    ObservationKind kind;
    size_t records;
    // A field that must be set in some records, so that equality is not equality of empty records.
    bool (*has)(const Observation&);
  };
  const Case cases[] = {
      {"conn", ObservationKind::kConn, 35, [](const Observation& o) { return o.duration > 0 && o.orig_ip_bytes > 0; }},
      {"dns", ObservationKind::kDns, 35, [](const Observation& o) { return !o.answers.empty() && o.answers[0].ttl > 0; }},
      {"ssl", ObservationKind::kTls, 35, [](const Observation& o) { return !o.server_name.empty() && !o.ja3.empty(); }},
      {"x509", ObservationKind::kX509, 35, [](const Observation& o) { return !o.sha256.empty() && !o.san_dns.empty(); }},
      {"http", ObservationKind::kHttp, 35, [](const Observation& o) { return !o.host.empty() && o.status_code > 0; }},
      {"files", ObservationKind::kFile, 31, [](const Observation& o) { return !o.file_sha1.empty() && o.file_size > 0; }},
  };
  for (const Case& c : cases) {
    auto tsv = Ingest({DataPath("paired/tsv/") + c.log + ".log"});
    auto json = Ingest({DataPath("paired/json/") + c.log + ".log"});
    ASSERT_TRUE(tsv->status.ok()) << tsv->status.ToString();
    ASSERT_TRUE(json->status.ok()) << json->status.ToString();
    EXPECT_EQ(tsv->run.inputs[0].format, InputFormat::kZeekTsv) << c.log;
    EXPECT_EQ(json->run.inputs[0].format, InputFormat::kZeekJson) << c.log;
    EXPECT_EQ(tsv->run.stats.malformed, 0u) << c.log;
    EXPECT_EQ(json->run.stats.malformed, 0u) << c.log;
    ASSERT_EQ(tsv->sink.all.size(), c.records) << c.log;
    ASSERT_EQ(json->sink.all.size(), c.records) << c.log;
    size_t with_field = 0, with_cid = 0, bad = 0;
    for (size_t i = 0; i < c.records; ++i) {
      const Observation &a = tsv->sink.all[i], &b = json->sink.all[i];
      EXPECT_EQ(a.kind, c.kind) << c.log << " record " << i;
      with_field += c.has(a);
      with_cid += a.community_id.size() == kCommunityIdV1Size;
      auto diff = testing::DiffObservations(a, b);
      if (!diff.empty() && bad++ < 3) {
        std::string all;
        for (const auto& d : diff) all += "\n  " + d;
        ADD_FAILURE() << c.log << " record " << i << " (TSV line " << a.src.record << ", JSON line " << b.src.record
                      << "):" << all;
      }
    }
    EXPECT_EQ(bad, 0u) << c.log;
    EXPECT_GE(with_field, c.records / 4) << c.log;
    // Every connection record gets a Community ID (computed: neither form carries one); x509 and
    // files records have no 5-tuple.
    bool flow = c.kind != ObservationKind::kX509 && c.kind != ObservationKind::kFile;
    EXPECT_EQ(with_cid, flow ? c.records : 0u) << c.log;
  }
}

TEST(ZeekTsv, GzipAndTruncatedGzip) {
  std::string plain;
  {
    std::ifstream in(DataPath("zeek-tsv/dns.log"), std::ios::binary);
    plain.assign(std::istreambuf_iterator<char>(in), {});
  }
  // Repeat the records so the compressed stream is long enough to cut.
  std::string body = plain;
  for (int i = 0; i < 200; ++i) body += plain.substr(plain.find("\n1521911720"));
  auto dir = std::filesystem::path(TempFile("x", "")).parent_path();
  std::string gz = (dir / "dns.log.gz").string();
  gzFile f = gzopen(gz.c_str(), "wb");
  gzwrite(f, body.data(), static_cast<unsigned>(body.size()));
  gzclose(f);
  auto full = Ingest({gz});
  ASSERT_TRUE(full->status.ok());
  EXPECT_EQ(full->run.inputs[0].format, InputFormat::kZeekTsv);
  EXPECT_EQ(full->run.inputs[0].sha256, *Sha256File(gz));
  EXPECT_EQ(full->sink.all.size(), 4u + 200u * 4u);
  // Cut the compressed file in half: what inflates is decoded, the rest is reported.
  std::string bytes;
  {
    std::ifstream in(gz, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  std::string cut = (dir / "dns_cut.log.gz").string();
  std::ofstream(cut, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  auto part = Ingest({cut});
  ASSERT_TRUE(part->status.ok()) << part->status.ToString();
  EXPECT_GT(part->sink.OfKind(ObservationKind::kDns).size(), 0u);
  EXPECT_LT(part->sink.OfKind(ObservationKind::kDns).size(), full->sink.all.size());
  EXPECT_GE(part->run.stats.malformed, 1u);
  bool truncated = false;
  for (auto* a : part->sink.OfKind(ObservationKind::kAnomaly)) truncated |= a->anomaly == "truncated_input";
  EXPECT_TRUE(truncated);
}

}  // namespace
}  // namespace onus::ingest
