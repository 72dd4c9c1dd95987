#include "onus/match/intel_cache.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <system_error>

#include <nlohmann/json.hpp>

#include "onus/core/hash.h"
#include "onus/match/index_file.h"

namespace onus::match {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr const char* kFilesSection = "onus.intel-cache.files";
constexpr const char* kLinesSection = "onus.intel-cache.lines";

json SummaryJson(const intel::ImportSummary& s) {
  json skipped = json::array();
  for (const auto& k : s.skipped) skipped.push_back({k.line, k.reason});
  return {{"format", s.format},
          {"sha256", s.sha256},
          {"records", s.records},
          {"objects", s.objects},
          {"indicators", s.indicators},
          {"sources", s.sources},
          {"indicators_by_type", s.indicators_by_type},
          {"objects_by_type", s.objects_by_type},
          {"skipped_count", s.skipped_count},
          {"skipped", std::move(skipped)}};
}

std::string FilesJson(const std::vector<intel::StreamedFile>& files) {
  json out = json::array();
  for (const auto& f : files) {
    json sources = json::array();
    for (const auto& r : f.sources) sources.push_back({r.id, r.name, r.type, r.grade, r.detail_json});
    json objects = json::array();
    for (const auto& r : f.objects) objects.push_back({r.id, r.type, r.name, r.json, r.source_id, r.line});
    out.push_back({{"summary", SummaryJson(f.summary)},
                   {"size", f.size},
                   {"sources", std::move(sources)},
                   {"objects", std::move(objects)}});
  }
  return out.dump();
}

Result<std::vector<intel::StreamedFile>> ParseFiles(std::string_view text, const std::string& path) {
  json j = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (!j.is_array()) return Status::Corrupt(path + ": cache section " + kFilesSection + " is not a JSON array");
  std::vector<intel::StreamedFile> files;
  try {
    for (const auto& f : j) {
      intel::StreamedFile out;
      const json& s = f.at("summary");
      out.summary.format = s.at("format").get<std::string>();
      out.summary.sha256 = s.at("sha256").get<std::string>();
      if (out.summary.sha256.size() != 64 ||
          out.summary.sha256.find_first_not_of("0123456789abcdef") != std::string::npos)
        return Status::Corrupt(path + ": cache section " + kFilesSection + ": a file's sha256 is not 64 hex digits");
      out.summary.records = s.at("records").get<int64_t>();
      out.summary.objects = s.at("objects").get<int64_t>();
      out.summary.indicators = s.at("indicators").get<int64_t>();
      out.summary.sources = s.at("sources").get<int64_t>();
      out.summary.indicators_by_type = s.at("indicators_by_type").get<std::map<std::string, int64_t>>();
      out.summary.objects_by_type = s.at("objects_by_type").get<std::map<std::string, int64_t>>();
      out.summary.skipped_count = s.at("skipped_count").get<int64_t>();
      for (const auto& k : s.at("skipped"))
        out.summary.skipped.push_back({k.at(0).get<int64_t>(), k.at(1).get<std::string>()});
      out.size = f.at("size").get<uint64_t>();
      for (const auto& r : f.at("sources"))
        out.sources.push_back({r.at(0).get<std::string>(), r.at(1).get<std::string>(), r.at(2).get<std::string>(),
                               r.at(3).get<std::string>(), r.at(4).get<std::string>()});
      for (const auto& r : f.at("objects")) {
        store::StixObjectRow o;
        o.id = r.at(0).get<std::string>();
        o.type = r.at(1).get<std::string>();
        o.name = r.at(2).get<std::string>();
        o.json = r.at(3).get<std::string>();
        o.source_id = r.at(4).get<std::string>();
        o.line = r.at(5).get<int64_t>();
        out.objects.push_back(std::move(o));
      }
      files.push_back(std::move(out));
    }
  } catch (const json::exception& e) {
    return Status::Corrupt(path + ": cache section " + kFilesSection + ": " + e.what());
  }
  return files;
}

}  // namespace

