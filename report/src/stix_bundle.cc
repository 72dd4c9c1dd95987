// The STIX 2.1 bundle: what a partner CERT ingests. Deterministic (UUIDv5 ids, timestamps taken
// from the evidence), TLP-marked, and checked by ValidateStixBundle before it is returned.
#include <algorithm>
#include <map>
#include <set>

#include "view.h"

namespace onus::report {
namespace {

using nlohmann::json;
using detail::AssessmentView;

// STIX 2.1 section 2.9: the namespace for deterministic SCO ids.
constexpr const char* kScoNamespace = "00abedb4-aa42-466c-9c01-fed23315a9b7";

struct TlpMarking {
  const char* id;
  const char* name;
  const char* value;
};
// The TLP 1.0 marking definitions predefined by STIX 2.1 (section 7.2.1.4). TLP 2.0 names map to
// them: clear → white, amber+strict → amber.
const TlpMarking kTlp[] = {
    {"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", "TLP:WHITE", "white"},
    {"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", "TLP:GREEN", "green"},
    {"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", "TLP:AMBER", "amber"},
    {"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", "TLP:RED", "red"},
};

const TlpMarking& PickTlp(std::string t) {
  for (auto& c : t) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  if (t.rfind("tlp:", 0) == 0) t = t.substr(4);
  if (t == "clear") t = "white";
  if (t == "amber+strict") t = "amber";
  for (const auto& m : kTlp)
    if (t == m.value) return m;
  return kTlp[2];
}

std::string Id(const std::string& type, const std::string& name) {
  return type + "--" + UuidV5(kOnusNamespace, type + "|" + name);
}

// The STIX cyber-observable type for a sighted value; accepts STIX names and the Zeek intel-style
// names the hunt stores (addr, domain, url, email).
std::string ScoType(const std::string& value_type, const std::string& value) {
  if (value_type == "ipv4-addr" || value_type == "ipv6-addr" || value_type == "domain-name" || value_type == "url" ||
      value_type == "email-addr")
    return value_type;
  if (value_type == "addr" || value_type == "ADDR" || value_type == "Intel::ADDR")
    return value.find(':') == std::string::npos ? "ipv4-addr" : "ipv6-addr";
  if (value_type == "domain" || value_type == "DOMAIN" || value_type == "Intel::DOMAIN") return "domain-name";
  if (value_type == "url" || value_type == "Intel::URL") return "url";
  if (value_type == "email" || value_type == "Intel::EMAIL") return "email-addr";
  return "";
}

std::string IsoDate(const std::string& d, const std::string& fallback) {
  if (d.size() == 10) return d + "T00:00:00.000Z";
  auto t = ParseRfc3339(d);
  return t.ok() ? FormatRfc3339(*t, 3) : fallback;
}

std::string Ms(const std::string& rfc3339, const std::string& fallback) {
  auto t = ParseRfc3339(rfc3339);
  return t.ok() ? FormatRfc3339(*t, 3) : fallback;
}

std::string OpinionFor(const std::string& label) {
  if (label == "consistent") return "agree";
  if (label == "partly_supported") return "neutral";
  if (label == "unsupported") return "disagree";
  if (label == "contradicted") return "strongly-disagree";
  return "neutral";  // not_assessable: the evidence neither agrees nor disagrees
}

std::string SectorFor(const std::string& s) {
  static const std::map<std::string, std::string> kMap = {
      {"energy", "energy"},         {"transport", "transportation"}, {"transportation", "transportation"},
      {"health", "healthcare"},     {"healthcare", "healthcare"},   {"government", "government"},
      {"utilities", "utilities"},   {"water", "utilities"},         {"manufacturing", "manufacturing"},
      {"telecommunications", "telecommunications"}};
  auto it = kMap.find(s);
  return it == kMap.end() ? "" : it->second;
}

}  // namespace

Result<std::string> RenderStixBundle(const ReportInputs& in, const StixInputs& stix, const ReportOptions& options) {
  ONUS_ASSIGN_OR_RETURN(AssessmentView v, detail::BuildView(in));
  // The bundle's single "now": the latest time the evidence carries (never the clock).
  Timestamp latest = Timestamp::FromSeconds(0);
  for (const auto& e : v.evidence)
    if (e.has_time) latest = std::max(latest, e.last);
  for (const auto& s : stix.sightings)
    if (auto t = ParseRfc3339(s.last_seen); t.ok()) latest = std::max(latest, *t);
  const std::string stamp = FormatRfc3339(latest, 3);
  const TlpMarking& tlp = PickTlp(options.tlp);

  std::vector<json> objects;
  std::set<std::string> ids;
  auto add = [&](json o) {
    std::string id = o["id"].get<std::string>();
    if (ids.insert(id).second) objects.push_back(std::move(o));
  };
  const std::string me = Id("identity", options.organisation);
  auto sdo = [&](const std::string& type, const std::string& id) {
    return json{{"type", type},       {"spec_version", "2.1"},   {"id", id},
                {"created", stamp},   {"modified", stamp},       {"created_by_ref", me},
                {"object_marking_refs", json::array({tlp.id})}};
  };
  add(json{{"type", "marking-definition"}, {"spec_version", "2.1"}, {"id", tlp.id}, {"created", "2017-01-20T00:00:00.000Z"},
           {"definition_type", "tlp"}, {"name", tlp.name}, {"definition", {{"tlp", tlp.value}}}});
  {
    json org = sdo("identity", me);
    org.erase("created_by_ref");
    org["name"] = options.organisation;
    org["identity_class"] = "organization";
    add(org);
  }
  // Sites as identities (where things were sighted).
  std::map<std::string, std::string> site_ids;
  for (const auto& s : v.sites) {
    std::string id = Id("identity", "site|" + s);
    site_ids[s] = id;
    json o = sdo("identity", id);
    o["name"] = s;
    o["identity_class"] = "organization";
    if (in.context)
      if (const auto* cs = in.context->FindSite(s)) {
        if (!cs->name.empty()) o["description"] = cs->name;
        if (auto sec = SectorFor(cs->sector); !sec.empty()) o["sectors"] = json::array({sec});
      }
    add(o);
  }
  // Indicators that fired, as the intelligence gave them (same ids, same patterns).
  std::set<std::string> fired;
  for (const auto& ind : stix.indicators) {
    json o{{"type", "indicator"}, {"spec_version", "2.1"}, {"id", ind.id}};
    std::string created = IsoDate(ind.valid_from, stamp);
    o["created"] = created;
    o["modified"] = created;
    if (!ind.name.empty()) o["name"] = ind.name;
    o["pattern"] = ind.pattern;
    o["pattern_type"] = ind.pattern_type.empty() ? "stix" : ind.pattern_type;
    o["valid_from"] = created;
    if (!ind.valid_until.empty()) {
      std::string until = IsoDate(ind.valid_until, "");
      if (!until.empty() && until > created) o["valid_until"] = until;
    }
    if (ind.confidence >= 0 && ind.confidence <= 100) o["confidence"] = ind.confidence;
    o["object_marking_refs"] = json::array({tlp.id});
    fired.insert(ind.id);
    add(o);
  }
  // Sightings with their observed data.
  for (const auto& s : stix.sightings) {
    if (!fired.count(s.indicator_id) || !site_ids.count(s.site)) continue;
    std::string key = s.indicator_id + "|" + s.site + "|" + s.value;
    json sg = sdo("sighting", Id("sighting", key));
    sg["sighting_of_ref"] = s.indicator_id;
    sg["where_sighted_refs"] = json::array({site_ids[s.site]});
    sg["first_seen"] = Ms(s.first_seen, stamp);
    sg["last_seen"] = Ms(s.last_seen, stamp);
    sg["count"] = std::clamp<int64_t>(s.count, 0, 999999999);
    if (std::string sco = ScoType(s.value_type, s.value); !sco.empty()) {
      json contributing = {{"value", s.value}};
      std::string sco_id = sco + "--" + UuidV5(kScoNamespace, contributing.dump());
      add(json{{"type", sco}, {"spec_version", "2.1"}, {"id", sco_id}, {"value", s.value}});
      json od = sdo("observed-data", Id("observed-data", key));
      od["first_observed"] = sg["first_seen"];
      od["last_observed"] = sg["last_seen"];
      od["number_observed"] = std::clamp<int64_t>(s.count, 1, 999999999);
      od["object_refs"] = json::array({sco_id});
      sg["observed_data_refs"] = json::array({od["id"]});
      add(od);
    }
    add(sg);
  }
  // Intel objects the caller carries over (malware, tool, intrusion-set), as given.
  std::map<std::string, std::string> intrusion_set_by_name;
  for (const auto& o : stix.intel_objects) {
    if (!o.is_object() || !o.contains("id") || !o.contains("type")) continue;
    json copy = o;
    // Carried as given, minus references to objects this bundle does not hold.
    copy.erase("created_by_ref");
    copy["object_marking_refs"] = json::array({tlp.id});
    if (copy["type"] == "intrusion-set" && copy.contains("name"))
      intrusion_set_by_name[copy["name"].get<std::string>()] = copy["id"];
    add(std::move(copy));
  }
  // Clusters as campaigns, their infrastructure, and the relationships the evidence carries.
  std::map<std::string, double> cluster_posterior;
  for (const auto& p : v.propositions)
    if (p.kind == "cluster" && !p.cluster.empty() && p.posterior >= 0) cluster_posterior[p.cluster] = p.posterior;
  std::map<std::string, std::string> value_to_indicator;
  for (const auto& s : stix.sightings)
    if (fired.count(s.indicator_id)) value_to_indicator.emplace(s.value, s.indicator_id);
  for (const auto& c : v.clusters) {
    std::string cid = Id("campaign", "cluster|" + c.id + "|" + [&] {
      std::string k;
      for (const auto& s : c.sites) k += s + ",";
      return k;
    }());
    json camp = sdo("campaign", cid);
    std::string sites;
    for (size_t i = 0; i < c.sites.size(); ++i) sites += (i ? ", " : "") + c.sites[i];
    camp["name"] = "onus activity " + c.id + " (" + sites + ")";
    camp["description"] = "Activity cluster observed by onus at " + sites + "; see the report's evidence.";
    if (!c.first_seen.empty()) camp["first_seen"] = Ms(c.first_seen, stamp);
    if (!c.last_seen.empty()) camp["last_seen"] = Ms(c.last_seen, stamp);
    if (auto it = cluster_posterior.find(c.id); it != cluster_posterior.end())
      camp["confidence"] = static_cast<int>(it->second * 100 + 0.5);
    add(camp);
    for (const auto& value : c.infrastructure) {
      json inf = sdo("infrastructure", Id("infrastructure", value));
      inf["name"] = value;
      inf["infrastructure_types"] = json::array({"command-and-control"});
      add(inf);
      json rel = sdo("relationship", Id("relationship", "uses|" + cid + "|" + inf["id"].get<std::string>()));
      rel["relationship_type"] = "uses";
      rel["source_ref"] = cid;
      rel["target_ref"] = inf["id"];
      add(rel);
      if (auto it = value_to_indicator.find(value); it != value_to_indicator.end()) {
        json ind = sdo("relationship", Id("relationship", "indicates|" + it->second + "|" + cid));
        ind["relationship_type"] = "indicates";
        ind["source_ref"] = it->second;
        ind["target_ref"] = cid;
        add(ind);
      }
    }
    // attributed-to only when the actor proposition is supported.
    for (const auto& a : v.attributions) {
      if (a.cluster != c.id || a.actor_verdict != "supported" || a.hypotheses.empty()) continue;
      std::string name = a.hypotheses.front().actor;
      std::string target = intrusion_set_by_name.count(name) ? intrusion_set_by_name[name] : "";
      if (target.empty() && name.rfind("intrusion-set--", 0) == 0) target = name;
      if (target.empty()) {
        json is = sdo("intrusion-set", Id("intrusion-set", name));
        is["name"] = name;
        add(is);
        target = is["id"];
      }
      json rel = sdo("relationship", Id("relationship", "attributed-to|" + cid + "|" + target));
      rel["relationship_type"] = "attributed-to";
      rel["source_ref"] = cid;
      rel["target_ref"] = target;
      add(rel);
    }
  }
  // Each checked claim: a report object for the claim and our opinion of it.
  for (const auto& c : v.claims) {
    std::string src_id = Id("identity", "source|" + (c.source_name.empty() ? c.id : c.source_name));
    json src = sdo("identity", src_id);
    src["name"] = c.source_name.empty() ? "source of claim " + c.id : c.source_name;
    src["identity_class"] = c.source_type == "individual" ? "individual" : "organization";
    add(src);
    json rep = sdo("report", Id("report", "claim|" + c.id));
    rep["name"] = "Claim " + c.id + (c.source_name.empty() ? "" : " (" + c.source_name + ")");
    if (!c.text.empty()) rep["description"] = c.text;
    rep["published"] = IsoDate(c.source_date, stamp);
    rep["report_types"] = json::array({"threat-report"});
    rep["object_refs"] = json::array({src_id});
    add(rep);
    json op = sdo("opinion", Id("opinion", "claim|" + c.id));
    op["opinion"] = OpinionFor(c.label);
    std::string expl = "onus assessed claim " + c.id + " as " + c.label + ":";
    for (const auto& p : c.propositions) expl += " " + p.kind + " " + p.verdict + (p.ref.empty() ? "" : " (" + p.ref + ")") + ";";
    op["explanation"] = expl;
    op["object_refs"] = json::array({rep["id"]});
    add(op);
  }
  // The report tying it together.
  json refs = json::array();
  for (const auto& o : objects)
    if (o["type"] != "marking-definition") refs.push_back(o["id"]);
  std::string case_key;
  for (const auto& [path, sha] : v.inputs) case_key += sha + ",";
  json rep = sdo("report", Id("report", "case|" + case_key + options.title));
  rep["name"] = options.title;
  rep["description"] = "Assessment by onus " + v.version + ": " + std::to_string(v.propositions.size()) +
                       " propositions, " + std::to_string(v.claims.size()) + " claims, " +
                       std::to_string(v.evidence.size()) + " evidence items.";
  rep["published"] = stamp;
  rep["report_types"] = json::array({"threat-report"});
  rep["object_refs"] = refs;
  add(rep);

  std::stable_sort(objects.begin(), objects.end(), [](const json& a, const json& b) {
    return a["id"].get<std::string>() < b["id"].get<std::string>();
  });
  json bundle{{"type", "bundle"}, {"id", "bundle--" + UuidV5(kOnusNamespace, "bundle|" + rep["id"].get<std::string>())},
              {"objects", objects}};
  auto problems = ValidateStixBundle(bundle);
  if (!problems.empty()) return Status::Internal("generated STIX bundle is invalid: " + problems.front());
  return bundle.dump(1) + "\n";
}

}  // namespace onus::report
