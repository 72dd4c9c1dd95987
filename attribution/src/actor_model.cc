#include "onus/attribution/actor_model.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_set>

namespace onus::attribution {

namespace {

bool Contains(const std::vector<uint32_t>& sorted, uint32_t v) {
  return std::binary_search(sorted.begin(), sorted.end(), v);
}

void SortUnique(std::vector<uint32_t>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

bool Positive(double x) { return std::isfinite(x) && x > 0; }

// Share of groups above which an item is too widely used to make an evidence class count.
constexpr double kDiagnosticShare = 0.10;

}  // namespace

std::string_view ActorVerdictName(ActorVerdict v) {
  switch (v) {
    case ActorVerdict::kSupported: return "supported";
    case ActorVerdict::kNotSupported: return "not_supported";
    case ActorVerdict::kNotAssessable: return "not_assessable";
  }
  return "?";
}

Status ActorModelParams::Validate() const {
  if (!Positive(background_pseudo)) return Status::InvalidArgument("actor model: background_pseudo must be > 0");
  for (double l : {lambda_exact, lambda_family, lambda_software_technique, lambda_software}) {
    if (!(l >= 0 && l < 1)) return Status::InvalidArgument("actor model: lambda_* must be in [0,1)");
  }
  if (!(lambda_exact + lambda_family + lambda_software_technique < 1)) {
    return Status::InvalidArgument("actor model: technique lambdas must sum to < 1 (the base rate keeps mass)");
  }
  if (!Positive(temper_technique) || !Positive(temper_software) || !Positive(temperature)) {
    return Status::InvalidArgument("actor model: tempers and temperature must be > 0");
  }
  if (!std::isfinite(unknown_technique) || !std::isfinite(unknown_software)) {
    return Status::InvalidArgument("actor model: unknown_* must be finite");
  }
  if (!(size_exponent >= 0 && size_exponent <= 1)) return Status::InvalidArgument("actor model: size_exponent must be in [0,1]");
  if (!(prior_unknown >= 0.2 && prior_unknown < 1)) {
    return Status::InvalidArgument("actor model: prior_unknown must be in [0.2, 1) (evidence-model.md)");
  }
  return Status::Ok();
}

EvidenceClass ActorModel::ClassOf(const CatalogueEntry& target) {
  return IsSoftware(target.kind) ? EvidenceClass::kSoftware : EvidenceClass::kTechnique;
}

Result<ActorModel> ActorModel::Compile(std::shared_ptr<const Catalogue> catalogue, ActorModelParams params,
                                      PosteriorCalibration calibration) {
  if (!catalogue) return Status::InvalidArgument("actor model: no catalogue");
  ONUS_RETURN_IF_ERROR(params.Validate());
  ActorModel m;
  m.catalogue_ = std::move(catalogue);
  m.params_ = params;
  m.calibration_ = std::move(calibration);
  const Catalogue& cat = *m.catalogue_;
  const size_t nt = cat.targets().size();
  m.groups_ = static_cast<uint32_t>(cat.groups().size());
  m.n_users_.assign(nt, 0);
  m.profile_.assign(m.groups_, {});
  m.families_.assign(m.groups_, {});
  m.sw_tech_.assign(m.groups_, {});
  m.family_of_.assign(nt, -1);
  m.n_tech_.assign(m.groups_, 0);
  m.n_soft_.assign(m.groups_, 0);
  for (uint32_t t = 0; t < nt; ++t) {
    if (cat.targets()[t].kind != CatalogueKind::kAttackPattern) continue;
    auto p = cat.ParentTechnique(t);
    m.family_of_[t] = static_cast<int32_t>(p ? *p : t);
  }
  for (const UsesRelation& u : cat.uses()) m.profile_[u.group].push_back(u.target);
  // Techniques of each group's software (malware/tool `uses` attack-pattern).
  std::vector<std::vector<uint32_t>> techniques_of(nt);
  for (const auto& [sw, tech] : cat.software_techniques()) techniques_of[sw].push_back(tech);
  for (uint32_t g = 0; g < m.groups_; ++g) {
    SortUnique(m.profile_[g]);
    std::vector<uint32_t> fams;
    for (uint32_t t : m.profile_[g]) {
      ++m.n_users_[t];
      if (IsSoftware(cat.targets()[t].kind)) {
        ++m.n_soft_[g];
        for (uint32_t tech : techniques_of[t]) m.sw_tech_[g].push_back(tech);
      } else {
        ++m.n_tech_[g];
        if (m.family_of_[t] >= 0) fams.push_back(static_cast<uint32_t>(m.family_of_[t]));
      }
    }
    std::sort(fams.begin(), fams.end());
    for (size_t i = 0; i < fams.size();) {
      size_t j = i;
      while (j < fams.size() && fams[j] == fams[i]) ++j;
      m.families_[g].emplace_back(fams[i], static_cast<uint32_t>(j - i));
      i = j;
    }
    SortUnique(m.sw_tech_[g]);
  }
  for (uint32_t g = 0; g < m.groups_; ++g) m.weighable_ += m.profile_[g].empty() ? 0 : 1;
  // Base rates per class: b_t = (n_t + β) / (N + β·V).
  double n_class[2] = {0, 0}, v_class[2] = {0, 0};
  for (uint32_t t = 0; t < nt; ++t) {
    const int c = IsSoftware(cat.targets()[t].kind) ? 1 : 0;
    n_class[c] += m.n_users_[t];
    v_class[c] += 1;
  }
  const double beta = params.background_pseudo;
  m.base_.assign(nt, 0);
  m.family_base_.assign(nt, 0);
  for (uint32_t t = 0; t < nt; ++t) {
    const int c = IsSoftware(cat.targets()[t].kind) ? 1 : 0;
    m.base_[t] = (m.n_users_[t] + beta) / (n_class[c] + beta * v_class[c]);
    if (m.family_of_[t] >= 0) m.family_base_[static_cast<size_t>(m.family_of_[t])] += m.base_[t];
  }
  return m;
}

bool ActorModel::GroupUses(uint32_t group, uint32_t target) const {
  return group < groups_ && Contains(profile_[group], target);
}

bool ActorModel::IsDiagnostic(uint32_t target) const {
  return target < n_users_.size() &&
         n_users_[target] <= std::max(1.0, kDiagnosticShare * static_cast<double>(weighable_));
}

ActorModel::Components ActorModel::ComponentsOf(uint32_t target, uint32_t g) const {
  Components c;
  if (g >= groups_ || target >= n_users_.size()) return c;
  c.base = base_[target];
  c.software = IsSoftware(catalogue_->targets()[target].kind);
  const bool used = Contains(profile_[g], target);
  if (c.software) {
    c.has_profile = n_soft_[g] > 0;
    if (used) c.exact = 1.0 / n_soft_[g];
    return c;
  }
  c.has_profile = n_tech_[g] > 0;
  c.has_software_techniques = !sw_tech_[g].empty();
  if (used) c.exact = 1.0 / n_tech_[g];
  const int32_t fam = family_of_[target];
  if (fam >= 0 && c.has_profile) {
    auto it = std::lower_bound(families_[g].begin(), families_[g].end(), std::make_pair(static_cast<uint32_t>(fam), 0u));
    if (it != families_[g].end() && it->first == static_cast<uint32_t>(fam)) {
      c.family = (static_cast<double>(it->second) / n_tech_[g]) * (c.base / family_base_[static_cast<size_t>(fam)]);
    }
  }
  if (c.has_software_techniques && Contains(sw_tech_[g], target)) c.software_technique = 1.0 / sw_tech_[g].size();
  return c;
}

double ActorModel::LogLikelihoodRatio(const Components& c, const ActorModelParams& p) {
  double theta, rest;
  if (c.software) {
    const double le = c.has_profile ? p.lambda_software : 0.0;
    theta = le * c.exact;
    rest = 1.0 - le;
  } else {
    const double le = c.has_profile ? p.lambda_exact : 0.0;
    const double lf = c.has_profile ? p.lambda_family : 0.0;
    const double ls = c.has_software_techniques ? p.lambda_software_technique : 0.0;
    theta = le * c.exact + lf * c.family + ls * c.software_technique;
    rest = 1.0 - le - lf - ls;
  }
  return std::log(theta / c.base + rest);
}

double ActorModel::UnknownEvidence(double n_technique, double n_software, const ActorModelParams& p) {
  return p.unknown_technique * n_technique / p.temper_technique + p.unknown_software * n_software / p.temper_software;
}

double ActorModel::LogLikelihoodRatio(uint32_t target, int32_t group) const {
  if (group < 0 || static_cast<uint32_t>(group) >= groups_ || target >= n_users_.size()) return 0.0;
  return LogLikelihoodRatio(ComponentsOf(target, static_cast<uint32_t>(group)), params_);
}

ActorModel::Scored ActorModel::Score(std::span<const ActorEvidence> items) const {
  Scored out;
  // De-duplicate: the first occurrence of a target wins; later ones are repetitions.
  std::vector<double> weight;
  std::unordered_set<uint32_t> seen;
  for (const ActorEvidence& e : items) {
    if (e.target >= n_users_.size() || !(e.weight > 0)) continue;
    if (!seen.insert(e.target).second) {
      ++out.repeated;
      continue;
    }
    out.targets.push_back(e.target);
    weight.push_back(std::min(1.0, e.weight));
  }
  out.hypotheses.reserve(weighable_ + 1);
  for (uint32_t g = 0; g < groups_; ++g) {
    if (profile_[g].empty()) continue;  // a group with no known use cannot be weighed
    double tech = 0, soft = 0;
    for (size_t i = 0; i < out.targets.size(); ++i) {
      const uint32_t t = out.targets[i];
      const double l = weight[i] * LogLikelihoodRatio(t, static_cast<int32_t>(g));
      if (IsSoftware(catalogue_->targets()[t].kind)) soft += l;
      else tech += l;
    }
    const double ev = out.targets.empty() ? 0.0
        : tech / params_.temper_technique + soft / params_.temper_software;
    out.hypotheses.push_back({static_cast<int32_t>(g), ev, 0.0, 0.0});
  }
  double n_tech = 0, n_soft = 0;
  for (size_t i = 0; i < out.targets.size(); ++i) {
    (IsSoftware(catalogue_->targets()[out.targets[i]].kind) ? n_soft : n_tech) += weight[i];
  }
  const double unknown = UnknownEvidence(n_tech, n_soft, params_);
  out.hypotheses.push_back({-1, unknown, 0.0, 0.0});
  out.technique_weight = n_tech;
  out.software_weight = n_soft;
  return out;
}

ActorAssessment ActorModel::Assess(std::span<const ActorEvidence> items) const {
  return Decide(Score(items), params_.temperature, params_.prior_unknown);
}

ActorAssessment ActorModel::Decide(const Scored& scored, double temperature, double prior_unknown) const {
  ActorAssessment out;
  out.items_used = scored.targets.size();
  out.items_repeated = scored.repeated;
  out.hypotheses = scored.hypotheses;
  const size_t named_count = out.hypotheses.empty() ? 0 : out.hypotheses.size() - 1;
  const double log_prior_unknown = std::log(prior_unknown);
  const double log_prior_group =
      named_count == 0 ? 0.0 : std::log((1.0 - prior_unknown) / static_cast<double>(named_count));
  const double tau = temperature * std::pow(std::max<double>(1.0, static_cast<double>(scored.targets.size())), params_.size_exponent);
  for (auto& h : out.hypotheses) {
    h.log_score = (h.group < 0 ? log_prior_unknown : log_prior_group) + h.evidence / tau;
  }
  double mx = -std::numeric_limits<double>::infinity();
  for (const auto& h : out.hypotheses) mx = std::max(mx, h.log_score);
  double z = 0;
  for (const auto& h : out.hypotheses) z += std::exp(h.log_score - mx);
  for (auto& h : out.hypotheses) h.posterior = std::exp(h.log_score - mx) / z;
  // Calibration maps were fitted on cases with evidence: with none, the posteriors stay the priors.
  if (!calibration_.empty() && !out.hypotheses.empty() && !scored.targets.empty()) {
    std::vector<double> post;
    size_t top = 0;
    for (size_t i = 0; i < out.hypotheses.size(); ++i) {
      post.push_back(out.hypotheses[i].posterior);
      if (post[i] > post[top]) top = i;
    }
    calibration_.Apply(post, top, out.hypotheses[top].group < 0);
    for (size_t i = 0; i < post.size(); ++i) out.hypotheses[i].posterior = post[i];
  }

  const auto& groups = catalogue_->groups();
  auto key = [&](const ActorHypothesis& h) -> std::string_view {
    return h.group < 0 ? std::string_view("UNKNOWN") : std::string_view(groups[h.group].stix_id);
  };
  std::sort(out.hypotheses.begin(), out.hypotheses.end(), [&](const ActorHypothesis& x, const ActorHypothesis& y) {
    if (x.posterior != y.posterior) return x.posterior > y.posterior;
    return key(x) < key(y);
  });
  for (const auto& h : out.hypotheses) {
    if (h.group < 0) out.p_unknown = h.posterior;
  }

  if (scored.targets.empty()) {
    out.verdict = ActorVerdict::kNotAssessable;
    out.rule = "no sighting resolves to a catalogue technique or software";
    return out;
  }
  out.verdict = ActorVerdict::kNotSupported;
  const ActorHypothesis* top = nullptr;
  const ActorHypothesis* second = nullptr;
  for (const auto& h : out.hypotheses) {
    if (h.group < 0) continue;
    if (!top) top = &h;
    else if (!second) second = &h;
  }
  if (!top) {
    out.rule = "no catalogue group can be weighed";
    return out;
  }
  const double margin = top->posterior - (second ? second->posterior : 0.0);
  bool tech_class = false, soft_class = false;
  // A class counts only through a diagnostic item: one the named group is known to use and that
  // at most kDiagnosticShare of the weighable groups use (a tool every group uses names nobody).
  for (uint32_t t : scored.targets) {
    if (!GroupUses(static_cast<uint32_t>(top->group), t) || !IsDiagnostic(t)) continue;
    if (IsSoftware(catalogue_->targets()[t].kind)) soft_class = true;
    else tech_class = true;
  }
  if (top->posterior < params_.min_posterior) out.rule = "posterior < 0.80";
  else if (margin < params_.min_margin) out.rule = "margin < 0.3";
  else if (out.p_unknown > params_.max_unknown) out.rule = "P(UNKNOWN) > 0.15";
  else if (!(tech_class && soft_class)) out.rule = "fewer than 2 evidence classes hold a diagnostic item of the group";
  if (out.rule.empty()) {
    out.verdict = ActorVerdict::kSupported;
    out.named = static_cast<uint32_t>(top->group);
  }
  return out;
}

namespace {

double Logit(double p) {
  const double q = std::clamp(p, 1e-6, 1.0 - 1e-6);
  return std::log(q / (1.0 - q));
}

LogisticMap FitLogistic(const std::vector<std::pair<double, bool>>& pairs) {
  LogisticMap m;
  if (pairs.empty()) return m;
  m.fitted = true;
  auto loss = [&](double slope, double intercept) {
    double l = 0;
    for (const auto& [x, y] : pairs) {
      const double q = 1.0 / (1.0 + std::exp(-(slope * Logit(x) + intercept)));
      l -= std::log(std::max(y ? q : 1.0 - q, 1e-12));
    }
    return l;
  };
  double best = loss(m.slope, m.intercept);
  for (int sweep = 0; sweep < 6; ++sweep) {
    for (int k = 0; k <= 80; ++k) {
      const double l = loss(k * 0.05, m.intercept);
      if (l < best) {
        best = l;
        m.slope = k * 0.05;
      }
    }
    for (int k = -80; k <= 80; ++k) {
      const double l = loss(m.slope, k * 0.05);
      if (l < best) {
        best = l;
        m.intercept = k * 0.05;
      }
    }
  }
  return m;
}

}  // namespace

double LogisticMap::operator()(double raw) const {
  if (!fitted) return raw;
  return 1.0 / (1.0 + std::exp(-(slope * Logit(raw) + intercept)));
}

PosteriorCalibration PosteriorCalibration::Fit(const std::vector<std::pair<double, bool>>& unknown_top_pairs,
                                               const std::vector<std::pair<double, bool>>& group_top_pairs) {
  PosteriorCalibration c;
  c.unknown_top = FitLogistic(unknown_top_pairs);
  c.group_top = FitLogistic(group_top_pairs);
  return c;
}

double PosteriorCalibration::Map(bool unknown_is_top, double raw) const {
  return (unknown_is_top ? unknown_top : group_top)(raw);
}

void PosteriorCalibration::Apply(std::vector<double>& posteriors, size_t top, bool unknown_is_top) const {
  if (top >= posteriors.size() || !(unknown_is_top ? unknown_top : group_top).fitted) return;
  const double raw = posteriors[top];
  const double rest = 1.0 - raw;
  double second = 0;
  for (size_t i = 0; i < posteriors.size(); ++i) {
    if (i != top) second = std::max(second, posteriors[i]);
  }
  // The top hypothesis stays strictly on top: the runner-up ties it at c = second / (rest + second)
  // (c = second·(1 − c)/rest), which is below raw whenever raw > second; c stays a little above it.
  const double tie = rest + second > 0 ? second / (rest + second) : 0.0;
  const double floor = raw > tie ? tie + 1e-3 * (raw - tie) : raw;
  const double c = std::max(std::clamp(Map(unknown_is_top, raw), kMinCalibrated, kMaxCalibrated), floor);
  if (rest <= 0) {
    // Nothing to rescale: spread the released mass evenly over the other hypotheses.
    const size_t others = posteriors.size() - 1;
    if (others == 0) return;
    for (size_t i = 0; i < posteriors.size(); ++i) posteriors[i] = i == top ? c : (1.0 - c) / static_cast<double>(others);
    return;
  }
  const double scale = (1.0 - c) / rest;
  for (size_t i = 0; i < posteriors.size(); ++i) posteriors[i] = i == top ? c : posteriors[i] * scale;
}

const PosteriorCalibration& PosteriorCalibration::Shipped() {
  static const PosteriorCalibration kShipped = [] {
    // attribution_heldout --fit-all, report-support construction, all 87 evaluated groups, the
    // shipped ActorModelParams defaults ("calibration fitted on all evaluated groups").
    PosteriorCalibration c;
    c.unknown_top = {true, 0.50, 0.15};
    c.group_top = {true, 0.60, 0.05};
    return c;
  }();
  return kShipped;
}

}  // namespace onus::attribution
