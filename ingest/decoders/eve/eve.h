// Internal: Suricata EVE JSON lines → observations.
// event_type flow → conn, dns → dns (v1/v2 per-record `type: query/answer` and v2/v3 grouped
// `queries`/`answers` arrays), tls → tls (+ an x509 record for the server certificate when a
// fingerprint is logged), http → http, fileinfo → file, alert → alert, anomaly → anomaly, any
// other event type → other (log_type = event_type, raw = the line). flow_id → uid (decimal);
// community_id is taken when logged, else computed. Ends are client (orig) → server (resp): for
// DNS records sent from port 53 the EVE src/dest are swapped.
// Thread-safety: single-threaded; one decoder per file.
#pragma once

#include <string>
#include <string_view>

#include "json_util.h"
#include "log_emitter.h"

namespace onus::ingest::detail {

class EveDecoder : public LineDecoder {
 public:
  explicit EveDecoder(LogEmitter& emitter);  // not owned
  Status Line(std::string_view line, uint64_t line_no) override;

 private:
  bool Common(simdjson::dom::object obj, std::string_view line);
  void Dns(simdjson::dom::object dns);
  void Tls(simdjson::dom::object tls);
  void Http(simdjson::dom::object http);
  LogEmitter& emitter_;
  JsonLineParser parser_;
  Observation obs_;
  std::string error_, scratch_;
  Timestamp last_ts_;
};

// EVE timestamps ("2021-06-06T15:59:46.457984+0200", offsets without a colon, or no zone = UTC).
bool ParseEveTime(std::string_view text, Timestamp& out);

}  // namespace onus::ingest::detail
