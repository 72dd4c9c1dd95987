// Storing intelligence in a case: every file becomes an input (by SHA-256, so re-importing the
// same bytes is a no-op), its sources, indicators and STIX objects are upserted in batched
// transactions with input id and line as provenance.
// Contract: all paths are checked (exist, recognised format) before anything is written, so a
// missing or unrecognised file fails the whole call with NotFound/Unsupported and changes nothing.
// A MISP feed directory is imported as one input per event file.
// Thread-safety: uses the CaseStore it is given; one call at a time per store.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "onus/core/progress.h"
#include "onus/core/result.h"
#include "onus/intel/intel.h"
#include "onus/store/case_store.h"

namespace onus::intel {

struct ImportSummary {
  std::string path, format, sha256;
  int64_t input_id = 0;
  bool already_imported = false;  // the same bytes were imported before: nothing written
  int64_t records = 0, objects = 0, indicators = 0, sources = 0;
  std::map<std::string, int64_t> indicators_by_type;  // value type, "multi" (OR of values), "pattern"
  std::map<std::string, int64_t> objects_by_type;
  int64_t skipped_count = 0;
  std::vector<SkippedRecord> skipped;  // the first IntelOptions::max_skipped_kept
};

struct ImportOptions {
  IntelOptions intel;
  int64_t batch_rows = 20000;  // rows per transaction
  std::string now_rfc3339;     // ingest time stamp ("" = the wall clock)
  ProgressReporter* progress = nullptr;  // not owned
};

// Imports every path in order; `summaries` (optional) receives one entry per imported file.
Status ImportIntel(const std::vector<std::string>& paths, store::CaseStore& store, const ImportOptions& options,
                   std::vector<ImportSummary>* summaries);

// The store row for an indicator (value_type/value set only for single-value indicators; labels_json
// holds labels then indicator types; report_id the first report).
store::IndicatorRow ToIndicatorRow(const Indicator& ind, int64_t input_id);

// Indicators read back from a case (for match): rows plus the values extracted from each pattern.
struct StoredIndicator {
  store::IndicatorRow row;
  std::vector<IndicatorValue> values;  // empty when the pattern needs the evaluator
};
Result<std::vector<StoredIndicator>> ReadStoredIndicators(store::CaseStore& store);

}  // namespace onus::intel
