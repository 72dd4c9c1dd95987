// Storing intelligence in a case: every file becomes an input (by SHA-256, so re-importing the
// same bytes is a no-op), its sources, indicators and STIX objects are upserted in batched
// transactions with input id and line as provenance.
// Contract: all paths are checked (exist, recognised format) before anything is written, so a
// missing or unrecognised file fails the whole call with NotFound/Unsupported and changes nothing.
// A MISP feed directory is imported as one input per event file.
// Thread-safety: uses the CaseStore it is given; one call at a time per store.
#pragma once

#include <cstdint>
#include <functional>
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

// One file as StreamIntel recorded it beyond its indicators: what RecordStreamed needs to record
// the same bytes in a case again without parsing them (onus hunt's compiled-intel cache).
struct StreamedFile {
  ImportSummary summary;  // as StreamIntel returned it; input_id and already_imported are per case
  uint64_t size = 0;
  std::vector<store::SourceRow> sources;       // every source the file named, in file order
  std::vector<store::StixObjectRow> objects;   // every STIX object but indicators (input_id unset)
};

struct ImportOptions {
  IntelOptions intel;
  // Rows per transaction. Indicator ids are random (UUIDs), so every batch dirties most pages of
  // the id and value indexes: few large batches with a page cache that holds those indexes write
  // each page once instead of once per batch (1M indicators: ~15x less I/O than 20,000-row
  // batches). A killed import loses its open batch; the input stays "ingesting" and a rerun
  // completes it (rows are upserts).
  int64_t batch_rows = 1000000;
  int64_t cache_mib = 192;  // SQLite page cache during the import (restored afterwards); 0 = leave it
  std::string now_rfc3339;     // ingest time stamp ("" = the wall clock)
  ProgressReporter* progress = nullptr;  // not owned
  // Called with every indicator of a newly imported file as it streams in (before it is stored),
  // e.g. to build match's index in the same pass; an error aborts the import. Files already in the
  // case (same SHA-256) are skipped and not visited: read those back with ForEachStoredIndicator.
  std::function<Status(const Indicator&)> on_indicator;
  // StreamIntel only: when set, receives one StreamedFile per path read (not owned).
  std::vector<StreamedFile>* capture = nullptr;
  // A directory path that is neither a MISP feed nor a warning list stands for the feed files below
  // it; when set, receives "path: reason" for each file left out (unknown format, warning list,
  // detection rules). Not owned.
  std::vector<std::string>* left_out = nullptr;
};

// Imports every path in order; `summaries` (optional) receives one entry per imported file.
Status ImportIntel(const std::vector<std::string>& paths, store::CaseStore& store, const ImportOptions& options,
                   std::vector<ImportSummary>* summaries);

// Intel for a hunt without importing every indicator (`onus hunt --intel`; Zeek's intel framework
// likewise keeps its feeds in memory and logs only the hits). Each file is checked like
// ImportIntel, recorded as an input by SHA-256 and read once: every indicator goes to
// options.on_indicator (required) and is not stored; the file's sources and STIX objects
// (intrusion sets, malware, relationships, reports...) are stored. A new input ends complete with
// scope "sighted" (`onus intel import` of the same file later stores the rest: scope "all"); a
// file already stored whole is read without writing (already_imported = true); the same bytes
// given twice are read once (the repeat has indicators = 0).
// ImportSummary::indicators counts the indicators passed to on_indicator, in file order.
// Threads: the files are parsed, and the store written, on a loader thread of its own while
// on_indicator runs on the calling thread (in file order, never concurrently with itself), so
// on_indicator must not use the store. At most ~8,000 parsed indicators are in flight.
Status StreamIntel(const std::vector<std::string>& paths, store::CaseStore& store, const ImportOptions& options,
                   std::vector<ImportSummary>* summaries);

// Records files in the case exactly as StreamIntel would have (inputs by SHA-256 with scope
// "sighted" unless already stored whole, their sources and STIX objects; the same bytes twice
// recorded once) from what an earlier StreamIntel captured, without reading them. files[i] must
// describe the bytes now at paths[i] (the caller checked their SHA-256). `summaries` receives one
// entry per file, as StreamIntel returns them.
Status RecordStreamed(const std::vector<std::string>& paths, const std::vector<StreamedFile>& files,
                      store::CaseStore& store, const ImportOptions& options, std::vector<ImportSummary>* summaries);

// After the hunt: reads one StreamIntel file again (nothing when it was already stored whole) and
// stores the indicators for which keep(id) is true, with the rows ImportIntel writes (input id,
// line). `lines` (sorted) are the lines those indicators came from (Indicator::line): line-oriented
// feeds skip every other data line unparsed; other formats are parsed whole and filtered by keep.
Status StoreStreamedIndicators(const ImportSummary& streamed, store::CaseStore& store, const ImportOptions& options,
                               const std::vector<int64_t>& lines,
                               const std::function<bool(std::string_view id)>& keep);

// StoreStreamedIndicators in two steps, so the reading can run while the case is busy with other
// writes: ReadStreamedIndicators touches no store and returns the rows (empty when the file was
// already stored whole); StoreIndicatorRows writes them in one transaction.
Result<std::vector<store::IndicatorRow>> ReadStreamedIndicators(const ImportSummary& streamed,
                                                                const ImportOptions& options,
                                                                const std::vector<int64_t>& lines,
                                                                const std::function<bool(std::string_view id)>& keep);
Status StoreIndicatorRows(store::CaseStore& store, const std::vector<store::IndicatorRow>& rows);

// The store row for an indicator (value_type/value set only for single-value indicators; labels_json
// holds labels then indicator types; report_id the first report).
store::IndicatorRow ToIndicatorRow(const Indicator& ind, int64_t input_id);

// Indicators read back from a case (for match): rows plus the values extracted from each pattern.
struct StoredIndicator {
  store::IndicatorRow row;
  std::vector<IndicatorValue> values;  // empty when the pattern needs the evaluator
};
Result<std::vector<StoredIndicator>> ReadStoredIndicators(store::CaseStore& store);
// The same, streamed (one StoredIndicator at a time, reused between calls) and lean: rows keep
// only what matching needs (no name or labels; the pattern only when the row has no single value,
// and values are then extracted from it). Single-value rows take their value from the row, with no
// pattern parsing. Rows whose input is in `skip_inputs` (sorted) are not visited.
Status ForEachStoredIndicator(store::CaseStore& store, const std::vector<int64_t>& skip_inputs,
                              const std::function<Status(const StoredIndicator&)>& fn);

}  // namespace onus::intel
