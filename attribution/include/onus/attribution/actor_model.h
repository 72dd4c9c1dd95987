// The actor likelihood model: which catalogue group (or UNKNOWN, a group not in the catalogue)
// best explains a set of observed techniques and software, with calibrated posteriors and the
// hard abstention rules of shared/design/evidence-model.md.
//
// The model is table-driven: ActorModel::Compile turns a Catalogue and ActorModelParams into
// per-target base rates (how many groups use each target, shrunk by `shrinkage`), per-group
// profiles, sub-technique families and the techniques of each group's software. The likelihood is a
// pure function LogLikelihoodRatio(item, group) of those tables:
//   item in the group's profile          log LR = -log p_t            (p_t = (n_t + a) / (K + 2a))
//   same technique family (T1234.x)      log LR = g·(-log p_fam) + log k_family
//   a technique of the group's software  log LR = log k_software_technique
//   otherwise                            log LR = log k_miss (technique or software)
// UNKNOWN's log LR is a fitted constant per class (unknown_technique / unknown_software): an
// uncatalogued group is expected to fit an item as well as a typical catalogue group, not as well as
// one that is known to use it. Combining, per hypothesis G:
//   score(G) = (Σ_tech w·logLR / T_tech + Σ_soft w·logLR / T_soft − breadth·log(1+|profile G|)) / τ
//   log posterior ∝ log prior + score, UNKNOWN prior ≥ 0.2, named groups share the rest uniformly.
// Repetition is not corroboration: items are de-duplicated by target (the first occurrence wins)
// before combining. Arithmetic runs in log space in a fixed order; posteriors are rounded to
// kPosteriorDigits decimals in output so the same inputs give the same bytes.
//
// Verdict (hard rules after the arithmetic): supported only if the top group's posterior ≥ 0.80,
// its margin over the runner-up ≥ 0.30, P(UNKNOWN) ≤ 0.15 and at least two evidence classes
// (technique, software) each include a diagnostic item (IsDiagnostic) the named group is known to
// use; not_assessable when
// no item resolves to a catalogue target; otherwise not_supported (with the first failing rule).
// Thread-safety: a compiled ActorModel is immutable and safe to share between threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "onus/attribution/catalogue.h"
#include "onus/core/result.h"

namespace onus::attribution {

// Constants of the model. Defaults are the calibrated values documented in attribution/README.md
// ("Batch attribution") and attribution/eval/README.md.
struct ActorModelParams {
  double shrinkage = 0.78;                 // a: pseudo-count on base rates
  double family_gain = 0.5;                // g: weight of the family base rate
  double k_family = 0.19;                  // family match without the exact technique
  double k_software_technique = 1.0;       // technique the group's software is known to use
  double k_miss_technique = 0.30;          // technique the group is not known to use
  double k_miss_software = 0.109;          // software the group is not known to use
  double temper_technique = 4.82;          // T for the technique bundle (dependence group)
  double temper_software = 0.143;          // T for software (< 1: software weighs more)
  double breadth = 0.537;                  // penalty on very broad profiles
  double temperature = 19.0;               // τ: calibration temperature (fitted)
  // UNKNOWN's per-item log LR against the catalogue's scale (an uncatalogued group fits an item
  // about as well as the average catalogue group does); fitted with τ.
  double unknown_technique = 0.10;
  double unknown_software = -0.65;
  double prior_unknown = 0.35;             // P(UNKNOWN) before evidence (fitted); Validate() requires ≥ 0.2

  // Decision thresholds (evidence-model.md).
  double min_posterior = 0.80;
  double min_margin = 0.30;
  double max_unknown = 0.15;

