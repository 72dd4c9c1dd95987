// Fuzz target: the case context parser (`--context context.json`) and the line scanner it uses for
// provenance must never crash on any input, and every line they report lies inside the text.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "onus/core/case_context.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  const int lines = 1 + static_cast<int>(std::count(text.begin(), text.end(), '\n'));
  std::vector<int> elements;
  auto members = onus::ArrayElementMemberLines(text, "sites", "id", &elements);
  if (members.size() != elements.size()) __builtin_trap();
  for (size_t i = 0; i < members.size(); ++i)
    if (elements[i] < 1 || members[i] < elements[i] || members[i] > lines) __builtin_trap();
  auto r = onus::CaseContext::Parse(text, "fuzz.json");
  if (r.ok())
    for (const auto& s : r->sites())
      if (s.line < 0 || s.line > lines) __builtin_trap();
  return 0;
}
