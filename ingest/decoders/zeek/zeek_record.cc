#include "decoders/zeek/zeek_record.h"

#include <charconv>
#include <cmath>

#include "log_emitter.h"
#include "onus/core/community_id.h"

namespace onus::ingest::detail {
namespace {

using F = ZeekField;

bool ParseU64(std::string_view v, uint64_t& out) {
  if (v.empty()) return false;
  if (v.size() < 20) {  // cannot overflow: an inline loop (from_chars is a library call)
    uint64_t x = 0;
    for (char c : v) {
      auto d = static_cast<unsigned>(c - '0');
      if (d > 9) return false;
      x = x * 10 + d;
    }
    out = x;
    return true;
  }
  auto r = std::from_chars(v.data(), v.data() + v.size(), out);
  return r.ec == std::errc() && r.ptr == v.data() + v.size();
}

bool ParseDouble(std::string_view v, double& out) {
  if (v.empty()) return false;
  auto r = std::from_chars(v.data(), v.data() + v.size(), out);
  return r.ec == std::errc() && r.ptr == v.data() + v.size() && std::isfinite(out);
}

// Dotted-quad IPv4 without leading zeros (what Zeek writes) parsed inline; text with a ':' goes
// through core's IpAddress::Parse. Text without ':' that is not such a dotted quad is not an
// address for inet_pton either (four decimal parts <= 255, no leading zeros), so it fails here
// without building an error Status (DNS answers are mostly names).
bool ParseIp(std::string_view v, IpAddress& out) {
  auto fast = [&]() {
    uint8_t b[4];
    size_t i = 0;
    for (int part = 0; part < 4; ++part) {
      size_t start = i;
      unsigned x = 0;
      while (i < v.size() && i - start < 3 && v[i] >= '0' && v[i] <= '9') x = x * 10 + unsigned(v[i++] - '0');
      if (i == start || x > 255 || (i - start > 1 && v[start] == '0')) return false;
      b[part] = static_cast<uint8_t>(x);
      if (part < 3) {
        if (i >= v.size() || v[i] != '.') return false;
        ++i;
      }
    }
    if (i != v.size()) return false;
    out = IpAddress::FromV4Bytes(b);
    return true;
  };
  if (fast()) return true;
  if (v.find(':') == std::string_view::npos) return false;
  auto a = IpAddress::Parse(v);
  if (!a.ok()) return false;
  out = *a;
  return true;
}

// Zeek's interval text rounded to the microsecond (its TSV precision). Plain "S.ffffff" (at most
// six decimals) is exact in integer microseconds; other forms (more digits, exponents from JSON
// writers) go through from_chars and are rounded, which gives the same double for the same value.
bool ParseSecondsToMicro(std::string_view v, double& out) {
  size_t i = 0;
  uint64_t whole = 0;
  while (i < v.size() && i < 12 && v[i] >= '0' && v[i] <= '9') whole = whole * 10 + uint64_t(v[i++] - '0');
  if (i > 0 && i < 12) {
    uint64_t frac = 0;
    size_t digits = 0;
    bool ok = i == v.size();
    if (!ok && v[i] == '.') {
      ++i;
      while (i < v.size() && digits < 6 && v[i] >= '0' && v[i] <= '9') frac = frac * 10 + uint64_t(v[i++] - '0'), ++digits;
      ok = i == v.size();
    }
    if (ok) {
      for (; digits < 6; ++digits) frac *= 10;
      out = static_cast<double>(whole * 1000000 + frac) / 1e6;
      return true;
    }
  }
  double d;
  if (!ParseDouble(v, d) || d < 0) return false;
  out = std::round(d * 1e6) / 1e6;
  return true;
}

bool ParseBool(std::string_view v, bool& out) {
  if (v == "T" || v == "true") {
    out = true;
    return true;
  }
  if (v == "F" || v == "false") {
    out = false;
    return true;
  }
  return false;
}

bool ParsePort(std::string_view v, uint16_t& out) {
  uint64_t n = 0;
  if (!ParseU64(v, n) || n > 65535) return false;
  out = static_cast<uint16_t>(n);
  return true;
}

// Zeek's ICS command vocabulary: function names that change state rather than read it.
bool IsModbusWrite(std::string_view f) {
  return f.find("WRITE") != std::string_view::npos;  // WRITE_*, MASK_WRITE_REGISTER, READ_WRITE_*
}

bool IsDnp3Command(std::string_view f) {
  static constexpr std::string_view kCommands[] = {
      "WRITE", "SELECT", "OPERATE", "DIRECT_OPERATE", "DIRECT_OPERATE_NR", "IMMED_FREEZE", "IMMED_FREEZE_NR",
      "FREEZE_CLEAR", "FREEZE_CLEAR_NR", "FREEZE_AT_TIME", "FREEZE_AT_TIME_NR", "COLD_RESTART", "WARM_RESTART",
      "INITIALIZE_DATA", "INITIALIZE_APPL", "START_APPL", "STOP_APPL", "SAVE_CONFIG", "ENABLE_UNSOLICITED",
      "DISABLE_UNSOLICITED", "ASSIGN_CLASS", "OPEN_FILE", "CLOSE_FILE", "DELETE_FILE", "ABORT_FILE",
      "ACTIVATE_CONFIG"};
  for (auto c : kCommands)
    if (f == c) return true;
  return false;
}

const std::unordered_map<std::string_view, ZeekField>& CommonFields() {
  static const std::unordered_map<std::string_view, ZeekField> m = {
      {"ts", F::kTs},           {"uid", F::kUid},         {"id.orig_h", F::kOrigH}, {"id.orig_p", F::kOrigP},
      {"id.resp_h", F::kRespH}, {"id.resp_p", F::kRespP}, {"proto", F::kProto},     {"community_id", F::kCommunityId},
  };
  return m;
}

const std::unordered_map<std::string_view, ZeekField>& LogFields(ZeekLog log) {
  static const std::unordered_map<std::string_view, ZeekField> conn = {
      {"service", F::kService},     {"duration", F::kDuration},     {"orig_bytes", F::kOrigBytes},
      {"resp_bytes", F::kRespBytes}, {"conn_state", F::kConnState},  {"local_orig", F::kLocalOrig},
      {"local_resp", F::kLocalResp}, {"history", F::kHistory},       {"orig_pkts", F::kOrigPkts},
      {"orig_ip_bytes", F::kOrigIpBytes}, {"resp_pkts", F::kRespPkts}, {"resp_ip_bytes", F::kRespIpBytes}};
  static const std::unordered_map<std::string_view, ZeekField> dns = {
      {"query", F::kQuery},       {"qtype", F::kQtype},   {"qtype_name", F::kQtypeName}, {"rcode", F::kRcode},
      {"rcode_name", F::kRcodeName}, {"answers", F::kAnswers}, {"TTLs", F::kTtls}};
  static const std::unordered_map<std::string_view, ZeekField> ssl = {
      {"version", F::kVersion},         {"server_name", F::kServerName},       {"next_protocol", F::kNextProtocol},
      {"ja3", F::kJa3},                 {"ja3s", F::kJa3s},                    {"ja4", F::kJa4},
      {"cert_chain_fps", F::kCertChainFps}, {"cert_chain_fuids", F::kCertChainFuids}, {"subject", F::kSubject},
      {"issuer", F::kIssuer}};
  static const std::unordered_map<std::string_view, ZeekField> x509 = {
      {"fingerprint", F::kFingerprint},
      {"certificate.serial", F::kCertSerial},
      {"certificate.subject", F::kCertSubject},
      {"certificate.issuer", F::kCertIssuer},
      {"certificate.not_valid_before", F::kCertNotBefore},
      {"certificate.not_valid_after", F::kCertNotAfter},
      {"san.dns", F::kSanDns},
      {"id", F::kFileId}};
  static const std::unordered_map<std::string_view, ZeekField> http = {
      {"method", F::kMethod},         {"host", F::kHost},
      {"uri", F::kUri},               {"referrer", F::kReferrer},
      {"user_agent", F::kUserAgent},  {"status_code", F::kStatusCode},
      {"request_body_len", F::kRequestBodyLen}, {"response_body_len", F::kResponseBodyLen},
      {"resp_mime_types", F::kRespMimeTypes}};
  static const std::unordered_map<std::string_view, ZeekField> files = {
      {"fuid", F::kFuid},         {"conn_uids", F::kConnUids}, {"tx_hosts", F::kTxHosts},
      {"rx_hosts", F::kRxHosts},  {"mime_type", F::kMimeType}, {"filename", F::kFilename},
      {"total_bytes", F::kTotalBytes}, {"seen_bytes", F::kSeenBytes}, {"md5", F::kMd5},
      {"sha1", F::kSha1},         {"sha256", F::kSha256}};
  static const std::unordered_map<std::string_view, ZeekField> notice = {
      {"note", F::kNote}, {"msg", F::kMsg}, {"src", F::kNoticeSrc}, {"dst", F::kNoticeDst}, {"p", F::kNoticeP}};
  static const std::unordered_map<std::string_view, ZeekField> weird = {{"name", F::kName}, {"addl", F::kAddl}};
  static const std::unordered_map<std::string_view, ZeekField> modbus = {
      {"func", F::kModbusFunc}, {"pdu_type", F::kPduType}, {"exception", F::kException}};
  static const std::unordered_map<std::string_view, ZeekField> dnp3 = {{"fc_request", F::kFcRequest},
                                                                      {"fc_reply", F::kFcReply}};
  static const std::unordered_map<std::string_view, ZeekField> none;
  switch (log) {
    case ZeekLog::kConn: return conn;
    case ZeekLog::kDns: return dns;
    case ZeekLog::kSsl: return ssl;
    case ZeekLog::kX509: return x509;
    case ZeekLog::kHttp: return http;
    case ZeekLog::kFiles: return files;
    case ZeekLog::kNotice: return notice;
    case ZeekLog::kWeird: return weird;
    case ZeekLog::kModbus: return modbus;
    case ZeekLog::kDnp3: return dnp3;
    case ZeekLog::kOther: return none;
  }
  return none;
}

uint8_t ProtoNumber(std::string_view proto, bool v6) {
  if (proto == "tcp") return 6;
  if (proto == "udp") return 17;
  if (proto == "icmp") return v6 ? 58 : 1;
  if (proto == "sctp") return 132;
  return 0;
}

}  // namespace

ZeekLog ZeekLogFromPath(std::string_view p) {
  if (p == "conn") return ZeekLog::kConn;
  if (p == "dns") return ZeekLog::kDns;
  if (p == "ssl") return ZeekLog::kSsl;
  if (p == "x509") return ZeekLog::kX509;
  if (p == "http") return ZeekLog::kHttp;
  if (p == "files") return ZeekLog::kFiles;
  if (p == "notice") return ZeekLog::kNotice;
  if (p == "weird") return ZeekLog::kWeird;
  if (p == "modbus") return ZeekLog::kModbus;
  if (p == "dnp3") return ZeekLog::kDnp3;
  return ZeekLog::kOther;
}

ObservationKind ZeekLogKind(ZeekLog log) {
  switch (log) {
    case ZeekLog::kConn: return ObservationKind::kConn;
    case ZeekLog::kDns: return ObservationKind::kDns;
    case ZeekLog::kSsl: return ObservationKind::kTls;
    case ZeekLog::kX509: return ObservationKind::kX509;
    case ZeekLog::kHttp: return ObservationKind::kHttp;
    case ZeekLog::kFiles: return ObservationKind::kFile;
    case ZeekLog::kWeird: return ObservationKind::kAnomaly;
    case ZeekLog::kModbus:
    case ZeekLog::kDnp3: return ObservationKind::kIcs;
    case ZeekLog::kNotice:
    case ZeekLog::kOther: return ObservationKind::kOther;
  }
  return ObservationKind::kOther;
}

ZeekField ZeekFieldFor(ZeekLog log, std::string_view name) {
  const auto& common = CommonFields();
  if (auto it = common.find(name); it != common.end()) {
    // Pass-through logs keep only the connection identity; everything else goes to raw.
    return it->second;
  }
  const auto& m = LogFields(log);
  if (auto it = m.find(name); it != m.end()) return it->second;
  return F::kIgnore;
}

bool ZeekFieldIsList(ZeekField f) {
  switch (f) {
    case F::kAnswers:
    case F::kTtls:
    case F::kCertChainFps:
    case F::kCertChainFuids:
    case F::kSanDns:
    case F::kRespMimeTypes:
    case F::kConnUids:
    case F::kTxHosts:
    case F::kRxHosts: return true;
    default: return false;
  }
}

bool ParseZeekTime(std::string_view v, Timestamp& out) {
  if (v.empty()) return false;
  bool rfc = v.size() >= 10 && v[4] == '-';
  int64_t ns;
  if (rfc) {
    auto t = ParseRfc3339(v);
    if (!t.ok()) return false;
    ns = t->nanos();
  } else {
    auto t = ParseEpochSeconds(v);
    if (!t.ok()) {
      double d;  // JSON writers may use exponents ("1.6e9")
      if (!ParseDouble(v, d) || std::fabs(d) > 9.0e9) return false;
      ns = static_cast<int64_t>(std::llround(d * 1e6)) * 1000;
      out = Timestamp::FromNanos(ns);
      return true;
    }
    ns = t->nanos();
  }
  int64_t us = ns >= 0 ? (ns + 500) / 1000 : -((-ns + 500) / 1000);
  out = Timestamp::FromNanos(us * 1000);
  return true;
}

void ZeekRecordBuilder::Begin(ZeekLog log, std::string_view log_type) {
  log_ = log;
  ResetObservation(obs_);
  obs_.kind = ZeekLogKind(log);
  obs_.log_type.assign(log_type);
  has_ts_ = has_orig_h_ = has_resp_h_ = false;
  ttls_.clear();
  n_chain_fps_ = n_chain_fuids_ = 0;
  fuid_.clear();
  fingerprint_.clear();
  error_.clear();
  scratch_.clear();
  if (log == ZeekLog::kModbus) obs_.ics_protocol = "modbus";
  if (log == ZeekLog::kDnp3) obs_.ics_protocol = "dnp3";
}

bool ZeekRecordBuilder::Bad(ZeekField, std::string_view v) {
  if (error_.empty()) {
    error_ = "bad value '";
    error_.append(v.substr(0, 64));
    error_ += "'";
  }
  return false;
}

bool ZeekRecordBuilder::Set(ZeekField f, std::string_view v) {
  Observation& o = obs_;
  uint64_t n = 0;
  switch (f) {
    case F::kIgnore: return true;
    case F::kTs:
      if (!ParseZeekTime(v, o.ts)) return Bad(f, v);
      has_ts_ = true;
      return true;
    case F::kUid: o.uid.assign(v); return true;
    case F::kOrigH:
    case F::kNoticeSrc:
      if (!ParseIp(v, o.orig_h)) return Bad(f, v);
      has_orig_h_ = true;
      return true;
    case F::kRespH:
    case F::kNoticeDst:
      if (!ParseIp(v, o.resp_h)) return Bad(f, v);
      has_resp_h_ = true;
      return true;
    case F::kOrigP: return ParsePort(v, o.orig_p) || Bad(f, v);
    case F::kRespP:
    case F::kNoticeP: {
      // notice's p is "23/tcp" in some writers
      std::string_view num = v.substr(0, v.find('/'));
      return ParsePort(num, o.resp_p) || Bad(f, v);
    }
    case F::kProto: o.proto.assign(v); return true;
    case F::kCommunityId: o.community_id.assign(v); return true;
    case F::kService: o.service.assign(v); return true;
    case F::kDuration: return ParseSecondsToMicro(v, o.duration) || Bad(f, v);
    case F::kOrigBytes: return ParseU64(v, o.orig_bytes) || Bad(f, v);
    case F::kRespBytes: return ParseU64(v, o.resp_bytes) || Bad(f, v);
    case F::kOrigPkts: return ParseU64(v, o.orig_pkts) || Bad(f, v);
    case F::kRespPkts: return ParseU64(v, o.resp_pkts) || Bad(f, v);
    case F::kOrigIpBytes: return ParseU64(v, o.orig_ip_bytes) || Bad(f, v);
    case F::kRespIpBytes: return ParseU64(v, o.resp_ip_bytes) || Bad(f, v);
    case F::kConnState: o.conn_state.assign(v); return true;
    case F::kHistory: o.history.assign(v); return true;
    case F::kLocalOrig: return ParseBool(v, o.local_orig) || Bad(f, v);
    case F::kLocalResp: return ParseBool(v, o.local_resp) || Bad(f, v);
    case F::kQuery: o.query.assign(v); return true;
    case F::kQtype:
      if (!ParseU64(v, n) || n > 65535) return Bad(f, v);
      o.qtype = static_cast<uint16_t>(n);
      return true;
    case F::kQtypeName: o.qtype_name.assign(v); return true;
    case F::kRcode:
      if (!ParseU64(v, n) || n > 65535) return Bad(f, v);
      o.rcode = static_cast<uint16_t>(n);
      o.has_rcode = true;
      return true;
    case F::kRcodeName: o.rcode_name.assign(v); return true;
    case F::kVersion: o.tls_version.assign(v); return true;
    case F::kServerName: o.server_name.assign(v); return true;
    case F::kNextProtocol:
      o.alpn.clear();
      o.alpn.emplace_back(v);
      return true;
    case F::kJa3: o.ja3.assign(v); return true;
    case F::kJa3s: o.ja3s.assign(v); return true;
    case F::kJa4: o.ja4.assign(v); return true;
    case F::kSubject:
    case F::kCertSubject: o.subject.assign(v); return true;
    case F::kIssuer:
    case F::kCertIssuer: o.issuer.assign(v); return true;
    case F::kFingerprint: fingerprint_.assign(v); return true;
    case F::kCertSerial: o.serial.assign(v); return true;
    case F::kCertNotBefore: return ParseZeekTime(v, o.not_before) || Bad(f, v);
    case F::kCertNotAfter: return ParseZeekTime(v, o.not_after) || Bad(f, v);
    case F::kFileId:
    case F::kFuid: fuid_.assign(v); return true;
    case F::kMethod: o.method.assign(v); return true;
    case F::kHost: o.host.assign(v); return true;
    case F::kUri: o.uri.assign(v); return true;
    case F::kReferrer: o.referrer.assign(v); return true;
    case F::kUserAgent: o.user_agent.assign(v); return true;
    case F::kStatusCode:
      if (!ParseU64(v, n) || n > 65535) return Bad(f, v);
      o.status_code = static_cast<uint16_t>(n);
      return true;
    case F::kRequestBodyLen: return ParseU64(v, o.request_body_len) || Bad(f, v);
    case F::kResponseBodyLen: return ParseU64(v, o.response_body_len) || Bad(f, v);
    case F::kMimeType: o.mime_type.assign(v); return true;
    case F::kFilename: o.filename.assign(v); return true;
    case F::kTotalBytes: return ParseU64(v, o.file_size) || Bad(f, v);
    case F::kSeenBytes:
      if (!ParseU64(v, n)) return Bad(f, v);
      if (o.file_size == 0) o.file_size = n;  // total_bytes, when known, wins
      return true;
    case F::kMd5: o.md5.assign(v); return true;
    case F::kSha1: o.file_sha1.assign(v); return true;
    case F::kSha256: o.file_sha256.assign(v); return true;
    case F::kNote: o.category.assign(v); return true;
    case F::kMsg: o.signature.assign(v); return true;
    case F::kName: o.anomaly.assign(v); return true;
    case F::kAddl: o.note.assign(v); return true;
    case F::kModbusFunc:
      o.function.assign(v);
      o.is_command = IsModbusWrite(v);
      return true;
    case F::kPduType:
      if (v == "RESP") scratch_ = "RESP";
      return true;
    case F::kException: return true;
    case F::kFcRequest:
      o.function.assign(v);
      o.is_command = IsDnp3Command(v);
      return true;
    case F::kFcReply:
      if (o.function.empty()) scratch_.assign(v);
      return true;
    default:
      // A list field given as a scalar (JSON writers sometimes flatten one-element lists).
      if (ZeekFieldIsList(f)) return Add(f, v);
      return true;
  }
}

bool ZeekRecordBuilder::Add(ZeekField f, std::string_view v) {
  Observation& o = obs_;
  switch (f) {
    case F::kAnswers: {
      DnsAnswer& a = o.answers.emplace_back();
      a.value.assign(v);
      return true;
    }
    case F::kTtls: {
      double d;
      if (!ParseDouble(v, d) || d < 0) return Bad(f, v);
      ttls_.push_back(d);
      return true;
    }
    case F::kCertChainFps: {
      if (n_chain_fps_++ == 0) fingerprint_.assign(v);
      if (v.size() == 40) o.cert_chain_sha1.emplace_back(v);
      return true;
    }
    case F::kCertChainFuids: {
      if (chain_fuids_.size() <= n_chain_fuids_) chain_fuids_.emplace_back();
      chain_fuids_[n_chain_fuids_++].assign(v);
      return true;
    }
    case F::kSanDns: o.san_dns.emplace_back(v); return true;
    case F::kRespMimeTypes:
      if (o.content_type.empty()) o.content_type.assign(v);
      return true;
    case F::kConnUids:
      if (o.uid.empty()) o.uid.assign(v);
      return true;
    case F::kTxHosts: {
      if (has_orig_h_) return true;
      if (!ParseIp(v, o.orig_h)) return Bad(f, v);
      has_orig_h_ = true;
      return true;
    }
    case F::kRxHosts: {
      if (has_resp_h_) return true;
      if (!ParseIp(v, o.resp_h)) return Bad(f, v);
      has_resp_h_ = true;
      return true;
    }
    default: return Set(f, v);
  }
}

bool ZeekRecordBuilder::Finish() {
  Observation& o = obs_;
  if (!has_ts_) {
    if (error_.empty()) error_ = "record has no valid ts";
    return false;
  }
  o.has_endpoints = has_orig_h_ && has_resp_h_;
  if (o.proto.empty() && (log_ == ZeekLog::kSsl || log_ == ZeekLog::kHttp || log_ == ZeekLog::kModbus)) {
    o.proto = "tcp";  // Zeek analyses these over TCP only
  }
  switch (log_) {
    case ZeekLog::kDns:
      for (size_t i = 0; i < o.answers.size(); ++i) {
        DnsAnswer& a = o.answers[i];
        if (i < ttls_.size()) a.ttl = static_cast<uint32_t>(std::min(std::llround(ttls_[i]), 4294967295LL));
        IpAddress ip;
        if (ParseIp(a.value, ip)) {
          a.type = ip.is_v4() ? "A" : "AAAA";
        } else if (a.value.rfind("TXT ", 0) == 0) {
          a.type = "TXT";
          // Zeek writes "TXT <length> <text>"
          size_t sp = a.value.find(' ', 4);
          a.value.erase(0, sp == std::string::npos ? 4 : sp + 1);
        } else if (o.qtype_name == "PTR" || o.qtype_name == "MX" || o.qtype_name == "NS" ||
                   o.qtype_name == "SRV" || o.qtype_name == "SOA") {
          a.type = o.qtype_name;
        } else {
          a.type = "CNAME";
        }
      }
      break;
    case ZeekLog::kSsl:
      if (fingerprint_.size() == 40) o.cert_sha1 = fingerprint_;
      if (fingerprint_.size() == 64) o.sha256 = fingerprint_;
      if (n_chain_fps_ == 0 && n_chain_fuids_ > 0 && shared_) {
        for (size_t i = 0; i < n_chain_fuids_; ++i) {
          auto it = shared_->fuid_hashes.find(chain_fuids_[i]);
          if (it == shared_->fuid_hashes.end()) {
            if (i == 0) break;  // without the leaf, the chain's hashes say nothing about this session
            continue;
          }
          if (i == 0) {
            o.cert_sha1 = it->second.sha1;
            o.sha256 = it->second.sha256;
          }
          if (!it->second.sha1.empty()) o.cert_chain_sha1.push_back(it->second.sha1);
        }
      }
      break;
    case ZeekLog::kX509:
      if (fingerprint_.size() == 40) o.sha1 = fingerprint_;
      if (fingerprint_.size() == 64) o.sha256 = fingerprint_;
      if (!fuid_.empty() && shared_) {
        auto it = shared_->fuid_hashes.find(fuid_);
        if (it != shared_->fuid_hashes.end()) {
          if (o.sha1.empty()) o.sha1 = it->second.sha1;
          if (o.sha256.empty()) o.sha256 = it->second.sha256;
        }
      }
      break;
    case ZeekLog::kFiles:
      if (!fuid_.empty() && shared_ && (!o.file_sha1.empty() || !o.file_sha256.empty()) &&
          shared_->fuid_hashes.size() < shared_->max_fuids) {
        shared_->fuid_hashes[fuid_] = ZeekShared::Hashes{o.file_sha1, o.file_sha256};
      }
      break;
    case ZeekLog::kModbus:
      if (scratch_ == "RESP") o.is_command = false;  // the request is the command; a reply echoes it
      scratch_.clear();
      break;
    case ZeekLog::kDnp3:
      if (o.function.empty() && !scratch_.empty()) o.function = scratch_;
      scratch_.clear();
      break;
    default: break;
  }
  if (o.community_id.empty() && o.has_endpoints && !o.proto.empty()) {
    uint8_t p = ProtoNumber(o.proto, !o.orig_h.is_v4());
    char id[kCommunityIdV1Size];
    if (p != 0) o.community_id.assign(CommunityIdV1Into(o.orig_h, o.resp_h, p, o.orig_p, o.resp_p, id));
  }
  return true;
}

}  // namespace onus::ingest::detail
