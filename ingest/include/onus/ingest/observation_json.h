// Observations as JSON lines: the `onus observe --format jsonl` form (field reference:
// docs/observation.md).
// Contract: one JSON object per observation, no newline inside; every object has kind, ts (RFC
// 3339, UTC, microseconds), uid, community_id, orig_h, orig_p, resp_h, resp_p, proto and src
// {path, sha256, record, record_type}; unknown values are null. Per-kind fields follow. Output is
// valid UTF-8 (bytes that are not are written as the text \xNN, as Zeek does).
// Performance: hand-written; appends into the caller's buffer with no allocation beyond its growth.
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "onus/ingest/observation.h"

namespace onus::ingest {

// Appends the observation's JSON object and a '\n' to `out`.
void AppendJsonLine(const Observation& obs, std::string& out);
// The same, as a new string (with the trailing '\n').
std::string ToJsonLine(const Observation& obs);

}  // namespace onus::ingest
