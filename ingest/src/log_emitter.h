// Internal: what every line-oriented log decoder (Zeek TSV/JSON, Suricata EVE, grid JSON lines)
// shares: the kinds filter, provenance stamping, counting, capped warnings and anomaly records for
// malformed lines.
// Thread-safety: single-threaded; one emitter per input file.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "onus/ingest/observation.h"
#include "onus/ingest/reader.h"

namespace onus::ingest::detail {

inline constexpr size_t kNumKinds = static_cast<size_t>(ObservationKind::kOther) + 1;

class LogEmitter {
 public:
  // `info`, `sink` and `stats` are not owned and must outlive the emitter.
  LogEmitter(const InputInfo* info, const IngestOptions& options, ObservationSink& sink, IngestStats& stats);

  bool Wants(ObservationKind k) const { return wants_[static_cast<size_t>(k)]; }
  const InputInfo* info() const { return info_; }
  IngestStats& stats() { return stats_; }

  // Stamps provenance (line number) and passes `obs` to the sink when its kind is wanted.
  Status Emit(Observation& obs, uint64_t line);
  // A line that could not be (fully) decoded: counted, a warning "path:LINE: what" kept (capped),
  // and an anomaly observation `anomaly` emitted (with `what` as note and a prefix of the line as
  // raw) when anomalies are wanted. `ts` is the best known time (the last good record's).
  Status Malformed(uint64_t line, std::string_view anomaly, std::string_view what, std::string_view raw_line,
                   Timestamp ts);
  // A warning without a record (e.g. a read error ending the file).
  void Warn(uint64_t line, std::string_view what);

 private:
  const InputInfo* info_;
  const IngestOptions& options_;
  ObservationSink& sink_;
  IngestStats& stats_;
  std::array<bool, kNumKinds> wants_{};
  Observation anomaly_;
};

// Decodes one line-oriented log format. Lines exclude the newline; line numbers are 1-based.
// Status errors are only the sink's (stop requested); malformed input is reported via the emitter.
class LineDecoder {
 public:
  virtual ~LineDecoder() = default;
  virtual Status Line(std::string_view line, uint64_t line_no) = 0;
  virtual Status Finish() { return Status::Ok(); }
};

// Resets every field of a reused Observation without releasing string capacity.
void ResetObservation(Observation& obs);

// Lowercase hex without ':' separators ("2D:D1:9F" → "2dd19f"); returns false if not hex.
bool NormalizeHexFingerprint(std::string_view in, std::string& out);

}  // namespace onus::ingest::detail
