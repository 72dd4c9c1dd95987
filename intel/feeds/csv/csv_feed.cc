// CSV feeds with a header row, and one-value-per-line lists (txt IOC lists, maltrail trails, LOKI
// "value;comment" files, ESET samples.sha256...). Values are refanged, typed (from a type column,
// a typed column header, --type, or inferred) and normalised.
// CSV: RFC 4180 quoting on one line (a quoted field spanning lines is a malformed row); the
// delimiter is the header's most frequent of ',', '\t', ';'. Hash columns of one row (SHA256,
// SHA1, MD5 of the same sample) become one indicator with an OR pattern; other columns one each.
#include <algorithm>
#include <map>
#include <memory>
#include <set>

#include "feed.h"
#include "onus/core/file.h"

namespace onus::intel::detail {

namespace {

enum class Role { kNone, kValue, kTyped, kType, kSource, kReport, kActor, kDate, kUntil, kDesc, kLabels, kConfidence };

struct Column {
  Role role = Role::kNone;
  std::string type;  // for kTyped
};

Column ColumnFor(std::string_view header) {
  std::string h = ToLower(Trim(header));
  // Strip a UTF-8 BOM and surrounding quotes.
  if (h.size() >= 3 && static_cast<unsigned char>(h[0]) == 0xEF) h = h.substr(3);
  auto in = [&](std::initializer_list<std::string_view> names) {
    for (auto n : names)
      if (h == n) return true;
    return false;
  };
  if (in({"value", "indicator", "ioc_value", "indicator_value", "observable", "data", "iocs"})) return {Role::kValue, ""};
  if (in({"type", "indicator_type", "ioc_type", "kind", "value_type"})) return {Role::kType, ""};
  if (in({"source", "source_repo", "feed", "provider", "source_name"})) return {Role::kSource, ""};
  if (in({"report", "report_name", "reference", "references", "report_url"})) return {Role::kReport, ""};
  if (in({"actor", "actor_claimed", "threat_actor", "group", "apt", "intrusion_set"})) return {Role::kActor, ""};
  if (in({"date", "first_seen", "published", "valid_from", "date_added"})) return {Role::kDate, ""};
  if (in({"valid_until", "expires", "expiry"})) return {Role::kUntil, ""};
  if (in({"description", "comment", "comments", "notes", "context", "info"})) return {Role::kDesc, ""};
  if (in({"tags", "labels", "tag", "malware", "category", "threat"})) return {Role::kLabels, ""};
  if (in({"confidence", "score"})) return {Role::kConfidence, ""};
  std::string t = ParseValueType(h);
  if (!t.empty()) return {Role::kTyped, t};
  return {};
}

char PickDelimiter(std::string_view line) {
  size_t commas = 0, tabs = 0, semis = 0;
  bool q = false;
  for (char c : line) {
    if (c == '"') q = !q;
    if (q) continue;
    commas += c == ',';
    tabs += c == '\t';
    semis += c == ';';
  }
  if (tabs > commas && tabs >= semis) return '\t';
  if (semis > commas) return ';';
  return ',';
}

// Splits one CSV line; false on an unterminated quote.
bool SplitCsv(std::string_view line, char delim, std::vector<std::string>& cells) {
  cells.clear();
  std::string cur;
  bool quoted = false, was_quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < line.size() && line[i + 1] == '"') {
          cur.push_back('"');
          ++i;
        } else {
          quoted = false;
        }
      } else {
        cur.push_back(c);
      }
      continue;
    }
    if (c == '"' && Trim(cur).empty() && !was_quoted) {
      cur.clear();
      quoted = was_quoted = true;
      continue;
    }
    if (c == delim) {
      cells.push_back(std::move(cur));
      cur.clear();
      was_quoted = false;
      continue;
    }
    cur.push_back(c);
  }
  if (quoted) return false;
  cells.push_back(std::move(cur));
  return true;
}

bool IsHashType(std::string_view t) { return t == kMd5 || t == kSha1 || t == kSha256 || t == kSha512; }

std::optional<Timestamp> ParseDate(std::string_view s) {
  s = Trim(s);
  if (s.empty()) return std::nullopt;
  if (auto t = ParseRfc3339(s); t.ok()) return *t;
  if (s.size() == 10) {
    if (auto t = ParseRfc3339(std::string(s) + "T00:00:00Z"); t.ok()) return *t;
  }
  return std::nullopt;
}

