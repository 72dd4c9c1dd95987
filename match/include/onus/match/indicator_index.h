// IndicatorIndex: the compiled, immutable form of a set of indicators' values, for matching
// telemetry at line rate.
//
// Structures (see match/README.md for sizes):
// - IPv4 and IPv6 exact addresses: open-addressing hash tables with the address inline.
// - CIDRs: for each family, the prefixes (a laminar family: any two are nested or disjoint) are
//   swept into sorted, non-overlapping elementary ranges; each range carries the list of every
//   prefix that covers it, so one binary search returns all matching CIDRs (longest first).
// - Everything else (domains, URLs, e-mail, serials, JA4 and the raw bytes of hex digests):
//   per-type open-addressing tables of (64-bit hash, arena offset) over one string arena.
//   Domains with DomainScope kZone / kSubdomainsOnly sit in a separate zone table that lookups
//   walk label by label ("a.b.example.com" → "b.example.com" → "example.com" → "com").
// A key maps to a posting: one entry id inline, or a run of entry ids in a postings array, so a
// lookup returns a span without allocating.
//
// Contract:
// - Build() normalises every value (normalize.h); a value that does not parse for its type is
//   skipped and counted in rejected(), with the first few reasons kept (never silently).
// - Lookups allocate nothing: they write normalised forms into the caller's MatchScratch (one per
//   thread) and return spans valid as long as the index lives.
// - Lookup cost does not depend on the number of indicators (hash probes; CIDRs: one binary search).
// Thread-safety: immutable after Build(); any number of threads may look up concurrently, each
// with its own MatchScratch.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "onus/core/ip.h"
#include "onus/core/result.h"
#include "onus/core/time.h"
#include "onus/match/indicator.h"
#include "onus/match/normalize.h"

namespace onus::match {

namespace detail {
struct IndexFileAccess;  // index files (index_file.h): saves and loads the private tables
}

// One (indicator, value) pair as compiled. 16 bytes.
struct IndexEntry {
  uint32_t indicator = 0;  // ordinal into IndicatorIndex::indicator()
  uint32_t value = 0;      // offset of the canonical value text in the index's text arena
  ValueType type = ValueType::kAddr;
  DomainScope scope = DomainScope::kExact;
  AddrRole role = AddrRole::kAny;
  uint8_t is_subnet = 0;   // kAddr given as a CIDR (shorter than a host prefix)
  uint32_t reserved = 0;
};

// Per-thread scratch for lookups (normalised observed values). Reused; grows once.
struct MatchScratch {
  char domain[kMaxDomainLength + 1];
  std::string text;
};

class IndicatorIndex {
 public:
  // The metadata of one indicator, compact: 24 bytes plus one byte of flags (strings live in the
  // index's arena; (source, grade) pairs are interned).
  struct Indicator {
    uint32_t id = 0;      // text offset
    uint32_t source = 0;  // index of the interned (source, grade) pair
    int64_t valid_from_ns = std::numeric_limits<int64_t>::min();   // min: no valid_from
    int64_t valid_until_ns = std::numeric_limits<int64_t>::max();  // max: open-ended
    bool has_valid_from() const { return valid_from_ns != std::numeric_limits<int64_t>::min(); }
    bool has_valid_until() const { return valid_until_ns != std::numeric_limits<int64_t>::max(); }
  };

  class Builder {
   public:
    Builder();
    ~Builder();
    Builder(Builder&&) noexcept;
    Builder& operator=(Builder&&) noexcept;
    // Adds one indicator and its values. Returns its ordinal.
    uint32_t Add(const IndicatorSpec& spec);
    // Adds a value to an indicator already added.
    void AddValue(uint32_t indicator, const ValueSpec& value);
    size_t indicator_count() const;
    // Compiles. The builder is left empty.
    Result<std::shared_ptr<const IndicatorIndex>> Build();

   private:
    friend class IndicatorIndex;
    struct Impl;
    std::unique_ptr<Impl> impl_;
  };

  ~IndicatorIndex();
  IndicatorIndex(const IndicatorIndex&) = delete;
  IndicatorIndex& operator=(const IndicatorIndex&) = delete;

