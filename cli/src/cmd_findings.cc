// onus findings --case CASE.db [--format jsonl|table] [--kind K] [--min-score S] [--limit N]
// Lists the case's behaviour findings, highest score first.
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "command.h"
#include "onus/analytics/analyzer.h"
#include "onus/core/file.h"
#include "onus/store/case_store.h"

namespace onus::cli {

int RunFindings(int argc, char** argv) {
  CLI::App app{"List a case's behaviour findings, highest score first.", "onus findings"};
  std::string case_path, format = "table", kind;
  double min_score = 0;
  size_t limit = 0;
  app.add_option("--case", case_path, "case file (SQLite)")->required();
  app.add_option("--format", format, "jsonl or table")->check(CLI::IsMember({"jsonl", "table"}));
  app.add_option("--kind", kind,
                 "only this kind: beacon, strobe, long-connection, dns-c2, dynamic-dns, rare-destination, exfil-upload");
  app.add_option("--min-score", min_score, "only findings scoring at least this (0..1)");
  app.add_option("--limit", limit, "at most N findings (0 = all)");
  if (int rc = Parse(app, argc, argv); rc >= 0) return rc;
  analytics::FindingKind k;
  if (!kind.empty() && !analytics::ParseFindingKind(kind, k)) return Fail("findings", "unknown kind '" + kind + "'");
  if (min_score < 0 || min_score > 1) return Fail("findings", "--min-score must be between 0 and 1");
  if (!FileExists(case_path)) return Fail("findings", "no case file '" + case_path + "'");
  auto store = store::CaseStore::Open(case_path);
  if (!store.ok()) return Fail("findings", store.status());
  auto rows = (*store)->ListFindings();
  if (!rows.ok()) return Fail("findings", rows.status());
  if (format == "table")
    std::printf("%-6s %-9s %-16s %-10s %-50s %-12s %-8s %s\n", "score", "severity", "kind", "window", "pair", "site",
                "count", "techniques");
  size_t shown = 0;
  for (const auto& r : *rows) {
    if (!kind.empty() && r.kind != kind) continue;
    if (r.score < min_score) continue;
    if (limit && shown >= limit) break;
    ++shown;
    if (format == "jsonl") {
      nlohmann::json j = {{"kind", r.kind},         {"key", r.key},           {"window", r.window},
                          {"score", r.score},       {"severity", r.severity}, {"src", r.src},
                          {"dst", r.dst},           {"site", r.site},         {"segment", r.segment},
                          {"first_seen", r.first_seen}, {"last_seen", r.last_seen}, {"count", r.count}};
      j["techniques"] = nlohmann::json::parse(r.techniques_json, nullptr, false);
      j["detail"] = nlohmann::json::parse(r.detail_json, nullptr, false);
      nlohmann::json prov = nlohmann::json::array();
      for (const auto& p : r.provenance)
        prov.push_back({{"input_id", p.input_id}, {"record", p.record}, {"record_type", p.record_type}});
      j["provenance"] = prov;
      std::printf("%s\n", j.dump().c_str());
    } else {
      std::string tech;
      auto t = nlohmann::json::parse(r.techniques_json, nullptr, false);
      if (t.is_array())
        for (const auto& x : t) tech += (tech.empty() ? "" : ",") + x.get<std::string>();
      std::printf("%-6.3f %-9s %-16s %-10s %-50s %-12s %-8lld %s\n", r.score, r.severity.c_str(), r.kind.c_str(),
                  r.window.empty() ? "-" : r.window.c_str(), r.key.c_str(), r.site.empty() ? "-" : r.site.c_str(),
                  static_cast<long long>(r.count), tech.c_str());
    }
  }
  return kExitOk;
}

}  // namespace onus::cli
