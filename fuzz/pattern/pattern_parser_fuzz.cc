// Parser fuzz target: any bytes as a pattern, both versions; parse, check, inspect, compile, and
// print-reparse (ToString must be re-parseable and stable).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "onus/pattern/checker.h"
#include "onus/pattern/compiled_pattern.h"
#include "onus/pattern/inspector.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace onus::pattern;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (StixVersion v : {StixVersion::k21, StixVersion::k20}) {
    ParseOptions opts{v, {}};
    auto direct = CompiledPattern::Compile(text, opts);  // parses straight into the compiled object
    auto p = ParsePattern(text, opts);
    if (!p.ok()) {
      // Both routes report the same parse error.
      if (direct.ok() || direct.status().message() != p.status().message()) std::abort();
      continue;
    }
    (void)CheckPattern(*p);
    (void)Inspect(*p);
    std::string printed = ToString(p->root);
    auto again = ParsePattern(printed, opts);
    if (!again.ok() || ToString(again->root) != printed) std::abort();  // printing must round-trip
    auto compiled = CompiledPattern::Compile(std::move(p).value());
    if (compiled.ok() != direct.ok()) std::abort();  // text and tree routes agree
  }
  return 0;
}
