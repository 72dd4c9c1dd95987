// Fuzz target: input lines are "<type>\t<value>" indicator values (hostile feed content). Every line
// is normalised, compiled into an IndicatorIndex, then looked up again as telemetry would be; a value
// that compiled must find its own entry.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "onus/match/indicator_index.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace onus::match;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::vector<ValueSpec> values;
  while (!in.empty() && values.size() < 256) {
    size_t nl = in.find('\n');
    std::string_view line = in.substr(0, nl);
    in = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
    size_t tab = line.find('\t');
    ValueSpec v;
    if (tab == std::string_view::npos || !ParseValueType(line.substr(0, tab), v.type)) {
      v.type = static_cast<ValueType>(line.size() % kValueTypeCount);
      v.value = std::string(line);
    } else {
      v.value = std::string(line.substr(tab + 1));
    }
    v.scope = static_cast<DomainScope>(line.size() % 3);
    values.push_back(std::move(v));
    // The normalisers on their own, as they see telemetry.
    char buf[kMaxDomainLength + 1];
    size_t len = 0;
    NormalizeDomainInto(line, buf, len);
    std::string scratch;
    NormalizeUrlInto(line, scratch);
    NormalizeSerialInto(line, scratch);
    NormalizeEmailInto(line, scratch);
    (void)Refang(line);
  }
  IndicatorIndex::Builder b;
  IndicatorSpec spec;
  spec.id = "indicator--fuzz";
  spec.values = values;
  b.Add(spec);
  auto idx = b.Build();
  if (!idx.ok()) return 0;
  const IndicatorIndex& index = **idx;
  MatchScratch scratch;
  size_t found = 0;
  for (uint32_t e = 0; e < index.entry_count(); ++e) {
    const IndexEntry& entry = index.entry(e);
    std::string_view value = index.entry_value(e);
    bool hit = false;
    switch (entry.type) {
      case ValueType::kAddr: {
        auto c = onus::Cidr::Parse(value);
        if (!c.ok()) std::abort();  // a compiled value prints back parseable
        index.ForEachAddrMatch(c->network(), [&](uint32_t x) { hit |= x == e; });
        break;
      }
      case ValueType::kDomain: {
        std::string name = std::string(entry.scope == DomainScope::kSubdomainsOnly ? "x." : "") + std::string(value);
        index.ForEachDomainMatch(name, scratch, [&](uint32_t x) { hit |= x == e; });
        if (name.size() > kMaxDomainLength) hit = true;  // "x." pushed it past the limit
        break;
      }
      default:
        for (uint32_t x : index.LookupValue(entry.type, value, scratch)) hit |= x == e;
        break;
    }
    if (!hit) std::abort();
    ++found;
  }
  (void)found;
  return 0;
}
