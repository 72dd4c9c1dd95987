#include "view.h"

#include <algorithm>
#include <cstdio>
#include <set>

namespace onus::report::detail {
namespace {

using nlohmann::json;

std::string Str(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return "";
  if (it->is_string()) return it->get<std::string>();
  return it->dump();
}

std::vector<std::string> Strings(const json& j, const char* key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it != j.end() && it->is_array())
    for (const auto& x : *it)
      if (x.is_string()) out.push_back(x.get<std::string>());
  return out;
}

Status Missing(const std::string& where, const char* field) {
  return Status::InvalidArgument(std::string("assessment: ") + where + " lacks '" + field + "'");
}

std::string ScopeText(const json& scope) {
  if (!scope.is_object()) return "";
  std::string out;
  for (const char* k : {"site", "sites", "segment", "event", "cluster", "from", "to", "country"}) {
    auto it = scope.find(k);
    if (it == scope.end() || it->is_null()) continue;
    if (!out.empty()) out += ", ";
    out += k;
    out += "=";
    if (it->is_array()) {
      std::string joined;
      for (const auto& x : *it) joined += (joined.empty() ? "" : "+") + (x.is_string() ? x.get<std::string>() : x.dump());
      out += joined;
    } else {
      out += it->is_string() ? it->get<std::string>() : it->dump();
    }
  }
  return out;
}

}  // namespace

