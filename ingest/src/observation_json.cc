#include "onus/ingest/observation_json.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

#include "json_util.h"

namespace onus::ingest {
namespace {

using detail::AppendJsonString;

void Key(std::string& out, std::string_view k) {
  out.push_back(',');
  out.push_back('"');
  out.append(k);
  out.push_back('"');
  out.push_back(':');
}

void Str(std::string& out, std::string_view k, std::string_view v) {
  Key(out, k);
  AppendJsonString(out, v);
}

void StrOrNull(std::string& out, std::string_view k, std::string_view v) {
  Key(out, k);
  if (v.empty()) {
    out += "null";
  } else {
    AppendJsonString(out, v);
  }
}

void StrIfSet(std::string& out, std::string_view k, std::string_view v) {
  if (!v.empty()) Str(out, k, v);
}

void U64(std::string& out, std::string_view k, uint64_t v) {
  Key(out, k);
  char b[24];
  auto r = std::to_chars(b, b + sizeof b, v);
  out.append(b, r.ptr);
}

void Bool(std::string& out, std::string_view k, bool v) {
  Key(out, k);
  out += v ? "true" : "false";
}

void StrList(std::string& out, std::string_view k, const std::vector<std::string>& v) {
  Key(out, k);
  out.push_back('[');
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out.push_back(',');
    AppendJsonString(out, v[i]);
  }
  out.push_back(']');
}

void Two(char* p, unsigned v) {
  p[0] = static_cast<char>('0' + v / 10);
  p[1] = static_cast<char>('0' + v % 10);
}

// RFC 3339 UTC with microseconds: "2021-03-01T00:00:00.123456Z" (truncated, never rounded).
void AppendTime(std::string& out, Timestamp t) {
  int64_t ns = t.nanos();
  // Floor division without negating (INT64_MIN has no positive counterpart).
  int64_t secs = ns / kNanosPerSecond - (ns % kNanosPerSecond < 0 ? 1 : 0);
  int64_t rem = ns % kNanosPerSecond;  // not ns - secs*1e9: that product overflows at INT64_MIN
  int64_t us = (rem < 0 ? rem + kNanosPerSecond : rem) / 1000;
  int64_t days = secs / 86400 - (secs % 86400 < 0 ? 1 : 0);
  int64_t sod = secs - days * 86400;
  // civil_from_days (H. Hinnant)
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  auto doe = static_cast<unsigned>(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = static_cast<int64_t>(yoe) + era * 400;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  unsigned d = doy - (153 * mp + 2) / 5 + 1;
  unsigned m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
  if (y < 0 || y > 9999) {  // outside RFC 3339's range: clamp to the epoch rather than emit junk
    out += "\"1970-01-01T00:00:00.000000Z\"";
    return;
  }
  char b[32];
  b[0] = '"';
  auto yy = static_cast<unsigned>(y);
  Two(b + 1, yy / 100);
  Two(b + 3, yy % 100);
  b[5] = '-';
  Two(b + 6, m);
  b[8] = '-';
  Two(b + 9, d);
  b[11] = 'T';
  Two(b + 12, static_cast<unsigned>(sod / 3600));
  b[14] = ':';
  Two(b + 15, static_cast<unsigned>(sod / 60 % 60));
  b[17] = ':';
  Two(b + 18, static_cast<unsigned>(sod % 60));
  b[20] = '.';
  auto u = static_cast<unsigned>(us);
  for (int i = 26; i >= 21; --i) {
    b[i] = static_cast<char>('0' + u % 10);
    u /= 10;
  }
  b[27] = 'Z';
  b[28] = '"';
  out.append(b, 29);
}

void TimeOrNull(std::string& out, std::string_view k, Timestamp t, bool set) {
  Key(out, k);
  if (set) {
    AppendTime(out, t);
  } else {
    out += "null";
  }
}

void AppendIp(std::string& out, const IpAddress& a) {
  char b[INET6_ADDRSTRLEN + 2];
  if (a.is_v4()) {
    uint32_t v = a.v4();
    char* p = b;
    *p++ = '"';
    for (int i = 3; i >= 0; --i) {
      auto r = std::to_chars(p, p + 4, (v >> (8 * i)) & 0xff);
      p = r.ptr;
      if (i) *p++ = '.';
    }
    *p++ = '"';
    out.append(b, p);
    return;
  }
  b[0] = '"';
  inet_ntop(AF_INET6, a.bytes().data(), b + 1, INET6_ADDRSTRLEN);
  out.append(b);
  out.push_back('"');
}

}  // namespace

void AppendJsonLine(const Observation& o, std::string& out) {
  out += "{\"kind\":\"";
  out.append(KindName(o.kind));
  out += "\",\"ts\":";
  AppendTime(out, o.ts);
  StrOrNull(out, "uid", o.uid);
  StrOrNull(out, "community_id", o.community_id);
  if (o.has_endpoints) {
    out += ",\"orig_h\":";
    AppendIp(out, o.orig_h);
    U64(out, "orig_p", o.orig_p);
    out += ",\"resp_h\":";
    AppendIp(out, o.resp_h);
    U64(out, "resp_p", o.resp_p);
  } else {
    out += ",\"orig_h\":null,\"orig_p\":null,\"resp_h\":null,\"resp_p\":null";
  }
  StrOrNull(out, "proto", o.proto);
  out += ",\"src\":{\"path\":";
  if (o.src.input) {
    AppendJsonString(out, o.src.input->path);
    out += ",\"sha256\":";
    AppendJsonString(out, o.src.input->sha256);
  } else {
    out += "null,\"sha256\":null";
  }
  U64(out, "record", o.src.record);
  out += o.src.is_packet ? ",\"record_type\":\"packet\"}" : ",\"record_type\":\"line\"}";

  switch (o.kind) {
    case ObservationKind::kConn: {
      StrOrNull(out, "service", o.service);
      Key(out, "duration");
      char b[48];
      auto r = std::to_chars(b, b + sizeof b, o.duration, std::chars_format::fixed, 6);
      out.append(b, r.ptr);
      U64(out, "orig_bytes", o.orig_bytes);
      U64(out, "resp_bytes", o.resp_bytes);
      U64(out, "orig_pkts", o.orig_pkts);
      U64(out, "resp_pkts", o.resp_pkts);
      U64(out, "orig_ip_bytes", o.orig_ip_bytes);
      U64(out, "resp_ip_bytes", o.resp_ip_bytes);
      StrOrNull(out, "conn_state", o.conn_state);
      StrOrNull(out, "history", o.history);
      Bool(out, "local_orig", o.local_orig);
      Bool(out, "local_resp", o.local_resp);
      break;
    }
    case ObservationKind::kDns:
      StrOrNull(out, "query", o.query);
      if (o.qtype) {
        U64(out, "qtype", o.qtype);
      }
      StrOrNull(out, "qtype_name", o.qtype_name);
      if (o.has_rcode) U64(out, "rcode", o.rcode);
      StrOrNull(out, "rcode_name", o.rcode_name);
      Key(out, "answers");
      out.push_back('[');
      for (size_t i = 0; i < o.answers.size(); ++i) {
        if (i) out.push_back(',');
        out += "{\"type\":";
        AppendJsonString(out, o.answers[i].type);
        out += ",\"value\":";
        AppendJsonString(out, o.answers[i].value);
        out += ",\"ttl\":";
        char b[16];
        auto r = std::to_chars(b, b + sizeof b, o.answers[i].ttl);
        out.append(b, r.ptr);
        out.push_back('}');
      }
      out.push_back(']');
      break;
    case ObservationKind::kTls:
      StrOrNull(out, "server_name", o.server_name);
      StrOrNull(out, "ja3", o.ja3);
      StrOrNull(out, "ja3s", o.ja3s);
      StrOrNull(out, "ja4", o.ja4);
      StrOrNull(out, "cert_sha1", o.cert_sha1);
      StrIfSet(out, "cert_sha256", o.sha256);
      StrIfSet(out, "version", o.tls_version);
      if (!o.alpn.empty()) StrList(out, "alpn", o.alpn);
      if (!o.cert_chain_sha1.empty()) StrList(out, "cert_chain_sha1", o.cert_chain_sha1);
      StrIfSet(out, "ja3_string", o.ja3_string);
      StrIfSet(out, "ja3s_string", o.ja3s_string);
      StrIfSet(out, "subject", o.subject);
      StrIfSet(out, "issuer", o.issuer);
      break;
    case ObservationKind::kX509:
      StrOrNull(out, "sha1", o.sha1);
      StrOrNull(out, "sha256", o.sha256);
      StrOrNull(out, "subject", o.subject);
      StrOrNull(out, "issuer", o.issuer);
      StrOrNull(out, "serial", o.serial);
      TimeOrNull(out, "not_before", o.not_before, o.not_before.nanos() != 0);
      TimeOrNull(out, "not_after", o.not_after, o.not_after.nanos() != 0);
      StrList(out, "san_dns", o.san_dns);
      break;
    case ObservationKind::kHttp:
      StrOrNull(out, "method", o.method);
      StrOrNull(out, "host", o.host);
      StrOrNull(out, "uri", o.uri);
      StrOrNull(out, "user_agent", o.user_agent);
      Key(out, "status_code");
      if (o.status_code) {
        char b[8];
        auto r = std::to_chars(b, b + sizeof b, o.status_code);
        out.append(b, r.ptr);
      } else {
        out += "null";
      }
      StrIfSet(out, "referrer", o.referrer);
      StrIfSet(out, "content_type", o.content_type);
      U64(out, "request_body_len", o.request_body_len);
      U64(out, "response_body_len", o.response_body_len);
      break;
    case ObservationKind::kFile:
      StrOrNull(out, "filename", o.filename);
      StrOrNull(out, "mime_type", o.mime_type);
      U64(out, "size", o.file_size);
      StrOrNull(out, "md5", o.md5);
      StrOrNull(out, "sha1", o.file_sha1);
      StrOrNull(out, "sha256", o.file_sha256);
      break;
    case ObservationKind::kIcs:
      StrOrNull(out, "protocol", o.ics_protocol);
      StrOrNull(out, "function", o.function);
      if (o.function_code) U64(out, "function_code", o.function_code);
      Bool(out, "is_command", o.is_command);
      break;
    case ObservationKind::kAlert:
      StrOrNull(out, "signature", o.signature);
      U64(out, "signature_id", o.signature_id);
      StrOrNull(out, "category", o.category);
      Key(out, "severity");
      {
        char b[16];
        auto r = std::to_chars(b, b + sizeof b, o.severity);
        out.append(b, r.ptr);
      }
      StrOrNull(out, "action", o.action);
      break;
    case ObservationKind::kAnomaly:
      StrOrNull(out, "anomaly", o.anomaly);
      StrIfSet(out, "note", o.note);
      StrIfSet(out, "category", o.category);
      StrIfSet(out, "log_type", o.log_type);
      StrIfSet(out, "raw", o.raw);
      break;
    case ObservationKind::kGrid:
      StrOrNull(out, "site", o.site);
      StrOrNull(out, "asset", o.asset);
      StrOrNull(out, "event", o.grid_event);
      StrOrNull(out, "initiator", o.initiator);
      StrOrNull(out, "command", o.command);
      StrOrNull(out, "console", o.console);
      StrOrNull(out, "note", o.note);
      if (!o.raw.empty() && o.raw.front() == '{') {
        Key(out, "raw");
        out += o.raw;  // one JSON object, validated by the decoder
      }
      break;
    case ObservationKind::kOther:
      StrOrNull(out, "log_type", o.log_type);
      StrIfSet(out, "signature", o.signature);
      StrIfSet(out, "category", o.category);
      Key(out, "raw");
      if (!o.raw.empty() && o.raw.front() == '{') {
        out += o.raw;  // one JSON object, validated or built by the decoder
      } else {
        out += "null";
      }
      break;
  }
  out += "}\n";
}

std::string ToJsonLine(const Observation& obs) {
  std::string out;
  out.reserve(512);
  AppendJsonLine(obs, out);
  return out;
}

}  // namespace onus::ingest
