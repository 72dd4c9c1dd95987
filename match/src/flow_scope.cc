// HuntFlowScope: which flows of a capture a hunt can use (see hunt.h).
#include <memory>
#include <vector>

#include "onus/match/hunt.h"

namespace onus::match {

std::optional<ingest::FlowScope> HuntFlowScope(const CompiledIntel& intel, const CaseContext* context) {
  if (!intel.patterns.empty() || !intel.index) return std::nullopt;
  const IndicatorIndex& idx = *intel.index;
  ingest::FlowScope scope;
  scope.ics = true;
  if (idx.has_type(ValueType::kAddr)) scope.dns = scope.http = true;
  if (idx.has_type(ValueType::kDomain)) scope.dns = scope.tls = scope.http = true;
  if (idx.has_type(ValueType::kUrl)) scope.http = true;
  for (ValueType t : {ValueType::kCertSha1, ValueType::kCertSha256, ValueType::kCertSerial, ValueType::kJa3,
                      ValueType::kJa3s, ValueType::kJa4})
    if (idx.has_type(t)) scope.tls = true;
  auto ot = std::make_shared<std::vector<Cidr>>();
  if (context)
    for (const auto& site : context->sites())
      for (const auto& seg : site.segments)
        if (seg.kind == "ot") ot->insert(ot->end(), seg.cidrs.begin(), seg.cidrs.end());
  const bool addrs = idx.has_type(ValueType::kAddr);
  if (addrs || !ot->empty()) {
    std::shared_ptr<const IndicatorIndex> index = intel.index;
    scope.endpoint = [index, addrs, ot](const IpAddress& a) {
      if (addrs && index->MatchesAddr(a)) return true;
      for (const Cidr& c : *ot)
        if (c.Contains(a)) return true;
      return false;
    };
  }
  return scope;
}

}  // namespace onus::match
