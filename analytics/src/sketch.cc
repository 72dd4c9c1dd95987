#include "sketch.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>

namespace onus::analytics {

uint32_t QuantileSketch::Capacity(size_t level) const {
  const size_t depth = levels_.size() - 1 - level;  // 0 at the top level
  double c = static_cast<double>(k_);
  for (size_t i = 0; i < depth && c > 8; ++i) c *= 2.0 / 3.0;
  return std::max<uint32_t>(8, static_cast<uint32_t>(c));
}

void QuantileSketch::Add(float v) {
  if (levels_.empty()) {
    levels_.emplace_back();
    cap0_ = Capacity(0);
    levels_[0].reserve(cap0_ + 1);
  }
  levels_[0].push_back(v);
  ++n_;
  if (levels_[0].size() >= cap0_) {
    CompactFrom(0);
    cap0_ = Capacity(0);
  }
}

void QuantileSketch::Compact(size_t level) {
  if (level + 1 == levels_.size()) {
    levels_.emplace_back();
    // Capacities below shrink with every new level: trim what the levels hold to what they may need.
    for (size_t h = 0; h < levels_.size(); ++h) {
      std::vector<float>& l = levels_[h];
      const size_t want = std::max<size_t>(l.size(), Capacity(h)) + 1;
      if (l.capacity() != want) {
        std::vector<float> t;
        t.reserve(want);
        t.assign(l.begin(), l.end());
        l.swap(t);
      }
    }
  }
  std::vector<float>& v = levels_[level];
  // Levels above 0 are kept sorted (every run moved up is merged in), so only level 0 needs a sort.
  if (level == 0) std::sort(v.begin(), v.end());
  // An odd item stays (the smallest); the rest is halved.
  const size_t start = v.size() % 2;
  const size_t offset = (toggles_ >> level) & 1u;
  toggles_ ^= 1u << (level & 31);
  std::vector<float>& up = levels_[level + 1];
  const size_t old = up.size();
  for (size_t i = start + offset; i < v.size(); i += 2) up.push_back(v[i]);
  MergeRuns(up, old);
  v.resize(start);
}

// Merges the sorted runs [0, mid) and [mid, size) of v in place (a scratch copy of the first run).
void QuantileSketch::MergeRuns(std::vector<float>& v, size_t mid) {
  if (mid == 0 || mid == v.size() || !(v[mid] < v[mid - 1])) return;
  thread_local std::vector<float> left;
  left.assign(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid));
  size_t i = 0, j = mid, k = 0;
  while (i < left.size() && j < v.size()) v[k++] = v[j] < left[i] ? v[j++] : left[i++];
  while (i < left.size()) v[k++] = left[i++];
}

void QuantileSketch::CompactFrom(size_t level) {
  for (size_t h = level; h < levels_.size(); ++h) {
    if (levels_[h].size() < Capacity(h)) {
      if (h > level) break;
      continue;
    }
    Compact(h);
  }
}

void QuantileSketch::Merge(const QuantileSketch& o) {
  if (o.n_ == 0) return;
  while (levels_.size() < o.levels_.size()) levels_.emplace_back();
  for (size_t h = 0; h < o.levels_.size(); ++h) {
    const size_t old = levels_[h].size();
    levels_[h].insert(levels_[h].end(), o.levels_[h].begin(), o.levels_[h].end());
    if (h > 0) MergeRuns(levels_[h], old);
  }
  n_ += o.n_;
  // Compact bottom-up until every level is within its capacity (capacities change as levels grow).
  for (bool again = true; again;) {
    again = false;
    for (size_t h = 0; h < levels_.size(); ++h) {
      if (levels_[h].size() >= Capacity(h)) {
        Compact(h);
        again = true;
      }
    }
  }
  for (auto& l : levels_)
    if (l.capacity() > 2 * std::max<size_t>(l.size(), 8)) l.shrink_to_fit();
  cap0_ = Capacity(0);
}

void QuantileSketch::Clear() {
  n_ = 0;
  toggles_ = 0;
  levels_.clear();
  cap0_ = 0;
}

size_t QuantileSketch::Bytes() const {
  size_t b = levels_.capacity() * sizeof(std::vector<float>);
  for (const auto& l : levels_) b += l.capacity() * sizeof(float);
  return b;
}

