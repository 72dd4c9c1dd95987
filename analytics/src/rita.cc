// RITA v5 beacon-scoring kernels; see rita.h for the contract. Written from the documented
// behaviour (functions.json), operation order kept as the Go source evaluates it.
#include "onus/analytics/rita.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace onus::analytics::rita {
namespace {

Status Empty() { return Status::InvalidArgument("input slice must not be empty"); }

// Go's float64 -> int32 conversion as amd64 performs it (via int64; NaN/overflow -> 0x8000...).
int32_t GoInt32(double x) {
  int64_t v;
  if (std::isnan(x) || x >= 9.2233720368547758e18 || x < -9.2233720368547758e18) {
    v = std::numeric_limits<int64_t>::min();
  } else {
    v = static_cast<int64_t>(x);
  }
  return static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(v)));
}

Result<SeriesScore> ScoreSortedDeltas(std::vector<double> deltas) {
  std::sort(deltas.begin(), deltas.end());
  ONUS_ASSIGN_OR_RETURN(DistinctCounts distinct, CalculateDistinctCounts(deltas));
  auto first_nonzero = std::find_if(deltas.begin(), deltas.end(), [](double d) { return d > 0; });
  std::vector<double> nonzero(first_nonzero, deltas.end());
  ONUS_ASSIGN_OR_RETURN(StatScore st, CalculateStatisticalScore(std::move(nonzero), 1.0));
  SeriesScore out;
  out.score = st.score;
  out.skew = st.skew;
  out.mad = st.mad;
  out.distinct = std::move(distinct);
  return out;
}

}  // namespace

double SortedMedian(const double* b, size_t n) {
  if (n == 0) return std::numeric_limits<double>::quiet_NaN();
  if (n % 2 == 0) {
    double sum = 0;
    sum += b[n / 2 - 1];
    sum += b[n / 2];
    return sum / 2.0;
  }
  return b[n / 2];
}

double Round3(double x) { return std::round(x * 1000) / 1000; }

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return SortedMedian(v.data(), v.size());
}

Result<SkewResult> CalculateBowleySkewness(std::vector<double> data) {
  const size_t n = data.size();
  if (n < 3) return Status::InvalidArgument("at least 3 values are needed for Bowley skewness");
  std::sort(data.begin(), data.end());
  size_t c1, c2;
  if (n % 2 == 0) {
    c1 = n / 2;
    c2 = n / 2;
  } else {
    c1 = (n - 1) / 2;
    c2 = c1 + 1;
  }
  const double q1 = SortedMedian(data.data(), c1);
  const double q2 = SortedMedian(data.data(), n);
  const double q3 = SortedMedian(data.data() + c2, n - c2);
  const double num = q1 + q3 - 2 * q2;
  const double den = q3 - q1;
  double skew = 0;
  if (den >= 10 && q2 != q1 && q2 != q3) skew = num / den;
  return SkewResult{skew, 1.0 - std::fabs(skew)};
}

Result<MadResult> CalculateMedianAbsoluteDeviation(std::vector<double> data, double default_score) {
  if (data.empty()) return Empty();
  std::sort(data.begin(), data.end());
  const double median = SortedMedian(data.data(), data.size());
  std::vector<double> dev(data.size());
  for (size_t i = 0; i < data.size(); ++i) dev[i] = std::fabs(data[i] - median);
  std::sort(dev.begin(), dev.end());
  const double mad = SortedMedian(dev.data(), dev.size());
  double score = default_score;
  if (median >= 1) score = (median - mad) / median;
  if (score < 0 || std::isnan(score)) score = 0;
  return MadResult{mad, score};
}

Result<StatScore> CalculateStatisticalScore(std::vector<double> values, double default_mad_score) {
  if (values.empty()) return Empty();
  ONUS_ASSIGN_OR_RETURN(SkewResult sk, CalculateBowleySkewness(values));
  ONUS_ASSIGN_OR_RETURN(MadResult md, CalculateMedianAbsoluteDeviation(std::move(values), default_mad_score));
  StatScore out;
  out.score = Round3((sk.score + md.score) / 2.0);
  out.skew = sk.skew;
  out.mad = md.mad;
  return out;
}

