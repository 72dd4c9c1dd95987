// The Markdown report: the HTML report's content as text tables, for tickets and email.
#include <map>

#include "view.h"

namespace onus::report {
namespace {
using detail::MdCell;

std::string Join(const std::vector<std::string>& v, size_t max = 8) {
  std::string out;
  for (size_t i = 0; i < v.size() && i < max; ++i) out += (i ? ", " : "") + v[i];
  if (v.size() > max) out += " +" + std::to_string(v.size() - max);
  return out;
}
}  // namespace

Result<std::string> RenderMarkdown(const ReportInputs& in, const ReportOptions& options) {
  ONUS_ASSIGN_OR_RETURN(detail::AssessmentView v, detail::BuildView(in));
  std::string m;
  m.reserve(16 * 1024 + v.evidence.size() * 300);
  std::string tlp = options.tlp.empty() ? "amber" : options.tlp;
  for (auto& c : tlp) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
  m += "**TLP:" + tlp + "**\n\n# " + options.title + "\n\n";
  m += options.organisation + " · onus " + v.version + " · " + std::to_string(v.inputs.size()) + " inputs · " +
       std::to_string(v.evidence.size()) + " evidence items\n\n## Summary judgments\n\n";
  for (const char* kind : {"intrusion", "cluster", "capability", "causation", "actor", "nexus", "state", "intent"})
    for (const auto& p : v.propositions)
      if (p.kind == kind)
        m += "- **" + p.verdict + "** " + p.kind + " (" + p.scope_text + "): " + MdCell(p.statement) + "\n";
  for (const auto& a : v.attributions) {
    m += "- **" + a.actor_verdict + "** actor (" + a.cluster + "): " + MdCell(a.actor_statement) +
         (a.actor_rule.empty() ? "" : " [rule: " + MdCell(a.actor_rule) + "]") + "\n";
    if (!a.nexus_verdict.empty())
      m += "- **" + a.nexus_verdict + "** nexus (" + a.cluster + "): " + (a.nexus_country.empty() ? "—" : a.nexus_country) +
           (a.nexus_term.empty() ? "" : ", " + a.nexus_term + "; confidence " + a.nexus_confidence) + "\n";
    if (!a.state_verdict.empty())
      m += "- **" + a.state_verdict + "** state (" + a.cluster + "): " + MdCell(a.state_statement) + "\n";
  }
  m += "\n## Timeline per site\n\n| site | evidence | first seen | last seen | kinds | events |\n|---|---|---|---|---|---|\n";
  for (const auto& s : v.sites) {
    size_t n = 0;
    std::string first, last;
    std::map<std::string, int> kinds;
    for (const auto& e : v.evidence) {
      if (e.site != s) continue;
      ++n;
      if (!e.first_seen.empty() && (first.empty() || e.first_seen < first)) first = e.first_seen;
      if (!e.last_seen.empty() && e.last_seen > last) last = e.last_seen;
      ++kinds[e.type];
    }
    std::string ks, evs;
    for (const auto& [k, c] : kinds) ks += (ks.empty() ? "" : ", ") + k + " ×" + std::to_string(c);
    for (const auto& ev : v.events)
      if (ev.site == s)
        evs += (evs.empty() ? "" : ", ") + ev.id + " (" + FormatRfc3339(ev.from, 0) + " to " + FormatRfc3339(ev.to, 0) + ")";
    m += "| " + MdCell(s) + " | " + std::to_string(n) + " | " + first + " | " + last + " | " + MdCell(ks) + " | " +
         MdCell(evs) + " |\n";
  }
  m += "\n## Clusters and infrastructure\n\n| cluster | sites | infrastructure | first seen | last seen | evidence |\n"
       "|---|---|---|---|---|---|\n";
  for (const auto& c : v.clusters)
    m += "| " + c.id + " | " + MdCell(Join(c.sites, 20)) + " | " + MdCell(Join(c.infrastructure, 12)) + " | " +
         c.first_seen + " | " + c.last_seen + " | " + MdCell(Join(c.evidence)) + " |\n";
  m += "\n## Competing hypotheses\n\n";
  for (const auto& a : v.attributions) {
    m += "### " + a.cluster + "\n\n| hypothesis | posterior |\n|---|---|\n";
    for (const auto& h : a.hypotheses) m += "| " + MdCell(h.actor) + " | " + detail::FormatPosterior(h.posterior) + " |\n";
    m += "\nActor: **" + a.actor_verdict + "** — " + MdCell(a.actor_statement) +
         (a.actor_rule.empty() ? "" : " (abstention rule: " + MdCell(a.actor_rule) + ")") + "\n\n";
  }
  std::map<std::string, const detail::PropositionView*> by_id;
  for (const auto& p : v.propositions) by_id[p.id] = &p;
  m += "## Claims checked\n\n| claim | source | what it says | proposition | verdict | likelihood | confidence | key "
       "evidence | label | provenance chain |\n|---|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& c : v.claims) {
    std::string chain = c.independent ? "independent" : "derived from " + Join(c.derived_from);
    for (size_t i = 0; i < std::max<size_t>(c.propositions.size(), 1); ++i) {
      std::string said, kind, verdict, term, conf, key;
      if (i < c.propositions.size()) {
        const auto& cp = c.propositions[i];
        said = i < c.raised.size() ? c.raised[i] : cp.kind;
        kind = cp.kind + (cp.ref.empty() ? "" : " (" + cp.ref + ")");
        verdict = cp.verdict;
        if (auto it = by_id.find(cp.ref); it != by_id.end()) {
          term = it->second->term;
          conf = it->second->confidence;
          key = Join(it->second->for_ids.empty() ? it->second->against_ids : it->second->for_ids, 4);
        }
      }
      m += "| " + (i == 0 ? c.id + ": " + MdCell(c.text) : "") + " | " +
           (i == 0 ? MdCell(c.source_name + " " + c.source_date + " " + c.source_grade) : "") + " | " + MdCell(said) +
           " | " + kind + " | " + verdict + " | " + term + " | " + conf + " | " + key + " | " + (i == 0 ? c.label : "") +
           " | " + (i == 0 ? MdCell(chain) : "") + " |\n";
    }
  }
  m += "\n## All propositions\n\n| id | kind | scope | verdict | likelihood | confidence | for | against | rule |\n"
       "|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& p : v.propositions)
    m += "| " + p.id + " | " + p.kind + " | " + MdCell(p.scope_text) + " | " + p.verdict + " | " + p.term +
         (p.posterior >= 0 ? " (" + detail::FormatPosterior(p.posterior) + ")" : "") + " | " + p.confidence + " | " +
         Join(p.for_ids) + " | " + Join(p.against_ids) + " | " + MdCell(p.rule) + " |\n";
  m += "\n## Evidence appendix\n\n| id | type | about | scope | first seen | last seen | count | source | grade | "
       "provenance |\n|---|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& e : v.evidence) {
    std::string prov;
    for (size_t i = 0; i < e.provenance.size() && i < 3; ++i)
      prov += (i ? "; " : "") + e.provenance[i].path + " " + detail::ShortHash(e.provenance[i].sha256) + " " +
              (e.provenance[i].is_packet ? "packet " : "line ") + std::to_string(e.provenance[i].record);
    if (e.provenance.size() > 3) prov += " +" + std::to_string(e.provenance.size() - 3);
    m += "| " + e.id + " | " + e.type + " | " + MdCell(e.about) + " | " + MdCell(e.site + (e.segment.empty() ? "" : "/" + e.segment)) +
         " | " + e.first_seen + " | " + e.last_seen + " | " + std::to_string(e.count) + " | " + MdCell(e.source) + " | " +
         e.grade + " | " + MdCell(prov) + " |\n";
  }
  return m;
}

}  // namespace onus::report