  Status Validate() const;
};

enum class EvidenceClass : uint8_t { kTechnique, kSoftware };

// One observed item for the actor proposition: a resolved catalogue target with its weight (source
// grade, 0..1) and provenance.
struct ActorEvidence {
  uint32_t target = 0;      // index into Catalogue::targets()
  double weight = 1.0;      // w_i (Admiralty grade weight); 0 ignores the item
  std::string provenance;   // e.g. "case.json#sighting--…" (kept for reports, not used in scoring)
};

enum class ActorVerdict : uint8_t { kSupported, kNotSupported, kNotAssessable };
std::string_view ActorVerdictName(ActorVerdict v);

struct ActorHypothesis {
  int32_t group = -1;       // index into Catalogue::groups(); -1 = UNKNOWN
  double evidence = 0.0;    // combined, tempered log LR before the calibration temperature τ
  double log_score = 0.0;   // log prior + evidence / τ, before normalisation
  double posterior = 0.0;
};

struct ActorAssessment {
  // All hypotheses (every group plus UNKNOWN), sorted by posterior descending, then by STIX id
  // (UNKNOWN sorts as "UNKNOWN"). Posteriors sum to 1.
  std::vector<ActorHypothesis> hypotheses;
  ActorVerdict verdict = ActorVerdict::kNotAssessable;
  std::optional<uint32_t> named;  // the group when verdict is supported
  std::string rule;               // why not supported ("posterior < 0.80", …); empty when supported
  double p_unknown = 1.0;
  size_t items_used = 0;          // distinct targets combined
  size_t items_repeated = 0;      // dropped as repetitions of an earlier item
};

class ActorModel {
 public:
  // Compiles the tables; the model keeps a shared reference to the catalogue.
  static Result<ActorModel> Compile(std::shared_ptr<const Catalogue> catalogue, ActorModelParams params = {});

  const Catalogue& catalogue() const { return *catalogue_; }
  const ActorModelParams& params() const { return params_; }

  // The per-item log likelihood ratio of `target` under `group` against the background (before
  // weights, tempering and temperature). UNKNOWN (group < 0) is 0.
  double LogLikelihoodRatio(uint32_t target, int32_t group) const;
  // Number of catalogue groups known to use `target` (the base-rate count).
  uint32_t GroupsUsing(uint32_t target) const { return target < n_users_.size() ? n_users_[target] : 0; }
  bool GroupUses(uint32_t group, uint32_t target) const;
  // True when at most 10% of the weighable groups use `target` (it can make an evidence class count).
  bool IsDiagnostic(uint32_t target) const;
  static EvidenceClass ClassOf(const CatalogueEntry& target);

  ActorAssessment Assess(std::span<const ActorEvidence> items) const;

  // The two halves of Assess, for calibration: Score combines the evidence (hypotheses with
  // `evidence` set, in group order, UNKNOWN last; repetitions dropped); Decide applies a
  // temperature and UNKNOWN prior, normalises, sorts and applies the abstention rules.
  // Assess(items) == Decide(Score(items), params().temperature, params().prior_unknown).
  struct Scored {
    std::vector<ActorHypothesis> hypotheses;
    std::vector<uint32_t> targets;  // distinct targets used, first-occurrence order
    size_t repeated = 0;
    double technique_weight = 0, software_weight = 0;  // Σ w over distinct items per class
  };
  Scored Score(std::span<const ActorEvidence> items) const;
  ActorAssessment Decide(const Scored& scored, double temperature, double prior_unknown) const;

 private:
  ActorModel() = default;
  std::shared_ptr<const Catalogue> catalogue_;
  ActorModelParams params_;
  uint32_t groups_ = 0;
  uint32_t weighable_ = 0;                       // groups with a non-empty profile (K)
  std::vector<uint32_t> n_users_;                // per target
  std::vector<std::vector<uint32_t>> profile_;   // per group: sorted target indices
  std::vector<std::vector<uint32_t>> families_;  // per group: sorted family (parent technique) indices
  std::vector<std::vector<uint32_t>> sw_tech_;   // per group: sorted techniques of its software
  std::vector<uint32_t> family_users_;           // per target (as family root): groups using the family
  std::vector<int32_t> family_of_;               // per target: family root technique or -1
  std::vector<double> log_profile_size_;         // per group: log(1 + |profile|)
};

}  // namespace onus::attribution
