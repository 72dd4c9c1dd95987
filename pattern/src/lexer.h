// Lexer for STIX patterns (internal). Produces tokens with byte offsets; malformed literals
// become kError tokens carrying a message, so the parser can report "what was expected".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace onus::pattern::detail {

enum class Tok : uint8_t {
  kEnd, kError,
  kLBracket, kRBracket, kLParen, kRParen, kColon, kComma, kDot, kAsterisk,
  kEq, kNe, kLt, kLe, kGt, kGe,
  kInt, kFloat, kString, kBool, kHex, kBase64, kTimestamp, kIdentifier,
  // keywords (upper case only)
  kAnd, kOr, kNot, kFollowedBy, kLike, kMatches, kIsSubset, kIsSuperset, kIn, kExists,
  kStart, kStop, kWithin, kSeconds, kRepeats, kTimes, kLast,
};

struct Token {
  Tok kind = Tok::kEnd;
  uint32_t offset = 0;
  std::string_view text;     // the raw token text
  bool has_hyphen = false;   // identifiers only
  std::string error;         // kError only
};

class Lexer {
 public:
  explicit Lexer(std::string_view src) : src_(src) {}
  Token Next();

 private:
  bool SkipSpaceAndComments(std::string* error, uint32_t* error_offset);
  Token Make(Tok k, size_t begin, size_t end) const;
  Token Error(size_t begin, size_t end, std::string msg) const;
  Token LexNumber(size_t begin);
  Token LexQuoted(size_t begin, Tok kind);
  std::string_view src_;
  size_t pos_ = 0;
};

// Human-readable name of a token kind for messages ("']'", "a string literal", "AND").
const char* TokName(Tok t);
// Checks the strict timestamp literal syntax of the STIX 2.1 grammar:
// YYYY-MM-DDTHH:MM:SS[.f+]Z with month 01-12, day 01-31, hour 00-23, minute 00-59, second 00-60.
bool IsTimestampSyntax(std::string_view s, std::string* why);

}  // namespace onus::pattern::detail
