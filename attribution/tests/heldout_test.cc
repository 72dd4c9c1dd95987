// The held-out evaluation on a deterministic subset of ATT&CK groups (the full run with its
// targets is the integration test attribution.heldout, attribution/eval/).
#include "onus/attribution/heldout_evaluation.h"

#include <gtest/gtest.h>

#include "onus/core/file.h"

namespace onus::attribution {
namespace {

TEST(ExpectedCalibrationError, KnownValues) {
  EXPECT_DOUBLE_EQ(ExpectedCalibrationError({}), 0.0);
  // Perfectly calibrated bin: 0.75 confidence, 3 of 4 right.
  EXPECT_NEAR(ExpectedCalibrationError({{0.75, true}, {0.75, true}, {0.75, true}, {0.75, false}}), 0.0, 1e-12);
  // Always 0.9 confident, always wrong: ECE 0.9.
  EXPECT_NEAR(ExpectedCalibrationError({{0.9, false}, {0.9, false}}), 0.9, 1e-12);
  // Confidence 1.0 falls in the last bin, not out of range.
  EXPECT_NEAR(ExpectedCalibrationError({{1.0, true}}), 0.0, 1e-12);
}

TEST(HeldoutEvaluation, SubsetRunsDeterministicallyAndBeatsBaseline) {
  const std::string path = std::string(ONUS_SHARED_DIR) + "/data/attack/enterprise-attack-bundle.json.gz";
  if (!FileExists(path)) GTEST_SKIP() << "no " << path;
  auto cat = LoadCatalogue({path});
  ASSERT_TRUE(cat.ok());
  HeldoutOptions opt;
  opt.max_groups = 30;
  auto a = RunHeldoutEvaluation(*cat, opt);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  auto b = RunHeldoutEvaluation(*cat, opt);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(FormatHeldoutReport(*a), FormatHeldoutReport(*b));
  EXPECT_EQ(a->groups_evaluated, 30u);
  ASSERT_EQ(a->model.variants.size(), 4u);
  EXPECT_EQ(a->model.variants[0].cases, 30u);
  EXPECT_GT(a->model.variants[0].top1, a->baseline.variants[0].top1);
  EXPECT_GE(a->model.variants[0].top5, a->model.variants[0].top1);
}

TEST(HeldoutEvaluation, RelationsHoldoutLeavesNothingOfTheReportInTheProfile) {
  const std::string path = std::string(ONUS_SHARED_DIR) + "/data/attack/enterprise-attack-bundle.json.gz";
  if (!FileExists(path)) GTEST_SKIP() << "no " << path;
  auto cat = LoadCatalogue({path});
  ASSERT_TRUE(cat.ok());
  HeldoutOptions opt;
  opt.max_groups = 12;
  auto support = RunHeldoutEvaluation(*cat, opt);
  opt.holdout = HoldoutMode::kRelations;
  auto relations = RunHeldoutEvaluation(*cat, opt);
  ASSERT_TRUE(support.ok() && relations.ok());
  EXPECT_EQ(relations->holdout, HoldoutMode::kRelations);
  // The literal construction removes every held-out relation; report-support keeps the ones
  // other reports state.
  EXPECT_EQ(relations->heldout_in_profile, 0.0);
  EXPECT_GT(support->heldout_in_profile, 0.2);
  EXPECT_NE(FormatHeldoutReport(*relations).find("holdout: relations"), std::string::npos);
}

TEST(HeldoutEvaluation, NoEligibleGroupIsAnError) {
  CatalogueBuilder b;
  ASSERT_TRUE(b.AddBundleText(R"({"type":"bundle","objects":[{"type":"intrusion-set","id":"intrusion-set--a"}]})", "x").ok());
  auto c = b.Build();
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(RunHeldoutEvaluation(*c, {}).ok());
}

}  // namespace
}  // namespace onus::attribution
