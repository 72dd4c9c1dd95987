// STIX 2.1 conformance checks for the bundles onus writes: the required properties and value
// formats of the specification's JSON schemas (oasis-open/cti-stix2-json-schemas), checked in code
// so tests need nothing from the network.
#include <map>
#include <regex>
#include <set>

#include "onus/core/time.h"
#include "onus/report/report.h"

namespace onus::report {
namespace {

using nlohmann::json;

const std::set<std::string> kSdo = {"attack-pattern", "campaign", "course-of-action", "grouping", "identity",
                                    "incident", "indicator", "infrastructure", "intrusion-set", "location",
                                    "malware", "malware-analysis", "note", "observed-data", "opinion",
                                    "report", "threat-actor", "tool", "vulnerability"};
const std::set<std::string> kSro = {"relationship", "sighting"};
const std::set<std::string> kSco = {"artifact", "autonomous-system", "directory", "domain-name", "email-addr",
                                    "email-message", "file", "ipv4-addr", "ipv6-addr", "mac-addr", "mutex",
                                    "network-traffic", "process", "software", "url", "user-account",
                                    "windows-registry-key", "x509-certificate"};

const std::map<std::string, std::vector<std::string>> kRequired = {
    {"attack-pattern", {"name"}},
    {"campaign", {"name"}},
    {"identity", {"name"}},
    {"indicator", {"pattern", "pattern_type", "valid_from"}},
    {"infrastructure", {"name"}},
    {"intrusion-set", {"name"}},
    {"malware", {"is_family"}},
    {"observed-data", {"first_observed", "last_observed", "number_observed", "object_refs"}},
    {"opinion", {"opinion", "object_refs"}},
    {"report", {"name", "published", "object_refs"}},
    {"threat-actor", {"name"}},
    {"tool", {"name"}},
    {"relationship", {"relationship_type", "source_ref", "target_ref"}},
    {"sighting", {"sighting_of_ref"}},
    {"ipv4-addr", {"value"}},
    {"ipv6-addr", {"value"}},
    {"domain-name", {"value"}},
    {"url", {"value"}},
    {"email-addr", {"value"}},
    {"marking-definition", {"created", "definition_type", "definition"}},
};

bool IsTimestamp(const json& j) {
  return j.is_string() && !j.get<std::string>().empty() && j.get<std::string>().back() == 'Z' &&
         ParseRfc3339(j.get<std::string>()).ok();
}

bool IsId(const std::string& s, const std::string& type = "") {
  static const std::regex kRe("^[a-z0-9][a-z0-9-]*[a-z0-9]--[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  if (!std::regex_match(s, kRe)) return false;
  return type.empty() || s.compare(0, type.size() + 2, type + "--") == 0;
}

void CollectRefs(const json& j, const std::string& key, std::vector<std::pair<std::string, std::string>>& out) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      const std::string& k = it.key();
      bool is_ref = k.size() > 4 && k.compare(k.size() - 4, 4, "_ref") == 0;
      bool is_refs = k.size() > 5 && k.compare(k.size() - 5, 5, "_refs") == 0;
      if (is_ref && it->is_string()) out.emplace_back(k, it->get<std::string>());
      if (is_refs && it->is_array())
        for (const auto& x : *it)
          if (x.is_string()) out.emplace_back(k, x.get<std::string>());
      if (it->is_object() || it->is_array()) CollectRefs(*it, k, out);
    }
  } else if (j.is_array()) {
    for (const auto& x : j) CollectRefs(x, key, out);
  }
}

}  // namespace

