// Batch attribution of observed behaviour (`onus attribute`): each case is a STIX 2.x bundle of
// `sighting` objects whose `sighting_of_ref` names an attack-pattern, malware or tool of the
// catalogue; the case is weighed by the ActorModel and written as one JSON line.
//
// Resolution of a sighting_of_ref, in order: the catalogue's STIX id (following revoked-by
// redirects); else, when the case bundle itself carries the referenced object with an ATT&CK
// external id (T1059.001, S0154), that id in the catalogue. Anything else is "unresolved" and
// listed in CaseResult::unresolved_refs (the CLI warns); a case with no resolved sighting gets
// verdict not_assessable. A sighting repeated (same object) is combined once.
//
// Output line (stable key order, posteriors with 6 decimals whose printed values sum to exactly 1):
//   {"case":"<path as given>","hypotheses":[{"actor":"<intrusion-set id>|UNKNOWN","name":"…",
//    "posterior":0.123456},…],"actor":{"verdict":"supported|not_supported|not_assessable",
//    "name":"…"|null,"id":"…"|null,"rule":"…"},"provenance":{"sha256":"…","sightings":N,
//    "resolved":N,"repeated":N,"unresolved":N}}
// Thread-safety: a CaseAttributor holds a reusable parser: one per thread. The ActorModel it
// reads is shared and immutable.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "onus/attribution/actor_model.h"
#include "onus/core/json_text.h"
#include "onus/core/result.h"

namespace onus::attribution {

struct CaseResult {
  std::string case_path;                     // as given
  std::string sha256;                        // of the case file as stored ("" for in-memory text)
  uint64_t sightings = 0;                    // sighting objects in the bundle
  std::vector<ActorEvidence> evidence;       // resolved items in bundle order (repetitions kept)
  std::vector<std::string> unresolved_refs;  // sighting_of_ref values that name nothing known (sorted, unique)
  ActorAssessment assessment;
};

class CaseAttributor {
 public:
  explicit CaseAttributor(const ActorModel& model);  // the model must outlive the attributor
  ~CaseAttributor();
  CaseAttributor(const CaseAttributor&) = delete;
  CaseAttributor& operator=(const CaseAttributor&) = delete;

  // Errors: NotFound/IoError (file), Corrupt (not JSON), InvalidArgument (not a STIX bundle). A
  // bundle whose sightings resolve to nothing is not an error (verdict not_assessable).
  Result<CaseResult> AttributeFile(const std::string& path);
  Result<CaseResult> AttributeText(std::string_view json, std::string label);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The JSON line for a case (no trailing newline). Deterministic.
std::string CaseResultJson(const CaseResult& result, const Catalogue& catalogue);

using onus::JsonQuote;  // core/json_text.h: JSON string literal with escapes (quotes included)

}  // namespace onus::attribution
