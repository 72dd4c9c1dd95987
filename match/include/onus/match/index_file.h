// Index files: a CompiledIntel (the IndicatorIndex, the pattern indicators and the counters) saved
// to disk and loaded back without re-parsing feeds or rebuilding tables — the compiled-intel cache
// of `onus hunt` (like Suricata's cached multi-pattern-matcher state). Layout in match/README.md
// ("Index file").
//
// Contract:
// - WriteCompiledIntel writes a temporary file in the destination's directory and renames it over
//   `path`, so a reader sees the old file or the complete new one, never a partial one. It does not
//   fsync (a cache: a torn file after a power cut fails its checksum and is rebuilt).
// - Loading is bulk: each array is read straight into its final vector or arena chunk; nothing is
//   parsed per entry and nothing is rehashed. Peak memory is the index's own size (no copy of the
//   file is held).
// - A file that is truncated, corrupt, hostile, of another format version or written on a host of
//   the other byte order is an error (Corrupt or Unsupported) naming the file and the byte offset;
//   the caller rebuilds. Every offset, ordinal and table shape is checked before the index is
//   returned, and a 64-bit checksum trailer covers every byte, so lookups on a loaded index never
//   read out of bounds.
// - A loaded index answers every lookup exactly as the index that was saved.
// - `extra` sections are the caller's opaque bytes (e.g. the feeds' SHA-256 and import summary),
//   saved and returned in order.
// Thread-safety: free functions; concurrent calls on distinct paths are independent. Writers of
// the same path race only on which complete file wins.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "onus/core/result.h"
#include "onus/match/hunt.h"

namespace onus::match {

// Format version written and the only one read; bump on any layout change.
inline constexpr uint32_t kIndexFileVersion = 1;

struct IndexFileSection {
  std::string name;   // at most 4096 bytes
  std::string bytes;  // opaque
};

struct LoadedIntel {
  CompiledIntel intel;
  std::vector<IndexFileSection> extra;
};

Status WriteCompiledIntel(const CompiledIntel& intel, const std::vector<IndexFileSection>& extra,
                          const std::string& path);
Result<LoadedIntel> ReadCompiledIntel(const std::string& path);
// The same from bytes in memory; `name` stands for the file in error messages.
Result<LoadedIntel> DecodeCompiledIntel(std::string_view bytes, std::string_view name);
// The same bytes WriteCompiledIntel would write (for tests and the fuzz seed corpus).
Result<std::string> EncodeCompiledIntel(const CompiledIntel& intel, const std::vector<IndexFileSection>& extra);

// The checksum stored in the trailer, over `bytes` (for the fuzzer, which re-seals mutated files
// so that its inputs reach the structural checks).
uint64_t IndexFileChecksum(std::string_view bytes);

}  // namespace onus::match
