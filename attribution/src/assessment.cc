#include "onus/attribution/assessment.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>

#include "onus/attribution/wording.h"

namespace onus::attribution {

using evidence::CaseEvidence;
using evidence::Claim;
using evidence::ClaimProposition;
using evidence::EvidenceItem;
using evidence::GradeWeight;
using evidence::SiteContact;

const Proposition* Assessment::Find(const std::string& id) const {
  for (const auto& p : propositions)
    if (p.id == id) return &p;
  return nullptr;
}

namespace {

std::string Lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

std::string Day(Timestamp t) { return FormatRfc3339(t, 0).substr(0, 10); }

std::string Join(const std::vector<std::string>& v, const std::string& sep) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}

bool IsIp(const std::string& v) { return IpAddress::Parse(v).ok(); }

double ContactLr(const SiteContact& c, const LikelihoodTable& t) {
  if (c.direction == "inbound" || SharedInfrastructure(c.infra_kind) || c.listings.empty()) return 1;
  double lr;
  if (c.direction == "dns")
    lr = c.pattern == "periodic" ? t.dns_periodic : c.pattern == "repeated" ? t.dns_repeated : t.dns_single;
  else
    lr = c.pattern == "periodic" ? t.contact_periodic : c.pattern == "repeated" ? t.contact_repeated : t.contact_single;
  if (c.infra_kind == "compromised-device") lr = 1 + (lr - 1) * t.compromised_factor;
  if (c.stale) lr = Decay(lr, static_cast<double>(c.stale_days), IsIp(c.value) ? t.tau_ip : t.tau_domain);
  return lr;
}

struct Engine {
  Engine(const CaseEvidence& e, const CaseContext& c, const evidence::ClaimSet& cl, const LikelihoodTable& tab)
      : ev(e), ctx(c), claims(cl), t(tab) {}
  const CaseEvidence& ev;
  const CaseContext& ctx;
  const evidence::ClaimSet& claims;
  const LikelihoodTable& t;
  Assessment out;
  std::map<std::string, std::string> intrusion_prop;   // site -> main intrusion proposition id
  std::map<std::string, std::string> capability_prop;  // site -> id
  std::map<std::string, std::string> causation_prop;   // event -> id
  std::map<std::string, std::string> cluster_prop;     // cluster id -> id
  std::map<std::string, std::string> actor_prop;       // cluster|lower(name) -> id
  std::map<std::string, std::string> nexus_prop;       // cluster|country -> id
  std::map<std::string, std::string> state_prop;       // cluster|country -> id
  std::map<std::string, std::string> intent_prop;      // site -> id
  std::set<std::string> implicated_sites_claimed;      // sites a claim raises intrusion/capability for

  const EvidenceItem& Item(size_t i) const { return ev.items[i]; }

  Proposition& Add(Proposition p) {
    p.id = "p-" + std::to_string(out.propositions.size() + 1);
    out.propositions.push_back(std::move(p));
    return out.propositions.back();
  }
  Proposition* Get(const std::string& id) {
    for (auto& p : out.propositions)
      if (p.id == id) return &p;
    return nullptr;
  }

  void Grade(Proposition& p, const Combination& c) {
    p.graded = true;
    p.posterior = c.posterior;
    p.for_items = c.for_items;
    p.against_items = c.against_items;
  }

  double BestWeight(const std::vector<std::string>& ids) const {
    double w = 0;
    for (const auto& id : ids)
      for (const auto& it : ev.items)
        if (it.id == id) w = std::max(w, it.type == "claim" ? 0.0 : GradeWeight(it.grade));
    return w;
  }

  std::string LikelihoodSentence(const Proposition& p, const std::string& claim_text) const {
    const auto& term = TermFor(p.posterior);
    std::string s = claim_text;
    size_t pos = s.find("{L}");
    if (pos != std::string::npos) s.replace(pos, 3, term.term);
    return s;
  }

  void Finish(Proposition& p, const std::string& judgment, const std::string& confidence_why,
              const std::string& not_established, const std::string& alternatives, const std::string& change) {
    std::string s = judgment;
    if (p.graded) {
      int groups = 0;
      std::set<std::string> roots;
      bool stale = false;
      for (const auto& id : p.for_items)
        for (const auto& it : ev.items)
          if (it.id == id) {
            roots.insert(it.root);
            stale = stale || !it.Attr("stale_days").empty();
          }
      groups = static_cast<int>(roots.size());
      p.confidence = ConfidenceLevel(groups, BestWeight(p.for_items.empty() ? p.against_items : p.for_items), stale);
      if (p.for_items.empty() && !p.against_items.empty()) p.confidence = ConfidenceLevel(1, BestWeight(p.against_items), false);
      s += " " + ConfidenceSentence(p.confidence, confidence_why);
    }
    if (!not_established.empty()) s += " Not established: " + not_established + ".";
    if (!alternatives.empty()) s += " Alternatives considered: " + alternatives + ".";
    if (!change.empty()) s += " What would change this judgment: " + change + ".";
    p.statement = s;
  }

  std::string SourcesOf(const std::vector<std::string>& ids) const {
    std::set<std::string> names;
    for (const auto& id : ids)
      for (const auto& it : ev.items)
        if (it.id == id && !it.Attr("listed_by").empty()) names.insert(it.Attr("listed_by") + " (" + it.grade + ")");
    return Join(std::vector<std::string>(names.begin(), names.end()), "; ");
  }

  // ---- intrusion ---------------------------------------------------------------------------
  std::set<std::string> sites_with_intrusion;

