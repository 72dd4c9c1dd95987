// The analyst's case context (`--context context.json`, /work/shared/design/assessment-io.md):
// defended sites with segments and CIDRs, what telemetry was watched, events in the world, and
// annotations of infrastructure (cdn, dynamic-dns, compromised-device, scanner...).
//
// Contract: Load() validates the whole file and names the JSON path and line of the first
// problem; an empty context (no file) is valid and locates nothing. Locate() answers which site and
// segment an address belongs to (most specific CIDR wins; egress addresses belong to their site
// with segment "egress"). Every item keeps the 1-based line on which its JSON object begins, for
// provenance.
// Thread-safety: immutable after Load(); share freely.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "onus/core/ip.h"
#include "onus/core/result.h"
#include "onus/core/time.h"

namespace onus {

struct ContextSegment {
  std::string id, kind;  // kind: it, ot, dmz, ...
  std::vector<Cidr> cidrs;
};

struct ContextSite {
  std::string id, name, sector, subsector, country;
  std::vector<ContextSegment> segments;
  std::vector<IpAddress> egress;
  int line = 0;
};

struct TelemetryWindow {
  std::string site;
  Timestamp from, to;
  std::vector<std::string> kinds;
  int line = 0;
};

struct ContextEvent {
  std::string id, kind, site, segment, description;
  Timestamp from, to;
  bool has_cause = false;
  std::string cause_kind, cause_text, cause_grade;
  std::vector<std::string> region_sites;
  int line = 0;
};

struct InfrastructureNote {
  std::string value;  // an address, CIDR or domain name
  std::string kind;   // dedicated, shared-hosting, cdn, dynamic-dns, compromised-device, sinkhole, parked,
                      // tor-exit, vpn, scanner, shared-egress
  std::string source, grade, country, note;
  std::optional<Timestamp> from;
  int line = 0;
};

struct Location {
  std::string site, segment, segment_kind;
  bool found() const { return !site.empty(); }
};

class CaseContext {
 public:
  static Result<CaseContext> Load(const std::string& path);
  static Result<CaseContext> Parse(const std::string& json_text, const std::string& path_for_errors);

  const std::vector<ContextSite>& sites() const { return sites_; }
  const std::vector<TelemetryWindow>& telemetry() const { return telemetry_; }
  const std::vector<ContextEvent>& events() const { return events_; }
  const std::vector<InfrastructureNote>& infrastructure() const { return infrastructure_; }
  const std::string& path() const { return path_; }
  const std::string& sha256() const { return sha256_; }

  Location Locate(const IpAddress& addr) const;
  // True when the address is inside any site's segment CIDRs or egress list.
  bool IsInternal(const IpAddress& addr) const { return Locate(addr).found(); }
  const ContextSite* FindSite(const std::string& id) const;
  // Notes whose value equals the address, contains it (CIDR) or is a parent domain of the name.
  std::vector<const InfrastructureNote*> NotesFor(const std::string& value) const;
  // Whether `site` was watched for `kind` ("conn", "dns"...; empty = any) at time t.
  bool Watched(const std::string& site, const std::string& kind, Timestamp t) const;

 private:
  std::string path_, sha256_;
  std::vector<ContextSite> sites_;
  std::vector<TelemetryWindow> telemetry_;
  std::vector<ContextEvent> events_;
  std::vector<InfrastructureNote> infrastructure_;
};

// Lines (1-based) on which each element object of the top-level array `key` begins, in order.
// Used for provenance of JSON inputs (context, claims, bundles). Empty when the key is absent.
std::vector<int> ArrayElementLines(const std::string& json_text, const std::string& key);
// For each element object of the top-level array `key`, the line of its own member `member` (the
// line that holds the fact a provenance reference points at: an id, a value); the element's first
// line when it has no such member.
// `element_lines`, when given, receives ArrayElementLines' result from the same scan.
std::vector<int> ArrayElementMemberLines(const std::string& json_text, const std::string& key,
                                         const std::string& member, std::vector<int>* element_lines = nullptr);

}  // namespace onus
