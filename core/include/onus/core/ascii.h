// ASCII-only text helpers for protocol and feed parsing: no locale, no allocation.
// Contract: bytes outside A-Z are compared as they are (UTF-8 passes through unchanged).
#pragma once

#include <string_view>

namespace onus {

inline char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// a == b ignoring the case of ASCII letters (HTTP header names, defanging tokens).
inline bool AsciiEqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  return true;
}

}  // namespace onus
