#include "onus/attribution/actor_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>

namespace onus::attribution {
namespace {

// Ten groups. "rare" malware is used only by g0; "common" tool by all; techniques: t_shared by
// all, t_g0 by g0 and g1, t_g0b only by g0; a sub-technique family T1000/T1000.001.
std::string Bundle() {
  std::string s = R"({"type":"bundle","objects":[
 {"type":"malware","id":"malware--rare","name":"Rare"},
 {"type":"malware","id":"malware--other","name":"Other"},
 {"type":"tool","id":"tool--common","name":"Common"},
 {"type":"attack-pattern","id":"attack-pattern--shared","external_references":[{"source_name":"mitre-attack","external_id":"T0001"}]},
 {"type":"attack-pattern","id":"attack-pattern--g0","external_references":[{"source_name":"mitre-attack","external_id":"T0002"}]},
 {"type":"attack-pattern","id":"attack-pattern--g0b","external_references":[{"source_name":"mitre-attack","external_id":"T0003"}]},
 {"type":"attack-pattern","id":"attack-pattern--fam","external_references":[{"source_name":"mitre-attack","external_id":"T1000"}]},
 {"type":"attack-pattern","id":"attack-pattern--fam1","external_references":[{"source_name":"mitre-attack","external_id":"T1000.001"}]},
 {"type":"attack-pattern","id":"attack-pattern--nobody","external_references":[{"source_name":"mitre-attack","external_id":"T0009"}]})";
  int r = 0;
  auto rel = [&](const std::string& src, const std::string& dst) {
    s += ",{\"type\":\"relationship\",\"id\":\"relationship--" + std::to_string(r++) +
         "\",\"relationship_type\":\"uses\",\"source_ref\":\"" + src + "\",\"target_ref\":\"" + dst + "\"}";
  };
  for (int g = 0; g < 10; ++g) {
    const std::string id = "intrusion-set--g" + std::to_string(g);
    s += ",{\"type\":\"intrusion-set\",\"id\":\"" + id + "\",\"name\":\"G" + std::to_string(g) + "\"}";
    rel(id, "tool--common");
    rel(id, "attack-pattern--shared");
    if (g <= 1) rel(id, "attack-pattern--g0");
    if (g == 3) rel(id, "malware--other");
  }
  rel("intrusion-set--g0", "malware--rare");
  rel("intrusion-set--g0", "attack-pattern--g0b");
  rel("intrusion-set--g2", "attack-pattern--fam");
  s += "]}";
  return s;
}

class ActorModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CatalogueBuilder b;
    ASSERT_TRUE(b.AddBundleText(Bundle(), "t").ok());
    auto c = b.Build();
    ASSERT_TRUE(c.ok());
    cat_ = std::make_shared<const Catalogue>(std::move(c).value());
    auto m = ActorModel::Compile(cat_);
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    model_ = std::make_unique<ActorModel>(std::move(m).value());
  }
  uint32_t T(const char* id) { return *cat_->FindTarget(id); }
  int32_t G(const char* id) { return static_cast<int32_t>(*cat_->FindGroup(id)); }
  ActorEvidence E(const char* id) { return {T(id), 1.0, id}; }

  std::shared_ptr<const Catalogue> cat_;
  std::unique_ptr<ActorModel> model_;
};

TEST_F(ActorModelTest, RareSoftwareWeighsMoreThanCommon) {
  const double rare = model_->LogLikelihoodRatio(T("malware--rare"), G("intrusion-set--g0"));
  const double common = model_->LogLikelihoodRatio(T("tool--common"), G("intrusion-set--g0"));
  EXPECT_GT(rare, common + 0.3);
  EXPECT_GT(rare, 0.3);
  EXPECT_LT(std::fabs(common), 0.2);  // used by every group: ≈ 1 as a ratio
  EXPECT_LT(model_->LogLikelihoodRatio(T("malware--rare"), G("intrusion-set--g5")), 0);
  EXPECT_EQ(model_->LogLikelihoodRatio(T("malware--rare"), -1), 0.0);  // UNKNOWN
  EXPECT_EQ(model_->GroupsUsing(T("tool--common")), 10u);
}

