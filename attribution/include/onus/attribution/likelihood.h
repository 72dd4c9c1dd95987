// The likelihood model of `onus assess`: a table-driven pure function from an evidence item and
// the proposition it bears on to a likelihood ratio, and the log-odds combination of
// /work/shared/design/evidence-model.md:
//   logit P(H|E) = logit prior(H) + sum over dependence groups of the group's tempered sum of
//   w_i * ln LR_i, where w_i comes from the item's Admiralty grade.
// Tempering (our choice, see attribution/README.md "Assessment"): within a group the strongest
// contribution counts fully and every further one is divided by T (2), so adding a dependent item
// never lowers the posterior, ten repeats of one report never count ten times, and a group's total
// is capped at w_max * ln(100).
// Thread-safety: pure functions and value types.
#pragma once

#include <string>
#include <vector>

namespace onus::attribution {

// One weighed contribution to a proposition.
struct Term {
  std::string item;   // evidence id
  std::string group;  // dependence group (provenance root)
  double lr = 1;      // likelihood ratio after staleness decay
  double weight = 1;  // reliability weight w_i (0 = repetition: counts nothing)
  bool diagnostic = false;  // an item against that is diagnostic (enables `contradicted`)
  double log_contribution() const;  // weight * ln(lr)
};

struct Combination {
  double prior = 0.5;
  double posterior = 0.5;
  double log_odds = 0;
  std::vector<std::string> for_items, against_items;  // ids with positive / negative contribution
  bool diagnostic_against = false;
  int groups_for = 0;  // independent groups with a positive contribution
};

inline constexpr double kGroupTemper = 2.0;
inline constexpr double kGroupCapLr = 100.0;

// Combines terms in a stable order (by group, then item id). Items with weight 0 or LR 1 are
// neither for nor against.
Combination Combine(double prior, std::vector<Term> terms);

double Logit(double p);
double Logistic(double x);

// Staleness: LR_eff = 1 + (LR - 1) * exp(-days / tau_days).
double Decay(double lr, double days, double tau_days);

// Design defaults (evidence-model.md bands), in one table so tests and README quote them.
struct LikelihoodTable {
  // intrusion: network contact with listed infrastructure by pattern
  double contact_periodic = 20, contact_repeated = 8, contact_single = 2;
  double dns_periodic = 10, dns_repeated = 5, dns_single = 2;
  double upload_to_c2 = 10;
  double certificate_match = 5;          // contact whose server presents the cluster's certificate
  double compromised_factor = 0.3;       // relays: LR' = 1 + (LR - 1) * factor
  double absent_in_watched_scope = 0.3;  // watched, nothing admissible (not diagnostic)
  // capability
  double ot_flow = 10, ics_command = 30, c2_from_ot = 20;
  double ot_watched_nothing = 0.25;
  // causation
  double mechanism_command = 10;
  double established_cause = 0.1;        // diagnostic against
  double no_anomalous_command = 0.5;     // diagnostic against (grid telemetry watched)
  double no_capability = 0.3;
  double capability_for = 3;             // the activity reached the failed assets' segment
  // cluster / actor
  double overlap_dedicated = 30, overlap_unannotated = 20;  // same infrastructure, same time
  double certificate_reuse = 50;         // unique self-signed certificate on both sides
  double actor_overlap_dedicated = 30, actor_overlap_unannotated = 10;
  // nexus: 1 + k * confidence / 100 from an originates-from assertion
  double nexus_per_confidence = 19;
  // priors
  double prior_intrusion = 0.25, prior_capability = 0.3, prior_causation = 0.1, prior_link = 0.1;
  double prior_unknown_actor = 0.5, prior_nexus = 0.25, prior_intent = 0.33;
  // staleness time constants (days)
  double tau_ip = 60, tau_domain = 180;
  double overlap_window_days = 30;
};

const LikelihoodTable& DefaultTable();

}  // namespace onus::attribution
