// MISP galaxy cluster files (misp-galaxy's clusters/<name>.json: {"type", "uuid", "source",
// "authors", "category", "values": [{"value", "uuid", "description", "meta": {...}}]}).
// Mapping (see intel/README.md): clusters of actor galaxies become intrusion sets, of malware and
// tool galaxies malware and tools, of technique galaxies attack patterns, of campaign galaxies
// campaigns; the cluster uuid gives the id (<type>--<uuid>, as for the same cluster inside a MISP
// event), meta.synonyms the aliases, meta.refs the external references, meta.external_id or a
// "Name - G0016" suffix the ATT&CK id. An actor's meta.country (ISO 3166 alpha-2) is the galaxy's
// assertion of its nexus: a location and an "originates-from" relationship, with
// meta.attribution-confidence (0-100) as its confidence when given. Reference galaxies (country,
// sector...) hold no actors, software or techniques: the file is Unsupported.
#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <set>

#include "feed.h"
#include "json_skeleton.h"
#include "misp_common.h"
#include "onus/core/file.h"

namespace onus::intel::detail {

namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

constexpr size_t kMaxRefs = 16;  // external references kept per cluster

std::string_view Str(const object& o, std::string_view key) { return MispStr(o, key); }
bool IsUuid(std::string_view u) { return IsMispUuid(u); }

std::vector<std::string> Strings(const object& o, std::string_view key) {
  std::vector<std::string> out;
  array a;
  if (o[key].get_array().get(a) != simdjson::SUCCESS) {
    std::string_view s = Str(o, key);
    if (!s.empty()) out.emplace_back(s);
    return out;
  }
  for (element e : a) {
    std::string_view s;
    if (e.get_string().get(s) == simdjson::SUCCESS && !s.empty()) out.emplace_back(s);
  }
  return out;
}

// ISO 3166 alpha-2 ("cn" -> "CN"); "" for anything else (360net's "america", "mideast").
std::string CountryCode(std::string_view c) {
  if (c.size() != 2 || !std::isalpha(static_cast<unsigned char>(c[0])) || !std::isalpha(static_cast<unsigned char>(c[1])))
    return {};
  return {static_cast<char>(std::toupper(static_cast<unsigned char>(c[0]))),
          static_cast<char>(std::toupper(static_cast<unsigned char>(c[1])))};
}

// meta.attribution-confidence as 0-100 ("50" or 50); -1 when absent or out of range.
int Confidence(const object& meta) {
  element e;
  if (meta["attribution-confidence"].get(e) != simdjson::SUCCESS) return -1;
  int64_t i;
  if (e.get_int64().get(i) == simdjson::SUCCESS) return i >= 0 && i <= 100 ? static_cast<int>(i) : -1;
  std::string_view s;
  if (e.get_string().get(s) != simdjson::SUCCESS) return -1;
  int v = -1;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < 0 || v > 100) return -1;
  return v;
}

}  // namespace

