// Internal: SCADA/EMS event logs as JSON lines (assessment-io.md "Physical and grid telemetry"):
// {"ts", "site", "asset", "event", "initiator", "command", "console", "note", ...} → kind grid.
// ts is RFC 3339 or epoch seconds; ts, site, asset and event are required. Fields the model has
// no slot for (protection, mw...) stay in raw, which holds the whole line (one JSON object).
// Thread-safety: single-threaded; one decoder per file.
#pragma once

#include <string_view>

#include "json_util.h"
#include "log_emitter.h"

namespace onus::ingest::detail {

class GridDecoder : public LineDecoder {
 public:
  explicit GridDecoder(LogEmitter& emitter);  // not owned
  Status Line(std::string_view line, uint64_t line_no) override;

 private:
  LogEmitter& emitter_;
  JsonLineParser parser_;
  Observation obs_;
  Timestamp last_ts_;
};

}  // namespace onus::ingest::detail
