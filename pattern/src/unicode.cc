#include "unicode.h"

#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include <vector>

namespace onus::pattern::detail {

bool IsAscii(std::string_view s) {
  for (unsigned char c : s)
    if (c >= 0x80) return false;
  return true;
}

std::string NfcUtf8(std::string_view s) {
  if (IsAscii(s)) return std::string(s);
  UErrorCode err = U_ZERO_ERROR;
  const UNormalizer2* nfc = unorm2_getNFCInstance(&err);
  if (U_FAILURE(err)) return std::string(s);
  int32_t len16 = 0;
  err = U_ZERO_ERROR;
  u_strFromUTF8(nullptr, 0, &len16, s.data(), static_cast<int32_t>(s.size()), &err);
  if (err != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(err)) return std::string(s);
  std::vector<UChar> in(static_cast<size_t>(len16) + 1);
  err = U_ZERO_ERROR;
  u_strFromUTF8(in.data(), len16 + 1, nullptr, s.data(), static_cast<int32_t>(s.size()), &err);
  if (U_FAILURE(err)) return std::string(s);
  err = U_ZERO_ERROR;
  if (unorm2_quickCheck(nfc, in.data(), len16, &err) == UNORM_YES && U_SUCCESS(err)) return std::string(s);
  err = U_ZERO_ERROR;
  int32_t out_len = unorm2_normalize(nfc, in.data(), len16, nullptr, 0, &err);
  if (err != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(err)) return std::string(s);
  std::vector<UChar> out(static_cast<size_t>(out_len) + 1);
  err = U_ZERO_ERROR;
  unorm2_normalize(nfc, in.data(), len16, out.data(), out_len + 1, &err);
  if (U_FAILURE(err)) return std::string(s);
  int32_t len8 = 0;
  err = U_ZERO_ERROR;
  u_strToUTF8(nullptr, 0, &len8, out.data(), out_len, &err);
  std::string result(static_cast<size_t>(len8), '\0');
  err = U_ZERO_ERROR;
  u_strToUTF8(result.data(), len8, nullptr, out.data(), out_len, &err);
  if (U_FAILURE(err) && err != U_STRING_NOT_TERMINATED_WARNING) return std::string(s);
  return result;
}

std::u32string DecodeUtf8(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    char32_t cp;
    size_t n;
    if (c < 0x80) {
      cp = c;
      n = 1;
    } else if ((c >> 5) == 0x6) {
      cp = c & 0x1F;
      n = 2;
    } else if ((c >> 4) == 0xE) {
      cp = c & 0x0F;
      n = 3;
    } else if ((c >> 3) == 0x1E) {
      cp = c & 0x07;
      n = 4;
    } else {
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    if (i + n > s.size()) {
      out.push_back(0xFFFD);
      break;
    }
    bool ok = true;
    for (size_t k = 1; k < n; ++k) {
      unsigned char d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) {
        ok = false;
        break;
      }
      cp = (cp << 6) | (d & 0x3F);
    }
    if (!ok) {
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    out.push_back(cp);
    i += n;
  }
  return out;
}

bool Utf8ToLatin1(std::string_view s, std::string* out) {
  out->clear();
  if (IsAscii(s)) {
    out->assign(s);
    return true;
  }
  for (char32_t cp : DecodeUtf8(s)) {
    if (cp >= 256) return false;
    out->push_back(static_cast<char>(cp));
  }
  return true;
}

std::string Latin1ToUtf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (unsigned char c : bytes) {
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

}  // namespace onus::pattern::detail
