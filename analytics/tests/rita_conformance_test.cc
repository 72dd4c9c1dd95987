// Differential test: every table-driven case of RITA's beacons_test.go (as JSON vectors) run through
// onus's kernels and compared bit for bit with what RITA's Go functions actually return
// (go_actual_outputs.jsonl), and within the Go test's tolerance with the test's expectations.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "onus/analytics/rita.h"

namespace onus::analytics::rita {
namespace {

using nlohmann::json;

const std::string kDir = std::string(ONUS_SHARED_DIR) + "/data/conformance/rita/";

std::vector<json> ReadJsonl(const std::string& path) {
  std::vector<json> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) out.push_back(json::parse(line));
  }
  return out;
}

json MapJson(const std::map<int32_t, int32_t>& m) {
  json o = json::object();
  for (const auto& [k, v] : m) o[std::to_string(k)] = v;
  return o;
}

std::map<int32_t, int32_t> JsonMap(const json& j) {
  std::map<int32_t, int32_t> m;
  for (auto it = j.begin(); it != j.end(); ++it) m[std::stoi(it.key())] = it.value().get<int32_t>();
  return m;
}

std::vector<double> Doubles(const json& j) {
  std::vector<double> v;
  for (const auto& x : j) v.push_back(x.get<double>());
  return v;
}

json SeriesJson(const SeriesScore& s) {
  return json::array({s.score, s.skew, s.mad, s.distinct.values, s.distinct.counts, s.distinct.mode,
                      s.distinct.mode_count});
}

// Runs one vector; returns the outputs (without the trailing error) and whether it failed.
std::pair<json, bool> RunVector(const json& v) {
  const std::string fn = v["function"];
  std::vector<json> a;
  for (const auto& name : v["args"]) a.push_back(v["inputs"][name.get<std::string>()]);
  auto err = [](const Status& s) { return std::make_pair(json(s.message()), true); };
  if (fn == "getBeaconScore") {
    auto r = GetBeaconScore(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]);
    if (!r.ok()) return err(r.status());
    return {json::array({*r}), false};
  }
  if (fn == "getTimestampScore") {
    std::vector<uint32_t> ts;
    for (const auto& x : a[0]) ts.push_back(x.get<uint32_t>());
    auto r = GetTimestampScore(ts);
    if (!r.ok()) return err(r.status());
    return {SeriesJson(*r), false};
  }
  if (fn == "getDataSizeScore") {
    auto r = GetDataSizeScore(Doubles(a[0]));
    if (!r.ok()) return err(r.status());
    return {SeriesJson(*r), false};
  }
  if (fn == "calculateStatisticalScore") {
    auto r = CalculateStatisticalScore(Doubles(a[0]), a[1]);
    if (!r.ok()) return err(r.status());
    return {json::array({r->score, r->skew, r->mad}), false};
  }
  if (fn == "getHistogramScore") {
    auto r = GetHistogramScore(a[0], a[1], Doubles(a[2]), a[3], a[4], a[5], a[6]);
    if (!r.ok()) return err(r.status());
    const auto& h = r->histogram;
    return {json::array({h.freq, MapJson(h.counts.freq_count), h.counts.total_bars, h.counts.longest_run, r->score}),
            false};
  }
  if (fn == "getDurationScore") {
    auto r = GetDurationScore(a[0].get<int64_t>(), a[1].get<int64_t>(), a[2].get<int64_t>(), a[3].get<int64_t>(),
                              a[4], a[5], a[6], a[7]);
    if (!r.ok()) return err(r.status());
    return {json::array({r->coverage, r->consistency, r->score}), false};
  }
  if (fn == "calculateBowleySkewness") {
    auto r = CalculateBowleySkewness(Doubles(a[0]));
    if (!r.ok()) return err(r.status());
    return {json::array({r->skew, r->score}), false};
  }
  if (fn == "calculateMedianAbsoluteDeviation") {
    auto r = CalculateMedianAbsoluteDeviation(Doubles(a[0]), a[1]);
    if (!r.ok()) return err(r.status());
    return {json::array({r->mad, r->score}), false};
  }
  if (fn == "calculateDistinctCounts") {
    auto r = CalculateDistinctCounts(Doubles(a[0]));
    if (!r.ok()) return err(r.status());
    return {json::array({r->values, r->counts, r->mode, r->mode_count}), false};
  }
  if (fn == "computeHistogramBins") {
    auto r = ComputeHistogramBins(a[0], a[1], a[2]);
    if (!r.ok()) return err(r.status());
    return {json::array({*r}), false};
  }
  if (fn == "calculateCoefficientOfVariationScore") {
    auto r = CalculateCoefficientOfVariationScore(a[0].get<std::vector<int>>());
    if (!r.ok()) return err(r.status());
    return {json::array({*r}), false};
  }
  if (fn == "calculateBimodalFitScore") {
    auto r = CalculateBimodalFitScore(JsonMap(a[0]), a[1], a[2], a[3]);
    if (!r.ok()) return err(r.status());
    return {json::array({*r}), false};
  }
  if (fn == "createHistogram") {
    auto r = CreateHistogram(Doubles(a[0]), Doubles(a[1]), a[2]);
    if (!r.ok()) return err(r.status());
    return {json::array({r->freq, MapJson(r->counts.freq_count), r->counts.total_bars, r->counts.longest_run}), false};
  }
  if (fn == "getFrequencyCounts") {
    auto r = GetFrequencyCounts(a[0].get<std::vector<int>>(), a[1]);
    if (!r.ok()) return err(r.status());
    return {json::array({MapJson(r->freq_count), r->total_bars, r->longest_run}), false};
  }
  ADD_FAILURE() << "unknown function " << fn;
  return {json(), true};
}

