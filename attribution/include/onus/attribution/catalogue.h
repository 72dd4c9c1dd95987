// The attribution catalogue: who is known to use what, loaded from STIX 2.x bundles (the ATT&CK
// enterprise/ICS bundles, or bundles other intel produces).
//
// Contents: intrusion-sets (groups) with aliases; software (malware, tool) and attack-patterns
// (techniques, with the ATT&CK id T1234/T1234.001 taken from external_references) as *targets*;
// `uses` relationships from an intrusion-set to a target, and from a campaign that is
// `attributed-to` an intrusion-set (then credited to that group, `via_campaign` set). Each relation
// keeps the citations (external_references source_name) that support it, so an evaluation can hold
// out one report.
//
// Invariants of a built Catalogue:
//  - revoked or deprecated (x_mitre_deprecated) objects and relationships are skipped; a
//    `revoked-by` relationship redirects lookups of the revoked id to its replacement;
//  - groups() and targets() are sorted by STIX id; uses() is sorted by (group, target) and has at
//    most one entry per pair (citations of duplicate relationships are merged, sorted, unique);
//  - a relation whose source or target is not a live object of the catalogue is dropped and counted
//    in stats().dangling_relationships (never fatal: bundles reference objects of other bundles);
//  - objects with the same id in several bundles: the one with the latest `modified` wins.
// A Catalogue is immutable once built; WithoutCitation/WithoutGroup return new catalogues.
// Thread-safety: a built Catalogue is safe to share between threads (const only). A
// CatalogueBuilder is single-threaded.
#pragma once

#include <cstdint>
#include <memory>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "onus/core/result.h"

namespace onus::attribution {

enum class CatalogueKind : uint8_t { kIntrusionSet, kMalware, kTool, kAttackPattern };

std::string_view CatalogueKindName(CatalogueKind kind);  // the STIX type name
inline bool IsSoftware(CatalogueKind kind) {
  return kind == CatalogueKind::kMalware || kind == CatalogueKind::kTool;
}

// One loaded STIX object (group or target).
struct CatalogueEntry {
  std::string stix_id;
  CatalogueKind kind = CatalogueKind::kAttackPattern;
  std::string name;
  // ATT&CK id from the "mitre-attack"/"mitre-ics-attack" external reference ("G0007", "S0154",
  // "T1059.001"); empty when the bundle gives none.
  std::string external_id;
  std::vector<std::string> aliases;  // intrusion-set `aliases`, software `x_mitre_aliases`
  std::string modified;              // RFC 3339 text as given (used to pick among duplicates)
  uint32_t source = 0;               // index into Catalogue::sources()
};

// A `uses` relation from a group to a target.
struct UsesRelation {
  uint32_t group = 0;   // index into groups()
  uint32_t target = 0;  // index into targets()
  std::vector<std::string> relationship_ids;  // sorted; the STIX relationship(s) behind it
  std::vector<std::string> citations;         // sorted, unique source_name values
  std::vector<std::string> via_campaigns;     // sorted campaign ids when credited via attributed-to
  bool direct = false;                        // at least one intrusion-set → target relationship
};

// Where a catalogue came from (provenance of every relation).
struct CatalogueSource {
  std::string path;    // as given
  std::string sha256;  // of the file as stored (compressed files hashed compressed); "" for text input
  uint64_t objects = 0;
};

struct CatalogueStats {
  uint64_t objects = 0;                   // objects seen in all bundles
  uint64_t skipped_revoked = 0;           // objects or relationships with revoked: true
  uint64_t skipped_deprecated = 0;        // x_mitre_deprecated: true
  uint64_t dangling_relationships = 0;    // uses/attributed-to naming an unknown or dead object
  uint64_t ignored_objects = 0;           // other STIX types (identity, course-of-action, …)
  uint64_t malformed_objects = 0;         // objects without a string type/id (skipped)
};

class Catalogue {
 public:
  Catalogue() = default;

  const std::vector<CatalogueEntry>& groups() const { return groups_; }
  const std::vector<CatalogueEntry>& targets() const { return targets_; }
  const std::vector<UsesRelation>& uses() const { return uses_; }
  const std::vector<CatalogueSource>& sources() const { return sources_; }
  const CatalogueStats& stats() const { return stats_; }
  // (software, technique) target index pairs from malware/tool `uses` attack-pattern, sorted.
  const std::vector<std::pair<uint32_t, uint32_t>>& software_techniques() const { return software_techniques_; }

  // Lookups by STIX id (after following revoked-by redirects).
  std::optional<uint32_t> FindGroup(std::string_view stix_id) const;
  std::optional<uint32_t> FindTarget(std::string_view stix_id) const;
  // By ATT&CK id ("T1059.001", "S0154", "G0007"); case-sensitive.
  std::optional<uint32_t> FindTargetByExternalId(std::string_view external_id) const;
  std::optional<uint32_t> FindGroupByExternalId(std::string_view external_id) const;
  // For a sub-technique T1234.001, the index of T1234 when present.
  std::optional<uint32_t> ParentTechnique(uint32_t target) const;
  // The revoked id → replacement id map (as loaded).
  const std::unordered_map<std::string, std::string>& redirects() const { return redirects_; }

  // A catalogue where `citation` no longer supports `group`'s relations; a relation left without
  // any citation (and that had one) disappears. Used to hold out one report.
  Catalogue WithoutCitation(uint32_t group, std::string_view citation) const;
  // A catalogue without any of `group`'s relations that `citation` supports, even when other
  // reports support them too (the literal "catalogue without the held-out relationships"; a
  // (group, target) pair is one merged relation here, so a pair that another relationship also
  // states disappears with it).
  Catalogue WithoutRelationsCiting(uint32_t group, std::string_view citation) const;
  // A catalogue without `group` at all (open-set evaluation). Group indices above it shift down.
  Catalogue WithoutGroup(uint32_t group) const;

 private:
  friend class CatalogueBuilder;
  void Index();  // builds the lookup maps from the vectors
  Catalogue CopyWithoutUses() const;  // everything but uses_ (not yet indexed): the Without* variants

  std::vector<CatalogueEntry> groups_;
  std::vector<CatalogueEntry> targets_;
  std::vector<UsesRelation> uses_;
  std::vector<std::pair<uint32_t, uint32_t>> software_techniques_;
  std::vector<CatalogueSource> sources_;
  CatalogueStats stats_;
  std::unordered_map<std::string, std::string> redirects_;
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  using IndexMap = std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>>;
  IndexMap group_by_id_, target_by_id_, group_by_ext_, target_by_ext_;
  std::vector<int32_t> parent_;  // per target: parent technique index or -1
};

// Accumulates bundles, then resolves relationships across all of them.
// Thread-safety: single-threaded.
class CatalogueBuilder {
 public:
  CatalogueBuilder();
  ~CatalogueBuilder();
  CatalogueBuilder(CatalogueBuilder&&) noexcept;
  CatalogueBuilder& operator=(CatalogueBuilder&&) noexcept;

  // Reads a bundle file (gzip or plain). Errors: NotFound/IoError for the file, Corrupt for text
  // that is not JSON, InvalidArgument for JSON that is not a STIX bundle ({"type":"bundle",
  // "objects":[…]}). Every message names the path.
  Status AddBundleFile(const std::string& path);
  // Same for text already in memory; `label` stands for the path in messages and provenance.
  Status AddBundleText(std::string_view json, std::string label);

  // Resolves and returns the catalogue; the builder is left empty.
  Result<Catalogue> Build();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Loads every path in order into one catalogue.
Result<Catalogue> LoadCatalogue(const std::vector<std::string>& paths);

}  // namespace onus::attribution
