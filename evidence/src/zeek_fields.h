// A narrow reader for the few Zeek log fields the evidence builder enriches with (TLS certificate
// fingerprints and subjects). TSV (with its #fields header) and JSON lines are both accepted,
// gzip-transparent via core's LineReader. Malformed lines are skipped; an unreadable file is an
// error naming it.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "onus/core/status.h"

namespace onus::evidence::detail {

// Calls `fn(line, values)` for each record, values in the order of `fields` ("" when absent; a
// JSON array is joined with ',').
Status ForEachZeekRecord(const std::string& path, const std::vector<std::string>& fields,
                         const std::function<void(int64_t, const std::vector<std::string>&)>& fn);

}  // namespace onus::evidence::detail
