// Fuzz target: the input is a compiled-intel cache entry (an index file whose extra sections hold
// the feeds' records and lines). It is decoded as is and with its checksum re-sealed, so mutated
// sections reach the JSON and consistency checks; an entry that loads must hold one line per
// indicator and files that account for every indicator.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "onus/match/intel_cache.h"

namespace {

using namespace onus::match;

void Check(std::string_view bytes, const char* name) {
  auto loaded = DecodeCompiledIntel(bytes, name);
  if (!loaded.ok()) return;
  auto entry = CachedIntelFromFile(std::move(*loaded), name);
  if (!entry.ok()) return;
  int64_t indicators = 0;
  for (const auto& f : entry->files) indicators += f.summary.indicators;
  if (entry->lines.size() != entry->compiled.index->indicator_count() ||
      indicators != static_cast<int64_t>(entry->compiled.index->indicator_count()))
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  Check(in, "fuzz");
  if (size >= 48) {
    std::string sealed(in);
    uint64_t sum = IndexFileChecksum(std::string_view(sealed).substr(0, size - 16));
    std::memcpy(sealed.data() + size - 16, &sum, 8);
    Check(sealed, "fuzz-resealed");
  }
  return 0;
}
