#include "json_util.h"

#include <charconv>
#include <cstring>

namespace onus::ingest::detail {

simdjson::simdjson_result<simdjson::dom::element> JsonLineParser::Parse(std::string_view line) {
  if (buf_.size() < line.size() + simdjson::SIMDJSON_PADDING) buf_.resize(line.size() + simdjson::SIMDJSON_PADDING);
  std::memcpy(buf_.data(), line.data(), line.size());
  std::memset(buf_.data() + line.size(), 0, simdjson::SIMDJSON_PADDING);
  return parser_.parse(buf_.data(), line.size(), false);
}

bool JsonScalarText(simdjson::dom::element e, char* scratch, std::string_view& out) {
  using simdjson::dom::element_type;
  switch (e.type()) {
    case element_type::STRING: {
      std::string_view s;
      if (e.get_string().get(s)) return false;
      out = s;
      return true;
    }
    case element_type::INT64: {
      int64_t v = 0;
      if (e.get_int64().get(v)) return false;
      auto r = std::to_chars(scratch, scratch + 32, v);
      out = std::string_view(scratch, static_cast<size_t>(r.ptr - scratch));
      return true;
    }
    case element_type::UINT64: {
      uint64_t v = 0;
      if (e.get_uint64().get(v)) return false;
      auto r = std::to_chars(scratch, scratch + 32, v);
      out = std::string_view(scratch, static_cast<size_t>(r.ptr - scratch));
      return true;
    }
    case element_type::DOUBLE: {
      double v = 0;
      if (e.get_double().get(v)) return false;
      auto r = std::to_chars(scratch, scratch + 32, v);
      if (r.ec != std::errc()) return false;
      out = std::string_view(scratch, static_cast<size_t>(r.ptr - scratch));
      return true;
    }
    case element_type::BOOL: {
      bool b = false;
      if (e.get_bool().get(b)) return false;
      out = b ? "T" : "F";
      return true;
    }
    default: return false;
  }
}

namespace {
// Length of the valid UTF-8 sequence at s[i], or 0 when invalid.
size_t Utf8Len(std::string_view s, size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  size_t n;
  uint32_t cp;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) {
    n = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return n;
}
constexpr char kHex[] = "0123456789abcdef";
}  // namespace

void AppendJsonString(std::string& out, std::string_view s) {
  out.push_back('"');
  size_t run = 0;  // start of the pending run of bytes that need no escaping
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      size_t n = Utf8Len(s, i);
      if (n > 0) {
        i += n;
        continue;
      }
    }
    out.append(s.data() + run, i - run);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 15]);
        } else {  // invalid UTF-8 byte
          out += "\\\\x";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 15]);
        }
    }
    ++i;
    run = i;
  }
  out.append(s.data() + run, s.size() - run);
  out.push_back('"');
}

std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace onus::ingest::detail
