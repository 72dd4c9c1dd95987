#include "decoders/eve/eve.h"

#include <algorithm>
#include <charconv>

#include "onus/core/community_id.h"

namespace onus::ingest::detail {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

std::string_view Str(object o, const char* key) {
  std::string_view s;
  if (o.at_key(key).get_string().get(s)) return {};
  return s;
}

bool U64(object o, const char* key, uint64_t& out) {
  element e;
  if (o.at_key(key).get(e)) return false;
  if (!e.get_uint64().get(out)) return true;
  int64_t i;
  if (!e.get_int64().get(i) && i >= 0) {
    out = static_cast<uint64_t>(i);
    return true;
  }
  double d;
  if (!e.get_double().get(d) && d >= 0 && d < 1.8e19) {
    out = static_cast<uint64_t>(d);
    return true;
  }
  return false;
}

void Lower(std::string_view in, std::string& out) {
  out.assign(in);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
}

uint16_t QtypeNumber(std::string_view n) {
  static constexpr std::pair<std::string_view, uint16_t> kTypes[] = {
      {"A", 1},     {"NS", 2},    {"CNAME", 5}, {"SOA", 6},   {"PTR", 12},  {"HINFO", 13}, {"MX", 15},
      {"TXT", 16},  {"AAAA", 28}, {"SRV", 33},  {"NAPTR", 35}, {"DS", 43},  {"RRSIG", 46}, {"NSEC", 47},
      {"DNSKEY", 48}, {"SVCB", 64}, {"HTTPS", 65}, {"AXFR", 252}, {"ANY", 255}, {"NULL", 10}, {"CAA", 257}};
  for (auto& [name, num] : kTypes)
    if (name == n) return num;
  return 0;
}

bool RcodeNumber(std::string_view n, uint16_t& out) {
  static constexpr std::string_view kNames[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
                                                "NOTIMP",  "REFUSED", "YXDOMAIN", "YXRRSET",
                                                "NXRRSET", "NOTAUTH", "NOTZONE"};
  for (size_t i = 0; i < std::size(kNames); ++i) {
    if (kNames[i] == n) {
      out = static_cast<uint16_t>(i);
      return true;
    }
  }
  return false;
}

// "TLS 1.2" → "TLSv12", "SSLv3" stays: the names Zeek's ssl.log uses.
void TlsVersion(std::string_view v, std::string& out) {
  if (v.size() == 7 && v.substr(0, 4) == "TLS " && v[5] == '.') {
    out = "TLSv";
    out.push_back(v[4]);
    out.push_back(v[6]);
    return;
  }
  out.assign(v);
}

uint8_t ProtoNumber(std::string_view p, bool v6) {
  if (p == "tcp") return 6;
  if (p == "udp") return 17;
  if (p == "icmp") return v6 ? 58 : 1;
  if (p == "sctp") return 132;
  return 0;
}

}  // namespace

bool ParseEveTime(std::string_view t, Timestamp& out) {
  char buf[64];
  if (t.size() < 19 || t.size() > 48) return false;
  std::string_view s = t;
  // No zone → UTC; "+hhmm" → "+hh:mm".
  size_t tpos = s.find_first_of("Tt ");
  size_t zone = std::string_view::npos;
  if (tpos != std::string_view::npos) {
    for (size_t i = tpos + 1; i < s.size(); ++i) {
      if (s[i] == 'Z' || s[i] == 'z' || s[i] == '+' || s[i] == '-') {
        zone = i;
        break;
      }
    }
  }
  size_t n = s.size();
  std::copy(s.begin(), s.end(), buf);
  if (zone == std::string_view::npos) {
    buf[n++] = 'Z';
  } else if (s[zone] != 'Z' && s[zone] != 'z' && n - zone == 5) {
    buf[n] = buf[n - 1];
    buf[n - 1] = buf[n - 2];
    buf[n - 2] = ':';
    ++n;
  }
  auto r = ParseRfc3339(std::string_view(buf, n));
  if (!r.ok()) return false;
  out = *r;
  return true;
}

