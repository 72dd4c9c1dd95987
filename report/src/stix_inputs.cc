#include <map>
#include <set>
#include <tuple>

#include "onus/report/report.h"

namespace onus::report {

Result<StixInputs> CollectStixInputs(store::CaseStore& store, const nlohmann::json& assessment) {
  using nlohmann::json;
  StixInputs out;
  ONUS_ASSIGN_OR_RETURN(auto sightings, store.ListSightings());
  std::map<std::tuple<std::string, std::string, std::string>, SiteSighting> agg;
  for (const auto& s : sightings) {
    if (s.stale || s.site.empty()) continue;
    auto& a = agg[{s.indicator_id, s.site, s.value}];
    if (a.count == 0) {
      a = {s.indicator_id, s.site, s.value, s.value_type, s.ts, s.ts, 0};
    }
    a.first_seen = std::min(a.first_seen, s.ts);
    a.last_seen = std::max(a.last_seen, s.ts);
    ++a.count;
  }
  std::set<std::string> fired;
  for (auto& [k, v] : agg) {
    fired.insert(v.indicator_id);
    out.sightings.push_back(std::move(v));
  }
  ONUS_ASSIGN_OR_RETURN(auto indicators, store.ListIndicators());
  for (const auto& i : indicators) {
    if (!fired.count(i.id)) continue;
    out.indicators.push_back({i.id, i.pattern, i.pattern_type, i.name, i.valid_from, i.valid_until,
                              static_cast<int>(i.confidence)});
  }
  // Objects the fired indicators point at (indicates → malware/tool), and a supported actor.
  std::set<std::string> wanted;
  ONUS_ASSIGN_OR_RETURN(auto rels, store.ListStixObjects("relationship"));
  for (const auto& r : rels) {
    json j = json::parse(r.json, nullptr, false);
    if (j.is_discarded() || j.value("relationship_type", "") != "indicates") continue;
    if (fired.count(j.value("source_ref", ""))) wanted.insert(j.value("target_ref", ""));
  }
  std::set<std::string> actors;
  if (auto at = assessment.find("attributions"); at != assessment.end() && at->is_array())
    for (const auto& a : *at) {
      if (!a.contains("actor") || !a["actor"].is_object() || a["actor"].value("verdict", "") != "supported") continue;
      if (a.contains("hypotheses") && a["hypotheses"].is_array() && !a["hypotheses"].empty()) {
        const json& top = a["hypotheses"][0];
        actors.insert(top.value("actor", ""));
        actors.insert(top.value("name", ""));
        actors.insert(top.value("id", ""));
      }
    }
  for (const char* type : {"malware", "tool", "intrusion-set"}) {
    ONUS_ASSIGN_OR_RETURN(auto objs, store.ListStixObjects(type));
    for (const auto& o : objs) {
      bool take = wanted.count(o.id) || (std::string(type) == "intrusion-set" && (actors.count(o.id) || actors.count(o.name)));
      if (!take) continue;
      json j = json::parse(o.json, nullptr, false);
      if (!j.is_discarded() && j.is_object()) out.intel_objects.push_back(std::move(j));
    }
  }
  return out;
}

}  // namespace onus::report
