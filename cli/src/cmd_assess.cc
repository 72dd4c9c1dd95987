// onus assess: evidence, clusters, propositions and claim checks from a case
// (/work/shared/design/assessment-io.md). Writes JSON or Markdown and stores the result and the
// evidence items in the case.
#include <chrono>

#include "command.h"
#include "onus/attribution/assessment.h"
#include "onus/core/case_context.h"
#include "onus/core/file.h"
#include "onus/evidence/case_evidence.h"
#include "onus/evidence/claims.h"
#include "onus/store/case_store.h"

namespace onus::cli {

int RunAssess(int argc, char** argv) {
  CLI::App app{"Assess a case: evidence items, clusters, propositions with verdicts, attribution and claim checks",
               "onus assess"};
  std::string case_path, context_path, claims_path, format = "json", out_path;
  bool no_store = false;
  app.add_option("--case", case_path, "case file (SQLite) written by onus hunt")->required();
  app.add_option("--context", context_path, "case context JSON (sites, segments, telemetry, events, infrastructure)");
  app.add_option("--claims", claims_path, "third-party claims JSON");
  app.add_option("--format", format, "json or md")->check(CLI::IsMember({"json", "md"}));
  app.add_option("-o,--output", out_path, "write here instead of standard output");
  app.add_flag("--no-store", no_store, "do not write the assessment and evidence into the case");
  if (int rc = Parse(app, argc, argv); rc >= 0) return rc;

  if (!FileExists(case_path)) return Fail("assess", "case file not found: " + case_path);
  auto store = store::CaseStore::Open(case_path);
  if (!store.ok()) return Fail("assess", store.status());
  CaseContext context;
  if (!context_path.empty()) {
    auto c = CaseContext::Load(context_path);
    if (!c.ok()) return Fail("assess", c.status());
    context = std::move(*c);
  }
  evidence::ClaimSet claims;
  if (!claims_path.empty()) {
    auto c = evidence::ClaimSet::Load(claims_path);
    if (!c.ok()) return Fail("assess", c.status());
    claims = std::move(*c);
  }
  auto ev = evidence::Build(**store, context, claims);
  if (!ev.ok()) return Fail("assess", ev.status());
  attribution::Assessment a = attribution::Assess(*ev, context, claims);
  std::string text = format == "md" ? attribution::ToMarkdown(a) : attribution::ToJson(a);
  if (!no_store) {
    std::string now = FormatRfc3339(Timestamp::FromNanos(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count()));
    if (Status s = evidence::StoreEvidence(**store, *ev, now); !s.ok()) return Fail("assess", s);
    store::AssessmentRow row;
    row.created_at = now;
    row.format = format;
    row.content = text;
    if (auto r = (*store)->AddAssessment(row); !r.ok()) return Fail("assess", r.status());
  }
  if (out_path.empty() || out_path == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
  } else if (Status s = WriteFile(out_path, text); !s.ok()) {
    return Fail("assess", s);
  }
  return kExitOk;
}

}  // namespace onus::cli
