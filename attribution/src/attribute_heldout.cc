// Held-out evaluation (see heldout_evaluation.h for the protocol).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <random>
#include <set>

#include "onus/attribution/heldout_evaluation.h"

namespace onus::attribution {

namespace {

constexpr const char* kVariants[] = {"full", "half", "noisy"};

// Deterministic uniform index (std::mt19937_64's output is fixed by the standard; the
// distributions are not, so none is used).
uint64_t Pick(std::mt19937_64& rng, uint64_t n) { return n == 0 ? 0 : rng() % n; }

// The baseline's calibration (temperature and UNKNOWN prior) and the generic grid fitting it uses.
struct FittedCalibration {
  double temperature = 1, prior_unknown = 0.2, unknown_technique = 0, unknown_software = 0;
};

struct EvalCase {
  uint32_t group = 0;    // index in the full catalogue
  int variant = 0;       // 0 full, 1 half, 2 noisy
  std::vector<uint32_t> targets;
};

// Compact scored case for fitting: evidence per named hypothesis and the truth's position.
struct Compact {
  std::vector<double> evidence;  // named hypotheses only
  double unknown_tech = 0, unknown_soft = 0;  // Σw / T per class: UNKNOWN evidence = u_t·this + u_s·that
  int truth = -1;                // position in evidence, -1 when the truth is absent (open set)
  int fold = 0;
};

struct Outcome {
  int variant = 0;
  bool open = false;
  int rank = -1;            // rank of the truth among named groups (closed set), -1 if absent
  double top_named = 0;     // posterior of the top named group
  bool top_named_correct = false;
  double top_any = 0;       // posterior of the top hypothesis incl. UNKNOWN
  bool top_any_correct = false;
  bool named = false;       // verdict supported
  bool wrong = false;       // supported and not the truth
};

// Posteriors over named hypotheses + UNKNOWN (last) for a calibration.
std::vector<double> Posteriors(const std::vector<double>& evidence, double unknown_evidence, double tau,
                               double prior_unknown) {
  const size_t k = evidence.size();
  std::vector<double> lp(k + 1);
  const double lg = std::log((1 - prior_unknown) / static_cast<double>(std::max<size_t>(k, 1)));
  lp[k] = std::log(prior_unknown) + unknown_evidence / tau;
  double mx = lp[k];
  for (size_t i = 0; i < k; ++i) {
    lp[i] = lg + evidence[i] / tau;
    mx = std::max(mx, lp[i]);
  }
  double z = 0;
  for (double& v : lp) z += (v = std::exp(v - mx));
  for (double& v : lp) v /= z;
  return lp;
}

double UnknownEvidence(const Compact& c, const FittedCalibration& f) {
  return f.unknown_technique * c.unknown_tech + f.unknown_software * c.unknown_soft;
}

double NegLogLikelihood(const std::vector<Compact>& cases, int fold, const FittedCalibration& f) {
  double nll = 0;
  for (const Compact& c : cases) {
    if (c.fold != fold) continue;
    const auto p = Posteriors(c.evidence, UnknownEvidence(c, f), f.temperature, f.prior_unknown);
    const double q = c.truth >= 0 ? p[c.truth] : p.back();
    nll -= std::log(std::max(q, 1e-12));
  }
  return nll;
}

// Coordinate descent over grids, three sweeps, from a fixed start: deterministic.
FittedCalibration Fit(const std::vector<Compact>& cases, int fold, bool unknown_terms = true) {
  FittedCalibration best;
  best.temperature = 16;
  best.prior_unknown = 0.25;
  double best_nll = NegLogLikelihood(cases, fold, best);
  auto try_value = [&](double FittedCalibration::*field, double v) {
    FittedCalibration f = best;
    f.*field = v;
    const double nll = NegLogLikelihood(cases, fold, f);
    if (nll < best_nll - 1e-9) {
      best_nll = nll;
      best = f;
    }
  };
  for (int sweep = 0; sweep < 3; ++sweep) {
    for (int k = 0; k <= 40; ++k) try_value(&FittedCalibration::temperature, std::pow(2.0, k / 4.0));
    for (double pu : {0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9}) try_value(&FittedCalibration::prior_unknown, pu);
    if (!unknown_terms) continue;
    for (int k = -40; k <= 20; ++k) try_value(&FittedCalibration::unknown_technique, k * 0.05);
    for (int k = -40; k <= 20; ++k) try_value(&FittedCalibration::unknown_software, k * 0.1);
  }
  return best;
}

// The actor model's cases in a λ-free form, so the smoothing weights and tempers can be fitted
// without recompiling models: per hypothesis, the components of every item that touches the
// group's tables, and counts of plain misses per class.
struct ModelHyp {
  uint32_t group = 0;  // index in the case's catalogue variant
  bool has_tech = false, has_swt = false, has_soft = false;
  uint32_t miss_tech = 0, miss_soft = 0;
  uint32_t begin = 0, end = 0;  // range in ModelCases::entries
  bool class_ok = false;        // both classes hold a diagnostic item this group uses
};
struct ModelCase {
  int fold = 0, variant = 0;
  bool open = false;
  int truth = -1;  // position among the case's hypotheses, -1 when absent
  double n_tech = 0, n_soft = 0;
  uint32_t begin = 0, end = 0;  // range in ModelCases::hyps
};
struct ModelCases {
  std::vector<ActorModel::Components> entries;
  std::vector<ModelHyp> hyps;
  std::vector<ModelCase> cases;
};

void Evidence(const ModelCases& mc, const ModelCase& c, const ActorModelParams& p, std::vector<double>& ev) {
  ev.clear();
  const double rest_t_full = 1 - p.lambda_exact - p.lambda_family;
  for (uint32_t h = c.begin; h < c.end; ++h) {
    const ModelHyp& y = mc.hyps[h];
    double tech = 0, soft = 0;
    for (uint32_t e = y.begin; e < y.end; ++e) {
      const ActorModel::Components& x = mc.entries[e];
      (x.software ? soft : tech) += ActorModel::LogLikelihoodRatio(x, p);
    }
    const double rest_t = (y.has_tech ? rest_t_full : 1.0) - (y.has_swt ? p.lambda_software_technique : 0.0);
    const double rest_s = y.has_soft ? 1 - p.lambda_software : 1.0;
    if (y.miss_tech) tech += y.miss_tech * std::log(rest_t);
    if (y.miss_soft) soft += y.miss_soft * std::log(rest_s);
    ev.push_back(tech / p.temper_technique + soft / p.temper_software);
  }
}


double Tau(const ModelCase& c, const ActorModelParams& p) {
  return p.temperature * std::pow(std::max(1.0, c.n_tech + c.n_soft), p.size_exponent);
}

// Minimum negative log-likelihood of the truth (closed: the group; open: UNKNOWN) over the cases
// of `fold` (-1: all), by coordinate descent on grids from the defaults: deterministic.
ActorModelParams FitModel(const ModelCases& mc, int fold, ActorModelParams start) {
  std::vector<const ModelCase*> cs;
  for (const ModelCase& c : mc.cases) {
    if (fold < 0 || c.fold == fold) cs.push_back(&c);
  }
  std::vector<std::vector<double>> ev(cs.size());
  auto recompute = [&](const ActorModelParams& p) {
    for (size_t i = 0; i < cs.size(); ++i) Evidence(mc, *cs[i], p, ev[i]);
  };
  auto nll = [&](const ActorModelParams& p) {
    double s = 0;
    for (size_t i = 0; i < cs.size(); ++i) {
      const double tau = Tau(*cs[i], p);
      const auto post = Posteriors(ev[i], ActorModel::UnknownEvidence(cs[i]->n_tech, cs[i]->n_soft, p), tau, p.prior_unknown);
      const size_t truth = cs[i]->truth >= 0 ? static_cast<size_t>(cs[i]->truth) : post.size() - 1;
      s -= std::log(std::max(post[truth], 1e-12));
    }
    return s;
  };
  // A neutral start, the same for every fold (never the shipped defaults, which were fitted on all
  // groups): only β, T_tech and the thresholds come from `start`.
  ActorModelParams best = start;
  best.lambda_exact = 0.5;
  best.lambda_family = 0.1;
  best.lambda_software_technique = 0.1;
  best.lambda_software = 0.5;
  best.temper_software = 1.0;
  best.temperature = 2.0;
  best.size_exponent = 0.0;
  best.prior_unknown = 0.35;
  best.unknown_technique = 0.0;
  best.unknown_software = 0.0;
  recompute(best);
  double best_nll = nll(best);
  auto try_value = [&](double ActorModelParams::*field, double v, bool structural) {
    ActorModelParams p = best;
    p.*field = v;
    if (!p.Validate().ok()) return;
    if (structural) recompute(p);
    const double n = nll(p);
    if (n < best_nll - 1e-9) {
      best_nll = n;
      best = p;
    } else if (structural) {
      recompute(best);
    }
  };
  for (int sweep = 0; sweep < 3; ++sweep) {
    for (int k = 1; k <= 19; ++k) try_value(&ActorModelParams::lambda_exact, k * 0.05, true);
    for (int k = 0; k <= 12; ++k) try_value(&ActorModelParams::lambda_family, k * 0.025, true);
    for (int k = 0; k <= 12; ++k) try_value(&ActorModelParams::lambda_software_technique, k * 0.025, true);
    for (int k = 1; k <= 19; ++k) try_value(&ActorModelParams::lambda_software, k * 0.05, true);
    for (int k = -8; k <= 8; ++k) try_value(&ActorModelParams::temper_software, std::pow(2.0, k / 4.0), true);
    for (int k = -8; k <= 28; ++k) try_value(&ActorModelParams::temperature, std::pow(2.0, k / 4.0), false);
    for (int k = 0; k <= 10; ++k) try_value(&ActorModelParams::size_exponent, k * 0.1, false);
    for (double pu : {0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9}) try_value(&ActorModelParams::prior_unknown, pu, false);
    for (int k = -30; k <= 30; ++k) try_value(&ActorModelParams::unknown_technique, k * 0.05, false);
    for (int k = -30; k <= 30; ++k) try_value(&ActorModelParams::unknown_software, k * 0.1, false);
  }
  return best;
}

VariantMetrics Summarise(const std::string& name, const std::vector<Outcome>& all, int variant) {
  VariantMetrics m;
  m.variant = name;
  std::vector<std::pair<double, bool>> closed_pairs, mixture_pairs;
  uint32_t closed = 0, open = 0, top1 = 0, top5 = 0, named_c = 0, wrong_c = 0, named_o = 0;
  for (const Outcome& o : all) {
    if (variant >= 0 && o.variant != variant) continue;
    mixture_pairs.emplace_back(o.top_any, o.top_any_correct);
    if (o.open) {
      ++open;
      named_o += o.named;
      continue;
    }
    ++closed;
    top1 += o.rank == 0;
    top5 += o.rank >= 0 && o.rank < 5;
    named_c += o.named;
    wrong_c += o.wrong;
    closed_pairs.emplace_back(o.top_named, o.top_named_correct);
  }
  m.cases = closed;
  auto frac = [](uint32_t a, uint32_t b) { return b ? static_cast<double>(a) / b : 0.0; };
  m.top1 = frac(top1, closed);
  m.top5 = frac(top5, closed);
  m.ece_closed = ExpectedCalibrationError(closed_pairs);
  m.ece_mixture = ExpectedCalibrationError(mixture_pairs);
  m.named_closed = frac(named_c, closed);
  m.wrong_closed = frac(wrong_c, closed);
  m.named_open = frac(named_o, open);
  m.wrong_all = frac(wrong_c + named_o, closed + open);
  return m;
}

// The tempered naive Bayes baseline: multinomial naive Bayes with Laplace smoothing over all
// catalogue targets, every item tempered by T = 2 and then by a cross-fitted temperature, UNKNOWN
// with likelihood ratio 1 and a cross-fitted prior (≥ 0.2),
// the same posterior/margin/UNKNOWN thresholds, and the class rule read as "the case holds both
// a technique and a software item".
struct Baseline {
  static constexpr double kTemper = 2.0;
  static constexpr double kPriorUnknown = 0.2;
  const Catalogue* cat;
  std::vector<std::vector<uint32_t>> profile;
  std::vector<uint32_t> users;
  double total = 0;

