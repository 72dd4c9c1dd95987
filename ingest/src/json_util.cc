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

std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace onus::ingest::detail
