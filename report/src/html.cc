// The HTML report: one self-contained page (inline CSS/SVG, a few lines of JavaScript that only
// filter the evidence table), readable without JavaScript and printable.
#include <algorithm>
#include <map>

#include "view.h"

namespace onus::report {
namespace {

using detail::AssessmentView;
using detail::HtmlEscape;

const char* kCss = R"css(
:root{--fg:#1d2330;--muted:#5b6475;--line:#d8dde6;--bg:#fff;--sup:#1b7f3b;--con:#b3261e;--nsu:#8a6d00;--nas:#5b6475}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;max-width:1100px;padding:16px 24px}
h1{font-size:22px;margin:8px 0}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
.tlp{display:inline-block;font-weight:700;padding:2px 8px;border-radius:3px;background:#000;color:#ffc000}
.tlp.tlp-red{color:#ff2b2b}.tlp.tlp-green{color:#33ff00}.tlp.tlp-clear,.tlp.tlp-white{color:#fff}
table{border-collapse:collapse;width:100%;margin:6px 0}th,td{border:1px solid var(--line);padding:4px 6px;vertical-align:top;text-align:left}
th{background:#f3f5f8}td.num{text-align:right;font-variant-numeric:tabular-nums}
.verdict{font-weight:600;white-space:nowrap}.v-supported,.v-consistent{color:var(--sup)}.v-contradicted{color:var(--con)}
.v-not_supported,.v-unsupported,.v-partly_supported{color:var(--nsu)}.v-not_assessable{color:var(--nas)}
.muted{color:var(--muted)}code,.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}
ul.judgments li{margin:6px 0}
svg{width:100%;height:auto;border:1px solid var(--line);background:#fcfdff}
svg text{font:11px system-ui,sans-serif;fill:var(--fg)}.row-bg{fill:none;stroke:#eef1f5}.row-label{font-weight:600}
.tick{stroke:#e3e7ee}.tick-label{text-anchor:middle;fill:var(--muted)}
.event-band{fill:#b3261e;fill-opacity:.13;stroke:#b3261e;stroke-opacity:.4}
.mark line{stroke-width:2}.m-sighting circle,.m-sighting line{fill:#1565c0;stroke:#1565c0}
.m-finding rect,.m-finding line{fill:#ef6c00;stroke:#ef6c00}.m-ics path,.m-ics line{fill:#6a1b9a;stroke:#6a1b9a}
.m-other path,.m-other line{fill:#455a64;stroke:#455a64}
.legend span{margin-right:14px}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:middle}
.edge line{stroke:#9aa5b5;stroke-width:1.2}.edge-label{fill:var(--muted);font-size:10px;text-anchor:middle}
.node rect{fill:#fff;stroke:#5b6475}.node text{text-anchor:middle}.n-site rect{fill:#e8f0fe}.n-infra rect{fill:#fff3e0}
.n-cluster rect{fill:#fde7e9}.n-group rect{fill:#f1f8e9}.col-head{font-weight:700;text-anchor:middle}
#filter{padding:4px 8px;width:320px;margin:4px 0}
@media print{#filter{display:none}body{max-width:none}h2{page-break-after:avoid}tr{page-break-inside:avoid}}
)css";

const char* kJs = R"js(
(function(){var f=document.getElementById('filter');if(!f)return;var rows=document.querySelectorAll('#evidence-table tbody tr');
f.addEventListener('input',function(){var q=f.value.toLowerCase();for(var i=0;i<rows.length;i++){var r=rows[i];
r.style.display=(!q||r.textContent.toLowerCase().indexOf(q)>=0)?'':'none';}});})();
)js";

std::string Verdict(const std::string& v) {
  return "<span class=\"verdict v-" + HtmlEscape(v) + "\">" + HtmlEscape(v.empty() ? "—" : v) + "</span>";
}

std::string EvidenceLinks(const std::vector<std::string>& ids, size_t max = 8) {
  std::string out;
  for (size_t i = 0; i < ids.size() && i < max; ++i)
    out += (i ? ", " : "") + std::string("<a href=\"#") + HtmlEscape(ids[i]) + "\">" + HtmlEscape(ids[i]) + "</a>";
  if (ids.size() > max) out += " <span class=\"muted\">+" + std::to_string(ids.size() - max) + " more</span>";
  return out;
}

std::string Tlp(const std::string& tlp) {
  std::string t = tlp.empty() ? "amber" : tlp;
  std::string upper;
  for (char c : t) upper += static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
  std::string cls = t.substr(0, t.find('+'));
  return "<span class=\"tlp tlp-" + HtmlEscape(cls) + "\">TLP:" + HtmlEscape(upper) + "</span>";
}

bool IsSummaryKind(const std::string& k) {
  return k == "intrusion" || k == "cluster" || k == "capability" || k == "causation" || k == "actor" || k == "nexus" ||
         k == "state" || k == "intent";
}

}  // namespace

Result<std::string> RenderHtml(const ReportInputs& in, const ReportOptions& options) {
  ONUS_ASSIGN_OR_RETURN(AssessmentView v, detail::BuildView(in));
  std::string h;
  h.reserve(64 * 1024 + v.evidence.size() * 900);
  h += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<meta name=\"viewport\" "
       "content=\"width=device-width,initial-scale=1\">\n<title>" +
       HtmlEscape(options.title) + "</title>\n<style>" + kCss + "</style></head>\n<body>\n";
  h += "<header><p>" + Tlp(options.tlp) + "</p><h1>" + HtmlEscape(options.title) + "</h1><p class=\"muted\">" +
       HtmlEscape(options.organisation) + " · onus " + HtmlEscape(v.version) + " · " + std::to_string(v.inputs.size()) +
       " inputs · " + std::to_string(v.evidence.size()) + " evidence items</p></header>\n";
  h += "<nav><a href=\"#summary\">Summary</a> · <a href=\"#timeline-section\">Timeline</a> · <a href=\"#graph-section\">"
       "Evidence graph</a> · <a href=\"#hypotheses\">Hypotheses</a> · <a href=\"#claims\">Claims</a> · <a "
       "href=\"#propositions\">Propositions</a> · <a href=\"#evidence\">Evidence</a></nav>\n";

  // Summary: the judgments, in the assessment's own ICD 203 words.
  h += "<section id=\"summary\"><h2>Summary judgments</h2>\n<ul class=\"judgments\">\n";
  for (const char* kind : {"intrusion", "cluster", "capability", "causation", "actor", "nexus", "state", "intent"}) {
    for (const auto& p : v.propositions) {
      if (p.kind != kind || !IsSummaryKind(p.kind)) continue;
      h += "<li>" + Verdict(p.verdict) + " <b>" + HtmlEscape(p.kind) + "</b> <span class=\"muted\">(" +
           HtmlEscape(p.scope_text) + ")</span>: " + HtmlEscape(p.statement);
      if (!p.term.empty())
        h += " <span class=\"muted\">[" + HtmlEscape(p.term) + ", " + detail::FormatPosterior(p.posterior) +
             "; confidence " + HtmlEscape(p.confidence) + "]</span>";
      h += "</li>\n";
    }
  }
  for (const auto& a : v.attributions) {
    h += "<li>" + Verdict(a.actor_verdict) + " <b>actor</b> <span class=\"muted\">(" + HtmlEscape(a.cluster) +
         ")</span>: " + HtmlEscape(a.actor_statement) +
         (a.actor_rule.empty() ? "" : " <span class=\"muted\">[rule: " + HtmlEscape(a.actor_rule) + "]</span>") + "</li>\n";
    if (!a.nexus_verdict.empty())
      h += "<li>" + Verdict(a.nexus_verdict) + " <b>nexus</b> <span class=\"muted\">(" + HtmlEscape(a.cluster) +
           ")</span>: " + HtmlEscape(a.nexus_country.empty() ? "no country" : a.nexus_country) +
           (a.nexus_term.empty() ? "" : " — " + HtmlEscape(a.nexus_term) + "; confidence " + HtmlEscape(a.nexus_confidence)) +
           "</li>\n";
    if (!a.state_verdict.empty())
      h += "<li>" + Verdict(a.state_verdict) + " <b>state</b> <span class=\"muted\">(" + HtmlEscape(a.cluster) +
           ")</span>: " + HtmlEscape(a.state_statement) + "</li>\n";
  }
  h += "</ul></section>\n";

  // Timeline.
  h += "<section id=\"timeline-section\"><h2>Timeline per site</h2>\n<p class=\"legend\"><span><i "
       "style=\"background:#1565c0;border-radius:5px\"></i>sighting</span><span><i "
       "style=\"background:#ef6c00\"></i>behaviour finding</span><span><i style=\"background:#6a1b9a\"></i>ICS / grid"
       "</span><span><i style=\"background:#455a64\"></i>other</span><span><i "
       "style=\"background:#b3261e;opacity:.3\"></i>event (e.g. outage)</span></p>\n";
  h += detail::TimelineSvg(v);
  h += "</section>\n";

  // Graph.
  h += "<section id=\"graph-section\"><h2>Clusters and infrastructure</h2>\n";
  for (const auto& c : v.clusters) {
    h += "<p><b>" + HtmlEscape(c.id) + "</b>: sites ";
    for (size_t i = 0; i < c.sites.size(); ++i) h += (i ? ", " : "") + HtmlEscape(c.sites[i]);
    h += "; " + std::to_string(c.infrastructure.size()) + " infrastructure values; " + HtmlEscape(c.first_seen) +
         " to " + HtmlEscape(c.last_seen) + "; evidence " + EvidenceLinks(c.evidence) + "</p>\n";
  }
  h += detail::EvidenceGraphSvg(v);
  h += "</section>\n";

  // Hypotheses.
  h += "<section id=\"hypotheses\"><h2>Competing hypotheses</h2>\n";
  if (v.attributions.empty()) h += "<p class=\"muted\">No cluster was attributed.</p>\n";
  for (const auto& a : v.attributions) {
    h += "<table class=\"hypotheses\"><caption>" + HtmlEscape(a.cluster) +
         "</caption><thead><tr><th>hypothesis</th><th>posterior</th></tr></thead><tbody>\n";
    for (const auto& hy : a.hypotheses)
      h += "<tr><td>" + HtmlEscape(hy.actor) + "</td><td class=\"num\">" + detail::FormatPosterior(hy.posterior) +
           "</td></tr>\n";
    h += "</tbody></table>\n<p>Actor: " + Verdict(a.actor_verdict) + " — " + HtmlEscape(a.actor_statement) +
         (a.actor_rule.empty() ? "" : " <span class=\"muted\">(abstention rule: " + HtmlEscape(a.actor_rule) + ")</span>") +
         "</p>\n";
  }
  h += "</section>\n";

  // Claims.
  h += "<section id=\"claims\"><h2>Claims checked</h2>\n<table class=\"claims\"><thead><tr><th>claim</th><th>source</th>"
       "<th>what it says</th><th>proposition</th><th>verdict</th><th>likelihood</th><th>confidence</th><th>key evidence"
       "</th><th>label</th><th>provenance chain</th></tr></thead><tbody>\n";
  std::map<std::string, const detail::PropositionView*> by_id;
  for (const auto& p : v.propositions) by_id[p.id] = &p;
  for (const auto& c : v.claims) {
    size_t n = std::max<size_t>(c.propositions.size(), 1);
    for (size_t i = 0; i < n; ++i) {
      h += "<tr>";
      if (i == 0) {
        std::string rs = " rowspan=\"" + std::to_string(n) + "\"";
        h += "<td" + rs + "><b>" + HtmlEscape(c.id) + "</b><br>" + HtmlEscape(c.text) + "</td><td" + rs + ">" +
             HtmlEscape(c.source_name) + "<br><span class=\"muted\">" + HtmlEscape(c.source_type) + " " +
             HtmlEscape(c.source_date) + " " + HtmlEscape(c.source_grade) + "</span></td>";
      }
      if (i < c.propositions.size()) {
        const auto& cp = c.propositions[i];
        const detail::PropositionView* p = by_id.count(cp.ref) ? by_id[cp.ref] : nullptr;
        h += "<td>" + HtmlEscape(i < c.raised.size() ? c.raised[i] : cp.kind) + "</td><td>" + HtmlEscape(cp.kind) +
             (cp.ref.empty() ? "" : " <a href=\"#" + HtmlEscape(cp.ref) + "\">" + HtmlEscape(cp.ref) + "</a>") +
             "</td><td>" + Verdict(cp.verdict) + "</td><td>" + (p ? HtmlEscape(p->term) : "") + "</td><td>" +
             (p ? HtmlEscape(p->confidence) : "") + "</td><td>" +
             (p ? EvidenceLinks(p->for_ids.empty() ? p->against_ids : p->for_ids, 4) : "") + "</td>";
      } else {
        h += "<td colspan=\"6\" class=\"muted\">no propositions</td>";
      }
      if (i == 0) {
        std::string rs = " rowspan=\"" + std::to_string(n) + "\"";
        std::string chain = c.independent ? "independent" : "derived from ";
        for (size_t k = 0; k < c.derived_from.size(); ++k) chain += (k ? ", " : "") + c.derived_from[k];
        h += "<td" + rs + ">" + Verdict(c.label) + "</td><td" + rs + ">" + HtmlEscape(chain) + "</td>";
      }
      h += "</tr>\n";
    }
  }
  h += "</tbody></table></section>\n";

  // All propositions.
  h += "<section id=\"propositions\"><h2>All propositions</h2>\n<table><thead><tr><th>id</th><th>kind</th><th>scope</th>"
       "<th>verdict</th><th>likelihood</th><th>confidence</th><th>for</th><th>against</th><th>rule</th><th>statement"
       "</th></tr></thead><tbody>\n";
  for (const auto& p : v.propositions)
    h += "<tr id=\"" + HtmlEscape(p.id) + "\"><td class=\"mono\">" + HtmlEscape(p.id) + "</td><td>" + HtmlEscape(p.kind) +
         "</td><td>" + HtmlEscape(p.scope_text) + "</td><td>" + Verdict(p.verdict) + "</td><td>" + HtmlEscape(p.term) +
         (p.posterior >= 0 ? " (" + detail::FormatPosterior(p.posterior) + ")" : "") + "</td><td>" +
         HtmlEscape(p.confidence) + "</td><td>" + EvidenceLinks(p.for_ids) + "</td><td>" + EvidenceLinks(p.against_ids) +
         "</td><td>" + HtmlEscape(p.rule) + "</td><td>" + HtmlEscape(p.statement) + "</td></tr>\n";
  h += "</tbody></table></section>\n";

  // Evidence appendix.
  h += "<section id=\"evidence\"><h2>Evidence appendix</h2>\n<input id=\"filter\" type=\"search\" placeholder=\"filter "
       "evidence (id, type, site, value, file)\" aria-label=\"filter evidence\">\n<table id=\"evidence-table\"><thead><tr>"
       "<th>id</th><th>type</th><th>about</th><th>scope</th><th>first / last seen</th><th>count</th><th>source</th><th>grade"
       "</th><th>provenance (file, SHA-256, record)</th></tr></thead><tbody>\n";
  // Inputs are listed once (path and SHA-256); evidence rows link to them with record numbers.
  std::map<std::string, size_t> input_no;
  std::vector<std::pair<std::string, std::string>> inputs = v.inputs;
  for (size_t i = 0; i < inputs.size(); ++i) input_no.emplace(inputs[i].first, i + 1);
  for (const auto& e : v.evidence)
    for (const auto& p : e.provenance)
      if (input_no.emplace(p.path, inputs.size() + 1).second) inputs.emplace_back(p.path, p.sha256);
  for (const auto& e : v.evidence) {
    h += "<tr id=\"" + HtmlEscape(e.id) + "\"><td class=\"mono\">" + HtmlEscape(e.id) + "</td><td>" + HtmlEscape(e.type) +
         "</td><td class=\"mono\">" + HtmlEscape(e.about) + "</td><td>" + HtmlEscape(e.site) +
         (e.segment.empty() ? "" : "/" + HtmlEscape(e.segment)) + "</td><td class=\"mono\">" + HtmlEscape(e.first_seen) +
         "<br>" + HtmlEscape(e.last_seen) + "</td><td class=\"num\">" + std::to_string(e.count) + "</td><td>" +
         HtmlEscape(e.source) + (e.derived_from.empty() ? "" : " <span class=\"muted\">(derived)</span>") + "</td><td>" +
         HtmlEscape(e.grade) + "</td><td class=\"mono\">";
    // Group the records by input: "in-3 conn.log.gz lines 10, 12, 13".
    std::vector<std::pair<size_t, std::string>> groups;
    for (const auto& p : e.provenance) {
      size_t n = input_no[p.path];
      auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == n; });
      if (it == groups.end()) {
        if (groups.size() == 4) continue;
        groups.emplace_back(n, p.is_packet ? "packet " : "line ");
        it = groups.end() - 1;
      } else {
        it->second += ", ";
      }
      it->second += std::to_string(p.record);
    }
    for (size_t i = 0; i < groups.size(); ++i) {
      const std::string& path = inputs[groups[i].first - 1].first;
      std::string base = path.substr(path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/') + 1);
      h += (i ? "<br>" : "") + std::string("<a href=\"#in-") + std::to_string(groups[i].first) + "\">in-" +
           std::to_string(groups[i].first) + "</a> " + HtmlEscape(base) + " " + groups[i].second;
    }
    h += "</td></tr>\n";
  }
  h += "</tbody></table>\n<h3 id=\"inputs\">Inputs</h3>\n<table id=\"inputs-table\"><thead><tr><th>input</th><th>path</th>"
       "<th>SHA-256 (of the file as read)</th></tr></thead><tbody>\n";
  for (size_t i = 0; i < inputs.size(); ++i)
    h += "<tr id=\"in-" + std::to_string(i + 1) + "\"><td>in-" + std::to_string(i + 1) + "</td><td class=\"mono\">" +
         HtmlEscape(inputs[i].first) + "</td><td class=\"mono\">" + HtmlEscape(inputs[i].second) + "</td></tr>\n";
  h += "</tbody></table></section>\n";
  h += "<footer class=\"muted\"><p>Every statement above cites evidence ids; every evidence item names the input "
       "records it rests on.</p></footer>\n<script>" + std::string(kJs) + "</script>\n</body></html>\n";
  return h;
}

}  // namespace onus::report
