#include "decoders/grid/grid.h"

#include "decoders/eve/eve.h"
#include "decoders/zeek/zeek_record.h"

namespace onus::ingest::detail {

GridDecoder::GridDecoder(LogEmitter& emitter) : emitter_(emitter) {}

Status GridDecoder::Line(std::string_view line, uint64_t line_no) {
  std::string_view t = TrimSpace(line);
  if (t.empty()) return Status::Ok();
  simdjson::dom::element doc;
  if (auto err = parser_.Parse(t).get(doc); err) {
    std::string what = "invalid JSON: ";
    what += simdjson::error_message(err);
    return emitter_.Malformed(line_no, "broken_log_line", what, line, last_ts_);
  }
  simdjson::dom::object o;
  if (doc.get_object().get(o)) return emitter_.Malformed(line_no, "broken_log_line", "not a JSON object", line, last_ts_);
  auto str = [&](const char* k) {
    std::string_view s;
    if (o.at_key(k).get_string().get(s)) return std::string_view();
    return s;
  };
  ResetObservation(obs_);
  obs_.kind = ObservationKind::kGrid;
  simdjson::dom::element ts;
  bool ts_ok = false;
  if (!o.at_key("ts").get(ts)) {
    char num[32];
    std::string_view text;
    if (JsonScalarText(ts, num, text)) {
      ts_ok = (text.size() > 4 && text[4] == '-') ? ParseEveTime(text, obs_.ts) : ParseZeekTime(text, obs_.ts);
    }
  }
  if (!ts_ok) return emitter_.Malformed(line_no, "broken_log_line", "missing or invalid ts", line, last_ts_);
  last_ts_ = obs_.ts;
  obs_.site.assign(str("site"));
  obs_.asset.assign(str("asset"));
  obs_.grid_event.assign(str("event"));
  if (obs_.site.empty() || obs_.asset.empty() || obs_.grid_event.empty()) {
    return emitter_.Malformed(line_no, "broken_log_line", "grid event needs site, asset and event", line, last_ts_);
  }
  obs_.initiator.assign(str("initiator"));
  obs_.command.assign(str("command"));
  obs_.console.assign(str("console"));
  obs_.note.assign(str("note"));
  obs_.log_type = "grid";
  obs_.raw.assign(t);
  return emitter_.Emit(obs_, line_no);
}

}  // namespace onus::ingest::detail
