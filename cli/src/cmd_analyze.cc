// onus analyze --case CASE.db [--context context.json] [--rita-compatible] [--dynamic-dns LIST.json]
//              [--allow X]... [--always X]... [--cdn X]... [--min-score S] [--quiet]
// Re-reads the case's telemetry inputs (the `inputs` table), verifying each file's SHA-256 against
// the case, runs the behaviour analytics over them and stores the findings (replacing earlier
// findings with the same kind, key and window).
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "command.h"
#include "onus/analytics/analyzer.h"
#include "onus/core/case_context.h"
#include "onus/core/file.h"
#include "onus/core/hash.h"
#include "onus/ingest/reader.h"
#include "onus/store/case_store.h"
#include "onus/store/sqlite.h"

namespace onus::cli {
namespace {

bool IsTelemetryKind(const std::string& k) {
  return k == "pcap" || k == "pcapng" || k == "eve" || k.rfind("zeek", 0) == 0;
}

// A MISP warning list ({"list": [...]}) or a plain text file with one zone per line.
Result<std::vector<std::string>> ReadZones(const std::string& path) {
  ONUS_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  std::vector<std::string> out;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_discarded() && j.is_object() && j.contains("list") && j["list"].is_array()) {
    for (const auto& v : j["list"])
      if (v.is_string()) out.push_back(v.get<std::string>());
    return out;
  }
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (!line.empty() && line[0] != '#') out.push_back(line);
  }
  return out;
}

}  // namespace

int RunAnalyze(int argc, char** argv) {
  CLI::App app{"Run behaviour analytics (beacons, strobes, long connections, DNS C2, dynamic DNS, rare "
               "destinations, exfiltration-sized uploads) over a case's telemetry and store the findings.",
               "onus analyze"};
  std::string case_path, context_path, dyn_path;
  bool rita = false, quiet = false;
  std::vector<std::string> allow, always, cdn;
  double min_score = -1;
  app.add_option("--case", case_path, "case file (SQLite)")->required();
  app.add_option("--context", context_path, "case context JSON (sites and segments: which hosts are internal)");
  app.add_flag("--rita-compatible", rita, "integer-second timestamps, RITA's last-24-hours window and rounding");
  app.add_option("--dynamic-dns", dyn_path, "dynamic-DNS parent zones: a MISP warning list JSON or one zone per line");
  app.add_option("--allow", allow, "never report this address, CIDR or domain (repeatable)");
  app.add_option("--always", always, "always report this address, CIDR or domain, at least high (repeatable)");
  app.add_option("--cdn", cdn, "treat this address, CIDR or domain as CDN/cloud: lower, never drop (repeatable)");
  app.add_option("--min-score", min_score, "report beacons whose RITA score is at least this (default 0.8)");
  app.add_flag("--quiet,-q", quiet, "no summary on stderr");
  if (int rc = Parse(app, argc, argv); rc >= 0) return rc;

  if (!FileExists(case_path)) return Fail("analyze", "no case file '" + case_path + "'");
  auto store = store::CaseStore::Open(case_path);
  if (!store.ok()) return Fail("analyze", store.status());

  std::optional<CaseContext> context;
  if (!context_path.empty()) {
    auto c = CaseContext::Load(context_path);
    if (!c.ok()) return Fail("analyze", c.status());
    context = std::move(*c);
  }
  analytics::AnalyticsConfig cfg;
  if (context) cfg.context = &*context;
  cfg.rita_compatible = rita;
  cfg.allow = allow;
  cfg.always = always;
  cfg.cdn_destinations = cdn;
  if (min_score >= 0) cfg.beacon_min_score = min_score;
  if (!dyn_path.empty()) {
    auto zones = ReadZones(dyn_path);
    if (!zones.ok()) return Fail("analyze", zones.status());
    cfg.dynamic_dns_zones = std::move(*zones);
  }
  if (Status s = cfg.Validate(); !s.ok()) return Fail("analyze", s);

  auto inputs = (*store)->ListInputs();
  if (!inputs.ok()) return Fail("analyze", inputs.status());
  std::vector<std::string> paths;
  std::map<std::string, int64_t> id_by_sha;
  for (const auto& in : *inputs) {
    if (!IsTelemetryKind(in.kind)) continue;
    auto sha = Sha256File(in.path);
    if (!sha.ok()) return Fail("analyze", "input " + std::to_string(in.id) + ": " + sha.status().message());
    if (*sha != in.sha256)
      return Fail("analyze", "input " + std::to_string(in.id) + " '" + in.path +
                                 "' changed since it was ingested (SHA-256 differs from the case)");
    paths.push_back(in.path);
    id_by_sha[in.sha256] = in.id;
  }
  if (paths.empty()) return Fail("analyze", "the case lists no telemetry inputs (run onus hunt first)");

  analytics::Analyzer analyzer(cfg);
  ingest::IngestRun run;
  ingest::IngestOptions opt;
  opt.kinds = {ingest::ObservationKind::kConn, ingest::ObservationKind::kDns, ingest::ObservationKind::kTls,
               ingest::ObservationKind::kHttp};
  opt.emit_anomalies = false;
  if (Status s = ingest::ReadInputs(paths, opt, analyzer, run); !s.ok()) return Fail("analyze", s);
  auto findings = analyzer.Finish();
  if (!findings.ok()) return Fail("analyze", findings.status());

  auto lookup = [&](const ingest::InputInfo& info) -> int64_t {
    auto it = id_by_sha.find(info.sha256);
    return it == id_by_sha.end() ? 0 : it->second;
  };
  {
    auto tx = store::Transaction::Begin((*store)->db());
    if (!tx.ok()) return Fail("analyze", tx.status());
    for (const auto& f : *findings) {
      if (Status s = (*store)->PutFinding(analytics::ToFindingRow(f, lookup)); !s.ok()) return Fail("analyze", s);
    }
    if (Status s = tx->Commit(); !s.ok()) return Fail("analyze", s);
  }
  if (!quiet) {
    std::map<std::string, int> by_kind;
    for (const auto& f : *findings) by_kind[std::string(analytics::FindingKindName(f.kind))]++;
    std::string summary;
    for (const auto& [k, n] : by_kind) summary += (summary.empty() ? "" : ", ") + std::to_string(n) + " " + k;
    const auto& st = analyzer.stats();
    std::fprintf(stderr, "onus analyze: %zu inputs, %llu connections, %llu pairs: %zu findings stored%s%s\n",
                 paths.size(), static_cast<unsigned long long>(st.conns), static_cast<unsigned long long>(st.pairs),
                 findings->size(), summary.empty() ? "" : " (", summary.empty() ? "" : (summary + ")").c_str());
  }
  return kExitOk;
}

}  // namespace onus::cli