  void AssessIntrusion(const std::string& site) {
    std::vector<Term> terms;
    std::optional<Timestamp> first, last;
    std::set<std::string> segments;
    std::vector<std::string> kinds_seen;
    for (const auto& c : ev.contacts) {
      if (c.site != site) continue;
      double lr = ContactLr(c, t);
      Term term;
      term.item = Item(c.item).id;
      term.group = Item(c.item).root;
      term.lr = lr;
      term.weight = GradeWeight(Item(c.item).grade);
      terms.push_back(term);
      if (lr > 1) {
        if (!first || c.first_seen < *first) first = c.first_seen;
        if (!last || c.last_seen > *last) last = c.last_seen;
        segments.insert(c.segment);
      }
    }
    // Uploads of exfiltration size to listed C2.
    for (const auto& u : ev.uploads) {
      if (u.site != site) continue;
      Term term;
      term.item = Item(u.item).id;
      bool to_c2 = Item(u.item).Attr("to_listed_c2") == "true";
      term.lr = to_c2 ? t.upload_to_c2 : 1;
      term.weight = 1.0;
      term.group = "upload";
      // The upload is diagnostic only through the listing of its destination: same dependence group.
      for (const auto& c : ev.contacts)
        if (c.site == site && (c.value == u.dst || c.resp_addresses.count(u.dst))) {
          term.group = Item(c.item).root;
          term.weight = GradeWeight(Item(c.item).grade);
        }
      terms.push_back(term);
    }
    // The cluster certificate presented by a relay a site talks to.
    for (const auto& cu : ev.certificates) {
      if (!cu.sites.count(site) || !UniqueCertificate(cu)) continue;
      bool on_dedicated = false;
      for (const auto& c : ev.contacts)
        if (Admissible(c) && c.infra_kind != "compromised-device" && cu.listed_values.count(c.value)) on_dedicated = true;
      if (!on_dedicated) continue;
      Term term;
      term.item = Item(cu.item).id;
      term.group = Item(cu.item).root;
      term.lr = t.certificate_match;
      term.weight = 1.0;
      terms.push_back(term);
    }
    bool admissible = false;
    for (const auto& x : terms) admissible = admissible || (x.lr > 1 && x.weight > 0);
    auto cov = ev.coverage_item.find(site);
    bool watched = cov != ev.coverage_item.end();
    if (!admissible && watched) {
      Term term;
      term.item = Item(cov->second).id;
      term.group = "coverage";
      term.lr = t.absent_in_watched_scope;
      term.weight = 1.0;
      terms.push_back(term);
    }
    Combination comb = Combine(t.prior_intrusion, terms);
    Proposition p;
    p.kind = "intrusion";
    p.site = site;
    if (segments.size() == 1) p.segment = *segments.begin();
    if (admissible) p.from = first, p.to = last;
    else if (watched) p.from = Item(cov->second).scope.from, p.to = Item(cov->second).scope.to;
    Grade(p, comb);
    p.verdict = VerdictFor(comb.posterior, admissible, admissible || watched, comb.diagnostic_against);
    if (!admissible && !watched) p.graded = false, p.posterior = 0;
    std::string judgment;
    const char* term_text = TermFor(p.posterior).term;
    if (admissible) {
      std::vector<std::string> vals;
      for (const auto& c : ev.contacts)
        if (c.site == site && ContactLr(c, t) > 1) vals.push_back(c.value + " (" + c.pattern + (c.infra_kind.empty() ? "" : ", " + c.infra_kind) + ")");
      judgment = "Systems at " + site + (p.segment.empty() ? "" : " (segment " + p.segment + ")") + " " + term_text +
                 " communicated with infrastructure listed as malicious between " + Day(*first) + " and " + Day(*last) +
                 ": " + Join(vals, ", ") + ".";
      Finish(p, judgment, "the listings rest on " + SourcesOf(p.for_items) + " and the contacts are in this site's own telemetry",
             "what the implants did on the hosts; who operates the infrastructure",
             "benign software contacting a mislisted address; shared or re-assigned infrastructure",
             "the listings being withdrawn or shown to be shared infrastructure, or host forensics");
      sites_with_intrusion.insert(site);
      if (p.verdict != kSupported) sites_with_intrusion.erase(site);
    } else if (watched) {
      std::vector<std::string> shared;
      for (const auto& c : ev.contacts)
        if (c.site == site) shared.push_back(c.value + " (" + (c.direction == "inbound" ? "inbound only" : c.infra_kind.empty() ? "no admissible listing" : c.infra_kind) + ")");
      judgment = "Within the watched telemetry, nothing shows malicious activity at " + site + "; an intrusion is " + term_text + ".";
      if (!shared.empty()) judgment += " Listed values seen there are shared or non-diagnostic infrastructure: " + Join(shared, ", ") + ".";
      Finish(p, judgment, "the telemetry covers the site but absence of evidence only counts inside what was watched",
             "activity outside the watched window or in unwatched log kinds",
             "an intrusion that uses infrastructure no loaded source lists",
             "new listings that match this site's traffic, or host forensics");
    } else {
      p.statement = "Not assessable: " + site + " was not watched and no evidence concerns it.";
    }
    std::string id = Add(p).id;
    intrusion_prop[site] = id;
    // Sub-windows: activity that starts or stops inside the watched window.
    if (admissible && watched) {
      const auto& w = Item(cov->second).scope;
      const int64_t kGap = 24 * 3600;
      auto quiet = [&](Timestamp a, Timestamp b, const std::string& when) {
        Proposition q;
        q.kind = "intrusion";
        q.site = site;
        q.segment = p.segment;
        q.from = a, q.to = b;
        Term term;
        term.item = Item(cov->second).id, term.group = "coverage", term.lr = t.absent_in_watched_scope, term.weight = 1;
        Grade(q, Combine(t.prior_intrusion, {term}));
        q.verdict = kNotSupported;
        q.rule = "no admissible activity in this watched sub-window";
        Finish(q, "In the watched window " + Day(a) + " to " + Day(b) + " (" + when + "), malicious activity at " + site +
                      " is " + TermFor(q.posterior).term + ".",
               "the telemetry covers this window", "dormant implants that did not call out", "",
               "contacts found in this window");
        Add(q);
      };
      if (w.from && first->seconds() - w.from->seconds() > kGap) quiet(*w.from, *first, "before the first contact");
      if (w.to && w.to->seconds() - last->seconds() > kGap) quiet(*last, *w.to, "after the last contact");
    }
  }

