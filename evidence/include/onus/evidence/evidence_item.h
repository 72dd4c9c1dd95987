// Evidence items: what onus weighs, each traceable to the input records it rests on
// (/work/shared/design/evidence-model.md). Also the Admiralty grade and its weight.
//
// Contract:
// - An EvidenceItem is a plain value. `provenance` holds at least one record for every item that
//   leaves the evidence builder (path + SHA-256 of the file as read + 1-based line or packet).
// - `root` names the provenance root (the collection source or the report an item ultimately rests
//   on): items that share a root are dependent and are tempered together when combined.
// - `derived_from` lists what the item repeats; an item that only repeats another has weight 0.
// Thread-safety: value types and pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "onus/core/time.h"

namespace onus::evidence {

// One input record an item rests on. Exactly one of line/packet is > 0.
struct ProvenanceRecord {
  std::string path, sha256;
  int64_t line = 0, packet = 0;
  auto operator<=>(const ProvenanceRecord&) const = default;
};

struct Scope {
  std::string site, segment, event;
  std::optional<Timestamp> from, to;
};

struct EvidenceItem {
  std::string id;     // "ev-N", assigned by the builder in a stable order
  std::string type;   // network-sighting, dns-lookup, inbound-probe, exfil-upload, certificate,
                      // ot-reach, ics-command, grid-event, established-cause, telemetry-coverage,
                      // infrastructure-annotation, intel-listing, intel-nexus, infrastructure-location,
                      // claim
  std::string about;  // the indicator value, certificate fingerprint, event id, claim id...
  Scope scope;
  std::optional<Timestamp> first_seen, last_seen;
  int64_t count = 0;
  std::string source;  // "telemetry", "context", an intel source name, a claim's source name
  std::string grade;   // Admiralty grade of what makes the item diagnostic ("B2"); "" = unknown
  std::vector<std::string> derived_from;
  std::string root;    // provenance root for dependence grouping
  std::vector<ProvenanceRecord> provenance;
  // Typed attributes (stable order): "pattern" (periodic|repeated|single), "direction",
  // "infra_kind", "hosts", "listed_by", "stale", "cert_subject"...
  std::map<std::string, std::string> attrs;

  std::string Attr(const std::string& key) const {
    auto it = attrs.find(key);
    return it == attrs.end() ? std::string() : it->second;
  }
};

// Admiralty code: source reliability A–F, information credibility 1–6.
struct Grade {
  char source = 'F';
  int info = 6;
  bool valid = false;
};

// Parses "B2" (case-insensitive). Missing or malformed text yields an invalid grade (weight of F6).
Grade ParseGrade(const std::string& text);

// Reliability weight w_i (evidence-model.md): A 1.0, B 0.85, C 0.6, D 0.3, E 0.1, F 0.2, scaled
// by the information grade (1–3: x1.0, 4: x0.7, 5: x0.4, 6: x0.5 "cannot be judged").
double GradeWeight(const Grade& g);
double GradeWeight(const std::string& text);

// The better of two grades (higher weight; ties keep `a`).
std::string BetterGrade(const std::string& a, const std::string& b);

}  // namespace onus::evidence
