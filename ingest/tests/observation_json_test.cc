// The JSON lines writer: field names per kind, nulls, escaping, valid UTF-8 and parseable JSON.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/ingest_test_util.h"

namespace onus::ingest {
namespace {

using nlohmann::json;

TEST(ObservationJson, CommonFieldsAndProvenance) {
  InputInfo in{"/data/conn.log", "ab12", 10, InputFormat::kZeekTsv, "conn"};
  Observation o;
  o.kind = ObservationKind::kConn;
  o.ts = Timestamp::FromNanos(1623628813579067999LL);
  o.uid = "C1";
  o.community_id = "1:abc=";
  o.orig_h = *IpAddress::Parse("10.0.0.1");
  o.resp_h = *IpAddress::Parse("2001:db8::1");
  o.orig_p = 1234;
  o.resp_p = 443;
  o.has_endpoints = true;
  o.proto = "tcp";
  o.duration = 1.5;
  o.orig_bytes = 7;
  o.src = {&in, 42, false};
  std::string line = ToJsonLine(o);
  ASSERT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  json j = json::parse(line);
  EXPECT_EQ(j["kind"], "conn");
  EXPECT_EQ(j["ts"], "2021-06-14T00:00:13.579067Z");  // truncated to microseconds
  EXPECT_EQ(j["uid"], "C1");
  EXPECT_EQ(j["community_id"], "1:abc=");
  EXPECT_EQ(j["orig_h"], "10.0.0.1");
  EXPECT_EQ(j["orig_p"], 1234);
  EXPECT_EQ(j["resp_h"], "2001:db8::1");
  EXPECT_EQ(j["resp_p"], 443);
  EXPECT_EQ(j["proto"], "tcp");
  EXPECT_EQ(j["src"]["path"], "/data/conn.log");
  EXPECT_EQ(j["src"]["sha256"], "ab12");
  EXPECT_EQ(j["src"]["record"], 42);
  EXPECT_EQ(j["src"]["record_type"], "line");
  EXPECT_EQ(j["duration"], 1.5);
  EXPECT_EQ(j["orig_bytes"], 7);
  EXPECT_TRUE(j["conn_state"].is_null());
  for (const char* k : {"resp_bytes", "orig_pkts", "resp_pkts", "history"}) EXPECT_TRUE(j.contains(k)) << k;
}

TEST(ObservationJson, UnsetValuesAreNullAndEveryKindParses) {
  for (int i = 0; i <= static_cast<int>(ObservationKind::kOther); ++i) {
    Observation o;
    o.kind = static_cast<ObservationKind>(i);
    json j = json::parse(ToJsonLine(o));
    EXPECT_EQ(j["kind"], std::string(KindName(o.kind)));
    EXPECT_EQ(j["ts"], "1970-01-01T00:00:00.000000Z");
    for (const char* k : {"uid", "community_id", "orig_h", "orig_p", "resp_h", "resp_p", "proto"})
      EXPECT_TRUE(j[k].is_null()) << k;
    EXPECT_TRUE(j["src"]["path"].is_null());
  }
}

TEST(ObservationJson, PerKindFieldNames) {
  Observation d;
  d.kind = ObservationKind::kDns;
  d.query = "a.example";
  d.answers.push_back({"A", "1.2.3.4", 60});
  json jd = json::parse(ToJsonLine(d));
  EXPECT_EQ(jd["query"], "a.example");
  EXPECT_EQ(jd["answers"][0]["value"], "1.2.3.4");
  EXPECT_EQ(jd["answers"][0]["ttl"], 60);
  for (const char* k : {"qtype_name", "rcode_name"}) EXPECT_TRUE(jd.contains(k)) << k;
  Observation t;
  t.kind = ObservationKind::kTls;
  t.server_name = "x.example";
  t.cert_sha1 = "aa";
  json jt = json::parse(ToJsonLine(t));
  for (const char* k : {"server_name", "ja3", "ja3s", "ja4", "cert_sha1"}) EXPECT_TRUE(jt.contains(k)) << k;
  Observation x;
  x.kind = ObservationKind::kX509;
  x.not_before = Timestamp::FromSeconds(86400);
  json jx = json::parse(ToJsonLine(x));
  for (const char* k : {"sha1", "sha256", "subject", "issuer", "serial", "not_before", "not_after", "san_dns"})
    EXPECT_TRUE(jx.contains(k)) << k;
  EXPECT_EQ(jx["not_before"], "1970-01-02T00:00:00.000000Z");
  EXPECT_TRUE(jx["not_after"].is_null());
  Observation h;
  h.kind = ObservationKind::kHttp;
  h.status_code = 404;
  json jh = json::parse(ToJsonLine(h));
  for (const char* k : {"method", "host", "uri", "user_agent", "status_code"}) EXPECT_TRUE(jh.contains(k)) << k;
  EXPECT_EQ(jh["status_code"], 404);
  Observation i;
  i.kind = ObservationKind::kIcs;
  i.ics_protocol = "modbus";
  i.is_command = true;
  json ji = json::parse(ToJsonLine(i));
  EXPECT_EQ(ji["protocol"], "modbus");
  EXPECT_EQ(ji["is_command"], true);
  EXPECT_TRUE(ji.contains("function"));
  Observation other;
  other.kind = ObservationKind::kOther;
  other.log_type = "software";
  other.raw = "{\"a\":[1,\"b\"]}";
  json jo = json::parse(ToJsonLine(other));
  EXPECT_EQ(jo["raw"]["a"][1], "b");  // embedded as an object, not a string
}

TEST(ObservationJson, EscapingAndInvalidUtf8) {
  Observation o;
  o.kind = ObservationKind::kHttp;
  o.uri = std::string("/a\"b\\c\n\t\x01") + "\xc3\xa9" + "\xff\xfe" + "\xe2\x82";
  std::string line = ToJsonLine(o);
  json j = json::parse(line);  // throws on invalid UTF-8 or bad escapes
  EXPECT_EQ(j["uri"], std::string("/a\"b\\c\n\t\x01") + "\xc3\xa9" + "\\xff\\xfe\\xe2\\x82");
}

TEST(ObservationJson, DatesAcrossRange) {
  Observation o;
  o.ts = *ParseRfc3339("2000-02-29T23:59:59.999999Z");
  EXPECT_EQ(json::parse(ToJsonLine(o))["ts"], "2000-02-29T23:59:59.999999Z");
  o.ts = *ParseRfc3339("1969-12-31T23:59:59.5Z");
  EXPECT_EQ(json::parse(ToJsonLine(o))["ts"], "1969-12-31T23:59:59.500000Z");
  o.ts = *ParseRfc3339("2099-12-31T00:00:00Z");
  EXPECT_EQ(json::parse(ToJsonLine(o))["ts"], FormatRfc3339(o.ts));
  o.ts = Timestamp::FromNanos(INT64_MIN);
  EXPECT_NO_THROW({
    json j = json::parse(ToJsonLine(o));
    EXPECT_TRUE(j.contains("ts"));
  });
}

}  // namespace
}  // namespace onus::ingest
