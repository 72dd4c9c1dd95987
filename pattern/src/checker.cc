#include "onus/pattern/checker.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <cctype>
#include <string>

#include "literal_util.h"

namespace onus::pattern {
namespace {

struct HashRule {
  const char* name;  // upper case, no '-'
  const char* label;
  int min_len, max_len;  // hex digits
};
constexpr HashRule kHashRules[] = {
    {"MD5", "MD5", 32, 32},          {"SHA1", "SHA-1", 40, 40},       {"SHA224", "SHA-224", 56, 56},
    {"SHA256", "SHA-256", 64, 64},   {"SHA384", "SHA-384", 96, 96},   {"SHA512", "SHA-512", 128, 128},
    {"SHA3224", "SHA3-224", 56, 56}, {"SHA3256", "SHA3-256", 64, 64}, {"SHA3384", "SHA3-384", 96, 96},
    {"SHA3512", "SHA3-512", 128, 128}, {"RIPEMD160", "RIPEMD-160", 40, 40}, {"WHIRLPOOL", "WHIRLPOOL", 128, 128},
};

enum class LitClass { kNumber, kString, kBool, kBinary, kTimestamp };
LitClass ClassOf(const Literal& l) {
  switch (l.kind) {
    case LiteralKind::kInt:
    case LiteralKind::kFloat: return LitClass::kNumber;
    case LiteralKind::kString: return LitClass::kString;
    case LiteralKind::kBool: return LitClass::kBool;
    case LiteralKind::kBinary: return LitClass::kBinary;
    case LiteralKind::kTimestamp: return LitClass::kTimestamp;
  }
  return LitClass::kString;
}

class Checker {
 public:
  explicit Checker(const Pattern& p) : p_(p) {}

  CheckReport Run() {
    Obs(p_.root);
    return std::move(report_);
  }

