// LoadIntel, format detection, the registry of feed loaders and helpers shared by loaders.
#include "feed.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>

#include "onus/core/file.h"
#include "onus/core/hash.h"

namespace onus::intel {
namespace detail {

Status CollectingSink::OnSource(Source source) {
  if (source_ids_.insert(source.id).second) out_->sources.push_back(std::move(source));
  return Status::Ok();
}
Status CollectingSink::OnIndicator(Indicator indicator) {
  out_->indicators.push_back(std::move(indicator));
  return Status::Ok();
}
Status CollectingSink::OnObject(StixObject object) {
  out_->objects.push_back(std::move(object));
  return Status::Ok();
}
void CollectingSink::OnSkipped(int64_t line, std::string reason) {
  ++out_->skipped_count;
  if (out_->skipped.size() < max_skipped_) out_->skipped.push_back({line, std::move(reason)});
}

LoaderFn FindLoader(std::string_view format) {
  // Adding a format: a feeds/<format>/ folder with its loader, and one line here.
  struct Entry {
    std::string_view format;
    LoaderFn fn;
  };
  static constexpr Entry kLoaders[] = {
      {"stix-2.1", LoadStixFeed}, {"stix-2.0", LoadStixFeed}, {"attack", LoadAttackFeed},
      {"misp-event", LoadMispFeed}, {"misp-galaxy", LoadMispGalaxy}, {"csv", LoadCsvFeed}, {"list", LoadCsvFeed},
      {"zeek-intel", LoadZeekIntelFeed},
  };
  for (const auto& e : kLoaders)
    if (e.format == format) return e.fn;
  return nullptr;
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool IsAdmiraltyGrade(std::string_view g) {
  return g.size() == 2 && g[0] >= 'A' && g[0] <= 'F' && g[1] >= '1' && g[1] <= '6';
}

std::string ChooseGrade(const IntelOptions& options, std::string_view declared, std::string_view fallback) {
  if (!options.grade.empty()) return options.grade;
  if (IsAdmiraltyGrade(declared)) return std::string(declared);
  return std::string(fallback);
}

std::string BaseName(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

Source NamedSource(std::string_view name, std::string_view type, const IntelOptions& options,
                   std::string_view fallback_grade) {
  Source s;
  s.name = std::string(name);
  s.id = DeterministicId("identity", "source|" + ToLower(name));
  s.type = std::string(type);
  s.grade = ChooseGrade(options, "", fallback_grade);
  return s;
}

Indicator MakeValueIndicator(const Source& source, std::vector<IndicatorValue> values, int64_t line,
                             bool values_only) {
  Indicator ind;
  ind.id = DeterministicIndicatorId(source.id, values);
  ind.pattern_type = "stix";
  ind.pattern_version = "2.1";
  if (!values_only) {
    ind.pattern = StixPatternFor(values);
    ind.name = values.size() == 1 ? values[0].type + " " + values[0].value : std::to_string(values.size()) + " values";
  }
  ind.values = std::move(values);
  ind.source_id = source.id;
  ind.grade = source.grade;
  ind.line = line;
  return ind;
}

std::string JsonStringArray(const std::vector<std::string>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out += ",";
    out += JsonQuote(v[i]);
  }
  return out + "]";
}

LineIndex::LineIndex(std::string_view text) {
  const char* p = text.data();
  const char* end = p + text.size();
  while (p < end) {
    const void* q = std::memchr(p, '\n', static_cast<size_t>(end - p));
    if (!q) break;
    newlines_.push_back(static_cast<uint64_t>(static_cast<const char*>(q) - text.data()));
    p = static_cast<const char*>(q) + 1;
  }
}

int64_t LineIndex::LineAt(uint64_t offset) const {
  return static_cast<int64_t>(std::lower_bound(newlines_.begin(), newlines_.end(), offset) - newlines_.begin()) + 1;
}

namespace {

bool IsIdentifier(std::string_view s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

std::string_view NextWord(std::string_view& s) {
  size_t b = 0;
  while (b < s.size() && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  size_t e = b;
  while (e < s.size() && !std::isspace(static_cast<unsigned char>(s[e])) && s[e] != '{' && s[e] != ':') ++e;
  std::string_view w = s.substr(b, e - b);
  s.remove_prefix(e);
  return w;
}

}  // namespace

bool IsYaraLine(std::string_view line) {
  if (line.rfind("import \"", 0) == 0 || line.rfind("include \"", 0) == 0) return true;
  std::string_view rest = line;
  std::string_view w = NextWord(rest);
  while (w == "private" || w == "global") w = NextWord(rest);
  if (w != "rule") return false;
  if (!IsIdentifier(NextWord(rest))) return false;
  rest = Trim(rest);
  return rest.empty() || rest.front() == '{' || rest.front() == ':';
}

bool IsIdsRuleLine(std::string_view line) {
  static constexpr std::string_view kActions[] = {"alert", "drop", "reject", "pass", "log", "sdrop",
                                                  "rejectsrc", "rejectdst", "rejectboth"};
  std::string_view rest = line;
  std::string_view action = NextWord(rest);
  if (std::find(std::begin(kActions), std::end(kActions), action) == std::end(kActions)) return false;
  // "<action> <protocol> <src> <sport> -> <dst> <dport>" (the options may follow on continuation lines).
  std::string_view proto = NextWord(rest);
  if (proto.empty() || !std::all_of(proto.begin(), proto.end(), [](char c) {
        return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-';
      }))
    return false;
  return rest.find(" -> ") != std::string_view::npos || rest.find(" <> ") != std::string_view::npos;
}

std::string SniffFormat(std::string_view prefix) {
  std::string_view t = prefix;
  if (t.size() >= 3 && static_cast<unsigned char>(t[0]) == 0xEF && static_cast<unsigned char>(t[1]) == 0xBB &&
      static_cast<unsigned char>(t[2]) == 0xBF)
    t.remove_prefix(3);
  std::string_view body = Trim(t);
  if (body.empty()) return "";
  if (body.front() == '{' || body.front() == '[') {
    auto has = [&](std::string_view needle) { return body.find(needle) != std::string_view::npos; };
    auto has_kv = [&](std::string_view key, std::string_view value) {
      // "key" : "value" with any whitespace.
      for (size_t p = body.find(key); p != std::string_view::npos; p = body.find(key, p + 1)) {
        size_t q = p + key.size();
        while (q < body.size() && std::isspace(static_cast<unsigned char>(body[q]))) ++q;
        if (q >= body.size() || body[q] != ':') continue;
        ++q;
        while (q < body.size() && std::isspace(static_cast<unsigned char>(body[q]))) ++q;
        if (body.substr(q, value.size()) == value) return true;
      }
      return false;
    };
    if (has_kv("\"type\"", "\"bundle\"") || has("\"objects\"")) {
      // ATT&CK releases carry MITRE's own object types (x-mitre-matrix, x-mitre-tactic,
      // x-mitre-data-source…), x_mitre_domains or MITRE's identity, and no indicators. Other bundles
      // may cite ATT&CK ids in external_references ("mitre-attack") or embed copies of ATT&CK
      // attack-patterns (x_mitre_* properties: Unit 42's reports do); they are STIX feeds with
      // their own sources and grades, not ATT&CK (whose default grade is B2).
      bool mitre_release = has("\"x-mitre-") || has("\"x_mitre_domains\"") || has("\"The MITRE Corporation\"");
      if (mitre_release && !has_kv("\"type\"", "\"indicator\"")) return "attack";
      if (has_kv("\"spec_version\"", "\"2.0\"") && !has_kv("\"spec_version\"", "\"2.1\"")) return "stix-2.0";
      return "stix-2.1";
    }
    if (has("\"Event\"") || (has("\"Attribute\"") && has("\"uuid\""))) return "misp-event";
    if (has("\"matching_attributes\"") && has("\"list\"")) return "warninglist";
    // misp-galaxy's clusters/<name>.json: galaxy header members and a "values" array of clusters.
    if (body.front() == '{' && has("\"values\"") && has("\"uuid\"") &&
        (has("\"authors\"") || has("\"category\"")) && has_kv("\"type\"", "\""))
      return "misp-galaxy";
    if (has_kv("\"type\"", "\"indicator\"") || has("\"id\": \"indicator--") || has("\"id\":\"indicator--") ||
        (has("\"spec_version\"") && has("--")))
      return has_kv("\"spec_version\"", "\"2.0\"") ? "stix-2.0" : "stix-2.1";
    return "";
  }
  // Binary content is not a feed.
  size_t ctrl = 0;
  for (unsigned char c : t.substr(0, 4096))
    if (c == 0 || (c < 0x20 && c != '\n' && c != '\r' && c != '\t')) ++ctrl;
  if (ctrl) return "";
  // Text: Zeek intel, CSV with a header, or a one-value-per-line list.
  size_t pos = 0;
  int content_lines = 0, values = 0;
  bool first = true;
  std::string kind;
  while (pos < t.size() && content_lines < 200) {
    size_t nl = t.find('\n', pos);
    bool complete = nl != std::string_view::npos;
    std::string_view line = t.substr(pos, complete ? nl - pos : std::string_view::npos);
    pos = complete ? nl + 1 : t.size();
    if (!complete && pos >= prefix.size() && content_lines > 0) break;  // maybe cut by the prefix
    std::string_view tl = Trim(line);
    if (tl.empty()) continue;
    if (tl.rfind("#fields", 0) == 0 && tl.find("indicator") != std::string_view::npos) return "zeek-intel";
    if (tl.rfind("#separator", 0) == 0) continue;
    if (tl.front() == '#' || tl.rfind("//", 0) == 0) continue;
    ++content_lines;
    if (first) {
      first = false;
      if (IsCsvHeader(tl)) return "csv";
    }
    // Detection rules before any value: the file is rules, whose strings and conditions would
    // otherwise be read as values (YARA's "pe.rich_signature.length" looks like a domain name).
    if (values == 0 && IsYaraLine(tl)) return "yara";
    if (values == 0 && IsIdsRuleLine(tl)) return "ids-rules";
    std::string_view tok = tl.substr(0, tl.find_first_of(",;\t "));
    if (InferValue(tok)) ++values;
  }
  return values > 0 ? "list" : "";
}

}  // namespace detail

Result<std::string> DetectFormat(const std::string& path) {
  if (!FileExists(path) && !IsDirectory(path)) return Status::NotFound(path + ": no such file or directory");
  if (IsDirectory(path)) {
    namespace fs = std::filesystem;
    if (FileExists((fs::path(path) / "manifest.json").string())) return std::string("misp-feed");
    if (FileExists((fs::path(path) / "list.json").string())) return std::string("warninglist");
    return Status::Unsupported(path + ": a directory that is neither a MISP feed (manifest.json) nor a warning list");
  }
  ONUS_ASSIGN_OR_RETURN(std::string prefix, ReadPrefix(path, 64 * 1024));
  std::string f = detail::SniffFormat(prefix);
  if (f == "yara" || f == "ids-rules")
    return Status::Unsupported(path + ": " + (f == "yara" ? "YARA rules" : "Snort/Suricata rules") +
                               ", not indicators: onus imports STIX 2.x, ATT&CK, MISP, CSV, lists and Zeek intel");
  if (f.empty())
    return Status::Unsupported(path + ": not a recognised intelligence format (STIX 2.x, ATT&CK, MISP, CSV, list, Zeek intel)");
  return f;
}

Result<IntelBundle> LoadIntel(const std::string& path, const IntelOptions& options) {
  std::string format = options.format;
  if (format.empty()) {
    ONUS_ASSIGN_OR_RETURN(format, DetectFormat(path));
  } else if (!FileExists(path) && !IsDirectory(path)) {
    return Status::NotFound(path + ": no such file or directory");
  }
  if (format == "warninglist")
    return Status::Unsupported(path + ": a MISP warning list is infrastructure context, not indicators (load it with WarningListSet)");
  IntelBundle bundle;
  bundle.path = path;
  bundle.format = format;
  detail::CollectingSink sink(&bundle, options.max_skipped_kept);
  if (format == "misp-feed") {
    ONUS_ASSIGN_OR_RETURN(auto files, detail::MispFeedEventFiles(path));
    std::string digests;
    for (const auto& f : files) {
      if (!FileExists(f)) {
        sink.OnSkipped(0, f + ": listed in manifest.json but missing");
        continue;
      }
      ONUS_ASSIGN_OR_RETURN(std::string d, Sha256File(f));
      digests += detail::BaseName(f) + " " + d + "\n";
      size_t first_ind = bundle.indicators.size(), first_obj = bundle.objects.size();
      Status st = detail::LoadMispFeed({f, "misp-event"}, options, sink);
      if (!st.ok()) {
        sink.OnSkipped(0, st.message());
        continue;
      }
      for (size_t i = first_ind; i < bundle.indicators.size(); ++i) bundle.indicators[i].file = f;
      for (size_t i = first_obj; i < bundle.objects.size(); ++i) bundle.objects[i].file = f;
    }
    bundle.sha256 = Sha256Hex(digests);
    return bundle;
  }
  detail::LoaderFn fn = detail::FindLoader(format);
  if (!fn) return Status::InvalidArgument("unknown intel format '" + format + "'");
  ONUS_ASSIGN_OR_RETURN(uint64_t size, FileSize(path));
  if (size > options.max_bytes)
    return Status::ResourceExhausted(path + ": " + std::to_string(size) + " bytes is over the " +
                                     std::to_string(options.max_bytes) + "-byte cap");
  bundle.size = size;
  ONUS_ASSIGN_OR_RETURN(bundle.sha256, Sha256File(path));
  ONUS_RETURN_IF_ERROR(fn({path, format}, options, sink));
  return bundle;
}

}  // namespace onus::intel
