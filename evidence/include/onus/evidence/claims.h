// Third-party claims (`--claims claims.json`, /work/shared/design/assessment-io.md): each claim is
// a set of structured propositions with scope and a source record (name, type, date, grade,
// derived_from). Loading validates the whole file and names the JSON path and line of a problem.
//
// Contract: every Claim keeps the 1-based line on which its JSON object begins, and the path and
// SHA-256 of the file, for provenance. Unknown fields are ignored; a claim without `id` or
// `propositions`, or a proposition without `kind`, is InvalidArgument.
// Thread-safety: immutable after Load(); share freely.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "onus/core/result.h"
#include "onus/core/time.h"

namespace onus::evidence {

struct ClaimProposition {
  std::string kind;  // intrusion, capability, causation, cluster, actor, nexus, state, intent
  std::string site, segment, event, actor, country, purpose, hedge;
  std::vector<std::string> sites;
  std::optional<Timestamp> from, to;
  bool negated = false;
};

struct ClaimSource {
  std::string name, type, date, grade;
  std::vector<std::string> derived_from;
  bool ingestible_evidence = true;
};

struct Claim {
  std::string id, text;
  ClaimSource source;
  std::vector<ClaimProposition> propositions;
  int line = 0;

  // A claim that repeats another (derived_from not empty) is not independent corroboration.
  bool independent() const { return source.derived_from.empty(); }
  // An accused or otherwise interested party: never diagnostic, never cited.
  bool interested_party() const;
};

class ClaimSet {
 public:
  static Result<ClaimSet> Load(const std::string& path);
  static Result<ClaimSet> Parse(const std::string& json_text, const std::string& path_for_errors);

  const std::vector<Claim>& claims() const { return claims_; }
  const std::string& path() const { return path_; }
  const std::string& sha256() const { return sha256_; }

 private:
  std::string path_, sha256_;
  std::vector<Claim> claims_;
};

}  // namespace onus::evidence