EveDecoder::EveDecoder(LogEmitter& emitter) : emitter_(emitter) {}

bool EveDecoder::Common(object o, std::string_view) {
  Observation& obs = obs_;
  std::string_view ts = Str(o, "timestamp");
  if (!ParseEveTime(ts, obs.ts)) {
    error_ = "missing or invalid timestamp";
    return false;
  }
  uint64_t flow_id = 0;
  if (U64(o, "flow_id", flow_id)) {
    char b[24];
    auto r = std::to_chars(b, b + sizeof b, flow_id);
    obs.uid.assign(b, r.ptr);
  }
  std::string_view src = Str(o, "src_ip"), dst = Str(o, "dest_ip");
  uint64_t sp = 0, dp = 0;
  U64(o, "src_port", sp);
  U64(o, "dest_port", dp);
  if (!src.empty() && !dst.empty()) {
    auto a = IpAddress::Parse(src);
    auto b = IpAddress::Parse(dst);
    if (a.ok() && b.ok() && sp <= 65535 && dp <= 65535) {
      obs.orig_h = *a;
      obs.resp_h = *b;
      obs.orig_p = static_cast<uint16_t>(sp);
      obs.resp_p = static_cast<uint16_t>(dp);
      obs.has_endpoints = true;
    } else {
      error_ = "invalid src_ip/dest_ip/port";
    }
  }
  std::string_view proto = Str(o, "proto");
  if (!proto.empty()) {
    Lower(proto, obs.proto);
    if (obs.proto == "ipv6-icmp" || obs.proto == "icmpv6") obs.proto = "icmp";
    uint64_t pn = 0;
    auto r = std::from_chars(proto.data(), proto.data() + proto.size(), pn);
    if (r.ec == std::errc() && r.ptr == proto.data() + proto.size()) {
      obs.proto = pn == 6 ? "tcp" : pn == 17 ? "udp" : (pn == 1 || pn == 58) ? "icmp" : obs.proto;
    }
  }
  obs.community_id.assign(Str(o, "community_id"));
  return true;
}

void EveDecoder::Dns(object d) {
  Observation& obs = obs_;
  std::string_view type = Str(d, "type");
  std::string_view rrname = Str(d, "rrname"), rrtype = Str(d, "rrtype");
  array queries;
  if (!d.at_key("queries").get_array().get(queries)) {  // v3
    for (element q : queries) {
      object qo;
      if (q.get_object().get(qo)) continue;
      rrname = Str(qo, "rrname");
      rrtype = Str(qo, "rrtype");
      break;
    }
  }
  obs.query.assign(rrname);
  obs.qtype_name.assign(rrtype);
  obs.qtype = QtypeNumber(rrtype);
  std::string_view rcode = Str(d, "rcode");
  if (!rcode.empty()) {
    obs.rcode_name.assign(rcode);
    obs.has_rcode = RcodeNumber(rcode, obs.rcode);
  }
  array answers;
  if (!d.at_key("answers").get_array().get(answers)) {  // v2 detailed / v3
    for (element a : answers) {
      object ao;
      if (a.get_object().get(ao)) continue;
      DnsAnswer& ans = obs.answers.emplace_back();
      ans.type.assign(Str(ao, "rrtype"));
      ans.value.assign(Str(ao, "rdata"));
      uint64_t ttl = 0;
      if (U64(ao, "ttl", ttl)) ans.ttl = static_cast<uint32_t>(std::min<uint64_t>(ttl, 0xFFFFFFFFu));
    }
  } else if (type == "answer") {  // v1: one event per answer record
    std::string_view rdata = Str(d, "rdata");
    if (!rdata.empty()) {
      DnsAnswer& ans = obs.answers.emplace_back();
      ans.type.assign(rrtype);
      ans.value.assign(rdata);
      uint64_t ttl = 0;
      if (U64(d, "ttl", ttl)) ans.ttl = static_cast<uint32_t>(std::min<uint64_t>(ttl, 0xFFFFFFFFu));
    }
  }
  // Answers are sent by the server: make orig the client.
  if (obs.has_endpoints && obs.orig_p == 53 && obs.resp_p != 53) {
    std::swap(obs.orig_h, obs.resp_h);
    std::swap(obs.orig_p, obs.resp_p);
  }
}

