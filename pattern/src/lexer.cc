#include "lexer.h"

#include <cstring>

namespace onus::pattern::detail {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || IsDigit(c) || c == '-'; }
bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool IsB64(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || IsDigit(c) || c == '+' || c == '/';
}

// Length of a Unicode white-space sequence at s (the grammar's WS set), 0 if none.
size_t UnicodeSpace(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f') return 1;
  if (c == 0xC2 && i + 1 < s.size()) {
    unsigned char d = static_cast<unsigned char>(s[i + 1]);
    if (d == 0x85 || d == 0xA0) return 2;
  }
  if (c == 0xE1 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x9A &&
      static_cast<unsigned char>(s[i + 2]) == 0x80)
    return 3;  // U+1680
  if (c == 0xE2 && i + 2 < s.size()) {
    unsigned char d = static_cast<unsigned char>(s[i + 1]), e = static_cast<unsigned char>(s[i + 2]);
    if (d == 0x80 && ((e >= 0x80 && e <= 0x8A) || e == 0xA8 || e == 0xA9 || e == 0xAF)) return 3;
    if (d == 0x81 && e == 0x9F) return 3;  // U+205F
  }
  if (c == 0xE3 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
      static_cast<unsigned char>(s[i + 2]) == 0x80)
    return 3;  // U+3000
  return 0;
}

struct Keyword {
  std::string_view text;
  Tok tok;
};
constexpr Keyword kKeywords[] = {
    {"AND", Tok::kAnd},         {"OR", Tok::kOr},           {"NOT", Tok::kNot},
    {"FOLLOWEDBY", Tok::kFollowedBy}, {"LIKE", Tok::kLike}, {"MATCHES", Tok::kMatches},
    {"ISSUBSET", Tok::kIsSubset}, {"ISSUPERSET", Tok::kIsSuperset}, {"IN", Tok::kIn},
    {"EXISTS", Tok::kExists},   {"START", Tok::kStart},     {"STOP", Tok::kStop},
    {"WITHIN", Tok::kWithin},   {"SECONDS", Tok::kSeconds}, {"REPEATS", Tok::kRepeats},
    {"TIMES", Tok::kTimes},     {"LAST", Tok::kLast},
};

bool TwoDigits(std::string_view s, size_t i, int lo, int hi, int* out) {
  if (i + 2 > s.size() || !IsDigit(s[i]) || !IsDigit(s[i + 1])) return false;
  int v = (s[i] - '0') * 10 + (s[i + 1] - '0');
  if (out) *out = v;
  return v >= lo && v <= hi;
}

}  // namespace

bool IsTimestampSyntax(std::string_view s, std::string* why) {
  auto fail = [&](const char* m) {
    if (why) *why = m;
    return false;
  };
  // YYYY-MM-DDTHH:MM:SS
  if (s.size() < 20) return fail("timestamp must look like YYYY-MM-DDTHH:MM:SS[.fraction]Z");
  for (int i = 0; i < 4; ++i)
    if (!IsDigit(s[i])) return fail("timestamp year must be four digits");
  if (s[4] != '-' || s[7] != '-') return fail("timestamp date must be YYYY-MM-DD");
  if (!TwoDigits(s, 5, 1, 12, nullptr)) return fail("timestamp month must be 01-12");
  if (!TwoDigits(s, 8, 1, 31, nullptr)) return fail("timestamp day must be 01-31");
  if (s[10] != 'T') return fail("timestamp needs an upper-case 'T' between date and time");
  if (!TwoDigits(s, 11, 0, 23, nullptr)) return fail("timestamp hour must be 00-23");
  if (s[13] != ':' || s[16] != ':') return fail("timestamp time must be HH:MM:SS");
  if (!TwoDigits(s, 14, 0, 59, nullptr)) return fail("timestamp minute must be 00-59");
  if (!TwoDigits(s, 17, 0, 60, nullptr)) return fail("timestamp second must be 00-60");
  size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    ++i;
    size_t d = i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    if (i == d) return fail("timestamp fraction needs at least one digit");
  }
  if (i >= s.size() || s[i] != 'Z') return fail("timestamp must end with an upper-case 'Z' (UTC)");
  if (i + 1 != s.size()) return fail("unexpected characters after the timestamp's 'Z'");
  return true;
}

