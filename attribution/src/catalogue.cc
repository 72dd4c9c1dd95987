// Catalogue loading with the simdjson DOM parser (error codes only, no exceptions).
#include "onus/attribution/catalogue.h"

#include <simdjson.h>

#include <algorithm>
#include <map>
#include <set>

#include "onus/core/file.h"
#include "onus/core/hash.h"

namespace onus::attribution {

namespace {

// Caps on hostile input: a bundle may hold at most this many objects and strings this long.
constexpr size_t kMaxObjectsPerBundle = 10'000'000;

std::string_view GetString(simdjson::dom::object obj, std::string_view key) {
  std::string_view out;
  if (obj[key].get_string().get(out) != simdjson::SUCCESS) return {};
  return out;
}

bool GetBool(simdjson::dom::object obj, std::string_view key) {
  bool out = false;
  if (obj[key].get_bool().get(out) != simdjson::SUCCESS) return false;
  return out;
}

std::optional<CatalogueKind> KindOf(std::string_view type) {
  if (type == "intrusion-set") return CatalogueKind::kIntrusionSet;
  if (type == "malware") return CatalogueKind::kMalware;
  if (type == "tool") return CatalogueKind::kTool;
  if (type == "attack-pattern") return CatalogueKind::kAttackPattern;
  return std::nullopt;
}

// The source names that describe the catalogue itself rather than a report.
bool IsCatalogueReference(std::string_view source_name) {
  return source_name == "mitre-attack" || source_name == "mitre-ics-attack" ||
         source_name == "mitre-mobile-attack" || source_name == "capec" || source_name == "NIST Mobile Threat Catalogue";
}

struct RawObject {
  CatalogueEntry entry;
  bool campaign = false;
  bool dead = false;  // revoked or deprecated
};

struct RawRelationship {
  std::string id;
  std::string type;
  std::string source_ref, target_ref;
  std::vector<std::string> citations;
  std::string modified;
  bool dead = false;
};

void SortUnique(std::vector<std::string>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

}  // namespace

std::string_view CatalogueKindName(CatalogueKind kind) {
  switch (kind) {
    case CatalogueKind::kIntrusionSet: return "intrusion-set";
    case CatalogueKind::kMalware: return "malware";
    case CatalogueKind::kTool: return "tool";
    case CatalogueKind::kAttackPattern: return "attack-pattern";
  }
  return "?";
}

struct CatalogueBuilder::Impl {
  simdjson::dom::parser parser;
  std::map<std::string, RawObject> objects;  // by STIX id (ordered: deterministic build)
  std::map<std::string, RawRelationship> relationships;
  std::vector<CatalogueSource> sources;
  CatalogueStats stats;