  // ---- capability ---------------------------------------------------------------------------
  void AssessCapability(const std::string& site) {
    if (capability_prop.count(site)) return;
    const ContextSite* cs = ctx.FindSite(site);
    std::string ot;
    if (cs)
      for (const auto& g : cs->segments)
        if (g.kind == "ot" && ot.empty()) ot = g.id;
    if (ot.empty()) return;
    std::vector<Term> terms;
    for (const auto& r : ev.ot_reach) {
      if (r.site != site) continue;
      Term term;
      term.item = Item(r.item).id;
      term.group = "ot:" + site;
      term.lr = r.kind == "ics-command" ? t.ics_command : r.kind == "c2-from-ot" ? t.c2_from_ot : t.ot_flow;
      term.weight = GradeWeight(Item(r.item).grade);
      terms.push_back(term);
    }
    bool has_for = !terms.empty();
    auto cov = ev.coverage_item.find(site);
    if (!has_for && cov != ev.coverage_item.end()) {
      Term term;
      term.item = Item(cov->second).id, term.group = "coverage", term.lr = t.ot_watched_nothing, term.weight = 1;
      terms.push_back(term);
    }
    Combination comb = Combine(t.prior_capability, terms);
    Proposition p;
    p.kind = "capability";
    p.site = site;
    p.segment = ot;
    if (cov != ev.coverage_item.end()) p.from = Item(cov->second).scope.from, p.to = Item(cov->second).scope.to;
    Grade(p, comb);
    p.verdict = has_for && comb.posterior >= 0.55 ? kSupported : kNotSupported;
    const char* term_text = TermFor(p.posterior).term;
    if (has_for) {
      Finish(p, "The activity at " + site + " " + term_text + " reached the " + ot + " segment (" +
                    std::to_string(terms.size()) + " flows or commands from implicated hosts or C2 contact from inside it).",
             "the flows are in this site's own telemetry", "what was done on OT systems",
             "legitimate administration from the same hosts", "evidence that the hosts are authorised engineering stations");
    } else {
      Finish(p, "It is " + std::string(term_text) + " that the activity at " + site + " reached the " + ot +
                    " segment: no flow from an implicated host into it, no ICS command from outside it and no contact with listed infrastructure from inside it was seen.",
             cov != ev.coverage_item.end() ? "the site's telemetry was watched for the whole window" : "the site was not watched",
             "paths the sensors do not see (out-of-band links, removable media)", "an OT intrusion through another route",
             "flows or ICS commands from the implicated hosts, or OT hosts contacting listed infrastructure");
    }
    capability_prop[site] = Add(p).id;
  }

  // ---- causation ----------------------------------------------------------------------------
  void AssessCausation(const ContextEvent& e) {
    if (causation_prop.count(e.id)) return;
    const std::string& site = e.site;
    AssessCapability(site);
    const Proposition* intr = intrusion_prop.count(site) ? Get(intrusion_prop[site]) : nullptr;
    const Proposition* cap = capability_prop.count(site) ? Get(capability_prop[site]) : nullptr;
    bool intrusion_ok = intr && intr->verdict == kSupported;
    bool capability_ok = cap && cap->verdict == kSupported;
    std::set<std::string> implicated_hosts;
    for (const auto& c : ev.contacts)
      if (c.site == site && Admissible(c)) implicated_hosts.insert(c.hosts.begin(), c.hosts.end());
    std::vector<Term> terms;
    std::vector<std::string> grid_in_window;
    bool mechanism = false, grid_watched = false;
    const int64_t kLead = 24 * 3600;
    for (const auto& g : ev.grid_events) {
      if (g.site != site) continue;
      grid_watched = true;
      if (g.ts.seconds() < e.from.seconds() - kLead || g.ts > e.to) continue;
      grid_in_window.push_back(Item(g.item).id);
      if (g.event != "command") continue;
      bool unaccounted = g.initiator == "remote" || g.initiator == "unknown" || g.initiator.empty();
      if (!g.console.empty()) {
        auto ip = IpAddress::Parse(g.console);
        if (!ip.ok() || ctx.Locate(*ip).site != site || implicated_hosts.count(g.console)) unaccounted = true;
      }
      if (!unaccounted) continue;
      mechanism = true;
      Term term;
      term.item = Item(g.item).id, term.group = "grid:" + site, term.lr = t.mechanism_command, term.weight = 1;
      terms.push_back(term);
    }
    for (const auto& tw : ctx.telemetry())
      for (const auto& k : tw.kinds)
        if (tw.site == site && (k.find("scada") != std::string::npos || k.find("grid") != std::string::npos)) grid_watched = true;
    if (!mechanism && grid_watched && !grid_in_window.empty()) {
      Term term;
      term.item = grid_in_window.front(), term.group = "grid:" + site, term.lr = t.no_anomalous_command, term.weight = 1;
      term.diagnostic = true;
      terms.push_back(term);
    }
    if (auto c = ev.cause_item.find(e.id); c != ev.cause_item.end()) {
      Term term;
      term.item = Item(c->second).id, term.group = "cause:" + e.id, term.lr = t.established_cause;
      term.weight = GradeWeight(Item(c->second).grade);
      term.diagnostic = true;
      terms.push_back(term);
    }
    if (capability_ok && !cap->for_items.empty()) {
      Term term;
      term.item = cap->for_items.front(), term.group = "capability:" + site, term.lr = t.capability_for, term.weight = 1;
      terms.push_back(term);
    }
    if (!capability_ok && cap) {
      Term term;
      term.item = cap->against_items.empty() ? std::string() : cap->against_items.front();
      term.group = "capability:" + site, term.lr = t.no_capability, term.weight = 1;
      if (!term.item.empty()) terms.push_back(term);
    }
    Combination comb = Combine(t.prior_causation, terms);
    Proposition p;
    p.kind = "causation";
    p.site = site;
    p.segment = e.segment;
    p.event = e.id;
    p.from = e.from, p.to = e.to;
    Grade(p, comb);
    if (!mechanism && grid_watched)
      for (const auto& id : grid_in_window)
        if (std::find(p.against_items.begin(), p.against_items.end(), id) == p.against_items.end()) p.against_items.push_back(id);
    std::sort(p.against_items.begin(), p.against_items.end());
    bool hard_ok = intrusion_ok && capability_ok && mechanism;
    p.verdict = VerdictFor(comb.posterior, mechanism, !terms.empty(), comb.diagnostic_against);
    if (p.verdict == kSupported && !hard_ok) {
      p.verdict = kNotSupported;
      p.rule = "causation needs intrusion and capability supported for the failed assets plus a mechanism";
    } else if (!hard_ok) {
      p.rule = !intrusion_ok ? "no supported intrusion at the site"
               : !capability_ok ? "capability for the failed assets is not supported"
                                : "no mechanism (anomalous control command) seen";
    }
    std::string judgment = "It is " + std::string(TermFor(p.posterior).term) + " that the intrusion at " + site +
                           " led to event " + e.id + ".";
    std::vector<std::string> why;
    if (ev.cause_item.count(e.id)) why.push_back("a " + e.cause_kind + " cause is established (" + e.cause_grade + ")");
    if (!mechanism && grid_watched) why.push_back("the grid event log shows no control command from an unaccounted console");
    if (!capability_ok) why.push_back("the activity is not shown to reach the OT segment");
    if (!why.empty()) judgment += " Against it: " + Join(why, "; ") + ".";
    Finish(p, judgment, "the physical cause and the grid log come from the operator's own records",
           "whether the implicated hosts could have acted on control systems through paths the sensors do not see",
           "an established physical cause; coincidence in time", "anomalous control commands, OT reach from the implicated hosts, or a revised cause");
    causation_prop[e.id] = Add(p).id;
  }

