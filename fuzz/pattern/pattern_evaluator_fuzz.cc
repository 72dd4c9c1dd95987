// Evaluator fuzz target. Input: a pattern line, then observed-data JSON. Compiles the pattern,
// loads the observations, runs the batch matcher and a stream matcher over them.
#include <cstdint>
#include <string_view>

#include "onus/pattern/compiled_pattern.h"
#include "onus/pattern/stream_matcher.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace onus::pattern;
  std::string_view all(reinterpret_cast<const char*>(data), size);
  size_t nl = all.find('\n');
  if (nl == std::string_view::npos) return 0;
  std::string_view text = all.substr(0, nl), json = all.substr(nl + 1);
  StixVersion v = text.find("START '") != std::string_view::npos ? StixVersion::k20 : StixVersion::k21;
  auto c = CompiledPattern::Compile(text, ParseOptions{v, {}});
  if (!c.ok()) return 0;
  auto obs = LoadObservedDataJson(json, "fuzz");
  if (!obs.ok()) return 0;
  MatchOptions mo;
  mo.max_search_steps = 200000;
  (void)Match(**c, *obs, mo);
  StreamOptions so;
  so.match = mo;
  so.max_buffered = 64;
  StreamMatcher sm(*c, so);
  for (const auto& o : *obs) (void)sm.Push(o);
  return 0;
}
