// Internal plumbing shared by the feed loaders (intel/feeds/<format>/): the sink loaders stream
// into, the registry of formats, and helpers that build indicators the same way for every feed.
// Thread-safety: a FeedSink/FeedContext belongs to one load on one thread.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "onus/core/result.h"
#include "onus/intel/intel.h"

#include "onus/core/json_text.h"

namespace onus::intel::detail {

// Receives what a loader produces, in file order (sources before the records that cite them).
class FeedSink {
 public:
  virtual ~FeedSink() = default;
  virtual Status OnSource(Source source) = 0;
  virtual Status OnIndicator(Indicator indicator) = 0;
  virtual Status OnObject(StixObject object) = 0;
  virtual void OnSkipped(int64_t line, std::string reason) = 0;
  virtual void OnRecord() = 0;  // one record read (object, attribute or content line)
};

// The input as loaders see it.
struct FeedInput {
  std::string path;    // file path (for a MISP feed directory: the event file)
  std::string format;  // detected or forced format
  // Optional, sorted: only these lines hold records of interest. Line-oriented loaders (Zeek
  // intel) skip other data lines without parsing them; the rest may ignore it (callers filter too).
  const std::vector<int64_t>* wanted_lines = nullptr;
};

// Collects everything (used by LoadIntel).
class CollectingSink : public FeedSink {
 public:
  CollectingSink(IntelBundle* out, size_t max_skipped) : out_(out), max_skipped_(max_skipped) {}
  Status OnSource(Source source) override;
  Status OnIndicator(Indicator indicator) override;
  Status OnObject(StixObject object) override;
  void OnSkipped(int64_t line, std::string reason) override;
  void OnRecord() override { ++out_->records; }

 private:
  IntelBundle* out_;
  size_t max_skipped_;
  std::set<std::string> source_ids_;
};

// Loader signature: reads `in.path` and streams into `sink`.
using LoaderFn = Status (*)(const FeedInput& in, const IntelOptions& options, FeedSink& sink);

LoaderFn FindLoader(std::string_view format);

// Feed loaders (one per feeds/<format>/ folder).
Status LoadStixFeed(const FeedInput& in, const IntelOptions& options, FeedSink& sink);   // stix-2.x
Status LoadAttackFeed(const FeedInput& in, const IntelOptions& options, FeedSink& sink); // attack
Status LoadMispFeed(const FeedInput& in, const IntelOptions& options, FeedSink& sink);   // misp-event
Status LoadMispGalaxy(const FeedInput& in, const IntelOptions& options, FeedSink& sink); // misp-galaxy
Status LoadCsvFeed(const FeedInput& in, const IntelOptions& options, FeedSink& sink);    // csv, list
Status LoadZeekIntelFeed(const FeedInput& in, const IntelOptions& options, FeedSink& sink);

// Text entry points (used by the file loaders and by the fuzz targets).
Status LoadStixText(std::string_view text, const FeedInput& in, const IntelOptions& options, FeedSink& sink);
Status LoadMispText(std::string_view text, const FeedInput& in, const IntelOptions& options, FeedSink& sink);
Status LoadMispGalaxyText(std::string_view text, const FeedInput& in, const IntelOptions& options, FeedSink& sink);
Status LoadCsvText(std::string_view text, const FeedInput& in, const IntelOptions& options, FeedSink& sink);
Status LoadZeekIntelText(std::string_view text, const FeedInput& in, const IntelOptions& options, FeedSink& sink);
bool IsCsvHeader(std::string_view line);

// Content sniffing for one file's first bytes (no directories): "stix-2.1", "stix-2.0", "attack",
// "misp-event", "misp-galaxy" (a cluster file), "warninglist", "zeek-intel", "csv", "list"; "yara" or "ids-rules" for detection rules
// (not importable: DetectFormat refuses them by name); "" when unknown.
std::string SniffFormat(std::string_view prefix);
// A YARA rule header or import ("rule Name {", "private rule X : tag", "import \"pe\"").
bool IsYaraLine(std::string_view line);
// A Snort/Suricata rule's header ("alert tcp any any -> any 443 (msg:...; sid:1;)"), whose options may
// continue on the next lines.
bool IsIdsRuleLine(std::string_view line);

// Event files of a MISP feed directory, in manifest order (sorted by uuid).
Result<std::vector<std::string>> MispFeedEventFiles(const std::string& dir);

// --- helpers shared by loaders ---

// The grade a source gets: options.grade, else `declared` when it is a valid Admiralty grade, else
// `fallback`.
std::string ChooseGrade(const IntelOptions& options, std::string_view declared, std::string_view fallback);
bool IsAdmiraltyGrade(std::string_view g);
// A source named by a feed (no STIX identity): deterministic id from the name.
Source NamedSource(std::string_view name, std::string_view type, const IntelOptions& options,
                   std::string_view fallback_grade = kDefaultGrade);
// File name without directories ("apt_barium.txt").
std::string BaseName(std::string_view path);
// Builds a non-STIX indicator from values: deterministic id, pattern, name (pattern and name left
// empty when `values_only`: see IntelOptions::values_only).
Indicator MakeValueIndicator(const Source& source, std::vector<IndicatorValue> values, int64_t line,
                             bool values_only);
using onus::JsonQuote;  // core/json_text.h
std::string JsonStringArray(const std::vector<std::string>& v);
std::string ToLower(std::string_view s);
std::string_view Trim(std::string_view s);

// Positions of line starts, to turn byte offsets into 1-based line numbers.
class LineIndex {
 public:
  explicit LineIndex(std::string_view text);
  int64_t LineAt(uint64_t offset) const;

 private:
  std::vector<uint64_t> newlines_;
};

}  // namespace onus::intel::detail
