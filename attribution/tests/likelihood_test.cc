#include "onus/attribution/likelihood.h"

#include <gtest/gtest.h>

#include <cmath>

#include "onus/attribution/claim.h"
#include "onus/attribution/proposition.h"
#include "onus/attribution/wording.h"
#include "onus/evidence/evidence_item.h"

namespace onus::attribution {
namespace {

Term T(const std::string& item, const std::string& group, double lr, double w = 1.0, bool diag = false) {
  Term t;
  t.item = item, t.group = group, t.lr = lr, t.weight = w, t.diagnostic = diag;
  return t;
}

TEST(Combine, NoTermsGivesThePrior) {
  Combination c = Combine(0.25, {});
  EXPECT_NEAR(c.posterior, 0.25, 1e-12);
  EXPECT_TRUE(c.for_items.empty());
}

TEST(Combine, SingleItemIsWeightedLogLr) {
  Combination c = Combine(0.5, {T("a", "g", 20, 0.85)});
  EXPECT_NEAR(c.log_odds, 0.85 * std::log(20.0), 1e-12);
  EXPECT_EQ(c.for_items, std::vector<std::string>{"a"});
}

TEST(Combine, DependentItemsAreTemperedAndNeverLowerThePosterior) {
  Combination one = Combine(0.5, {T("a", "g", 10)});
  Combination two = Combine(0.5, {T("a", "g", 10), T("b", "g", 10)});
  Combination indep = Combine(0.5, {T("a", "g", 10), T("b", "h", 10)});
  EXPECT_NEAR(two.log_odds, std::log(10.0) * (1 + 1 / kGroupTemper), 1e-12);
  EXPECT_GT(two.posterior, one.posterior);
  EXPECT_GT(indep.posterior, two.posterior);
  EXPECT_EQ(indep.groups_for, 2);
}

TEST(Combine, GroupIsCapped) {
  std::vector<Term> many;
  for (int i = 0; i < 50; ++i) many.push_back(T("i" + std::to_string(i), "g", 50));
  Combination c = Combine(0.5, many);
  EXPECT_NEAR(c.log_odds, std::log(kGroupCapLr), 1e-9);
}

TEST(Combine, RepetitionWithWeightZeroMovesNothing) {
  Combination base = Combine(0.3, {T("a", "g", 10, 0.85)});
  std::vector<Term> with_copies = {T("a", "g", 10, 0.85)};
  for (int i = 0; i < 10; ++i) with_copies.push_back(T("copy" + std::to_string(i), "g", 10, 0.0));
  Combination c = Combine(0.3, with_copies);
  EXPECT_DOUBLE_EQ(c.posterior, base.posterior);
  EXPECT_EQ(c.for_items, base.for_items);
}

TEST(Combine, OrderDoesNotMatter) {
  Combination a = Combine(0.2, {T("x", "g", 5), T("y", "h", 0.3, 1, true), T("z", "g", 2)});
  Combination b = Combine(0.2, {T("z", "g", 2), T("x", "g", 5), T("y", "h", 0.3, 1, true)});
  EXPECT_EQ(a.posterior, b.posterior);
  EXPECT_EQ(a.against_items, b.against_items);
  EXPECT_TRUE(a.diagnostic_against);
}

TEST(Decay, HalvesTheExcessAtTauLn2) {
  EXPECT_DOUBLE_EQ(Decay(11, 0, 60), 11);
  EXPECT_NEAR(Decay(11, 60 * std::log(2.0), 60), 6, 1e-9);
  EXPECT_NEAR(Decay(11, 6000, 60), 1, 1e-9);
}

TEST(Wording, TermsFollowIcd203Ranges) {
  EXPECT_STREQ(TermFor(0.02).term, "almost no chance");
  EXPECT_STREQ(TermFor(0.10).term, "very unlikely");
  EXPECT_STREQ(TermFor(0.30).term, "unlikely");
  EXPECT_STREQ(TermFor(0.50).term, "roughly even chance");
  EXPECT_STREQ(TermFor(0.55).term, "likely");
  EXPECT_STREQ(TermFor(0.80).term, "very likely");
  EXPECT_STREQ(TermFor(0.97).term, "almost certain");
  EXPECT_STREQ(TermFor(1.0).term, "almost certain");
  EXPECT_EQ(ConfidenceSentence("low", "one source").find("likely"), std::string::npos);
}

TEST(Grade, AdmiraltyWeights) {
  EXPECT_DOUBLE_EQ(evidence::GradeWeight("A1"), 1.0);
  EXPECT_DOUBLE_EQ(evidence::GradeWeight("b2"), 0.85);
  EXPECT_DOUBLE_EQ(evidence::GradeWeight("C3"), 0.6);
  EXPECT_DOUBLE_EQ(evidence::GradeWeight("D3"), 0.3);
  EXPECT_NEAR(evidence::GradeWeight("D4"), 0.21, 1e-12);
  EXPECT_DOUBLE_EQ(evidence::GradeWeight("E1"), 0.1);
  EXPECT_NEAR(evidence::GradeWeight("F6"), 0.1, 1e-12);
  EXPECT_FALSE(evidence::ParseGrade("G1").valid);
  EXPECT_FALSE(evidence::ParseGrade("B7").valid);
  EXPECT_FALSE(evidence::ParseGrade("").valid);
  EXPECT_LT(evidence::GradeWeight("zz"), 0.2);
  EXPECT_EQ(evidence::BetterGrade("D3", "B2"), "B2");
}

TEST(Verdict, Rules) {
  EXPECT_EQ(VerdictFor(0.9, true, true, false), kSupported);
  EXPECT_EQ(VerdictFor(0.9, false, true, false), kNotSupported);  // no evidence for: never supported
  EXPECT_EQ(VerdictFor(0.1, false, true, true), kContradicted);
  EXPECT_EQ(VerdictFor(0.1, false, true, false), kNotSupported);
  EXPECT_EQ(VerdictFor(0.3, false, false, false), kNotAssessable);
}

TEST(Claims, AgreementHandlesNegation) {
  EXPECT_EQ(Agreement(kSupported, false), "consistent");
  EXPECT_EQ(Agreement(kSupported, true), "contradicted");
  EXPECT_EQ(Agreement(kContradicted, false), "contradicted");
  EXPECT_EQ(Agreement(kContradicted, true), "consistent");
  EXPECT_EQ(Agreement(kNotSupported, false), "unsupported");
  EXPECT_EQ(Agreement(kNotSupported, true), "consistent");
  EXPECT_EQ(Agreement(kNotAssessable, true), "not_assessable");
}

TEST(Claims, Labels) {
  auto parts = [](std::initializer_list<const char*> a) {
    std::vector<ClaimPart> v;
    for (const char* x : a) {
      ClaimPart p;
      p.agreement = x;
      v.push_back(p);
    }
    return v;
  };
  EXPECT_EQ(ClaimLabel(parts({"consistent", "consistent"})), "consistent");
  EXPECT_EQ(ClaimLabel(parts({"consistent", "not_assessable"})), "partly_supported");
  EXPECT_EQ(ClaimLabel(parts({"consistent", "unsupported"})), "partly_supported");
  EXPECT_EQ(ClaimLabel(parts({"consistent", "contradicted"})), "contradicted");
  EXPECT_EQ(ClaimLabel(parts({"unsupported", "not_assessable"})), "unsupported");
  EXPECT_EQ(ClaimLabel(parts({"not_assessable"})), "not_assessable");
  EXPECT_EQ(ClaimLabel({}), "not_assessable");
}

}  // namespace
}  // namespace onus::attribution
