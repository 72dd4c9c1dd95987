// onus intel: import threat intelligence into a case and list what a case holds.
//   onus intel import FILE... --case CASE.db [--source NAME] [--grade B2] [--type TYPE] [--format F]
//   onus intel list --case CASE.db [--type indicator|source|intrusion-set|...] [--format table|jsonl]
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "command.h"
#include "onus/core/file.h"
#include "onus/core/progress.h"
#include "onus/intel/import.h"
#include "onus/intel/intel.h"
#include "onus/store/case_store.h"

namespace onus::cli {

namespace {

bool IsGrade(const std::string& g) { return g.size() == 2 && g[0] >= 'A' && g[0] <= 'F' && g[1] >= '1' && g[1] <= '6'; }

std::string SummaryLine(const intel::ImportSummary& s, size_t max_reasons) {
  if (s.already_imported)
    return s.path + ": already imported (input " + std::to_string(s.input_id) + ", " + std::to_string(s.records) +
           " records), nothing to do";
  std::string line = s.path + ": " + s.format + ", " + std::to_string(s.records) + " records, " +
                     std::to_string(s.objects) + " objects, " + std::to_string(s.indicators) + " indicators";
  if (!s.indicators_by_type.empty()) {
    line += " (";
    bool first = true;
    for (const auto& [type, n] : s.indicators_by_type) {
      line += (first ? "" : ", ") + type + " " + std::to_string(n);
      first = false;
    }
    line += ")";
  }
  line += ", " + std::to_string(s.skipped_count) + " skipped";
  if (s.skipped_count > 0) {
    line += ": ";
    for (size_t i = 0; i < s.skipped.size() && i < max_reasons; ++i)
      line += (i ? "; " : "") + std::string("line ") + std::to_string(s.skipped[i].line) + " " + s.skipped[i].reason;
    if (s.skipped_count > static_cast<int64_t>(std::min(max_reasons, s.skipped.size())))
      line += "; +" + std::to_string(s.skipped_count - static_cast<int64_t>(std::min(max_reasons, s.skipped.size()))) +
              " more (--verbose)";
  }
  return line;
}

int RunImport(const std::vector<std::string>& files, const std::string& case_path, const std::string& source,
              const std::string& grade, const std::string& type, const std::string& format, bool require_to_ids,
              bool verbose, bool quiet) {
  if (!grade.empty() && !IsGrade(grade)) return Fail("intel", "--grade '" + grade + "' is not an Admiralty grade (A1..F6)");
  if (!type.empty() && intel::ParseValueType(type).empty())
    return Fail("intel", "--type '" + type + "' is not a known value type (ipv4, domain, url, md5, sha256, ...)");
  auto store = store::CaseStore::Open(case_path);
  if (!store.ok()) return Fail("intel", store.status());
  intel::ImportOptions o;
  o.intel.source_name = source;
  o.intel.grade = grade;
  o.intel.value_type = type;
  o.intel.format = format;
  o.intel.misp_require_to_ids = require_to_ids;
  ProgressReporter::Options po;
  po.quiet = true;  // the per-file summary lines say it all; the bar still draws on a TTY
  po.label = "intel records";
  ProgressReporter progress(stderr, po);
  o.progress = &progress;
  std::vector<intel::ImportSummary> sums;
  std::vector<std::string> left_out;  // files of a directory that are no feed
  o.left_out = &left_out;
  Status st = intel::ImportIntel(files, **store, o, &sums);
  progress.Finish();
  for (const auto& s : sums) {
    if (!quiet) std::printf("%s\n", SummaryLine(s, verbose ? 0 : 3).c_str());
    if (verbose)
      for (const auto& k : s.skipped) std::fprintf(stderr, "%s:%lld: %s\n", s.path.c_str(), static_cast<long long>(k.line), k.reason.c_str());
  }
  if (!quiet && !left_out.empty()) {
    const size_t shown = verbose ? left_out.size() : std::min<size_t>(left_out.size(), 5);
    std::fprintf(stderr, "onus intel: %zu files in the given directories are not intelligence and were left out%s\n",
                 left_out.size(), shown < left_out.size() ? " (the first 5; --verbose lists all)" : "");
    for (size_t i = 0; i < shown; ++i) std::fprintf(stderr, "  %s\n", left_out[i].c_str());
  }
  if (!st.ok()) return Fail("intel", st);
  return kExitOk;
}

std::string Clip(const std::string& s, size_t n) { return s.size() <= n ? s : s.substr(0, n - 3) + "..."; }

int RunList(const std::string& case_path, const std::string& type, const std::string& format, size_t limit) {
  if (!FileExists(case_path)) return Fail("intel", case_path + ": no such case file");
  if (format != "table" && format != "jsonl") return Fail("intel", "--format must be table or jsonl");
  auto store = store::CaseStore::Open(case_path);
  if (!store.ok()) return Fail("intel", store.status());
  auto sources = (*store)->ListSources();
  if (!sources.ok()) return Fail("intel", sources.status());
  std::map<std::string, store::SourceRow> src;
  for (auto& s : *sources) src[s.id] = s;
  auto name_of = [&](const std::string& id) { return src.count(id) ? src[id].name : id; };
  size_t n = 0;
  if (type == "source") {
    for (const auto& s : *sources) {
      if (limit && n++ >= limit) break;
      if (format == "jsonl") {
        nlohmann::json j = {{"id", s.id}, {"name", s.name}, {"type", s.type}, {"grade", s.grade},
                            {"detail", nlohmann::json::parse(s.detail_json, nullptr, false)}};
        std::printf("%s\n", j.dump().c_str());
      } else {
        std::printf("%-46s %-5s %-10s %s\n", s.id.c_str(), s.grade.c_str(), s.type.c_str(), s.name.c_str());
      }
    }
    return kExitOk;
  }
  if (type == "indicator") {
    auto rows = (*store)->ListIndicators();
    if (!rows.ok()) return Fail("intel", rows.status());
    for (const auto& r : *rows) {
      if (limit && n++ >= limit) break;
      if (format == "jsonl") {
        nlohmann::json j = {{"id", r.id},
                            {"pattern", r.pattern},
                            {"pattern_type", r.pattern_type},
                            {"name", r.name},
                            {"value_type", r.value_type},
                            {"value", r.value},
                            {"valid_from", r.valid_from},
                            {"valid_until", r.valid_until},
                            {"confidence", r.confidence},
                            {"revoked", r.revoked},
                            {"source_id", r.source_id},
                            {"source", name_of(r.source_id)},
                            {"grade", r.grade},
                            {"report_id", r.report_id},
                            {"labels", nlohmann::json::parse(r.labels_json, nullptr, false)},
                            {"input_id", r.input_id},
                            {"line", r.line}};
        std::printf("%s\n", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
      } else {
        std::string what = r.value_type.empty() ? Clip(r.pattern, 70) : r.value_type + " " + Clip(r.value, 60);
        std::printf("%-48s %-4s %-74s %s (input %lld line %lld)\n", r.id.c_str(), r.grade.c_str(), what.c_str(),
                    Clip(name_of(r.source_id), 40).c_str(), static_cast<long long>(r.input_id), static_cast<long long>(r.line));
      }
    }
    return kExitOk;
  }
  auto objs = (*store)->ListStixObjects(type == "all" ? "" : type);
  if (!objs.ok()) return Fail("intel", objs.status());
  for (const auto& o : *objs) {
    if (limit && n++ >= limit) break;
    if (format == "jsonl") {
      nlohmann::json j = {{"id", o.id},
                          {"type", o.type},
                          {"name", o.name},
                          {"source_id", o.source_id},
                          {"source", name_of(o.source_id)},
                          {"input_id", o.input_id},
                          {"line", o.line},
                          {"object", nlohmann::json::parse(o.json, nullptr, false)}};
      std::printf("%s\n", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    } else {
      std::printf("%-58s %-16s %-40s %s\n", o.id.c_str(), o.type.c_str(), Clip(o.name, 40).c_str(),
                  Clip(name_of(o.source_id), 40).c_str());
    }
  }
  return kExitOk;
}

}  // namespace

int RunIntel(int argc, char** argv) {
  CLI::App app{"Import threat intelligence (STIX 2.x, ATT&CK, MISP, CSV/lists, Zeek intel) and list it", "onus intel"};
  app.require_subcommand(1);
  std::vector<std::string> files;
  std::string case_path, source, grade, type, format, list_type = "indicator", list_format = "table";
  bool require_to_ids = false, verbose = false, quiet = false;
  size_t limit = 0;
  auto* imp = app.add_subcommand("import", "import files into a case (one summary line per file)");
  imp->add_option("files", files, "STIX/ATT&CK/MISP JSON, MISP feed directories, CSV, lists, Zeek intel, or directories of such files")->required();
  imp->add_option("--case", case_path, "the case file (created when absent)")->required();
  imp->add_option("--source", source, "source name for feeds that do not name one");
  imp->add_option("--grade", grade, "Admiralty grade for every source of these files (e.g. B2)");
  imp->add_option("--type", type, "value type of one-value-per-line lists (ipv4, domain, url, md5, sha256...)");
  imp->add_option("--format", format, "force a format: stix-2.1 stix-2.0 attack misp-event misp-feed misp-galaxy csv list zeek-intel");
  imp->add_flag("--require-to-ids", require_to_ids, "skip MISP attributes whose to_ids is false");
  imp->add_flag("--verbose", verbose, "print every skipped record on stderr");
  imp->add_flag("--quiet", quiet, "no summary lines");
  auto* lst = app.add_subcommand("list", "list indicators, sources or STIX objects of a case");
  lst->add_option("--case", case_path, "the case file")->required();
  lst->add_option("--type", list_type, "indicator (default), source, all, or a STIX type (intrusion-set, report...)");
  lst->add_option("--format", list_format, "table (default) or jsonl");
  lst->add_option("--limit", limit, "at most N rows (0: all)");
  if (int rc = Parse(app, argc, argv); rc >= 0) return rc;
  if (imp->parsed()) return RunImport(files, case_path, source, grade, type, format, require_to_ids, verbose, quiet);
  return RunList(case_path, list_type, list_format, limit);
}

}  // namespace onus::cli