TEST_F(ActorModelTest, HitWeighsLessInABroaderProfile) {
  // T0002 is used by g0 (three techniques) and g1 (two): the m-estimate spreads a broad group's
  // mass, so the same hit is worth more for the narrower group.
  const double g0 = model_->LogLikelihoodRatio(T("attack-pattern--g0"), G("intrusion-set--g0"));
  const double g1 = model_->LogLikelihoodRatio(T("attack-pattern--g0"), G("intrusion-set--g1"));
  EXPECT_GT(g0, 0);
  EXPECT_GT(g1, g0);
  // A miss costs log(1 − Σλ) whatever the item's base rate.
  const ActorModelParams& p = model_->params();
  EXPECT_NEAR(model_->LogLikelihoodRatio(T("attack-pattern--nobody"), G("intrusion-set--g5")),
              std::log(1 - p.lambda_exact - p.lambda_family), 1e-12);
}

TEST_F(ActorModelTest, SoftwareTechniqueComponentCountsOnlyWithItsLambda) {
  // g3 uses malware--other; give that malware a technique in a second catalogue and check that
  // the technique is a software-technique match for g3, worth more than a miss when λ_s > 0.
  CatalogueBuilder b;
  std::string bundle = Bundle();
  bundle.insert(bundle.size() - 2, R"(,{"type":"relationship","id":"relationship--sw","relationship_type":"uses","source_ref":"malware--other","target_ref":"attack-pattern--nobody"})");
  ASSERT_TRUE(b.AddBundleText(bundle, "t").ok());
  auto c = b.Build();
  ASSERT_TRUE(c.ok());
  auto cat = std::make_shared<const Catalogue>(std::move(c).value());
  ActorModelParams p;
  p.lambda_software_technique = 0.2;
  auto m = ActorModel::Compile(cat, p);
  ASSERT_TRUE(m.ok());
  const uint32_t t = *cat->FindTarget("attack-pattern--nobody");
  const auto g3 = static_cast<int32_t>(*cat->FindGroup("intrusion-set--g3"));
  const auto g4 = static_cast<int32_t>(*cat->FindGroup("intrusion-set--g4"));
  const ActorModel::Components x = m->ComponentsOf(t, static_cast<uint32_t>(g3));
  EXPECT_GT(x.software_technique, 0);
  EXPECT_EQ(x.exact, 0);
  EXPECT_GT(m->LogLikelihoodRatio(t, g3), m->LogLikelihoodRatio(t, g4));
}

TEST_F(ActorModelTest, FamilyMatchIsBetweenHitAndMiss) {
  const double family = model_->LogLikelihoodRatio(T("attack-pattern--fam1"), G("intrusion-set--g2"));
  const double miss = model_->LogLikelihoodRatio(T("attack-pattern--fam1"), G("intrusion-set--g3"));
  const double hit = model_->LogLikelihoodRatio(T("attack-pattern--fam"), G("intrusion-set--g2"));
  EXPECT_GT(family, miss);
  EXPECT_LT(family, hit);
}

TEST_F(ActorModelTest, PosteriorsSumToOneWithUnknownAtLeastPrior) {
  std::vector<ActorEvidence> none;
  auto a = model_->Assess(none);
  EXPECT_EQ(a.verdict, ActorVerdict::kNotAssessable);
  double sum = 0;
  for (const auto& h : a.hypotheses) sum += h.posterior;
  EXPECT_NEAR(sum, 1.0, 1e-12);
  EXPECT_NEAR(a.p_unknown, model_->params().prior_unknown, 1e-12);  // no evidence: the prior
  EXPECT_GE(a.p_unknown, 0.2);
  EXPECT_EQ(a.hypotheses.size(), 11u);
}

TEST_F(ActorModelTest, DistinctiveEvidencePointsToTheGroup) {
  std::vector<ActorEvidence> ev = {E("malware--rare"), E("attack-pattern--g0"), E("attack-pattern--g0b")};
  auto a = model_->Assess(ev);
  ASSERT_FALSE(a.hypotheses.empty());
  // The top named hypothesis is g0 (UNKNOWN may still lead on so little evidence).
  const ActorHypothesis* top = nullptr;
  for (const auto& h : a.hypotheses) {
    if (h.group >= 0) {
      top = &h;
      break;
    }
  }
  ASSERT_NE(top, nullptr);
  EXPECT_EQ(top->group, G("intrusion-set--g0"));
  std::vector<ActorEvidence> weak = {E("attack-pattern--shared")};
  auto w = model_->Assess(weak);
  double g0_weak = 0;
  for (const auto& h : w.hypotheses) {
    if (h.group == G("intrusion-set--g0")) g0_weak = h.posterior;
  }
  EXPECT_GT(top->posterior, 2 * g0_weak);
  for (size_t i = 1; i < a.hypotheses.size(); ++i) EXPECT_LE(a.hypotheses[i].posterior, a.hypotheses[i - 1].posterior);
}

