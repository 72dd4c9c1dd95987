// MISP event JSON (as exported by MISP: {"Event": {...}}, {"response": [{"Event": ...}]}, or a bare
// event) and MISP feed directories (manifest.json + <uuid>.json event files).
// Mapping (see intel/README.md): attributes of indexable types (and the attributes of MISP objects)
// become indicators with id "indicator--<attribute uuid>"; the event becomes a report whose
// object_refs name them; the creator org (Orgc) becomes the source; threat-actor / intrusion-set /
// malware / tool / attack-pattern galaxy clusters and galaxy tags become intrusion-set, malware,
// tool and attack-pattern objects, linked to the event's indicators by "indicates" relationships.
#include <simdjson.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "feed.h"
#include "json_skeleton.h"
#include "misp_common.h"
#include "onus/core/file.h"

namespace onus::intel::detail {

namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

std::string_view Str(const object& o, std::string_view key) { return MispStr(o, key); }
bool IsUuid(std::string_view u) { return IsMispUuid(u); }

bool Truthy(const object& o, std::string_view key) {
  element e;
  if (o[key].get(e) != simdjson::SUCCESS) return false;
  bool b;
  if (e.get_bool().get(b) == simdjson::SUCCESS) return b;
  std::string_view s;
  if (e.get_string().get(s) == simdjson::SUCCESS) return s == "1" || s == "true";
  int64_t i;
  if (e.get_int64().get(i) == simdjson::SUCCESS) return i != 0;
  return false;
}

struct Cluster {
  std::string stix_type, name, external_id, uuid;
  std::vector<std::string> aliases;
  std::string id;
};

class ClusterSet {
 public:
  // From a tag name misp-galaxy:<type>="<value>".
  void AddTag(std::string_view tag, std::vector<std::string>* refs_out) {
    constexpr std::string_view kPrefix = "misp-galaxy:";
    if (tag.substr(0, kPrefix.size()) != kPrefix) return;
    std::string_view rest = tag.substr(kPrefix.size());
    size_t eq = rest.find('=');
    if (eq == std::string_view::npos) return;
    std::string_view gtype = rest.substr(0, eq), value = rest.substr(eq + 1);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    Add(gtype, value, "", {}, refs_out);
  }
  void AddCluster(const object& c, std::vector<std::string>* refs_out) {
    std::vector<std::string> syn;
    object meta;
    array a;
    if (c["meta"].get_object().get(meta) == simdjson::SUCCESS && meta["synonyms"].get_array().get(a) == simdjson::SUCCESS) {
      for (element e : a) {
        std::string_view s;
        if (e.get_string().get(s) == simdjson::SUCCESS) syn.emplace_back(s);
      }
    }
    Add(Str(c, "type"), Str(c, "value"), Str(c, "uuid"), std::move(syn), refs_out);
  }
  const std::map<std::string, Cluster>& all() const { return by_key_; }

 private:
  void Add(std::string_view gtype, std::string_view value, std::string_view uuid, std::vector<std::string> syn,
           std::vector<std::string>* refs_out) {
    std::string_view st = StixTypeForGalaxy(gtype);
    if (st.empty() || value.empty()) return;
    Cluster c;
    c.stix_type = std::string(st);
    c.name = std::string(value);
    SplitAttackId(c.name, c.external_id);
    std::string key = c.stix_type + "|" + ToLower(c.name);
    auto it = by_key_.find(key);
    if (it == by_key_.end()) {
      c.uuid = IsUuid(uuid) ? std::string(uuid) : "";
      c.id = c.uuid.empty() ? DeterministicId(c.stix_type, "misp-galaxy|" + key) : c.stix_type + "--" + c.uuid;
      c.aliases = std::move(syn);
      it = by_key_.emplace(key, std::move(c)).first;
    } else {
      // A galaxy cluster seen after its tag: the cluster's uuid and synonyms win.
      if (it->second.uuid.empty() && IsUuid(uuid)) {
        it->second.uuid = std::string(uuid);
        it->second.id = it->second.stix_type + "--" + it->second.uuid;
      }
      if (!syn.empty() && it->second.aliases.empty()) it->second.aliases = std::move(syn);
    }
    if (refs_out) refs_out->push_back(it->first);
  }
  std::map<std::string, Cluster> by_key_;
};

struct PendingIndicator {
  Indicator ind;
  std::vector<std::string> cluster_keys;  // attribute-level galaxies
};

}  // namespace

