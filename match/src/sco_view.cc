#include "sco_view.h"

#include <vector>

namespace onus::match::detail {

using pattern::Value;
using K = ingest::ObservationKind;

uint32_t ScoTypeBit(std::string_view t) {
  if (t == "ipv4-addr") return kScoIpv4;
  if (t == "ipv6-addr") return kScoIpv6;
  if (t == "network-traffic") return kScoNetworkTraffic;
  if (t == "domain-name") return kScoDomain;
  if (t == "url") return kScoUrl;
  if (t == "x509-certificate") return kScoX509;
  if (t == "file") return kScoFile;
  return kScoOther;
}

namespace {

std::string AddrId(const IpAddress& a, const char* side) { return std::string(a.is_v4() ? "ipv4-addr--" : "ipv6-addr--") + side; }

void AddAddr(pattern::Observation& v, const IpAddress& a, const char* side, uint32_t types) {
  uint32_t bit = a.is_v4() ? kScoIpv4 : kScoIpv6;
  // Also built (not as a root) when network-traffic needs its refs to resolve.
  bool root = (types & bit) != 0;
  if (!root && !(types & kScoNetworkTraffic)) return;
  auto& o = v.AddObject(a.is_v4() ? "ipv4-addr" : "ipv6-addr", AddrId(a, side), root);
  o.Set("value", Value::String(a.ToString()));
}

void AddDomain(pattern::Observation& v, const std::string& name, int n, const std::vector<std::string>& resolves) {
  if (name.empty() || name == "-") return;
  auto& o = v.AddObject("domain-name", "domain-name--" + std::to_string(n));
  o.Set("value", Value::String(name));
  if (!resolves.empty()) {
    Value::List refs;
    for (const auto& r : resolves) refs.push_back(Value::String(r));
    v.objects.back().Set("resolves_to_refs", Value::MakeList(std::move(refs)));
  }
}

}  // namespace

bool BuildScoView(const ingest::Observation& obs, uint32_t types, pattern::Observation& v) {
  v = pattern::Observation();
  v.first_observed = obs.ts;
  v.last_observed = obs.kind == K::kConn && obs.duration > 0
                        ? Timestamp::FromNanos(obs.ts.nanos() + static_cast<int64_t>(obs.duration * 1e9))
                        : obs.ts;
  v.id = obs.uid;
  if (obs.has_endpoints && (types & (kScoIpv4 | kScoIpv6 | kScoNetworkTraffic))) {
    AddAddr(v, obs.orig_h, "orig", types);
    AddAddr(v, obs.resp_h, "resp", types);
    if (types & kScoNetworkTraffic) {
      auto& nt = v.AddObject("network-traffic", "network-traffic--1");
      nt.Set("src_ref", Value::String(AddrId(obs.orig_h, "orig")));
      nt.Set("dst_ref", Value::String(AddrId(obs.resp_h, "resp")));
      nt.Set("src_port", Value::Int(obs.orig_p));
      nt.Set("dst_port", Value::Int(obs.resp_p));
      Value::List protos;
      if (!obs.proto.empty()) protos.push_back(Value::String(obs.proto));
      if (!obs.service.empty() && obs.service != "-") protos.push_back(Value::String(obs.service));
      nt.Set("protocols", Value::MakeList(std::move(protos)));
      if (obs.kind == K::kConn) {
        nt.Set("src_byte_count", Value::Int(static_cast<int64_t>(obs.orig_bytes)));
        nt.Set("dst_byte_count", Value::Int(static_cast<int64_t>(obs.resp_bytes)));
        nt.Set("src_packets", Value::Int(static_cast<int64_t>(obs.orig_pkts)));
        nt.Set("dst_packets", Value::Int(static_cast<int64_t>(obs.resp_pkts)));
      }
      if (obs.kind == K::kHttp) {
        Value req = Value::MakeDict();
        req.Set("request_method", Value::String(obs.method));
        req.Set("request_value", Value::String(obs.uri));
        Value headers = Value::MakeDict();
        if (!obs.host.empty()) headers.Set("Host", Value::String(obs.host));
        if (!obs.user_agent.empty()) headers.Set("User-Agent", Value::String(obs.user_agent));
        req.Set("request_header", std::move(headers));
        Value ext = Value::MakeDict();
        ext.Set("http-request-ext", std::move(req));
        v.objects.back().Set("extensions", std::move(ext));
      }
    }
  }
  if (types & kScoDomain) {
    std::vector<std::string> none;
    switch (obs.kind) {
      case K::kDns: {
        std::vector<std::string> resolves;
        int n = 0;
        for (const auto& a : obs.answers) {
          auto ip = IpAddress::Parse(a.value);
          if (!ip.ok()) continue;
          std::string id = "answer--" + std::to_string(n++);
          auto& o = v.AddObject(ip->is_v4() ? "ipv4-addr" : "ipv6-addr", id, false);
          o.Set("value", Value::String(ip->ToString()));
          resolves.push_back(id);
        }
        AddDomain(v, obs.query, 0, resolves);
        int k = 1;
        for (const auto& a : obs.answers)
          if (!IpAddress::Parse(a.value).ok() && (a.type.empty() || a.type == "CNAME")) AddDomain(v, a.value, k++, none);
        break;
      }
      case K::kTls: AddDomain(v, obs.server_name, 0, none); break;
      case K::kHttp: AddDomain(v, obs.host, 0, none); break;
      default: break;
    }
  }
  if ((types & kScoUrl) && obs.kind == K::kHttp && !obs.host.empty()) {
    auto& o = v.AddObject("url", "url--0");
    o.Set("value", Value::String("http://" + obs.host + obs.uri));
  }
  if ((types & kScoX509) && (obs.kind == K::kX509 || (obs.kind == K::kTls && !obs.cert_sha1.empty()))) {
    auto& o = v.AddObject("x509-certificate", "x509-certificate--0");
    Value hashes = Value::MakeDict();
    const std::string& sha1 = obs.kind == K::kX509 ? obs.sha1 : obs.cert_sha1;
    if (!sha1.empty()) hashes.Set("SHA-1", Value::String(sha1));
    if (!obs.sha256.empty()) hashes.Set("SHA-256", Value::String(obs.sha256));
    o.Set("hashes", std::move(hashes));
    if (obs.kind == K::kX509) {
      if (!obs.serial.empty()) v.objects.back().Set("serial_number", Value::String(obs.serial));
      if (!obs.subject.empty()) v.objects.back().Set("subject", Value::String(obs.subject));
      if (!obs.issuer.empty()) v.objects.back().Set("issuer", Value::String(obs.issuer));
    }
  }
  if ((types & kScoFile) && obs.kind == K::kFile) {
    auto& o = v.AddObject("file", "file--0");
    Value hashes = Value::MakeDict();
    if (!obs.md5.empty()) hashes.Set("MD5", Value::String(obs.md5));
    if (!obs.file_sha1.empty()) hashes.Set("SHA-1", Value::String(obs.file_sha1));
    if (!obs.file_sha256.empty()) hashes.Set("SHA-256", Value::String(obs.file_sha256));
    o.Set("hashes", std::move(hashes));
    if (!obs.filename.empty()) v.objects.back().Set("name", Value::String(obs.filename));
    if (obs.file_size) v.objects.back().Set("size", Value::Int(static_cast<int64_t>(obs.file_size)));
    if (!obs.mime_type.empty()) v.objects.back().Set("mime_type", Value::String(obs.mime_type));
  }
  return !v.roots.empty();
}

std::string SummarizeForPattern(const ingest::Observation& obs) {
  switch (obs.kind) {
    case K::kDns: return obs.query;
    case K::kTls:
      if (!obs.server_name.empty()) return obs.server_name;
      break;
    case K::kHttp: return "http://" + obs.host + obs.uri;
    case K::kX509: return obs.sha1;
    case K::kFile: return !obs.file_sha256.empty() ? obs.file_sha256 : !obs.file_sha1.empty() ? obs.file_sha1 : obs.md5;
    default: break;
  }
  if (!obs.has_endpoints) return {};
  return obs.orig_h.ToString() + " -> " + obs.resp_h.ToString() + ":" + std::to_string(obs.resp_p) +
         (obs.proto.empty() ? "" : "/" + obs.proto);
}

}  // namespace onus::match::detail
