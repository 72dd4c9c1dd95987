// STIX 2.0 and 2.1 bundles (and bare objects or arrays of objects), including MITRE ATT&CK
// bundles as shipped (format "attack": same reader, ATT&CK defaults for the source grade).
// Parsing: simdjson DOM for values, JsonSkeleton for each object's line and raw text.
#include <simdjson.h>

#include <map>
#include <set>

#include "feed.h"
#include "json_skeleton.h"
#include "onus/core/file.h"

namespace onus::intel::detail {

namespace {

using simdjson::dom::element;
using simdjson::dom::object;

std::string_view Str(const object& o, std::string_view key) {
  std::string_view v;
  if (o[key].get_string().get(v) != simdjson::SUCCESS) return {};
  return v;
}

std::vector<std::string> StrArray(const object& o, std::string_view key) {
  std::vector<std::string> out;
  simdjson::dom::array a;
  if (o[key].get_array().get(a) != simdjson::SUCCESS) return out;
  for (element e : a) {
    std::string_view v;
    if (e.get_string().get(v) == simdjson::SUCCESS) out.emplace_back(v);
  }
  return out;
}

bool Bool(const object& o, std::string_view key) {
  bool b = false;
  if (o[key].get_bool().get(b) != simdjson::SUCCESS) return false;
  return b;
}

// The ATT&CK id ("T1071.001", "G0096", "S0154") from external_references.
std::string MitreExternalId(const object& o) {
  simdjson::dom::array refs;
  if (o["external_references"].get_array().get(refs) != simdjson::SUCCESS) return {};
  for (element r : refs) {
    object ro;
    if (r.get_object().get(ro) != simdjson::SUCCESS) continue;
    std::string_view sn = Str(ro, "source_name");
    if (sn == "mitre-attack" || sn == "mitre-ics-attack" || sn == "mitre-mobile-attack") return std::string(Str(ro, "external_id"));
  }
  return {};
}

bool ValidStixId(std::string_view type, std::string_view id) {
  if (id.size() != type.size() + 2 + 36 || id.substr(0, type.size()) != type || id.substr(type.size(), 2) != "--") return false;
  std::string_view u = id.substr(type.size() + 2);
  for (size_t i = 0; i < u.size(); ++i) {
    char c = u[i];
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? c != '-' : !std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

Status LoadStixText(std::string_view text, const FeedInput& in, const IntelOptions& options, FeedSink& sink) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(text);
  element root;
  if (auto err = parser.parse(padded).get(root); err != simdjson::SUCCESS)
    return Status::Corrupt(in.path + ": not valid JSON (" + std::string(simdjson::error_message(err)) + ")");
  JsonSkeleton sk = JsonSkeleton::Build(text);
  LineIndex lines(text);
  const bool attack = in.format == "attack";
  std::string family = attack ? "attack" : "stix";

  // The elements to read and their skeleton nodes.
  simdjson::dom::array arr;
  std::vector<element> elements;
  std::vector<int32_t> nodes;
  bool spec20 = in.format == "stix-2.0" || attack;
  object root_obj;
  if (root.get_object().get(root_obj) == simdjson::SUCCESS) {
    if (Str(root_obj, "type") == "bundle") {
      if (Str(root_obj, "spec_version") == "2.0") spec20 = true;
      if (root_obj["objects"].get_array().get(arr) != simdjson::SUCCESS) {
        // An empty bundle may omit objects (2.1); anything else there is corrupt.
        element e;
        if (root_obj["objects"].get(e) == simdjson::SUCCESS)
          return Status::Corrupt(in.path + ": bundle 'objects' is not an array");
        return Status::Ok();
      }
      for (element e : arr) elements.push_back(e);
      if (sk.ok()) nodes = sk.Elements(sk.Child(sk.root(), "objects"));
    } else if (!Str(root_obj, "type").empty()) {
      elements.push_back(root);
      if (sk.ok()) nodes.push_back(sk.root());
    } else {
      return Status::Corrupt(in.path + ": a JSON object that is neither a STIX bundle nor a STIX object");
    }
  } else if (root.get_array().get(arr) == simdjson::SUCCESS) {
    for (element e : arr) elements.push_back(e);
    if (sk.ok()) nodes = sk.Elements(sk.root());
  } else {
    return Status::Corrupt(in.path + ": not a STIX bundle");
  }

  struct Identity {
    std::string name, grade_decl, identity_class;
  };
  std::map<std::string, Identity> identities;
  std::set<std::string> referenced_sources;
  std::map<std::string, std::set<std::string>> reports_of;  // object id -> report ids
  std::map<std::string, std::vector<std::string>> derived;  // source id -> targets
  std::vector<Indicator> indicators;
  std::vector<StixObject> objects;
  std::string default_source_id;
  Source default_source;

  auto source_for = [&](std::string_view created_by) -> std::string {
    if (!created_by.empty()) {
      referenced_sources.insert(std::string(created_by));
      return std::string(created_by);
    }
    if (default_source_id.empty()) {
      default_source = NamedSource(options.source_name.empty() ? BaseName(in.path) : options.source_name, family,
                                   options, attack ? kAttackGrade : kDefaultGrade);
      default_source_id = default_source.id;
    }
    return default_source_id;
  };

  for (size_t i = 0; i < elements.size(); ++i) {
    sink.OnRecord();
    int32_t node = i < nodes.size() ? nodes[i] : -1;
    int64_t line = node >= 0 ? lines.LineAt(sk.node(node).begin) : 0;
    object o;
    if (elements[i].get_object().get(o) != simdjson::SUCCESS) {
      sink.OnSkipped(line, "objects[" + std::to_string(i) + "] is not a JSON object");
      continue;
    }
    std::string_view type = Str(o, "type"), id = Str(o, "id");
    if (type.empty() || id.empty()) {
      sink.OnSkipped(line, "objects[" + std::to_string(i) + "] has no type or id");
      continue;
    }
    if (!ValidStixId(type, id)) {
      sink.OnSkipped(line, "id '" + std::string(id.substr(0, 80)) + "' is not '" + std::string(type.substr(0, 40)) + "--<uuid>'");
      continue;
    }
    std::string_view created_by = Str(o, "created_by_ref");
    if (type == "indicator") {
      Indicator ind;
      ind.id = std::string(id);
      ind.name = std::string(Str(o, "name"));
      ind.description = std::string(Str(o, "description"));
      ind.pattern = std::string(Str(o, "pattern"));
      if (ind.pattern.empty()) {
        sink.OnSkipped(line, ind.id + ": indicator without a pattern");
        continue;
      }
      std::string_view pt = Str(o, "pattern_type");
      ind.pattern_type = pt.empty() ? "stix" : std::string(pt);
      ind.pattern_version = std::string(Str(o, "pattern_version"));
      bool bad_time = false;
      for (auto [key, slot] : {std::pair{"valid_from", &ind.valid_from}, std::pair{"valid_until", &ind.valid_until}}) {
        std::string_view t = Str(o, key);
        if (t.empty()) continue;
        auto ts = ParseRfc3339(t);
        if (!ts.ok()) {
          sink.OnSkipped(line, ind.id + ": " + key + " '" + std::string(t.substr(0, 40)) + "' is not RFC 3339");
          bad_time = true;
          break;
        }
        *slot = *ts;
      }
      if (bad_time) continue;
      int64_t conf = -1;
      if (o["confidence"].get_int64().get(conf) == simdjson::SUCCESS && conf >= 0 && conf <= 100)
        ind.confidence = static_cast<int>(conf);
      ind.revoked = Bool(o, "revoked");
      ind.labels = StrArray(o, "labels");
      ind.indicator_types = StrArray(o, "indicator_types");
      if (ind.indicator_types.empty() && spec20) ind.indicator_types = ind.labels;  // 2.0: labels are the types
      if (ind.pattern_type == "stix") {
        auto vals = ExtractIndicatorValues(ind.pattern, spec20);
        if (!vals.ok()) {
          sink.OnSkipped(line, ind.id + ": invalid pattern: " + vals.status().message());
          continue;
        }
        ind.values = std::move(*vals);
      }
      ind.source_id = source_for(created_by);
      // Provenance names the line of the pattern (which holds the values) where the bundle spreads
      // an object over lines; skip messages above name the object's first line.
      const uint64_t at = node >= 0 ? sk.MemberOffset(text, node, "pattern") : std::string_view::npos;
      ind.line = at != std::string_view::npos ? lines.LineAt(at) : line;
      indicators.push_back(std::move(ind));
      continue;
    }
    StixObject so;
    so.id = std::string(id);
    so.type = std::string(type);
    so.name = std::string(Str(o, "name"));
    so.aliases = StrArray(o, "aliases");
    if (so.aliases.empty()) so.aliases = StrArray(o, "x_mitre_aliases");
    so.external_id = MitreExternalId(o);
    so.revoked = Bool(o, "revoked");
    so.deprecated = Bool(o, "x_mitre_deprecated");
    if (node >= 0) {
      const auto& nd = sk.node(node);
      so.json = std::string(text.substr(nd.begin, nd.end - nd.begin));
    } else {
      so.json = simdjson::minify(elements[i]);
    }
    so.line = line;
    if (type == "identity") {
      identities[so.id] = {so.name, std::string(Str(o, "x_onus_grade")), std::string(Str(o, "identity_class"))};
      so.source_id = created_by.empty() ? so.id : std::string(created_by);
    } else if (type == "marking-definition") {
      so.source_id = created_by.empty() ? "" : source_for(created_by);
    } else {
      so.source_id = source_for(created_by);
    }
    if (type == "report") {
      for (const auto& ref : StrArray(o, "object_refs")) reports_of[ref].insert(so.id);
    } else if (type == "relationship" && Str(o, "relationship_type") == "derived-from") {
      std::string_view src = Str(o, "source_ref"), dst = Str(o, "target_ref");
      if (!src.empty() && !dst.empty()) derived[std::string(src)].emplace_back(dst);
    }
    objects.push_back(std::move(so));
  }

  // ATT&CK: a few objects carry no created_by_ref; the bundle's single identity (MITRE) made them.
  if (attack && !default_source_id.empty() && identities.size() == 1) {
    const std::string& mitre = identities.begin()->first;
    for (auto& so : objects)
      if (so.source_id == default_source_id) so.source_id = mitre;
    for (auto& ind : indicators)
      if (ind.source_id == default_source_id) ind.source_id = mitre;
    referenced_sources.insert(mitre);
    default_source_id.clear();
  }
  // Sources first: the identities that created something, plus the file-named default.
  std::map<std::string, std::string> grade_of;
  for (const auto& sid : referenced_sources) {
    Source s;
    s.id = sid;
    s.type = family;
    auto it = identities.find(sid);
    if (it != identities.end()) {
      s.name = it->second.name;
      s.grade = ChooseGrade(options, it->second.grade_decl, attack ? kAttackGrade : kDefaultGrade);
      s.detail_json = "{\"identity_class\":" + JsonQuote(it->second.identity_class) + ",\"path\":" + JsonQuote(in.path) + "}";
    } else {
      s.name = options.source_name.empty() ? sid : options.source_name;
      s.grade = ChooseGrade(options, "", attack ? kAttackGrade : kDefaultGrade);
      s.detail_json = "{\"note\":\"identity not in this bundle\",\"path\":" + JsonQuote(in.path) + "}";
    }
    grade_of[sid] = s.grade;
    ONUS_RETURN_IF_ERROR(sink.OnSource(std::move(s)));
  }
  if (!default_source_id.empty()) {
    grade_of[default_source_id] = default_source.grade;
    default_source.detail_json = "{\"path\":" + JsonQuote(in.path) + "}";
    ONUS_RETURN_IF_ERROR(sink.OnSource(default_source));
  }
  for (auto& so : objects) ONUS_RETURN_IF_ERROR(sink.OnObject(std::move(so)));
  for (auto& ind : indicators) {
    ind.grade = grade_of[ind.source_id];
    if (auto it = reports_of.find(ind.id); it != reports_of.end()) ind.report_ids.assign(it->second.begin(), it->second.end());
    if (auto it = derived.find(ind.id); it != derived.end()) ind.derived_from = it->second;
    ONUS_RETURN_IF_ERROR(sink.OnIndicator(std::move(ind)));
  }
  return Status::Ok();
}

Status LoadStixFeed(const FeedInput& in, const IntelOptions& options, FeedSink& sink) {
  ONUS_ASSIGN_OR_RETURN(std::string text, ReadFile(in.path));
  return LoadStixText(text, in, options, sink);
}

}  // namespace onus::intel::detail
