// Internal: a typed, validated view of an assessment for the renderers, and text helpers.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "onus/core/time.h"
#include "onus/report/report.h"

namespace onus::report::detail {

struct ProvenanceView {
  std::string path, sha256;
  int64_t record = 0;
  bool is_packet = false;
};

struct EvidenceView {
  std::string id, type, about, site, segment, first_seen, last_seen, source, grade;
  int64_t count = 0;
  Timestamp first, last;
  bool has_time = false;
  std::vector<std::string> derived_from;
  std::vector<ProvenanceView> provenance;
};

struct PropositionView {
  std::string id, kind, verdict, term, confidence, rule, statement, scope_text, cluster;
  double posterior = -1;
  std::vector<std::string> for_ids, against_ids;
};

struct ClusterView {
  std::string id, first_seen, last_seen;
  std::vector<std::string> sites, infrastructure, evidence;
};

struct HypothesisView {
  std::string actor;
  double posterior = 0;
};

struct AttributionView {
  std::string cluster, actor_verdict, actor_rule, actor_statement;
  std::string nexus_country, nexus_verdict, nexus_term, nexus_confidence;
  std::string state_verdict, state_statement;
  std::vector<HypothesisView> hypotheses;
};

struct ClaimPropView {
  std::string kind, verdict, ref;
};

struct ClaimView {
  std::string id, label, text, source_name, source_date, source_grade, source_type;
  bool independent = true;
  std::vector<std::string> derived_from;
  std::vector<ClaimPropView> propositions;
  std::vector<std::string> raised;  // what the claim says, one line per proposition (from the claims file)
};

struct EventView {
  std::string id, kind, site, segment, description, cause;
  Timestamp from, to;
};

struct AssessmentView {
  std::string version;
  std::vector<std::pair<std::string, std::string>> inputs;  // path, sha256
  std::vector<ClusterView> clusters;
  std::vector<PropositionView> propositions;
  std::vector<AttributionView> attributions;
  std::vector<ClaimView> claims;
  std::vector<EvidenceView> evidence;
  std::vector<std::string> sites;  // context order, then any other site evidence names
  std::vector<EventView> events;
  std::map<std::string, size_t> evidence_index;  // id → position
  std::string tlp;                               // from options
};

Result<AssessmentView> BuildView(const ReportInputs& in);

std::string HtmlEscape(std::string_view s);
// Markdown table cell: escapes '|' and newlines.
std::string MdCell(std::string_view s);
std::string FormatPosterior(double p);  // "0.62"
std::string ShortHash(std::string_view sha256);  // first 12 hex digits

std::string TimelineSvg(const AssessmentView& v);
std::string EvidenceGraphSvg(const AssessmentView& v);

}  // namespace onus::report::detail
