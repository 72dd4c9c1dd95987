// `onus assess`: propositions, clusters, attributions and claim checks from a case's evidence,
// serialised exactly as /work/shared/design/assessment-io.md describes (JSON) or for people
// (Markdown). Deterministic: the same evidence, context and claims give byte-identical output
// (stable ordering everywhere, posteriors rounded to 3 decimals, no clock).
// Thread-safety: Assess() is a pure function; the result is a value.
#pragma once

#include <string>
#include <vector>

#include "onus/attribution/claim.h"
#include "onus/attribution/cluster.h"
#include "onus/attribution/likelihood.h"
#include "onus/attribution/proposition.h"
#include "onus/core/case_context.h"
#include "onus/core/result.h"
#include "onus/evidence/case_evidence.h"
#include "onus/evidence/claims.h"

namespace onus::attribution {

struct Hypothesis {
  std::string actor, id;  // display name ("UNKNOWN" for the catch-all) and intrusion-set id
  double posterior = 0;
  std::vector<std::string> for_items;
};

struct Attribution {
  std::string cluster;
  std::vector<Hypothesis> hypotheses;  // sorted by posterior, UNKNOWN included, sums to 1
  std::string actor_verdict = kNotSupported, actor_name, actor_rule, actor_statement;
  std::vector<std::string> actor_for;
  std::vector<std::string> nexus, state, intent;  // proposition ids
};

struct Assessment {
  std::string version = "0.1.0";
  std::vector<std::pair<std::string, std::string>> inputs;  // path, sha256
  std::vector<Cluster> clusters;
  std::vector<Proposition> propositions;
  std::vector<Attribution> attributions;
  std::vector<ClaimCheck> claims;
  std::vector<evidence::EvidenceItem> evidence;  // every item cited, plus the rest of the case's
  std::vector<std::string> warnings;

  const Proposition* Find(const std::string& id) const;
};

Assessment Assess(const evidence::CaseEvidence& ev, const CaseContext& context, const evidence::ClaimSet& claims,
                  const LikelihoodTable& table = DefaultTable());

std::string ToJson(const Assessment& a);
std::string ToMarkdown(const Assessment& a);

}  // namespace onus::attribution
