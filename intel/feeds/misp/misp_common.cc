#include "misp_common.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "feed.h"

namespace onus::intel::detail {

std::string_view MispStr(const simdjson::dom::object& o, std::string_view key) {
  std::string_view v;
  if (o[key].get_string().get(v) != simdjson::SUCCESS) return {};
  return v;
}

bool IsMispUuid(std::string_view u) {
  if (u.size() != 36) return false;
  for (size_t i = 0; i < 36; ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? u[i] != '-' : !std::isxdigit(static_cast<unsigned char>(u[i]))) return false;
  }
  return true;
}

std::string_view StixTypeForGalaxy(std::string_view type, std::string_view category) {
  static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
      {"threat-actor", "intrusion-set"}, {"mitre-intrusion-set", "intrusion-set"},
      {"mitre-enterprise-attack-intrusion-set", "intrusion-set"}, {"microsoft-activity-group", "intrusion-set"},
      {"360net", "intrusion-set"}, {"360net-threat-actor", "intrusion-set"}, {"tidal-groups", "intrusion-set"},
      {"groups", "intrusion-set"},
      {"mitre-malware", "malware"}, {"mitre-enterprise-attack-malware", "malware"}, {"malpedia", "malware"},
      {"backdoor", "malware"}, {"rat", "malware"}, {"ransomware", "malware"}, {"banker", "malware"},
      {"stealer", "malware"}, {"botnet", "malware"}, {"exploit-kit", "malware"}, {"android", "malware"},
      {"mitre-tool", "tool"}, {"mitre-enterprise-attack-tool", "tool"}, {"tool", "tool"},
      {"mitre-attack-pattern", "attack-pattern"}, {"mitre-enterprise-attack-attack-pattern", "attack-pattern"},
      {"mitre-ics-techniques", "attack-pattern"},
      {"campaigns", "campaign"}, {"tidal-campaigns", "campaign"}, {"mitre-campaign", "campaign"},
  };
  for (const auto& [k, v] : kTypes)
    if (k == type) return v;
  const std::string c = ToLower(category);
  if (c == "actor" || c == "threat groups") return "intrusion-set";
  if (c == "campaigns") return "campaign";
  return {};
}

bool IsAttackId(std::string_view s) {
  return s.size() >= 5 && s.size() <= 12 && std::isupper(static_cast<unsigned char>(s[0])) &&
         std::all_of(s.begin() + 1, s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || c == '.'; });
}

void SplitAttackId(std::string& name, std::string& ext) {
  size_t p = name.rfind(" - ");
  if (p == std::string::npos || !IsAttackId(std::string_view(name).substr(p + 3))) return;
  if (ext.empty()) ext = name.substr(p + 3);
  name.resize(p);
}

}  // namespace onus::intel::detail
