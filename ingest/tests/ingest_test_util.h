// Test helpers shared by the ingest test suites: a sink that keeps copies of observations.
#pragma once

#include <string>
#include <vector>

#include "onus/ingest/observation_json.h"
#include "onus/ingest/reader.h"

namespace onus::ingest::testing {

class CollectSink : public ObservationSink {
 public:
  Status OnObservation(const Observation& obs) override {
    all.push_back(obs);
    return Status::Ok();
  }
  std::vector<Observation> all;
  std::vector<const Observation*> OfKind(ObservationKind k) const {
    std::vector<const Observation*> out;
    for (const auto& o : all)
      if (o.kind == k) out.push_back(&o);
    return out;
  }
};

struct Ingested {
  Status status;
  IngestRun run;  // observations point at run.inputs
  CollectSink sink;
};

inline std::unique_ptr<Ingested> Ingest(const std::vector<std::string>& paths, IngestOptions options = {}) {
  auto r = std::make_unique<Ingested>();
  r->status = ReadInputs(paths, options, r->sink, r->run);
  return r;
}

inline std::string DataPath(const std::string& rel) { return std::string(ONUS_SOURCE_DIR) + "/tests/data/ingest/" + rel; }
inline std::string SharedPath(const std::string& rel) { return std::string(ONUS_SHARED_DIR) + "/" + rel; }

// The JSON line without provenance (for comparing the same events read from different files).
inline std::string JsonWithoutSource(Observation o) {
  o.src = SourceRef();
  return ToJsonLine(o);
}

inline std::string Join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ",") + x;
  return s;
}

