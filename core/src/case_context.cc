#include "onus/core/case_context.h"

#include <nlohmann/json.hpp>

#include "onus/core/file.h"
#include "onus/core/hash.h"

namespace onus {
namespace {

using nlohmann::json;

std::string Str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Status Bad(const std::string& path, const std::string& where, int line, const std::string& what) {
  return Status::InvalidArgument("context '" + path + "': " + where + (line ? " (line " + std::to_string(line) + ")" : "") +
                                 ": " + what);
}

Result<Timestamp> Time(const json& j, const char* key, const std::string& path, const std::string& where, int line) {
  std::string s = Str(j, key);
  if (s.empty()) return Bad(path, where, line, std::string("missing '") + key + "'");
  auto t = ParseRfc3339(s);
  if (!t.ok()) return Bad(path, where, line, t.status().message());
  return *t;
}

}  // namespace

namespace {

// A small scanner: tracks strings, depth and lines; finds "key" at depth 1 followed by ':' '[' and
// reports the line of each '{' directly inside that array and, when `member` is given, the line of
// that element's own "member" key (0 when the element has none).
void ScanArrayElements(const std::string& text, const std::string& key, const std::string* member,
                       std::vector<int>& elements, std::vector<int>& members) {
  int line = 1, depth = 0;
  bool in_string = false, escape = false;
  std::string current;
  int string_line = 0;
  int target_array_depth = -1;
  bool expect_colon = false, expect_array = false, member_key = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\n') ++line;
    if (in_string) {
      if (escape) {
        escape = false;
      } else if (c == '\\') {
        escape = true;
      } else if (c == '"') {
        in_string = false;
        if (depth == 1 && target_array_depth < 0) expect_colon = current == key;
        member_key = member && target_array_depth > 0 && depth == target_array_depth + 1 && current == *member;
      } else {
        current += c;
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        current.clear();
        string_line = line;
        break;
      case ':':
        if (expect_colon) {
          expect_array = true;
          expect_colon = false;
        }
        if (member_key && !members.empty() && members.back() == 0) members.back() = string_line;
        member_key = false;
        break;
      case '[':
        ++depth;
        if (expect_array) {
          target_array_depth = depth;
          expect_array = false;
        }
        break;
      case '{':
        ++depth;
        if (target_array_depth > 0 && depth == target_array_depth + 1) {
          elements.push_back(line);
          if (member) members.push_back(0);
        }
        expect_array = false;
        break;
      case ']':
      case '}':
        if (target_array_depth > 0 && depth == target_array_depth && c == ']') return;
        --depth;
        break;
      case ' ':
      case '\t':
      case '\r':
      case '\n':
        break;
      default:
        if (c != ',') expect_array = false;
        if (c == ',') expect_colon = false;
        member_key = false;
    }
  }
}

}  // namespace

std::vector<int> ArrayElementLines(const std::string& text, const std::string& key) {
  std::vector<int> elements, members;
  ScanArrayElements(text, key, nullptr, elements, members);
  return elements;
}

std::vector<int> ArrayElementMemberLines(const std::string& text, const std::string& key, const std::string& member,
                                         std::vector<int>* element_lines) {
  std::vector<int> elements, members;
  ScanArrayElements(text, key, &member, elements, members);
  for (size_t i = 0; i < members.size(); ++i)
    if (members[i] == 0) members[i] = elements[i];
  if (element_lines) *element_lines = std::move(elements);
  return members;
}

Result<CaseContext> CaseContext::Load(const std::string& path) {
  ONUS_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  ONUS_ASSIGN_OR_RETURN(CaseContext c, Parse(text, path));
  ONUS_ASSIGN_OR_RETURN(c.sha256_, Sha256File(path));
  return c;
}

Result<CaseContext> CaseContext::Parse(const std::string& text, const std::string& path) {
  CaseContext c;
  c.path_ = path;
  json root = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded() || !root.is_object())
    return Status::InvalidArgument("context '" + path + "': not a JSON object");
  auto array = [&](const char* key) -> Result<const json*> {
    auto it = root.find(key);
    if (it == root.end()) return static_cast<const json*>(nullptr);
    if (!it->is_array()) return Bad(path, key, 0, "expected an array");
    return &*it;
  };
  ONUS_ASSIGN_OR_RETURN(const json* sites, array("sites"));
  ONUS_ASSIGN_OR_RETURN(const json* telemetry, array("telemetry"));
  ONUS_ASSIGN_OR_RETURN(const json* events, array("events"));
  ONUS_ASSIGN_OR_RETURN(const json* infra, array("infrastructure"));
  auto line_of = [](const std::vector<int>& lines, size_t i) { return i < lines.size() ? lines[i] : 0; };

