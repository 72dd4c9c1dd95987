#include "onus/evidence/case_evidence.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <tuple>
#include <unordered_map>

#include "json_get.h"
#include "onus/core/file.h"
#include "onus/core/ip.h"
#include "zeek_fields.h"

namespace onus::evidence {

using detail::Int;
using detail::Lower;
using detail::Str;
using detail::StrList;

const IntrusionSet* CaseEvidence::FindIntrusionSet(const std::string& id) const {
  for (const auto& s : intrusion_sets)
    if (s.id == id) return &s;
  return nullptr;
}

const IntrusionSet* CaseEvidence::FindIntrusionSetByName(const std::string& name) const {
  std::string want = Lower(name);
  const IntrusionSet* best = nullptr;
  int best_rank = -1;
  for (const auto& s : intrusion_sets) {
    int rank = -1;
    if (Lower(s.name) == want) rank = 2000;
    for (const auto& a : s.aliases)
      if (rank < 0 && Lower(a) == want) rank = 1000;
    if (rank < 0) continue;
    rank += static_cast<int>(GradeWeight(s.grade) * 100);
    if (rank > best_rank) best = &s, best_rank = rank;
  }
  return best;
}

namespace {

std::optional<Timestamp> OptTime(const std::string& s) {
  if (s.empty()) return std::nullopt;
  auto t = ParseRfc3339(s);
  if (!t.ok()) return std::nullopt;
  return *t;
}

// When a source carries no Admiralty grade, the STIX confidence of its objects stands in
// (STIX 2.1 appendix "Confidence scales", Admiralty credibility bands; reliability letter by band).
std::string GradeFromConfidence(int64_t confidence) {
  if (confidence < 0) return "";
  if (confidence >= 90) return "A1";
  if (confidence >= 70) return "B2";
  if (confidence >= 50) return "C3";
  if (confidence >= 30) return "D3";
  if (confidence >= 10) return "D4";
  return "E5";
}

bool IsSharedKind(const std::string& k) {
  return k == "cdn" || k == "shared-hosting" || k == "dynamic-dns" || k == "scanner" || k == "shared-egress" ||
         k == "sinkhole" || k == "parked";
}

struct Builder {
  Builder(store::CaseStore& s, const CaseContext& c, const ClaimSet& cl, const BuildOptions& o)
      : store(s), ctx(c), claims(cl), opt(o) {}
  store::CaseStore& store;
  const CaseContext& ctx;
  const ClaimSet& claims;
  const BuildOptions& opt;
  CaseEvidence out;
  std::map<int64_t, store::InputRow> inputs;
  std::map<std::string, store::SourceRow> sources;
  std::map<std::string, size_t> listing_index;  // indicator id -> listing
  std::map<std::string, std::vector<size_t>> listings_by_value;

  size_t AddItem(EvidenceItem item) {
    item.id = "ev-" + std::to_string(out.items.size() + 1);
    out.items.push_back(std::move(item));
    return out.items.size() - 1;
  }

  ProvenanceRecord Prov(int64_t input_id, int64_t record, const std::string& record_type) {
    ProvenanceRecord p;
    auto it = inputs.find(input_id);
    if (it != inputs.end()) p.path = it->second.path, p.sha256 = it->second.sha256;
    if (record_type == "packet") p.packet = record;
    else p.line = record;
    return p;
  }

  ProvenanceRecord ContextProv(int line) {
    ProvenanceRecord p;
    p.path = ctx.path();
    p.sha256 = ctx.sha256();
    p.line = line > 0 ? line : 1;
    return p;
  }

  std::string SourceName(const std::string& id) {
    auto it = sources.find(id);
    return it == sources.end() || it->second.name.empty() ? id : it->second.name;
  }
  std::map<std::string, std::string> derived_source_grade;
  std::string StoredSourceGrade(const std::string& id) {
    auto it = sources.find(id);
    return it == sources.end() ? std::string() : it->second.grade;
  }
  std::string SourceGrade(const std::string& id) {
    auto it = sources.find(id);
    auto d = derived_source_grade.find(id);
    if (it != sources.end() && !it->second.grade.empty() && !(it->second.grade == "F6" && d != derived_source_grade.end()))
      return it->second.grade;
    return d == derived_source_grade.end() ? std::string() : d->second;
  }

