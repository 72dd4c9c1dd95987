// The actor likelihood model: which catalogue group (or UNKNOWN, a group not in the catalogue)
// best explains a set of observed techniques and software, with calibrated posteriors and the
// hard abstention rules of shared/design/evidence-model.md.
//
// The model is a smoothed multinomial per group and evidence class (technique, software), compiled
// from a Catalogue by ActorModel::Compile and read by the pure function LogLikelihoodRatio(item,
// group). For a technique t and group G (interpolated / m-estimate smoothing):
//   θ_G(t) = λ_e·[t ∈ P_G]/|P_G|                       the group's own techniques
//          + λ_f·(|P_G ∩ fam(t)|/|P_G|)·b_t/b_fam(t)    sub-technique ↔ parent backoff (same T1234 family)
//          + λ_s·[t ∈ S_G]/|S_G|                       techniques of the group's software (software `uses`)
//          + (1 − Σλ)·b_t                              the technique's base rate
//   b_t = (n_t + β)/(N + β·V): groups using t over all group→technique uses of the class (β pseudo-counts)
// and for software θ_G(s) = λ_w·[s ∈ P_G]/|P_G| + (1 − λ_w)·b_s. A component a group lacks (no
// techniques, no software, no software techniques) gives its mass to the base rate. The log LR
// against the background is log θ_G(t)/b_t: an item the group uses weighs like an inverse document
// frequency normalised by the group's profile size (a rare implant is diagnostic; a technique every
// group uses is ≈ 1; a broad profile spreads its mass), a miss costs log(1 − Σλ).
// UNKNOWN (a group not in the catalogue) is the background plus a fitted per-item log LR per class
// (unknown_technique / unknown_software). Combining, per hypothesis G:
//   score(G) = (Σ_tech w·logLR / T_tech + Σ_soft w·logLR / T_soft) / (τ·n^α), n distinct items
//   log posterior ∝ log prior + score, UNKNOWN prior ≥ 0.2, named groups share the rest uniformly.
// The constants are fitted by minimum negative log-likelihood on held-out cases of one fold of
// groups and checked on the other (attribution/eval/README.md).
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
  double background_pseudo = 0.5;           // β: pseudo-count on base-rate counts (fixed)
  double lambda_exact = 0.40;               // λ_e: techniques the group is known to use
  double lambda_family = 0.050;             // λ_f: other techniques of families the group uses
  double lambda_software_technique = 0.0;   // λ_s: techniques of the group's software
  double lambda_software = 0.15;            // λ_w: software the group is known to use
  double temper_technique = 2.0;            // T for the technique bundle (dependence group, design ≈ 2; fixed)
  double temper_software = 0.4204;          // T for software items (< 1: software weighs more)
  double temperature = 1.414;               // τ: calibration temperature
  // Dependence across a case's items: the effective temperature is τ·n^α for n distinct items, so
  // evidence grows like n^(1−α) rather than n (α = 0: independent items after tempering).
  double size_exponent = 0.0;
  // UNKNOWN's per-item log LR against the background.
  double unknown_technique = 0.0;
  double unknown_software = 0.10;
  double prior_unknown = 0.35;              // P(UNKNOWN) before evidence; Validate() requires ≥ 0.2
  // All but β and T_tech were fitted by minimum negative log-likelihood on the held-out cases of
  // all 87 evaluated groups (attribution_heldout --fit-all); the evaluation itself never uses these
  // values: it cross-fits them on disjoint folds of groups.

  // Decision thresholds (evidence-model.md).
  double min_posterior = 0.80;
  double min_margin = 0.30;
  double max_unknown = 0.15;

  Status Validate() const;
};