Result<AssessmentView> BuildView(const ReportInputs& in) {
  const json& a = in.assessment;
  if (!a.is_object()) return Status::InvalidArgument("assessment: not a JSON object");
  AssessmentView v;
  v.version = Str(a, "onus_version");
  if (auto c = a.find("case"); c != a.end() && c->is_object())
    if (auto ins = c->find("inputs"); ins != c->end() && ins->is_array())
      for (const auto& i : *ins) v.inputs.emplace_back(Str(i, "path"), Str(i, "sha256"));

  auto array = [&](const char* key) -> const json* {
    auto it = a.find(key);
    return it != a.end() && it->is_array() ? &*it : nullptr;
  };
  if (const json* ev = array("evidence")) {
    for (size_t i = 0; i < ev->size(); ++i) {
      const json& e = (*ev)[i];
      std::string where = "evidence[" + std::to_string(i) + "]";
      EvidenceView x;
      x.id = Str(e, "id");
      if (x.id.empty()) return Missing(where, "id");
      x.type = Str(e, "type");
      x.about = Str(e, "about");
      if (auto s = e.find("scope"); s != e.end() && s->is_object()) {
        x.site = Str(*s, "site");
        x.segment = Str(*s, "segment");
      }
      x.first_seen = Str(e, "first_seen");
      x.last_seen = Str(e, "last_seen");
      auto f = ParseRfc3339(x.first_seen);
      auto l = ParseRfc3339(x.last_seen.empty() ? x.first_seen : x.last_seen);
      if (f.ok() && l.ok()) {
        x.first = *f;
        x.last = *l;
        x.has_time = true;
      }
      if (auto c = e.find("count"); c != e.end() && c->is_number()) x.count = c->get<int64_t>();
      x.source = Str(e, "source");
      x.grade = Str(e, "grade");
      x.derived_from = Strings(e, "derived_from");
      if (auto p = e.find("provenance"); p != e.end() && p->is_array()) {
        for (const auto& pr : *p) {
          ProvenanceView pv;
          pv.path = Str(pr, "path");
          pv.sha256 = Str(pr, "sha256");
          if (auto ln = pr.find("line"); ln != pr.end() && ln->is_number()) {
            pv.record = ln->get<int64_t>();
          } else if (auto pk = pr.find("packet"); pk != pr.end() && pk->is_number()) {
            pv.record = pk->get<int64_t>();
            pv.is_packet = true;
          }
          x.provenance.push_back(std::move(pv));
        }
      }
      v.evidence_index[x.id] = v.evidence.size();
      v.evidence.push_back(std::move(x));
    }
  }
  if (const json* ps = array("propositions")) {
    for (size_t i = 0; i < ps->size(); ++i) {
      const json& p = (*ps)[i];
      PropositionView x;
      x.id = Str(p, "id");
      x.kind = Str(p, "kind");
      if (x.kind.empty()) return Missing("propositions[" + std::to_string(i) + "]", "kind");
      x.verdict = Str(p, "verdict");
      if (auto l = p.find("likelihood"); l != p.end() && l->is_object()) {
        x.term = Str(*l, "term");
        if (auto po = l->find("posterior"); po != l->end() && po->is_number()) x.posterior = po->get<double>();
      }
      x.confidence = Str(p, "confidence");
      x.rule = Str(p, "rule");
      x.statement = Str(p, "statement");
      if (auto s = p.find("scope"); s != p.end()) x.scope_text = ScopeText(*s);
      if (auto s = p.find("subject"); s != p.end() && s->is_object()) x.cluster = Str(*s, "cluster");
      x.for_ids = Strings(p, "for");
      x.against_ids = Strings(p, "against");
      v.propositions.push_back(std::move(x));
    }
  }
  if (const json* cs = array("clusters")) {
    for (const auto& c : *cs) {
      ClusterView x;
      x.id = Str(c, "id");
      x.sites = Strings(c, "sites");
      x.infrastructure = Strings(c, "infrastructure");
      x.evidence = Strings(c, "evidence");
      x.first_seen = Str(c, "first_seen");
      x.last_seen = Str(c, "last_seen");
      v.clusters.push_back(std::move(x));
    }
  }
  if (const json* as = array("attributions")) {
    for (const auto& at : *as) {
      AttributionView x;
      x.cluster = Str(at, "cluster");
      if (auto h = at.find("hypotheses"); h != at.end() && h->is_array())
        for (const auto& hy : *h) {
          double p = 0;
          if (auto po = hy.find("posterior"); po != hy.end() && po->is_number()) p = po->get<double>();
          std::string name = Str(hy, "name");
          std::string actor = Str(hy, "actor");
          x.hypotheses.push_back({name.empty() || name == actor ? actor : name + " (" + actor + ")", p});
        }
      if (auto ac = at.find("actor"); ac != at.end() && ac->is_object()) {
        x.actor_verdict = Str(*ac, "verdict");
        x.actor_rule = Str(*ac, "rule");
        x.actor_statement = Str(*ac, "statement");
        if (x.actor_statement.empty()) x.actor_statement = Str(*ac, "name");
      }
      if (auto nx = at.find("nexus"); nx != at.end() && nx->is_object()) {
        x.nexus_country = Str(*nx, "country");
        x.nexus_verdict = Str(*nx, "verdict");
        if (auto l = nx->find("likelihood"); l != nx->end() && l->is_object()) x.nexus_term = Str(*l, "term");
        x.nexus_confidence = Str(*nx, "confidence");
      }
      if (auto st = at.find("state"); st != at.end() && st->is_object()) {
        x.state_verdict = Str(*st, "verdict");
        x.state_statement = Str(*st, "statement");
      }
      v.attributions.push_back(std::move(x));
    }
  }
  // Claims: the verdicts from the assessment, the words and sources from the claims file.
  std::map<std::string, const json*> claim_text;
  if (in.claims.is_object())
    if (auto cl = in.claims.find("claims"); cl != in.claims.end() && cl->is_array())
      for (const auto& c : *cl)
        if (c.is_object()) claim_text[Str(c, "id")] = &c;
  if (const json* cs = array("claims")) {
    for (const auto& c : *cs) {
      ClaimView x;
      x.id = Str(c, "id");
      x.label = Str(c, "label");
      if (auto ind = c.find("independent"); ind != c.end() && ind->is_boolean()) x.independent = ind->get<bool>();
      x.derived_from = Strings(c, "derived_from");
      if (auto ps = c.find("propositions"); ps != c.end() && ps->is_array())
        for (const auto& p : *ps) x.propositions.push_back({Str(p, "kind"), Str(p, "verdict"), Str(p, "ref")});
      if (auto it = claim_text.find(x.id); it != claim_text.end()) {
        const json& src = *it->second;
        x.text = Str(src, "text");
        if (auto s = src.find("source"); s != src.end() && s->is_object()) {
          x.source_name = Str(*s, "name");
          x.source_date = Str(*s, "date");
          x.source_grade = Str(*s, "grade");
          x.source_type = Str(*s, "type");
        }
        if (auto ps = src.find("propositions"); ps != src.end() && ps->is_array())
          for (const auto& p : *ps) {
            std::string said = Str(p, "kind");
            if (auto ng = p.find("negated"); ng != p.end() && ng->is_boolean() && ng->get<bool>()) said = "not " + said;
            std::string scope = ScopeText(p);
            for (const char* k : {"actor", "purpose"})
              if (!Str(p, k).empty()) scope += std::string(scope.empty() ? "" : ", ") + k + "=" + Str(p, k);
            x.raised.push_back(scope.empty() ? said : said + " (" + scope + ")");
          }
      }
      v.claims.push_back(std::move(x));
    }
  }
  // Sites: the context's order first, then any site the evidence or clusters name.
  std::set<std::string> seen;
  if (in.context)
    for (const auto& s : in.context->sites())
      if (seen.insert(s.id).second) v.sites.push_back(s.id);
  for (const auto& e : v.evidence)
    if (!e.site.empty() && seen.insert(e.site).second) v.sites.push_back(e.site);
  for (const auto& c : v.clusters)
    for (const auto& s : c.sites)
      if (seen.insert(s).second) v.sites.push_back(s);
  if (in.context) {
    for (const auto& e : in.context->events()) {
      EventView x{e.id, e.kind, e.site, e.segment, e.description, e.has_cause ? e.cause_kind + ": " + e.cause_text : "",
                  e.from, e.to};
      v.events.push_back(std::move(x));
    }
  }
  return v;
}

std::string HtmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string MdCell(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string FormatPosterior(double p) {
  if (p < 0) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", p);
  return buf;
}

std::string ShortHash(std::string_view sha) { return std::string(sha.substr(0, 12)); }

}  // namespace onus::report::detail