Result<DistinctCounts> CalculateDistinctCounts(std::vector<double> input) {
  if (input.size() < 2) return Status::InvalidArgument("at least 2 values are needed for distinct counts");
  std::sort(input.begin(), input.end());
  DistinctCounts out;
  for (size_t i = 0; i < input.size(); ++i) {
    const double x = input[i];
    int64_t v = (std::isnan(x) || std::fabs(x) >= 9.2233720368547758e18) ? std::numeric_limits<int64_t>::min()
                                                                         : static_cast<int64_t>(x);
    if (out.values.empty() || out.values.back() != v) {
      out.values.push_back(v);
      out.counts.push_back(1);
    } else {
      ++out.counts.back();
    }
  }
  out.mode = out.values[0];
  out.mode_count = out.counts[0];
  for (size_t i = 1; i < out.values.size(); ++i) {
    if (out.counts[i] > out.mode_count) {
      out.mode = out.values[i];
      out.mode_count = out.counts[i];
    }
  }
  return out;
}

Result<SeriesScore> GetTimestampScore(const std::vector<uint32_t>& ts_list) {
  if (ts_list.size() < 4) return Status::InvalidArgument("at least 4 timestamps are needed");
  std::vector<double> deltas(ts_list.size() - 1);
  size_t nonzero = 0;
  for (size_t i = 0; i + 1 < ts_list.size(); ++i) {
    const uint32_t d = ts_list[i + 1] - ts_list[i];  // uint32 arithmetic, as Go
    deltas[i] = static_cast<double>(d);
    if (deltas[i] > 0) ++nonzero;
  }
  if (nonzero < 3) return Status::InvalidArgument("at least 3 non-zero intervals are needed");
  return ScoreSortedDeltas(std::move(deltas));
}

Result<SeriesScore> TimestampScoreSeconds(const std::vector<double>& sorted_ts) {
  if (sorted_ts.size() < 4) return Status::InvalidArgument("at least 4 timestamps are needed");
  std::vector<double> deltas(sorted_ts.size() - 1);
  size_t nonzero = 0;
  for (size_t i = 0; i + 1 < sorted_ts.size(); ++i) {
    deltas[i] = sorted_ts[i + 1] - sorted_ts[i];
    if (deltas[i] > 0) ++nonzero;
  }
  if (nonzero < 3) return Status::InvalidArgument("at least 3 non-zero intervals are needed");
  return ScoreSortedDeltas(std::move(deltas));
}

Result<SeriesScore> GetDataSizeScore(std::vector<double> bytes_list) {
  if (bytes_list.size() < 3) return Status::InvalidArgument("at least 3 data sizes are needed");
  std::sort(bytes_list.begin(), bytes_list.end());
  ONUS_ASSIGN_OR_RETURN(DistinctCounts distinct, CalculateDistinctCounts(bytes_list));
  ONUS_ASSIGN_OR_RETURN(StatScore st, CalculateStatisticalScore(std::move(bytes_list), 0.0));
  SeriesScore out;
  out.score = st.score;
  out.skew = st.skew;
  out.mad = st.mad;
  out.distinct = std::move(distinct);
  return out;
}

Result<std::vector<double>> ComputeHistogramBins(int64_t start_time, int64_t end_time, int32_t num_bins) {
  if (num_bins <= 0) return Status::InvalidArgument("number of bins must be positive");
  if (end_time <= start_time) return Status::InvalidArgument("end time must be after start time");
  std::vector<double> edges(static_cast<size_t>(num_bins) + 1);
  const double step = static_cast<double>(end_time - start_time) / static_cast<double>(num_bins);
  edges[0] = static_cast<double>(start_time);
  for (int32_t i = 1; i < num_bins; ++i) edges[i] = static_cast<double>(start_time) + static_cast<double>(i) * step;
  edges[num_bins] = static_cast<double>(end_time);
  return edges;
}

Result<std::vector<double>> ComputeHistogramBinsF(double start_time, double end_time, int32_t num_bins) {
  if (num_bins <= 0) return Status::InvalidArgument("number of bins must be positive");
  if (!(end_time > start_time)) return Status::InvalidArgument("end time must be after start time");
  std::vector<double> edges(static_cast<size_t>(num_bins) + 1);
  const double step = (end_time - start_time) / static_cast<double>(num_bins);
  edges[0] = start_time;
  for (int32_t i = 1; i < num_bins; ++i) edges[i] = start_time + static_cast<double>(i) * step;
  edges[num_bins] = end_time;
  return edges;
}