  if (sites) {
    std::vector<int> lines;  // where each element begins (errors); id_lines: provenance
    auto id_lines = ArrayElementMemberLines(text, "sites", "id", &lines);
    for (size_t i = 0; i < sites->size(); ++i) {
      const json& s = (*sites)[i];
      std::string where = "sites[" + std::to_string(i) + "]";
      int line = line_of(lines, i);
      if (!s.is_object()) return Bad(path, where, line, "expected an object");
      ContextSite site;
      site.id = Str(s, "id");
      if (site.id.empty()) return Bad(path, where, line, "missing 'id'");
      site.name = Str(s, "name");
      site.sector = Str(s, "sector");
      site.subsector = Str(s, "subsector");
      site.country = Str(s, "country");
      site.line = line_of(id_lines, i);  // provenance: the line naming the site
      if (auto it = s.find("segments"); it != s.end() && it->is_array()) {
        for (const json& g : *it) {
          ContextSegment seg;
          seg.id = Str(g, "id");
          seg.kind = Str(g, "kind");
          if (seg.kind.empty()) seg.kind = seg.id;
          if (auto cs = g.find("cidrs"); cs != g.end() && cs->is_array()) {
            for (const json& x : *cs) {
              if (!x.is_string()) return Bad(path, where, line, "cidr is not a string");
              auto cidr = Cidr::Parse(x.get<std::string>());
              if (!cidr.ok()) return Bad(path, where, line, cidr.status().message());
              seg.cidrs.push_back(*cidr);
            }
          }
          site.segments.push_back(std::move(seg));
        }
      }
      if (auto it = s.find("egress"); it != s.end() && it->is_array()) {
        for (const json& x : *it) {
          auto ip = IpAddress::Parse(x.is_string() ? x.get<std::string>() : "");
          if (!ip.ok()) return Bad(path, where, line, "bad egress address");
          site.egress.push_back(*ip);
        }
      }
      c.sites_.push_back(std::move(site));
    }
  }
  if (telemetry) {
    std::vector<int> lines;  // where each element begins (errors); site_lines: provenance
    auto site_lines = ArrayElementMemberLines(text, "telemetry", "site", &lines);
    for (size_t i = 0; i < telemetry->size(); ++i) {
      const json& t = (*telemetry)[i];
      std::string where = "telemetry[" + std::to_string(i) + "]";
      int line = line_of(lines, i);
      TelemetryWindow w;
      w.site = Str(t, "site");
      w.line = line_of(site_lines, i);
      ONUS_ASSIGN_OR_RETURN(w.from, Time(t, "from", path, where, line));
      ONUS_ASSIGN_OR_RETURN(w.to, Time(t, "to", path, where, line));
      if (auto it = t.find("kinds"); it != t.end() && it->is_array())
        for (const json& k : *it)
          if (k.is_string()) w.kinds.push_back(k.get<std::string>());
      c.telemetry_.push_back(std::move(w));
    }
  }
  if (events) {
    std::vector<int> lines;  // where each element begins (errors); id_lines: provenance
    auto id_lines = ArrayElementMemberLines(text, "events", "id", &lines);
    for (size_t i = 0; i < events->size(); ++i) {
      const json& e = (*events)[i];
      std::string where = "events[" + std::to_string(i) + "]";
      int line = line_of(lines, i);
      ContextEvent ev;
      ev.id = Str(e, "id");
      if (ev.id.empty()) return Bad(path, where, line, "missing 'id'");
      ev.kind = Str(e, "kind");
      ev.site = Str(e, "site");
      ev.segment = Str(e, "segment");
      ev.description = Str(e, "description");
      ev.line = line_of(id_lines, i);
      ONUS_ASSIGN_OR_RETURN(ev.from, Time(e, "from", path, where, line));
      if (e.contains("to")) {
        ONUS_ASSIGN_OR_RETURN(ev.to, Time(e, "to", path, where, line));
      } else {
        ev.to = ev.from;
      }
      if (auto it = e.find("cause_established"); it != e.end() && it->is_object()) {
        ev.has_cause = true;
        ev.cause_kind = Str(*it, "kind");
        ev.cause_text = Str(*it, "text");
        ev.cause_grade = Str(*it, "grade");
      }
      if (auto it = e.find("region_sites"); it != e.end() && it->is_array())
        for (const json& k : *it)
          if (k.is_string()) ev.region_sites.push_back(k.get<std::string>());
      c.events_.push_back(std::move(ev));
    }
  }
  if (infra) {
    std::vector<int> lines;  // where each element begins (errors); value_lines: provenance
    auto value_lines = ArrayElementMemberLines(text, "infrastructure", "value", &lines);
    for (size_t i = 0; i < infra->size(); ++i) {
      const json& n = (*infra)[i];
      std::string where = "infrastructure[" + std::to_string(i) + "]";
      int line = line_of(lines, i);
      InfrastructureNote note;
      note.value = Str(n, "value");
      note.kind = Str(n, "kind");
      if (note.value.empty() || note.kind.empty()) return Bad(path, where, line, "needs 'value' and 'kind'");
      note.source = Str(n, "source");
      note.grade = Str(n, "grade");
      note.country = Str(n, "country");
      note.note = Str(n, "note");
      note.line = line_of(value_lines, i);
      if (n.contains("from")) {
        ONUS_ASSIGN_OR_RETURN(Timestamp f, Time(n, "from", path, where, line));
        note.from = f;
      }
      c.infrastructure_.push_back(std::move(note));
    }
  }
  return c;
}

