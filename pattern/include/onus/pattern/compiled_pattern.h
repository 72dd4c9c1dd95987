// Compile, then match: a checked pattern becomes an immutable CompiledPattern (literals
// converted, regular expressions compiled, identical [ … ] shared, time qualifiers resolved),
// and Match() finds a binding of observations to it with the STIX binding semantics.
//
// Semantics (README "Spec decisions" has the sections they follow):
//   - [ … ] is satisfied by one observation when one of its root objects satisfies the whole
//     comparison expression (AND/OR inside [ ] are evaluated on the same root object, following
//     references from it).
//   - An observed-data with number_observed = n counts as n observations, each usable once.
//   - A binding assigns a distinct observation to every [ … ] that must hold. AND needs both
//     sides, OR one side; A FOLLOWEDBY B needs every observation bound under A to start no later
//     than every observation under B ends (max first_observed(A) <= min last_observed(B)).
//   - WITHIN n SECONDS: the observations bound under it admit instants within n seconds of each
//     other (max first_observed - min last_observed <= n).
//   - REPEATS n TIMES: n disjoint bindings of the sub-expression (= n copies joined by AND).
//   - START s STOP e: every observation bound under it overlaps [s, e) (first < e, last >= s).
// Match() answers exactly for the batch case; its search has a step budget (MatchOptions) so a
// pathological pattern ends with ResourceExhausted instead of running for ever.
// Thread-safety: a CompiledPattern is immutable and shareable across threads; Match() keeps its
// scratch on the stack of the calling thread.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "onus/core/result.h"
#include "onus/pattern/ast.h"
#include "onus/pattern/inspector.h"
#include "onus/pattern/observation.h"
#include "onus/pattern/parser.h"

namespace onus::pattern {

struct CompileOptions {
  // Largest number of observations one binding may need (REPEATS and AND multiply it); a bigger
  // pattern fails to compile with ResourceExhausted. Bounds the search's recursion depth.
  int64_t max_binding_observations = 2000;
  // PCRE2 match limits per MATCHES evaluation (catastrophic backtracking ends as an error).
  uint32_t regex_match_limit = 1000000;
  uint32_t regex_depth_limit = 10000;
};

namespace detail {
struct CompiledImpl;
}

class CompiledPattern {
 public:
  // Checks (CheckPattern errors fail compilation) and compiles a parsed pattern.
  static Result<std::shared_ptr<const CompiledPattern>> Compile(Pattern pattern, const CompileOptions& options = {});
  // Parses, checks and compiles.
  static Result<std::shared_ptr<const CompiledPattern>> Compile(std::string_view text, const ParseOptions& parse = {},
                                                                const CompileOptions& options = {});
  ~CompiledPattern();
  CompiledPattern(const CompiledPattern&) = delete;
  CompiledPattern& operator=(const CompiledPattern&) = delete;

  const Pattern& pattern() const;
  const Inspection& inspection() const;
  // Number of distinct [ … ] comparison expressions (identical ones are shared).
  size_t leaf_count() const;
  // Number of [ … ] occurrences in the pattern (binding slots).
  size_t slot_count() const;

  // Does this observation satisfy distinct comparison expression `leaf`? Errors: a timestamp
  // comparison against a malformed JSON timestamp, a regex over its match limit.
  Result<bool> EvaluateLeaf(size_t leaf, const Observation& obs) const;
  // For single-observation patterns (inspection().single_observation): does this one
  // observation match the pattern on its own?
  Result<bool> MatchesObservation(const Observation& obs) const;

  const detail::CompiledImpl& impl() const { return *impl_; }

 private:
  CompiledPattern() = default;
  std::unique_ptr<detail::CompiledImpl> impl_;
};

struct MatchOptions {
  uint64_t max_search_steps = 20000000;  // observation choices tried before giving up
};

struct SlotBinding {
  size_t slot = 0;         // which [ … ] occurrence (pattern order, counting REPEATS copies once)
  size_t copy = 0;         // which REPEATS copy of that occurrence (0 when not repeated)
  size_t observation = 0;  // index into the observations given to Match()
};

struct MatchResult {
  bool matched = false;
  // The observations of the first binding found: sorted, unique indices into the input.
  std::vector<size_t> observations;
  std::vector<SlotBinding> bindings;  // which observation each bound [ … ] took
  uint64_t search_steps = 0;
};

Result<MatchResult> Match(const CompiledPattern& pattern, std::span<const Observation> observations,
                          const MatchOptions& options = {});

}  // namespace onus::pattern