Result<FrequencyCounts> GetFrequencyCounts(const std::vector<int>& histogram, double mode_sensitivity) {
  if (histogram.empty()) return Empty();
  FrequencyCounts out;
  int largest = 0;
  for (int b : histogram) {
    if (b > 0) ++out.total_bars;
    largest = std::max(largest, b);
  }
  const double bin_size = std::ceil(static_cast<double>(largest) * mode_sensitivity);
  for (int b : histogram) {
    if (b > 0) {
      const int32_t key = GoInt32(std::floor(static_cast<double>(b) / bin_size) * bin_size);
      ++out.freq_count[key];
    }
  }
  const size_t n = histogram.size();
  int32_t longest = 0, current = 0;
  for (size_t i = 0; i < 2 * n; ++i) {
    if (histogram[i % n] > 0) {
      ++current;
    } else {
      longest = std::max(longest, current);
      current = 0;
    }
  }
  longest = std::max(longest, current);
  out.longest_run = std::min<int32_t>(longest, static_cast<int32_t>(n));
  return out;
}

void BinSortedTimestamps(const std::vector<double>& edges, const std::vector<double>& ts, std::vector<int>& freq) {
  freq.assign(edges.size() - 1, 0);
  size_t current = 0;
  double next_edge = edges[1];
  for (double t : ts) {
    if (!(t < next_edge)) {
      for (size_t j = current + 1; j < edges.size() - 1; ++j) {
        current = j;
        next_edge = edges[j + 1];
        if (t < next_edge) break;
      }
    }
    ++freq[current];
  }
}

Result<Histogram> CreateHistogram(std::vector<double> bin_edges, std::vector<double> timestamps,
                                  double mode_sensitivity) {
  if (bin_edges.size() < 2) return Status::InvalidArgument("at least 2 bin edges are needed");
  if (timestamps.empty()) return Empty();
  std::sort(bin_edges.begin(), bin_edges.end());
  std::sort(timestamps.begin(), timestamps.end());
  Histogram out;
  BinSortedTimestamps(bin_edges, timestamps, out.freq);
  ONUS_ASSIGN_OR_RETURN(out.counts, GetFrequencyCounts(out.freq, mode_sensitivity));
  return out;
}

Result<double> CalculateCoefficientOfVariationScore(const std::vector<int>& freq) {
  if (freq.empty()) return Empty();
  int64_t total = 0;
  for (int x : freq) {
    if (x < 0) return Status::InvalidArgument("histogram frequencies must not be negative");
    total += x;
  }
  if (total <= 0) return Status::InvalidArgument("histogram total must be positive");
  const double mean = static_cast<double>(total) / static_cast<double>(freq.size());
  double sum = 0;
  for (int x : freq) {
    const double d = static_cast<double>(x) - mean;
    sum += d * d;
  }
  const double sd = std::sqrt(sum / static_cast<double>(freq.size()));
  const double cv = sd / std::fabs(mean);
  double score = 0;
  if (!(cv > 1)) score = Round3(1 - cv);
  return std::min(score, 1.0);
}

Result<double> CalculateBimodalFitScore(const std::map<int32_t, int32_t>& freq_count, int32_t total_bars,
                                        int32_t outlier_removal, int32_t min_hours) {
  if (freq_count.empty()) return Empty();
  if (total_bars <= 0) return Status::InvalidArgument("total bars must be positive");
  if (min_hours < 6) min_hours = 11;
  double fit = 0;
  if (total_bars >= min_hours) {
    int32_t largest = 0, second = 0;
    for (const auto& [k, v] : freq_count) {
      if (v > largest) {
        second = largest;
        largest = v;
      } else if (v > second) {
        second = v;
      }
    }
    const double adjusted =
        std::max(static_cast<double>(static_cast<int32_t>(static_cast<uint32_t>(total_bars) -
                                                          static_cast<uint32_t>(outlier_removal))),
                 1.0);
    fit = static_cast<double>(static_cast<int32_t>(static_cast<uint32_t>(largest) + static_cast<uint32_t>(second))) /
          adjusted;
  }
  return std::min(Round3(fit), 1.0);
}

