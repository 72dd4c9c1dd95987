// ICD 203 wording: likelihood terms with their ranges, and confidence levels. Likelihood and
// confidence are always separate sentences (a statement never carries both in one).
// Thread-safety: pure functions.
#pragma once

#include <string>

namespace onus::attribution {

struct LikelihoodTerm {
  const char* term;
  double low, high;
};

// almost no chance (1-5%) ... almost certain (95-99%).
const LikelihoodTerm& TermFor(double posterior);

// "low", "moderate" or "high" from the evidence base: independent groups, best weight, staleness.
std::string ConfidenceLevel(int independent_groups, double best_weight, bool any_stale);

// "Confidence is moderate: <why>." (never names a likelihood term).
std::string ConfidenceSentence(const std::string& level, const std::string& why);

// Rounds to 3 decimals for stable output.
double Round3(double x);

}  // namespace onus::attribution
