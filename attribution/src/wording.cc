#include "onus/attribution/wording.h"

#include <cmath>

namespace onus::attribution {

namespace {
const LikelihoodTerm kTerms[] = {
    {"almost no chance", 0.01, 0.05}, {"very unlikely", 0.05, 0.20}, {"unlikely", 0.20, 0.45},
    {"roughly even chance", 0.45, 0.55}, {"likely", 0.55, 0.80}, {"very likely", 0.80, 0.95},
    {"almost certain", 0.95, 0.99},
};
}  // namespace

const LikelihoodTerm& TermFor(double p) {
  for (const auto& t : kTerms)
    if (p < t.high) return t;
  return kTerms[6];
}

std::string ConfidenceLevel(int groups, double best_weight, bool any_stale) {
  if (groups <= 0) return "low";
  if (groups >= 2 && best_weight >= 0.85 && !any_stale) return "high";
  if (best_weight >= 0.6 && !any_stale) return "moderate";
  return "low";
}

std::string ConfidenceSentence(const std::string& level, const std::string& why) {
  return "Confidence is " + level + ": " + why + ".";
}

double Round3(double x) { return std::round(x * 1000.0) / 1000.0; }

}  // namespace onus::attribution