  Status AddParsed(simdjson::dom::element doc, const std::string& label);
  void AddObject(simdjson::dom::object obj, uint32_t source);
};

CatalogueBuilder::CatalogueBuilder() : impl_(std::make_unique<Impl>()) {}
CatalogueBuilder::~CatalogueBuilder() = default;
CatalogueBuilder::CatalogueBuilder(CatalogueBuilder&&) noexcept = default;
CatalogueBuilder& CatalogueBuilder::operator=(CatalogueBuilder&&) noexcept = default;

Status CatalogueBuilder::AddBundleFile(const std::string& path) {
  if (!FileExists(path)) return Status::NotFound(path + ": no such file");
  ONUS_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  ONUS_ASSIGN_OR_RETURN(std::string digest, Sha256File(path));
  Status st = AddBundleText(text, path);
  if (st.ok()) impl_->sources.back().sha256 = std::move(digest);
  return st;
}

Status CatalogueBuilder::AddBundleText(std::string_view json, std::string label) {
  simdjson::dom::element doc;
  auto err = impl_->parser.parse(json.data(), json.size(), /*realloc_if_needed=*/true).get(doc);
  if (err != simdjson::SUCCESS) {
    return Status::Corrupt(label + ": not valid JSON (" + simdjson::error_message(err) + ")");
  }
  return impl_->AddParsed(doc, label);
}

Status CatalogueBuilder::Impl::AddParsed(simdjson::dom::element doc, const std::string& label) {
  simdjson::dom::object root;
  if (doc.get_object().get(root) != simdjson::SUCCESS || GetString(root, "type") != "bundle") {
    return Status::InvalidArgument(label + ": not a STIX bundle (expected {\"type\": \"bundle\", \"objects\": [...]})");
  }
  simdjson::dom::array arr;
  auto objs = root["objects"];
  if (objs.error() == simdjson::NO_SUCH_FIELD) {  // an empty bundle
    sources.push_back({label, "", 0});
    return Status::Ok();
  }
  if (objs.get_array().get(arr) != simdjson::SUCCESS) {
    return Status::InvalidArgument(label + ": bundle \"objects\" is not an array");
  }
  if (arr.size() > kMaxObjectsPerBundle) {
    return Status::ResourceExhausted(label + ": more than " + std::to_string(kMaxObjectsPerBundle) + " objects");
  }
  const uint32_t source = static_cast<uint32_t>(sources.size());
  sources.push_back({label, "", 0});
  uint64_t n = 0;
  for (simdjson::dom::element el : arr) {
    ++n;
    ++stats.objects;
    simdjson::dom::object obj;
    if (el.get_object().get(obj) != simdjson::SUCCESS) {
      ++stats.malformed_objects;
      continue;
    }
    AddObject(obj, source);
  }
  sources.back().objects = n;
  return Status::Ok();
}

void CatalogueBuilder::Impl::AddObject(simdjson::dom::object obj, uint32_t source) {
  const std::string_view type = GetString(obj, "type");
  const std::string_view id = GetString(obj, "id");
  if (type.empty() || id.empty()) {
    ++stats.malformed_objects;
    return;
  }
  const bool revoked = GetBool(obj, "revoked");
  const bool deprecated = GetBool(obj, "x_mitre_deprecated");
  const std::string_view modified = GetString(obj, "modified");

  if (type == "relationship") {
    RawRelationship rel;
    rel.id = std::string(id);
    rel.type = std::string(GetString(obj, "relationship_type"));
    rel.source_ref = std::string(GetString(obj, "source_ref"));
    rel.target_ref = std::string(GetString(obj, "target_ref"));
    rel.modified = std::string(modified);
    rel.dead = revoked || deprecated;
    if (rel.type.empty() || rel.source_ref.empty() || rel.target_ref.empty()) {
      ++stats.malformed_objects;
      return;
    }
    simdjson::dom::array refs;
    if (obj["external_references"].get_array().get(refs) == simdjson::SUCCESS) {
      for (simdjson::dom::element r : refs) {
        simdjson::dom::object ro;
        if (r.get_object().get(ro) != simdjson::SUCCESS) continue;
        std::string_view name = GetString(ro, "source_name");
        if (!name.empty() && !IsCatalogueReference(name)) rel.citations.emplace_back(name);
      }
    }
    SortUnique(rel.citations);
    auto it = relationships.find(rel.id);
    if (it == relationships.end() || it->second.modified < rel.modified) {
      relationships.insert_or_assign(rel.id, std::move(rel));
    }
    return;
  }

  const auto kind = KindOf(type);
  const bool campaign = type == "campaign";
  if (!kind && !campaign) {
    ++stats.ignored_objects;
    return;
  }
  RawObject raw;
  raw.campaign = campaign;
  raw.dead = revoked || deprecated;
  if (revoked) ++stats.skipped_revoked;
  else if (deprecated) ++stats.skipped_deprecated;
  CatalogueEntry& e = raw.entry;
  e.stix_id = std::string(id);
  e.kind = kind.value_or(CatalogueKind::kIntrusionSet);
  e.name = std::string(GetString(obj, "name"));
  e.modified = std::string(modified);
  e.source = source;
  simdjson::dom::array refs;
  if (obj["external_references"].get_array().get(refs) == simdjson::SUCCESS) {
    for (simdjson::dom::element r : refs) {
      simdjson::dom::object ro;
      if (r.get_object().get(ro) != simdjson::SUCCESS) continue;
      std::string_view name = GetString(ro, "source_name");
      std::string_view ext = GetString(ro, "external_id");
      if (!ext.empty() && IsCatalogueReference(name) && e.external_id.empty()) e.external_id = std::string(ext);
    }
  }
  for (std::string_view key : {"aliases", "x_mitre_aliases"}) {
    simdjson::dom::array al;
    if (obj[key].get_array().get(al) != simdjson::SUCCESS) continue;
    for (simdjson::dom::element a : al) {
      std::string_view s;
      if (a.get_string().get(s) == simdjson::SUCCESS && !s.empty()) e.aliases.emplace_back(s);
    }
  }
  SortUnique(e.aliases);
  auto it = objects.find(e.stix_id);
  if (it == objects.end() || it->second.entry.modified < e.modified) {
    objects.insert_or_assign(e.stix_id, std::move(raw));
  }
}

Result<Catalogue> CatalogueBuilder::Build() {
  Impl& im = *impl_;
  Catalogue cat;
  cat.sources_ = im.sources;
  cat.stats_ = im.stats;

  // revoked-by redirects (only from dead objects; chains are followed with a hop cap).
  for (const auto& [id, rel] : im.relationships) {
    if (rel.type == "revoked-by" && !rel.dead) cat.redirects_[rel.source_ref] = rel.target_ref;
  }
  auto resolve = [&](const std::string& ref) -> const std::string& {
    const std::string* cur = &ref;
    for (int hop = 0; hop < 8; ++hop) {
      auto it = cat.redirects_.find(*cur);
      if (it == cat.redirects_.end()) break;
      cur = &it->second;
    }
    return *cur;
  };

  std::unordered_map<std::string, uint32_t> gidx, tidx;
  std::set<std::string> live_campaigns;
  for (const auto& [id, raw] : im.objects) {  // std::map: sorted by id
    if (raw.dead) continue;
    if (raw.campaign) {
      live_campaigns.insert(id);
    } else if (raw.entry.kind == CatalogueKind::kIntrusionSet) {
      gidx.emplace(id, static_cast<uint32_t>(cat.groups_.size()));
      cat.groups_.push_back(raw.entry);
    } else {
      tidx.emplace(id, static_cast<uint32_t>(cat.targets_.size()));
      cat.targets_.push_back(raw.entry);
    }
  }

  std::map<std::string, std::vector<uint32_t>> campaign_groups;
  for (const auto& [id, rel] : im.relationships) {
    if (rel.dead || rel.type != "attributed-to") continue;
    const std::string& src = resolve(rel.source_ref);
    auto g = gidx.find(resolve(rel.target_ref));
    if (!live_campaigns.count(src) || g == gidx.end()) {
      if (rel.source_ref.rfind("campaign--", 0) == 0) ++cat.stats_.dangling_relationships;
      continue;
    }
    campaign_groups[src].push_back(g->second);
  }

  std::map<std::pair<uint32_t, uint32_t>, UsesRelation> merged;
  std::set<std::pair<uint32_t, uint32_t>> sw_tech;
  for (const auto& [id, rel] : im.relationships) {
    if (rel.dead) {
      if (rel.type == "uses") ++cat.stats_.skipped_revoked;
      continue;
    }
    if (rel.type != "uses") continue;
    const std::string& src = resolve(rel.source_ref);
    auto t = tidx.find(resolve(rel.target_ref));
    std::vector<uint32_t> groups;
    std::string campaign;
    if (auto g = gidx.find(src); g != gidx.end()) {
      groups.push_back(g->second);
    } else if (auto c = campaign_groups.find(src); c != campaign_groups.end()) {
      groups = c->second;
      campaign = src;
    } else if (auto s = tidx.find(src); s != tidx.end()) {
      if (IsSoftware(cat.targets_[s->second].kind) && t != tidx.end() &&
          cat.targets_[t->second].kind == CatalogueKind::kAttackPattern) {
        sw_tech.emplace(s->second, t->second);
      }
      continue;
    } else {
      // campaigns not attributed to a group, or sources from other bundles: nothing to credit.
      if (!live_campaigns.count(src)) ++cat.stats_.dangling_relationships;
      continue;
    }
    if (t == tidx.end()) {
      ++cat.stats_.dangling_relationships;
      continue;
    }
    for (uint32_t g : groups) {
      UsesRelation& u = merged[{g, t->second}];
      u.group = g;
      u.target = t->second;
      u.relationship_ids.push_back(id);
      u.citations.insert(u.citations.end(), rel.citations.begin(), rel.citations.end());
      if (campaign.empty()) u.direct = true;
      else u.via_campaigns.push_back(campaign);
    }
  }
  cat.uses_.reserve(merged.size());
  for (auto& [key, u] : merged) {
    SortUnique(u.relationship_ids);
    SortUnique(u.citations);
    SortUnique(u.via_campaigns);
    cat.uses_.push_back(std::move(u));
  }
  cat.software_techniques_.assign(sw_tech.begin(), sw_tech.end());
  cat.Index();
  *impl_ = Impl();
  return cat;
}

void Catalogue::Index() {
  group_by_id_.clear();
  target_by_id_.clear();
  group_by_ext_.clear();
  target_by_ext_.clear();
  for (uint32_t i = 0; i < groups_.size(); ++i) {
    group_by_id_.emplace(groups_[i].stix_id, i);
    if (!groups_[i].external_id.empty()) group_by_ext_.emplace(groups_[i].external_id, i);
  }
  for (uint32_t i = 0; i < targets_.size(); ++i) {
    target_by_id_.emplace(targets_[i].stix_id, i);
    if (!targets_[i].external_id.empty()) target_by_ext_.emplace(targets_[i].external_id, i);
  }
  parent_.assign(targets_.size(), -1);
  for (uint32_t i = 0; i < targets_.size(); ++i) {
    const CatalogueEntry& t = targets_[i];
    if (t.kind != CatalogueKind::kAttackPattern) continue;
    const size_t dot = t.external_id.find('.');
    if (dot == std::string::npos) continue;
    auto p = target_by_ext_.find(std::string_view(t.external_id).substr(0, dot));
    if (p != target_by_ext_.end()) parent_[i] = static_cast<int32_t>(p->second);
  }
}

namespace {
template <typename Map>
std::optional<uint32_t> Lookup(const Map& m, std::string_view key) {
  auto it = m.find(key);
  if (it == m.end()) return std::nullopt;
  return it->second;
}
}  // namespace

std::optional<uint32_t> Catalogue::FindGroup(std::string_view stix_id) const {
  std::string_view cur = stix_id;
  for (int hop = 0; hop < 8; ++hop) {
    if (auto r = Lookup(group_by_id_, cur)) return r;
    auto it = redirects_.find(std::string(cur));
    if (it == redirects_.end()) return std::nullopt;
    cur = it->second;  // points into redirects_, which outlives this call
  }
  return std::nullopt;
}

std::optional<uint32_t> Catalogue::FindTarget(std::string_view stix_id) const {
  std::string_view cur = stix_id;
  for (int hop = 0; hop < 8; ++hop) {
    if (auto r = Lookup(target_by_id_, cur)) return r;
    auto it = redirects_.find(std::string(cur));
    if (it == redirects_.end()) return std::nullopt;
    cur = it->second;  // points into redirects_, which outlives this call
  }
  return std::nullopt;
}

std::optional<uint32_t> Catalogue::FindTargetByExternalId(std::string_view external_id) const {
  return Lookup(target_by_ext_, external_id);
}
std::optional<uint32_t> Catalogue::FindGroupByExternalId(std::string_view external_id) const {
  return Lookup(group_by_ext_, external_id);
}

std::optional<uint32_t> Catalogue::ParentTechnique(uint32_t target) const {
  if (target >= parent_.size() || parent_[target] < 0) return std::nullopt;
  return static_cast<uint32_t>(parent_[target]);
}

Catalogue Catalogue::CopyWithoutUses() const {
  Catalogue out;
  out.groups_ = groups_;
  out.targets_ = targets_;
  out.software_techniques_ = software_techniques_;
  out.sources_ = sources_;
  out.stats_ = stats_;
  out.redirects_ = redirects_;
  return out;
}

Catalogue Catalogue::WithoutRelationsCiting(uint32_t group, std::string_view citation) const {
  Catalogue out = CopyWithoutUses();
  out.uses_.reserve(uses_.size());
  for (const UsesRelation& u : uses_) {
    if (u.group == group && std::binary_search(u.citations.begin(), u.citations.end(), citation)) continue;
    out.uses_.push_back(u);
  }
  out.Index();
  return out;
}

Catalogue Catalogue::WithoutCitation(uint32_t group, std::string_view citation) const {
  Catalogue out = CopyWithoutUses();
  out.uses_.reserve(uses_.size());
  for (const UsesRelation& u : uses_) {
    if (u.group != group) {
      out.uses_.push_back(u);
      continue;
    }
    auto it = std::lower_bound(u.citations.begin(), u.citations.end(), citation);
    if (it == u.citations.end() || *it != citation) {
      out.uses_.push_back(u);
      continue;
    }
    if (u.citations.size() == 1) continue;  // its only support was the held-out report
    UsesRelation copy = u;
    copy.citations.erase(copy.citations.begin() + (it - u.citations.begin()));
    out.uses_.push_back(std::move(copy));
  }
  out.Index();
  return out;
}

Catalogue Catalogue::WithoutGroup(uint32_t group) const {
  Catalogue out;
  out.targets_ = targets_;
  out.software_techniques_ = software_techniques_;
  out.sources_ = sources_;
  out.stats_ = stats_;
  out.redirects_ = redirects_;
  for (uint32_t i = 0; i < groups_.size(); ++i) {
    if (i != group) out.groups_.push_back(groups_[i]);
  }
  out.uses_.reserve(uses_.size());
  for (const UsesRelation& u : uses_) {
    if (u.group == group) continue;
    UsesRelation copy = u;
    if (copy.group > group) --copy.group;
    out.uses_.push_back(std::move(copy));
  }
  out.Index();
  return out;
}

Result<Catalogue> LoadCatalogue(const std::vector<std::string>& paths) {
  CatalogueBuilder b;
  for (const std::string& p : paths) ONUS_RETURN_IF_ERROR(b.AddBundleFile(p));
  return b.Build();
}

}  // namespace onus::attribution
