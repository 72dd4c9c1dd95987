// Runs every case of ../shared/data/conformance/{matcher,validator}.jsonl (the OASIS reference
// suites) and prints the tally. Cases we judge wrong against the specification would be listed
// in kDisputed with the reason (none at present).
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "onus/pattern/checker.h"
#include "onus/pattern/compiled_pattern.h"
#include "onus/pattern/inspector.h"

namespace onus::pattern {
namespace {

using nlohmann::json;

std::vector<json> ReadJsonl(const std::string& path) {
  std::vector<json> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) out.push_back(json::parse(line));
  return out;
}

std::string Dir() { return std::string(ONUS_SHARED_DIR) + "/data/conformance/"; }

StixVersion Version(const json& c) { return c.value("stix_version", "2.1") == "2.0" ? StixVersion::k20 : StixVersion::k21; }

// Case id -> why we disagree with the reference (must stay empty or be justified in README).
const std::map<std::string, std::string> kDisputed = {};

// Returns "" on pass, else a description.
std::string RunMatcherCase(const json& c) {
  std::string pattern = c["pattern"].get<std::string>();
  const json& expect = c["expect"];
  bool expect_error = expect.is_string();
  auto compiled = CompiledPattern::Compile(pattern, ParseOptions{Version(c), {}});
  if (!compiled.ok()) return expect_error ? "" : "compile failed: " + compiled.status().ToString();
  auto obs = LoadObservedDataJson(c["observed_data"].dump(), c["id"].get<std::string>());
  if (!obs.ok()) return expect_error ? "" : "load failed: " + obs.status().ToString();
  auto r = Match(**compiled, *obs);
  if (!r.ok()) return expect_error ? "" : "match failed: " + r.status().ToString();
  if (expect_error) return std::string("expected an error, got matched=") + (r->matched ? "true" : "false");
  if (r->matched != expect.get<bool>()) return std::string("expected ") + (expect.get<bool>() ? "match" : "no match");
  if (c.contains("result_checks")) {
    // The reference returns the observed-data of the first binding; check the ids it asserts.
    std::vector<std::string> ids;
    for (size_t i : r->observations) ids.push_back((*obs)[i].id);
    for (const auto& chk : c["result_checks"]) {
      std::string kind = chk["kind"];
      if (kind == "result_ids") {
        std::multiset<std::string> want, got(ids.begin(), ids.end());
        for (const auto& x : chk["equals_unordered"]) want.insert(x.get<std::string>());
        if (want != got) return "result ids differ";
      } else if (kind == "len") {
        if (ids.size() != chk["equals"].get<size_t>()) return "result length differs";
      } else if (kind == "value") {
        if (ids.empty() || ids[0] != chk["equals"].get<std::string>()) return "result value differs";
      }
    }
  }
  return "";
}

std::string RunValidatorCase(const json& c) {
  std::string pattern = c["pattern"].get<std::string>();
  ParseOptions opts{Version(c), {}};
  bool valid = c["valid"].get<bool>();
  if (c["kind"] == "inspect") {
    auto p = ParsePattern(pattern, opts);
    if (!p.ok()) return "parse failed: " + p.status().ToString();
    Inspection in = Inspect(*p);
    const json& want = c["inspect"];
    if (want.contains("qualifiers")) {
      std::vector<std::string> w = want["qualifiers"].get<std::vector<std::string>>();
      std::sort(w.begin(), w.end());
      if (w != in.qualifiers) return "qualifiers differ";
    }
    if (want.contains("observation_ops")) {
      std::vector<std::string> w = want["observation_ops"].get<std::vector<std::string>>();
      std::sort(w.begin(), w.end());
      if (w != in.observation_ops) return "observation_ops differ";
    }
    if (want.contains("comparisons")) {
      std::map<std::string, std::vector<std::string>> got, exp;
      for (const auto& ic : in.comparisons) {
        std::string path;
        for (const auto& pc : ic.path_components) path += "/" + pc;
        got[ic.object_type].push_back(path + "|" + ic.op + "|" + (ic.literals.empty() ? "" : ic.literals[0]));
      }
      for (const auto& [type, list] : want["comparisons"].items()) {
        for (const auto& cmp : list) {
          std::string path;
          for (const auto& pc : cmp[0]) path += "/" + (pc.is_string() ? pc.get<std::string>() : pc.dump());
          exp[type].push_back(path + "|" + cmp[1].get<std::string>() + "|" + cmp[2].get<std::string>());
        }
      }
      if (got != exp) return "comparisons differ";
    }
    return valid ? "" : "inspect case marked invalid";
  }
  Status s = ValidatePattern(pattern, opts);
  if (s.ok() != valid) return valid ? "rejected: " + s.ToString() : "accepted an invalid pattern";
  return "";
}

TEST(Conformance, MatcherSuite) {
  auto cases = ReadJsonl(Dir() + "matcher.jsonl");
  ASSERT_GT(cases.size(), 400u) << "missing " << Dir();
  int pass = 0, fail = 0, disputed = 0;
  for (const auto& c : cases) {
    std::string id = c["id"];
    std::string why = RunMatcherCase(c);
    if (why.empty()) {
      ++pass;
    } else if (kDisputed.count(id)) {
      ++disputed;
    } else {
      ++fail;
      ADD_FAILURE() << id << " [" << c["stix_version"] << "] " << c["pattern"].get<std::string>() << ": " << why;
    }
  }
  std::printf("matcher.jsonl: %d passed, %d failed, %d disputed of %zu\n", pass, fail, disputed, cases.size());
}

TEST(Conformance, ValidatorSuite) {
  auto cases = ReadJsonl(Dir() + "validator.jsonl");
  ASSERT_GT(cases.size(), 100u);
  int pass = 0, fail = 0;
  for (const auto& c : cases) {
    std::string why = RunValidatorCase(c);
    if (why.empty()) {
      ++pass;
    } else {
      ++fail;
      ADD_FAILURE() << c["id"].get<std::string>() << " [" << c["stix_version"] << "] " << c["pattern"].get<std::string>()
                    << ": " << why;
    }
  }
  std::printf("validator.jsonl: %d passed, %d failed of %zu\n", pass, fail, cases.size());
}

}  // namespace
}  // namespace onus::pattern