static Status LoadOneEvent(std::string_view text, const object& ev, int32_t ev_node, const JsonSkeleton& sk,
                           const LineIndex& lines, const FeedInput& in, const IntelOptions& options, FeedSink& sink) {
  std::string event_uuid(Str(ev, "uuid"));
  if (!IsUuid(event_uuid)) event_uuid.clear();
  std::string info(Str(ev, "info"));
  // Source: the creator org.
  object orgc;
  std::string org_name, org_uuid;
  if (ev["Orgc"].get_object().get(orgc) == simdjson::SUCCESS || ev["Org"].get_object().get(orgc) == simdjson::SUCCESS) {
    org_name = std::string(Str(orgc, "name"));
    org_uuid = std::string(Str(orgc, "uuid"));
  }
  Source src;
  if (!org_name.empty()) {
    src = NamedSource(org_name, "misp", options);
    if (IsUuid(org_uuid)) src.id = "identity--" + org_uuid;
  } else {
    src = NamedSource(options.source_name.empty() ? BaseName(in.path) : options.source_name, "misp", options);
  }
  src.detail_json = "{\"path\":" + JsonQuote(in.path) + ",\"misp_org_uuid\":" + JsonQuote(org_uuid) + "}";
  ONUS_RETURN_IF_ERROR(sink.OnSource(src));
  const std::string report_id = !event_uuid.empty() ? "report--" + event_uuid
                                                    : DeterministicId("report", "misp|" + src.id + "|" + info + "|" +
                                                                                   std::string(Str(ev, "date")));

  int64_t ev_line = ev_node >= 0 ? lines.LineAt(sk.node(ev_node).begin) : 0;
  ClusterSet clusters;
  std::vector<std::string> event_cluster_keys, labels, links;
  array a;
  if (ev["Tag"].get_array().get(a) == simdjson::SUCCESS) {
    for (element t : a) {
      object to;
      if (t.get_object().get(to) != simdjson::SUCCESS) continue;
      std::string_view name = Str(to, "name");
      if (name.substr(0, 12) == "misp-galaxy:") {
        clusters.AddTag(name, &event_cluster_keys);
      } else if (!name.empty()) {
        labels.emplace_back(name);
      }
    }
  }
  if (ev["Galaxy"].get_array().get(a) == simdjson::SUCCESS) {
    for (element g : a) {
      object go;
      array ca;
      if (g.get_object().get(go) != simdjson::SUCCESS || go["GalaxyCluster"].get_array().get(ca) != simdjson::SUCCESS) continue;
      for (element c : ca) {
        object co;
        if (c.get_object().get(co) == simdjson::SUCCESS) clusters.AddCluster(co, &event_cluster_keys);
      }
    }
  }

  std::vector<PendingIndicator> pending;
  auto read_attribute = [&](const object& at, int32_t node) {
    sink.OnRecord();
    int64_t line = node >= 0 ? lines.LineAt(sk.node(node).begin) : ev_line;
    std::string type(Str(at, "type"));
    std::string_view value = Str(at, "value");
    if (Truthy(at, "deleted")) {
      sink.OnSkipped(line, "deleted MISP attribute");
      return;
    }
    if (type == "link") {
      if (!value.empty()) links.emplace_back(value);
      sink.OnSkipped(line, "MISP 'link' attribute is a reference, not an indicator");
      return;
    }
    bool to_ids = Truthy(at, "to_ids");
    if (options.misp_require_to_ids && !to_ids) {
      sink.OnSkipped(line, "MISP attribute with to_ids=false");
      return;
    }
    std::string vt = ParseValueType(type);
    if (vt.empty() || vt == "any" || vt == "hash") {
      sink.OnSkipped(line, "unsupported MISP attribute type '" + type.substr(0, 60) + "'");
      return;
    }
    std::vector<IndicatorValue> values;
    std::vector<std::string> extra_labels;
    if (type == "domain|ip") {
      size_t bar = value.find('|');
      auto d = NormaliseValue(kDomain, value.substr(0, bar));
      if (d) values.push_back(*d);
      if (bar != std::string_view::npos)
        if (auto ip = NormaliseValue(kIpv4, value.substr(bar + 1))) values.push_back(*ip);
    } else if (auto v = NormaliseValue(vt, value)) {
      values.push_back(*v);
      size_t bar = value.find('|');
      if (bar != std::string_view::npos && type.find("|port") != std::string::npos)
        extra_labels.push_back("port:" + std::string(value.substr(bar + 1)));
      if (bar != std::string_view::npos && type.rfind("filename|", 0) == 0)
        extra_labels.push_back("filename:" + std::string(value.substr(0, bar)));
    }
    if (values.empty()) {
      sink.OnSkipped(line, "MISP " + type + " value '" + std::string(value.substr(0, 80)) + "' does not parse as " + vt);
      return;
    }
    std::sort(values.begin(), values.end());
    PendingIndicator p;
    Indicator& ind = p.ind;
    std::string_view uuid = Str(at, "uuid");
    // Provenance names the line of the attribute's value (skip messages above: its first line).
    const uint64_t at_value = node >= 0 ? sk.MemberOffset(text, node, "value") : std::string_view::npos;
    ind = MakeValueIndicator(src, values, at_value != std::string_view::npos ? lines.LineAt(at_value) : line,
                             options.values_only);
    if (IsUuid(uuid)) ind.id = "indicator--" + std::string(uuid);
    ind.name = type + " " + std::string(value.substr(0, 200));
    ind.description = std::string(Str(at, "comment"));
    std::string_view fs = Str(at, "first_seen");
    if (!fs.empty())
      if (auto t = ParseRfc3339(fs); t.ok()) ind.valid_from = *t;
    std::string_view category = Str(at, "category");
    if (!category.empty()) ind.labels.push_back("misp-category:" + std::string(category));
    if (!to_ids) ind.labels.push_back("misp-to_ids:false");
    for (auto& l : extra_labels) ind.labels.push_back(std::move(l));
    ind.indicator_types = {"malicious-activity"};
    array ta;
    if (at["Tag"].get_array().get(ta) == simdjson::SUCCESS) {
      for (element t : ta) {
        object to;
        if (t.get_object().get(to) != simdjson::SUCCESS) continue;
        std::string_view name = Str(to, "name");
        if (name.substr(0, 12) == "misp-galaxy:") {
          clusters.AddTag(name, &p.cluster_keys);
        } else if (!name.empty()) {
          ind.labels.emplace_back(name);
        }
      }
    }
    ind.report_ids = {report_id};
    pending.push_back(std::move(p));
  };

  int32_t attr_arr = sk.ok() ? sk.Child(ev_node, "Attribute") : -1;
  std::vector<int32_t> attr_nodes = sk.Elements(attr_arr);
  if (ev["Attribute"].get_array().get(a) == simdjson::SUCCESS) {
    size_t k = 0;
    for (element e : a) {
      object at;
      int32_t node = k < attr_nodes.size() ? attr_nodes[k] : -1;
      ++k;
      if (e.get_object().get(at) != simdjson::SUCCESS) {
        sink.OnSkipped(node >= 0 ? lines.LineAt(sk.node(node).begin) : ev_line, "MISP attribute is not a JSON object");
        continue;
      }
      read_attribute(at, node);
    }
  }
  std::vector<int32_t> obj_nodes = sk.Elements(sk.ok() ? sk.Child(ev_node, "Object") : -1);
  if (ev["Object"].get_array().get(a) == simdjson::SUCCESS) {
    size_t j = 0;
    for (element e : a) {
      object mo;
      array oa;
      int32_t onode = j < obj_nodes.size() ? obj_nodes[j] : -1;
      ++j;
      if (e.get_object().get(mo) != simdjson::SUCCESS || mo["Attribute"].get_array().get(oa) != simdjson::SUCCESS) continue;
      std::vector<int32_t> an = sk.Elements(onode >= 0 ? sk.Child(onode, "Attribute") : -1);
      size_t k = 0;
      for (element ae : oa) {
        object at;
        int32_t node = k < an.size() ? an[k] : -1;
        ++k;
        if (ae.get_object().get(at) == simdjson::SUCCESS) read_attribute(at, node);
      }
    }
  }

  // Objects: clusters, the event's report, relationships; then indicators.
  std::vector<std::string> refs;
  for (const auto& [key, c] : clusters.all()) {
    StixObject so;
    so.id = c.id;
    so.type = c.stix_type;
    so.name = c.name;
    so.aliases = c.aliases;
    so.external_id = c.external_id;
    so.source_id = src.id;
    so.line = ev_line;
    std::string json = "{\"type\":" + JsonQuote(c.stix_type) + ",\"spec_version\":\"2.1\",\"id\":" + JsonQuote(c.id) +
                       ",\"created_by_ref\":" + JsonQuote(src.id) + ",\"name\":" + JsonQuote(c.name);
    if (!c.aliases.empty()) json += ",\"aliases\":" + JsonStringArray(c.aliases);
    if (c.stix_type == "malware") json += ",\"is_family\":true";
    if (!c.external_id.empty())
      json += ",\"external_references\":[{\"source_name\":\"mitre-attack\",\"external_id\":" + JsonQuote(c.external_id) + "}]";
    json += ",\"x_onus_origin\":\"misp-galaxy\"}";
    so.json = std::move(json);
    refs.push_back(so.id);
    ONUS_RETURN_IF_ERROR(sink.OnObject(std::move(so)));
  }
  for (const auto& p : pending) refs.push_back(p.ind.id);
  {
    StixObject rep;
    rep.id = report_id;
    rep.type = "report";
    rep.name = info;
    rep.source_id = src.id;
    rep.line = ev_line;
    std::string date(Str(ev, "date"));
    std::string published = date.size() == 10 ? date + "T00:00:00Z" : "";
    std::string json = "{\"type\":\"report\",\"spec_version\":\"2.1\",\"id\":" + JsonQuote(rep.id) +
                       ",\"created_by_ref\":" + JsonQuote(src.id) + ",\"name\":" + JsonQuote(info);
    if (!published.empty()) json += ",\"published\":" + JsonQuote(published);
    if (!labels.empty()) json += ",\"labels\":" + JsonStringArray(labels);
    if (!links.empty()) {
      json += ",\"external_references\":[";
      for (size_t i = 0; i < links.size(); ++i) json += (i ? "," : "") + std::string("{\"source_name\":\"misp-link\",\"url\":") + JsonQuote(links[i]) + "}";
      json += "]";
    }
    json += ",\"object_refs\":" + JsonStringArray(refs) + ",\"x_misp_event_uuid\":" + JsonQuote(event_uuid) + "}";
    rep.json = std::move(json);
    ONUS_RETURN_IF_ERROR(sink.OnObject(std::move(rep)));
  }
  const auto& all = clusters.all();
  for (const auto& p : pending) {
    std::vector<std::string> keys = event_cluster_keys;
    keys.insert(keys.end(), p.cluster_keys.begin(), p.cluster_keys.end());
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    for (const auto& k : keys) {
      const Cluster& c = all.at(k);
      if (c.stix_type == "attack-pattern") continue;  // techniques are context of the report, not "indicates"
      StixObject rel;
      rel.type = "relationship";
      rel.id = DeterministicId("relationship", p.ind.id + "|indicates|" + c.id);
      rel.source_id = src.id;
      rel.line = p.ind.line;
      rel.json = "{\"type\":\"relationship\",\"spec_version\":\"2.1\",\"id\":" + JsonQuote(rel.id) +
                 ",\"created_by_ref\":" + JsonQuote(src.id) + ",\"relationship_type\":\"indicates\",\"source_ref\":" +
                 JsonQuote(p.ind.id) + ",\"target_ref\":" + JsonQuote(c.id) + "}";
      ONUS_RETURN_IF_ERROR(sink.OnObject(std::move(rel)));
    }
  }
  for (auto& p : pending) ONUS_RETURN_IF_ERROR(sink.OnIndicator(std::move(p.ind)));
  return Status::Ok();
}