  // ---- clusters -----------------------------------------------------------------------------
  void AssessClusters() {
    out.clusters = BuildClusters(ev, sites_with_intrusion, t);
    for (const auto& c : out.clusters) {
      if (c.sites.size() < 2) continue;
      Proposition p;
      p.kind = "cluster";
      p.cluster = c.id;
      p.sites = c.sites;
      p.from = c.first_seen, p.to = c.last_seen;
      Grade(p, c.link);
      p.verdict = VerdictFor(c.link.posterior, !c.link.for_items.empty(), true, false);
      Finish(p, "The activity at " + Join(c.sites, ", ") + " " + TermFor(p.posterior).term +
                    " belongs to one activity cluster (" + c.id + "): the sites share dedicated infrastructure in the same period or a unique certificate.",
             "the overlap and the certificates are in the sites' own telemetry",
             "that one operator runs all of it rather than several sharing a toolkit",
             "shared hosting or a commodity toolkit with a common default certificate",
             "evidence that the shared servers or certificate serve unrelated parties");
      cluster_prop[c.id] = Add(p).id;
    }
  }

  std::string HypotheticalCluster(const std::vector<std::string>& sites) {
    std::vector<std::string> s = sites;
    std::sort(s.begin(), s.end());
    s.erase(std::unique(s.begin(), s.end()), s.end());
    for (const auto& c : out.clusters) {
      bool all = true;
      for (const auto& x : s) all = all && std::count(c.sites.begin(), c.sites.end(), x);
      if (all && cluster_prop.count(c.id)) return cluster_prop[c.id];
    }
    std::string key = "hyp|" + Join(s, ",");
    if (cluster_prop.count(key)) return cluster_prop[key];
    Combination comb = GroupPosterior(ev, s, t);
    Proposition p;
    p.kind = "cluster";
    p.sites = s;
    bool assessable = true;
    for (const auto& x : s) assessable = assessable && (ev.coverage_item.count(x) || sites_with_intrusion.count(x));
    Grade(p, comb);
    p.verdict = assessable ? kNotSupported : kNotAssessable;
    if (!assessable) p.graded = false;
    Finish(p, "That " + Join(s, ", ") + " belong to one activity cluster is " + std::string(TermFor(comb.posterior).term) +
                  ": they share no dedicated infrastructure or unique certificate in the watched period.",
           "shared infrastructure (CDN, scanners, dynamic DNS, relays) is not evidence of one actor",
           "links through infrastructure no loaded source or sensor shows", "separate intrusions or no intrusion at some of them",
           "dedicated infrastructure or a unique certificate seen at both");
    return cluster_prop[key] = Add(p).id;
  }

  // ---- attribution --------------------------------------------------------------------------
  struct Candidate {
    std::string id, name;
    std::vector<Term> terms;
  };

  std::vector<std::string> claimed_actors_for(const std::string& cluster) {
    std::vector<std::string> v;
    for (const auto& [cl, names] : claim_actor_targets)
      if (cl == cluster) v.insert(v.end(), names.begin(), names.end());
    return v;
  }
  std::map<std::string, std::vector<std::string>> claim_actor_targets;    // cluster -> names
  std::map<std::string, std::set<std::string>> claim_country_targets;     // cluster -> countries (nexus)
  std::map<std::string, std::set<std::string>> claim_state_targets;       // cluster -> countries (state)

