#include "decoders/http/http.h"

#include <algorithm>
#include <cstring>
#include <vector>
#include <memory>

#include "decoders/flow/app.h"
#include "onus/core/ascii.h"

namespace onus::ingest::detail {

namespace {

bool IEquals(std::string_view a, std::string_view b) { return AsciiEqualsNoCase(a, b); }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool IsToken(std::string_view s) {
  if (s.empty() || s.size() > 32) return false;
  for (char c : s)
    if (!(c >= 'A' && c <= 'Z') && c != '-' && c != '_') return false;
  return true;
}

}  // namespace

bool ParseHttpHead(std::string_view head, HttpHead& h) {
  h = HttpHead();
  size_t eol = head.find('\n');
  std::string_view line = Trim(head.substr(0, eol));
  std::string_view rest = eol == std::string_view::npos ? std::string_view() : head.substr(eol + 1);
  if (line.substr(0, 5) == "HTTP/") {
    size_t sp = line.find(' ');
    if (sp == std::string_view::npos || sp < 6) return false;
    h.version = std::string(line.substr(5, sp - 5));
    std::string_view code = line.substr(sp + 1, 3);
    if (code.size() != 3) return false;
    uint16_t v = 0;
    for (char c : code) {
      if (c < '0' || c > '9') return false;
      v = static_cast<uint16_t>(v * 10 + (c - '0'));
    }
    h.status = v;
    h.is_request = false;
  } else {
    size_t sp1 = line.find(' ');
    if (sp1 == std::string_view::npos) return false;
    size_t sp2 = line.rfind(' ');
    std::string_view method = line.substr(0, sp1);
    if (!IsToken(method)) return false;
    h.method = std::string(method);
    if (sp2 > sp1 && line.substr(sp2 + 1, 5) == "HTTP/") {
      h.uri = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
      h.version = std::string(line.substr(sp2 + 6));
    } else {
      h.uri = std::string(line.substr(sp1 + 1));  // HTTP/0.9
      h.version = "0.9";
    }
    h.is_request = true;
  }
  while (!rest.empty()) {
    eol = rest.find('\n');
    std::string_view l = rest.substr(0, eol);
    rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 1);
    size_t colon = l.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view name = Trim(l.substr(0, colon));
    std::string_view value = Trim(l.substr(colon + 1));
    if (IEquals(name, "host")) {
      h.host = std::string(value);
    } else if (IEquals(name, "user-agent")) {
      h.user_agent = std::string(value);
    } else if (IEquals(name, "referer")) {
      h.referrer = std::string(value);
    } else if (IEquals(name, "content-type")) {
      h.content_type = std::string(value);
    } else if (IEquals(name, "transfer-encoding")) {
      h.transfer_encoding = std::string(value);
    } else if (IEquals(name, "content-length")) {
      int64_t v = 0;
      bool ok = !value.empty();
      for (char c : value) {
        if (c < '0' || c > '9' || v > (int64_t{1} << 50)) {
          ok = false;
          break;
        }
        v = v * 10 + (c - '0');
      }
      if (ok) h.content_length = v;
    }
  }
  return true;
}

namespace {

class HttpDecoder final : public AppDecoder {
 public:
  void OnData(int dir, const uint8_t* data, size_t len, AppEmitter& e) override {
    Side& s = side_[dir];
    while (len > 0 && !s.failed) {
      if (s.state == kBody) {
        size_t take = static_cast<size_t>(std::min<uint64_t>(s.remaining, len));
        s.remaining -= take;
        data += take;
        len -= take;
        if (s.remaining == 0) s.state = s.chunked ? kChunkEnd : kHead;
        continue;
      }
      if (s.state == kBodyUntilClose) return;
      // Line-oriented states: head, chunk size line, chunk CRLF, trailers.
      const uint8_t* nl = static_cast<const uint8_t*>(std::memchr(data, '\n', len));
      size_t take = nl ? static_cast<size_t>(nl - data) + 1 : len;
      if (s.buf.size() + take > kMaxHttpHead) {
        e.Anomaly("http_head_too_long");
        s.failed = true;
        s.buf.clear();
        s.line_start = 0;
        return;
      }
      s.buf.append(reinterpret_cast<const char*>(data), take);
      data += take;
      len -= take;
      if (!nl) return;
      Line(dir, s, e);
      s.line_start = s.buf.size();
    }
  }

  void OnGap(int dir, AppEmitter&) override {
    // Lost bytes: resynchronise at the next message start.
    Side& s = side_[dir];
    s.buf.clear();
    s.line_start = 0;
    s.state = kHead;
    s.resync = true;
    s.failed = false;
  }

  void OnEnd(AppEmitter& e) override {
    while (!pending_.empty()) {
      Emit(pending_.front(), nullptr, e);
      pending_.erase(pending_.begin());
    }
  }

  bool Done() const override {
    if (side_[0].failed || side_[1].failed) return true;
    auto idle = [](const Side& s) { return s.state == kHead && s.buf.empty() && !s.resync; };
    return pending_.empty() && idle(side_[0]) && idle(side_[1]);
  }
  bool Failed() const override { return side_[0].failed || side_[1].failed; }
  void Resume() override { side_[0].resync = side_[1].resync = true; }

