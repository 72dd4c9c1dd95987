// Recursive-descent parser for STIX patterns. Grammar (loosest binding first):
//   pattern      := obs_fb EOF
//   obs_fb       := obs_or (FOLLOWEDBY obs_or)*
//   obs_or       := obs_and (OR obs_and)*
//   obs_and      := obs_qual (AND obs_qual)*
//   obs_qual     := obs_primary qualifier*
//   obs_primary  := '[' cmp_or ']' | '(' obs_fb ')'
//   qualifier    := WITHIN number SECONDS | REPEATS int TIMES | START ts STOP ts
//   cmp_or       := cmp_and (OR cmp_and)*
//   cmp_and      := cmp_primary (AND cmp_primary)*
//   cmp_primary  := '(' cmp_or ')' | EXISTS path | path NOT? op operand
//   path         := type ':' key (('.' key) | '[' (int | '*') ']')*
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <string>
#include <utility>

#include "lexer.h"
#include "parse_into.h"
#include "onus/core/hash.h"
#include "onus/pattern/parser.h"

namespace onus::pattern {
namespace {

using detail::Lexer;
using detail::Tok;
using detail::Token;

std::string Describe(const Token& t) {
  switch (t.kind) {
    case Tok::kEnd: return "end of pattern";
    case Tok::kError: return "'" + std::string(t.text.substr(0, 40)) + "'";
    default: {
      std::string s(t.text.substr(0, 40));
      if (t.text.size() > 40) s += "…";
      return "'" + s + "'";
    }
  }
}

std::string DecodeString(std::string_view quoted) {
  std::string_view body = quoted.substr(1, quoted.size() >= 2 ? quoted.size() - 2 : 0);
  if (body.find('\\') == std::string_view::npos) return std::string(body);  // no escapes: one copy
  std::string out;
  out.reserve(quoted.size());
  for (size_t i = 1; i + 1 < quoted.size(); ++i) {
    if (quoted[i] == '\\' && i + 2 < quoted.size()) ++i;
    out.push_back(quoted[i]);
  }
  return out;
}

std::string DecodeHex(std::string_view body) {
  auto v = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return c - 'A' + 10;
  };
  std::string out;
  out.reserve(body.size() / 2);
  for (size_t i = 0; i + 1 < body.size(); i += 2) out.push_back(static_cast<char>(v(body[i]) * 16 + v(body[i + 1])));
  return out;
}

class Parser {
 public:
  Parser(std::string_view text, const ParseOptions& o) : text_(text), lex_(text), opts_(o) { Advance(); }

  Status Run(Pattern& p) {
    if (text_.size() > opts_.limits.max_text_bytes)
      return Status::ResourceExhausted("pattern is " + std::to_string(text_.size()) + " bytes; the limit is " +
                                       std::to_string(opts_.limits.max_text_bytes));
    p.version = opts_.version;
    p.text = std::string(text_);
    if (tok_.kind != Tok::kLBracket && tok_.kind != Tok::kLParen && tok_.kind != Tok::kError)
      return Fail(tok_, "expected '[' or '(' to start an observation expression (patterns need square brackets)");
    int height = 0;
    ONUS_RETURN_IF_ERROR(ParseFollowedBy(p.root, &height));
    if (tok_.kind != Tok::kEnd) return Fail(tok_, "expected AND, OR, FOLLOWEDBY, a qualifier or the end of the pattern");
    return Status::Ok();
  }

 private:
  void Advance() { tok_ = lex_.Next(); }

  Status Fail(const Token& t, std::string_view expected) {
    if (t.kind == Tok::kError) return Status::InvalidArgument(Position(t.offset) + ": " + t.error + " at " + Describe(t));
    return Status::InvalidArgument(Position(t.offset) + ": " + std::string(expected) + ", found " + Describe(t));
  }

