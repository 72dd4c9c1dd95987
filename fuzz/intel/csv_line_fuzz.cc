// Fuzz target: CSV and one-value-per-line parsing (refang, type inference, normalisation). The
// first byte picks the mode (even: list, odd: CSV with the first line as header).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "feed.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  onus::intel::IntelBundle b;
  onus::intel::detail::CollectingSink sink(&b, 16);
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  (void)onus::intel::detail::LoadCsvText(text, {"fuzz.txt", (data[0] & 1) ? "csv" : "list"}, {}, sink);
  (void)onus::intel::detail::SniffFormat(text);
  for (const auto& i : b.indicators) {
    auto back = onus::intel::ExtractIndicatorValues(i.pattern);
    if (!back.ok() || *back != i.values) __builtin_trap();  // every generated pattern must round-trip
  }
  return 0;
}