 private:
  enum State : uint8_t { kHead, kBody, kChunkSize, kChunkEnd, kTrailers, kBodyUntilClose };
  struct Side {
    State state = kHead;
    bool failed = false, chunked = false, resync = false;
    uint64_t remaining = 0;
    size_t line_start = 0;  // where the last (just completed) line begins in buf
    std::string buf;
  };
  struct Request {
    HttpHead head;
    int64_t ts;
    uint64_t index;
  };

  void Line(int dir, Side& s, AppEmitter& e) {
    std::string_view l(s.buf.data() + s.line_start, s.buf.size() - s.line_start);
    bool empty_line = l == "\n" || l == "\r\n";
    switch (s.state) {
      case kHead: {
        if (empty_line && s.line_start == 0) {
          s.buf.clear();  // stray CRLF between messages
          return;
        }
        if (s.line_start == 0 && !StartLine(l)) {
          // Not an HTTP message start: after a gap skip to the next one, else give up.
          s.buf.clear();
          if (!s.resync) {
            e.Anomaly("http_bad_start_line");
            s.failed = true;
          }
          return;
        }
        if (!empty_line) return;  // keep accumulating the head
        Head(dir, s, e);
        return;
      }
      case kChunkSize: {
        uint64_t v = 0;
        size_t digits = 0;
        for (char c : l) {
          int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
          if (d < 0) break;
          if (++digits > 15) break;
          v = v * 16 + static_cast<uint64_t>(d);
        }
        s.buf.clear();
        if (digits == 0) {
          e.Anomaly("http_bad_chunk_size");
          s.failed = true;
          return;
        }
        if (v == 0) {
          s.state = kTrailers;
        } else {
          s.remaining = v;
          s.state = kBody;
        }
        return;
      }
      case kChunkEnd:
        s.buf.clear();
        s.state = kChunkSize;
        return;
      case kTrailers:
        s.buf.clear();
        if (empty_line) s.state = kHead;
        return;
      default:
        s.buf.clear();
        return;
    }
  }

  static bool StartLine(std::string_view l) {
    if (l.substr(0, 5) == "HTTP/") return true;
    size_t sp = l.find(' ');
    return sp != std::string_view::npos && IsToken(l.substr(0, sp));
  }

  void Head(int dir, Side& s, AppEmitter& e) {
    // s.buf holds the whole head ending with an empty line.
    bool ok = ParseHttpHead(s.buf, head_);
    s.buf.clear();
    if (!ok) {
      if (!s.resync) {
        e.Anomaly("http_bad_start_line");
        s.failed = true;
      }
      return;
    }
    s.resync = false;
    s.chunked = head_.transfer_encoding.find("chunked") != std::string::npos;
    if (head_.is_request) {
      (void)dir;
      if (pending_.size() >= 32) {
        Emit(pending_.front(), nullptr, e);
        pending_.erase(pending_.begin());
      }
      pending_.push_back(Request{head_, e.packet_ts(), e.packet_index()});
      if (s.chunked) {
        s.state = kChunkSize;
      } else if (head_.content_length > 0) {
        s.remaining = static_cast<uint64_t>(head_.content_length);
        s.state = kBody;
      }
      return;
    }
    // A response (Zeek confirms the http service on a parsed reply). 1xx are interim: no record.
    e.SetService("http");
    if (head_.status >= 100 && head_.status < 200) return;
    const Request* req = pending_.empty() ? nullptr : &pending_.front();
    bool no_body = head_.status == 204 || head_.status == 304 || (req && req->head.method == "HEAD");
    if (req) {
      Emit(*req, &head_, e);
      pending_.erase(pending_.begin());
    } else {
      Request none{HttpHead(), e.packet_ts(), e.packet_index()};
      Emit(none, &head_, e);
    }
    if (no_body) return;
    if (s.chunked) {
      s.state = kChunkSize;
    } else if (head_.content_length > 0) {
      s.remaining = static_cast<uint64_t>(head_.content_length);
      s.state = kBody;
    } else if (head_.content_length < 0) {
      s.state = kBodyUntilClose;
    }
  }

  void Emit(const Request& r, const HttpHead* resp, AppEmitter& e) {
    if (!e.Wants(ObservationKind::kHttp)) return;
    Observation& o = e.BeginAt(ObservationKind::kHttp, r.ts, r.index);
    o.method = r.head.method;
    o.host = r.head.host;
    o.uri = r.head.uri;
    o.user_agent = r.head.user_agent;
    o.referrer = r.head.referrer;
    if (r.head.content_length > 0) o.request_body_len = static_cast<uint64_t>(r.head.content_length);
    if (resp) {
      o.status_code = resp->status;
      o.content_type = resp->content_type;
      if (resp->content_length > 0) o.response_body_len = static_cast<uint64_t>(resp->content_length);
    }
    e.Commit();
  }

  Side side_[2];
  std::vector<Request> pending_;
  HttpHead head_;
};

}  // namespace

std::unique_ptr<AppDecoder> MakeHttpDecoder() { return std::make_unique<HttpDecoder>(); }

}  // namespace onus::ingest::detail