Status LoadMispGalaxyText(std::string_view text, const FeedInput& in, const IntelOptions& options, FeedSink& sink) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(text);
  element root_el;
  if (auto err = parser.parse(padded).get(root_el); err != simdjson::SUCCESS)
    return Status::Corrupt(in.path + ": not valid JSON (" + std::string(simdjson::error_message(err)) + ")");
  object root;
  array values;
  if (root_el.get_object().get(root) != simdjson::SUCCESS || root["values"].get_array().get(values) != simdjson::SUCCESS)
    return Status::Corrupt(in.path + ": not a MISP galaxy cluster file (expected {\"type\":…, \"values\": [...]})");
  std::string galaxy_type(Str(root, "type"));
  const std::string stix_type(StixTypeForGalaxy(galaxy_type, Str(root, "category")));
  if (stix_type.empty())
    return Status::Unsupported(in.path + ": MISP galaxy '" + galaxy_type.substr(0, 60) +
                               "' is reference data, not actors, software, techniques or campaigns");

  std::string source_name(Str(root, "source"));
  if (!options.source_name.empty()) source_name = options.source_name;
  if (source_name.empty()) source_name = BaseName(in.path);
  Source src = NamedSource(source_name, "misp-galaxy", options);
  src.detail_json = "{\"path\":" + JsonQuote(in.path) + ",\"misp_galaxy\":" + JsonQuote(galaxy_type) +
                    ",\"misp_galaxy_uuid\":" + JsonQuote(Str(root, "uuid")) + "}";
  ONUS_RETURN_IF_ERROR(sink.OnSource(src));

  JsonSkeleton sk = JsonSkeleton::Build(text);
  LineIndex lines(text);
  std::vector<int32_t> nodes = sk.Elements(sk.ok() ? sk.Child(sk.root(), "values") : -1);
  std::set<std::string> locations_sent;
  size_t k = 0;
  for (element e : values) {
    sink.OnRecord();
    int32_t node = k < nodes.size() ? nodes[k] : -1;
    ++k;
    const int64_t first_line = node >= 0 ? lines.LineAt(sk.node(node).begin) : 1;
    object c;
    if (e.get_object().get(c) != simdjson::SUCCESS) {
      sink.OnSkipped(first_line, "MISP galaxy cluster is not a JSON object");
      continue;
    }
    std::string name(Str(c, "value"));
    if (name.empty()) {
      sink.OnSkipped(first_line, "MISP galaxy cluster without a value");
      continue;
    }
    // Provenance names the line of the cluster's value.
    const uint64_t at_value = node >= 0 ? sk.MemberOffset(text, node, "value") : std::string_view::npos;
    const int64_t line = at_value != std::string_view::npos ? lines.LineAt(at_value) : first_line;
    object meta;
    const bool has_meta = c["meta"].get_object().get(meta) == simdjson::SUCCESS;
    std::string external_id;
    if (has_meta)
      for (const auto& x : Strings(meta, "external_id"))
        if (IsAttackId(x)) {
          external_id = x;
          break;
        }
    SplitAttackId(name, external_id);
    std::string_view uuid = Str(c, "uuid");
    StixObject so;
    so.type = stix_type;
    so.id = IsUuid(uuid) ? stix_type + "--" + ToLower(uuid)
                         : DeterministicId(stix_type, "misp-galaxy|" + stix_type + "|" + ToLower(name));
    so.name = name;
    if (has_meta) so.aliases = Strings(meta, "synonyms");
    so.aliases.erase(std::remove(so.aliases.begin(), so.aliases.end(), name), so.aliases.end());
    so.external_id = external_id;
    so.source_id = src.id;
    so.line = line;
    std::string json = "{\"type\":" + JsonQuote(stix_type) + ",\"spec_version\":\"2.1\",\"id\":" + JsonQuote(so.id) +
                       ",\"created_by_ref\":" + JsonQuote(src.id) + ",\"name\":" + JsonQuote(name);
    std::string_view description = Str(c, "description");
    if (!description.empty()) json += ",\"description\":" + JsonQuote(description);
    if (!so.aliases.empty()) json += ",\"aliases\":" + JsonStringArray(so.aliases);
    if (stix_type == "malware") json += ",\"is_family\":true";
    std::string refs;
    if (!external_id.empty())
      refs += "{\"source_name\":\"mitre-attack\",\"external_id\":" + JsonQuote(external_id) + "}";
    if (has_meta) {
      std::vector<std::string> urls = Strings(meta, "refs");
      for (size_t i = 0; i < urls.size() && i < kMaxRefs; ++i)
        refs += (refs.empty() ? "" : ",") + std::string("{\"source_name\":\"misp-galaxy\",\"url\":") + JsonQuote(urls[i]) + "}";
    }
    if (!refs.empty()) json += ",\"external_references\":[" + refs + "]";
    json += ",\"x_onus_origin\":\"misp-galaxy\",\"x_misp_galaxy\":" + JsonQuote(galaxy_type) + "}";
    so.json = std::move(json);
    const std::string set_id = so.id;
    ONUS_RETURN_IF_ERROR(sink.OnObject(std::move(so)));

    if (stix_type != "intrusion-set" || !has_meta) continue;
    std::string country = CountryCode(Str(meta, "country"));
    if (country.empty()) continue;
    // The galaxy's assertion of the actor's nexus, cited at the cluster's country line.
    const uint64_t at_country = node >= 0 ? sk.Child(node, "meta") >= 0
                                                ? sk.MemberOffset(text, sk.Child(node, "meta"), "country")
                                                : std::string_view::npos
                                          : std::string_view::npos;
    const int64_t country_line = at_country != std::string_view::npos ? lines.LineAt(at_country) : line;
    const std::string location_id = DeterministicId("location", "country|" + country);
    if (locations_sent.insert(country).second) {
      StixObject loc;
      loc.type = "location";
      loc.id = location_id;
      loc.name = country;
      loc.source_id = src.id;
      loc.line = country_line;
      loc.json = "{\"type\":\"location\",\"spec_version\":\"2.1\",\"id\":" + JsonQuote(location_id) +
                 ",\"created_by_ref\":" + JsonQuote(src.id) + ",\"name\":" + JsonQuote(country) +
                 ",\"country\":" + JsonQuote(country) + "}";
      ONUS_RETURN_IF_ERROR(sink.OnObject(std::move(loc)));
    }
    StixObject rel;
    rel.type = "relationship";
    rel.id = DeterministicId("relationship", set_id + "|originates-from|" + location_id + "|" + src.id);
    rel.source_id = src.id;
    rel.line = country_line;
    rel.json = "{\"type\":\"relationship\",\"spec_version\":\"2.1\",\"id\":" + JsonQuote(rel.id) +
               ",\"created_by_ref\":" + JsonQuote(src.id) + ",\"relationship_type\":\"originates-from\",\"source_ref\":" +
               JsonQuote(set_id) + ",\"target_ref\":" + JsonQuote(location_id);
    if (int conf = Confidence(meta); conf >= 0) rel.json += ",\"confidence\":" + std::to_string(conf);
    rel.json += "}";
    ONUS_RETURN_IF_ERROR(sink.OnObject(std::move(rel)));
  }
  return Status::Ok();
}

Status LoadMispGalaxy(const FeedInput& in, const IntelOptions& options, FeedSink& sink) {
  ONUS_ASSIGN_OR_RETURN(std::string text, ReadFile(in.path));
  return LoadMispGalaxyText(text, in, options, sink);
}

}  // namespace onus::intel::detail
