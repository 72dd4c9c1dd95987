// The compiled form of a pattern (internal): literals converted, regexes compiled, the
// observation tree flattened into search nodes, identical [ … ] shared as one leaf.
#pragma once

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "onus/core/ip.h"
#include "onus/core/time.h"
#include "literal_util.h"
#include "onus/pattern/compiled_pattern.h"

namespace onus::pattern::detail {

// Views (bytes, Latin-1 form of ASCII text, type, steps) point into the Pattern the
// CompiledImpl owns; the impl is heap-allocated and never moved, so they stay valid.
struct CompiledLiteral {
  LiteralKind kind = LiteralKind::kInt;
  int64_t i = 0;
  double f = 0;
  bool b = false;
  std::string_view bytes;    // kString: UTF-8; kBinary: raw bytes (the Literal's text)
  bool latin1_ok = false;    // kString: every code point < 256
  std::string latin1_owned;  // kString with a non-ASCII code point < 256: its Latin-1 bytes
  StixTime ts;               // kTimestamp
  // kString as Latin-1 bytes (when latin1_ok): the text itself when it is ASCII.
  std::string_view latin1() const { return latin1_owned.empty() ? bytes : std::string_view(latin1_owned); }
};

struct PcreDeleter {
  void operator()(pcre2_code* c) const { pcre2_code_free(c); }
  void operator()(pcre2_match_context* c) const { pcre2_match_context_free(c); }
};

struct CompiledComparison {
  std::string_view type;         // the ObjectPath's object_type
  std::span<const PathStep> steps;  // the ObjectPath's steps
  std::vector<uint8_t> ref_kind;  // per step: 0 plain, 1 *_ref, 2 *_refs
  CompareOp op = CompareOp::kEq;
  bool negated = false;
  std::vector<CompiledLiteral> values;
  // IN over strings: a hash set of the UTF-8 texts (and of their Latin-1 forms for binaries).
  bool string_set = false;
  std::unordered_set<std::string> strings;
  std::unordered_set<std::string> strings_latin1;
  // LIKE: the NFC pattern as code points.
  std::u32string like;
  // MATCHES
  std::unique_ptr<pcre2_code, PcreDeleter> re_utf;    // for text values (NFC)
  std::unique_ptr<pcre2_code, PcreDeleter> re_bytes;  // for binary values (pattern is Latin-1)
  std::unique_ptr<pcre2_match_context, PcreDeleter> match_ctx;
  // ISSUBSET / ISSUPERSET
  Cidr net;
};

// A boolean tree over comparisons (flattened; node 0 is the root of each leaf's tree).
struct CmpNode {
  ComparisonExpr::Kind kind = ComparisonExpr::Kind::kComparison;
  int comparison = -1;        // kComparison
  std::vector<int> children;  // kAnd / kOr
};

struct Leaf {
  std::vector<CmpNode> nodes;  // nodes[0] is the root
  std::vector<std::string_view> types;  // object types the leaf can match (for fast rejection)
};

struct SearchNode {
  ObservationExpr::Kind kind = ObservationExpr::Kind::kSimple;
  std::vector<int> children;
  std::vector<uint8_t> same_as_prev;  // kAnd: child i is identical to child i-1 (interchangeable)
  int leaf = -1;   // kSimple
  int slot = -1;   // kSimple: occurrence number in pattern order
  // kSimple: the intersection of every START/STOP window above it.
  bool windowed = false;
  bool window_empty = false;
  Timestamp win_start, win_stop;
  int64_t within_ns = 0;  // kWithin
  int64_t repeats = 0;    // kRepeats
  int64_t min_units = 0, max_units = 0;
};

struct CompiledImpl {
  Pattern pattern;
  Inspection inspection;
  CompileOptions options;
  std::vector<CompiledComparison> comparisons;
  std::vector<Leaf> leaves;
  std::vector<SearchNode> nodes;  // nodes[0] is the root
  size_t slots = 0;
  // Horizon for streaming: the whole pattern is under WITHIN (ns), or -1.
  int64_t root_within_ns = -1;

  Result<bool> EvalLeaf(size_t leaf, const Observation& obs) const;
};

// The binding search over per-observation facts (shared by Match() and StreamMatcher).
struct SearchObs {
  int64_t first = 0, last = 0;  // ns
  int64_t count = 1;
};

struct SearchInput {
  std::vector<SearchObs> obs;
  std::vector<std::vector<uint32_t>> candidates;  // per leaf: ascending observation indices
  int64_t must_use = -1;                          // a binding must include this observation
};

struct SearchOutput {
  bool matched = false;
  std::vector<SlotBinding> bindings;
  uint64_t steps = 0;
};

Result<SearchOutput> RunSearch(const CompiledImpl& c, const SearchInput& in, uint64_t max_steps);

}  // namespace onus::pattern::detail