class ListReader {
 public:
  ListReader(const FeedInput& in, const IntelOptions& options, FeedSink& sink)
      : in_(in), options_(options), sink_(sink) {}

  // next(line, line_number, truncated) yields the lines; returns false at the end.
  template <typename NextFn>
  Status Run(NextFn next) {
    std::string_view line;
    int64_t ln = 0;
    bool truncated = false;
    bool csv = in_.format == "csv";
    bool header_seen = false;
    if (!options_.value_type.empty()) {
      forced_ = ParseValueType(options_.value_type);
      if (forced_.empty()) return Status::InvalidArgument("unknown value type '" + options_.value_type + "'");
    }
    default_source_ = NamedSource(options_.source_name.empty() ? BaseName(in_.path) : options_.source_name,
                                  csv ? "csv" : "list", options_);
    default_source_.detail_json = "{\"path\":" + JsonQuote(in_.path) + "}";
    ONUS_RETURN_IF_ERROR(sink_.OnSource(default_source_));
    while (next(line, ln, truncated)) {
      std::string_view t = Trim(line);
      if (ln == 1 && t.size() >= 3 && static_cast<unsigned char>(t[0]) == 0xEF && static_cast<unsigned char>(t[1]) == 0xBB)
        t = Trim(t.substr(3));
      if (t.empty() || t.front() == '#' || t.rfind("//", 0) == 0) continue;
      if (truncated) {
        sink_.OnRecord();
        sink_.OnSkipped(ln, "line longer than the line cap");
        continue;
      }
      if (csv && !header_seen) {
        header_seen = true;
        ONUS_RETURN_IF_ERROR(ReadHeader(t));
        continue;
      }
      sink_.OnRecord();
      if (csv) {
        ONUS_RETURN_IF_ERROR(CsvRow(t, ln));
      } else {
        ONUS_RETURN_IF_ERROR(ListLine(t, ln));
      }
    }
    return Finish();
  }

 private:
  Status ReadHeader(std::string_view t) {
    delim_ = PickDelimiter(t);
    std::vector<std::string> cells;
    if (!SplitCsv(t, delim_, cells)) return Status::Corrupt(in_.path + ": line 1: unterminated quote in the CSV header");
    bool any_value = false;
    for (const auto& c : cells) {
      columns_.push_back(ColumnFor(c));
      any_value |= columns_.back().role == Role::kValue || columns_.back().role == Role::kTyped;
    }
    if (!any_value) return Status::Corrupt(in_.path + ": CSV header names no indicator column");
    return Status::Ok();
  }

  Status ListLine(std::string_view t, int64_t ln) {
    size_t cut = t.find_first_of(",;\t ");
    std::string_view tok = t.substr(0, cut);
    std::string_view rest = cut == std::string_view::npos ? std::string_view() : Trim(t.substr(cut + 1));
    while (!rest.empty() && (rest.front() == ',' || rest.front() == ';' || rest.front() == '#')) rest = Trim(rest.substr(1));
    auto v = forced_.empty() ? InferValue(tok) : NormaliseValue(forced_, tok);
    if (!v) {
      sink_.OnSkipped(ln, "'" + std::string(t.substr(0, 80)) + "' is not " +
                              (forced_.empty() ? std::string("an indicator value") : "a " + forced_ + " value"));
      return Status::Ok();
    }
    Indicator ind = MakeValueIndicator(default_source_, {std::move(*v)}, ln, options_.values_only);
    if (!rest.empty()) ind.description = std::string(rest.substr(0, 1000));
    return sink_.OnIndicator(std::move(ind));
  }

  const Source& RowSource(std::string_view name) {
    if (name.empty()) return default_source_;
    std::string key = ToLower(name);
    auto it = sources_.find(key);
    if (it == sources_.end()) {
      Source s = NamedSource(name, "csv", options_);
      s.detail_json = "{\"path\":" + JsonQuote(in_.path) + "}";
      pending_sources_.push_back(s);
      it = sources_.emplace(key, std::move(s)).first;
    }
    return it->second;
  }

