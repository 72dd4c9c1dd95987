#include "log_emitter.h"

namespace onus::ingest::detail {

LogEmitter::LogEmitter(const InputInfo* info, const IngestOptions& options, ObservationSink& sink,
                       IngestStats& stats)
    : info_(info), options_(options), sink_(sink), stats_(stats) {
  if (options.kinds.empty()) {
    wants_.fill(true);
  } else {
    for (ObservationKind k : options.kinds) wants_[static_cast<size_t>(k)] = true;
  }
  if (!options.emit_anomalies) wants_[static_cast<size_t>(ObservationKind::kAnomaly)] = false;
}

Status LogEmitter::Emit(Observation& obs, uint64_t line) {
  if (!wants_[static_cast<size_t>(obs.kind)]) return Status::Ok();
  obs.src.input = info_;
  obs.src.record = line;
  obs.src.is_packet = false;
  ++stats_.observations;
  return sink_.OnObservation(obs);
}

void LogEmitter::Warn(uint64_t line, std::string_view what) {
  if (stats_.warnings.size() >= options_.max_warnings) return;
  std::string w = info_->path;
  w += ':';
  w += std::to_string(line);
  w += ": ";
  w.append(what);
  stats_.warnings.push_back(std::move(w));
}

Status LogEmitter::Malformed(uint64_t line, std::string_view anomaly, std::string_view what,
                             std::string_view raw_line, Timestamp ts) {
  ++stats_.malformed;
  Warn(line, what);
  if (!Wants(ObservationKind::kAnomaly)) return Status::Ok();
  ResetObservation(anomaly_);
  anomaly_.kind = ObservationKind::kAnomaly;
  anomaly_.ts = ts;
  anomaly_.anomaly.assign(anomaly);
  anomaly_.note.assign(what);
  anomaly_.log_type = info_->log_type;
  anomaly_.raw.assign(raw_line.substr(0, 256));
  return Emit(anomaly_, line);
}

void ResetObservation(Observation& o) {
  o.kind = ObservationKind::kOther;
  o.ts = Timestamp();
  o.uid.clear();
  o.community_id.clear();
  o.orig_h = IpAddress();
  o.resp_h = IpAddress();
  o.orig_p = o.resp_p = 0;
  o.has_endpoints = false;
  o.proto.clear();
  o.src = SourceRef();
  o.service.clear();
  o.duration = 0;
  o.orig_bytes = o.resp_bytes = o.orig_pkts = o.resp_pkts = o.orig_ip_bytes = o.resp_ip_bytes = 0;
  o.conn_state.clear();
  o.history.clear();
  o.local_orig = o.local_resp = false;
  o.start_announced = false;
  o.query.clear();
  o.qtype_name.clear();
  o.rcode_name.clear();
  o.qtype = o.rcode = 0;
  o.has_rcode = false;
  o.answers.clear();
  o.server_name.clear();
  o.tls_version.clear();
  o.ja3.clear();
  o.ja3s.clear();
  o.ja4.clear();
  o.ja3_string.clear();
  o.ja3s_string.clear();
  o.alpn.clear();
  o.cert_sha1.clear();
  o.cert_chain_sha1.clear();
  o.sha1.clear();
  o.sha256.clear();
  o.subject.clear();
  o.issuer.clear();
  o.serial.clear();
  o.not_before = o.not_after = Timestamp();
  o.san_dns.clear();
  o.method.clear();
  o.host.clear();
  o.uri.clear();
  o.user_agent.clear();
  o.content_type.clear();
  o.referrer.clear();
  o.status_code = 0;
  o.request_body_len = o.response_body_len = 0;
  o.md5.clear();
  o.file_sha1.clear();
  o.file_sha256.clear();
  o.mime_type.clear();
  o.filename.clear();
  o.file_size = 0;
  o.ics_protocol.clear();
  o.function.clear();
  o.function_code = 0;
  o.is_command = false;
  o.signature.clear();
  o.category.clear();
  o.action.clear();
  o.signature_id = 0;
  o.severity = 0;
  o.anomaly.clear();
  o.site.clear();
  o.asset.clear();
  o.grid_event.clear();
  o.initiator.clear();
  o.command.clear();
  o.console.clear();
  o.note.clear();
  o.log_type.clear();
  o.raw.clear();
}

bool NormalizeHexFingerprint(std::string_view in, std::string& out) {
  out.clear();
  for (char c : in) {
    if (c == ':' || c == ' ') continue;
    if (c >= '0' && c <= '9') {
      out.push_back(c);
    } else if (c >= 'a' && c <= 'f') {
      out.push_back(c);
    } else if (c >= 'A' && c <= 'F') {
      out.push_back(static_cast<char>(c - 'A' + 'a'));
    } else {
      out.clear();
      return false;
    }
  }
  return !out.empty();
}

}  // namespace onus::ingest::detail