std::vector<std::string> ValidateStixBundle(const json& b) {
  std::vector<std::string> p;
  if (!b.is_object() || b.value("type", "") != "bundle") return {"not a bundle"};
  if (!b.contains("id") || !b["id"].is_string() || !IsId(b["id"].get<std::string>(), "bundle")) p.push_back("bundle id");
  if (!b.contains("objects") || !b["objects"].is_array()) return {"bundle has no objects array"};
  std::set<std::string> ids;
  for (const auto& o : b["objects"])
    if (o.is_object() && o.contains("id") && o["id"].is_string()) ids.insert(o["id"].get<std::string>());
  for (const auto& o : b["objects"]) {
    if (!o.is_object() || !o.contains("type") || !o["type"].is_string()) {
      p.push_back("object without type");
      continue;
    }
    std::string type = o["type"].get<std::string>();
    std::string id = o.value("id", "");
    std::string where = id.empty() ? type : id;
    if (!IsId(id, type)) p.push_back(where + ": id is not '" + type + "--<uuid>'");
    bool sdo = kSdo.count(type) > 0, sro = kSro.count(type) > 0, sco = kSco.count(type) > 0;
    if (!sdo && !sro && !sco && type != "marking-definition" && type != "language-content" && type.rfind("x-", 0) != 0)
      p.push_back(where + ": unknown type");
    if ((sdo || sro) && o.value("spec_version", "") != "2.1") p.push_back(where + ": spec_version must be 2.1");
    if (sdo || sro) {
      for (const char* t : {"created", "modified"})
        if (!o.contains(t) || !IsTimestamp(o[t])) p.push_back(where + ": '" + t + "' must be an RFC 3339 UTC timestamp");
      if (o.contains("created") && o.contains("modified") && o["created"].is_string() && o["modified"].is_string() &&
          o["modified"].get<std::string>() < o["created"].get<std::string>())
        p.push_back(where + ": modified before created");
    }
    if (auto it = kRequired.find(type); it != kRequired.end())
      for (const auto& f : it->second)
        if (!o.contains(f)) p.push_back(where + ": missing required '" + f + "'");
    for (const char* t : {"first_seen", "last_seen", "first_observed", "last_observed", "valid_from", "valid_until", "published"})
      if (o.contains(t) && !IsTimestamp(o[t])) p.push_back(where + ": '" + std::string(t) + "' is not a timestamp");
    if (o.contains("confidence") && (!o["confidence"].is_number_integer() || o["confidence"].get<int>() < 0 ||
                                     o["confidence"].get<int>() > 100))
      p.push_back(where + ": confidence must be an integer 0..100");
    if (type == "opinion") {
      static const std::set<std::string> kOp = {"strongly-disagree", "disagree", "neutral", "agree", "strongly-agree"};
      if (!kOp.count(o.value("opinion", ""))) p.push_back(where + ": opinion value");
    }
    if (type == "identity" && o.contains("identity_class")) {
      static const std::set<std::string> kIc = {"individual", "group", "system", "organization", "class", "unknown"};
      if (!kIc.count(o.value("identity_class", ""))) p.push_back(where + ": identity_class (open vocabulary) unexpected");
    }
    if (type == "observed-data") {
      auto n = o.value("number_observed", 0);
      if (n < 1 || n > 999999999) p.push_back(where + ": number_observed out of range");
    }
    if (type == "sighting" && o.contains("count")) {
      auto n = o.value("count", -1);
      if (n < 0 || n > 999999999) p.push_back(where + ": count out of range");
    }
    if (type == "sighting" && o.contains("first_seen") && o.contains("last_seen") &&
        o["last_seen"].get<std::string>() < o["first_seen"].get<std::string>())
      p.push_back(where + ": last_seen before first_seen");
    if ((type == "report" || type == "opinion" || type == "observed-data") && o.contains("object_refs") &&
        (!o["object_refs"].is_array() || o["object_refs"].empty()))
      p.push_back(where + ": object_refs must be a non-empty list");
    std::vector<std::pair<std::string, std::string>> refs;
    CollectRefs(o, "", refs);
    for (const auto& [k, r] : refs) {
      if (!IsId(r)) {
        p.push_back(where + ": " + k + " is not an identifier: " + r);
      } else if (!ids.count(r) && r.rfind("marking-definition--", 0) != 0) {
        p.push_back(where + ": " + k + " does not resolve in the bundle: " + r);
      }
    }
  }
  return p;
}

}  // namespace onus::report
