// A proposition of the assessment (/work/shared/design/assessment-io.md "Output"): one question
// with its own scope, verdict, likelihood (ICD 203 term + posterior), confidence, the evidence for
// and against, the abstention rule that fired and a statement for people.
// Thread-safety: value type.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "onus/core/time.h"

namespace onus::attribution {

inline constexpr const char* kSupported = "supported";
inline constexpr const char* kNotSupported = "not_supported";
inline constexpr const char* kContradicted = "contradicted";
inline constexpr const char* kNotAssessable = "not_assessable";

struct Proposition {
  std::string id, kind;  // intrusion, capability, causation, cluster, actor, nexus, state, intent
  // scope
  std::string site, segment, event;
  std::vector<std::string> sites;  // for cluster propositions
  std::optional<Timestamp> from, to;
  // subject
  std::string cluster, actor, actor_id, country, purpose;
  std::string verdict = kNotAssessable;
  bool graded = false;  // has a likelihood
  double posterior = 0;
  std::string confidence;  // low | moderate | high ("" when not graded)
  std::vector<std::string> for_items, against_items;
  std::string rule, statement;
};

// The verdict from a posterior and the evidence picture (evidence-model.md): supported at >= 0.55
// with admissible evidence for; contradicted when low (< 0.2) with a diagnostic item against;
// not_assessable with no admissible evidence either way; otherwise not_supported.
std::string VerdictFor(double posterior, bool has_for, bool has_any, bool diagnostic_against);

}  // namespace onus::attribution