  Status CsvRow(std::string_view t, int64_t ln) {
    if (!SplitCsv(t, delim_, cells_)) {
      sink_.OnSkipped(ln, "unterminated quote");
      return Status::Ok();
    }
    std::string_view type_cell, source_cell, report_cell, actor_cell, date_cell, until_cell, desc_cell;
    std::vector<std::string> labels;
    int confidence = -1;
    for (size_t i = 0; i < cells_.size() && i < columns_.size(); ++i) {
      std::string_view c = Trim(cells_[i]);
      switch (columns_[i].role) {
        case Role::kType: type_cell = c; break;
        case Role::kSource: source_cell = c; break;
        case Role::kReport: report_cell = c; break;
        case Role::kActor: actor_cell = c; break;
        case Role::kDate: date_cell = c; break;
        case Role::kUntil: until_cell = c; break;
        case Role::kDesc: desc_cell = c; break;
        case Role::kLabels:
          if (!c.empty()) labels.emplace_back(c);
          break;
        case Role::kConfidence:
          if (!c.empty() && c.size() <= 3 && std::all_of(c.begin(), c.end(), [](char d) { return std::isdigit(static_cast<unsigned char>(d)); })) {
            int v = std::stoi(std::string(c));
            if (v <= 100) confidence = v;
          }
          break;
        default: break;
      }
    }
    std::string row_type;
    if (!type_cell.empty()) {
      row_type = ParseValueType(type_cell);
      if (row_type.empty()) {
        sink_.OnSkipped(ln, "unknown indicator type '" + std::string(type_cell.substr(0, 40)) + "'");
        return Status::Ok();
      }
    }
    std::vector<IndicatorValue> hashes;
    std::vector<std::vector<IndicatorValue>> groups;
    std::string bad;
    for (size_t i = 0; i < cells_.size() && i < columns_.size(); ++i) {
      const Column& col = columns_[i];
      if (col.role != Role::kValue && col.role != Role::kTyped) continue;
      std::string_view c = Trim(cells_[i]);
      if (c.empty() || c == "-" || ToLower(c) == "n/a") continue;
      std::string type = col.role == Role::kTyped ? col.type : !row_type.empty() ? row_type : forced_;
      auto v = type.empty() ? InferValue(c) : NormaliseValue(type, c);
      if (!v) {
        if (bad.empty()) bad = "'" + std::string(c.substr(0, 80)) + "' is not " + (type.empty() ? "an indicator value" : "a " + type + " value");
        continue;
      }
      if (IsHashType(v->type)) {
        hashes.push_back(std::move(*v));
      } else {
        groups.push_back({std::move(*v)});
      }
    }
    if (!hashes.empty()) {
      // One value once: two hash columns may hold the same hash (the same indicator and pattern
      // whichever column it came from).
      std::sort(hashes.begin(), hashes.end());
      hashes.erase(std::unique(hashes.begin(), hashes.end()), hashes.end());
      groups.push_back(std::move(hashes));
    }
    if (groups.empty()) {
      sink_.OnSkipped(ln, bad.empty() ? "no indicator value in this row" : bad);
      return Status::Ok();
    }
    const Source& src = RowSource(source_cell);
    for (auto& s : pending_sources_) ONUS_RETURN_IF_ERROR(sink_.OnSource(std::move(s)));
    pending_sources_.clear();
    std::string report_id, actor_id;
    if (!report_cell.empty()) {
      report_id = DeterministicId("report", src.id + "|" + std::string(report_cell));
      auto& r = reports_[report_id];
      if (r.name.empty()) {
        r.name = std::string(report_cell);
        r.source_id = src.id;
        r.line = ln;
        r.published = date_cell;
      }
    }
    if (!actor_cell.empty()) {
      std::string key = ToLower(actor_cell);
      actor_id = DeterministicId("intrusion-set", "name|" + key);
      if (actors_.emplace(actor_id).second) {
        StixObject so;
        so.id = actor_id;
        so.type = "intrusion-set";
        so.name = std::string(actor_cell);
        so.source_id = src.id;
        so.line = ln;
        so.json = "{\"type\":\"intrusion-set\",\"spec_version\":\"2.1\",\"id\":" + JsonQuote(actor_id) +
                  ",\"created_by_ref\":" + JsonQuote(src.id) + ",\"name\":" + JsonQuote(actor_cell) + "}";
        ONUS_RETURN_IF_ERROR(sink_.OnObject(std::move(so)));
      }
    }
    for (auto& g : groups) {
      Indicator ind = MakeValueIndicator(src, std::move(g), ln, options_.values_only);
      ind.description = std::string(desc_cell.substr(0, 2000));
      ind.labels = labels;
      ind.confidence = confidence;
      if (auto d = ParseDate(date_cell)) ind.valid_from = *d;
      if (auto d = ParseDate(until_cell)) ind.valid_until = *d;
      if (!report_id.empty()) {
        ind.report_ids = {report_id};
        reports_[report_id].refs.push_back(ind.id);
      }
      if (!actor_id.empty()) {
        StixObject rel;
        rel.type = "relationship";
        rel.id = DeterministicId("relationship", ind.id + "|indicates|" + actor_id);
        rel.source_id = src.id;
        rel.line = ln;
        rel.json = "{\"type\":\"relationship\",\"spec_version\":\"2.1\",\"id\":" + JsonQuote(rel.id) +
                   ",\"created_by_ref\":" + JsonQuote(src.id) + ",\"relationship_type\":\"indicates\",\"source_ref\":" +
                   JsonQuote(ind.id) + ",\"target_ref\":" + JsonQuote(actor_id) + ",\"description\":\"actor named by the feed\"}";
        ONUS_RETURN_IF_ERROR(sink_.OnObject(std::move(rel)));
      }
      ONUS_RETURN_IF_ERROR(sink_.OnIndicator(std::move(ind)));
    }
    return Status::Ok();
  }