const char* TokName(Tok t) {
  switch (t) {
    case Tok::kEnd: return "end of pattern";
    case Tok::kError: return "an invalid token";
    case Tok::kLBracket: return "'['";
    case Tok::kRBracket: return "']'";
    case Tok::kLParen: return "'('";
    case Tok::kRParen: return "')'";
    case Tok::kColon: return "':'";
    case Tok::kComma: return "','";
    case Tok::kDot: return "'.'";
    case Tok::kAsterisk: return "'*'";
    case Tok::kEq: return "'='";
    case Tok::kNe: return "'!='";
    case Tok::kLt: return "'<'";
    case Tok::kLe: return "'<='";
    case Tok::kGt: return "'>'";
    case Tok::kGe: return "'>='";
    case Tok::kInt: return "an integer";
    case Tok::kFloat: return "a float";
    case Tok::kString: return "a string literal";
    case Tok::kBool: return "a boolean";
    case Tok::kHex: return "a hex literal";
    case Tok::kBase64: return "a base64 literal";
    case Tok::kTimestamp: return "a timestamp literal";
    case Tok::kIdentifier: return "an identifier";
    case Tok::kAnd: return "AND";
    case Tok::kOr: return "OR";
    case Tok::kNot: return "NOT";
    case Tok::kFollowedBy: return "FOLLOWEDBY";
    case Tok::kLike: return "LIKE";
    case Tok::kMatches: return "MATCHES";
    case Tok::kIsSubset: return "ISSUBSET";
    case Tok::kIsSuperset: return "ISSUPERSET";
    case Tok::kIn: return "IN";
    case Tok::kExists: return "EXISTS";
    case Tok::kStart: return "START";
    case Tok::kStop: return "STOP";
    case Tok::kWithin: return "WITHIN";
    case Tok::kSeconds: return "SECONDS";
    case Tok::kRepeats: return "REPEATS";
    case Tok::kTimes: return "TIMES";
    case Tok::kLast: return "LAST";
  }
  return "?";
}

Token Lexer::Make(Tok k, size_t begin, size_t end) const {
  Token t;
  t.kind = k;
  t.offset = static_cast<uint32_t>(begin);
  t.text = src_.substr(begin, end - begin);
  return t;
}

Token Lexer::Error(size_t begin, size_t end, std::string msg) const {
  Token t = Make(Tok::kError, begin, end);
  t.error = std::move(msg);
  return t;
}

bool Lexer::SkipSpaceAndComments(std::string* error, uint32_t* error_offset) {
  while (pos_ < src_.size()) {
    if (size_t n = UnicodeSpace(src_, pos_)) {
      pos_ += n;
    } else if (src_.compare(pos_, 2, "/*") == 0) {
      size_t e = src_.find("*/", pos_ + 2);
      if (e == std::string_view::npos) {
        *error = "unterminated comment";
        *error_offset = static_cast<uint32_t>(pos_);
        return false;
      }
      pos_ = e + 2;
    } else if (src_.compare(pos_, 2, "//") == 0) {
      size_t e = src_.find_first_of("\r\n", pos_);
      pos_ = e == std::string_view::npos ? src_.size() : e;
    } else {
      break;
    }
  }
  return true;
}

Token Lexer::LexNumber(size_t begin) {
  size_t i = begin;
  if (src_[i] == '+' || src_[i] == '-') ++i;
  size_t int_begin = i;
  while (i < src_.size() && IsDigit(src_[i])) ++i;
  size_t int_digits = i - int_begin;
  if (i < src_.size() && src_[i] == '.' && i + 1 < src_.size() && IsDigit(src_[i + 1])) {
    ++i;
    while (i < src_.size() && IsDigit(src_[i])) ++i;
    pos_ = i;
    return Make(Tok::kFloat, begin, i);
  }
  if (int_digits == 0) {
    pos_ = i;
    return Error(begin, i, "a sign must be followed by a number");
  }
  if (int_digits > 1 && src_[int_begin] == '0') {
    pos_ = i;
    return Error(begin, i, "integers must not have leading zeros");
  }
  pos_ = i;
  return Make(Tok::kInt, begin, i);
}