TEST_F(ActorModelTest, UnknownSoftwareFavoursUnknown) {
  // Software nobody in the catalogue uses, plus a generic technique: UNKNOWN should gain.
  std::vector<ActorEvidence> base = {E("attack-pattern--shared")};
  std::vector<ActorEvidence> more = {E("attack-pattern--shared"), E("attack-pattern--nobody")};
  EXPECT_GT(model_->Assess(more).p_unknown, model_->Assess(base).p_unknown);
}

TEST_F(ActorModelTest, RepetitionIsNotCorroboration) {
  std::vector<ActorEvidence> once = {E("malware--rare"), E("attack-pattern--g0")};
  std::vector<ActorEvidence> ten = once;
  for (int i = 0; i < 9; ++i) ten.push_back(E("malware--rare"));
  auto a = model_->Assess(once);
  auto b = model_->Assess(ten);
  ASSERT_EQ(a.hypotheses.size(), b.hypotheses.size());
  for (size_t i = 0; i < a.hypotheses.size(); ++i) {
    EXPECT_EQ(a.hypotheses[i].group, b.hypotheses[i].group);
    EXPECT_EQ(a.hypotheses[i].posterior, b.hypotheses[i].posterior);  // bit-identical
  }
  EXPECT_EQ(b.items_repeated, 9u);
  EXPECT_EQ(b.items_used, 2u);
}

TEST_F(ActorModelTest, VerdictNeedsTwoSupportingClasses) {
  // Techniques only: never supported, whatever the posterior.
  std::vector<ActorEvidence> tech = {E("attack-pattern--g0"), E("attack-pattern--g0b")};
  auto a = model_->Assess(tech);
  EXPECT_NE(a.verdict, ActorVerdict::kSupported);
  EXPECT_FALSE(a.named);
  EXPECT_FALSE(a.rule.empty());
}

TEST_F(ActorModelTest, VerdictSupportedWhenAllRulesHold) {
  ActorModelParams p;
  p.temperature = 0.25;  // a sharp model so the posterior rules can be met on tiny data
  auto m = ActorModel::Compile(cat_, p);
  ASSERT_TRUE(m.ok());
  std::vector<ActorEvidence> ev = {E("malware--rare"), E("attack-pattern--g0"), E("attack-pattern--g0b")};
  auto a = m->Assess(ev);
  EXPECT_EQ(a.verdict, ActorVerdict::kSupported) << a.rule;
  ASSERT_TRUE(a.named);
  EXPECT_EQ(static_cast<int32_t>(*a.named), G("intrusion-set--g0"));
  EXPECT_GE(a.hypotheses[0].posterior, 0.8);
  EXPECT_LE(a.p_unknown, 0.15);
}

TEST_F(ActorModelTest, ScoreThenDecideEqualsAssess) {
  std::vector<ActorEvidence> ev = {E("malware--rare"), E("tool--common"), E("attack-pattern--fam1")};
  auto a = model_->Assess(ev);
  auto b = model_->Decide(model_->Score(ev), model_->params().temperature, model_->params().prior_unknown);
  ASSERT_EQ(a.hypotheses.size(), b.hypotheses.size());
  for (size_t i = 0; i < a.hypotheses.size(); ++i) EXPECT_EQ(a.hypotheses[i].posterior, b.hypotheses[i].posterior);
}

TEST_F(ActorModelTest, WeightsScaleEvidenceAndZeroIgnores) {
  std::vector<ActorEvidence> ev = {E("malware--rare")};
  ev[0].weight = 0;
  EXPECT_EQ(model_->Assess(ev).verdict, ActorVerdict::kNotAssessable);
}

TEST(ActorModelParams, ValidateRejectsBadConstants) {
  ActorModelParams p;
  EXPECT_TRUE(p.Validate().ok());
  p.prior_unknown = 0.1;
  EXPECT_FALSE(p.Validate().ok());
  p = {};
  p.temperature = 0;
  EXPECT_FALSE(p.Validate().ok());
  p = {};
  p.lambda_software = 1;
  EXPECT_FALSE(p.Validate().ok());
  p = {};
  p.lambda_exact = 0.8;
  p.lambda_family = 0.2;  // no mass left for the base rate
  EXPECT_FALSE(p.Validate().ok());
  p = {};
  p.size_exponent = 1.5;
  EXPECT_FALSE(p.Validate().ok());
  EXPECT_FALSE(ActorModel::Compile(nullptr).ok());
}


