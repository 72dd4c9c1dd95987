// Renderers: an assessment (the JSON of `onus assess`, /work/shared/design/assessment-io.md) into
// what people read (HTML, Markdown) and what machines share (a STIX 2.1 bundle). No judgment
// happens here: every verdict, likelihood and sentence is taken from the assessment as it is.
//
// Contract:
// - Output is deterministic: the same inputs give the same bytes (no clock reads; STIX ids are
//   UUIDv5; timestamps come from the assessment's evidence).
// - HTML is one self-contained file: inline CSS, SVG and a little JavaScript (filtering only); it
//   fetches nothing, reads without JavaScript and prints well. All text is HTML-escaped.
// - Renderers validate the assessment's shape and return InvalidArgument naming the first missing
//   or mistyped field; they never throw.
// Thread-safety: pure functions of their inputs.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "onus/core/case_context.h"
#include "onus/core/result.h"
#include "onus/store/case_store.h"

namespace onus::report {

struct ReportInputs {
  nlohmann::json assessment;         // required: the assessment JSON
  const CaseContext* context = nullptr;  // optional: sites, events (timeline bands)
  nlohmann::json claims;             // optional: the claims file (text and source of each claim)
};

struct ReportOptions {
  std::string organisation = "onus";  // the reporting organisation (STIX identity)
  std::string tlp;                    // white|clear|green|amber|amber+strict|red; empty → context or amber
  std::string title = "onus assessment";
};

Result<std::string> RenderHtml(const ReportInputs& in, const ReportOptions& options);
Result<std::string> RenderMarkdown(const ReportInputs& in, const ReportOptions& options);

// What the STIX bundle needs from the case beyond the assessment: the indicators that fired and
// their sightings aggregated per site, and intel objects (malware, intrusion-set) the evidence
// names. Filled by the caller from the case store.
struct FiredIndicator {
  std::string id, pattern, pattern_type = "stix", name, valid_from, valid_until;
  int confidence = -1;
};
struct SiteSighting {
  std::string indicator_id, site, value, value_type;
  std::string first_seen, last_seen;
  int64_t count = 0;
};
struct StixInputs {
  std::vector<FiredIndicator> indicators;
  std::vector<SiteSighting> sightings;
  std::vector<nlohmann::json> intel_objects;  // malware / tool / intrusion-set objects to carry over
};

// Reads the case for the bundle: non-stale sightings aggregated per (indicator, site, value), the
// indicators they name, malware/tool objects those indicators `indicate`, and the intrusion-set of
// an actor the assessment supports. Deterministic order.
Result<StixInputs> CollectStixInputs(store::CaseStore& store, const nlohmann::json& assessment);

Result<std::string> RenderStixBundle(const ReportInputs& in, const StixInputs& stix, const ReportOptions& options);

// Checks a STIX 2.1 bundle against the specification's required properties and formats (ids,
// timestamps, enumerations, references that resolve inside the bundle). Returns the list of
// problems, empty when valid.
std::vector<std::string> ValidateStixBundle(const nlohmann::json& bundle);

// RFC 4122 version-5 UUID (SHA-1) of `name` in `namespace_uuid` (text form), lowercase.
std::string UuidV5(const std::string& namespace_uuid, const std::string& name);
// The namespace onus uses for its own STIX ids (documented in report/README.md).
inline constexpr const char* kOnusNamespace = "8c0e8b4e-3f0a-5d2b-9a54-6f6e75730001";

}  // namespace onus::report
