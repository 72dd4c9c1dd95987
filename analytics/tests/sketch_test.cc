// The summaries' quantile sketch: exact while small, bounded memory, measured rank error, merge.
#include "sketch.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace onus::analytics {
namespace {

// Largest |rank(estimate) - q| over a few quantiles, against the sorted truth.
double MaxRankError(const QuantileSketch& s, std::vector<float> truth) {
  std::sort(truth.begin(), truth.end());
  const auto view = s.Sorted();
  double worst = 0;
  for (double q : {0.05, 0.25, 0.5, 0.75, 0.95}) {
    const double est = view.Quantile(q);
    const double rank = static_cast<double>(std::lower_bound(truth.begin(), truth.end(), est) - truth.begin()) /
                        static_cast<double>(truth.size());
    worst = std::max(worst, std::fabs(rank - q));
  }
  return worst;
}

TEST(QuantileSketch, ExactWhileSmall) {
  QuantileSketch s(128);
  for (float v : {5.f, 1.f, 4.f, 2.f, 3.f}) s.Add(v);
  const auto view = s.Sorted();
  EXPECT_EQ(view.total, 5u);
  EXPECT_DOUBLE_EQ(view.Quantile(0.5), 3.0);
  EXPECT_DOUBLE_EQ(view.Quantile(0), 1.0);
  EXPECT_DOUBLE_EQ(view.Quantile(1), 5.0);
  QuantileSketch even(128);
  for (float v : {1.f, 2.f, 3.f, 4.f}) even.Add(v);
  EXPECT_DOUBLE_EQ(even.Sorted().Quantile(0.5), 2.5);  // mean of the middle two, as RITA's median
  EXPECT_TRUE(std::isnan(QuantileSketch().Sorted().Quantile(0.5)));
}

TEST(QuantileSketch, RankErrorAndMemoryBoundedOnAMillionItems) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<float> uni(0, 1000);
  std::normal_distribution<float> norm(600, 5);
  std::vector<std::vector<float>> data(3);
  for (int i = 0; i < 1000000; ++i) {
    data[0].push_back(uni(rng));
    data[1].push_back(norm(rng));
    data[2].push_back(i % 3 ? norm(rng) : 3600 + norm(rng));  // bimodal
  }
  for (const auto& d : data) {
    QuantileSketch s(128);
    size_t bytes_at_10k = 0;
    for (size_t i = 0; i < d.size(); ++i) {
      s.Add(d[i]);
      if (i == 10000) bytes_at_10k = s.Bytes();
    }
    EXPECT_EQ(s.count(), d.size());
    EXPECT_LT(MaxRankError(s, d), 0.015);
    EXPECT_LT(s.Bytes(), 4096u);                 // ~3k floats plus small levels
    EXPECT_LT(s.Bytes(), bytes_at_10k + 1024u);  // 100x the items: ~7 more levels of the minimum 8 items
  }
}

TEST(QuantileSketch, MergeEqualsOneSketchWithinError) {
  std::mt19937_64 rng(11);
  std::normal_distribution<float> norm(60, 2);
  QuantileSketch all(128), a(128), b(128);
  std::vector<float> truth;
  for (int i = 0; i < 200000; ++i) {
    const float v = norm(rng);
    truth.push_back(v);
    all.Add(v);
    (i % 2 ? a : b).Add(v);
  }
  a.Merge(b);
  EXPECT_EQ(a.count(), 200000u);
  EXPECT_LT(MaxRankError(a, truth), 0.015);
  EXPECT_LT(a.Bytes(), 4096u);
}

TEST(SketchStat, MatchesRitaOnSmallExactSeriesAndHandlesGuards) {
  // Exact while small: intervals 60,60,60,60,120 -> median 60, MAD 0, IQR 0 -> skew 0 -> score 1.
  QuantileSketch s(128);
  for (float v : {60.f, 60.f, 60.f, 60.f, 120.f}) s.Add(v);
  SketchStat st = StatFromSketch(s, 1.0);
  ASSERT_TRUE(st.ok);
  EXPECT_DOUBLE_EQ(st.median, 60);
  EXPECT_DOUBLE_EQ(st.mad, 0);
  EXPECT_DOUBLE_EQ(st.score, 1.0);
  QuantileSketch two(128);
  two.Add(1);
  two.Add(2);
  EXPECT_FALSE(StatFromSketch(two, 1.0).ok);  // RITA needs 3 values
  // Median below 1: the MAD part takes the default score.
  QuantileSketch tiny(128);
  for (float v : {0.1f, 0.2f, 0.3f}) tiny.Add(v);
  SketchStat t = StatFromSketch(tiny, 0.0);
  ASSERT_TRUE(t.ok);
  EXPECT_DOUBLE_EQ(t.score, 0.5);  // (1 - 0 skew + 0 default) / 2
}

}  // namespace
}  // namespace onus::analytics

namespace onus::analytics {
namespace {

// The snapshot merges the (sorted) levels and the MAD merges the two monotone halves of |x - median|
// instead of sorting: both must give exactly what a full sort gives, ties (same value, different
// weights) included. Reference: the same items sorted with std::sort and the MAD taken from sorted
// deviations.
TEST(QuantileSketch, MergedSnapshotAndMadEqualFullSorts) {
  std::mt19937 rng(7);
  for (int round = 0; round < 20; ++round) {
    QuantileSketch s(16 + 8 * round);
    std::uniform_int_distribution<int> small(0, 40);  // many ties across levels
    std::normal_distribution<float> wide(500.f, 120.f);
    const int n = 200 + 997 * round;
    for (int i = 0; i < n; ++i) s.Add(round % 2 ? static_cast<float>(small(rng)) : std::round(wide(rng)));
    if (round % 3 == 0) {  // and through Merge
      QuantileSketch t(16 + 8 * round);
      for (int i = 0; i < n / 2; ++i) t.Add(static_cast<float>(small(rng)));
      s.Merge(t);
    }
    const QuantileSketch::View v = s.Sorted();
    auto ref = v.items;
    std::sort(ref.begin(), ref.end());
    ASSERT_EQ(v.items, ref) << "round " << round;
    uint64_t total = 0;
    for (const auto& it : v.items) total += it.second;
    EXPECT_EQ(total, s.count());

    const SketchStat st = StatFromSketch(s, 0.0);
    ASSERT_TRUE(st.ok);
    QuantileSketch::View dev;
    for (const auto& [x, w] : v.items) dev.items.emplace_back(static_cast<float>(std::fabs(x - st.median)), w);
    std::sort(dev.items.begin(), dev.items.end());
    dev.total = v.total;
    EXPECT_EQ(st.mad, dev.Quantile(0.5)) << "round " << round;
  }
}

}  // namespace
}  // namespace onus::analytics