  // Entries whose value is this exact address.
  std::span<const uint32_t> LookupAddrExact(const IpAddress& a) const;
  // Entries whose CIDR contains the address, longest prefix first.
  std::span<const uint32_t> LookupAddrSubnets(const IpAddress& a) const;
  // Whether any address entry (exact or CIDR, whatever its role) matches `a`.
  bool MatchesAddr(const IpAddress& a) const {
    return !LookupAddrExact(a).empty() || (has_subnets_ && !LookupAddrSubnets(a).empty());
  }
  // Calls f(entry_id) for every address entry matching `a` (exact, then CIDRs).
  template <typename F>
  void ForEachAddrMatch(const IpAddress& a, F&& f) const {
    for (uint32_t e : LookupAddrExact(a)) f(e);
    if (has_subnets_)
      for (uint32_t e : LookupAddrSubnets(a)) f(e);
  }
  // Calls f(entry_id) for every domain entry matching the name: exact and zone entries for the
  // name itself, then zone/subdomain entries of each parent. Returns false if the name is not a
  // valid domain (nothing is called).
  template <typename F>
  bool ForEachDomainMatch(std::string_view name, MatchScratch& scratch, F&& f) const;
  // Entries whose value equals `value` of the given type (every type but kAddr/kDomain; for the hex
  // types `value` is hex text). Empty when the value does not parse.
  std::span<const uint32_t> LookupValue(ValueType type, std::string_view value, MatchScratch& scratch) const;

  const IndexEntry& entry(uint32_t id) const { return entries_[id]; }
  const Indicator& indicator(uint32_t ordinal) const { return indicators_[ordinal]; }
  std::string_view text(uint32_t offset) const;
  std::string_view entry_value(uint32_t id) const { return text(entries_[id].value); }
  std::string_view indicator_id(uint32_t ordinal) const { return text(indicators_[ordinal].id); }
  std::string_view indicator_source(uint32_t ordinal) const { return text(sources_[indicators_[ordinal].source].first); }
  std::string_view indicator_grade(uint32_t ordinal) const { return text(sources_[indicators_[ordinal].source].second); }
  bool indicator_revoked(uint32_t ordinal) const { return flags_[ordinal] & 0x80; }
  // 0..100, or -1 when the feed gave none.
  int indicator_confidence(uint32_t ordinal) const { return static_cast<int>(flags_[ordinal] & 0x7f) - 1; }
  // Whether the indicator is valid (inside its window and not revoked) at time t.
  bool ValidAt(uint32_t ordinal, Timestamp t) const;

  size_t indicator_count() const { return indicators_.size(); }
  size_t entry_count() const { return entries_.size(); }
  // Values that could not be compiled, and the first few reasons ("domain 'a..b': empty label").
  size_t rejected() const { return rejected_; }
  const std::vector<std::string>& rejected_samples() const { return rejected_samples_; }
  // Values per type (for the summary and tests).
  size_t count(ValueType t) const { return per_type_[static_cast<int>(t)]; }
  bool has_type(ValueType t) const { return per_type_[static_cast<int>(t)] != 0; }
  bool has_subnets() const { return has_subnets_; }
  // Approximate heap bytes held (tables, arenas, entries).
  size_t MemoryBytes() const;

  // Internal tables (defined in src/); public only so the builder in the .cc can fill them.
  struct Tables;

 private:
  friend struct detail::IndexFileAccess;
  IndicatorIndex();
  bool ZoneLookup(std::string_view name, std::span<const uint32_t>& out) const;
  std::span<const uint32_t> DomainExact(std::string_view name) const;

  std::unique_ptr<Tables> t_;
  std::vector<IndexEntry> entries_;
  std::vector<Indicator> indicators_;
  std::vector<uint8_t> flags_;  // per indicator: bit 7 revoked, bits 0-6 confidence + 1 (0 = none)
  std::vector<std::pair<uint32_t, uint32_t>> sources_;  // (source, grade) text offsets
  size_t rejected_ = 0;
  std::vector<std::string> rejected_samples_;
  size_t per_type_[kValueTypeCount] = {};
  bool has_subnets_ = false, has_zones_ = false;
};

template <typename F>
bool IndicatorIndex::ForEachDomainMatch(std::string_view name, MatchScratch& scratch, F&& f) const {
  size_t len = 0;
  if (!NormalizeDomainInto(name, scratch.domain, len)) return false;
  std::string_view n(scratch.domain, len);
  for (uint32_t e : DomainExact(n)) f(e);
  if (!has_zones_) return true;
  std::span<const uint32_t> hits;
  if (ZoneLookup(n, hits))
    for (uint32_t e : hits)
      if (entries_[e].scope == DomainScope::kZone) f(e);
  for (size_t dot = n.find('.'); dot != std::string_view::npos; dot = n.find('.', dot + 1)) {
    if (ZoneLookup(n.substr(dot + 1), hits))
      for (uint32_t e : hits) f(e);
  }
  return true;
}

}  // namespace onus::match
