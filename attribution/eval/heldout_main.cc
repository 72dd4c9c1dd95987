// attribution_heldout: runs the held-out evaluation of the actor model against the tempered naive
// Bayes baseline on an ATT&CK bundle and prints both side by side (see README.md beside this file).
//   attribution_heldout --bundle enterprise-attack-bundle.json.gz [--holdout report-support|relations]
//                       [--max-groups N] [--seed N] [--fit-all] [--out FILE] [--check]
// Without --holdout both constructions run. --check exits 1 unless the model beats the baseline,
// names a wrong group in ≤ 0.5% of cases and, on report-support, reaches top-1 ≥ 0.55 on full
// cases and ECE ≤ 0.05 after calibration (--check-targets is kept as a synonym). Exit 2 on
// unusable arguments.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "onus/attribution/catalogue.h"
#include "onus/attribution/heldout_evaluation.h"
#include "onus/core/file.h"

using namespace onus::attribution;

int main(int argc, char** argv) {
  std::string bundle, out_path;
  bool check = false, holdout_given = false;
  HeldoutOptions options;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--bundle" && i + 1 < argc) bundle = argv[++i];
    else if (a == "--out" && i + 1 < argc) out_path = argv[++i];
    else if (a == "--max-groups" && i + 1 < argc) options.max_groups = static_cast<uint32_t>(std::strtoul(argv[++i], nullptr, 10));
    else if (a == "--seed" && i + 1 < argc) options.seed = std::strtoull(argv[++i], nullptr, 10);
    else if (a == "--check") check = true;
    else if (a == "--fit-all") options.fit_all = true;
    else if (a == "--holdout" && i + 1 < argc) {
      const std::string m = argv[++i];
      holdout_given = true;
      if (m == "relations") options.holdout = HoldoutMode::kRelations;
      else if (m == "report-support") options.holdout = HoldoutMode::kReportSupport;
      else {
        std::fprintf(stderr, "attribution_heldout: --holdout takes relations or report-support\n");
        return 2;
      }
    }
    else if (a == "--check-targets") check = true;
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
  // Both constructions in one run unless --holdout picks one: report-support is the one the
  // targets are read against; relations (the literal reading) is printed beside it.
  std::vector<HoldoutMode> modes;
  if (holdout_given) modes = {options.holdout};
  else modes = {HoldoutMode::kReportSupport, HoldoutMode::kRelations};
  std::string table;
  int failures = 0;
  auto expect = [&](bool ok, const std::string& what) {
    table += std::string(ok ? "PASS " : "FAIL ") + what + "\n";
    failures += ok ? 0 : 1;
  };
  for (HoldoutMode mode : modes) {
    options.holdout = mode;
    auto rep = RunHeldoutEvaluation(*cat, options);
    if (!rep.ok()) {
      std::fprintf(stderr, "attribution_heldout: %s\n", rep.status().message().c_str());
      return 2;
    }
    table += FormatHeldoutReport(*rep);
    const std::string tag = "[" + std::string(HoldoutModeName(mode)) + "] ";
    const VariantMetrics& m_full = rep->model.variants[0];
    const VariantMetrics& m_all = rep->model.variants[3];
    const VariantMetrics& b_full = rep->baseline.variants[0];
    const VariantMetrics& b_all = rep->baseline.variants[3];
    // The comparison with the baseline, in the same run, and no more wrong names than the target.
    expect(m_full.top1 > b_full.top1, tag + "model top-1 (full) beats the baseline");
    expect(m_all.top5 > b_all.top5, tag + "model top-5 (all variants) beats the baseline");
    expect(m_all.ece_mixture < b_all.ece_mixture, tag + "model ECE (all cases) beats the baseline");
    expect(m_all.wrong_all <= 0.005, tag + "wrongly named group in <= 0.5% of cases");
    if (mode == HoldoutMode::kReportSupport) {
      // The issue 7 targets are read against this construction (attribution/eval/README.md).
      expect(m_full.top1 >= 0.55, tag + "target: top-1 (full) >= 0.55");
      // After the cross-fitted post-hoc calibration (attribution/eval/README.md, "Calibration").
      expect(m_all.ece_mixture <= 0.05, tag + "target: ECE (all cases) <= 0.05");
      // Calibration must not name more: the calibrated model may not name a wrong group more
      // often than the raw one did.
      expect(m_all.wrong_all <= rep->model_raw.variants[3].wrong_all, tag + "calibration adds no wrong name");
    }
    table += "\n";
  }
  std::fputs(table.c_str(), stdout);
  if (!out_path.empty()) {
    if (auto st = onus::WriteFile(out_path, table); !st.ok()) {
      std::fprintf(stderr, "attribution_heldout: %s\n", st.message().c_str());
      return 2;
    }
  }
  if (!check) return 0;
  return failures ? 1 : 0;
}
