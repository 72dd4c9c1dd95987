// Serialisation of an Assessment: JSON exactly as assessment-io.md, Markdown for people. Key order
// is fixed (ordered_json) and numbers are rounded before they are written, so output is stable.
#include <cstdio>

#include <nlohmann/json.hpp>

#include "onus/attribution/assessment.h"
#include "onus/attribution/wording.h"

namespace onus::attribution {

namespace {

using J = nlohmann::ordered_json;

J Likelihood(const Proposition& p) {
  if (!p.graded) return nullptr;
  const auto& t = TermFor(p.posterior);
  J l;
  l["term"] = t.term;
  l["low"] = t.low;
  l["high"] = t.high;
  l["posterior"] = Round3(p.posterior);
  return l;
}

J PropositionJson(const Proposition& p) {
  J j;
  j["id"] = p.id;
  j["kind"] = p.kind;
  J scope = J::object();
  if (!p.site.empty()) scope["site"] = p.site;
  if (!p.segment.empty()) scope["segment"] = p.segment;
  if (!p.event.empty()) scope["event"] = p.event;
  if (!p.sites.empty() && p.kind == "cluster") scope["sites"] = p.sites;
  if (p.from) scope["from"] = FormatRfc3339(*p.from);
  if (p.to) scope["to"] = FormatRfc3339(*p.to);
  j["scope"] = scope;
  J subject = J::object();
  if (!p.cluster.empty()) subject["cluster"] = p.cluster;
  if (!p.actor.empty()) subject["actor"] = p.actor;
  if (!p.actor_id.empty()) subject["intrusion_set"] = p.actor_id;
  if (!p.country.empty()) subject["country"] = p.country;
  if (!p.purpose.empty()) subject["purpose"] = p.purpose;
  if (!p.sites.empty() && p.kind != "cluster") subject["cluster_sites"] = p.sites;
  j["subject"] = subject;
  j["verdict"] = p.verdict;
  j["likelihood"] = Likelihood(p);
  if (p.graded) j["confidence"] = p.confidence;
  else j["confidence"] = nullptr;
  j["for"] = p.for_items;
  j["against"] = p.against_items;
  j["rule"] = p.rule;
  j["statement"] = p.statement;
  return j;
}

J ItemJson(const evidence::EvidenceItem& it) {
  J j;
  j["id"] = it.id;
  j["type"] = it.type;
  j["about"] = it.about;
  J scope = J::object();
  if (!it.scope.site.empty()) scope["site"] = it.scope.site;
  if (!it.scope.segment.empty()) scope["segment"] = it.scope.segment;
  if (!it.scope.event.empty()) scope["event"] = it.scope.event;
  j["scope"] = scope;
  j["first_seen"] = it.first_seen ? J(FormatRfc3339(*it.first_seen)) : J(nullptr);
  j["last_seen"] = it.last_seen ? J(FormatRfc3339(*it.last_seen)) : J(nullptr);
  j["count"] = it.count;
  j["source"] = it.source;
  j["grade"] = it.grade;
  j["derived_from"] = it.derived_from;
  J attrs = J::object();
  for (const auto& [k, v] : it.attrs) attrs[k] = v;
  j["detail"] = attrs;
  J prov = J::array();
  for (const auto& p : it.provenance) {
    J r;
    r["path"] = p.path;
    r["sha256"] = p.sha256;
    if (p.packet > 0) r["packet"] = p.packet;
    else r["line"] = p.line;
    prov.push_back(r);
  }
  j["provenance"] = prov;
  return j;
}

}  // namespace

std::string ToJson(const Assessment& a) {
  J j;
  j["onus_version"] = a.version;
  J inputs = J::array();
  for (const auto& [path, sha] : a.inputs) inputs.push_back(J{{"path", path}, {"sha256", sha}});
  j["case"] = J{{"inputs", inputs}};
  J clusters = J::array();
  for (const auto& c : a.clusters) {
    J x;
    x["id"] = c.id;
    x["sites"] = c.sites;
    x["infrastructure"] = c.infrastructure;
    x["first_seen"] = c.first_seen ? J(FormatRfc3339(*c.first_seen)) : J(nullptr);
    x["last_seen"] = c.last_seen ? J(FormatRfc3339(*c.last_seen)) : J(nullptr);
    x["evidence"] = c.evidence;
    clusters.push_back(x);
  }
  j["clusters"] = clusters;
  J props = J::array();
  for (const auto& p : a.propositions) props.push_back(PropositionJson(p));
  j["propositions"] = props;
  J attrs = J::array();
  for (const auto& at : a.attributions) {
    J x;
    x["cluster"] = at.cluster;
    J hyps = J::array();
    for (const auto& h : at.hypotheses) {
      J hj;
      hj["actor"] = h.actor;
      if (!h.id.empty()) hj["intrusion_set"] = h.id;
      hj["posterior"] = Round3(h.posterior);
      hj["for"] = h.for_items;
      hyps.push_back(hj);
    }
    x["hypotheses"] = hyps;
    J actor;
    actor["verdict"] = at.actor_verdict;
    actor["name"] = at.actor_name.empty() ? J(nullptr) : J(at.actor_name);
    actor["rule"] = at.actor_rule;
    actor["for"] = at.actor_for;
    actor["statement"] = at.actor_statement;
    x["actor"] = actor;
    auto list = [&](const std::vector<std::string>& ids) {
      J arr = J::array();
      for (const auto& id : ids) {
        const Proposition* p = a.Find(id);
        if (!p) continue;
        J e;
        e["ref"] = p->id;
        if (!p->country.empty()) e["country"] = p->country;
        if (!p->site.empty()) e["site"] = p->site;
        if (!p->purpose.empty()) e["purpose"] = p->purpose;
        e["verdict"] = p->verdict;
        e["likelihood"] = Likelihood(*p);
        e["confidence"] = p->graded ? J(p->confidence) : J(nullptr);
        e["for"] = p->for_items;
        e["against"] = p->against_items;
        e["rule"] = p->rule;
        e["statement"] = p->statement;
        arr.push_back(e);
      }
      return arr;
    };
    x["nexus"] = list(at.nexus);
    x["state"] = list(at.state);
    x["intent"] = list(at.intent);
    attrs.push_back(x);
  }
  j["attributions"] = attrs;
  J claims = J::array();
  for (const auto& c : a.claims) {
    J x;
    x["id"] = c.id;
    x["label"] = c.label;
    J parts = J::array();
    for (const auto& p : c.parts) {
      J pj;
      pj["kind"] = p.kind;
      pj["says"] = p.says;
      pj["negated"] = p.negated;
      pj["verdict"] = p.verdict;
      pj["agreement"] = p.agreement;
      pj["ref"] = p.ref;
      parts.push_back(pj);
    }
    x["propositions"] = parts;
    x["independent"] = c.independent;
    x["derived_from"] = c.derived_from;
    x["source"] = J{{"name", c.source}, {"type", c.source_type}, {"grade", c.grade}};
    x["statement"] = c.statement;
    claims.push_back(x);
  }
  j["claims"] = claims;
  J ev = J::array();
  for (const auto& it : a.evidence) ev.push_back(ItemJson(it));
  j["evidence"] = ev;
  return j.dump(2) + "\n";
}

namespace {
std::string Cell(std::string s) {
  for (char& c : s)
    if (c == '|' || c == '\n') c = (c == '|') ? '/' : ' ';
  return s;
}
std::string Lik(const Proposition& p) {
  if (!p.graded) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", p.posterior);
  return std::string(TermFor(p.posterior).term) + " (" + buf + ")";
}
std::string ScopeText(const Proposition& p) {
  std::string s;
  auto add = [&](const std::string& x) { s += (s.empty() ? "" : ", ") + x; };
  if (!p.site.empty()) add(p.site + (p.segment.empty() ? "" : "/" + p.segment));
  if (!p.event.empty()) add(p.event);
  if (!p.cluster.empty()) add(p.cluster);
  if (!p.actor.empty()) add(p.actor);
  if (!p.country.empty()) add(p.country);
  if (p.kind == "cluster" && !p.sites.empty()) {
    std::string j;
    for (const auto& x : p.sites) j += (j.empty() ? "" : "+") + x;
    add(j);
  }
  if (p.from && p.to) add(FormatRfc3339(*p.from, 0).substr(0, 16) + " .. " + FormatRfc3339(*p.to, 0).substr(0, 16));
  return s;
}
}  // namespace

std::string ToMarkdown(const Assessment& a) {
  std::string md = "# onus assessment\n\n";
  md += "onus " + a.version + ". Verdicts are per proposition; likelihood words follow ICD 203 and confidence is stated "
        "separately. Every evidence id resolves to input records (path, SHA-256, line or packet) in the Evidence section.\n\n";
  md += "## Clusters\n\n";
  if (a.clusters.empty()) md += "No activity cluster: no site has a supported intrusion.\n\n";
  for (const auto& c : a.clusters) {
    md += "- **" + c.id + "**: sites " + Cell([&] { std::string s; for (const auto& x : c.sites) s += (s.empty() ? "" : ", ") + x; return s; }()) +
          "; infrastructure " + Cell([&] { std::string s; for (const auto& x : c.infrastructure) s += (s.empty() ? "" : ", ") + x; return s; }()) + "\n";
  }
  md += "\n## Attribution\n\n";
  for (const auto& at : a.attributions) {
    md += "### " + at.cluster + "\n\n" + at.actor_statement + "\n\n| hypothesis | posterior |\n|---|---|\n";
    for (const auto& h : at.hypotheses) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.3f", h.posterior);
      md += "| " + Cell(h.actor) + " | " + buf + " |\n";
    }
    md += "\n";
  }
  md += "## Propositions\n\n| id | kind | scope | verdict | likelihood | confidence | for | against |\n|---|---|---|---|---|---|---|---|\n";
  for (const auto& p : a.propositions) {
    std::string f, g;
    for (const auto& x : p.for_items) f += (f.empty() ? "" : " ") + x;
    for (const auto& x : p.against_items) g += (g.empty() ? "" : " ") + x;
    md += "| " + p.id + " | " + p.kind + " | " + Cell(ScopeText(p)) + " | " + p.verdict + " | " + Lik(p) + " | " +
          (p.graded ? p.confidence : "-") + " | " + f + " | " + g + " |\n";
  }
  md += "\n### Statements\n\n";
  for (const auto& p : a.propositions) md += "- **" + p.id + "** (" + p.kind + "): " + p.statement + "\n";
  md += "\n## Claims\n\n";
  for (const auto& c : a.claims) {
    md += "### " + c.id + ": " + c.label + "\n\n" + c.statement + "\n\n| claim says | verdict | agreement | proposition |\n|---|---|---|---|\n";
    for (const auto& p : c.parts) md += "| " + Cell(p.says) + " | " + p.verdict + " | " + p.agreement + " | " + p.ref + " |\n";
    md += "\n";
  }
  md += "## Evidence\n\n| id | type | about | scope | grade | count | provenance |\n|---|---|---|---|---|---|---|\n";
  for (const auto& it : a.evidence) {
    std::string prov;
    if (!it.provenance.empty()) {
      const auto& p = it.provenance.front();
      prov = p.path + (p.packet > 0 ? " packet " + std::to_string(p.packet) : ":" + std::to_string(p.line));
      if (it.provenance.size() > 1) prov += " (+" + std::to_string(it.provenance.size() - 1) + ")";
    }
    md += "| " + it.id + " | " + it.type + " | " + Cell(it.about) + " | " + Cell(it.scope.site) + " | " + it.grade + " | " +
          std::to_string(it.count) + " | " + Cell(prov) + " |\n";
  }
  return md;
}

}  // namespace onus::attribution
