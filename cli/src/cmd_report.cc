// onus report: renders an assessment for people (HTML, Markdown) and machines (JSON, STIX 2.1).
// The assessment is computed exactly as `onus assess` computes it (so --format json equals
// `onus assess --format json` for the same inputs), or read from a saved file with --assessment.
#include <nlohmann/json.hpp>

#include "command.h"
#include "onus/attribution/assessment.h"
#include "onus/core/case_context.h"
#include "onus/core/file.h"
#include "onus/evidence/case_evidence.h"
#include "onus/evidence/claims.h"
#include "onus/report/report.h"
#include "onus/store/case_store.h"

namespace onus::cli {

int RunReport(int argc, char** argv) {
  CLI::App app{"Render an assessment as a self-contained HTML page, Markdown, JSON or a STIX 2.1 bundle", "onus report"};
  std::string case_path, context_path, claims_path, format, out_path, assessment_path;
  report::ReportOptions options;
  app.add_option("--case", case_path, "case file (SQLite) written by onus hunt");
  app.add_option("--context", context_path, "case context JSON (sites, events; optional \"tlp\")");
  app.add_option("--claims", claims_path, "third-party claims JSON");
  app.add_option("--format", format, "html, md, json or stix")->required()->check(CLI::IsMember({"html", "md", "json", "stix"}));
  app.add_option("-o,--output", out_path, "output file (default: standard output)");
  app.add_option("--assessment", assessment_path, "render this saved assessment JSON instead of assessing the case");
  app.add_option("--organisation", options.organisation, "the reporting organisation (STIX identity)");
  app.add_option("--tlp", options.tlp, "TLP marking: clear|white|green|amber|amber+strict|red (default: context, else amber)")
      ->check(CLI::IsMember({"clear", "white", "green", "amber", "amber+strict", "red"}));
  app.add_option("--title", options.title, "report title");
  if (int rc = Parse(app, argc, argv); rc >= 0) return rc;
  if (case_path.empty() && assessment_path.empty()) return Fail("report", "give --case (or --assessment FILE)");
  if (format == "stix" && case_path.empty()) return Fail("report", "--format stix needs --case (sightings and indicators)");

  CaseContext context;
  bool have_context = false;
  if (!context_path.empty()) {
    auto c = CaseContext::Load(context_path);
    if (!c.ok()) return Fail("report", c.status());
    context = std::move(*c);
    have_context = true;
    if (options.tlp.empty()) {
      auto raw = ReadFile(context_path);
      if (raw.ok()) {
        auto j = nlohmann::json::parse(*raw, nullptr, false);
        if (j.is_object() && j.contains("tlp") && j["tlp"].is_string()) options.tlp = j["tlp"].get<std::string>();
      }
    }
  }
  nlohmann::json claims_json;
  evidence::ClaimSet claims;
  if (!claims_path.empty()) {
    auto c = evidence::ClaimSet::Load(claims_path);
    if (!c.ok()) return Fail("report", c.status());
    claims = std::move(*c);
    auto raw = ReadFile(claims_path);
    if (raw.ok()) claims_json = nlohmann::json::parse(*raw, nullptr, false);
    if (claims_json.is_discarded()) claims_json = nlohmann::json();
  }

  std::unique_ptr<store::CaseStore> store;
  if (!case_path.empty()) {
    if (!FileExists(case_path)) return Fail("report", "case file not found: " + case_path);
    auto s = store::CaseStore::Open(case_path);
    if (!s.ok()) return Fail("report", s.status());
    store = std::move(*s);
  }
  std::string assessment_text;
  if (!assessment_path.empty()) {
    auto t = ReadFile(assessment_path);
    if (!t.ok()) return Fail("report", t.status());
    assessment_text = std::move(*t);
  } else {
    auto ev = evidence::Build(*store, context, claims);
    if (!ev.ok()) return Fail("report", ev.status());
    assessment_text = attribution::ToJson(attribution::Assess(*ev, context, claims));
  }
  std::string out;
  if (format == "json") {
    out = assessment_text;
  } else {
    report::ReportInputs in;
    in.assessment = nlohmann::json::parse(assessment_text, nullptr, false);
    if (in.assessment.is_discarded()) return Fail("report", "assessment is not valid JSON");
    in.context = have_context ? &context : nullptr;
    in.claims = claims_json;
    Result<std::string> r = Status::Internal("unreachable");
    if (format == "html") {
      r = report::RenderHtml(in, options);
    } else if (format == "md") {
      r = report::RenderMarkdown(in, options);
    } else {
      auto st = report::CollectStixInputs(*store, in.assessment);
      if (!st.ok()) return Fail("report", st.status());
      r = report::RenderStixBundle(in, *st, options);
    }
    if (!r.ok()) return Fail("report", r.status());
    out = std::move(*r);
  }
  if (out_path.empty() || out_path == "-") {
    std::fwrite(out.data(), 1, out.size(), stdout);
  } else if (Status s = WriteFile(out_path, out); !s.ok()) {
    return Fail("report", s);
  }
  return kExitOk;
}

}  // namespace onus::cli