Location CaseContext::Locate(const IpAddress& addr) const {
  Location best;
  int best_len = -1;
  for (const auto& s : sites_) {
    for (const auto& g : s.segments)
      for (const auto& c : g.cidrs)
        if (c.prefix_len128() > best_len && c.Contains(addr)) {
          best_len = c.prefix_len128();
          best = {s.id, g.id, g.kind};
        }
    for (const auto& e : s.egress)
      if (e == addr && 128 > best_len) {
        best_len = 128;
        best = {s.id, "egress", "egress"};
      }
  }
  return best;
}

const ContextSite* CaseContext::FindSite(const std::string& id) const {
  for (const auto& s : sites_)
    if (s.id == id) return &s;
  return nullptr;
}

std::vector<const InfrastructureNote*> CaseContext::NotesFor(const std::string& value) const {
  std::vector<const InfrastructureNote*> out;
  auto ip = IpAddress::Parse(value);
  for (const auto& n : infrastructure_) {
    if (n.value == value) {
      out.push_back(&n);
      continue;
    }
    if (ip.ok()) {
      if (n.value.find('/') != std::string::npos) {
        auto c = Cidr::Parse(n.value);
        if (c.ok() && c->Contains(*ip)) out.push_back(&n);
      }
    } else if (value.size() > n.value.size() && value.compare(value.size() - n.value.size(), n.value.size(), n.value) == 0 &&
               value[value.size() - n.value.size() - 1] == '.') {
      out.push_back(&n);  // parent domain
    }
  }
  return out;
}

bool CaseContext::Watched(const std::string& site, const std::string& kind, Timestamp t) const {
  for (const auto& w : telemetry_) {
    if (w.site != site || t < w.from || t >= w.to) continue;
    if (kind.empty() || w.kinds.empty()) return true;
    for (const auto& k : w.kinds)
      if (k == kind) return true;
  }
  return false;
}

}  // namespace onus