  explicit Baseline(const Catalogue& c) : cat(&c), profile(c.groups().size()), users(c.targets().size(), 0) {
    for (const UsesRelation& u : c.uses()) {
      profile[u.group].push_back(u.target);
      ++users[u.target];
      total += 1;
    }
  }
  // Evidence per weighable group (in group order) and the group index of each entry.
  void Score(const std::vector<uint32_t>& targets, std::vector<double>& ev, std::vector<uint32_t>& who) const {
    const double v = static_cast<double>(cat->targets().size());
    ev.clear();
    who.clear();
    for (uint32_t g = 0; g < profile.size(); ++g) {
      if (profile[g].empty()) continue;
      double s = 0;
      for (uint32_t t : targets) {
        const bool in = std::find(profile[g].begin(), profile[g].end(), t) != profile[g].end();
        const double pg = ((in ? 1.0 : 0.0) + 1.0) / (static_cast<double>(profile[g].size()) + v);
        const double pb = (users[t] + 1.0) / (total + v);
        s += std::log(pg / pb);
      }
      ev.push_back(s / kTemper);
      who.push_back(g);
    }
  }
};

Outcome Judge(const std::vector<double>& post, const std::vector<uint32_t>& who, int truth_pos, bool classes_ok,
              const ActorModelParams& p) {
  Outcome o;
  const size_t k = who.size();
  std::vector<size_t> order(k);
  for (size_t i = 0; i < k; ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return post[a] > post[b]; });
  const double pu = post[k];
  if (k == 0) {
    o.top_any = pu;
    o.top_any_correct = truth_pos < 0;
    return o;
  }
  o.top_named = post[order[0]];
  o.top_named_correct = truth_pos >= 0 && static_cast<int>(order[0]) == truth_pos;
  for (size_t r = 0; r < k; ++r) {
    if (static_cast<int>(order[r]) == truth_pos) o.rank = static_cast<int>(r);
  }
  if (pu >= o.top_named) {
    o.top_any = pu;
    o.top_any_correct = truth_pos < 0;
  } else {
    o.top_any = o.top_named;
    o.top_any_correct = o.top_named_correct;
  }
  const double margin = o.top_named - (k > 1 ? post[order[1]] : 0.0);
  o.named = o.top_named >= p.min_posterior && margin >= p.min_margin && pu <= p.max_unknown && classes_ok;
  o.wrong = o.named && !o.top_named_correct;
  return o;
}

}  // namespace

