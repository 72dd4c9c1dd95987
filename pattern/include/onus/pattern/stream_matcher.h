// Streaming evaluation: observations arrive one at a time in non-decreasing first_observed
// order, and every match is reported at the observation that completes it.
// Contract: Push() evaluates the new observation against each distinct [ … ] once and keeps only
// what the binding search needs (times, count, which [ … ] it satisfied, id, sequence number) —
// never the SCO graph. An observation that satisfies no [ … ] is not kept. Kept observations
// expire when no binding that includes a future observation could use them:
//   - when the whole pattern is under WITHIN n SECONDS, after n seconds (exact);
//   - otherwise after StreamOptions::window (bindings longer than that are not reported; the
//     batch Match() has no such limit).
// StreamOptions::max_buffered caps the kept observations (oldest dropped first, counted in
// stats().dropped_for_capacity). Memory is therefore bounded whatever the stream.
// A reported match always includes the newest observation, so the same binding is never
// reported twice; Push() returns at most one match per observation.
// Thread-safety: a StreamMatcher is single-threaded; many may share one CompiledPattern.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "onus/core/result.h"
#include "onus/pattern/compiled_pattern.h"

namespace onus::pattern {

struct StreamOptions {
  int64_t window_ns = 3600LL * 1000000000LL;  // horizon when the pattern has no outer WITHIN
  size_t max_buffered = 100000;               // kept observations
  MatchOptions match;
};

struct StreamMatch {
  // The bound observations: their sequence numbers (0-based count of Push() calls) and ids.
  std::vector<uint64_t> sequence;
  std::vector<std::string> ids;
  Timestamp first;  // earliest first_observed in the binding
  Timestamp last;   // latest last_observed in the binding
};

struct StreamStats {
  uint64_t pushed = 0;
  uint64_t kept = 0;
  uint64_t expired = 0;
  uint64_t dropped_for_capacity = 0;
  uint64_t out_of_order = 0;  // observations older than the newest seen (accepted, counted)
  uint64_t matches = 0;
};

class StreamMatcher {
 public:
  StreamMatcher(std::shared_ptr<const CompiledPattern> pattern, StreamOptions options = {});
  ~StreamMatcher();
  StreamMatcher(const StreamMatcher&) = delete;
  StreamMatcher& operator=(const StreamMatcher&) = delete;

  // Feeds one observation. Returns the match it completes, if any.
  Result<std::optional<StreamMatch>> Push(const Observation& obs);
  size_t buffered() const;
  const StreamStats& stats() const { return stats_; }

 private:
  struct Kept;
  void Expire(Timestamp now);
  std::shared_ptr<const CompiledPattern> pattern_;
  StreamOptions options_;
  int64_t horizon_ns_ = 0;
  std::deque<Kept>* kept_ = nullptr;  // owned
  Timestamp newest_;
  StreamStats stats_;
};

}  // namespace onus::pattern