  void AssessAttribution(const Cluster& cl) {
    Attribution at;
    at.cluster = cl.id;
    std::map<std::string, Candidate> cands;  // keyed by intrusion-set id or "name:<lower>"
    for (size_t k : cl.contacts) {
      const SiteContact& c = ev.contacts[k];
      for (size_t li : c.listings) {
        const auto& l = ev.listings[li];
        for (const auto& sid : l.intrusion_sets) {
          const auto* s = ev.FindIntrusionSet(sid);
          Candidate& cand = cands[sid];
          cand.id = sid;
          cand.name = s ? s->name : sid;
          Term term;
          auto li_item = ev.listing_item.find(li);
          term.item = li_item != ev.listing_item.end() ? Item(li_item->second).id : Item(c.item).id;
          term.group = "listing:" + l.root_source;
          // Compromised or shared machines say nothing about identity.
          term.lr = c.infra_kind == "compromised-device" ? 1
                    : c.infra_kind == "dedicated"        ? t.actor_overlap_dedicated
                                                         : t.actor_overlap_unannotated;
          double days = 0;
          if (l.valid_until && c.first_seen > *l.valid_until) days = (c.first_seen.seconds() - l.valid_until->seconds()) / 86400.0;
          if (l.valid_from && c.last_seen < *l.valid_from) days = (l.valid_from->seconds() - c.last_seen.seconds()) / 86400.0;
          term.lr = Decay(term.lr, days, IsIp(c.value) ? t.tau_ip : t.tau_domain);
          // Repetition is not corroboration: a derived listing weighs nothing.
          term.weight = l.derived ? 0 : GradeWeight(l.grade);
          cand.terms.push_back(term);
        }
      }
    }
    for (const auto& name : claimed_actors_for(cl.id)) {
      const auto* s = ev.FindIntrusionSetByName(name);
      std::string key = s ? s->id : "name:" + Lower(name);
      if (!cands.count(key)) {
        cands[key].id = s ? s->id : "";
        cands[key].name = s ? s->name : name;
      }
    }
    // Posterior over candidates + UNKNOWN.
    size_t n = cands.size();
    double prior_each = n ? (1 - t.prior_unknown_actor) / static_cast<double>(n) : 0;
    std::vector<std::pair<std::string, double>> logs;  // key, log score
    std::map<std::string, Combination> combs;
    double mx = std::log(t.prior_unknown_actor);
    for (auto& [key, cand] : cands) {
      Combination c = Combine(0.5, cand.terms);
      combs[key] = c;
      double s = std::log(prior_each) + c.log_odds;
      logs.push_back({key, s});
      mx = std::max(mx, s);
    }
    double z = std::exp(std::log(t.prior_unknown_actor) - mx);
    for (const auto& [k, s] : logs) z += std::exp(s - mx);
    std::vector<Hypothesis> hyps;
    for (const auto& [k, s] : logs) {
      Hypothesis h;
      h.actor = cands[k].name;
      h.id = cands[k].id;
      h.posterior = std::exp(s - mx) / z;
      h.for_items = combs[k].for_items;
      hyps.push_back(h);
    }
    Hypothesis unk;
    unk.actor = "UNKNOWN";
    unk.posterior = std::exp(std::log(t.prior_unknown_actor) - mx) / z;
    hyps.push_back(unk);
    std::sort(hyps.begin(), hyps.end(), [](const Hypothesis& a, const Hypothesis& b) {
      return a.posterior != b.posterior ? a.posterior > b.posterior : a.actor < b.actor;
    });
    at.hypotheses = hyps;
    // Abstention rules.
    const Hypothesis* top = nullptr;
    const Hypothesis* second = nullptr;
    for (const auto& h : hyps) {
      if (h.actor == "UNKNOWN") continue;
      if (!top) top = &h;
      else if (!second) second = &h;
    }
    double p_unknown = unk.posterior;
    for (const auto& h : hyps)
      if (h.actor == "UNKNOWN") p_unknown = h.posterior;
    std::string rule;
    if (!top) rule = "no candidate group";
    else {
      std::set<std::string> roots, classes;
      bool stale = false;
      for (const auto& [k, cand] : cands)
        if (cand.name == top->actor)
          for (const auto& term : cand.terms)
            if (term.weight > 0 && term.lr > 1) {
              roots.insert(term.group);
              classes.insert("infrastructure");
              stale = stale || term.lr < t.actor_overlap_unannotated * 0.99;
            }
      double runner = std::max(second ? second->posterior : 0.0, p_unknown);
      if (top->posterior < 0.8) rule = "posterior < 0.80";
      else if (top->posterior - runner < 0.3) rule = "margin < 0.3";
      else if (p_unknown > 0.15) rule = "P(UNKNOWN) > 0.15";
      else if (classes.size() < 2 || roots.size() < 2) rule = "fewer than two independent evidence classes from two provenance roots";
      else if (stale) rule = "stale evidence";
    }
    at.actor_rule = rule;
    at.actor_verdict = rule.empty() ? kSupported : kNotSupported;
    if (rule.empty()) {
      at.actor_name = top->actor;
      at.actor_for = top->for_items;
      at.actor_statement = "Activity cluster " + cl.id + " is attributed to " + top->actor + ".";
    } else {
      at.actor_statement = "Activity cluster " + cl.id + "; insufficient evidence to attribute to a named group (" + rule + ").";
    }
    // Actor propositions, one per candidate.
    for (const auto& h : hyps) {
      if (h.actor == "UNKNOWN") continue;
      Proposition p;
      p.kind = "actor";
      p.cluster = cl.id;
      p.actor = h.actor;
      p.actor_id = h.id;
      p.sites = cl.sites;
      p.graded = true;
      p.posterior = h.posterior;
      p.for_items = h.for_items;
      p.verdict = (rule.empty() && top && h.actor == top->actor) ? kSupported : kNotSupported;
      if (p.verdict != kSupported) p.rule = rule.empty() ? "not the supported hypothesis" : rule;
      std::string basis = h.for_items.empty() ? "no admissible evidence names it (only repetitions or claims)"
                                              : "infrastructure the cluster used is listed under this name by " + SourcesOf(h.for_items);
      if (h.for_items.empty()) {
        std::set<std::string> srcs;
        for (size_t k : cl.contacts)
          for (size_t li : ev.contacts[k].listings)
            for (const auto& sid : ev.listings[li].intrusion_sets)
              if (const auto* s = ev.FindIntrusionSet(sid); s && s->name == h.actor && ev.listing_item.count(li))
                srcs.insert(ev.listings[li].source_name);
        if (!srcs.empty()) basis = "only repetitions name it (" + Join(std::vector<std::string>(srcs.begin(), srcs.end()), "; ") + " copy another source)";
      }
      Finish(p, "That " + h.actor + " is behind activity cluster " + cl.id + " is " + TermFor(h.posterior).term + ".",
             basis, "who operates the infrastructure; a second independent class of evidence (tooling, victimology)",
             "another group using the same infrastructure or toolkit; an unknown group (P = " +
                 std::to_string(static_cast<int>(std::round(p_unknown * 100))) + "%)",
             "unique tooling or an independent report tying the infrastructure to a named group");
      actor_prop[cl.id + "|" + Lower(h.actor)] = Add(p).id;
    }
    // Nexus.
    std::map<std::string, std::vector<Term>> nexus_terms;
    std::map<std::string, bool> hard_class;
    for (const auto& h : hyps) {
      if (h.actor == "UNKNOWN" || h.id.empty()) continue;
      const auto* s = ev.FindIntrusionSet(h.id);
      if (!s) continue;
      bool infra = !h.for_items.empty();
      for (const auto& nx : s->nexus) {
        auto it = ev.nexus_item.find(s->id + "|" + nx.country + "|" + nx.root);
        if (it == ev.nexus_item.end()) continue;
        Term term;
        term.item = Item(it->second).id;
        term.group = "nexus:" + nx.root;
        double conf = nx.confidence >= 0 ? nx.confidence : 50;
        term.lr = 1 + t.nexus_per_confidence * conf / 100.0;
        term.weight = GradeWeight(nx.grade) * h.posterior;
        nexus_terms[nx.country].push_back(term);
        if (infra) hard_class[nx.country] = true;
      }
    }
    std::set<std::string> countries;
    for (const auto& [c, v] : nexus_terms) countries.insert(c);
    for (const auto& c : claim_country_targets[cl.id]) countries.insert(c);
    for (const auto& c : claim_state_targets[cl.id]) countries.insert(c);
    std::map<std::string, std::vector<std::string>> location_items;  // country -> items
    for (size_t k : cl.contacts) {
      const auto& c = ev.contacts[k];
      if (c.infra_country.empty()) continue;
      countries.insert(c.infra_country);
      auto li = ev.location_item.find(c.value);
      for (const auto& a : c.resp_addresses)
        if (li == ev.location_item.end()) li = ev.location_item.find(a);
      if (li != ev.location_item.end()) location_items[c.infra_country].push_back(Item(li->second).id);
    }
    for (const auto& country : countries) {
      Proposition p;
      p.kind = "nexus";
      p.cluster = cl.id;
      p.country = country;
      p.sites = cl.sites;
      auto& terms = nexus_terms[country];
      Combination comb = Combine(t.prior_nexus, terms);
      bool hard = hard_class[country];
      if (hard && comb.posterior > 0.8) {
        comb.posterior = 0.8 - 1e-9;
        p.rule = "one evidence class: capped at likely";
      }
      Grade(p, comb);
      if (terms.empty()) {
        p.verdict = location_items.count(country) ? kNotSupported : kNotAssessable;
        if (p.verdict == kNotAssessable) p.graded = false;
        p.rule = location_items.count(country) ? "location of infrastructure is not evidence of who uses it"
                                               : "no admissible evidence";
      } else {
        p.verdict = comb.posterior >= 0.55 && hard ? kSupported : kNotSupported;
        if (!hard) p.rule = "no hard-to-forge evidence class (infrastructure or base-rated tooling)";
      }
      std::string judgment = "A " + country + " nexus for activity cluster " + cl.id + " is " +
                             (p.graded ? TermFor(p.posterior).term : "not assessable") + ".";
      if (location_items.count(country))
        judgment += " Some of the cluster's infrastructure is hosted in " + country +
                    "; where a machine sits says nothing about who uses it, so this carries no weight.";
      Finish(p, judgment,
             terms.empty() ? "no source ties the cluster's infrastructure to a group of this nexus"
                           : "the nexus rests on a publisher's assessment of the group whose dedicated infrastructure the cluster used",
             "who directed the activity; the group's identity", "another country's group reusing infrastructure or tooling; false flags",
             "base-rated tooling, independent infrastructure overlaps, or an official attribution with shared evidence");
      at.nexus.push_back(Add(p).id);
      nexus_prop[cl.id + "|" + country] = at.nexus.back();
    }
    // State: no technical-only path.
    std::set<std::string> state_countries;
    for (const auto& id : at.nexus)
      if (const auto* p = Get(id); p && p->verdict == kSupported) state_countries.insert(p->country);
    for (const auto& c : claim_state_targets[cl.id]) state_countries.insert(c);
    for (const auto& country : state_countries) {
      Proposition p;
      p.kind = "state";
      p.cluster = cl.id;
      p.country = country;
      p.sites = cl.sites;
      p.verdict = kNotAssessable;
      p.rule = "technical evidence alone cannot establish state direction";
      // The only path: an independent official attribution that shares its evidence.
      for (const auto& claim : claims.claims()) {
        std::string type = Lower(claim.source.type);
        if (!(type == "government" || type == "official") || !claim.independent() || !claim.source.ingestible_evidence)
          continue;
        if (GradeWeight(claim.source.grade) < 0.85) continue;
        for (const auto& cp : claim.propositions)
          if (cp.kind == "state" && !cp.negated && cp.country == country && nexus_prop.count(cl.id + "|" + country) &&
              Get(nexus_prop[cl.id + "|" + country])->verdict == kSupported) {
            p.verdict = kSupported;
            p.rule = "";
            p.for_items.push_back(Item(ev.claim_item.at(claim.id)).id);
          }
      }
      p.statement = p.verdict == kSupported
                        ? "An official attribution with shared evidence supports that state " + country + " directed or sponsored activity cluster " + cl.id + "."
                        : "Not assessed: technical evidence alone cannot establish direction or sponsorship of activity cluster " + cl.id + " by the state " + country + ".";
      at.state.push_back(Add(p).id);
      state_prop[cl.id + "|" + country] = at.state.back();
    }
    // Intent: per member site; data taken is the only purpose evidence we weigh.
    for (const auto& site : cl.sites) at.intent.push_back(AssessIntent(site, cl.id));
    out.attributions.push_back(std::move(at));
  }

