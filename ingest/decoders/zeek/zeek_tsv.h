// Internal: Zeek TSV logs (the default ASCII writer). Header directives (#separator with \x
// escapes, #set_separator, #empty_field, #unset_field, #path, #fields, #types, #open, #close) may
// repeat mid-file (concatenated logs); set/vector fields are split on the set separator; `-` is
// unset, `(empty)` an empty string or container; \xNN and \\ escapes in values are decoded.
// Performance: a data line is split into string_views; values without escapes are never copied;
// one Observation is reused for every record.
// Thread-safety: single-threaded; one decoder per file.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "decoders/zeek/zeek_record.h"
#include "log_emitter.h"

namespace onus::ingest::detail {

class ZeekTsvDecoder : public LineDecoder {
 public:
  // emitter, shared: not owned (shared may be null).
  ZeekTsvDecoder(LogEmitter& emitter, ZeekShared* shared);
  Status Line(std::string_view line, uint64_t line_no) override;

  // Zeek's TSV value escapes: \xNN → byte, \\ → backslash; other text unchanged.
  static void Unescape(std::string_view in, std::string& out);

 private:
  Status Directive(std::string_view line, uint64_t line_no);
  Status BuildRaw();
  void BuildPlan();
  std::string_view Value(std::string_view v, std::string& buf);

  LogEmitter& emitter_;
  ZeekRecordBuilder builder_;
  char sep_ = '\t';
  std::string set_sep_ = ",", empty_ = "(empty)", unset_ = "-";
  std::string path_;
  ZeekLog log_ = ZeekLog::kOther;
  bool wanted_ = true;
  std::vector<std::string> names_;
  std::vector<std::string> types_;
  std::vector<ZeekField> fields_;
  std::vector<uint8_t> is_list_;
  std::vector<size_t> active_;  // columns with a mapped field
  struct Column {
    uint32_t index;
    ZeekField field;
    bool list;
  };
  std::vector<Column> plan_;  // active_ with field and list-ness, read per data line
  bool have_fields_ = false;
  std::vector<std::string_view> cols_;
  std::string unesc_, elem_;
  Timestamp last_ts_;
};

}  // namespace onus::ingest::detail
