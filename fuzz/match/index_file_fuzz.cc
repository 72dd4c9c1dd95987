// Fuzz target: the input is an index file (hostile bytes on disk). It is decoded twice: as is, and
// with its checksum trailer re-sealed so that mutated files get past the checksum and reach the
// structural checks. A file that loads must answer lookups for every entry without reading out of
// bounds (ASan), and save to bytes that load again.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "onus/match/index_file.h"

namespace {

using namespace onus::match;

void Exercise(const LoadedIntel& loaded) {
  const IndicatorIndex& idx = *loaded.intel.index;
  MatchScratch scratch;
  size_t hits = 0;
  for (uint32_t e = 0; e < idx.entry_count(); ++e) {
    const IndexEntry& entry = idx.entry(e);
    std::string_view value = idx.entry_value(e);
    uint32_t ind = entry.indicator;
    hits += idx.indicator_id(ind).size() + idx.indicator_source(ind).size() + idx.indicator_grade(ind).size();
    hits += static_cast<size_t>(idx.indicator_confidence(ind) + idx.ValidAt(ind, onus::Timestamp::FromSeconds(1)));
    auto count = [&](uint32_t x) { hits += idx.entry(x).indicator; };
    switch (entry.type) {
      case ValueType::kAddr: {
        auto c = onus::Cidr::Parse(value);
        if (c.ok()) idx.ForEachAddrMatch(c->network(), count);
        break;
      }
      case ValueType::kDomain:
        idx.ForEachDomainMatch(std::string("a.") + std::string(value), scratch, count);
        break;
      default:
        for (uint32_t x : idx.LookupValue(entry.type, value, scratch)) count(x);
    }
  }
  for (uint32_t a : {0u, 0x0A010203u, 0xC0000201u, 0xFFFFFFFFu}) idx.ForEachAddrMatch(onus::IpAddress::FromV4(a), [&](uint32_t x) { hits += x; });
  for (const auto& p : loaded.intel.patterns) hits += idx.indicator_id(p.indicator).size();
  // Save and load again: a file that loaded re-encodes to a file that loads.
  auto again = EncodeCompiledIntel(loaded.intel, loaded.extra);
  if (!again.ok() || !DecodeCompiledIntel(*again, "re-encoded").ok()) std::abort();
  (void)hits;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto loaded = DecodeCompiledIntel(in, "fuzz");
  if (loaded.ok()) Exercise(*loaded);
  if (size >= 48) {
    std::string sealed(in);
    uint64_t sum = IndexFileChecksum(std::string_view(sealed).substr(0, size - 16));
    std::memcpy(sealed.data() + size - 16, &sum, 8);
    auto resealed = DecodeCompiledIntel(sealed, "fuzz-resealed");
    if (resealed.ok()) Exercise(*resealed);
  }
  return 0;
}