// Exact (bit-level for numbers) structural equality, numbers compared as doubles.
bool SameValue(const json& a, const json& b) {
  if (a.is_number() && b.is_number()) return a.get<double>() == b.get<double>();
  if (a.is_array() && b.is_array()) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
      if (!SameValue(a[i], b[i])) return false;
    return true;
  }
  if (a.is_object() && b.is_object()) {
    if (a.size() != b.size()) return false;
    for (auto it = a.begin(); it != a.end(); ++it)
      if (!b.contains(it.key()) || !SameValue(it.value(), b[it.key()])) return false;
    return true;
  }
  return a == b;
}

TEST(RitaConformance, EveryVectorMatchesGoBitForBit) {
  auto vectors = ReadJsonl(kDir + "rita_beacon_vectors.jsonl");
  auto actual = ReadJsonl(kDir + "go_actual_outputs.jsonl");
  ASSERT_EQ(vectors.size(), 138u);
  std::map<std::string, json> go;
  for (const auto& a : actual) go[a["id"]] = a["outputs"];
  int checked = 0, errors = 0;
  for (const auto& v : vectors) {
    SCOPED_TRACE(v["id"].get<std::string>());
    auto [out, failed] = RunVector(v);
    const json& g = go.at(v["id"]);
    const bool go_failed = !g.back().is_null();
    EXPECT_EQ(failed, go_failed) << out.dump();
    EXPECT_EQ(failed, v["expect_error"].get<bool>());
    if (failed) {
      ++errors;
      continue;
    }
    ASSERT_EQ(out.size() + 1, g.size()) << out.dump();
    for (size_t i = 0; i < out.size(); ++i) EXPECT_TRUE(SameValue(out[i], g[i])) << i << ": " << out[i] << " vs " << g[i];
    // And within the Go test's own tolerance of its expectations.
    for (auto it = v["compare"].begin(); it != v["compare"].end(); ++it) {
      const json& c = it.value();
      const json& exp = v["expected"][it.key()];
      const json& got = out[c["output_index"].get<size_t>()];
      const std::string check = c["check"];
      if (check == "in_delta") {
        EXPECT_LE(std::fabs(exp.get<double>() - got.get<double>()), c["delta"].get<double>() + 1e-12) << it.key();
      } else if (check == "in_delta_slice") {
        ASSERT_EQ(exp.size(), got.size());
        for (size_t i = 0; i < got.size(); ++i)
          EXPECT_LE(std::fabs(exp[i].get<double>() - got[i].get<double>()), c["delta"].get<double>());
      } else {
        EXPECT_TRUE(SameValue(exp, got)) << it.key() << ": " << exp << " vs " << got;
      }
    }
    ++checked;
  }
  EXPECT_EQ(checked + errors, 138);
  EXPECT_EQ(errors, 36);
}

// Hand-computed cases, including RITA's edge cases.
TEST(RitaKernels, PerfectBeaconScoresOne) {
  std::vector<uint32_t> ts;
  for (uint32_t i = 0; i < 10; ++i) ts.push_back(1000 + 60 * i);
  auto r = GetTimestampScore(ts);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->score, 1.0);
  EXPECT_EQ(r->distinct.mode, 60);
  EXPECT_EQ(r->distinct.mode_count, 9);
}

