// Fuzz target: MISP galaxy cluster file loader.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "feed.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  onus::intel::IntelBundle b;
  onus::intel::detail::CollectingSink sink(&b, 16);
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)onus::intel::detail::LoadMispGalaxyText(text, {"fuzz.json", "misp-galaxy"}, {}, sink);
  return 0;
}