  std::string AssessIntent(const std::string& site, const std::string& cluster) {
    if (intent_prop.count(site)) return intent_prop[site];
    std::vector<Term> terms;
    for (const auto& u : ev.uploads) {
      if (u.site != site || Item(u.item).Attr("to_listed_c2") != "true") continue;
      Term term;
      term.item = Item(u.item).id, term.group = "upload:" + site, term.lr = 3, term.weight = 1;
      terms.push_back(term);
    }
    Proposition p;
    p.kind = "intent";
    p.site = site;
    p.purpose = "espionage";
    (void)cluster;
    if (terms.empty()) {
      p.verdict = kNotAssessable;
      p.statement = "Not assessable: nothing shows what, if anything, was taken or prepared at " + site + ".";
    } else {
      Combination comb = Combine(t.prior_intent, terms);
      Grade(p, comb);
      p.verdict = kNotSupported;
      p.rule = "one evidence class (data taken); purpose needs two";
      Finish(p, "That the purpose at " + site + " was espionage is " + std::string(TermFor(comb.posterior).term) +
                    ": an exfiltration-sized upload to listed infrastructure was seen.",
             "one upload in the site's telemetry", "what the data was; whether other purposes (pre-positioning, extortion) apply",
             "staging for extortion; a benign bulk transfer", "knowing what was taken, or persistence in OT");
    }
    return intent_prop[site] = Add(p).id;
  }

