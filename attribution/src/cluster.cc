#include "onus/attribution/cluster.h"

#include <algorithm>
#include <map>

namespace onus::attribution {

using evidence::CaseEvidence;
using evidence::CertificateUse;
using evidence::SiteContact;

bool SharedInfrastructure(const std::string& k) {
  return k == "cdn" || k == "shared-hosting" || k == "dynamic-dns" || k == "scanner" || k == "shared-egress" ||
         k == "sinkhole" || k == "parked" || k == "tor-exit" || k == "vpn";
}

bool Admissible(const SiteContact& c) {
  return c.direction != "inbound" && !SharedInfrastructure(c.infra_kind) && !c.listings.empty();
}

bool UniqueCertificate(const CertificateUse& c) {
  if (c.on_unlisted || !c.self_signed || c.subject.empty()) return false;
  // Default or template subjects say nothing about identity.
  static const char* const kTemplates[] = {"localhost", "example", "default", "internet widgits", "test",
                                           "changeme", "self-signed", "ubuntu", "debian"};
  std::string s = c.subject;
  for (char& ch : s)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  for (const char* t : kTemplates)
    if (s.find(std::string("cn=") + t) != std::string::npos) return false;
  return true;
}

std::vector<Term> LinkTerms(const CaseEvidence& ev, const std::string& a, const std::string& b,
                            const LikelihoodTable& t) {
  std::vector<Term> terms;
  std::map<std::string, std::vector<const SiteContact*>> at_a, at_b;
  for (const auto& c : ev.contacts) {
    if (!Admissible(c) || c.infra_kind == "compromised-device") continue;
    if (c.site == a) at_a[c.value].push_back(&c);
    if (c.site == b) at_b[c.value].push_back(&c);
  }
  for (const auto& [value, ca] : at_a) {
    auto it = at_b.find(value);
    if (it == at_b.end()) continue;
    for (const auto* x : ca)
      for (const auto* y : it->second) {
        // Time gap between the two sites' activity with this value.
        int64_t gap = 0;
        if (x->last_seen < y->first_seen) gap = y->first_seen.seconds() - x->last_seen.seconds();
        else if (y->last_seen < x->first_seen) gap = x->first_seen.seconds() - y->last_seen.seconds();
        double lr = x->infra_kind == "dedicated" ? t.overlap_dedicated : t.overlap_unannotated;
        lr = Decay(lr, static_cast<double>(gap) / 86400.0, t.overlap_window_days);
        for (const auto* c : {x, y}) {
          Term term;
          term.item = ev.items[c->item].id;
          term.group = "overlap";
          term.lr = lr;
          term.weight = 1.0;
          terms.push_back(term);
        }
      }
  }
  for (const auto& cu : ev.certificates) {
    if (!UniqueCertificate(cu) || !cu.sites.count(a) || !cu.sites.count(b)) continue;
    Term term;
    term.item = ev.items[cu.item].id;
    term.group = "certificate:" + cu.fingerprint;
    term.lr = t.certificate_reuse;
    term.weight = 1.0;
    terms.push_back(term);
  }
  return terms;
}

Combination LinkPosterior(const CaseEvidence& ev, const std::string& a, const std::string& b,
                          const LikelihoodTable& t) {
  return Combine(t.prior_link, LinkTerms(ev, a, b, t));
}

Combination GroupPosterior(const CaseEvidence& ev, const std::vector<std::string>& sites, const LikelihoodTable& t) {
  if (sites.size() < 2) {
    Combination c;
    c.prior = c.posterior = 1;
    return c;
  }
  // Prim's algorithm on posterior (maximum spanning tree); the weakest tree edge bounds the group.
  std::vector<std::vector<Combination>> w(sites.size(), std::vector<Combination>(sites.size()));
  for (size_t i = 0; i < sites.size(); ++i)
    for (size_t j = i + 1; j < sites.size(); ++j) w[i][j] = w[j][i] = LinkPosterior(ev, sites[i], sites[j], t);
  std::vector<bool> in(sites.size(), false);
  in[0] = true;
  Combination weakest;
  weakest.posterior = 2;
  std::vector<std::string> fors;
  for (size_t n = 1; n < sites.size(); ++n) {
    double best = -1;
    size_t bi = 0, bj = 0;
    for (size_t i = 0; i < sites.size(); ++i) {
      if (!in[i]) continue;
      for (size_t j = 0; j < sites.size(); ++j)
        if (!in[j] && w[i][j].posterior > best) best = w[i][j].posterior, bi = i, bj = j;
    }
    in[bj] = true;
    const Combination& e = w[bi][bj];
    fors.insert(fors.end(), e.for_items.begin(), e.for_items.end());
    if (e.posterior < weakest.posterior) weakest = e;
  }
  std::sort(fors.begin(), fors.end());
  fors.erase(std::unique(fors.begin(), fors.end()), fors.end());
  weakest.for_items = fors;
  return weakest;
}

std::vector<Cluster> BuildClusters(const CaseEvidence& ev, const std::set<std::string>& member_sites,
                                   const LikelihoodTable& t) {
  std::vector<std::string> sites(member_sites.begin(), member_sites.end());
  std::vector<size_t> parent(sites.size());
  for (size_t i = 0; i < sites.size(); ++i) parent[i] = i;
  auto find = [&](size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  for (size_t i = 0; i < sites.size(); ++i)
    for (size_t j = i + 1; j < sites.size(); ++j)
      if (LinkPosterior(ev, sites[i], sites[j], t).posterior >= 0.55) parent[find(i)] = find(j);
  std::map<size_t, std::vector<std::string>> comps;
  for (size_t i = 0; i < sites.size(); ++i) comps[find(i)].push_back(sites[i]);
  std::vector<Cluster> out;
  for (auto& [root, members] : comps) {
    Cluster c;
    c.sites = members;
    std::set<std::string> infra, evid;
    for (size_t k = 0; k < ev.contacts.size(); ++k) {
      const auto& ct = ev.contacts[k];
      if (!Admissible(ct) || !std::count(members.begin(), members.end(), ct.site)) continue;
      c.contacts.push_back(k);
      infra.insert(ct.value);
      evid.insert(ev.items[ct.item].id);
      if (!c.first_seen || ct.first_seen < *c.first_seen) c.first_seen = ct.first_seen;
      if (!c.last_seen || ct.last_seen > *c.last_seen) c.last_seen = ct.last_seen;
    }
    for (const auto& cu : ev.certificates) {
      bool touches = false;
      for (const auto& s : members) touches = touches || cu.sites.count(s);
      if (touches && UniqueCertificate(cu)) evid.insert(ev.items[cu.item].id);
    }
    c.infrastructure.assign(infra.begin(), infra.end());
    c.evidence.assign(evid.begin(), evid.end());
    c.link = GroupPosterior(ev, members, t);
    out.push_back(std::move(c));
  }
  std::sort(out.begin(), out.end(), [](const Cluster& a, const Cluster& b) {
    return a.sites.size() != b.sites.size() ? a.sites.size() > b.sites.size() : a.sites < b.sites;
  });
  for (size_t i = 0; i < out.size(); ++i) out[i].id = "cluster-" + std::to_string(i + 1);
  return out;
}

}  // namespace onus::attribution
