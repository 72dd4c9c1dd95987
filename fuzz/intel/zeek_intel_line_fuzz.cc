// Fuzz target: Zeek intel file lines (header handling, field splitting, type mapping).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "feed.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  onus::intel::IntelBundle b;
  onus::intel::detail::CollectingSink sink(&b, 16);
  // With and without a standard header in front, so data lines are reached often.
  std::string with_header = "#fields\tindicator\tindicator_type\tmeta.source\n" +
                            std::string(reinterpret_cast<const char*>(data), size);
  (void)onus::intel::detail::LoadZeekIntelText(with_header, {"fuzz.dat", "zeek-intel"}, {}, sink);
  (void)onus::intel::detail::LoadZeekIntelText(std::string_view(reinterpret_cast<const char*>(data), size),
                                               {"fuzz.dat", "zeek-intel"}, {}, sink);
  return 0;
}
