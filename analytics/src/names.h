// Internal: domain-name helpers shared by the analyzer and its tests.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "onus/core/ip.h"
#include "onus/core/result.h"

namespace onus::analytics {

// Lower-case, trailing dots removed.
std::string NormalizeName(std::string_view name);
// True when `name` equals `zone` or is a subdomain of it (both normalized).
bool NameUnder(std::string_view name, std::string_view zone);

// A list of addresses/CIDRs and domain names (a domain matches itself and its subdomains).
struct NameList {
  std::vector<Cidr> cidrs;
  std::vector<std::string> names;
  static Result<NameList> Parse(const std::vector<std::string>& entries, const char* what);
  bool MatchesAddress(const IpAddress& a) const;
  bool MatchesName(std::string_view normalized) const;
  bool empty() const { return cidrs.empty() && names.empty(); }
};

}  // namespace onus::analytics
