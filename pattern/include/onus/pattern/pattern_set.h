// Many patterns against many observations at once (the indicator-matching workload).
// Contract: patterns whose inspection is an equality disjunction go into a hash index keyed by
// (object type, path, literal); an observation then only meets the patterns its own values name,
// and each candidate is confirmed by the full evaluator, so results are exactly those of
// CompiledPattern::MatchesObservation(). Other single-observation patterns are evaluated on every
// observation. Patterns that need several observations (AND/FOLLOWEDBY/qualifiers) are not
// accepted by Add() (use Match() or a StreamMatcher for them).
// Thread-safety: build (Add, Build) on one thread; after Build() the set is immutable and
// MatchObservation may be called from many threads.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "onus/core/result.h"
#include "onus/pattern/compiled_pattern.h"

namespace onus::pattern {

class PatternSet {
 public:
  PatternSet();
  ~PatternSet();
  PatternSet(const PatternSet&) = delete;
  PatternSet& operator=(const PatternSet&) = delete;

  // Adds a single-observation pattern; returns its id (0, 1, …). InvalidArgument otherwise.
  Result<size_t> Add(std::shared_ptr<const CompiledPattern> pattern);
  void Build();
  size_t size() const;
  size_t indexed() const;  // how many patterns are served by the hash index

  // Appends to `out` the ids of the patterns this observation matches (ascending).
  Status MatchObservation(const Observation& obs, std::vector<size_t>& out) const;
  // Every (pattern id, observation index) pair that matches, sorted.
  Result<std::vector<std::pair<size_t, size_t>>> MatchAll(std::span<const Observation> observations) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace onus::pattern