Token Lexer::LexQuoted(size_t begin, Tok kind) {
  // begin points at the prefix letter (h/b/t) or the quote itself (strings).
  size_t i = begin + (kind == Tok::kString ? 1 : 2);
  while (i < src_.size()) {
    char c = src_[i];
    if (c == '\'') break;
    if (c == '\\' && kind == Tok::kString) {
      if (i + 1 < src_.size() && (src_[i + 1] == '\'' || src_[i + 1] == '\\')) {
        i += 2;
        continue;
      }
      pos_ = i + 1;
      return Error(i, i + 1, "invalid escape in string literal (only \\' and \\\\ are allowed)");
    }
    ++i;
  }
  if (i >= src_.size()) {
    pos_ = src_.size();
    return Error(begin, src_.size(), "unterminated quoted literal");
  }
  pos_ = i + 1;
  Token t = Make(kind, begin, pos_);
  std::string_view body = src_.substr(begin + (kind == Tok::kString ? 1 : 2), i - begin - (kind == Tok::kString ? 1 : 2));
  if (kind == Tok::kHex) {
    bool ok = body.size() % 2 == 0;
    for (char c : body) ok = ok && IsHex(c);
    if (!ok) return Error(begin, pos_, "invalid hex literal (pairs of hex digits expected)");
  } else if (kind == Tok::kBase64) {
    // Groups of four; the last may end with '=' or '=='.
    bool ok = body.size() % 4 == 0;
    for (size_t k = 0; ok && k < body.size(); ++k) {
      char c = body[k];
      if (c == '=') {
        size_t from_end = body.size() - k;
        ok = (from_end == 1) || (from_end == 2 && body[k + 1] == '=');
        if (ok && from_end == 2) {
          ++k;
        }
      } else {
        ok = IsB64(c);
      }
    }
    if (!ok) return Error(begin, pos_, "invalid base64 literal");
  } else if (kind == Tok::kTimestamp) {
    std::string why;
    if (!IsTimestampSyntax(body, &why)) return Error(begin, pos_, "invalid timestamp literal: " + why);
  }
  return t;
}

Token Lexer::Next() {
  std::string err;
  uint32_t err_off = 0;
  if (!SkipSpaceAndComments(&err, &err_off)) {
    pos_ = src_.size();
    return Error(err_off, src_.size(), err);
  }
  if (pos_ >= src_.size()) return Make(Tok::kEnd, src_.size(), src_.size());
  size_t b = pos_;
  char c = src_[b];
  auto one = [&](Tok k) {
    pos_ = b + 1;
    return Make(k, b, b + 1);
  };
  auto two = [&](Tok k) {
    pos_ = b + 2;
    return Make(k, b, b + 2);
  };
  char n = b + 1 < src_.size() ? src_[b + 1] : '\0';
  switch (c) {
    case '[': return one(Tok::kLBracket);
    case ']': return one(Tok::kRBracket);
    case '(': return one(Tok::kLParen);
    case ')': return one(Tok::kRParen);
    case ':': return one(Tok::kColon);
    case ',': return one(Tok::kComma);
    case '*': return one(Tok::kAsterisk);
    case '=': return n == '=' ? two(Tok::kEq) : one(Tok::kEq);
    case '!':
      if (n == '=') return two(Tok::kNe);
      pos_ = b + 1;
      return Error(b, b + 1, "'!' must be followed by '='");
    case '<':
      if (n == '=') return two(Tok::kLe);
      if (n == '>') return two(Tok::kNe);
      return one(Tok::kLt);
    case '>': return n == '=' ? two(Tok::kGe) : one(Tok::kGt);
    case '\'': return LexQuoted(b, Tok::kString);
    case '.':
      if (IsDigit(n)) return LexNumber(b);
      return one(Tok::kDot);
    default: break;
  }
  if (IsDigit(c) || ((c == '+' || c == '-') && (IsDigit(n) || n == '.'))) return LexNumber(b);
  if (n == '\'' && (c == 'h' || c == 'b' || c == 't'))
    return LexQuoted(b, c == 'h' ? Tok::kHex : c == 'b' ? Tok::kBase64 : Tok::kTimestamp);
  if (IsIdentStart(c)) {
    size_t i = b + 1;
    bool hyphen = false;
    while (i < src_.size() && IsIdentChar(src_[i])) {
      hyphen = hyphen || src_[i] == '-';
      ++i;
    }
    pos_ = i;
    std::string_view word = src_.substr(b, i - b);
    if (!hyphen) {
      for (const auto& k : kKeywords)
        if (word == k.text) return Make(k.tok, b, i);
      if (word == "true" || word == "false") return Make(Tok::kBool, b, i);
    }
    Token t = Make(Tok::kIdentifier, b, i);
    t.has_hyphen = hyphen;
    return t;
  }
  // Unknown character: report one UTF-8 sequence.
  size_t e = b + 1;
  while (e < src_.size() && (static_cast<unsigned char>(src_[e]) & 0xC0) == 0x80) ++e;
  pos_ = e;
  return Error(b, e, "unexpected character");
}

}  // namespace onus::pattern::detail