  Status LoadIntel();
  Status LoadSightings();
  Status LoadFindingsAndObservations();
  void LoadCertificates();
  void LoadContextAndClaims();
  void AddListingItems();
};

// Intel listings of sighted values, and the nexus assertions of the intrusion sets they indicate.
void Builder::AddListingItems() {
  std::set<size_t> used;
  for (const auto& c : out.contacts) used.insert(c.listings.begin(), c.listings.end());
  std::set<std::string> sets;
  for (size_t li : used) {
    const Listing& l = out.listings[li];
    if (l.prov.path.empty()) continue;
    EvidenceItem it;
    it.type = "intel-listing";
    it.about = l.value;
    it.source = l.source_name;
    it.grade = l.grade;
    it.root = "listing:" + l.root_source;
    if (l.derived) it.derived_from.push_back(l.root_indicator);
    it.attrs["indicator"] = l.indicator_id;
    std::string names;
    for (const auto& sid : l.intrusion_sets) {
      sets.insert(sid);
      if (const IntrusionSet* s = out.FindIntrusionSet(sid)) names += (names.empty() ? "" : "; ") + s->name;
    }
    if (!names.empty()) it.attrs["intrusion_sets"] = names;
    if (l.compromised) it.attrs["compromised"] = "true";
    if (l.valid_from) it.attrs["valid_from"] = FormatRfc3339(*l.valid_from, 0);
    if (l.valid_until) it.attrs["valid_until"] = FormatRfc3339(*l.valid_until, 0);
    it.provenance.push_back(l.prov);
    out.listing_item[li] = AddItem(std::move(it));
  }
  for (const auto& s : out.intrusion_sets) {
    if (!sets.count(s.id)) continue;
    for (const auto& n : s.nexus) {
      if (n.prov.path.empty()) continue;
      EvidenceItem it;
      it.type = "intel-nexus";
      it.about = s.name + " -> " + n.country;
      it.source = n.source_name;
      it.grade = n.grade;
      it.root = "nexus:" + n.root;
      it.attrs["intrusion_set"] = s.name;
      it.attrs["country"] = n.country;
      if (n.confidence >= 0) it.attrs["confidence"] = std::to_string(n.confidence);
      it.provenance.push_back(n.prov);
      out.nexus_item[s.id + "|" + n.country + "|" + n.root] = AddItem(std::move(it));
    }
  }
}

Status Builder::LoadIntel() {
  ONUS_ASSIGN_OR_RETURN(auto srcs, store.ListSources());
  for (auto& s : srcs) sources[s.id] = s;
  ONUS_ASSIGN_OR_RETURN(auto inds, store.ListIndicators());
  std::sort(inds.begin(), inds.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  for (const auto& r : inds) {
    if (r.revoked) continue;
    Listing l;
    l.indicator_id = r.id;
    l.value = Lower(r.value);
    l.value_type = r.value_type;
    l.source_id = r.source_id;
    l.source_name = SourceName(r.source_id);
    std::string own = StoredSourceGrade(r.source_id);
    l.grade = !r.grade.empty() ? r.grade : own;
    // "F6" says the reliability cannot be judged: the object's own STIX confidence, when present,
    // says more (and is what feeds without an Admiralty grade carry).
    if ((l.grade.empty() || l.grade == "F6") && r.confidence >= 0) l.grade = GradeFromConfidence(r.confidence);
    if (!l.grade.empty() && (own.empty() || own == "F6")) {
      // Remember the best grade seen for a source without one (for its other objects).
      std::string& g = derived_source_grade[r.source_id];
      g = g.empty() ? l.grade : BetterGrade(g, l.grade);
    }
    l.root_indicator = r.id;
    l.root_source = r.source_id;
    l.valid_from = OptTime(r.valid_from);
    l.valid_until = OptTime(r.valid_until);
    l.prov = Prov(r.input_id, r.line, "line");
    listing_index[r.id] = out.listings.size();
    if (!l.value.empty()) listings_by_value[l.value].push_back(out.listings.size());
    out.listings.push_back(std::move(l));
  }
  ONUS_ASSIGN_OR_RETURN(auto objs, store.ListStixObjects());
  std::sort(objs.begin(), objs.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  std::map<std::string, std::string> location_country;
  std::map<std::string, size_t> set_index;
  std::map<std::string, std::string> derived;  // indicator -> what it copies
  // Indicator bodies may carry indicator_types; the store keeps them in the object JSON only when
  // the importer stored the indicator as a STIX object too, so look there as well.
  for (const auto& o : objs) {
    nlohmann::json j = nlohmann::json::parse(o.json, nullptr, false);
    if (j.is_discarded()) {
      out.warnings.push_back("stix object " + o.id + ": unreadable JSON, skipped");
      continue;
    }
    if (o.type == "location") {
      std::string c = Str(j, "country");
      for (char& ch : c)
        if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
      if (!c.empty()) location_country[o.id] = c;
    } else if (o.type == "intrusion-set") {
      IntrusionSet s;
      s.id = o.id;
      s.name = !o.name.empty() ? o.name : Str(j, "name");
      s.aliases = StrList(j, "aliases");
      s.source_name = SourceName(o.source_id);
      s.grade = SourceGrade(o.source_id);
      s.prov = Prov(o.input_id, o.line, "line");
      set_index[o.id] = out.intrusion_sets.size();
      out.intrusion_sets.push_back(std::move(s));
    } else if (o.type == "indicator") {
      auto it = listing_index.find(o.id);
      if (it != listing_index.end())
        for (const auto& t : StrList(j, "indicator_types"))
          if (Lower(t) == "compromised") out.listings[it->second].compromised = true;
    }
  }
  for (const auto& o : objs) {
    if (o.type != "relationship") continue;
    nlohmann::json j = nlohmann::json::parse(o.json, nullptr, false);
    if (j.is_discarded()) continue;
    std::string rt = Str(j, "relationship_type"), src = Str(j, "source_ref"), dst = Str(j, "target_ref");
    if (rt == "derived-from") {
      if (listing_index.count(src)) derived[src] = dst;
    } else if (rt == "indicates") {
      auto it = listing_index.find(src);
      if (it == listing_index.end()) continue;
      if (dst.rfind("intrusion-set--", 0) == 0) out.listings[it->second].intrusion_sets.push_back(dst);
      else if (dst.rfind("malware--", 0) == 0 || dst.rfind("tool--", 0) == 0)
        out.listings[it->second].malware.push_back(dst);
    } else if (rt == "originates-from") {
      auto si = set_index.find(src);
      auto lc = location_country.find(dst);
      if (si == set_index.end() || lc == location_country.end()) continue;
      NexusAssertion n;
      n.country = lc->second;
      n.confidence = static_cast<int>(Int(j, "confidence", -1));
      n.grade = SourceGrade(o.source_id);
      n.source_name = SourceName(o.source_id);
      n.root = o.source_id;
      n.prov = Prov(o.input_id, o.line, "line");
      out.intrusion_sets[si->second].nexus.push_back(std::move(n));
    }
  }
  // Roots of derived listings: follow derived-from to an indicator the case holds (cycles cut).
  for (auto& l : out.listings) {
    std::string cur = l.indicator_id;
    std::set<std::string> seen{cur};
    while (true) {
      auto d = derived.find(cur);
      if (d == derived.end() || !listing_index.count(d->second) || seen.count(d->second)) break;
      cur = d->second;
      seen.insert(cur);
    }
    if (cur != l.indicator_id) {
      l.derived = true;
      l.root_indicator = cur;
      l.root_source = out.listings[listing_index[cur]].source_id;
    }
  }
  for (auto& l : out.listings) {
    std::sort(l.intrusion_sets.begin(), l.intrusion_sets.end());
    l.intrusion_sets.erase(std::unique(l.intrusion_sets.begin(), l.intrusion_sets.end()), l.intrusion_sets.end());
  }
  return Status::Ok();
}

// Coefficient of variation of the gaps between sorted times; <0 when fewer than 3 gaps.
double GapVariation(std::vector<int64_t> t) {
  std::sort(t.begin(), t.end());
  t.erase(std::unique(t.begin(), t.end()), t.end());
  if (t.size() < 4) return -1;
  std::vector<double> gaps;
  for (size_t i = 1; i < t.size(); ++i) gaps.push_back(static_cast<double>(t[i] - t[i - 1]));
  double mean = 0;
  for (double g : gaps) mean += g;
  mean /= static_cast<double>(gaps.size());
  if (mean <= 0) return -1;
  double var = 0;
  for (double g : gaps) var += (g - mean) * (g - mean);
  var /= static_cast<double>(gaps.size());
  return std::sqrt(var) / mean;
}

Status Builder::LoadSightings() {
  ONUS_ASSIGN_OR_RETURN(auto rows, store.ListSightings());
  ONUS_ASSIGN_OR_RETURN(auto findings, store.ListFindings());
  std::set<std::string> beacon_dst;  // "site|dst" of beacon findings
  for (const auto& f : findings)
    if (f.kind == "beacon" || f.kind == "strobe") beacon_dst.insert(f.site + "|" + Lower(f.dst));

  struct Acc {
    std::vector<const store::SightingRow*> rows;
  };
  std::map<std::tuple<std::string, std::string, std::string>, Acc> groups;
  for (const auto& s : rows) {
    std::string value = Lower(s.value);
    if (value.empty()) continue;
    std::string site = s.site, segment = s.segment;
    if (site.empty()) {
      // Locate the internal end when the matcher did not.
      for (const std::string& h : {s.orig_h, s.resp_h}) {
        auto ip = IpAddress::Parse(h);
        if (!ip.ok()) continue;
        Location loc = ctx.Locate(*ip);
        if (loc.found()) {
          site = loc.site, segment = loc.segment;
          break;
        }
      }
    }
    groups[{value, site, segment}].rows.push_back(&s);
  }
  for (auto& [key, acc] : groups) {
    const auto& [value, site, segment] = key;
    std::sort(acc.rows.begin(), acc.rows.end(), [](const auto* a, const auto* b) {
      return std::tie(a->ts, a->input_id, a->record) < std::tie(b->ts, b->input_id, b->record);
    });
    SiteContact c;
    c.value = value;
    c.value_type = acc.rows.front()->value_type;
    c.site = site;
    c.segment = segment;
    if (const ContextSite* cs = ctx.FindSite(site))
      for (const auto& g : cs->segments)
        if (g.id == segment) c.segment_kind = g.kind;
    std::set<size_t> lset;
    if (auto it = listings_by_value.find(value); it != listings_by_value.end()) lset.insert(it->second.begin(), it->second.end());
    bool any_out = false, any_in = false, any_dns = false, all_stale = true;
    std::map<std::string, std::vector<int64_t>> conn_times, dns_times;  // host -> times
    std::set<std::string> seen_records;
    bool first = true;
    for (const auto* s : acc.rows) {
      if (auto it = listing_index.find(s->indicator_id); it != listing_index.end()) lset.insert(it->second);
      auto ts = ParseRfc3339(s->ts);
      if (!ts.ok()) continue;
      if (first) c.first_seen = *ts, first = false;
      c.last_seen = std::max(c.last_seen, *ts);
      std::string rec = std::to_string(s->input_id) + ":" + std::to_string(s->record);
      if (seen_records.insert(rec).second) ++c.count;
      if (!s->stale) all_stale = false;
      std::string where = Lower(s->seen_where);
      bool dns = where.rfind("dns", 0) == 0;
      bool inbound = !dns && Lower(s->orig_h) == value;
      std::string host = inbound ? s->resp_h : s->orig_h;
      if (!host.empty()) c.hosts.insert(host);
      if (dns) {
        any_dns = true;
        dns_times[host].push_back(ts->seconds());
      } else if (inbound) {
        any_in = true;
      } else {
        any_out = true;
        std::string key2 = s->uid.empty() ? rec : s->uid;
        conn_times[host + "|" + key2].push_back(ts->seconds());
        if (!s->resp_h.empty()) {
          auto ip = IpAddress::Parse(s->resp_h);
          if (ip.ok() && !ctx.IsInternal(*ip)) c.resp_addresses.insert(s->resp_h);
        }
      }
    }
    if (first) continue;
    c.direction = any_out ? "outbound" : (any_dns ? "dns" : (any_in ? "inbound" : "outbound"));
    // Per host: one time per connection (uid), then the regularity of the gaps.
    std::map<std::string, std::vector<int64_t>> per_host;
    for (const auto& [hk, times] : conn_times)
      per_host[hk.substr(0, hk.find('|'))].push_back(*std::min_element(times.begin(), times.end()));
    const auto& series = any_out ? per_host : dns_times;
    size_t most = 0;
    bool periodic = false;
    for (const auto& [h, times] : series) {
      most = std::max(most, times.size());
      double cv = GapVariation(times);
      if (times.size() >= 6 && cv >= 0 && cv <= 0.6) periodic = true;
    }
    if (beacon_dst.count(site + "|" + value)) periodic = true;
    for (const auto& a : c.resp_addresses)
      if (beacon_dst.count(site + "|" + a)) periodic = true;
    int64_t span = c.last_seen.seconds() - c.first_seen.seconds();
    c.pattern = periodic ? "periodic" : (most >= 3 && span >= 3600 ? "repeated" : "single");
    c.listings.assign(lset.begin(), lset.end());
    // Context annotations: the value itself, then the addresses it resolved to.
    std::vector<const InfrastructureNote*> notes = ctx.NotesFor(value);
    for (const auto& a : c.resp_addresses)
      if (notes.empty()) notes = ctx.NotesFor(a);
    for (const auto* n : notes) {
      if (c.infra_kind.empty() || (IsSharedKind(n->kind) && !IsSharedKind(c.infra_kind))) c.infra_kind = n->kind;
      if (c.infra_country.empty()) c.infra_country = n->country;
    }
    if (c.infra_kind == "parked") {
      // A parked name is only non-diagnostic after it was parked.
      for (const auto* n : notes)
        if (n->kind == "parked" && n->from && c.first_seen < *n->from) c.infra_kind.clear();
    }
    bool compromised = !c.listings.empty();
    for (size_t li : c.listings) compromised = compromised && out.listings[li].compromised;
    if (c.infra_kind.empty() && compromised) c.infra_kind = "compromised-device";
    c.stale = all_stale;
    if (c.stale) {
      int64_t best = INT64_MAX;
      for (size_t li : c.listings) {
        const auto& l = out.listings[li];
        int64_t d = 0;
        if (l.valid_until && c.last_seen > *l.valid_until) d = (c.last_seen.seconds() - l.valid_until->seconds()) / 86400;
        else if (l.valid_from && c.first_seen < *l.valid_from) d = (l.valid_from->seconds() - c.first_seen.seconds()) / 86400;
        best = std::min(best, d);
      }
      c.stale_days = best == INT64_MAX ? 0 : best;
    }

    EvidenceItem it;
    it.type = c.direction == "dns" ? "dns-lookup" : (c.direction == "inbound" ? "inbound-probe" : "network-sighting");
    it.about = value;
    it.scope.site = site;
    it.scope.segment = segment;
    it.scope.from = c.first_seen;
    it.scope.to = c.last_seen;
    it.first_seen = c.first_seen;
    it.last_seen = c.last_seen;
    it.count = c.count;
    it.source = "telemetry";
    // The item is as diagnostic as the best original listing of the value.
    std::string grade, root;
    for (size_t li : c.listings) {
      const auto& l = out.listings[li];
      if (l.derived) continue;
      if (grade.empty() || GradeWeight(l.grade) > GradeWeight(grade)) grade = l.grade, root = l.root_source;
    }
    if (grade.empty())
      for (size_t li : c.listings) {
        const auto& l = out.listings[li];
        if (grade.empty() || GradeWeight(l.grade) > GradeWeight(grade)) grade = l.grade, root = l.root_source;
      }
    it.grade = grade;
    it.root = "listing:" + root;
    std::set<std::string> listed_by;
    for (size_t li : c.listings) listed_by.insert(out.listings[li].source_name);
    std::string lb;
    for (const auto& n : listed_by) lb += (lb.empty() ? "" : "; ") + n;
    it.attrs["listed_by"] = lb;
    it.attrs["pattern"] = c.pattern;
    it.attrs["direction"] = c.direction;
    if (!c.infra_kind.empty()) it.attrs["infra_kind"] = c.infra_kind;
    if (!c.infra_country.empty()) it.attrs["infra_country"] = c.infra_country;
    std::string hosts;
    for (const auto& h : c.hosts) hosts += (hosts.empty() ? "" : ",") + h;
    it.attrs["hosts"] = hosts;
    if (c.stale) it.attrs["stale_days"] = std::to_string(c.stale_days);
    for (const auto* s : acc.rows) {
      if (it.provenance.size() >= opt.max_provenance) break;
      ProvenanceRecord p = Prov(s->input_id, s->record, s->record_type);
      if (std::find(it.provenance.begin(), it.provenance.end(), p) == it.provenance.end()) it.provenance.push_back(p);
    }
    c.item = AddItem(std::move(it));
    out.contacts.push_back(std::move(c));
  }
  return Status::Ok();
}

bool Implicated(const SiteContact& c) {
  return c.direction != "inbound" && !IsSharedKind(c.infra_kind);
}

Status Builder::LoadFindingsAndObservations() {
  std::set<std::string> implicated;  // "site|host"
  std::set<std::string> c2_values;   // addresses and names with implicating contacts
  for (const auto& c : out.contacts) {
    if (!Implicated(c)) continue;
    for (const auto& h : c.hosts) implicated.insert(c.site + "|" + h);
    c2_values.insert(c.value);
    c2_values.insert(c.resp_addresses.begin(), c.resp_addresses.end());
  }
  ONUS_ASSIGN_OR_RETURN(auto findings, store.ListFindings());
  std::sort(findings.begin(), findings.end(), [](const auto& a, const auto& b) {
    return std::tie(a.kind, a.site, a.key, a.window) < std::tie(b.kind, b.site, b.key, b.window);
  });
  for (const auto& f : findings) {
    if (f.kind != "exfil-upload") continue;
    Upload u;
    u.site = f.site, u.segment = f.segment, u.src = f.src, u.dst = Lower(f.dst);
    u.first_seen = ParseRfc3339(f.first_seen).value_or(Timestamp());
    u.last_seen = ParseRfc3339(f.last_seen).value_or(u.first_seen);
    nlohmann::json d = nlohmann::json::parse(f.detail_json, nullptr, false);
    u.bytes = Int(d, "bytes", Int(d, "orig_bytes", 0));
    if (u.site.empty()) {
      auto ip = IpAddress::Parse(f.src);
      if (ip.ok()) u.site = ctx.Locate(*ip).site;
    }
    EvidenceItem it;
    it.type = "exfil-upload";
    it.about = u.dst;
    it.scope.site = u.site, it.scope.segment = u.segment;
    it.scope.from = u.first_seen, it.scope.to = u.last_seen;
    it.first_seen = u.first_seen, it.last_seen = u.last_seen;
    it.count = f.count;
    it.source = "telemetry";
    it.grade = "A2";
    it.root = "telemetry:" + u.site;
    it.attrs["src"] = u.src;
    if (u.bytes > 0) it.attrs["bytes"] = std::to_string(u.bytes);
    it.attrs["to_listed_c2"] = c2_values.count(u.dst) ? "true" : "false";
    for (const auto& p : f.provenance) {
      if (it.provenance.size() >= opt.max_provenance) break;
      it.provenance.push_back(Prov(p.input_id, p.record, p.record_type));
    }
    if (it.provenance.empty()) continue;  // nothing to cite: not evidence
    u.item = AddItem(std::move(it));
    out.uploads.push_back(std::move(u));
  }

  ONUS_ASSIGN_OR_RETURN(auto obs, store.ListObservations());
  std::sort(obs.begin(), obs.end(), [](const auto& a, const auto& b) {
    return std::tie(a.ts, a.input_id, a.record, a.kind) < std::tie(b.ts, b.input_id, b.record, b.kind);
  });
  for (const auto& o : obs) {
    nlohmann::json j = nlohmann::json::parse(o.json, nullptr, false);
    if (j.is_discarded()) j = nlohmann::json::object();
    std::string kind = Lower(o.kind);
    auto ts = ParseRfc3339(o.ts);
    if (!ts.ok()) continue;
    if (kind == "grid" || kind == "scada" || kind == "grid-event") {
      GridEvent g;
      g.ts = *ts;
      g.site = !o.site.empty() ? o.site : Str(j, "site");
      g.asset = Str(j, "asset");
      g.event = Lower(!Str(j, "event").empty() ? Str(j, "event") : Str(j, "grid_event"));
      g.initiator = Lower(Str(j, "initiator"));
      g.command = Str(j, "command");
      g.console = Str(j, "console");
      g.note = Str(j, "note");
      EvidenceItem it;
      it.type = "grid-event";
      it.about = g.asset.empty() ? g.event : g.asset;
      it.scope.site = g.site, it.scope.segment = o.segment;
      it.scope.from = g.ts, it.scope.to = g.ts;
      it.first_seen = g.ts, it.last_seen = g.ts;
      it.count = 1;
      it.source = "telemetry";
      it.grade = "A2";
      it.root = "grid:" + g.site;
      it.attrs["event"] = g.event;
      it.attrs["initiator"] = g.initiator;
      if (!g.command.empty()) it.attrs["command"] = g.command;
      if (!g.console.empty()) it.attrs["console"] = g.console;
      it.provenance.push_back(Prov(o.input_id, o.record, o.record_type));
      g.item = AddItem(std::move(it));
      out.grid_events.push_back(std::move(g));
      continue;
    }
    // Flows or ICS commands reaching an OT segment from an implicated host.
    auto dst = IpAddress::Parse(o.resp_h);
    if (!dst.ok()) continue;
    Location dl = ctx.Locate(*dst);
    if (dl.segment_kind != "ot") continue;
    auto src = IpAddress::Parse(o.orig_h);
    Location sl = src.ok() ? ctx.Locate(*src) : Location();
    bool from_implicated = implicated.count(dl.site + "|" + o.orig_h) > 0;
    bool is_command = detail::Bool(j, "is_command", false) || kind == "ics-command";
    bool from_outside_ot = !(sl.site == dl.site && sl.segment_kind == "ot");
    bool ics = kind == "ics" || kind == "ics-command";
    if (!(from_implicated || (ics && is_command && from_outside_ot))) continue;
    OtReach r;
    r.site = dl.site, r.segment = dl.segment, r.src = o.orig_h, r.dst = o.resp_h;
    r.kind = ics && is_command ? "ics-command" : "flow";
    r.ts = *ts;
    EvidenceItem it;
    it.type = r.kind == "ics-command" ? "ics-command" : "ot-reach";
    it.about = o.orig_h + "->" + o.resp_h;
    it.scope.site = r.site, it.scope.segment = r.segment;
    it.scope.from = r.ts, it.scope.to = r.ts;
    it.first_seen = r.ts, it.last_seen = r.ts;
    it.count = 1;
    it.source = "telemetry";
    it.grade = "A2";
    it.root = "telemetry:" + r.site;
    it.attrs["from_implicated_host"] = from_implicated ? "true" : "false";
    it.provenance.push_back(Prov(o.input_id, o.record, o.record_type));
    r.item = AddItem(std::move(it));
    out.ot_reach.push_back(std::move(r));
  }
  // Implicating contacts seen from inside an OT segment are OT reach too.
  for (const auto& c : out.contacts) {
    if (c.segment_kind != "ot" || !Implicated(c)) continue;
    OtReach r;
    r.site = c.site, r.segment = c.segment, r.src = *c.hosts.begin(), r.dst = c.value;
    r.kind = "c2-from-ot";
    r.ts = c.first_seen;
    r.item = c.item;
    out.ot_reach.push_back(std::move(r));
  }
  return Status::Ok();
}

void Builder::LoadCertificates() {
  // Which servers do we care about: addresses and names of outbound contacts.
  std::map<std::string, std::vector<size_t>> by_addr, by_name;
  for (size_t i = 0; i < out.contacts.size(); ++i) {
    const auto& c = out.contacts[i];
    if (c.direction == "inbound") continue;
    for (const auto& a : c.resp_addresses) by_addr[a].push_back(i);
    if (c.value_type.find("ipv") == std::string::npos) by_name[c.value].push_back(i);
    else by_addr[c.value].push_back(i);
  }
  if (by_addr.empty() && by_name.empty()) return;
  struct Use {
    std::set<std::string> sites, addresses, values;
    std::vector<ProvenanceRecord> prov_by_site_first;
    std::map<std::string, std::vector<ProvenanceRecord>> prov;  // site -> records
  };
  std::map<std::string, Use> uses;             // fingerprint -> use on sighted servers
  std::map<std::string, std::set<std::string>> fp_other;  // fingerprint -> unsighted servers
  std::map<std::string, std::pair<std::string, std::string>> subjects;  // fp -> subject, issuer
  std::vector<store::InputRow> ssl_inputs, x509_inputs;
  for (const auto& [id, in] : inputs) {
    std::string base = in.path.substr(in.path.find_last_of('/') == std::string::npos ? 0 : in.path.find_last_of('/') + 1);
    if (base.rfind("ssl", 0) == 0) ssl_inputs.push_back(in);
    else if (base.rfind("x509", 0) == 0) x509_inputs.push_back(in);
  }
  for (const auto& in : ssl_inputs) {
    if (!FileExists(in.path)) {
      out.warnings.push_back(in.path + ": not readable now; certificates from it skipped");
      continue;
    }
    Status st = detail::ForEachZeekRecord(in.path, {"id.orig_h", "id.resp_h", "server_name", "cert_chain_fps"},
                                          [&](int64_t line, const std::vector<std::string>& f) {
      const std::string& fps = f[3];
      if (fps.empty() || fps == "-" || fps == "(empty)") return;
      std::string leaf = Lower(fps.substr(0, fps.find(',')));
      std::vector<size_t> hits;
      if (auto it = by_addr.find(f[1]); it != by_addr.end()) hits = it->second;
      if (auto it = by_name.find(Lower(f[2])); it != by_name.end()) hits.insert(hits.end(), it->second.begin(), it->second.end());
      if (hits.empty()) {
        fp_other[leaf].insert(f[1]);
        return;
      }
      auto ip = IpAddress::Parse(f[0]);
      std::string site = ip.ok() ? ctx.Locate(*ip).site : std::string();
      Use& u = uses[leaf];
      if (!site.empty()) u.sites.insert(site);
      u.addresses.insert(f[1]);
      for (size_t ci : hits) u.values.insert(out.contacts[ci].value);
      auto& v = u.prov[site];
      if (v.size() < opt.max_provenance) {
        ProvenanceRecord p;
        p.path = in.path, p.sha256 = in.sha256, p.line = line;
        v.push_back(p);
      }
    });
    if (!st.ok()) out.warnings.push_back(st.message());
  }
  if (uses.empty()) return;
  for (const auto& in : x509_inputs) {
    if (!FileExists(in.path)) continue;
    Status st = detail::ForEachZeekRecord(in.path, {"fingerprint", "certificate.subject", "certificate.issuer"},
                                          [&](int64_t, const std::vector<std::string>& f) {
      std::string fp = Lower(f[0]);
      if (uses.count(fp) && !subjects.count(fp)) subjects[fp] = {f[1], f[2]};
    });
    if (!st.ok()) out.warnings.push_back(st.message());
  }
  for (auto& [fp, u] : uses) {
    CertificateUse cu;
    cu.fingerprint = fp;
    if (auto s = subjects.find(fp); s != subjects.end()) {
      cu.subject = s->second.first, cu.issuer = s->second.second;
      cu.self_signed = !cu.subject.empty() && cu.subject == cu.issuer;
    }
    cu.sites = u.sites, cu.addresses = u.addresses, cu.listed_values = u.values;
    cu.on_unlisted = fp_other.count(fp) > 0;
    EvidenceItem it;
    it.type = "certificate";
    it.about = fp;
    it.count = static_cast<int64_t>(u.addresses.size());
    it.source = "telemetry";
    it.grade = "A2";
    it.root = "certificate:" + fp;
    std::string sites, addrs;
    for (const auto& s : u.sites) sites += (sites.empty() ? "" : ",") + s;
    for (const auto& a : u.addresses) addrs += (addrs.empty() ? "" : ",") + a;
    it.attrs["sites"] = sites;
    it.attrs["servers"] = addrs;
    if (!cu.subject.empty()) it.attrs["subject"] = cu.subject;
    it.attrs["self_signed"] = cu.self_signed ? "true" : "false";
    it.attrs["also_on_unsighted_servers"] = cu.on_unlisted ? "true" : "false";
    for (const auto& [site, recs] : u.prov)
      for (const auto& p : recs)
        if (it.provenance.size() < opt.max_provenance * std::max<size_t>(1, u.prov.size())) it.provenance.push_back(p);
    cu.item = AddItem(std::move(it));
    out.certificates.push_back(std::move(cu));
  }
}

void Builder::LoadContextAndClaims() {
  if (!ctx.path().empty()) {
    std::map<std::string, std::vector<const TelemetryWindow*>> by_site;
    for (const auto& t : ctx.telemetry()) by_site[t.site].push_back(&t);
    for (const auto& [site, ws] : by_site) {
      EvidenceItem it;
      it.type = "telemetry-coverage";
      it.about = site;
      it.scope.site = site;
      std::set<std::string> kinds;
      for (const auto* w : ws) {
        if (!it.scope.from || w->from < *it.scope.from) it.scope.from = w->from;
        if (!it.scope.to || w->to > *it.scope.to) it.scope.to = w->to;
        kinds.insert(w->kinds.begin(), w->kinds.end());
        it.provenance.push_back(ContextProv(w->line));
      }
      std::string k;
      for (const auto& x : kinds) k += (k.empty() ? "" : ",") + x;
      it.attrs["kinds"] = k;
      it.source = "context";
      it.grade = "A1";
      it.root = "context:telemetry:" + site;
      out.coverage_item[site] = AddItem(std::move(it));
    }
    for (const auto& e : ctx.events()) {
      if (!e.has_cause) continue;
      EvidenceItem it;
      it.type = "established-cause";
      it.about = e.id;
      it.scope.site = e.site, it.scope.segment = e.segment, it.scope.event = e.id;
      it.scope.from = e.from, it.scope.to = e.to;
      it.source = "context";
      it.grade = e.cause_grade;
      it.root = "context:cause:" + e.id;
      it.attrs["cause_kind"] = e.cause_kind;
      it.attrs["text"] = e.cause_text;
      it.provenance.push_back(ContextProv(e.line));
      out.cause_item[e.id] = AddItem(std::move(it));
    }
    std::set<std::string> used;
    for (const auto& c : out.contacts) {
      for (const auto* n : ctx.NotesFor(c.value)) used.insert(n->value);
      for (const auto& a : c.resp_addresses)
        for (const auto* n : ctx.NotesFor(a)) used.insert(n->value);
    }
    for (const auto& n : ctx.infrastructure()) {
      if (!used.count(n.value)) continue;
      EvidenceItem it;
      it.type = "infrastructure-annotation";
      it.about = n.value;
      it.source = n.source.empty() ? "context" : n.source;
      it.grade = n.grade;
      it.root = "context:infrastructure:" + n.value;
      it.attrs["kind"] = n.kind;
      if (!n.country.empty()) it.attrs["country"] = n.country;
      it.provenance.push_back(ContextProv(n.line));
      size_t idx = AddItem(it);
      if (!n.country.empty()) {
        EvidenceItem loc = it;
        loc.type = "infrastructure-location";
        loc.root = "context:location:" + n.value;
        out.location_item[Lower(n.value)] = AddItem(std::move(loc));
      }
      (void)idx;
    }
  }
  for (const auto& c : claims.claims()) {
    EvidenceItem it;
    it.type = "claim";
    it.about = c.id;
    it.source = c.source.name;
    it.grade = c.source.grade;
    it.derived_from = c.source.derived_from;
    it.root = c.independent() ? "claim:" + c.id : "claim:" + c.source.derived_from.front();
    it.attrs["claim"] = c.id;
    it.attrs["source_type"] = c.source.type;
    it.attrs["independent"] = c.independent() ? "true" : "false";
    if (!c.source.ingestible_evidence) it.attrs["ingestible_evidence"] = "false";
    ProvenanceRecord p;
    p.path = claims.path(), p.sha256 = claims.sha256(), p.line = c.line > 0 ? c.line : 1;
    it.provenance.push_back(p);
    out.claim_item[c.id] = AddItem(std::move(it));
  }
}

}  // namespace

Result<CaseEvidence> Build(store::CaseStore& store, const CaseContext& context, const ClaimSet& claims,
                           const BuildOptions& options) {
  Builder b(store, context, claims, options);
  ONUS_ASSIGN_OR_RETURN(auto ins, store.ListInputs());
  for (const auto& in : ins) b.inputs[in.id] = in;
  b.out.inputs = ins;
  ONUS_RETURN_IF_ERROR(b.LoadIntel());
  ONUS_RETURN_IF_ERROR(b.LoadSightings());
  ONUS_RETURN_IF_ERROR(b.LoadFindingsAndObservations());
  if (options.read_certificates) b.LoadCertificates();
  b.AddListingItems();
  b.LoadContextAndClaims();
  return std::move(b.out);
}

Status StoreEvidence(store::CaseStore& store, const CaseEvidence& ev, const std::string& now) {
  ONUS_ASSIGN_OR_RETURN(auto ins, store.ListInputs());
  std::map<std::pair<std::string, std::string>, int64_t> ids;  // (path, sha) -> input id
  std::map<std::string, int64_t> by_sha;
  for (const auto& in : ins) ids[{in.path, in.sha256}] = in.id, by_sha[in.sha256] = in.id;
  for (const auto& item : ev.items) {
    store::EvidenceRow row;
    row.id = item.id;
    row.type = item.type;
    row.about = item.about;
    nlohmann::ordered_json scope = nlohmann::ordered_json::object();
    if (!item.scope.site.empty()) scope["site"] = item.scope.site;
    if (!item.scope.segment.empty()) scope["segment"] = item.scope.segment;
    if (!item.scope.event.empty()) scope["event"] = item.scope.event;
    row.scope_json = scope.dump();
    if (item.first_seen) row.first_seen = FormatRfc3339(*item.first_seen);
    if (item.last_seen) row.last_seen = FormatRfc3339(*item.last_seen);
    row.count = item.count;
    row.source = item.source;
    row.grade = item.grade;
    row.derived_from_json = nlohmann::json(item.derived_from).dump();
    row.detail_json = nlohmann::json(item.attrs).dump();
    for (const auto& p : item.provenance) {
      int64_t id = 0;
      if (auto it = ids.find({p.path, p.sha256}); it != ids.end()) id = it->second;
      else if (auto s = by_sha.find(p.sha256); s != by_sha.end()) id = s->second;
      else {
        auto size = FileSize(p.path);
        std::string kind = p.path.find("claim") != std::string::npos ? "claims" : "context";
        ONUS_ASSIGN_OR_RETURN(auto in, store.BeginInput(p.path, p.sha256, size.ok() ? static_cast<int64_t>(*size) : 0,
                                                        kind, now));
        if (in.state != "complete") ONUS_RETURN_IF_ERROR(store.CompleteInput(in.id, 0));
        id = in.id;
        ids[{p.path, p.sha256}] = id;
        by_sha[p.sha256] = id;
      }
      store::ProvenanceRef ref;
      ref.input_id = id;
      ref.record = p.packet > 0 ? p.packet : p.line;
      ref.record_type = p.packet > 0 ? "packet" : "line";
      row.provenance.push_back(ref);
    }
    ONUS_RETURN_IF_ERROR(store.PutEvidence(row));
  }
  return Status::Ok();
}

}  // namespace onus::evidence