// Every field of two observations compared one by one, except provenance (src): one line per
// difference ("field: a != b"). Keep in step with observation.h when fields are added.
inline std::vector<std::string> DiffObservations(const Observation& a, const Observation& b) {
  std::vector<std::string> d;
  if (a.kind != b.kind) d.push_back("kind: " + std::string(KindName(a.kind)) + " != " + std::string(KindName(b.kind)));
  if (a.ts != b.ts) d.push_back("ts: " + std::to_string(a.ts.nanos()) + " != " + std::to_string(b.ts.nanos()));
  if (a.not_before != b.not_before) d.push_back("not_before: " + std::to_string(a.not_before.nanos()) + " != " + std::to_string(b.not_before.nanos()));
  if (a.not_after != b.not_after) d.push_back("not_after: " + std::to_string(a.not_after.nanos()) + " != " + std::to_string(b.not_after.nanos()));
  if (a.orig_h != b.orig_h) d.push_back("orig_h: " + a.orig_h.ToString() + " != " + b.orig_h.ToString());
  if (a.resp_h != b.resp_h) d.push_back("resp_h: " + a.resp_h.ToString() + " != " + b.resp_h.ToString());
  if (a.uid != b.uid) d.push_back("uid: '" + a.uid + "' != '" + b.uid + "'");
  if (a.community_id != b.community_id) d.push_back("community_id: '" + a.community_id + "' != '" + b.community_id + "'");
  if (a.proto != b.proto) d.push_back("proto: '" + a.proto + "' != '" + b.proto + "'");
  if (a.service != b.service) d.push_back("service: '" + a.service + "' != '" + b.service + "'");
  if (a.conn_state != b.conn_state) d.push_back("conn_state: '" + a.conn_state + "' != '" + b.conn_state + "'");
  if (a.history != b.history) d.push_back("history: '" + a.history + "' != '" + b.history + "'");
  if (a.query != b.query) d.push_back("query: '" + a.query + "' != '" + b.query + "'");
  if (a.qtype_name != b.qtype_name) d.push_back("qtype_name: '" + a.qtype_name + "' != '" + b.qtype_name + "'");
  if (a.rcode_name != b.rcode_name) d.push_back("rcode_name: '" + a.rcode_name + "' != '" + b.rcode_name + "'");
  if (a.server_name != b.server_name) d.push_back("server_name: '" + a.server_name + "' != '" + b.server_name + "'");
  if (a.tls_version != b.tls_version) d.push_back("tls_version: '" + a.tls_version + "' != '" + b.tls_version + "'");
  if (a.ja3 != b.ja3) d.push_back("ja3: '" + a.ja3 + "' != '" + b.ja3 + "'");
  if (a.ja3s != b.ja3s) d.push_back("ja3s: '" + a.ja3s + "' != '" + b.ja3s + "'");
  if (a.ja4 != b.ja4) d.push_back("ja4: '" + a.ja4 + "' != '" + b.ja4 + "'");
  if (a.ja3_string != b.ja3_string) d.push_back("ja3_string: '" + a.ja3_string + "' != '" + b.ja3_string + "'");
  if (a.ja3s_string != b.ja3s_string) d.push_back("ja3s_string: '" + a.ja3s_string + "' != '" + b.ja3s_string + "'");
  if (a.cert_sha1 != b.cert_sha1) d.push_back("cert_sha1: '" + a.cert_sha1 + "' != '" + b.cert_sha1 + "'");
  if (a.sha1 != b.sha1) d.push_back("sha1: '" + a.sha1 + "' != '" + b.sha1 + "'");
  if (a.sha256 != b.sha256) d.push_back("sha256: '" + a.sha256 + "' != '" + b.sha256 + "'");
  if (a.subject != b.subject) d.push_back("subject: '" + a.subject + "' != '" + b.subject + "'");
  if (a.issuer != b.issuer) d.push_back("issuer: '" + a.issuer + "' != '" + b.issuer + "'");
  if (a.serial != b.serial) d.push_back("serial: '" + a.serial + "' != '" + b.serial + "'");
  if (a.method != b.method) d.push_back("method: '" + a.method + "' != '" + b.method + "'");
  if (a.host != b.host) d.push_back("host: '" + a.host + "' != '" + b.host + "'");
  if (a.uri != b.uri) d.push_back("uri: '" + a.uri + "' != '" + b.uri + "'");
  if (a.user_agent != b.user_agent) d.push_back("user_agent: '" + a.user_agent + "' != '" + b.user_agent + "'");
  if (a.content_type != b.content_type) d.push_back("content_type: '" + a.content_type + "' != '" + b.content_type + "'");
  if (a.referrer != b.referrer) d.push_back("referrer: '" + a.referrer + "' != '" + b.referrer + "'");
  if (a.md5 != b.md5) d.push_back("md5: '" + a.md5 + "' != '" + b.md5 + "'");
  if (a.file_sha1 != b.file_sha1) d.push_back("file_sha1: '" + a.file_sha1 + "' != '" + b.file_sha1 + "'");
  if (a.file_sha256 != b.file_sha256) d.push_back("file_sha256: '" + a.file_sha256 + "' != '" + b.file_sha256 + "'");
  if (a.mime_type != b.mime_type) d.push_back("mime_type: '" + a.mime_type + "' != '" + b.mime_type + "'");
  if (a.filename != b.filename) d.push_back("filename: '" + a.filename + "' != '" + b.filename + "'");
  if (a.ics_protocol != b.ics_protocol) d.push_back("ics_protocol: '" + a.ics_protocol + "' != '" + b.ics_protocol + "'");
  if (a.function != b.function) d.push_back("function: '" + a.function + "' != '" + b.function + "'");
  if (a.signature != b.signature) d.push_back("signature: '" + a.signature + "' != '" + b.signature + "'");
  if (a.category != b.category) d.push_back("category: '" + a.category + "' != '" + b.category + "'");
  if (a.action != b.action) d.push_back("action: '" + a.action + "' != '" + b.action + "'");
  if (a.anomaly != b.anomaly) d.push_back("anomaly: '" + a.anomaly + "' != '" + b.anomaly + "'");
  if (a.site != b.site) d.push_back("site: '" + a.site + "' != '" + b.site + "'");
  if (a.asset != b.asset) d.push_back("asset: '" + a.asset + "' != '" + b.asset + "'");
  if (a.grid_event != b.grid_event) d.push_back("grid_event: '" + a.grid_event + "' != '" + b.grid_event + "'");
  if (a.initiator != b.initiator) d.push_back("initiator: '" + a.initiator + "' != '" + b.initiator + "'");
  if (a.command != b.command) d.push_back("command: '" + a.command + "' != '" + b.command + "'");
  if (a.console != b.console) d.push_back("console: '" + a.console + "' != '" + b.console + "'");
  if (a.note != b.note) d.push_back("note: '" + a.note + "' != '" + b.note + "'");
  if (a.log_type != b.log_type) d.push_back("log_type: '" + a.log_type + "' != '" + b.log_type + "'");
  if (a.raw != b.raw) d.push_back("raw: '" + a.raw + "' != '" + b.raw + "'");
  if (a.orig_p != b.orig_p) d.push_back("orig_p: " + std::to_string(a.orig_p) + " != " + std::to_string(b.orig_p));
  if (a.resp_p != b.resp_p) d.push_back("resp_p: " + std::to_string(a.resp_p) + " != " + std::to_string(b.resp_p));
  if (a.has_endpoints != b.has_endpoints) d.push_back("has_endpoints: " + std::to_string(a.has_endpoints) + " != " + std::to_string(b.has_endpoints));
  if (a.duration != b.duration) d.push_back("duration: " + std::to_string(a.duration) + " != " + std::to_string(b.duration));
  if (a.orig_bytes != b.orig_bytes) d.push_back("orig_bytes: " + std::to_string(a.orig_bytes) + " != " + std::to_string(b.orig_bytes));
  if (a.resp_bytes != b.resp_bytes) d.push_back("resp_bytes: " + std::to_string(a.resp_bytes) + " != " + std::to_string(b.resp_bytes));
  if (a.orig_pkts != b.orig_pkts) d.push_back("orig_pkts: " + std::to_string(a.orig_pkts) + " != " + std::to_string(b.orig_pkts));
  if (a.resp_pkts != b.resp_pkts) d.push_back("resp_pkts: " + std::to_string(a.resp_pkts) + " != " + std::to_string(b.resp_pkts));
  if (a.orig_ip_bytes != b.orig_ip_bytes) d.push_back("orig_ip_bytes: " + std::to_string(a.orig_ip_bytes) + " != " + std::to_string(b.orig_ip_bytes));
  if (a.resp_ip_bytes != b.resp_ip_bytes) d.push_back("resp_ip_bytes: " + std::to_string(a.resp_ip_bytes) + " != " + std::to_string(b.resp_ip_bytes));
  if (a.local_orig != b.local_orig) d.push_back("local_orig: " + std::to_string(a.local_orig) + " != " + std::to_string(b.local_orig));
  if (a.local_resp != b.local_resp) d.push_back("local_resp: " + std::to_string(a.local_resp) + " != " + std::to_string(b.local_resp));
  if (a.qtype != b.qtype) d.push_back("qtype: " + std::to_string(a.qtype) + " != " + std::to_string(b.qtype));
  if (a.rcode != b.rcode) d.push_back("rcode: " + std::to_string(a.rcode) + " != " + std::to_string(b.rcode));
  if (a.has_rcode != b.has_rcode) d.push_back("has_rcode: " + std::to_string(a.has_rcode) + " != " + std::to_string(b.has_rcode));
  if (a.status_code != b.status_code) d.push_back("status_code: " + std::to_string(a.status_code) + " != " + std::to_string(b.status_code));
  if (a.request_body_len != b.request_body_len) d.push_back("request_body_len: " + std::to_string(a.request_body_len) + " != " + std::to_string(b.request_body_len));
  if (a.response_body_len != b.response_body_len) d.push_back("response_body_len: " + std::to_string(a.response_body_len) + " != " + std::to_string(b.response_body_len));
  if (a.file_size != b.file_size) d.push_back("file_size: " + std::to_string(a.file_size) + " != " + std::to_string(b.file_size));
  if (a.function_code != b.function_code) d.push_back("function_code: " + std::to_string(a.function_code) + " != " + std::to_string(b.function_code));
  if (a.is_command != b.is_command) d.push_back("is_command: " + std::to_string(a.is_command) + " != " + std::to_string(b.is_command));
  if (a.signature_id != b.signature_id) d.push_back("signature_id: " + std::to_string(a.signature_id) + " != " + std::to_string(b.signature_id));
  if (a.severity != b.severity) d.push_back("severity: " + std::to_string(a.severity) + " != " + std::to_string(b.severity));
  if (a.alpn != b.alpn) d.push_back("alpn: [" + Join(a.alpn) + "] != [" + Join(b.alpn) + "]");
  if (a.cert_chain_sha1 != b.cert_chain_sha1) d.push_back("cert_chain_sha1: [" + Join(a.cert_chain_sha1) + "] != [" + Join(b.cert_chain_sha1) + "]");
  if (a.san_dns != b.san_dns) d.push_back("san_dns: [" + Join(a.san_dns) + "] != [" + Join(b.san_dns) + "]");
  if (a.answers.size() != b.answers.size()) {
    d.push_back("answers: " + std::to_string(a.answers.size()) + " != " + std::to_string(b.answers.size()));
  } else {
    for (size_t i = 0; i < a.answers.size(); ++i) {
      const DnsAnswer &x = a.answers[i], &y = b.answers[i];
      if (x.type != y.type || x.value != y.value || x.ttl != y.ttl)
        d.push_back("answers[" + std::to_string(i) + "]: " + x.type + " " + x.value + " " + std::to_string(x.ttl) +
                    " != " + y.type + " " + y.value + " " + std::to_string(y.ttl));
    }
  }
  return d;
}

}  // namespace onus::ingest::testing
