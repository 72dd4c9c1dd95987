// The STIX patterning syntax tree: what ParsePattern() produces and the checker, inspector and
// compiler consume.
// Contract: a Pattern is a plain value tree. It owns its nodes. Observation-level AND, OR and
// FOLLOWEDBY chains and comparison-level AND/OR chains are n-ary (flattened, left to right), so
// long chains never make the tree deep; only parentheses and qualifiers nest.
// Every node carries the byte offset of its first character in the pattern text.
// Thread-safety: value types; a const Pattern may be read from many threads.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace onus::pattern {

enum class StixVersion { k20, k21 };
// "2.0" / "2.1".
const char* StixVersionName(StixVersion v);

enum class LiteralKind : uint8_t {
  kInt,        // 42, -7, +3
  kFloat,      // 1.5, -.25
  kString,     // 'text' (escapes \' and \\ decoded; UTF-8)
  kBool,       // true, false
  kBinary,     // h'0a0b' or b'AAE=' (decoded bytes)
  kTimestamp,  // t'2020-01-01T00:00:00Z' (text kept; converted when compiled)
};

struct Literal {
  LiteralKind kind = LiteralKind::kInt;
  std::string source;  // exactly as written in the pattern, e.g. "'a\\'b'" or "h'0a'"
  int64_t int_value = 0;
  double float_value = 0;
  bool bool_value = false;
  bool binary_is_hex = false;  // kBinary written as h'…' (else b'…')
  // kString: the decoded UTF-8 text; kBinary: the decoded bytes; kTimestamp: the text inside t'…'.
  std::string text;
  uint32_t offset = 0;
};

struct PathStep {
  enum class Kind : uint8_t { kKey, kIndex, kAnyIndex };
  Kind kind = Kind::kKey;
  std::string key;     // kKey: the property name (quotes removed)
  int64_t index = 0;   // kIndex
  bool quoted = false; // kKey written as a quoted string
};

struct ObjectPath {
  std::string object_type;
  std::vector<PathStep> steps;  // at least one; steps[0] is a key
  uint32_t offset = 0;
  // "file:hashes.'SHA-256'", "a:b[*][1].c" (keys quoted only when they need it).
  std::string ToString() const;
};

enum class CompareOp : uint8_t {
  kEq, kNe, kLt, kLe, kGt, kGe, kIn, kLike, kMatches, kIsSubset, kIsSuperset, kExists,
};
// "=", "!=", "<", "<=", ">", ">=", "IN", "LIKE", "MATCHES", "ISSUBSET", "ISSUPERSET", "EXISTS".
const char* CompareOpName(CompareOp op);

struct Comparison {
  ObjectPath path;
  CompareOp op = CompareOp::kEq;
  bool negated = false;         // NOT
  std::vector<Literal> values;  // one literal; the set for IN (may be empty); none for EXISTS
  uint32_t offset = 0;
};

// A boolean tree of comparisons inside one [ … ].
struct ComparisonExpr {
  enum class Kind : uint8_t { kComparison, kAnd, kOr };
  Kind kind = Kind::kComparison;
  Comparison comparison;                 // kComparison
  std::vector<ComparisonExpr> children;  // kAnd/kOr: two or more
  bool parenthesized = false;
  uint32_t offset = 0;
};

struct ObservationExpr {
  enum class Kind : uint8_t {
    kSimple,      // [ comparison-expression ]
    kAnd,         // n-ary
    kOr,          // n-ary
    kFollowedBy,  // n-ary, left-associative: each child follows all children before it
    kWithin,      // one child
    kRepeats,     // one child
    kStartStop,   // one child
  };
  Kind kind = Kind::kSimple;
  ComparisonExpr comparison;              // kSimple
  std::vector<ObservationExpr> children;  // operators: two or more; qualifiers: one
  bool parenthesized = false;             // written as ( … ) (qualifier checks need it)
  // kWithin: the number of seconds (> 0 after checking) and its literal.
  double within_seconds = 0;
  Literal within_literal;
  // kRepeats
  int64_t repeats = 0;
  Literal repeats_literal;
  // kStartStop: timestamps (t'…'), or strings in STIX 2.0 mode.
  Literal start, stop;
  uint32_t offset = 0;
};

struct Pattern {
  StixVersion version = StixVersion::k21;
  ObservationExpr root;
  std::string text;  // the source
};

// Canonical text of a tree (stable: used as a key for identical sub-expressions and by tests).
std::string ToString(const ComparisonExpr& e);
std::string ToString(const ObservationExpr& e);
// The qualifier as written in canonical form: "WITHIN 5 SECONDS", "REPEATS 3 TIMES",
// "START t'…' STOP t'…'" (2.0 string form kept as written).
std::string QualifierText(const ObservationExpr& e);

}  // namespace onus::pattern
