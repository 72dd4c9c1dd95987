#include "onus/pattern/stream_matcher.h"

#include "compiled_impl.h"

namespace onus::pattern {

struct StreamMatcher::Kept {
  uint64_t seq = 0;
  std::string id;
  int64_t first = 0, last = 0, count = 1;
  std::vector<uint32_t> leaves;  // distinct [ … ] this observation satisfied
};

StreamMatcher::StreamMatcher(std::shared_ptr<const CompiledPattern> pattern, StreamOptions options)
    : pattern_(std::move(pattern)), options_(options), kept_(new std::deque<Kept>()) {
  int64_t w = pattern_->impl().root_within_ns;
  horizon_ns_ = w >= 0 ? w : options_.window_ns;
}

StreamMatcher::~StreamMatcher() { delete kept_; }

size_t StreamMatcher::buffered() const { return kept_->size(); }

void StreamMatcher::Expire(Timestamp now) {
  // A kept observation can share a binding with a future one (first >= now) only while
  // now - last <= horizon.
  while (!kept_->empty() && kept_->front().last < now.nanos() - horizon_ns_) {
    kept_->pop_front();
    ++stats_.expired;
  }
}

Result<std::optional<StreamMatch>> StreamMatcher::Push(const Observation& obs) {
  uint64_t seq = stats_.pushed++;
  if (obs.number_observed < 1) return Status::InvalidArgument("observation has number_observed < 1");
  if (seq > 0 && obs.first_observed < newest_) {
    ++stats_.out_of_order;
  } else {
    newest_ = obs.first_observed;
  }
  const detail::CompiledImpl& impl = pattern_->impl();
  Kept k;
  k.seq = seq;
  k.first = obs.first_observed.nanos();
  k.last = obs.last_observed.nanos();
  k.count = obs.number_observed;
  for (size_t l = 0; l < impl.leaves.size(); ++l) {
    ONUS_ASSIGN_OR_RETURN(bool m, impl.EvalLeaf(l, obs));
    if (m) k.leaves.push_back(static_cast<uint32_t>(l));
  }
  Expire(newest_);
  if (k.leaves.empty()) return std::optional<StreamMatch>();
  k.id = obs.id;
  kept_->push_back(std::move(k));
  ++stats_.kept;
  while (kept_->size() > options_.max_buffered) {
    kept_->pop_front();
    ++stats_.dropped_for_capacity;
  }
  detail::SearchInput in;
  in.obs.reserve(kept_->size());
  in.candidates.resize(impl.leaves.size());
  for (size_t i = 0; i < kept_->size(); ++i) {
    const Kept& x = (*kept_)[i];
    in.obs.push_back({x.first, x.last, x.count});
    for (uint32_t l : x.leaves) in.candidates[l].push_back(static_cast<uint32_t>(i));
  }
  in.must_use = static_cast<int64_t>(kept_->size() - 1);
  ONUS_ASSIGN_OR_RETURN(detail::SearchOutput out, detail::RunSearch(impl, in, options_.match.max_search_steps));
  if (!out.matched) return std::optional<StreamMatch>();
  StreamMatch m;
  std::vector<size_t> idx;
  for (const auto& b : out.bindings) idx.push_back(b.observation);
  std::sort(idx.begin(), idx.end());
  idx.erase(std::unique(idx.begin(), idx.end()), idx.end());
  bool first = true;
  for (size_t i : idx) {
    const Kept& x = (*kept_)[i];
    m.sequence.push_back(x.seq);
    m.ids.push_back(x.id);
    if (first || x.first < m.first.nanos()) m.first = Timestamp::FromNanos(x.first);
    if (first || x.last > m.last.nanos()) m.last = Timestamp::FromNanos(x.last);
    first = false;
  }
  ++stats_.matches;
  return std::optional<StreamMatch>(std::move(m));
}

}  // namespace onus::pattern