Status LoadMispText(std::string_view text, const FeedInput& in, const IntelOptions& options, FeedSink& sink) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(text);
  element root;
  if (auto err = parser.parse(padded).get(root); err != simdjson::SUCCESS)
    return Status::Corrupt(in.path + ": not valid JSON (" + std::string(simdjson::error_message(err)) + ")");
  JsonSkeleton sk = JsonSkeleton::Build(text);
  LineIndex lines(text);
  // Collect (event object, skeleton node) pairs from the accepted shapes.
  std::vector<std::pair<object, int32_t>> events;
  auto add_wrapper = [&](element w, int32_t wnode) {
    object wo, ev;
    if (w.get_object().get(wo) != simdjson::SUCCESS) return;
    if (wo["Event"].get_object().get(ev) == simdjson::SUCCESS) {
      events.emplace_back(ev, sk.ok() && wnode >= 0 ? sk.Child(wnode, "Event") : -1);
    } else if (!Str(wo, "uuid").empty() && (wo["Attribute"].error() == simdjson::SUCCESS || !Str(wo, "info").empty())) {
      events.emplace_back(wo, wnode);
    }
  };
  object ro;
  array ra;
  if (root.get_object().get(ro) == simdjson::SUCCESS) {
    element resp;
    if (ro["response"].get(resp) == simdjson::SUCCESS) {
      int32_t rnode = sk.ok() ? sk.Child(sk.root(), "response") : -1;
      if (resp.get_array().get(ra) == simdjson::SUCCESS) {
        std::vector<int32_t> en = sk.Elements(rnode);
        size_t k = 0;
        for (element w : ra) {
          add_wrapper(w, k < en.size() ? en[k] : -1);
          ++k;
        }
      } else {
        add_wrapper(resp, rnode);
      }
    } else {
      add_wrapper(root, sk.ok() ? sk.root() : -1);
    }
  } else if (root.get_array().get(ra) == simdjson::SUCCESS) {
    std::vector<int32_t> en = sk.Elements(sk.ok() ? sk.root() : -1);
    size_t k = 0;
    for (element w : ra) {
      add_wrapper(w, k < en.size() ? en[k] : -1);
      ++k;
    }
  }
  if (events.empty()) return Status::Corrupt(in.path + ": no MISP event found (expected {\"Event\": {...}})");
  for (const auto& [ev, node] : events) ONUS_RETURN_IF_ERROR(LoadOneEvent(text, ev, node, sk, lines, in, options, sink));
  return Status::Ok();
}

Status LoadMispFeed(const FeedInput& in, const IntelOptions& options, FeedSink& sink) {
  ONUS_ASSIGN_OR_RETURN(std::string text, ReadFile(in.path));
  return LoadMispText(text, in, options, sink);
}

Result<std::vector<std::string>> MispFeedEventFiles(const std::string& dir) {
  namespace fs = std::filesystem;
  std::string manifest = (fs::path(dir) / "manifest.json").string();
  ONUS_ASSIGN_OR_RETURN(std::string text, ReadFile(manifest));
  simdjson::dom::parser parser;
  simdjson::padded_string padded(text);
  object root;
  if (parser.parse(padded).get_object().get(root) != simdjson::SUCCESS)
    return Status::Corrupt(manifest + ": not a JSON object of events");
  std::vector<std::string> out;
  for (auto field : root) {
    std::string_view key = field.key;
    if (!IsUuid(key)) continue;  // event files are named by uuid; anything else is not a path
    out.push_back((fs::path(dir) / (std::string(key) + ".json")).string());
  }
  if (out.empty()) return Status::Corrupt(manifest + ": no events listed");
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace onus::intel::detail
