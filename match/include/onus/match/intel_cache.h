// The compiled-intel cache of `onus hunt --intel` (as Suricata caches its compiled pattern
// matchers): what reading the feeds produced — the CompiledIntel, the line each indicator came
// from, and what the case records of each file (intel::StreamedFile) — saved in an index file
// (index_file.h) named by a key over the feeds' bytes, so the next hunt with the same feeds loads
// it instead of parsing them and building the index again.
//
// Contract:
// - The key (IntelCacheKey) is the SHA-256 of: the cache layout version, the caller's build id
//   (a new onus binary never reads an older one's cache), the compile options, the grade, and each
//   file's SHA-256 and file name in order (a feed without sources of its own is attributed to one
//   named after its file). Same key ⇒ the same bytes under the same names compiled by the same code.
// - A cached entry holds only the streamed indicators: callers save it only when no indicator from
//   the case itself went into the index, and use it only when the case holds none either.
// - LoadCachedIntel: nullopt when there is no entry; a corrupt entry (checksum, structure, lines
//   or files that do not fit the index) is an error naming the file, and the caller rebuilds.
// - SaveCachedIntel writes atomically (index_file.h) and keeps the `keep` newest entries.
// Thread-safety: free functions; a save may run on another thread while the index is used (the
// index is immutable).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "onus/core/result.h"
#include "onus/intel/import.h"
#include "onus/match/hunt.h"
#include "onus/match/index_file.h"

namespace onus::match {

inline constexpr uint32_t kIntelCacheVersion = 1;

struct CachedIntel {
  CompiledIntel compiled;
  std::vector<int64_t> lines;              // by indicator ordinal: the feed line it came from
  std::vector<intel::StreamedFile> files;  // one per --intel path, in order
};

// `file_names[i]` is the file name (no directory) of the file whose SHA-256 is `sha256s[i]`: feeds
// without a source of their own are attributed to a source named after the file.
std::string IntelCacheKey(const std::vector<std::string>& sha256s, const std::vector<std::string>& file_names,
                          const CompileOptions& options, std::string_view grade, std::string_view build_id);
// The entry's path: DIR/intel-<key>.onusidx
std::string IntelCachePath(const std::string& dir, const std::string& key);
Result<std::optional<CachedIntel>> LoadCachedIntel(const std::string& dir, const std::string& key);
// The entry held by a decoded index file (`name` stands for the file in errors): its sections are
// checked against the index (lines per indicator, files accounting for every indicator).
Result<CachedIntel> CachedIntelFromFile(LoadedIntel loaded, const std::string& name);
Status SaveCachedIntel(const std::string& dir, const std::string& key, const CachedIntel& cached, size_t keep = 4);

}  // namespace onus::match
