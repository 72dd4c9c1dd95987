// Domain-name helpers: parent (registrable) domain and list matching.
#include <algorithm>
#include <array>
#include <string>
#include <string_view>

#include "onus/analytics/analyzer.h"
#include "names.h"

namespace onus::analytics {
namespace {

// Second-level labels that act as public suffixes under two-letter country codes (co.uk, com.au,
// ac.jp, gov.br...). An approximation of the Public Suffix List: see README "Spec decisions".
constexpr std::array<std::string_view, 14> kPublicSecondLevel = {"co", "com", "net", "org", "gov", "edu", "ac",
                                                                 "or", "ne", "go", "mil", "gob", "nic", "ltd"};

}  // namespace

std::string NormalizeName(std::string_view name) {
  std::string out(name);
  while (!out.empty() && out.back() == '.') out.pop_back();
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string ParentDomain(std::string_view raw) {
  const std::string name = NormalizeName(raw);
  if (name.empty()) return name;
  // Positions of the dots from the right.
  size_t last = name.rfind('.');
  if (last == std::string::npos) return name;
  size_t second = last == 0 ? std::string::npos : name.rfind('.', last - 1);
  if (second == std::string::npos) return name;
  const std::string_view tld = std::string_view(name).substr(last + 1);
  const std::string_view sld = std::string_view(name).substr(second + 1, last - second - 1);
  const bool cc_tld = tld.size() == 2;
  const bool public_sld =
      cc_tld && std::find(kPublicSecondLevel.begin(), kPublicSecondLevel.end(), sld) != kPublicSecondLevel.end();
  if (!public_sld) return name.substr(second + 1);
  if (second == 0) return name;
  size_t third = name.rfind('.', second - 1);
  if (third == std::string::npos) return name;
  return name.substr(third + 1);
}

bool NameUnder(std::string_view name, std::string_view zone) {
  if (zone.empty() || name.size() < zone.size()) return false;
  if (name.size() == zone.size()) return name == zone;
  return name.substr(name.size() - zone.size()) == zone && name[name.size() - zone.size() - 1] == '.';
}

Result<NameList> NameList::Parse(const std::vector<std::string>& entries, const char* what) {
  NameList out;
  for (const auto& e : entries) {
    if (e.empty()) return Status::InvalidArgument(std::string(what) + ": empty entry");
    if (e.find('/') != std::string::npos || IpAddress::Parse(e).ok()) {
      auto c = Cidr::Parse(e);
      if (!c.ok()) return Status::InvalidArgument(std::string(what) + ": '" + e + "' is not an address or CIDR");
      out.cidrs.push_back(*c);
    } else {
      std::string n = NormalizeName(e);
      if (n.empty() || n.find_first_of(" \t,;") != std::string::npos)
        return Status::InvalidArgument(std::string(what) + ": '" + e + "' is not a domain name");
      out.names.push_back(std::move(n));
    }
  }
  return out;
}

bool NameList::MatchesAddress(const IpAddress& a) const {
  for (const auto& c : cidrs)
    if (c.Contains(a)) return true;
  return false;
}

bool NameList::MatchesName(std::string_view normalized) const {
  for (const auto& n : names)
    if (NameUnder(normalized, n)) return true;
  return false;
}

}  // namespace onus::analytics