  // ---- claims -------------------------------------------------------------------------------
  std::vector<std::string> ClaimSites(const Claim& c, int depth = 0) {
    std::vector<std::string> s;
    for (const auto& p : c.propositions) {
      if (!p.site.empty()) s.push_back(p.site);
      s.insert(s.end(), p.sites.begin(), p.sites.end());
    }
    if (s.empty() && depth < 8)
      for (const auto& d : c.source.derived_from)
        for (const auto& other : claims.claims())
          if (other.id == d) {
            auto more = ClaimSites(other, depth + 1);
            s.insert(s.end(), more.begin(), more.end());
          }
    return s;
  }

  std::string ClusterForClaim(const Claim& c) {
    auto sites = ClaimSites(c);
    std::string best;
    size_t best_n = 0;
    for (const auto& cl : out.clusters) {
      size_t n = 0;
      for (const auto& s : sites) n += std::count(cl.sites.begin(), cl.sites.end(), s);
      if (n > best_n) best = cl.id, best_n = n;
    }
    if (best.empty() && !out.clusters.empty()) best = out.clusters.front().id;
    return best;
  }

  void PlanClaimTargets(const std::vector<Cluster>& clusters) {
    (void)clusters;
    for (const auto& c : claims.claims()) {
      std::string cl = ClusterForClaim(c);
      if (cl.empty()) continue;
      for (const auto& p : c.propositions) {
        if (p.kind == "actor" && !p.actor.empty()) claim_actor_targets[cl].push_back(p.actor);
        if (p.kind == "nexus" && !p.country.empty()) claim_country_targets[cl].insert(p.country);
        if (p.kind == "state" && !p.country.empty()) claim_state_targets[cl].insert(p.country);
      }
    }
  }

  std::string NotAssessable(const std::string& kind, const ClaimProposition& cp, const std::string& why) {
    Proposition p;
    p.kind = kind;
    p.site = cp.site;
    p.segment = cp.segment;
    p.event = cp.event;
    p.actor = cp.actor;
    p.country = cp.country;
    p.purpose = cp.purpose;
    p.sites = cp.sites;
    p.verdict = kNotAssessable;
    p.rule = why;
    p.statement = "Not assessable: " + why + ".";
    return Add(p).id;
  }

  std::string RefFor(const Claim& c, const ClaimProposition& cp) {
    const std::string& k = cp.kind;
    if (k == "intrusion") {
      if (intrusion_prop.count(cp.site)) return intrusion_prop[cp.site];
      return NotAssessable(k, cp, "site " + cp.site + " is not in the case context");
    }
    if (k == "capability") {
      AssessCapability(cp.site);
      if (capability_prop.count(cp.site)) return capability_prop[cp.site];
      return NotAssessable(k, cp, "site " + cp.site + " has no OT segment in the case context");
    }
    if (k == "causation") {
      if (causation_prop.count(cp.event)) return causation_prop[cp.event];
      return NotAssessable(k, cp, "event " + cp.event + " is not in the case context");
    }
    if (k == "cluster") {
      if (cp.sites.empty()) return NotAssessable(k, cp, "the claim names no sites");
      return HypotheticalCluster(cp.sites);
    }
    std::string cl = ClusterForClaim(c);
    if (k == "intent") {
      std::string site = cp.site;
      if (site.empty()) return NotAssessable(k, cp, "the claim names no site");
      return AssessIntent(site, cl);
    }
    if (cl.empty()) return NotAssessable(k, cp, "no activity cluster was found");
    if (k == "actor") {
      std::string key = cl + "|" + Lower(cp.actor);
      if (actor_prop.count(key)) return actor_prop[key];
      if (const auto* s = ev.FindIntrusionSetByName(cp.actor))
        if (actor_prop.count(cl + "|" + Lower(s->name))) return actor_prop[cl + "|" + Lower(s->name)];
      return NotAssessable(k, cp, "no intrusion set named " + cp.actor);
    }
    if (k == "nexus") {
      if (nexus_prop.count(cl + "|" + cp.country)) return nexus_prop[cl + "|" + cp.country];
      return NotAssessable(k, cp, "no evidence about a " + cp.country + " nexus");
    }
    if (k == "state") {
      if (state_prop.count(cl + "|" + cp.country)) return state_prop[cl + "|" + cp.country];
      return NotAssessable(k, cp, "technical evidence alone cannot establish state direction");
    }
    return NotAssessable(k, cp, "unknown proposition kind");
  }

