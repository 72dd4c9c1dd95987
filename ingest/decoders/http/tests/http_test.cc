#include "decoders/http/http.h"

#include <gtest/gtest.h>

#include "decoders/pcap/tests/capture_test_util.h"

namespace onus::ingest::detail {
namespace {

TEST(Http, ParseRequestAndResponseHeads) {
  HttpHead h;
  ASSERT_TRUE(ParseHttpHead("GET /a?b=c HTTP/1.1\r\nHost: example.org\r\nuser-agent: curl/8\r\nReferer: x\r\n"
                            "Content-Length: 12\r\n\r\n",
                            h));
  EXPECT_TRUE(h.is_request);
  EXPECT_EQ(h.method, "GET");
  EXPECT_EQ(h.uri, "/a?b=c");
  EXPECT_EQ(h.host, "example.org");
  EXPECT_EQ(h.user_agent, "curl/8");
  EXPECT_EQ(h.content_length, 12);
  ASSERT_TRUE(ParseHttpHead("HTTP/1.0 404 Not Found\r\nContent-Type: text/html\r\n\r\n", h));
  EXPECT_FALSE(h.is_request);
  EXPECT_EQ(h.status, 404);
  EXPECT_EQ(h.content_type, "text/html");
  EXPECT_FALSE(ParseHttpHead("HTTP/1.1 2x0 OK\r\n\r\n", h));
  EXPECT_FALSE(ParseHttpHead("\x16\x03\x01 binary", h));
  ASSERT_TRUE(ParseHttpHead("GET /x HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n", h));
  EXPECT_EQ(h.content_length, -1);  // absurd lengths are ignored
}

using namespace capture_testing;  // NOLINT

TEST(Http, PipelinedKeepAliveWithChunkedAndSplitHeads) {
  std::string req1 = "POST /up HTTP/1.1\r\nHost: h1\r\nContent-Length: 5\r\n\r\nhello";
  std::string req2 = "GET /two HTTP/1.1\r\nHost: h2\r\nUser-Agent: ua\r\n\r\n";
  std::string resp1 = "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\nContent-Type: a/b\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
  std::string resp2 = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\nContent-Type: text/plain\r\n\r\nbody";
  std::string c2s = req1 + req2, s2c = resp1 + resp2;
  PcapWriter w;
  const uint32_t a = 0xC0A80001, b = 0xC0A80002;
  w.Packet(Eth(Ipv4(a, b, 6, Tcp(5000, 8080, 1, 0, 0x02))), 1);
  w.Packet(Eth(Ipv4(b, a, 6, Tcp(8080, 5000, 100, 2, 0x12))), 1, 1);
  uint32_t seq = 2;
  for (size_t i = 0; i < c2s.size(); i += 17) {  // 17-byte segments split heads mid-line
    std::string part = c2s.substr(i, 17);
    w.Packet(Eth(Ipv4(a, b, 6, Tcp(5000, 8080, seq, 101, 0x18, part))), 2, static_cast<uint32_t>(i));
    seq += static_cast<uint32_t>(part.size());
  }
  w.Packet(Eth(Ipv4(b, a, 6, Tcp(8080, 5000, 101, seq, 0x18, s2c))), 3);
  const std::string path = TempPath("http_pipelined.pcap");
  ASSERT_TRUE(w.Write(path));
  CaptureRun run;
  RunCapture(path, run);
  ASSERT_TRUE(run.status.ok());
  auto http = run.sink.Of(ObservationKind::kHttp);
  ASSERT_EQ(http.size(), 2u);
  EXPECT_EQ(http[0].method, "POST");
  EXPECT_EQ(http[0].host, "h1");
  EXPECT_EQ(http[0].status_code, 201);
  EXPECT_EQ(http[0].content_type, "a/b");
  EXPECT_EQ(http[0].request_body_len, 5u);
  EXPECT_EQ(http[1].uri, "/two");
  EXPECT_EQ(http[1].user_agent, "ua");
  EXPECT_EQ(http[1].status_code, 200);
  EXPECT_EQ(http[1].response_body_len, 4u);
  EXPECT_EQ(run.stats.malformed, 0u);
  EXPECT_EQ(run.sink.Of(ObservationKind::kConn)[0].service, "http");
}

// Regression: a gap inside a 142 KB response body used to re-create the decoder on every later
// segment, each reporting the body bytes as a bad start line.
TEST(Http, GapInsideABodyIsQuiet) {
  CaptureRun run;
  RunCapture(SharedPcap("malware_c2/suricata-verify/bug-4953/file76.pcap"), run);
  ASSERT_TRUE(run.status.ok());
  EXPECT_EQ(run.stats.malformed, 0u);
  auto http = run.sink.Of(ObservationKind::kHttp);
  ASSERT_EQ(http.size(), 2u);  // tshark: two POSTs
  EXPECT_EQ(http[0].method, "POST");
  EXPECT_EQ(http[0].status_code, 200);
  EXPECT_EQ(http[0].response_body_len, 142628u);
}

TEST(Http, OverlongHeadIsAnAnomaly) {
  std::string req = "GET / HTTP/1.1\r\nX: " + std::string(kMaxHttpHead + 10, 'a') + "\r\n\r\n";
  PcapWriter w;
  const uint32_t a = 0xC0A80001, b = 0xC0A80002;
  uint32_t seq = 1;
  for (size_t i = 0; i < req.size(); i += 1400) {
    std::string part = req.substr(i, 1400);
    w.Packet(Eth(Ipv4(a, b, 6, Tcp(5001, 80, seq, 1, 0x18, part))), 1, static_cast<uint32_t>(i));
    seq += static_cast<uint32_t>(part.size());
  }
  const std::string path = TempPath("http_long.pcap");
  ASSERT_TRUE(w.Write(path));
  CaptureRun run;
  RunCapture(path, run);
  ASSERT_TRUE(run.status.ok());
  EXPECT_EQ(run.stats.malformed, 1u);
  ASSERT_EQ(run.sink.Of(ObservationKind::kAnomaly).size(), 1u);
  EXPECT_EQ(run.sink.Of(ObservationKind::kAnomaly)[0].anomaly, "http_head_too_long");
  EXPECT_TRUE(run.sink.Of(ObservationKind::kHttp).empty());
}

}  // namespace
}  // namespace onus::ingest::detail