TEST(RitaKernels, TinyIqrForcesSkewZero) {
  // Intervals 1,2,3,30: Q1=1.5 Q3=16.5 -> IQR 15 >= 10, Q2=2.5: skew = (1.5+16.5-5)/15 = 0.8667.
  auto big = CalculateBowleySkewness({1, 2, 3, 30});
  ASSERT_TRUE(big.ok());
  EXPECT_NEAR(big->skew, 13.0 / 15.0, 1e-12);
  // Intervals 1,2,3,9: IQR = 6-1.5 = 4.5 < 10 -> skew forced to 0, score 1.
  auto tiny = CalculateBowleySkewness({1, 2, 3, 9});
  ASSERT_TRUE(tiny.ok());
  EXPECT_EQ(tiny->skew, 0.0);
  EXPECT_EQ(tiny->score, 1.0);
  // Median equal to a quartile -> skew 0 even with a wide IQR.
  auto flat = CalculateBowleySkewness({10, 10, 10, 10, 100, 200});
  ASSERT_TRUE(flat.ok());
  EXPECT_EQ(flat->skew, 0.0);
}

TEST(RitaKernels, ZeroIntervalsAreDroppedButNeedThreeNonZero) {
  // 4 timestamps, intervals 0,0,60: only one non-zero interval -> error.
  EXPECT_FALSE(GetTimestampScore({100, 100, 100, 160}).ok());
  // Intervals 0,60,60,60: the zero is dropped for the statistics, kept in the distinct counts.
  auto r = GetTimestampScore({100, 100, 160, 220, 280});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->score, 1.0);
  EXPECT_EQ(r->distinct.values, (std::vector<int64_t>{0, 60}));
  EXPECT_EQ(r->distinct.counts, (std::vector<int64_t>{1, 3}));
  EXPECT_FALSE(GetTimestampScore({1, 2, 3}).ok());
}

TEST(RitaKernels, MadScoreHandComputed) {
  // Values 10,10,10,20: median 10, |dev| = 0,0,0,10 -> MAD 0, score (10-0)/10 = 1.
  auto a = CalculateMedianAbsoluteDeviation({10, 10, 10, 20}, 0);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->mad, 0.0);
  EXPECT_EQ(a->score, 1.0);
  // Values 2,4,6,8: median 5, deviations 3,1,1,3 -> MAD 2, score (5-2)/5 = 0.6.
  auto b = CalculateMedianAbsoluteDeviation({8, 2, 6, 4}, 0);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->mad, 2.0);
  EXPECT_DOUBLE_EQ(b->score, 0.6);
  // Median < 1 -> default score (timestamps 1, sizes 0).
  EXPECT_EQ(CalculateMedianAbsoluteDeviation({0, 0, 0}, 0)->score, 0.0);
  EXPECT_EQ(CalculateMedianAbsoluteDeviation({0, 0, 0}, 1)->score, 1.0);
}

TEST(RitaKernels, DurationUsesCeilAndCaps) {
  // Coverage 1/3 -> ceil(333.33)/1000 = 0.334; 5 bars < 6 -> zeros.
  auto r = GetDurationScore(0, 3, 0, 1, 6, 3, 6, 12);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->coverage, 0.334);
  EXPECT_EQ(r->consistency, 0.25);
  EXPECT_EQ(r->score, 0.334);
  auto few = GetDurationScore(0, 3, 0, 1, 5, 5, 6, 12);
  ASSERT_TRUE(few.ok());
  EXPECT_EQ(few->score, 0.0);
  EXPECT_FALSE(GetDurationScore(0, 3, 1, 1, 6, 3, 6, 12).ok());
}

TEST(RitaKernels, BeaconScoreGuardsAndRounding) {
  EXPECT_EQ(*GetBeaconScore(1, 0.25, 0.5, 0.25, 0.0005, 0.25, 0.5, 0.25), 0.5);
  EXPECT_FALSE(GetBeaconScore(1.1, 0.25, 1, 0.25, 1, 0.25, 1, 0.25).ok());
  EXPECT_FALSE(GetBeaconScore(1, 0.3, 1, 0.3, 1, 0.3, 1, 0.3).ok());
  EXPECT_EQ(Round3(0.0005), 0.001);  // half away from zero
  EXPECT_EQ(Round3(-0.0005), -0.001);
}

}  // namespace
}  // namespace onus::analytics::rita
