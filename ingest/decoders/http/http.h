// HTTP/1.x: request and response heads over a reassembled TCP stream → one http observation per
// request/response pair (Zeek's http.log): method, host, uri, user_agent, referrer, status_code,
// content_type, body lengths.
// Contract: a message head is at most kMaxHead bytes (else an anomaly and that direction stops);
// bodies are skipped by Content-Length or chunked framing without being buffered. Pipelined
// requests are paired with responses in order. Records carry the request's ts and packet.
// Thread-safety: pure functions; a decoder belongs to one flow.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace onus::ingest::detail {

inline constexpr size_t kMaxHttpHead = 16 * 1024;

struct HttpHead {
  bool is_request = false;
  std::string method, uri, version;
  uint16_t status = 0;
  std::string host, user_agent, referrer, content_type, transfer_encoding;
  int64_t content_length = -1;  // -1: absent
};

// Parses one head (start line + header fields, without the final empty line). False when the
// start line is not HTTP/1.x.
bool ParseHttpHead(std::string_view head, HttpHead& out);

}  // namespace onus::ingest::detail