namespace {
Result<HistogramScore> HistogramScoreFromEdges(std::vector<double> edges, const std::vector<double>& ts_list,
                                               double mode_sensitivity, int32_t outlier_removal,
                                               int32_t min_hours) {
  ONUS_ASSIGN_OR_RETURN(Histogram h, CreateHistogram(std::move(edges), ts_list, mode_sensitivity));
  ONUS_ASSIGN_OR_RETURN(double cv, CalculateCoefficientOfVariationScore(h.freq));
  ONUS_ASSIGN_OR_RETURN(double bimodal,
                        CalculateBimodalFitScore(h.counts.freq_count, h.counts.total_bars, outlier_removal, min_hours));
  HistogramScore out;
  out.score = std::max(cv, bimodal);
  out.histogram = std::move(h);
  return out;
}
}  // namespace

Result<HistogramScore> GetHistogramScore(int64_t dataset_min, int64_t dataset_max, const std::vector<double>& ts_list,
                                         double mode_sensitivity, int32_t bimodal_outlier_removal,
                                         int32_t bimodal_min_hours, int32_t num_bins) {
  if (ts_list.empty()) return Empty();
  if (dataset_max <= dataset_min) return Status::InvalidArgument("invalid dataset time range");
  ONUS_ASSIGN_OR_RETURN(std::vector<double> edges, ComputeHistogramBins(dataset_min, dataset_max, num_bins));
  return HistogramScoreFromEdges(std::move(edges), ts_list, mode_sensitivity, bimodal_outlier_removal,
                                 bimodal_min_hours);
}

Result<HistogramScore> GetHistogramScoreF(double dataset_min, double dataset_max, const std::vector<double>& ts_list,
                                          double mode_sensitivity, int32_t bimodal_outlier_removal,
                                          int32_t bimodal_min_hours, int32_t num_bins) {
  if (ts_list.empty()) return Empty();
  if (!(dataset_max > dataset_min)) return Status::InvalidArgument("invalid dataset time range");
  ONUS_ASSIGN_OR_RETURN(std::vector<double> edges, ComputeHistogramBinsF(dataset_min, dataset_max, num_bins));
  return HistogramScoreFromEdges(std::move(edges), ts_list, mode_sensitivity, bimodal_outlier_removal,
                                 bimodal_min_hours);
}

Result<DurationScore> GetDurationScore(double dataset_min, double dataset_max, double hist_min, double hist_max,
                                       int32_t total_bars, int32_t longest_run, int32_t min_hours,
                                       int32_t ideal_hours) {
  if (min_hours < 1) return Status::InvalidArgument("minimum hours threshold must be at least 1");
  if (ideal_hours < 1) return Status::InvalidArgument("ideal number of consistent hours must be at least 1");
  if (!(dataset_max > dataset_min)) return Status::InvalidArgument("invalid dataset time range");
  if (!(hist_max > hist_min)) return Status::InvalidArgument("invalid histogram time range");
  DurationScore out;
  if (total_bars >= min_hours) {
    out.coverage = std::min(std::ceil(((hist_max - hist_min) / (dataset_max - dataset_min)) * 1000) / 1000, 1.0);
    out.consistency =
        std::min(std::ceil((static_cast<double>(longest_run) / static_cast<double>(ideal_hours)) * 1000) / 1000, 1.0);
    out.score = std::max(out.coverage, out.consistency);
  }
  return out;
}

Result<double> GetBeaconScore(double ts, double ts_w, double ds, double ds_w, double dur, double dur_w, double hist,
                              double hist_w) {
  for (double s : {ts, ds, dur, hist}) {
    if (s < 0 || s > 1) return Status::InvalidArgument("scores must be between 0 and 1");
  }
  for (double w : {ts_w, ds_w, dur_w, hist_w}) {
    if (w < 0 || w > 1) return Status::InvalidArgument("weights must be between 0 and 1");
  }
  double sum = 0.0;
  sum += ts_w;
  sum += ds_w;
  sum += dur_w;
  sum += hist_w;
  if (sum != 1) return Status::InvalidArgument("weights must sum to 1");
  return Round3((ts * ts_w) + (ds * ds_w) + (dur * dur_w) + (hist * hist_w));
}

}  // namespace onus::analytics::rita
