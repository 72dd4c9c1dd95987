#include "decoders/zeek/zeek_json.h"

namespace onus::ingest::detail {

ZeekJsonDecoder::ZeekJsonDecoder(LogEmitter& emitter, ZeekShared* shared) : emitter_(emitter), builder_(shared) {}

std::string_view ZeekJsonDecoder::GuessLogType(simdjson::dom::object obj) {
  auto has = [&](const char* k) { return !obj.at_key(k).error(); };
  if (has("_path")) {
    std::string_view p;
    if (!obj.at_key("_path").get_string().get(p)) return p;
  }
  if (has("conn_state") || (has("orig_pkts") && has("resp_pkts"))) return "conn";
  if (has("query") && (has("qtype") || has("qtype_name") || has("trans_id"))) return "dns";
  if (has("cert_chain_fps") || has("cert_chain_fuids") || has("ssl_history") || has("server_name") ||
      (has("version") && has("cipher")))
    return "ssl";
  if (has("certificate.subject") || has("certificate.serial") || has("fingerprint")) return "x509";
  if (has("certificate")) return "x509";
  if (has("method") && has("uri")) return "http";
  if (has("fuid") && (has("mime_type") || has("seen_bytes") || has("md5") || has("sha1"))) return "files";
  if (has("note") && has("msg")) return "notice";
  if (has("name") && has("notice") && has("peer")) return "weird";
  if (has("func") && (has("pdu_type") || has("exception"))) return "modbus";
  if (has("fc_request") || has("fc_reply")) return "dnp3";
  return "";
}

bool ZeekJsonDecoder::Fields(simdjson::dom::object obj, int depth) {
  bool ok = true;
  char num[32];
  size_t base = key_.size();
  for (auto kv : obj) {
    key_.resize(base);
    if (depth == 0 && !kv.key.empty() && kv.key[0] == '_') continue;  // _path, _write_ts, _node
    key_.append(kv.key);
    simdjson::dom::element v = kv.value;
    auto type = v.type();
    if (type == simdjson::dom::element_type::OBJECT) {
      if (depth < 4) {
        key_.push_back('.');
        simdjson::dom::object inner;
        if (!v.get_object().get(inner)) ok &= Fields(inner, depth + 1);
      }
      continue;
    }
    ZeekField f = ZeekFieldFor(log_, key_);
    if (f == ZeekField::kIgnore || type == simdjson::dom::element_type::NULL_VALUE) continue;
    if (type == simdjson::dom::element_type::ARRAY) {
      simdjson::dom::array arr;
      if (v.get_array().get(arr)) continue;
      bool list = ZeekFieldIsList(f);
      for (auto el : arr) {
        std::string_view text;
        if (!JsonScalarText(el, num, text)) continue;
        ok &= list ? builder_.Add(f, text) : builder_.Set(f, text);
        if (!list) break;
      }
      continue;
    }
    std::string_view text;
    if (!JsonScalarText(v, num, text)) continue;
    if (text.empty()) continue;  // an empty string: unset in the model, as TSV's (empty)
    ok &= builder_.Set(f, text);
  }
  key_.resize(base);
  return ok;
}

Status ZeekJsonDecoder::Line(std::string_view line, uint64_t line_no) {
  std::string_view t = TrimSpace(line);
  if (t.empty()) return Status::Ok();
  simdjson::dom::element doc;
  if (auto err = parser_.Parse(t).get(doc); err) {
    std::string what = "invalid JSON: ";
    what += simdjson::error_message(err);
    return emitter_.Malformed(line_no, "broken_log_line", what, line, last_ts_);
  }
  simdjson::dom::object obj;
  if (doc.get_object().get(obj)) {
    return emitter_.Malformed(line_no, "broken_log_line", "not a JSON object", line, last_ts_);
  }
  std::string_view path;
  if (obj.at_key("_path").get_string().get(path)) path = emitter_.info()->log_type;
  log_ = ZeekLogFromPath(path);
  ObservationKind kind = ZeekLogKind(log_);
  if (!emitter_.Wants(kind) && log_ != ZeekLog::kFiles) return Status::Ok();
  builder_.Begin(log_, path);
  key_.clear();
  bool all_ok = Fields(obj, 0);
  bool ok = builder_.Finish();
  if (ok) last_ts_ = builder_.obs().ts;
  if (!all_ok || !ok) {
    ONUS_RETURN_IF_ERROR(emitter_.Malformed(line_no, ok ? "bad_log_field" : "broken_log_line", builder_.error(),
                                            line, last_ts_));
    if (!ok) return Status::Ok();
  }
  Observation& obs = builder_.obs();
  if (obs.kind == ObservationKind::kOther) obs.raw.assign(t);
  return emitter_.Emit(obs, line_no);
}

}  // namespace onus::ingest::detail
