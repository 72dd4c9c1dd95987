// Internal: Zeek JSON logs (LogAscii::use_json, json-streaming-logs): one object per line, epoch or
// RFC 3339 ts, unset fields omitted, sets/vectors as arrays, nested records flattened with dots.
// The log type is the line's `_path` when present, else the file's (InputInfo::log_type).
// Thread-safety: single-threaded; one decoder per file.
#pragma once

#include <string>
#include <string_view>

#include "decoders/zeek/zeek_record.h"
#include "json_util.h"
#include "log_emitter.h"

namespace onus::ingest::detail {

class ZeekJsonDecoder : public LineDecoder {
 public:
  ZeekJsonDecoder(LogEmitter& emitter, ZeekShared* shared);  // not owned
  Status Line(std::string_view line, uint64_t line_no) override;

  // Guesses the Zeek log type of a JSON record without `_path` from its field names ("" if unsure).
  static std::string_view GuessLogType(simdjson::dom::object obj);

 private:
  bool Fields(simdjson::dom::object obj, int depth);
  LogEmitter& emitter_;
  ZeekRecordBuilder builder_;
  JsonLineParser parser_;
  ZeekLog log_ = ZeekLog::kOther;
  std::string key_;
  Timestamp last_ts_;
};

}  // namespace onus::ingest::detail