std::string IntelCacheKey(const std::vector<std::string>& sha256s, const std::vector<std::string>& file_names,
                          const CompileOptions& options, std::string_view grade, std::string_view build_id) {
  std::string material = "onus compiled intel cache " + std::to_string(kIntelCacheVersion) + " index file " +
                         std::to_string(kIndexFileVersion) + "\n";
  material += "build ";
  material.append(build_id);
  material += "\ndomain_scope " + std::to_string(static_cast<int>(options.domain_scope)) + "\ngrade ";
  material.append(grade);
  for (size_t i = 0; i < sha256s.size(); ++i) {
    material += "\nfile " + sha256s[i] + " ";
    if (i < file_names.size()) material += std::to_string(file_names[i].size()) + ":" + file_names[i];
  }
  return Sha256Hex(material);
}

std::string IntelCachePath(const std::string& dir, const std::string& key) {
  return (fs::path(dir) / ("intel-" + key + ".onusidx")).string();
}

Result<std::optional<CachedIntel>> LoadCachedIntel(const std::string& dir, const std::string& key) {
  const std::string path = IntelCachePath(dir, key);
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return std::optional<CachedIntel>();
  ONUS_ASSIGN_OR_RETURN(LoadedIntel loaded, ReadCompiledIntel(path));
  ONUS_ASSIGN_OR_RETURN(CachedIntel c, CachedIntelFromFile(std::move(loaded), path));
  return std::optional<CachedIntel>(std::move(c));
}

Result<CachedIntel> CachedIntelFromFile(LoadedIntel loaded, const std::string& path) {
  CachedIntel out;
  out.compiled = std::move(loaded.intel);
  if (!out.compiled.index) return Status::Corrupt(path + ": no index");
  bool have_files = false, have_lines = false;
  for (auto& s : loaded.extra) {
    if (s.name == kFilesSection) {
      ONUS_ASSIGN_OR_RETURN(out.files, ParseFiles(s.bytes, path));
      have_files = true;
    } else if (s.name == kLinesSection) {
      const size_t n = out.compiled.index->indicator_count();
      if (s.bytes.size() != n * sizeof(int64_t))
        return Status::Corrupt(path + ": cache section " + kLinesSection + " has " + std::to_string(s.bytes.size()) +
                               " bytes for " + std::to_string(n) + " indicators");
      out.lines.resize(n);
      if (n) std::memcpy(out.lines.data(), s.bytes.data(), s.bytes.size());
      have_lines = true;
    }
  }
  if (!have_files || !have_lines) return Status::Corrupt(path + ": not an intel cache entry (sections missing)");
  int64_t streamed = 0;
  for (const auto& f : out.files) {
    if (f.summary.indicators < 0 || f.summary.records < 0)
      return Status::Corrupt(path + ": negative counts in cache section " + kFilesSection);
    streamed += f.summary.indicators;
  }
  if (streamed != static_cast<int64_t>(out.compiled.index->indicator_count()))
    return Status::Corrupt(path + ": the files list " + std::to_string(streamed) + " indicators, the index holds " +
                           std::to_string(out.compiled.index->indicator_count()));
  return out;
}

Status SaveCachedIntel(const std::string& dir, const std::string& key, const CachedIntel& cached, size_t keep) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::IoError(dir + ": cannot create the intel cache directory: " + ec.message());
  std::vector<IndexFileSection> extra(2);
  extra[0].name = kFilesSection;
  extra[0].bytes = FilesJson(cached.files);
  extra[1].name = kLinesSection;
  extra[1].bytes.assign(reinterpret_cast<const char*>(cached.lines.data()), cached.lines.size() * sizeof(int64_t));
  ONUS_RETURN_IF_ERROR(WriteCompiledIntel(cached.compiled, extra, IntelCachePath(dir, key)));
  // Keep the newest `keep` entries (each is about the size of the index in memory).
  std::vector<std::pair<fs::file_time_type, fs::path>> entries;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("intel-", 0) == 0 && e.path().extension() == ".onusidx") {
      std::error_code tec;
      auto t = e.last_write_time(tec);
      if (!tec) entries.emplace_back(t, e.path());
    }
  }
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  for (size_t i = keep; i < entries.size(); ++i) fs::remove(entries[i].second, ec);
  return Status::Ok();
}

}  // namespace onus::match
