// RITA v5 beacon-scoring kernels (activecm/rita analysis/beacons.go at a3c51501, with quartiles and
// MAD as montanaflynn/stats v0.7.1 computes them), re-derived from the behaviour documented in
// /work/shared/data/conformance/rita/functions.json; no RITA code is copied.
//
// Contract: each function returns what its Go namesake returns, bit for bit, when the module is
// built with -ffp-contract=off (as onus is): the same guards (a Status where Go returns an error),
// the same rounding (math.Round = half away from zero, math.Ceil for duration parts), the same
// order of floating-point operations. Inputs are taken by value where Go sorts in place.
// The double-timestamp variants (TimestampScoreSeconds, CreateHistogram over doubles) are onus's
// sub-second extension: identical math over fractional seconds.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "onus/core/result.h"

namespace onus::analytics::rita {

// math.Round(x*1000)/1000, half away from zero.
double Round3(double x);

struct StatScore {
  double score = 0, skew = 0, mad = 0;
};
struct SkewResult {
  double skew = 0, score = 0;
};
struct MadResult {
  double mad = 0, score = 0;
};
struct DistinctCounts {
  std::vector<int64_t> values, counts;
  int64_t mode = 0, mode_count = 0;
};
struct SeriesScore {  // getTimestampScore / getDataSizeScore
  double score = 0, skew = 0, mad = 0;
  DistinctCounts distinct;
};
struct FrequencyCounts {
  std::map<int32_t, int32_t> freq_count;
  int32_t total_bars = 0, longest_run = 0;
};
struct Histogram {
  std::vector<int> freq;
  FrequencyCounts counts;
};
struct HistogramScore {
  Histogram histogram;
  double score = 0;
};
struct DurationScore {
  double coverage = 0, consistency = 0, score = 0;
};

// Median as montanaflynn/stats: of a sorted copy; even length = mean of the two middle values.
double Median(std::vector<double> sorted_or_not);
Result<SkewResult> CalculateBowleySkewness(std::vector<double> data);
Result<MadResult> CalculateMedianAbsoluteDeviation(std::vector<double> data, double default_score);
Result<StatScore> CalculateStatisticalScore(std::vector<double> values, double default_mad_score);
Result<DistinctCounts> CalculateDistinctCounts(std::vector<double> input);
// getTimestampScore over RITA's uint32 epoch seconds (deltas in uint32 arithmetic, as Go).
Result<SeriesScore> GetTimestampScore(const std::vector<uint32_t>& ts_list);
// The same over sorted fractional epoch seconds (onus's default sub-second mode).
Result<SeriesScore> TimestampScoreSeconds(const std::vector<double>& sorted_ts);
Result<SeriesScore> GetDataSizeScore(std::vector<double> bytes_list);
Result<std::vector<double>> ComputeHistogramBins(int64_t start_time, int64_t end_time, int32_t num_bins);
// The same with fractional bounds (per-day windows in sub-second mode).
Result<std::vector<double>> ComputeHistogramBinsF(double start_time, double end_time, int32_t num_bins);
Result<FrequencyCounts> GetFrequencyCounts(const std::vector<int>& histogram, double mode_sensitivity);
// montanaflynn/stats Median of n sorted values at b (even n: the middle two summed, then halved,
// as Go does); NaN for n == 0.
double SortedMedian(const double* b, size_t n);
// CreateHistogram's bin walk: counts sorted timestamps into the edges.size() - 1 bins of sorted
// edges (at least 2), writing freq. A timestamp at or past the last edge falls in the last bin.
void BinSortedTimestamps(const std::vector<double>& edges, const std::vector<double>& ts, std::vector<int>& freq);
Result<Histogram> CreateHistogram(std::vector<double> bin_edges, std::vector<double> timestamps,
                                  double mode_sensitivity);
Result<double> CalculateCoefficientOfVariationScore(const std::vector<int>& freq);
Result<double> CalculateBimodalFitScore(const std::map<int32_t, int32_t>& freq_count, int32_t total_bars,
                                        int32_t outlier_removal, int32_t min_hours);
Result<HistogramScore> GetHistogramScore(int64_t dataset_min, int64_t dataset_max,
                                         const std::vector<double>& ts_list, double mode_sensitivity,
                                         int32_t bimodal_outlier_removal, int32_t bimodal_min_hours,
                                         int32_t num_bins);
Result<HistogramScore> GetHistogramScoreF(double dataset_min, double dataset_max, const std::vector<double>& ts_list,
                                          double mode_sensitivity, int32_t bimodal_outlier_removal,
                                          int32_t bimodal_min_hours, int32_t num_bins);
Result<DurationScore> GetDurationScore(double dataset_min, double dataset_max, double hist_min, double hist_max,
                                       int32_t total_bars, int32_t longest_run, int32_t min_hours,
                                       int32_t ideal_hours);
Result<double> GetBeaconScore(double ts, double ts_w, double ds, double ds_w, double dur, double dur_w,
                              double hist, double hist_w);

}  // namespace onus::analytics::rita
