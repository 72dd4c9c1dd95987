// The evidence builder: turns what a case holds (sightings, findings, observations, intel objects)
// plus the analyst's context and third-party claims into EvidenceItems with provenance, and the
// typed facts the attribution stage weighs (site contacts, listings, intrusion sets, certificates,
// grid events). It describes; it never weighs (weights live in onus::attribution).
//
// Contract:
// - Sightings are aggregated per indicator value x site x segment: first/last seen, count, hosts,
//   direction (outbound, inbound, dns) and pattern (periodic, repeated, single).
// - Every item gets provenance down to input records: capped at `max_provenance` records per item,
//   earliest first; JSON inputs (bundles, context, claims) cite the line their object begins on.
// - Item ids are assigned in a stable order (type, site, about), so the same case gives the same
//   ids. Nothing reads the clock.
// - A listing that only repeats another loaded indicator (STIX derived-from) is marked derived; its
//   root is the indicator it copies (followed transitively, cycles cut).
// Thread-safety: Build() is a pure function of its arguments; results are plain values.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "onus/core/case_context.h"
#include "onus/core/result.h"
#include "onus/evidence/claims.h"
#include "onus/evidence/evidence_item.h"
#include "onus/store/case_store.h"

namespace onus::evidence {

// One indicator that lists an infrastructure value.
struct Listing {
  std::string indicator_id, value, value_type;
  std::string source_id, source_name, grade;  // grade of the listing source (Admiralty)
  std::string root_indicator, root_source;    // what it ultimately repeats (itself when original)
  bool derived = false;                       // repeats another loaded indicator
  bool compromised = false;                   // indicator_types says a third party's machine
  std::optional<Timestamp> valid_from, valid_until;
  std::vector<std::string> intrusion_sets;    // ids this indicator `indicates`
  std::vector<std::string> malware;
  ProvenanceRecord prov;
};

struct NexusAssertion {  // an originates-from relationship of an intrusion set
  std::string country;
  int confidence = -1;
  std::string grade, source_name, root;
  ProvenanceRecord prov;
};

struct IntrusionSet {
  std::string id, name;
  std::vector<std::string> aliases;
  std::string source_name, grade;
  std::vector<NexusAssertion> nexus;
  ProvenanceRecord prov;
};

// Aggregated sightings of one value at one site and segment.
struct SiteContact {
  std::string value, value_type, site, segment, segment_kind;
  std::string direction;  // "outbound", "inbound", "dns"
  std::string pattern;    // "periodic", "repeated", "single"
  Timestamp first_seen, last_seen;
  int64_t count = 0;      // distinct records
  std::set<std::string> hosts;  // internal hosts involved
  std::set<std::string> resp_addresses;  // external addresses contacted (for certificate lookups)
  std::vector<size_t> listings;  // indexes into CaseEvidence::listings
  std::string infra_kind;        // from context annotations ("" = none)
  std::string infra_country;
  bool stale = false;            // every sighting outside its indicator's validity
  int64_t stale_days = 0;        // days past validity at the last sighting (0 when fresh)
  size_t item = 0;               // index into CaseEvidence::items
};

// A TLS certificate presented by infrastructure the case's sightings touch.
struct CertificateUse {
  std::string fingerprint, subject, issuer;
  bool self_signed = false;
  std::set<std::string> sites;
  std::set<std::string> addresses;       // server addresses presenting it
  std::set<std::string> listed_values;   // sighted values (address or name) presenting it
  bool on_unlisted = false;              // also presented by servers no sighting touches
  size_t item = 0;
};

struct GridEvent {
  Timestamp ts;
  std::string site, asset, event, initiator, command, console, note;
  size_t item = 0;
};

struct Upload {  // exfil-upload finding
  std::string site, segment, src, dst;
  Timestamp first_seen, last_seen;
  int64_t bytes = 0;
  size_t item = 0;
};

struct OtReach {  // a flow or ICS command from an implicated host into an OT segment
  std::string site, segment, src, dst, kind;  // kind: "flow" | "ics-command"
  Timestamp ts;
  size_t item = 0;
};

struct CaseEvidence {
  std::vector<EvidenceItem> items;
  std::vector<Listing> listings;
  std::vector<IntrusionSet> intrusion_sets;
  std::vector<SiteContact> contacts;
  std::vector<CertificateUse> certificates;
  std::vector<GridEvent> grid_events;
  std::vector<Upload> uploads;
  std::vector<OtReach> ot_reach;
  std::map<std::string, size_t> coverage_item;     // site -> telemetry-coverage item
  std::map<std::string, size_t> cause_item;        // event id -> established-cause item
  std::map<std::string, size_t> claim_item;        // claim id -> claim item
  std::map<std::string, size_t> location_item;     // value -> infrastructure-location item
  std::map<size_t, size_t> listing_item;           // listing index -> intel-listing item
  std::map<std::string, size_t> nexus_item;        // "set id|country|root" -> intel-nexus item
  std::vector<store::InputRow> inputs;             // every input the case read
  std::vector<std::string> warnings;               // things skipped, one line each

  const IntrusionSet* FindIntrusionSet(const std::string& id) const;
  // An intrusion set whose name or alias equals `name` (case-insensitive), preferring a name match
  // and then the best-graded source. Null when none.
  const IntrusionSet* FindIntrusionSetByName(const std::string& name) const;
};

struct BuildOptions {
  size_t max_provenance = 5;
  // Read TLS certificates of sighted servers from the case's Zeek ssl/x509 inputs when present.
  bool read_certificates = true;
};

// `context` and `claims` may be empty objects (no file given).
Result<CaseEvidence> Build(store::CaseStore& store, const CaseContext& context, const ClaimSet& claims,
                           const BuildOptions& options = {});

// Writes every item with provenance into the case (CaseStore::PutEvidence). Records of files the
// case does not know (context, claims) are registered as inputs first.
Status StoreEvidence(store::CaseStore& store, const CaseEvidence& ev, const std::string& now_rfc3339);

}  // namespace onus::evidence
