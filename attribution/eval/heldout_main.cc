// attribution_heldout: runs the held-out evaluation of the actor model against the tempered naive
// Bayes baseline on an ATT&CK bundle and prints both side by side (see README.md beside this file).
//   attribution_heldout --bundle enterprise-attack-bundle.json.gz [--max-groups N] [--out FILE]
//                       [--check | --check-targets]
// --check exits 1 unless the regression floors hold and the model beats the baseline;
// --check-targets also requires the issue 7 targets. Exit 2 on unusable arguments.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "onus/attribution/catalogue.h"
#include "onus/attribution/heldout_evaluation.h"
#include "onus/core/file.h"

using namespace onus::attribution;

int main(int argc, char** argv) {
  std::string bundle, out_path;
  bool check = false, check_targets = false;
  HeldoutOptions options;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--bundle" && i + 1 < argc) bundle = argv[++i];
    else if (a == "--out" && i + 1 < argc) out_path = argv[++i];
    else if (a == "--max-groups" && i + 1 < argc) options.max_groups = static_cast<uint32_t>(std::strtoul(argv[++i], nullptr, 10));
    else if (a == "--check") check = true;
    else if (a == "--check-targets") check = check_targets = true;
    else {
      std::fprintf(stderr, "attribution_heldout: unknown argument %s\n", a.c_str());
      return 2;
    }
  }
  if (bundle.empty()) {
    std::fprintf(stderr, "attribution_heldout: --bundle is required\n");
    return 2;
  }
  auto cat = LoadCatalogue({bundle});
  if (!cat.ok()) {
    std::fprintf(stderr, "attribution_heldout: %s\n", cat.status().message().c_str());
    return 2;
  }
  auto rep = RunHeldoutEvaluation(*cat, options);
  if (!rep.ok()) {
    std::fprintf(stderr, "attribution_heldout: %s\n", rep.status().message().c_str());
    return 2;
  }
  const std::string table = FormatHeldoutReport(*rep);
  std::fputs(table.c_str(), stdout);
  if (!out_path.empty()) {
    if (auto st = onus::WriteFile(out_path, table); !st.ok()) {
      std::fprintf(stderr, "attribution_heldout: %s\n", st.message().c_str());
      return 2;
    }
  }
  if (!check) return 0;
  const VariantMetrics& m_full = rep->model.variants[0];
  const VariantMetrics& m_all = rep->model.variants[3];
  const VariantMetrics& b_full = rep->baseline.variants[0];
  const VariantMetrics& b_all = rep->baseline.variants[3];
  int failures = 0;
  auto expect = [&](bool ok, const char* what) {
    std::printf("%s %s\n", ok ? "PASS" : "FAIL", what);
    failures += ok ? 0 : 1;
  };
  // Regression floors (what the model measures today, with a small margin) and the comparison
  // with the baseline: these gate the integration test.
  expect(m_full.top1 > b_full.top1, "model top-1 (full) beats the baseline");
  expect(m_all.top5 > b_all.top5, "model top-5 (all variants) beats the baseline");
  expect(m_all.ece_mixture < b_all.ece_mixture, "model ECE (all cases) beats the baseline");
  expect(m_full.top1 >= 0.42, "floor: top-1 (full) >= 0.42");
  expect(m_all.ece_mixture <= 0.08, "floor: ECE (all cases) <= 0.08");
  expect(m_all.wrong_all <= 0.01, "floor: wrongly named group in <= 1% of cases");
  // The issue 7 targets, reported; they gate only with --check-targets (not met yet: see README).
  int target_failures = 0;
  auto target = [&](bool ok, const char* what) {
    std::printf("%s %s\n", ok ? "TARGET MET" : "TARGET NOT MET", what);
    target_failures += ok ? 0 : 1;
  };
  target(m_full.top1 >= 0.55, "top-1 (full) >= 0.55");
  target(m_all.ece_mixture <= 0.05, "ECE (all cases) <= 0.05");
  target(m_all.wrong_all <= 0.005, "wrongly named group in <= 0.5% of cases");
  if (failures) return 1;
  return (check_targets && target_failures) ? 1 : 0;
}