void EveDecoder::Tls(object t) {
  Observation& obs = obs_;
  obs.server_name.assign(Str(t, "sni"));
  TlsVersion(Str(t, "version"), obs.tls_version);
  object ja;
  if (!t.at_key("ja3").get_object().get(ja)) {
    obs.ja3.assign(Str(ja, "hash"));
    obs.ja3_string.assign(Str(ja, "string"));
  }
  if (!t.at_key("ja3s").get_object().get(ja)) {
    obs.ja3s.assign(Str(ja, "hash"));
    obs.ja3s_string.assign(Str(ja, "string"));
  }
  std::string_view ja4 = Str(t, "ja4");
  if (ja4.empty()) {
    object j4;
    if (!t.at_key("ja4").get_object().get(j4)) ja4 = Str(j4, "hash");
  }
  obs.ja4.assign(ja4);
  if (NormalizeHexFingerprint(Str(t, "fingerprint"), scratch_) && scratch_.size() == 40) obs.cert_sha1 = scratch_;
  obs.subject.assign(Str(t, "subject"));
  obs.issuer.assign(Str(t, "issuerdn"));
  obs.serial.assign(Str(t, "serial"));
  ParseEveTime(Str(t, "notbefore"), obs.not_before);
  ParseEveTime(Str(t, "notafter"), obs.not_after);
  array alpn;
  if (!t.at_key("client_alpns").get_array().get(alpn)) {
    for (element a : alpn) {
      std::string_view s;
      if (!a.get_string().get(s)) obs.alpn.emplace_back(s);
    }
  }
}

void EveDecoder::Http(object h) {
  Observation& obs = obs_;
  obs.host.assign(Str(h, "hostname"));
  obs.uri.assign(Str(h, "url"));
  obs.user_agent.assign(Str(h, "http_user_agent"));
  obs.method.assign(Str(h, "http_method"));
  obs.referrer.assign(Str(h, "http_refer"));
  obs.content_type.assign(Str(h, "http_content_type"));
  uint64_t n = 0;
  if (U64(h, "status", n) && n <= 65535) obs.status_code = static_cast<uint16_t>(n);
  if (U64(h, "length", n)) obs.response_body_len = n;
}

