// onus pattern check PATTERN            exit 0 valid, 1 invalid (position and reason on stdout), 2 usage
// onus pattern match PATTERN FILE.json  prints the match result as JSON; exit 0 matched, 1 not, 2 error
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "command.h"
#include "onus/core/file.h"
#include "onus/core/hash.h"
#include "onus/pattern/checker.h"
#include "onus/pattern/compiled_pattern.h"

namespace onus::cli {
namespace {

Result<pattern::StixVersion> ParseVersion(const std::string& v) {
  if (v == "2.0") return pattern::StixVersion::k20;
  if (v == "2.1") return pattern::StixVersion::k21;
  return Status::InvalidArgument("--stix-version must be 2.0 or 2.1, not '" + v + "'");
}

}  // namespace

int RunPattern(int argc, char** argv) {
  CLI::App app{"STIX patterns: check syntax and semantics, or match observed-data", "onus pattern"};
  app.require_subcommand(1);
  std::string version = "2.1", text, file;
  bool quiet = false;
  CLI::App* check = app.add_subcommand("check", "Check a pattern (exit 0 valid, 1 invalid, 2 usage)");
  check->add_option("PATTERN", text, "The STIX pattern")->required();
  check->add_option("--stix-version", version, "2.0 or 2.1 (default 2.1)");
  check->add_flag("-q,--quiet", quiet, "Print nothing; answer with the exit code");
  CLI::App* match = app.add_subcommand("match", "Match a pattern against observed-data (exit 0 matched, 1 not, 2 error)");
  match->add_option("PATTERN", text, "The STIX pattern")->required();
  match->add_option("OBSERVED", file, "JSON: an array of observed-data objects and/or bundles, or one bundle")->required();
  match->add_option("--stix-version", version, "2.0 or 2.1 (default 2.1)");
  if (int rc = Parse(app, argc, argv); rc >= 0) return rc;

  auto v = ParseVersion(version);
  if (!v.ok()) return Fail("pattern", v.status());
  pattern::ParseOptions opts{*v, {}};

  if (check->parsed()) {
    auto parsed = pattern::ParsePattern(text, opts);
    if (!parsed.ok()) {
      if (!quiet) std::printf("invalid: %s\n", parsed.status().message().c_str());
      return kExitNegative;
    }
    pattern::CheckReport report = pattern::CheckPattern(*parsed);
    if (!quiet) {
      for (const auto& d : report.diagnostics)
        std::printf("%s: %s\n", d.severity == pattern::Diagnostic::Severity::kError ? "invalid" : "warning", d.message.c_str());
      if (report.ok()) std::printf("valid (STIX %s)\n", pattern::StixVersionName(*v));
    }
    return report.ok() ? kExitOk : kExitNegative;
  }

  auto compiled = pattern::CompiledPattern::Compile(text, opts);
  if (!compiled.ok()) return Fail("pattern", compiled.status());
  auto content = ReadFile(file);
  if (!content.ok()) return Fail("pattern", content.status());
  auto obs = pattern::LoadObservedDataJson(*content, file);
  if (!obs.ok()) return Fail("pattern", obs.status());
  auto result = pattern::Match(**compiled, *obs);
  if (!result.ok()) return Fail("pattern", result.status());

  nlohmann::json out;
  out["matched"] = result->matched;
  out["pattern"] = text;
  out["stix_version"] = pattern::StixVersionName(*v);
  out["input"] = {{"path", file}, {"sha256", Sha256Hex(*content)}, {"observations", obs->size()}};
  nlohmann::json observations = nlohmann::json::array();
  for (size_t i : result->observations) {
    const auto& o = (*obs)[i];
    observations.push_back({{"index", i}, {"id", o.id}, {"source", o.source},
                            {"first_observed", FormatRfc3339(o.first_observed, 9)},
                            {"last_observed", FormatRfc3339(o.last_observed, 9)}});
  }
  out["observations"] = observations;
  nlohmann::json bindings = nlohmann::json::array();
  for (const auto& b : result->bindings)
    bindings.push_back({{"slot", b.slot}, {"copy", b.copy}, {"observation", b.observation}});
  out["bindings"] = bindings;
  out["search_steps"] = result->search_steps;
  std::printf("%s\n", out.dump(2).c_str());
  return result->matched ? kExitOk : kExitNegative;
}

}  // namespace onus::cli