  std::string Says(const ClaimProposition& cp) const {
    std::string s = cp.negated ? "no " : "";
    s += cp.kind;
    if (!cp.site.empty()) s += " at " + cp.site;
    if (!cp.segment.empty()) s += "/" + cp.segment;
    if (!cp.event.empty()) s += " of " + cp.event;
    if (!cp.sites.empty()) s += " of " + Join(cp.sites, "+");
    if (!cp.actor.empty()) s += ": " + cp.actor;
    if (!cp.country.empty()) s += ": " + cp.country;
    if (!cp.purpose.empty()) s += ": " + cp.purpose;
    return s;
  }

  void CheckClaims() {
    for (const auto& c : claims.claims()) {
      ClaimCheck cc;
      cc.id = c.id;
      cc.independent = c.independent();
      cc.derived_from = c.source.derived_from;
      cc.source = c.source.name;
      cc.source_type = c.source.type;
      cc.grade = c.source.grade;
      for (const auto& cp : c.propositions) {
        ClaimPart part;
        part.kind = cp.kind;
        part.negated = cp.negated;
        part.ref = RefFor(c, cp);
        const Proposition* p = Get(part.ref);
        part.verdict = p ? p->verdict : kNotAssessable;
        part.agreement = Agreement(part.verdict, cp.negated);
        part.says = Says(cp);
        cc.parts.push_back(part);
      }
      cc.label = ClaimLabel(cc.parts);
      std::string s = "Claim " + c.id + " (" + (c.source.name.empty() ? "unnamed source" : c.source.name) + ") is " +
                      cc.label + " by the evidence, judged part by part.";
      if (!cc.independent) s += " It repeats " + Join(cc.derived_from, ", ") + " and adds no independent corroboration.";
      if (c.interested_party()) s += " Its source is an interested party; its statement is not evidence either way.";
      cc.statement = s;
      out.claims.push_back(std::move(cc));
    }
  }

  void Run() {
    for (const auto& in : ev.inputs) out.inputs.push_back({in.path, in.sha256});
    if (!ctx.path().empty()) out.inputs.push_back({ctx.path(), ctx.sha256()});
    if (!claims.path().empty()) out.inputs.push_back({claims.path(), claims.sha256()});
    std::sort(out.inputs.begin(), out.inputs.end());
    out.inputs.erase(std::unique(out.inputs.begin(), out.inputs.end()), out.inputs.end());
    std::vector<std::string> sites;
    for (const auto& s : ctx.sites()) sites.push_back(s.id);
    for (const auto& c : ev.contacts)
      if (!c.site.empty() && !ctx.FindSite(c.site) && std::find(sites.begin(), sites.end(), c.site) == sites.end())
        sites.push_back(c.site);
    for (const auto& s : sites) AssessIntrusion(s);
    std::set<std::string> claimed_cap;
    for (const auto& c : claims.claims())
      for (const auto& p : c.propositions)
        if (p.kind == "intrusion" || p.kind == "capability") claimed_cap.insert(p.site);
    for (const auto& s : sites)
      if (sites_with_intrusion.count(s) || claimed_cap.count(s)) AssessCapability(s);
    std::set<std::string> claimed_events;
    for (const auto& c : claims.claims())
      for (const auto& p : c.propositions)
        if (p.kind == "causation") claimed_events.insert(p.event);
    for (const auto& e : ctx.events())
      if (claimed_events.count(e.id) || sites_with_intrusion.count(e.site)) AssessCausation(e);
    AssessClusters();
    PlanClaimTargets(out.clusters);
    for (const auto& cl : out.clusters) AssessAttribution(cl);
    CheckClaims();
    // Evidence: every item that has provenance; citations of items without it are dropped.
    std::set<std::string> ok;
    for (const auto& it : ev.items) {
      bool good = !it.provenance.empty();
      for (const auto& p : it.provenance) good = good && !p.path.empty() && p.sha256.size() == 64 && (p.line > 0 || p.packet > 0);
      if (good) {
        ok.insert(it.id);
        out.evidence.push_back(it);
      }
    }
    auto prune = [&](std::vector<std::string>& v) {
      v.erase(std::remove_if(v.begin(), v.end(), [&](const std::string& id) { return !ok.count(id); }), v.end());
    };
    for (auto& p : out.propositions) prune(p.for_items), prune(p.against_items);
    for (auto& c : out.clusters) prune(c.evidence);
    for (auto& a : out.attributions) {
      prune(a.actor_for);
      for (auto& h : a.hypotheses) prune(h.for_items);
    }
    for (auto& p : out.propositions) {
      if (!p.graded) continue;
      p.posterior = Round3(std::clamp(p.posterior, 0.0, 1.0));
    }
    for (auto& a : out.attributions)
      for (auto& h : a.hypotheses) h.posterior = Round3(h.posterior);
    out.warnings = ev.warnings;
  }
};

}  // namespace

Assessment Assess(const CaseEvidence& ev, const CaseContext& context, const evidence::ClaimSet& claims,
                  const LikelihoodTable& table) {
  Engine e(ev, context, claims, table);
  e.Run();
  return std::move(e.out);
}

}  // namespace onus::attribution
