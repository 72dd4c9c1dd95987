// Fuzz target: STIX 2.x bundle loader (and the pattern value extraction it runs per indicator).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "feed.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  onus::intel::IntelBundle b;
  onus::intel::detail::CollectingSink sink(&b, 16);
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)onus::intel::detail::LoadStixText(text, {"fuzz.json", "stix-2.1"}, {}, sink);
  for (const auto& i : b.indicators) (void)onus::intel::StixPatternFor(i.values);
  return 0;
}