double ExpectedCalibrationError(const std::vector<std::pair<double, bool>>& pairs, int bins) {
  if (pairs.empty() || bins <= 0) return 0.0;
  std::vector<double> conf(bins, 0), acc(bins, 0), n(bins, 0);
  for (const auto& [c, y] : pairs) {
    int b = static_cast<int>(c * bins);
    b = std::clamp(b, 0, bins - 1);
    conf[b] += c;
    acc[b] += y ? 1.0 : 0.0;
    n[b] += 1;
  }
  double e = 0;
  for (int b = 0; b < bins; ++b) {
    if (n[b] > 0) e += std::fabs(conf[b] - acc[b]) / static_cast<double>(pairs.size());
  }
  return e;
}

Result<HeldoutReport> RunHeldoutEvaluation(const Catalogue& catalogue, const HeldoutOptions& options) {
  ONUS_RETURN_IF_ERROR(options.params.Validate());
  HeldoutReport report;
  const uint32_t ngroups = static_cast<uint32_t>(catalogue.groups().size());
  report.groups_total = ngroups;
  report.holdout = options.holdout;

  // 1. The held-out report per group.
  std::vector<std::map<std::string, uint32_t>> per_group(ngroups);
  std::vector<uint32_t> total(ngroups, 0);
  std::vector<uint32_t> tool_users(catalogue.targets().size(), 0);
  for (const UsesRelation& u : catalogue.uses()) {
    ++total[u.group];
    for (const std::string& c : u.citations) ++per_group[u.group][c];
    if (catalogue.targets()[u.target].kind == CatalogueKind::kTool) ++tool_users[u.target];
  }
  struct Pick2 {
    uint32_t group;
    std::string report;
  };
  std::vector<Pick2> picks;
  for (uint32_t g = 0; g < ngroups; ++g) {
    std::string best;
    uint32_t best_n = 0;
    for (const auto& [name, n] : per_group[g]) {  // map order: ties keep the smallest name
      if (n > best_n) {
        best_n = n;
        best = name;
      }
    }
    if (best_n < options.min_heldout) continue;
    uint32_t remaining = 0;
    for (const UsesRelation& u : catalogue.uses()) {
      if (u.group != g) continue;
      const bool cited = std::binary_search(u.citations.begin(), u.citations.end(), best);
      if (options.holdout == HoldoutMode::kRelations ? !cited : !(cited && u.citations.size() == 1)) ++remaining;
    }
    if (remaining < options.min_remaining) continue;
    picks.push_back({g, best});
    if (options.max_groups && picks.size() >= options.max_groups) break;
  }
  if (picks.empty()) return Status::InvalidArgument("held-out evaluation: no group is eligible");
  report.groups_evaluated = static_cast<uint32_t>(picks.size());

  // Widely shared tools and all techniques, for the noisy variant.
  std::vector<uint32_t> tools, techniques;
  for (uint32_t t = 0; t < catalogue.targets().size(); ++t) {
    if (catalogue.targets()[t].kind == CatalogueKind::kTool && tool_users[t] > 0) tools.push_back(t);
    if (catalogue.targets()[t].kind == CatalogueKind::kAttackPattern) techniques.push_back(t);
  }
  std::stable_sort(tools.begin(), tools.end(), [&](uint32_t a, uint32_t b) { return tool_users[a] > tool_users[b]; });
  if (tools.size() > 10) tools.resize(10);

  // 2. Cases.
  std::vector<std::vector<EvalCase>> cases(picks.size());
  for (size_t i = 0; i < picks.size(); ++i) {
    const uint32_t g = picks[i].group;
    const auto& gid = catalogue.groups()[g];
    report.groups.push_back(gid.external_id.empty() ? gid.stix_id : gid.external_id);
    std::vector<uint32_t> held;
    for (const UsesRelation& u : catalogue.uses()) {
      if (u.group == g && std::binary_search(u.citations.begin(), u.citations.end(), picks[i].report)) {
        held.push_back(u.target);
      }
    }
    std::mt19937_64 rng(options.seed ^ (0x9E3779B97F4A7C15ULL * (g + 1)));
    std::vector<uint32_t> shuffled = held;
    for (size_t j = shuffled.size(); j > 1; --j) std::swap(shuffled[j - 1], shuffled[Pick(rng, j)]);
    std::vector<uint32_t> half(shuffled.begin(), shuffled.begin() + std::max<size_t>(1, shuffled.size() / 2));
    std::sort(half.begin(), half.end());
    std::vector<uint32_t> noisy = half;
    for (int j = 0; j < 3 && !techniques.empty(); ++j) noisy.push_back(techniques[Pick(rng, techniques.size())]);
    if (!tools.empty()) noisy.push_back(tools[Pick(rng, tools.size())]);
    std::sort(noisy.begin(), noisy.end());
    noisy.erase(std::unique(noisy.begin(), noisy.end()), noisy.end());
    cases[i] = {{g, 0, held}, {g, 1, half}, {g, 2, noisy}};
  }

  auto to_evidence = [](const Catalogue& c, const std::vector<uint32_t>& full_targets, const Catalogue& full) {
    std::vector<ActorEvidence> ev;
    for (uint32_t t : full_targets) {
      auto idx = c.FindTarget(full.targets()[t].stix_id);
      if (idx) ev.push_back({*idx, 1.0, {}});
    }
    return ev;
  };

  // 3. Every case in both settings, for both models, from one catalogue variant per setting.
  ModelCases mc;
  std::vector<Compact> base_compact;
  struct BasePending {
    std::vector<uint32_t> who;
    int truth_pos;
    bool classes_ok;
    int variant;
    bool open;
  };
  std::vector<BasePending> base_pending;
  double in_profile = 0, held_items = 0;
  for (size_t i = 0; i < picks.size(); ++i) {
    const uint32_t g = picks[i].group;
    const int fold = static_cast<int>(i % 2);
    for (bool open : {false, true}) {
      auto cat = std::make_shared<const Catalogue>(
          open ? catalogue.WithoutGroup(g)
               : (options.holdout == HoldoutMode::kRelations ? catalogue.WithoutRelationsCiting(g, picks[i].report)
                                                             : catalogue.WithoutCitation(g, picks[i].report)));
      ONUS_ASSIGN_OR_RETURN(ActorModel model, ActorModel::Compile(cat, options.params));
      Baseline base(*cat);
      std::vector<char> weighable(cat->groups().size(), 0);
      for (const UsesRelation& u : cat->uses()) weighable[u.group] = 1;
      for (const EvalCase& ec : cases[i]) {
        const auto ev = to_evidence(*cat, ec.targets, catalogue);
        std::vector<uint32_t> targets;
        for (const auto& e : ev) targets.push_back(e.target);
        std::sort(targets.begin(), targets.end());
        targets.erase(std::unique(targets.begin(), targets.end()), targets.end());
        if (!open && ec.variant == 0) {
          for (uint32_t t : targets) in_profile += model.GroupUses(g, t) ? 1 : 0;
          held_items += static_cast<double>(targets.size());
        }

        ModelCase c;
        c.fold = fold;
        c.variant = ec.variant;
        c.open = open;
        c.begin = static_cast<uint32_t>(mc.hyps.size());
        for (uint32_t t : targets) (IsSoftware(cat->targets()[t].kind) ? c.n_soft : c.n_tech) += 1;
        for (uint32_t hg = 0; hg < cat->groups().size(); ++hg) {
          ModelHyp y;
          y.group = hg;
          y.begin = static_cast<uint32_t>(mc.entries.size());
          bool any = false, tech = false, soft = false;
          for (uint32_t t : targets) {
            const ActorModel::Components x = model.ComponentsOf(t, hg);
            any = any || x.has_profile;
            if (x.software) y.has_soft = y.has_soft || x.has_profile;
            else {
              y.has_tech = y.has_tech || x.has_profile;
              y.has_swt = y.has_swt || x.has_software_techniques;
            }
            if (x.exact > 0 || x.family > 0 || x.software_technique > 0) mc.entries.push_back(x);
            else ++(x.software ? y.miss_soft : y.miss_tech);
            if (model.GroupUses(hg, t) && model.IsDiagnostic(t)) (x.software ? soft : tech) = true;
          }
          y.end = static_cast<uint32_t>(mc.entries.size());
          y.class_ok = tech && soft;
          // A group with no known use cannot be weighed (ActorModel::Score skips it too).
          (void)any;
          if (!weighable[hg]) {
            mc.entries.resize(y.begin);
            continue;
          }
          if (!open && hg == g) c.truth = static_cast<int>(mc.hyps.size() - c.begin);
          mc.hyps.push_back(y);
        }
        c.end = static_cast<uint32_t>(mc.hyps.size());
        mc.cases.push_back(c);

        // Baseline on the same case.
        std::vector<double> bev;
        std::vector<uint32_t> bwho;
        base.Score(targets, bev, bwho);
        int btruth = -1;
        for (size_t j = 0; j < bwho.size(); ++j) {
          if (!open && bwho[j] == g) btruth = static_cast<int>(j);
        }
        bool has_tech = false, has_soft = false;
        for (uint32_t t : targets) (IsSoftware(cat->targets()[t].kind) ? has_soft : has_tech) = true;
        Compact bc;
        bc.fold = fold;
        bc.truth = btruth;
        bc.evidence = bev;
        base_compact.push_back(std::move(bc));
        base_pending.push_back({std::move(bwho), btruth, has_tech && has_soft, ec.variant, open});
      }
    }
  }
  report.heldout_in_profile = held_items > 0 ? in_profile / held_items : 0.0;

  // 4. Cross-fitted constants: fold f is scored with constants fitted on the other fold only.
  const ActorModelParams fit_on[2] = {FitModel(mc, 1, options.params), FitModel(mc, 0, options.params)};
  report.model.fitted = {fit_on[0], fit_on[1]};
  if (options.fit_all) report.fitted_all = FitModel(mc, -1, options.params);
  // Raw posteriors of every case under a set of constants, with the index of the top hypothesis.
  struct Raw {
    std::vector<double> post;
    size_t top = 0;
    bool classes_ok = false;
    bool correct = false;  // the top hypothesis (incl. UNKNOWN) is the truth
  };
  auto score_all = [&](const ActorModelParams& f) {
    std::vector<Raw> out;
    std::vector<double> ev;
    for (const ModelCase& c : mc.cases) {
      Evidence(mc, c, f, ev);
      Raw r;
      r.post = Posteriors(ev, ActorModel::UnknownEvidence(c.n_tech, c.n_soft, f), Tau(c, f), f.prior_unknown);
      // The class rule depends on the top group: find it as Judge does.
      size_t top_named = 0;
      for (size_t j = 1; j < ev.size(); ++j) {
        if (r.post[j] > r.post[top_named]) top_named = j;
      }
      r.classes_ok = !ev.empty() && (c.n_tech + c.n_soft) > 0 && mc.hyps[c.begin + top_named].class_ok;
      const size_t k = ev.size();
      r.top = (k == 0 || r.post[k] >= r.post[top_named]) ? k : top_named;
      r.correct = r.top == k ? c.truth < 0 : static_cast<int>(r.top) == c.truth;
      out.push_back(std::move(r));
    }
    return out;
  };
  // Post-hoc calibration, cross-fitted too: fold f is scored with constants fitted on fold 1 − f
  // and with a calibration map fitted on fold 1 − f's cases scored with those same constants, so
  // nothing used on fold f ever saw fold f (attribution/eval/README.md, "Calibration").
  auto fit_map = [&](const std::vector<Raw>& raw, int fold) {
    std::vector<std::pair<double, bool>> u, g;
    for (size_t i = 0; i < raw.size(); ++i) {
      if (fold >= 0 && mc.cases[i].fold != fold) continue;
      const bool unknown_top = raw[i].top + 1 == raw[i].post.size();
      (unknown_top ? u : g).emplace_back(raw[i].post[raw[i].top], raw[i].correct);
    }
    return PosteriorCalibration::Fit(u, g);
  };
  const std::vector<Raw> raw_by[2] = {score_all(fit_on[0]), score_all(fit_on[1])};
  for (int f = 0; f < 2; ++f) report.calibration.push_back(fit_map(raw_by[f], 1 - f));
  if (options.fit_all) report.calibration_all = fit_map(score_all(*report.fitted_all), -1);
  std::vector<Outcome> model_out, raw_out;
  for (size_t i = 0; i < mc.cases.size(); ++i) {
    const ModelCase& c = mc.cases[i];
    const Raw& r = raw_by[c.fold][i];
    std::vector<uint32_t> who;
    for (uint32_t h = c.begin; h < c.end; ++h) who.push_back(mc.hyps[h].group);
    Outcome o = Judge(r.post, who, c.truth, r.classes_ok, options.params);
    o.variant = c.variant;
    o.open = c.open;
    raw_out.push_back(o);
    if (!options.calibrate) {
      model_out.push_back(o);
      continue;
    }
    std::vector<double> post = r.post;
    report.calibration[c.fold].Apply(post, r.top, r.top + 1 == post.size());
    Outcome oc = Judge(post, who, c.truth, r.classes_ok, options.params);
    oc.variant = c.variant;
    oc.open = c.open;
    model_out.push_back(oc);
  }

  // The baseline's temper T and UNKNOWN prior are cross-fitted the same way (no UNKNOWN terms).
  const FittedCalibration base_fit[2] = {Fit(base_compact, 1, false), Fit(base_compact, 0, false)};
  std::vector<Outcome> base_out;
  for (size_t i = 0; i < base_pending.size(); ++i) {
    const BasePending& b = base_pending[i];
    const FittedCalibration& f = base_fit[base_compact[i].fold];
    Outcome o = Judge(Posteriors(base_compact[i].evidence, 0.0, f.temperature, f.prior_unknown), b.who, b.truth_pos,
                      b.classes_ok, options.params);
    o.variant = b.variant;
    o.open = b.open;
    base_out.push_back(o);
  }
  report.model.model = options.calibrate ? "actor_model" : "actor_model_raw";
  report.model_raw.model = "actor_model_raw";
  report.baseline.model = "naive_bayes_baseline";
  for (const FittedCalibration& f : base_fit) {
    ActorModelParams p;
    p.temperature = f.temperature;
    p.prior_unknown = f.prior_unknown;
    report.baseline.fitted.push_back(p);
  }
  for (int v = 0; v < 3; ++v) {
    report.model.variants.push_back(Summarise(kVariants[v], model_out, v));
    report.baseline.variants.push_back(Summarise(kVariants[v], base_out, v));
  }
  report.model.variants.push_back(Summarise("all", model_out, -1));
  for (int v = 0; v < 3; ++v) report.model_raw.variants.push_back(Summarise(kVariants[v], raw_out, v));
  report.model_raw.variants.push_back(Summarise("all", raw_out, -1));
  report.model_raw.fitted = report.model.fitted;
  report.baseline.variants.push_back(Summarise("all", base_out, -1));
  return report;
}