// Post-hoc calibration of the top hypothesis' posterior (attribution/eval/README.md,
// "Calibration"): logistic (Platt) maps from the raw top-1 posterior p to the probability that the
// top hypothesis is right, σ(slope·logit(p) + intercept), fitted by minimum log loss on held-out
// cases, one for cases whose top hypothesis is UNKNOWN and one for cases whose top hypothesis is a
// group. Apply() replaces the top posterior with the mapped value and rescales the others
// proportionally (they still sum to 1; the mapped value is clamped so the ranking never changes).
// A default-constructed calibration leaves posteriors alone.
struct LogisticMap {
  bool fitted = false;
  double slope = 1.0;      // ≥ 0: the map is non-decreasing
  double intercept = 0.0;
  double operator()(double raw) const;
};
struct PosteriorCalibration {
  LogisticMap unknown_top, group_top;
  // The mapped value is kept inside [kMinCalibrated, kMaxCalibrated] (a finite sample never
  // justifies certainty) and never below the value at which the runner-up would overtake the top.
  static constexpr double kMinCalibrated = 0.01, kMaxCalibrated = 0.99;

  bool empty() const { return !unknown_top.fitted && !group_top.fitted; }
  // Minimum log loss of (raw top-1 posterior, top is right) pairs per kind of top hypothesis:
  // coordinate descent on fixed grids (slope 0..4, intercept −4..4, step 0.05) from (1, 0), six
  // sweeps; deterministic. A kind with no pair stays unfitted (identity).
  static PosteriorCalibration Fit(const std::vector<std::pair<double, bool>>& unknown_top_pairs,
                                  const std::vector<std::pair<double, bool>>& group_top_pairs);
  // The maps fitted on the held-out cases of all evaluated groups with the shipped
  // ActorModelParams defaults (attribution_heldout --fit-all); the evaluation never uses them.
  static const PosteriorCalibration& Shipped();
  double Map(bool unknown_is_top, double raw) const;
  // posteriors: a distribution; top: the index of its maximum.
  void Apply(std::vector<double>& posteriors, size_t top, bool unknown_is_top) const;
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
  // `calibration` is applied to every assessment's posteriors (Decide); pass {} for raw posteriors.
  static Result<ActorModel> Compile(std::shared_ptr<const Catalogue> catalogue, ActorModelParams params = {},
                                    PosteriorCalibration calibration = PosteriorCalibration::Shipped());

  const Catalogue& catalogue() const { return *catalogue_; }
  const ActorModelParams& params() const { return params_; }
  const PosteriorCalibration& calibration() const { return calibration_; }

  // The per-item log likelihood ratio of `target` under `group` against the background (before
  // weights, tempering and temperature). UNKNOWN (group < 0) is 0.
  double LogLikelihoodRatio(uint32_t target, int32_t group) const;
  // The λ-free parts of θ_G(t) (for fitting the λs without recompiling): the probability each
  // component gives t, the base rate, and which components the group has.
  struct Components {
    double exact = 0, family = 0, software_technique = 0, base = 1;
    bool software = false;          // t is a software item
    bool has_profile = false;       // the group has items of t's class (exact/family mass exists)
    bool has_software_techniques = false;
  };
  Components ComponentsOf(uint32_t target, uint32_t group) const;
  // UNKNOWN's combined evidence (before τ) from the case's weighted item counts per class.
  static double UnknownEvidence(double n_technique, double n_software, const ActorModelParams& p);
  // log θ_G(t)/b_t from components and constants (the body of LogLikelihoodRatio).
  static double LogLikelihoodRatio(const Components& c, const ActorModelParams& p);
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
  // `temperature` is τ; the size exponent α of params() is applied on top of it.
  ActorAssessment Decide(const Scored& scored, double temperature, double prior_unknown) const;

 private:
  ActorModel() = default;
  std::shared_ptr<const Catalogue> catalogue_;
  ActorModelParams params_;
  PosteriorCalibration calibration_;
  uint32_t groups_ = 0;
  uint32_t weighable_ = 0;                       // groups with a non-empty profile (K)
  std::vector<uint32_t> n_users_;                // per target
  std::vector<std::vector<uint32_t>> profile_;   // per group: sorted target indices
  std::vector<std::vector<std::pair<uint32_t, uint32_t>>> families_;  // per group: (family root, techniques of it), sorted
  std::vector<std::vector<uint32_t>> sw_tech_;   // per group: sorted techniques of its software
  std::vector<int32_t> family_of_;               // per target: family root technique or -1
  std::vector<double> base_;                     // per target: b_t
  std::vector<double> family_base_;              // per family root: Σ b_t over the family
  std::vector<uint32_t> n_tech_, n_soft_;        // per group: |P_G| per class
};

}  // namespace onus::attribution
