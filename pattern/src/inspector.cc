#include "onus/pattern/inspector.h"

#include <algorithm>

namespace onus::pattern {
namespace {

class Inspector {
 public:
  explicit Inspector(Inspection& out) : out_(out) {}

  void Obs(const ObservationExpr& e) {
    using K = ObservationExpr::Kind;
    switch (e.kind) {
      case K::kSimple:
        ++out_.observation_expressions;
        Cmp(e.comparison, false);
        return;
      case K::kAnd: has_and_ = true; break;
      case K::kOr: has_or_ = true; break;
      case K::kFollowedBy: has_followedby_ = true; break;
      case K::kWithin:
      case K::kRepeats:
      case K::kStartStop: out_.qualifiers.push_back(QualifierText(e)); break;
    }
    for (const auto& c : e.children) Obs(c);
  }

  void Cmp(const ComparisonExpr& e, bool under_and) {
    if (e.kind != ComparisonExpr::Kind::kComparison) {
      bool is_and = e.kind == ComparisonExpr::Kind::kAnd;
      if (is_and) any_and_ = true;
      for (const auto& c : e.children) Cmp(c, under_and || is_and);
      return;
    }
    const Comparison& c = e.comparison;
    InspectedComparison& ic = out_.comparisons.emplace_back();
    ic.object_type = c.path.object_type;
    ic.path = c.path.ToString();
    ic.path_components.reserve(c.path.steps.size());
    for (size_t i = 0; i < c.path.steps.size(); ++i) {
      const PathStep& s = c.path.steps[i];
      switch (s.kind) {
        case PathStep::Kind::kKey:
          ic.path_components.push_back(s.key);
          if (i + 1 < c.path.steps.size() && (s.key.ends_with("_ref") || s.key.ends_with("_refs")))
            ic.path_has_reference = true;
          break;
        case PathStep::Kind::kIndex:
          ic.path_components.push_back(std::to_string(s.index));
          ic.path_has_index = true;
          break;
        case PathStep::Kind::kAnyIndex:
          ic.path_components.push_back("[*]");
          ic.path_has_index = true;
          break;
      }
    }
    ic.compare_op = c.op;
    ic.negated = c.negated;
    ic.op = std::string(c.negated ? "NOT " : "") + CompareOpName(c.op);
    if (c.op == CompareOp::kIn) {
      std::string set = "(";
      for (size_t i = 0; i < c.values.size(); ++i) {
        if (i) set += ", ";
        set += c.values[i].source;
      }
      ic.literals.push_back(set + ")");
    } else {
      ic.literals.reserve(c.values.size());
      for (const auto& l : c.values) ic.literals.push_back(l.source);
    }
    out_.object_types.push_back(c.path.object_type);
    bool eq = !c.negated && (c.op == CompareOp::kEq || c.op == CompareOp::kIn);
    if (!eq) all_equality_ = false;
    if (eq && all_equality_) {
      keys_.reserve(keys_.size() + c.values.size());
      for (const auto& l : c.values) keys_.push_back({c.path.object_type, ic.path, &l});
    }
  }

  void Finish() {
    SortUnique(out_.object_types);
    SortUnique(out_.qualifiers);
    if (has_and_) out_.observation_ops.push_back("AND");
    if (has_followedby_) out_.observation_ops.push_back("FOLLOWEDBY");
    if (has_or_) out_.observation_ops.push_back("OR");  // sorted: AND < FOLLOWEDBY < OR
    out_.single_observation = out_.qualifiers.empty() && !has_and_ && !has_followedby_;
    out_.is_equality_disjunction = out_.single_observation && all_equality_ && !any_and_;
    if (out_.is_equality_disjunction) out_.equality_keys = std::move(keys_);
  }

 private:
  static void SortUnique(std::vector<std::string>& v) {
    if (v.size() < 2) return;
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
  }

  Inspection& out_;
  bool has_and_ = false, has_or_ = false, has_followedby_ = false;
  std::vector<EqualityKey> keys_;
  bool all_equality_ = true;
  bool any_and_ = false;
};

}  // namespace

Inspection Inspect(const Pattern& pattern) {
  Inspection out;
  Inspector in(out);
  in.Obs(pattern.root);
  in.Finish();
  return out;
}

}  // namespace onus::pattern
