#include "onus/attribution/claim.h"

#include "onus/attribution/proposition.h"

namespace onus::attribution {

std::string Agreement(const std::string& verdict, bool negated) {
  if (verdict == kNotAssessable) return "not_assessable";
  if (!negated) {
    if (verdict == kSupported) return "consistent";
    if (verdict == kContradicted) return "contradicted";
    return "unsupported";
  }
  // A denial agrees with a proposition the evidence does not support or contradicts.
  if (verdict == kSupported) return "contradicted";
  return "consistent";
}

std::string ClaimLabel(const std::vector<ClaimPart>& parts) {
  int agree = 0, disagree = 0, unsupported = 0;
  for (const auto& p : parts) {
    if (p.agreement == "consistent") ++agree;
    else if (p.agreement == "contradicted") ++disagree;
    else if (p.agreement == "unsupported") ++unsupported;
  }
  if (disagree > 0) return "contradicted";
  if (agree > 0 && agree == static_cast<int>(parts.size())) return "consistent";
  if (agree > 0) return "partly_supported";
  if (unsupported > 0) return "unsupported";
  return "not_assessable";
}

std::string VerdictFor(double posterior, bool has_for, bool has_any, bool diagnostic_against) {
  if (!has_any) return kNotAssessable;
  if (posterior >= 0.55 && has_for) return kSupported;
  if (posterior < 0.2 && diagnostic_against) return kContradicted;
  return kNotSupported;
}

}  // namespace onus::attribution