 private:
  std::string Pos(uint32_t offset) const {
    int line = 1, col = 1;
    for (uint32_t i = 0; i < offset && i < p_.text.size(); ++i) {
      if (p_.text[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    return std::to_string(line) + ":" + std::to_string(col);
  }
  void Error(uint32_t off, const std::string& msg, bool validator_rule = false) {
    report_.diagnostics.push_back({Diagnostic::Severity::kError, off, Pos(off) + ": " + msg, validator_rule});
  }
  void Warn(uint32_t off, const std::string& msg) {
    report_.diagnostics.push_back({Diagnostic::Severity::kWarning, off, Pos(off) + ": " + msg, false});
  }

  void CheckTime(const Literal& l, const char* what) {
    auto t = detail::ParseStixTime(l.text);
    if (!t.ok()) Error(l.offset, std::string(what) + ": " + t.status().message());
  }

  void Obs(const ObservationExpr& e) {
    using K = ObservationExpr::Kind;
    switch (e.kind) {
      case K::kSimple: Cmp(e.comparison); return;
      case K::kAnd:
      case K::kOr:
      case K::kFollowedBy:
        for (const auto& c : e.children) Obs(c);
        return;
      case K::kWithin:
        if (!(e.within_seconds > 0)) Error(e.within_literal.offset, "WITHIN needs a positive number of seconds");
        break;
      case K::kRepeats:
        if (e.repeats < 1) Error(e.repeats_literal.offset, "REPEATS needs a count of at least 1");
        break;
      case K::kStartStop: {
        CheckTime(e.start, "START");
        CheckTime(e.stop, "STOP");
        auto a = detail::ParseStixTime(e.start.text);
        auto b = detail::ParseStixTime(e.stop.text);
        if (a.ok() && b.ok() && !(*a < *b))
          Warn(e.start.offset, "START is not before STOP: this qualifier can never be satisfied");
        break;
      }
    }
    // A qualifier: in 2.1 the same qualifier type must not be applied twice directly to one
    // [ … ] (cti-pattern-validator's DuplicateQualifierTypeError); parentheses reset the rule.
    if (p_.version == StixVersion::k21 && !in_chain_) CheckChain(e);
    bool saved = in_chain_;
    in_chain_ = !e.children[0].parenthesized;
    Obs(e.children[0]);
    in_chain_ = saved;
  }

  void CheckChain(const ObservationExpr& outer) {
    bool seen[3] = {false, false, false};
    const ObservationExpr* e = &outer;
    std::vector<const ObservationExpr*> chain;
    while (e->kind == ObservationExpr::Kind::kWithin || e->kind == ObservationExpr::Kind::kRepeats ||
           e->kind == ObservationExpr::Kind::kStartStop) {
      chain.push_back(e);
      const ObservationExpr& c = e->children[0];
      if (c.parenthesized) return;
      e = &c;
    }
    if (e->kind != ObservationExpr::Kind::kSimple) return;
    // Post-order, as the validator walks: innermost qualifier first.
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
      int k = (*it)->kind == ObservationExpr::Kind::kWithin ? 0 : (*it)->kind == ObservationExpr::Kind::kRepeats ? 1 : 2;
      if (seen[k]) {
        static const char* kNames[] = {"WITHIN", "REPEATS", "START/STOP"};
        Error((*it)->offset, std::string("duplicate qualifier type ") + kNames[k] +
                                 " on one observation expression (parenthesise to apply it again)",
              /*validator_rule=*/true);
        return;
      }
      seen[k] = true;
    }
  }

  void Cmp(const ComparisonExpr& e) {
    if (e.kind != ComparisonExpr::Kind::kComparison) {
      for (const auto& c : e.children) Cmp(c);
      return;
    }
    const Comparison& c = e.comparison;
    CheckTypeName(c.path);
    for (const Literal& l : c.values) {
      if (l.kind == LiteralKind::kTimestamp) {
        // The grammar checks the syntax; a date that does not exist (Feb 30) is still a valid
        // pattern for the OASIS validator, but cannot be compiled.
        auto t = detail::ParseStixTime(l.text);
        if (!t.ok()) Warn(l.offset, t.status().message() + " (the pattern cannot be evaluated)");
      }
    }
    switch (c.op) {
      case CompareOp::kLt:
      case CompareOp::kLe:
      case CompareOp::kGt:
      case CompareOp::kGe:
        if (c.values[0].kind == LiteralKind::kBool)
          Error(c.values[0].offset, std::string("booleans cannot be ordered with ") + CompareOpName(c.op));
        break;
      case CompareOp::kIn:
        for (size_t i = 1; i < c.values.size(); ++i) {
          if (ClassOf(c.values[i]) != ClassOf(c.values[0])) {
            Error(c.values[i].offset, "IN set mixes literal types (all elements must be of one type)");
            break;
          }
        }
        break;
      case CompareOp::kMatches: {
        int code = 0;
        PCRE2_SIZE where = 0;
        const std::string& re = c.values[0].text;
        pcre2_code* compiled = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(re.data()), re.size(), PCRE2_UTF, &code,
                                             &where, nullptr);
        if (!compiled) {
          PCRE2_UCHAR buf[256];
          pcre2_get_error_message(code, buf, sizeof buf);
          Error(c.values[0].offset, "invalid regular expression at character " + std::to_string(where) + ": " +
                                        reinterpret_cast<const char*>(buf));
        } else {
          pcre2_code_free(compiled);
        }
        break;
      }
      case CompareOp::kIsSubset:
      case CompareOp::kIsSuperset: {
        auto net = detail::ParseIpOrCidr(c.values[0].text);
        if (!net.ok())
          Error(c.values[0].offset, std::string(CompareOpName(c.op)) + " needs an IP address or CIDR: " +
                                        net.status().message());
        break;
      }
      default: break;
    }
    CheckHash(c);
  }

  void CheckTypeName(const ObjectPath& p) {
    const std::string& t = p.object_type;
    bool ok = t.size() >= 3 && t.size() <= 250;
    for (char ch : t) ok = ok && ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-');
    if (!ok)
      Warn(p.offset, "object type '" + t + "' does not follow STIX naming (3-250 characters of a-z, 0-9, '-')");
  }

  void CheckHash(const Comparison& c) {
    if (c.op != CompareOp::kEq && c.op != CompareOp::kNe && c.op != CompareOp::kIn) return;
    const auto& steps = c.path.steps;
    if (steps.size() < 2 || steps.back().kind != PathStep::Kind::kKey) return;
    bool has_hashes = false;
    for (size_t i = 0; i + 1 < steps.size(); ++i) has_hashes = has_hashes || (steps[i].kind == PathStep::Kind::kKey && steps[i].key == "hashes");
    if (!has_hashes) return;
    std::string name;
    for (char ch : steps.back().key)
      if (ch != '-' && ch != '\'') name.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(ch))));
    for (const auto& rule : kHashRules) {
      if (name != rule.name) continue;
      for (const Literal& l : c.values) {
        if (l.kind != LiteralKind::kString) continue;
        bool ok = static_cast<int>(l.text.size()) >= rule.min_len && static_cast<int>(l.text.size()) <= rule.max_len;
        for (char ch : l.text)
          ok = ok && ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F'));
        if (!ok) Error(l.offset, "'" + l.text + "' is not a valid " + rule.label + " hash");
      }
      return;
    }
  }

  const Pattern& p_;
  CheckReport report_;
  bool in_chain_ = false;
};

}  // namespace

bool CheckReport::ok() const {
  for (const auto& d : diagnostics)
    if (d.severity == Diagnostic::Severity::kError) return false;
  return true;
}

Status CheckReport::FirstError(bool include_validator_rules) const {
  for (const auto& d : diagnostics)
    if (d.severity == Diagnostic::Severity::kError && (include_validator_rules || !d.validator_rule))
      return Status::InvalidArgument(d.message);
  return Status::Ok();
}

CheckReport CheckPattern(const Pattern& pattern) { return Checker(pattern).Run(); }

Status ValidatePattern(std::string_view text, const ParseOptions& options) {
  ONUS_ASSIGN_OR_RETURN(Pattern p, ParsePattern(text, options));
  return CheckPattern(p).FirstError();
}

}  // namespace onus::pattern
