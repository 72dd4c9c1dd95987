#include "zeek_fields.h"

#include <nlohmann/json.hpp>

#include "onus/core/file.h"

namespace onus::evidence::detail {

namespace {
std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t b = 0;
  while (true) {
    size_t e = s.find(sep, b);
    out.push_back(s.substr(b, e == std::string_view::npos ? std::string_view::npos : e - b));
    if (e == std::string_view::npos) break;
    b = e + 1;
  }
  return out;
}
}  // namespace

Status ForEachZeekRecord(const std::string& path, const std::vector<std::string>& fields,
                         const std::function<void(int64_t, const std::vector<std::string>&)>& fn) {
  ONUS_ASSIGN_OR_RETURN(auto reader, LineReader::Open(path));
  std::vector<int> col(fields.size(), -1);
  std::vector<std::string> values(fields.size());
  std::string_view line;
  while (reader->Next(line)) {
    int64_t no = static_cast<int64_t>(reader->line_number());
    if (line.empty()) continue;
    if (line[0] == '#') {
      if (line.rfind("#fields", 0) == 0) {
        auto names = Split(line, '\t');
        for (size_t i = 0; i < fields.size(); ++i) {
          col[i] = -1;
          for (size_t k = 1; k < names.size(); ++k)
            if (names[k] == fields[i]) col[i] = static_cast<int>(k - 1);
        }
      }
      continue;
    }
    if (line[0] == '{') {
      nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
      if (j.is_discarded() || !j.is_object()) continue;
      for (size_t i = 0; i < fields.size(); ++i) {
        values[i].clear();
        auto it = j.find(fields[i]);
        if (it == j.end()) continue;
        if (it->is_string()) values[i] = it->get<std::string>();
        else if (it->is_array()) {
          for (const auto& x : *it)
            if (x.is_string()) values[i] += (values[i].empty() ? "" : ",") + x.get<std::string>();
        } else if (!it->is_null()) values[i] = it->dump();
      }
      fn(no, values);
      continue;
    }
    auto parts = Split(line, '\t');
    bool any = false;
    for (size_t i = 0; i < fields.size(); ++i) {
      values[i].clear();
      if (col[i] >= 0 && static_cast<size_t>(col[i]) < parts.size()) {
        values[i] = std::string(parts[col[i]]);
        any = true;
      }
    }
    if (any) fn(no, values);
  }
  return reader->status();
}

}  // namespace onus::evidence::detail