namespace {
// Sorts items that consist of runs already sorted by (value, weight) except for ties: an insertion
// pass, linear on such input. The result is the order std::sort would give.
void FinishSort(std::vector<std::pair<float, uint64_t>>& items) {
  for (size_t i = 1; i < items.size(); ++i) {
    if (!(items[i] < items[i - 1])) continue;
    const auto x = items[i];
    size_t j = i;
    for (; j > 0 && x < items[j - 1]; --j) items[j] = items[j - 1];
    items[j] = x;
  }
}
}  // namespace

QuantileSketch::View QuantileSketch::Sorted() const {
  // Each level is sorted on its own (all its items have the same weight), then the levels are merged:
  // the same (value, weight) order as one sort of all items, at a fraction of the cost.
  View v;
  size_t total_items = 0;
  for (const auto& l : levels_) total_items += l.size();
  v.items.reserve(total_items);
  std::vector<std::pair<float, uint64_t>> run, merged;
  std::vector<float> level;
  for (size_t h = 0; h < levels_.size(); ++h) {
    if (levels_[h].empty()) continue;
    level.assign(levels_[h].begin(), levels_[h].end());
    if (h == 0) std::sort(level.begin(), level.end());  // the levels above are kept sorted
    run.clear();
    for (float x : level) run.emplace_back(x, uint64_t{1} << h);
    merged.clear();
    merged.reserve(v.items.size() + run.size());
    std::merge(v.items.begin(), v.items.end(), run.begin(), run.end(), std::back_inserter(merged));
    v.items.swap(merged);
  }
  for (const auto& [x, w] : v.items) v.total += w;
  return v;
}

double QuantileSketch::View::Quantile(double q) const {
  if (items.empty()) return std::numeric_limits<double>::quiet_NaN();
  // Item i covers ranks [c_i, c_i + w_i); interpolate between the centres of neighbouring items.
  const double target = std::clamp(q, 0.0, 1.0) * static_cast<double>(total);
  double cum = 0, prev_centre = 0, prev_value = items.front().first;
  for (size_t i = 0; i < items.size(); ++i) {
    const double w = static_cast<double>(items[i].second);
    const double centre = cum + w / 2;
    if (target <= centre) {
      if (i == 0) return items[0].first;
      const double f = (target - prev_centre) / (centre - prev_centre);
      return prev_value + f * (static_cast<double>(items[i].first) - prev_value);
    }
    prev_centre = centre;
    prev_value = items[i].first;
    cum += w;
  }
  return items.back().first;
}

SketchStat StatFromSketch(const QuantileSketch& s, double default_mad_score) {
  SketchStat out;
  if (s.count() < 3) return out;
  const QuantileSketch::View v = s.Sorted();
  out.q1 = v.Quantile(0.25);
  out.median = v.Quantile(0.5);
  out.q3 = v.Quantile(0.75);
  const double den = out.q3 - out.q1;
  if (den >= 10 && out.median != out.q1 && out.median != out.q3) out.skew = (out.q1 + out.q3 - 2 * out.median) / den;
  // |x - median| falls to the median and rises after it: merge the two monotone halves (walking the
  // left one backwards), then settle ties by weight — the order a full sort would give.
  QuantileSketch::View dev;
  dev.items.reserve(v.items.size());
  const auto& it = v.items;
  const size_t n = it.size();
  size_t k = 0;
  while (k < n && static_cast<double>(it[k].first) < out.median) ++k;
  auto dev_of = [&](size_t i) { return static_cast<float>(std::fabs(it[i].first - out.median)); };
  size_t l = k, r = k;  // left: [0, l) walked backwards a group of equal values at a time; right: [r, n)
  while (l > 0 || r < n) {
    if (r >= n || (l > 0 && dev_of(l - 1) <= dev_of(r))) {
      size_t g = l - 1;
      while (g > 0 && it[g - 1].first == it[l - 1].first) --g;
      for (size_t i = g; i < l; ++i) dev.items.emplace_back(dev_of(i), it[i].second);
      l = g;
    } else {
      dev.items.emplace_back(dev_of(r), it[r].second);
      ++r;
    }
  }
  FinishSort(dev.items);
  dev.total = v.total;
  out.mad = dev.Quantile(0.5);
  double mad_score = default_mad_score;
  if (out.median >= 1) mad_score = (out.median - out.mad) / out.median;
  if (mad_score < 0 || std::isnan(mad_score)) mad_score = 0;
  out.score = std::round(((1.0 - std::fabs(out.skew)) + mad_score) / 2.0 * 1000) / 1000;
  out.ok = true;
  return out;
}

}  // namespace onus::analytics
