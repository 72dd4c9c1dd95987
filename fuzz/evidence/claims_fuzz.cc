// Fuzz target: the claims parser (`--claims claims.json`) must never crash on any input.
#include <cstddef>
#include <cstdint>
#include <string>

#include "onus/evidence/claims.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto r = onus::evidence::ClaimSet::Parse(text, "fuzz.json");
  if (r.ok())
    for (const auto& c : r->claims()) (void)c.independent();
  return 0;
}
