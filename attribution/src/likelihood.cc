#include "onus/attribution/likelihood.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace onus::attribution {

double Term::log_contribution() const { return lr > 0 ? weight * std::log(lr) : 0; }

double Logit(double p) {
  p = std::clamp(p, 1e-9, 1 - 1e-9);
  return std::log(p / (1 - p));
}

double Logistic(double x) { return 1.0 / (1.0 + std::exp(-x)); }

double Decay(double lr, double days, double tau_days) {
  if (days <= 0 || tau_days <= 0) return lr;
  return 1 + (lr - 1) * std::exp(-days / tau_days);
}

Combination Combine(double prior, std::vector<Term> terms) {
  std::sort(terms.begin(), terms.end(), [](const Term& a, const Term& b) {
    return a.group != b.group ? a.group < b.group : a.item < b.item;
  });
  Combination c;
  c.prior = prior;
  double total = Logit(prior);
  std::map<std::string, std::vector<const Term*>> groups;
  for (const auto& t : terms) groups[t.group].push_back(&t);
  for (auto& [g, ts] : groups) {
    std::vector<double> pos, neg;
    double wmax = 0;
    for (const Term* t : ts) {
      double x = t->log_contribution();
      if (x > 1e-12) {
        pos.push_back(x);
        c.for_items.push_back(t->item);
      } else if (x < -1e-12) {
        neg.push_back(x);
        c.against_items.push_back(t->item);
        if (t->diagnostic) c.diagnostic_against = true;
      }
      wmax = std::max(wmax, t->weight);
    }
    auto tempered = [](std::vector<double> v, bool positive) {
      std::sort(v.begin(), v.end(), [&](double a, double b) { return positive ? a > b : a < b; });
      double s = 0;
      for (size_t i = 0; i < v.size(); ++i) s += i == 0 ? v[i] : v[i] / kGroupTemper;
      return s;
    };
    double cap = wmax * std::log(kGroupCapLr);
    double p = std::min(tempered(pos, true), cap);
    double n = std::max(tempered(neg, false), -cap);
    if (p > 0) ++c.groups_for;
    total += p + n;
  }
  std::sort(c.for_items.begin(), c.for_items.end());
  c.for_items.erase(std::unique(c.for_items.begin(), c.for_items.end()), c.for_items.end());
  std::sort(c.against_items.begin(), c.against_items.end());
  c.against_items.erase(std::unique(c.against_items.begin(), c.against_items.end()), c.against_items.end());
  c.log_odds = total;
  c.posterior = Logistic(total);
  return c;
}

const LikelihoodTable& DefaultTable() {
  static const LikelihoodTable t;
  return t;
}

}  // namespace onus::attribution
