// Held-out evaluation of the actor model on a catalogue (issue 7, "What it must show").
//
// Protocol (deterministic; see attribution/eval/README.md):
//  1. For each group, the report (citation source_name) that supports most of its `uses` relations
//     is held out (ties: smallest name). Groups are skipped when that report supports fewer than
//     min_heldout relations, or when fewer than min_remaining relations remain without it.
//  2. Cases from the held-out targets: full (all), half (a seeded half), noisy (the half plus three
//     random techniques and one of the ten most widely used tools).
//  3. Closed set: attribute against the catalogue without the held-out relations: either without
//     that report's *support* (Catalogue::WithoutCitation: a relation another report also states
//     stays), or without every relation the report supports (WithoutRelationsCiting, the literal
//     reading). Open set: against the catalogue without the group at all.
//  4. Every fitted constant of the model (the smoothing weights λ, the software temper, τ, the
//     P(UNKNOWN) prior ≥ 0.2 and UNKNOWN's per-item log LR per class) is cross-fitted: groups are
//     split in two folds by index parity; each fold's cases are scored with constants fitted
//     (minimum negative log-likelihood, coordinate descent on grids) on the other fold only. Never
//     on the test cases themselves.
//  5. Post-hoc calibration (PosteriorCalibration, Platt maps of the top-1 posterior), cross-fitted:
//     fold f is calibrated with maps fitted on fold 1 − f's cases scored with fold f's constants
//     (which were fitted on fold 1 − f). The raw model is reported beside it (model_raw).
//  6. The tempered naive Bayes baseline is scored on the same cases in the same run.
// Thread-safety: a pure function of its inputs.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <string>
#include <vector>

#include "onus/attribution/actor_model.h"
#include "onus/attribution/catalogue.h"

namespace onus::attribution {

enum class HoldoutMode : uint8_t {
  kReportSupport,  // remove the report from the group's citations (relations others state stay)
  kRelations,      // remove every relation of the group the report supports
};
std::string_view HoldoutModeName(HoldoutMode m);

struct HeldoutOptions {
  HoldoutMode holdout = HoldoutMode::kReportSupport;
  uint32_t min_heldout = 5;     // relations the held-out report must support
  uint32_t min_remaining = 10;  // relations the group must keep without it
  uint64_t seed = 20251113;     // case sampling
  uint32_t max_groups = 0;      // 0 = all eligible groups; else the first N (deterministic subset)
  ActorModelParams params;      // thresholds and β; the other constants are fitted per fold
  bool fit_all = false;         // also fit the constants on all evaluated groups (fitted_all)
  bool calibrate = true;        // cross-fitted post-hoc calibration of the top posterior (model; model_raw is without)
};

struct VariantMetrics {
  std::string variant;           // "full", "half", "noisy", "all"
  uint32_t cases = 0;            // closed-set cases (open-set has the same number)
  double top1 = 0, top5 = 0;     // closed set, rank of the true group among named groups
  double ece_closed = 0;         // closed set: confidence = posterior of the top named group
  double ece_mixture = 0;        // closed + open: top hypothesis incl. UNKNOWN (truth UNKNOWN in open set)
  double named_closed = 0;       // verdict supported, closed set
  double wrong_closed = 0;       // supported and not the true group, closed set
  double named_open = 0;         // supported in the open set (always wrong)
  double wrong_all = 0;          // wrongly named / all cases (closed + open)
};

struct ModelReport {
  std::string model;             // "actor_model" or "naive_bayes_baseline"
  std::vector<VariantMetrics> variants;  // full, half, noisy, all
  std::vector<ActorModelParams> fitted;  // per fold: the constants its cases were scored with
};

struct HeldoutReport {
  HoldoutMode holdout = HoldoutMode::kReportSupport;
  uint32_t groups_total = 0;
  uint32_t groups_evaluated = 0;
  std::vector<std::string> groups;  // ATT&CK ids (or STIX ids) of the evaluated groups, in order
  ModelReport model;      // the actor model (calibrated unless options.calibrate is false)
  ModelReport model_raw;  // the same cases before the post-hoc calibration
  ModelReport baseline;
  std::optional<ActorModelParams> fitted_all;  // with options.fit_all: constants fitted on every evaluated group
  std::vector<PosteriorCalibration> calibration;  // per fold: the map its cases were calibrated with
  std::optional<PosteriorCalibration> calibration_all;  // with fit_all: fitted on every evaluated group (Shipped())
  double heldout_in_profile = 0;  // share of held-out items still in the true group's profile (closed set)
};

// Runs the whole evaluation. Errors only for unusable options (e.g. no eligible group).
Result<HeldoutReport> RunHeldoutEvaluation(const Catalogue& catalogue, const HeldoutOptions& options);

// A fixed-width text table of both models side by side (what the eval program prints).
std::string FormatHeldoutReport(const HeldoutReport& report);

// Expected calibration error with `bins` equal-width bins over (confidence, correct) pairs.
double ExpectedCalibrationError(const std::vector<std::pair<double, bool>>& pairs, int bins = 10);

}  // namespace onus::attribution