TEST(PosteriorCalibrationTest, FitsAMonotoneMapThatShrinksOverconfidence) {
  // UNKNOWN-top cases right half the time whatever their raw posterior; group-top cases right
  // 90% of the time at 0.95 and 20% at 0.55.
  std::vector<std::pair<double, bool>> u, g;
  for (int i = 0; i < 100; ++i) {
    u.emplace_back(i < 50 ? 0.5 : 0.9, i % 2 == 0);
    g.emplace_back(0.95, i % 10 != 0);
    g.emplace_back(0.55, i % 5 == 0);
  }
  const PosteriorCalibration c = PosteriorCalibration::Fit(u, g);
  ASSERT_FALSE(c.empty());
  EXPECT_NEAR(c.Map(true, 0.9), 0.5, 0.05);   // overconfident UNKNOWN pulled to its accuracy
  EXPECT_NEAR(c.Map(true, 0.5), 0.5, 0.05);
  EXPECT_NEAR(c.Map(false, 0.95), 0.9, 0.05);
  EXPECT_NEAR(c.Map(false, 0.55), 0.2, 0.05);
  EXPECT_GE(c.group_top.slope, 0.0);
  for (double x = 0.05; x < 1.0; x += 0.05) EXPECT_LE(c.Map(false, x), c.Map(false, x + 0.04) + 1e-12);
  // Deterministic.
  const PosteriorCalibration d = PosteriorCalibration::Fit(u, g);
  EXPECT_EQ(c.group_top.slope, d.group_top.slope);
  EXPECT_EQ(c.group_top.intercept, d.group_top.intercept);
  // No pairs: identity.
  EXPECT_TRUE(PosteriorCalibration::Fit({}, {}).empty());
  EXPECT_EQ(PosteriorCalibration{}.Map(false, 0.7), 0.7);
}

TEST(PosteriorCalibrationTest, ApplyRescalesTheRestAndKeepsTheRanking) {
  PosteriorCalibration c;
  c.unknown_top = {true, 0.0, 0.0};  // always 0.5
  c.group_top = {true, 0.0, -10.0};  // always ≈ 0 (clamped, then held above the runner-up)
  std::vector<double> p = {0.1, 0.2, 0.7};  // UNKNOWN last and on top
  c.Apply(p, 2, true);
  EXPECT_NEAR(p[2], 0.5, 1e-12);
  EXPECT_NEAR(p[0] + p[1] + p[2], 1.0, 1e-12);
  EXPECT_NEAR(p[1] / p[0], 2.0, 1e-12);  // the rest keeps its proportions
  std::vector<double> q = {0.6, 0.3, 0.1};  // a group on top
  c.Apply(q, 0, false);
  EXPECT_NEAR(q[0] + q[1] + q[2], 1.0, 1e-12);
  EXPECT_GT(q[0], q[1]);  // still on top
  EXPECT_LT(q[0], 0.6);   // but lowered
  EXPECT_NEAR(q[1] / q[2], 3.0, 1e-12);
  // A certain raw top is capped.
  std::vector<double> r = {1.0, 0.0};
  PosteriorCalibration high;
  high.group_top = {true, 1.0, 10.0};
  high.Apply(r, 0, false);
  EXPECT_NEAR(r[0], PosteriorCalibration::kMaxCalibrated, 1e-12);
  EXPECT_NEAR(r[0] + r[1], 1.0, 1e-12);
}

TEST_F(ActorModelTest, ShippedCalibrationIsAppliedOnlyWithEvidence) {
  std::vector<ActorEvidence> ev = {E("malware--rare"), E("attack-pattern--g0"), E("attack-pattern--g0b")};
  auto raw = ActorModel::Compile(cat_, model_->params(), PosteriorCalibration{});
  ASSERT_TRUE(raw.ok());
  const auto a = model_->Assess(ev);
  const auto b = raw->Assess(ev);
  ASSERT_EQ(a.hypotheses.size(), b.hypotheses.size());
  double sum = 0;
  for (size_t i = 0; i < a.hypotheses.size(); ++i) {
    EXPECT_EQ(a.hypotheses[i].group, b.hypotheses[i].group);  // same ranking
    sum += a.hypotheses[i].posterior;
  }
  EXPECT_NEAR(sum, 1.0, 1e-12);
  const bool unknown_top = b.hypotheses[0].group < 0;
  const double mapped = PosteriorCalibration::Shipped().Map(unknown_top, b.hypotheses[0].posterior);
  EXPECT_GE(a.hypotheses[0].posterior, std::min(mapped, b.hypotheses[0].posterior) - 1e-12);
  EXPECT_NE(a.hypotheses[0].posterior, b.hypotheses[0].posterior);
}

}  // namespace
}  // namespace onus::attribution
