#include "onus/pattern/ast.h"

#include <string_view>

namespace onus::pattern {
namespace {

bool IsPlainKey(const std::string& k) {
  if (k.empty()) return false;
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (!alpha(k[0])) return false;
  for (char c : k)
    if (!alpha(c) && !(c >= '0' && c <= '9')) return false;
  // Keywords and booleans must be quoted to be read back as keys.
  static constexpr std::string_view kReserved[] = {
      "AND", "OR", "NOT", "FOLLOWEDBY", "LIKE", "MATCHES", "ISSUBSET", "ISSUPERSET", "IN", "EXISTS",
      "START", "STOP", "WITHIN", "SECONDS", "REPEATS", "TIMES", "LAST", "true", "false"};
  for (std::string_view r : kReserved)
    if (std::string_view(k) == r) return false;
  return true;
}

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

std::string ComparisonText(const Comparison& c) {
  if (c.op == CompareOp::kExists) return std::string("EXISTS ") + c.path.ToString();
  std::string s = c.path.ToString();
  s += ' ';
  if (c.negated) s += "NOT ";
  s += CompareOpName(c.op);
  s += ' ';
  if (c.op == CompareOp::kIn) {
    s += '(';
    for (size_t i = 0; i < c.values.size(); ++i) {
      if (i) s += ", ";
      s += c.values[i].source;
    }
    s += ')';
  } else if (!c.values.empty()) {
    s += c.values[0].source;
  }
  return s;
}

}  // namespace

const char* StixVersionName(StixVersion v) { return v == StixVersion::k20 ? "2.0" : "2.1"; }

const char* CompareOpName(CompareOp op) {
  switch (op) {
    case CompareOp::kEq: return "=";
    case CompareOp::kNe: return "!=";
    case CompareOp::kLt: return "<";
    case CompareOp::kLe: return "<=";
    case CompareOp::kGt: return ">";
    case CompareOp::kGe: return ">=";
    case CompareOp::kIn: return "IN";
    case CompareOp::kLike: return "LIKE";
    case CompareOp::kMatches: return "MATCHES";
    case CompareOp::kIsSubset: return "ISSUBSET";
    case CompareOp::kIsSuperset: return "ISSUPERSET";
    case CompareOp::kExists: return "EXISTS";
  }
  return "?";
}

std::string ObjectPath::ToString() const {
  std::string s = object_type;
  s += ':';
  for (size_t i = 0; i < steps.size(); ++i) {
    const PathStep& st = steps[i];
    switch (st.kind) {
      case PathStep::Kind::kKey:
        if (i) s += '.';
        s += IsPlainKey(st.key) ? st.key : Quote(st.key);
        break;
      case PathStep::Kind::kIndex: s += '[' + std::to_string(st.index) + ']'; break;
      case PathStep::Kind::kAnyIndex: s += "[*]"; break;
    }
  }
  return s;
}

std::string ToString(const ComparisonExpr& e) {
  if (e.kind == ComparisonExpr::Kind::kComparison) return ComparisonText(e.comparison);
  std::string s;
  const char* op = e.kind == ComparisonExpr::Kind::kAnd ? " AND " : " OR ";
  for (size_t i = 0; i < e.children.size(); ++i) {
    if (i) s += op;
    const ComparisonExpr& c = e.children[i];
    if (c.kind != ComparisonExpr::Kind::kComparison) {
      s += '(' + ToString(c) + ')';
    } else {
      s += ToString(c);
    }
  }
  return s;
}

std::string QualifierText(const ObservationExpr& e) {
  switch (e.kind) {
    case ObservationExpr::Kind::kWithin: return "WITHIN " + e.within_literal.source + " SECONDS";
    case ObservationExpr::Kind::kRepeats: return "REPEATS " + e.repeats_literal.source + " TIMES";
    case ObservationExpr::Kind::kStartStop: return "START " + e.start.source + " STOP " + e.stop.source;
    default: return "";
  }
}

std::string ToString(const ObservationExpr& e) {
  using K = ObservationExpr::Kind;
  auto child_text = [](const ObservationExpr& c) {
    bool op = c.kind == K::kAnd || c.kind == K::kOr || c.kind == K::kFollowedBy;
    return op ? '(' + ToString(c) + ')' : ToString(c);
  };
  switch (e.kind) {
    case K::kSimple: return '[' + ToString(e.comparison) + ']';
    case K::kAnd:
    case K::kOr:
    case K::kFollowedBy: {
      const char* op = e.kind == K::kAnd ? " AND " : e.kind == K::kOr ? " OR " : " FOLLOWEDBY ";
      std::string s;
      for (size_t i = 0; i < e.children.size(); ++i) {
        if (i) s += op;
        s += child_text(e.children[i]);
      }
      return s;
    }
    case K::kWithin:
    case K::kRepeats:
    case K::kStartStop: return child_text(e.children[0]) + ' ' + QualifierText(e);
  }
  return "";
}

}  // namespace onus::pattern
