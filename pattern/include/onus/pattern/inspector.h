// The inspector: what a pattern looks at, for indexing and for people.
// Contract: Inspect() never fails on a parsed pattern. Lists are in pattern order unless noted.
// `equality_keys` is filled only when `is_equality_disjunction` is true: then the pattern matches
// a set of observations exactly when some observation has an object of key.object_type whose
// path (key.path) holds a value equal (STIX '=' semantics) to key.literal. That lets a caller put
// the pattern in a hash index (intel/match) instead of evaluating it everywhere.
// Thread-safety: pure function.
#pragma once

#include <string>
#include <vector>

#include "onus/pattern/ast.h"

namespace onus::pattern {

struct InspectedComparison {
  std::string object_type;
  // Path components as the OASIS inspector lists them: keys (unquoted), "[*]", or the index
  // written as a decimal number.
  std::vector<std::string> path_components;
  std::string path;          // ObjectPath::ToString()
  std::string op;            // "=", "NOT =", "IN", "NOT LIKE", "EXISTS" …
  CompareOp compare_op = CompareOp::kEq;
  bool negated = false;
  std::vector<std::string> literals;  // source text of each literal ("'abc'", "12", "h'0a'")
  bool path_has_index = false;        // any [n] or [*] step
  bool path_has_reference = false;    // any *_ref / *_refs step before the last
};

struct EqualityKey {
  std::string object_type;
  std::string path;  // ObjectPath::ToString()
  const Literal* literal = nullptr;  // points into the inspected Pattern
};

struct Inspection {
  std::vector<std::string> object_types;        // sorted, unique
  std::vector<InspectedComparison> comparisons;  // every comparison, pattern order
  std::vector<std::string> qualifiers;           // canonical text, sorted, unique
  std::vector<std::string> observation_ops;      // "AND", "OR", "FOLLOWEDBY": sorted, unique
  size_t observation_expressions = 0;            // number of [ … ]
  // True when no observation operator other than OR and no qualifier is used: then "does the
  // pattern match" is "does any single observation match".
  bool single_observation = false;
  // True when, in addition, every comparison is '=' or 'IN' (not negated), joined only by OR.
  bool is_equality_disjunction = false;
  std::vector<EqualityKey> equality_keys;
};

Inspection Inspect(const Pattern& pattern);

}  // namespace onus::pattern