  Status Finish() {
    for (auto& [id, r] : reports_) {
      StixObject so;
      so.id = id;
      so.type = "report";
      so.name = r.name;
      so.source_id = r.source_id;
      so.line = r.line;
      std::sort(r.refs.begin(), r.refs.end());
      r.refs.erase(std::unique(r.refs.begin(), r.refs.end()), r.refs.end());
      std::string json = "{\"type\":\"report\",\"spec_version\":\"2.1\",\"id\":" + JsonQuote(id) +
                         ",\"created_by_ref\":" + JsonQuote(r.source_id) + ",\"name\":" + JsonQuote(r.name);
      if (auto d = ParseDate(r.published)) json += ",\"published\":" + JsonQuote(FormatRfc3339(*d, 3));
      json += ",\"object_refs\":" + JsonStringArray(r.refs) + "}";
      so.json = std::move(json);
      ONUS_RETURN_IF_ERROR(sink_.OnObject(std::move(so)));
    }
    return Status::Ok();
  }

  struct Report {
    std::string name, source_id, published;
    int64_t line = 0;
    std::vector<std::string> refs;
  };

  const FeedInput& in_;
  const IntelOptions& options_;
  FeedSink& sink_;
  std::string forced_;
  char delim_ = ',';
  std::vector<Column> columns_;
  std::vector<std::string> cells_;
  Source default_source_;
  std::map<std::string, Source> sources_;
  std::vector<Source> pending_sources_;
  std::map<std::string, Report> reports_;
  std::set<std::string> actors_;
};

}  // namespace

bool IsCsvHeader(std::string_view line) {
  char d = PickDelimiter(line);
  std::vector<std::string> cells;
  if (!SplitCsv(line, d, cells)) return false;
  bool value_col = false;
  for (const auto& c : cells) {
    Role r = ColumnFor(c).role;
    if (r == Role::kValue || r == Role::kTyped) value_col = true;
    if (InferValue(c)) return false;  // a header holds names, not indicator values
  }
  return value_col;
}

Status LoadCsvFeed(const FeedInput& in, const IntelOptions& options, FeedSink& sink) {
  ONUS_ASSIGN_OR_RETURN(auto reader, LineReader::Open(in.path, 1 << 20));
  ListReader r(in, options, sink);
  Status st = r.Run([&](std::string_view& line, int64_t& ln, bool& truncated) {
    if (!reader->Next(line)) return false;
    ln = static_cast<int64_t>(reader->line_number());
    truncated = reader->last_line_truncated();
    return true;
  });
  ONUS_RETURN_IF_ERROR(reader->status());
  return st;
}

Status LoadCsvText(std::string_view text, const FeedInput& in, const IntelOptions& options, FeedSink& sink) {
  ListReader r(in, options, sink);
  size_t pos = 0;
  int64_t n = 0;
  return r.Run([&](std::string_view& line, int64_t& ln, bool& truncated) {
    if (pos >= text.size()) return false;
    size_t nl = text.find('\n', pos);
    line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ln = ++n;
    truncated = false;
    return true;
  });
}

}  // namespace onus::intel::detail
