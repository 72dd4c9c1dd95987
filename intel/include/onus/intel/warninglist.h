// MISP warning lists as infrastructure context: "this address is Cloudflare's", "this name is
// under a dynamic-DNS zone", "this resolver is public". Context lowers suspicion and weakens
// identity evidence; it never silently drops a sighting (callers attach the hits to what they
// report).
// Contract: WarningListSet is built once from list.json files and is then immutable. Lookups
// return every list that contains the value: CIDR lists by address (one sorted table of disjoint
// ranges per family, binary search: O(log n) whatever the number of lists), hostname lists by
// the name and each parent (label walk, never substrings), string lists by exact
// (case-insensitive) value, substring lists by scan (they are small). Regex lists are counted as
// unsupported and not used.
// Kinds come from the list's folder name and title (see intel/README.md for the table).
// Thread-safety: const lookups may run from many threads at once.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "onus/core/ip.h"
#include "onus/core/result.h"

namespace onus::intel {

enum class InfraKind { kCdn, kCloud, kPublicDns, kDynamicDns, kSinkhole, kParked, kScanner, kOther };
// "cdn", "cloud", "public-dns", "dynamic-dns", "sinkhole", "parked", "scanner", "other".
std::string_view InfraKindName(InfraKind kind);

struct WarningList {
  std::string id;    // folder name ("cloudflare"), or the file stem
  std::string name;  // the list's own title
  std::string type;  // cidr | hostname | string | substring | regex
  InfraKind kind = InfraKind::kOther;
  size_t entries = 0;
};

struct WarningListHit {
  const WarningList* list = nullptr;  // points into the set
  std::string matched;  // the entry that matched (hostname: the zone; string: the value; cidr: "")
};

class WarningListSet {
 public:
  // Every <dir>/*/list.json (the misp-warninglists layout) or a single list.json file.
  static Result<WarningListSet> Load(const std::string& path);
  static Result<WarningListSet> LoadFiles(const std::vector<std::string>& list_json_paths);

  WarningListSet();
  ~WarningListSet();
  WarningListSet(WarningListSet&&) noexcept;
  WarningListSet& operator=(WarningListSet&&) noexcept;

  std::vector<WarningListHit> LookupIp(const IpAddress& addr) const;
  // The name itself and every parent zone ("a.b.example.com" -> also b.example.com, example.com).
  std::vector<WarningListHit> LookupHost(std::string_view name) const;
  // Hashes and other exact strings (case-insensitive), plus substring lists.
  std::vector<WarningListHit> LookupString(std::string_view value) const;
  // Dispatches on the value's shape: IP address, else host name (also string lists).
  std::vector<WarningListHit> Lookup(std::string_view value) const;

  const std::vector<WarningList>& lists() const;
  size_t unsupported_entries() const;  // regex entries and unparsable CIDRs

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace onus::intel