Status EveDecoder::Line(std::string_view line, uint64_t line_no) {
  std::string_view t = TrimSpace(line);
  if (t.empty()) return Status::Ok();
  element doc;
  if (auto err = parser_.Parse(t).get(doc); err) {
    std::string what = "invalid JSON: ";
    what += simdjson::error_message(err);
    return emitter_.Malformed(line_no, "broken_log_line", what, line, last_ts_);
  }
  object o;
  if (doc.get_object().get(o)) return emitter_.Malformed(line_no, "broken_log_line", "not a JSON object", line, last_ts_);
  std::string_view et = Str(o, "event_type");
  if (et.empty()) return emitter_.Malformed(line_no, "broken_log_line", "no event_type", line, last_ts_);
  ResetObservation(obs_);
  error_.clear();
  if (!Common(o, line)) return emitter_.Malformed(line_no, "broken_log_line", error_, line, last_ts_);
  last_ts_ = obs_.ts;
  Observation& obs = obs_;
  object sub;
  if (et == "flow" || et == "netflow") {
    obs.kind = ObservationKind::kConn;
    obs.service.assign(Str(o, "app_proto"));
    if (obs.service == "failed") obs.service.clear();
    if (!o.at_key(et == "flow" ? "flow" : "netflow").get_object().get(sub)) {
      U64(sub, "pkts_toserver", obs.orig_pkts);
      U64(sub, "pkts_toclient", obs.resp_pkts);
      U64(sub, "bytes_toserver", obs.orig_ip_bytes);
      U64(sub, "bytes_toclient", obs.resp_ip_bytes);
      uint64_t pk = 0;  // netflow: one direction per record
      if (U64(sub, "pkts", pk)) obs.orig_pkts = pk;
      if (U64(sub, "bytes", pk)) obs.orig_ip_bytes = pk;
      // EVE counts bytes of whole packets (IP level), so they are the conn's *_ip_bytes; the
      // payload byte counts (orig_bytes/resp_bytes) are not known and stay 0.
      Timestamp start, end;
      if (ParseEveTime(Str(sub, "start"), start)) {
        obs.ts = start;
        if (ParseEveTime(Str(sub, "end"), end) && end >= start)
          obs.duration = static_cast<double>((end.nanos() - start.nanos()) / 1000) / 1e6;
      }
    }
  } else if (et == "dns") {
    obs.kind = ObservationKind::kDns;
    if (!o.at_key("dns").get_object().get(sub)) Dns(sub);
  } else if (et == "tls") {
    obs.kind = ObservationKind::kTls;
    if (!o.at_key("tls").get_object().get(sub)) Tls(sub);
  } else if (et == "http") {
    obs.kind = ObservationKind::kHttp;
    if (!o.at_key("http").get_object().get(sub)) Http(sub);
  } else if (et == "fileinfo") {
    obs.kind = ObservationKind::kFile;
    if (!o.at_key("fileinfo").get_object().get(sub)) {
      obs.filename.assign(Str(sub, "filename"));
      obs.md5.assign(Str(sub, "md5"));
      obs.file_sha1.assign(Str(sub, "sha1"));
      obs.file_sha256.assign(Str(sub, "sha256"));
      obs.mime_type.assign(Str(sub, "mime_type"));
      U64(sub, "size", obs.file_size);
    }
  } else if (et == "alert") {
    obs.kind = ObservationKind::kAlert;
    if (!o.at_key("alert").get_object().get(sub)) {
      obs.signature.assign(Str(sub, "signature"));
      obs.category.assign(Str(sub, "category"));
      obs.action.assign(Str(sub, "action"));
      U64(sub, "signature_id", obs.signature_id);
      uint64_t sev = 0;
      if (U64(sub, "severity", sev) && sev < 256) obs.severity = static_cast<int>(sev);
    }
  } else if (et == "anomaly") {
    obs.kind = ObservationKind::kAnomaly;
    if (!o.at_key("anomaly").get_object().get(sub)) {
      std::string_view ev = Str(sub, "event");
      obs.anomaly.assign(ev.empty() ? Str(sub, "type") : ev);
      obs.category.assign(Str(sub, "layer"));
    }
    obs.raw.assign(t);
  } else {
    obs.kind = ObservationKind::kOther;
    obs.raw.assign(t);
  }
  obs.log_type.assign(et);
  if (obs.community_id.empty() && obs.has_endpoints && !obs.proto.empty()) {
    uint8_t p = ProtoNumber(obs.proto, !obs.orig_h.is_v4());
    char id[kCommunityIdV1Size];
    if (p) obs.community_id.assign(CommunityIdV1Into(obs.orig_h, obs.resp_h, p, obs.orig_p, obs.resp_p, id));
  }
  if (!error_.empty()) ONUS_RETURN_IF_ERROR(emitter_.Malformed(line_no, "bad_log_field", error_, line, obs.ts));
  ONUS_RETURN_IF_ERROR(emitter_.Emit(obs, line_no));
  // The server certificate as its own x509 record (EVE logs the leaf only).
  if (obs.kind == ObservationKind::kTls && !obs.cert_sha1.empty() && emitter_.Wants(ObservationKind::kX509)) {
    obs.kind = ObservationKind::kX509;
    obs.sha1 = obs.cert_sha1;
    return emitter_.Emit(obs, line_no);
  }
  return Status::Ok();
}

}  // namespace onus::ingest::detail
