// Activity clusters: sites whose intrusions share dedicated infrastructure (addresses, names) in
// time, or a unique certificate. Shared infrastructure (CDN, shared hosting, dynamic-DNS parents,
// compromised relays, shared egress, scanners) and inbound-only contact never link sites on their
// own. Links are weighed like any proposition (prior_link, LikelihoodTable); sites whose link
// posterior reaches 0.55 are joined (connected components), and a cluster's posterior is the
// weakest link of its maximum spanning tree.
// Thread-safety: pure functions.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "onus/attribution/likelihood.h"
#include "onus/evidence/case_evidence.h"

namespace onus::attribution {

struct Cluster {
  std::string id;  // cluster-N: larger clusters first, then by first site
  std::vector<std::string> sites;
  std::vector<std::string> infrastructure;  // admissible values the members contacted
  std::optional<Timestamp> first_seen, last_seen;
  std::vector<std::string> evidence;        // contact and certificate items
  Combination link;                         // weakest spanning-tree link (multi-site only)
  std::vector<size_t> contacts;             // indexes into CaseEvidence::contacts
};

// Whether a contact can speak to identity or grouping (outbound or DNS, not shared infrastructure).
bool Admissible(const evidence::SiteContact& c);
bool SharedInfrastructure(const std::string& infra_kind);
// A certificate that can link: self-signed with a subject, and never seen on unsighted servers.
bool UniqueCertificate(const evidence::CertificateUse& c);

// Link evidence between two sites (terms for Combine with prior_link).
std::vector<Term> LinkTerms(const evidence::CaseEvidence& ev, const std::string& a, const std::string& b,
                            const LikelihoodTable& t);
Combination LinkPosterior(const evidence::CaseEvidence& ev, const std::string& a, const std::string& b,
                          const LikelihoodTable& t);
// Weakest link of the maximum spanning tree over `sites` (all pairs weighed).
Combination GroupPosterior(const evidence::CaseEvidence& ev, const std::vector<std::string>& sites,
                           const LikelihoodTable& t);

// Clusters over `member_sites` (sites with a supported intrusion).
std::vector<Cluster> BuildClusters(const evidence::CaseEvidence& ev, const std::set<std::string>& member_sites,
                                   const LikelihoodTable& t);

}  // namespace onus::attribution