std::string_view HoldoutModeName(HoldoutMode m) {
  return m == HoldoutMode::kRelations ? "relations" : "report-support";
}

static std::string FormatParams(const ActorModelParams& c) {
  char line[512];
  std::snprintf(line, sizeof line,
                "lambda_exact=%.3f lambda_family=%.3f lambda_software_technique=%.3f lambda_software=%.2f "
                "temper_software=%.4g tau=%.4g size_exponent=%.1f prior_unknown=%.2f unknown_technique=%.2f unknown_software=%.2f",
                c.lambda_exact, c.lambda_family, c.lambda_software_technique, c.lambda_software, c.temper_software,
                c.temperature, c.size_exponent, c.prior_unknown, c.unknown_technique, c.unknown_software);
  return line;
}

static std::string FormatCalibration(const PosteriorCalibration& c) {
  char line[256];
  std::snprintf(line, sizeof line, "unknown_top slope=%.2f intercept=%.2f group_top slope=%.2f intercept=%.2f",
                c.unknown_top.slope, c.unknown_top.intercept, c.group_top.slope, c.group_top.intercept);
  return line;
}

std::string FormatHeldoutReport(const HeldoutReport& r) {
  std::string out;
  char line[1024];
  std::snprintf(line, sizeof line,
                "holdout: %s; groups: %u in catalogue, %u evaluated (closed set and open set each); "
                "held-out items still in the true group's profile: %.1f%%\n",
                std::string(HoldoutModeName(r.holdout)).c_str(), r.groups_total, r.groups_evaluated,
                100.0 * r.heldout_in_profile);
  out += line;
  for (size_t f = 0; f < r.model.fitted.size(); ++f) {
    out += "actor_model fold " + std::to_string(f) + " scored with " + FormatParams(r.model.fitted[f]) + "\n";
  }
  for (size_t f = 0; f < r.baseline.fitted.size(); ++f) {
    std::snprintf(line, sizeof line, "naive_bayes_baseline fold %zu scored with tau=%.4g prior_unknown=%.2f\n", f,
                  r.baseline.fitted[f].temperature, r.baseline.fitted[f].prior_unknown);
    out += line;
  }
  if (r.fitted_all) out += "actor_model fitted on all evaluated groups: " + FormatParams(*r.fitted_all) + "\n";
  for (size_t f = 0; f < r.calibration.size(); ++f) {
    out += "actor_model fold " + std::to_string(f) + " calibrated with " + FormatCalibration(r.calibration[f]) + "\n";
  }
  if (r.calibration_all) out += "calibration fitted on all evaluated groups: " + FormatCalibration(*r.calibration_all) + "\n";
  out += "model                 variant  cases  top1   top5   ece_mix ece_closed named_closed wrong_closed named_open wrong_all\n";
  for (size_t v = 0; v < r.model.variants.size(); ++v) {
    for (const ModelReport* m : {&r.model, &r.model_raw, &r.baseline}) {
      if (m->variants.size() <= v || (m == &r.model_raw && r.model.model == r.model_raw.model)) continue;
      const VariantMetrics& x = m->variants[v];
      std::snprintf(line, sizeof line, "%-21s %-8s %5u  %.3f  %.3f  %.3f   %.3f      %.3f        %.3f        %.3f      %.4f\n",
                    m->model.c_str(), x.variant.c_str(), x.cases, x.top1, x.top5, x.ece_mixture, x.ece_closed,
                    x.named_closed, x.wrong_closed, x.named_open, x.wrong_all);
      out += line;
    }
  }
  return out;
}

}  // namespace onus::attribution