  std::string Position(uint32_t offset) const {
    int line = 1, col = 1;
    for (uint32_t i = 0; i < offset && i < text_.size(); ++i) {
      if (text_[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    return std::to_string(line) + ":" + std::to_string(col);
  }

  Status Deeper(const Token& at) {
    if (++depth_ > opts_.limits.max_depth)
      return Status::ResourceExhausted(Position(at.offset) + ": pattern nests deeper than " +
                                       std::to_string(opts_.limits.max_depth) + " levels");
    return Status::Ok();
  }

  using Kind = ObservationExpr::Kind;

  // The parse functions fill the node they are given in place (no syntax-tree moves on the
  // common path: a simple pattern is parsed straight into Pattern::root).
  enum class Level { kFollowedBy, kOr, kAnd };

  Status ParseObsLevel(Level level, ObservationExpr& out, int* height) {
    if (level == Level::kFollowedBy) return ParseChain(Tok::kFollowedBy, Kind::kFollowedBy, Level::kOr, out, height);
    if (level == Level::kOr) return ParseChain(Tok::kOr, Kind::kOr, Level::kAnd, out, height);
    return ParseChain(Tok::kAnd, Kind::kAnd, Level::kAnd, out, height);
  }

  Status ParseChain(Tok op, Kind kind, Level next, ObservationExpr& out, int* height) {
    uint32_t off = tok_.offset;
    int h = 0;
    auto operand = [&](ObservationExpr& dst, int* hh) {
      return kind == Kind::kAnd ? ParseQualified(dst, hh) : ParseObsLevel(next, dst, hh);
    };
    ONUS_RETURN_IF_ERROR(operand(out, &h));
    if (tok_.kind != op) {
      *height = h;
      return Status::Ok();
    }
    ObservationExpr chain;
    chain.kind = kind;
    chain.offset = off;
    chain.children.reserve(4);
    chain.children.push_back(std::move(out));
    while (tok_.kind == op) {
      Advance();
      int hc = 0;
      ONUS_RETURN_IF_ERROR(operand(chain.children.emplace_back(), &hc));
      h = std::max(h, hc);
    }
    out = std::move(chain);
    *height = h + 1;
    return Status::Ok();
  }

  Status ParseFollowedBy(ObservationExpr& out, int* height) { return ParseObsLevel(Level::kFollowedBy, out, height); }

  Status ParseQualified(ObservationExpr& out, int* height) {
    int h = 0;
    ONUS_RETURN_IF_ERROR(ParsePrimary(out, &h));
    while (tok_.kind == Tok::kWithin || tok_.kind == Tok::kRepeats || tok_.kind == Tok::kStart) {
      if (++h > opts_.limits.max_depth)
        return Status::ResourceExhausted(Position(tok_.offset) + ": pattern nests deeper than " +
                                         std::to_string(opts_.limits.max_depth) + " levels");
      ObservationExpr q;
      q.offset = tok_.offset;
      if (tok_.kind == Tok::kWithin) {
        q.kind = Kind::kWithin;
        Advance();
        if ((tok_.kind != Tok::kInt && tok_.kind != Tok::kFloat) || tok_.text[0] == '-')
          return Fail(tok_, "expected a positive number of seconds after WITHIN");
        ONUS_RETURN_IF_ERROR(NumberLiteral(q.within_literal));
        q.within_seconds = q.within_literal.kind == LiteralKind::kInt ? static_cast<double>(q.within_literal.int_value)
                                                                      : q.within_literal.float_value;
        if (tok_.kind != Tok::kSeconds) return Fail(tok_, "expected SECONDS after the WITHIN duration");
        Advance();
      } else if (tok_.kind == Tok::kRepeats) {
        q.kind = Kind::kRepeats;
        Advance();
        if (tok_.kind != Tok::kInt || tok_.text[0] == '-')
          return Fail(tok_, "expected a positive integer after REPEATS");
        ONUS_RETURN_IF_ERROR(NumberLiteral(q.repeats_literal));
        q.repeats = q.repeats_literal.int_value;
        if (tok_.kind != Tok::kTimes) return Fail(tok_, "expected TIMES after the REPEATS count");
        Advance();
      } else {
        q.kind = Kind::kStartStop;
        Advance();
        ONUS_RETURN_IF_ERROR(QualifierTime("START", q.start));
        if (tok_.kind != Tok::kStop) return Fail(tok_, "expected STOP after the START timestamp");
        Advance();
        ONUS_RETURN_IF_ERROR(QualifierTime("STOP", q.stop));
      }
      q.children.push_back(std::move(out));
      out = std::move(q);
    }
    *height = h;
    return Status::Ok();
  }

  Status QualifierTime(const char* what, Literal& l) {
    if (tok_.kind == Tok::kTimestamp || (opts_.version == StixVersion::k20 && tok_.kind == Tok::kString)) {
      l.offset = tok_.offset;
      l.source = std::string(tok_.text);
      if (tok_.kind == Tok::kTimestamp) {
        l.kind = LiteralKind::kTimestamp;
        l.text = std::string(tok_.text.substr(2, tok_.text.size() - 3));
      } else {
        l.kind = LiteralKind::kString;
        l.text = DecodeString(tok_.text);
      }
      Advance();
      return Status::Ok();
    }
    return Fail(tok_, std::string("expected a timestamp literal t'…' after ") + what +
                          (opts_.version == StixVersion::k20 ? " (or a quoted timestamp in STIX 2.0)" : ""));
  }

  Status ParsePrimary(ObservationExpr& e, int* height) {
    if (tok_.kind == Tok::kLBracket) {
      e.kind = Kind::kSimple;
      e.offset = tok_.offset;
      Token open = tok_;
      Advance();
      ONUS_RETURN_IF_ERROR(Deeper(open));
      ONUS_RETURN_IF_ERROR(ParseCmpChain(true, e.comparison));
      --depth_;
      if (tok_.kind != Tok::kRBracket) return Fail(tok_, "expected AND, OR or ']' after a comparison");
      Advance();
      *height = 1;
      return Status::Ok();
    }
    if (tok_.kind == Tok::kLParen) {
      Token open = tok_;
      Advance();
      ONUS_RETURN_IF_ERROR(Deeper(open));
      int h = 0;
      ONUS_RETURN_IF_ERROR(ParseFollowedBy(e, &h));
      --depth_;
      if (tok_.kind != Tok::kRParen) return Fail(tok_, "expected AND, OR, FOLLOWEDBY, a qualifier or ')'");
      Advance();
      e.parenthesized = true;
      if (h + depth_ > opts_.limits.max_depth)
        return Status::ResourceExhausted(Position(open.offset) + ": pattern nests deeper than " +
                                         std::to_string(opts_.limits.max_depth) + " levels");
      *height = h + 1;
      return Status::Ok();
    }
    return Fail(tok_, "expected '[' or '(' to start an observation expression");
  }

  Status ParseCmpChain(bool is_or, ComparisonExpr& out) {
    uint32_t off = tok_.offset;
    ONUS_RETURN_IF_ERROR(is_or ? ParseCmpChain(false, out) : ParseCmpPrimary(out));
    Tok op = is_or ? Tok::kOr : Tok::kAnd;
    if (tok_.kind != op) return Status::Ok();
    ComparisonExpr chain;
    chain.kind = is_or ? ComparisonExpr::Kind::kOr : ComparisonExpr::Kind::kAnd;
    chain.offset = off;
    chain.children.reserve(4);
    chain.children.push_back(std::move(out));
    while (tok_.kind == op) {
      Advance();
      ComparisonExpr& child = chain.children.emplace_back();
      ONUS_RETURN_IF_ERROR(is_or ? ParseCmpChain(false, child) : ParseCmpPrimary(child));
    }
    out = std::move(chain);
    return Status::Ok();
  }

  Status ParseCmpPrimary(ComparisonExpr& e) {
    if (tok_.kind == Tok::kLParen) {
      Token open = tok_;
      Advance();
      ONUS_RETURN_IF_ERROR(Deeper(open));
      ONUS_RETURN_IF_ERROR(ParseCmpChain(true, e));
      --depth_;
      if (tok_.kind != Tok::kRParen) return Fail(tok_, "expected AND, OR or ')' after a comparison");
      Advance();
      e.parenthesized = true;
      return Status::Ok();
    }
    e.kind = ComparisonExpr::Kind::kComparison;
    e.offset = tok_.offset;
    Comparison& c = e.comparison;
    c.offset = tok_.offset;
    if (++comparisons_ > opts_.limits.max_comparisons)
      return Status::ResourceExhausted(Position(tok_.offset) + ": more than " +
                                       std::to_string(opts_.limits.max_comparisons) + " comparisons");
    if (tok_.kind == Tok::kExists) {
      if (opts_.version == StixVersion::k20)
        return Fail(tok_, "EXISTS is STIX 2.1 only; expected an object path");
      Advance();
      c.op = CompareOp::kExists;
      return ParsePath(c.path);
    }
    ONUS_RETURN_IF_ERROR(ParsePath(c.path));
    if (tok_.kind == Tok::kNot) {
      c.negated = true;
      Advance();
    }
    switch (tok_.kind) {
      case Tok::kEq: c.op = CompareOp::kEq; break;
      case Tok::kNe: c.op = CompareOp::kNe; break;
      case Tok::kLt: c.op = CompareOp::kLt; break;
      case Tok::kLe: c.op = CompareOp::kLe; break;
      case Tok::kGt: c.op = CompareOp::kGt; break;
      case Tok::kGe: c.op = CompareOp::kGe; break;
      case Tok::kIn: c.op = CompareOp::kIn; break;
      case Tok::kLike: c.op = CompareOp::kLike; break;
      case Tok::kMatches: c.op = CompareOp::kMatches; break;
      case Tok::kIsSubset: c.op = CompareOp::kIsSubset; break;
      case Tok::kIsSuperset: c.op = CompareOp::kIsSuperset; break;
      default:
        return Fail(tok_, c.negated ? "expected a comparison operator after NOT"
                                    : "expected a comparison operator (=, !=, <, <=, >, >=, IN, LIKE, MATCHES, "
                                      "ISSUBSET, ISSUPERSET) or NOT");
    }
    Advance();
    if (c.op == CompareOp::kIn) {
      if (tok_.kind != Tok::kLParen) return Fail(tok_, "expected '(' to start the IN set");
      Advance();
      if (tok_.kind != Tok::kRParen) {
        for (;;) {
          if (c.values.size() >= opts_.limits.max_set_elements)
            return Status::ResourceExhausted(Position(tok_.offset) + ": IN set has more than " +
                                             std::to_string(opts_.limits.max_set_elements) + " elements");
          ONUS_RETURN_IF_ERROR(ParseLiteral("a literal in the IN set", c.values.emplace_back()));
          if (tok_.kind == Tok::kComma) {
            Advance();
            continue;
          }
          break;
        }
      }
      if (tok_.kind != Tok::kRParen) return Fail(tok_, "expected ',' or ')' in the IN set");
      Advance();
    } else if (c.op == CompareOp::kLike || c.op == CompareOp::kMatches || c.op == CompareOp::kIsSubset ||
               c.op == CompareOp::kIsSuperset) {
      if (tok_.kind != Tok::kString)
        return Fail(tok_, std::string("expected a string literal after ") + CompareOpName(c.op));
      c.values.reserve(1);
      ONUS_RETURN_IF_ERROR(ParseLiteral("a string literal", c.values.emplace_back()));
    } else {
      c.values.reserve(1);
      ONUS_RETURN_IF_ERROR(
          ParseLiteral("a literal (quoted string, number, boolean, t'…', h'…' or b'…')", c.values.emplace_back()));
    }
    return Status::Ok();
  }

  Status NumberLiteral(Literal& l) {
    l.offset = tok_.offset;
    l.source = std::string(tok_.text);
    if (tok_.kind == Tok::kInt) {
      l.kind = LiteralKind::kInt;
      std::string_view t = tok_.text;
      if (!t.empty() && t[0] == '+') t.remove_prefix(1);
      long long v = 0;
      auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
      if (ec == std::errc::result_out_of_range) return Fail(tok_, "expected an integer that fits in 64 bits");
      if (ec != std::errc() || end != t.data() + t.size()) return Fail(tok_, "expected an integer");
      l.int_value = v;
    } else {
      l.kind = LiteralKind::kFloat;
      l.float_value = std::strtod(l.source.c_str(), nullptr);
    }
    Advance();
    return Status::Ok();
  }

  Status ParseLiteral(std::string_view expected, Literal& l) {
    switch (tok_.kind) {
      case Tok::kInt:
      case Tok::kFloat: return NumberLiteral(l);
      case Tok::kString:
        l.kind = LiteralKind::kString;
        l.text = DecodeString(tok_.text);
        break;
      case Tok::kBool:
        l.kind = LiteralKind::kBool;
        l.bool_value = tok_.text == "true";
        break;
      case Tok::kHex:
        l.kind = LiteralKind::kBinary;
        l.binary_is_hex = true;
        l.text = DecodeHex(tok_.text.substr(2, tok_.text.size() - 3));
        break;
      case Tok::kBase64: {
        l.kind = LiteralKind::kBinary;
        auto bytes = Base64Decode(tok_.text.substr(2, tok_.text.size() - 3));
        if (!bytes.ok()) return Fail(tok_, "expected valid base64 in b'…'");
        l.text = std::move(bytes).value();
        break;
      }
      case Tok::kTimestamp:
        l.kind = LiteralKind::kTimestamp;
        l.text = std::string(tok_.text.substr(2, tok_.text.size() - 3));
        break;
      default: return Fail(tok_, std::string("expected ") + std::string(expected));
    }
    l.offset = tok_.offset;
    l.source = std::string(tok_.text);
    Advance();
    return Status::Ok();
  }

  Status ParseKey(bool first, PathStep& s) {
    s.kind = PathStep::Kind::kKey;
    if (tok_.kind == Tok::kString) {
      s.key = DecodeString(tok_.text);
      s.quoted = true;
    } else if (tok_.kind == Tok::kIdentifier && !tok_.has_hyphen) {
      s.key = std::string(tok_.text);
    } else if (tok_.kind == Tok::kIdentifier) {
      return Fail(tok_, "expected a property name; names containing '-' must be quoted ('name-with-hyphen')");
    } else {
      return Fail(tok_, first ? "expected a property name after ':'" : "expected a property name after '.'");
    }
    Advance();
    return Status::Ok();
  }

  Status ParsePath(ObjectPath& p) {
    p.offset = tok_.offset;
    if (tok_.kind != Tok::kIdentifier) return Fail(tok_, "expected an object type (e.g. file, ipv4-addr)");
    p.object_type = std::string(tok_.text);
    Advance();
    if (tok_.kind != Tok::kColon) return Fail(tok_, "expected ':' between the object type and the property");
    Advance();
    p.steps.reserve(2);
    ONUS_RETURN_IF_ERROR(ParseKey(true, p.steps.emplace_back()));
    for (;;) {
      if (tok_.kind == Tok::kDot) {
        Advance();
        ONUS_RETURN_IF_ERROR(ParseKey(false, p.steps.emplace_back()));
      } else if (tok_.kind == Tok::kLBracket) {
        Advance();
        PathStep& s = p.steps.emplace_back();
        if (tok_.kind == Tok::kAsterisk) {
          s.kind = PathStep::Kind::kAnyIndex;
        } else if (tok_.kind == Tok::kInt && tok_.text[0] != '+') {
          s.kind = PathStep::Kind::kIndex;
          long long v = 0;
          auto [end, ec] = std::from_chars(tok_.text.data(), tok_.text.data() + tok_.text.size(), v);
          if (ec == std::errc::result_out_of_range) return Fail(tok_, "expected a list index that fits in 64 bits");
          if (ec != std::errc() || end != tok_.text.data() + tok_.text.size()) return Fail(tok_, "expected a list index");
          s.index = v;
        } else {
          return Fail(tok_, "expected a list index or '*' inside '[ ]'");
        }
        Advance();
        if (tok_.kind != Tok::kRBracket) return Fail(tok_, "expected ']' after the list index");
        Advance();
      } else {
        break;
      }
      if (p.steps.size() > 1000) return Status::ResourceExhausted(Position(tok_.offset) + ": object path too long");
    }
    return Status::Ok();
  }

  std::string_view text_;
  Lexer lex_;
  ParseOptions opts_;
  Token tok_;
  int depth_ = 0;
  size_t comparisons_ = 0;
};

}  // namespace

namespace detail {
Status ParsePatternInto(std::string_view text, const ParseOptions& options, Pattern& out) {
  if (text.size() > options.limits.max_text_bytes)
    return Status::ResourceExhausted("pattern is " + std::to_string(text.size()) + " bytes; the limit is " +
                                     std::to_string(options.limits.max_text_bytes));
  Parser p(text, options);
  return p.Run(out);
}
}  // namespace detail

Result<Pattern> ParsePattern(std::string_view text, const ParseOptions& options) {
  Pattern p;
  ONUS_RETURN_IF_ERROR(detail::ParsePatternInto(text, options, p));
  return p;
}

}  // namespace onus::pattern
