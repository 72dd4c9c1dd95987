// The two charts of the HTML report, as inline SVG: a per-site timeline of evidence with events
// drawn as bands, and the cluster's evidence graph (sites → infrastructure → cluster → candidates).
#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "view.h"

namespace onus::report::detail {
namespace {

std::string Num(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", x);
  return buf;
}

// Evidence kinds grouped into the four marks the legend explains.
enum class Mark { kSighting, kFinding, kIcsGrid, kOther };

Mark MarkFor(const std::string& type) {
  auto has = [&](const char* s) { return type.find(s) != std::string::npos; };
  if (has("sighting") || has("dns") || has("lookup") || has("certificate") || has("upload")) return Mark::kSighting;
  if (has("beacon") || has("finding") || has("long") || has("strobe") || has("rare") || has("exfil") || has("tunnel"))
    return Mark::kFinding;
  if (has("ics") || has("grid") || has("scada") || has("command") || has("trip")) return Mark::kIcsGrid;
  return Mark::kOther;
}

const char* MarkClass(Mark m) {
  switch (m) {
    case Mark::kSighting: return "m-sighting";
    case Mark::kFinding: return "m-finding";
    case Mark::kIcsGrid: return "m-ics";
    case Mark::kOther: return "m-other";
  }
  return "m-other";
}

std::string MarkShape(Mark m, double x, double y) {
  switch (m) {
    case Mark::kSighting: return "<circle cx=\"" + Num(x) + "\" cy=\"" + Num(y) + "\" r=\"4\"/>";
    case Mark::kFinding: return "<rect x=\"" + Num(x - 4) + "\" y=\"" + Num(y - 4) + "\" width=\"8\" height=\"8\"/>";
    case Mark::kIcsGrid:
      return "<path d=\"M" + Num(x) + " " + Num(y - 5) + " L" + Num(x + 5) + " " + Num(y + 4) + " L" + Num(x - 5) +
             " " + Num(y + 4) + " Z\"/>";
    case Mark::kOther:
      return "<path d=\"M" + Num(x) + " " + Num(y - 5) + " L" + Num(x + 5) + " " + Num(y) + " L" + Num(x) + " " +
             Num(y + 5) + " L" + Num(x - 5) + " " + Num(y) + " Z\"/>";
  }
  return "";
}

}  // namespace

std::string TimelineSvg(const AssessmentView& v) {
  const double left = 150, width = 1000, right = 20, row_h = 34, top = 30;
  const double plot_w = width - left - right;
  bool any = false;
  Timestamp tmin, tmax;
  auto widen = [&](Timestamp a, Timestamp b) {
    if (!any) {
      tmin = a;
      tmax = b;
      any = true;
    } else {
      tmin = std::min(tmin, a);
      tmax = std::max(tmax, b);
    }
  };
  for (const auto& e : v.evidence)
    if (e.has_time && !e.site.empty()) widen(e.first, e.last);
  for (const auto& ev : v.events) widen(ev.from, ev.to);
  std::map<std::string, size_t> row;
  for (size_t i = 0; i < v.sites.size(); ++i) row[v.sites[i]] = i;
  const double height = top + row_h * static_cast<double>(std::max<size_t>(v.sites.size(), 1)) + 40;
  std::string s;
  s.reserve(4096 + v.evidence.size() * 220);
  s += "<svg id=\"timeline\" class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + Num(width) + " " +
       Num(height) + "\" role=\"img\" aria-label=\"Timeline of evidence per site\">\n";
  if (!any) {
    s += "<text x=\"10\" y=\"20\">no dated evidence</text>\n";
  }
  if (tmax.nanos() == tmin.nanos()) tmax = Timestamp::FromNanos(tmin.nanos() + 3600 * kNanosPerSecond);
  const double span = static_cast<double>(tmax.nanos() - tmin.nanos());
  auto xof = [&](Timestamp t) { return left + plot_w * static_cast<double>(t.nanos() - tmin.nanos()) / span; };
  // Rows.
  for (size_t i = 0; i < v.sites.size(); ++i) {
    double y = top + row_h * static_cast<double>(i);
    s += "<g class=\"site-row\" data-site=\"" + HtmlEscape(v.sites[i]) + "\"><rect class=\"row-bg\" x=\"0\" y=\"" + Num(y) +
         "\" width=\"" + Num(width) + "\" height=\"" + Num(row_h) + "\"/><text class=\"row-label\" x=\"6\" y=\"" +
         Num(y + row_h / 2 + 4) + "\">" + HtmlEscape(v.sites[i]) + "</text></g>\n";
  }
  if (any) {
    // Axis ticks: the coarsest of 1 h, 6 h, 1 d, 7 d, 30 d giving at most 12 ticks.
    const int64_t steps[] = {3600, 6 * 3600, 86400, 7 * 86400, 30 * 86400, 365 * 86400};
    int64_t step = steps[5];
    for (int64_t st : steps)
      if (span / 1e9 / static_cast<double>(st) <= 12) {
        step = st;
        break;
      }
    int64_t first_tick = (tmin.seconds() / step + 1) * step;
    double axis_y = top + row_h * static_cast<double>(v.sites.size()) + 14;
    for (int64_t t = first_tick; t <= tmax.seconds(); t += step) {
      double x = xof(Timestamp::FromSeconds(t));
      std::string label = FormatRfc3339(Timestamp::FromSeconds(t), 0);
      label = step >= 86400 ? label.substr(0, 10) : label.substr(5, 11);
      s += "<line class=\"tick\" x1=\"" + Num(x) + "\" y1=\"" + Num(top) + "\" x2=\"" + Num(x) + "\" y2=\"" +
           Num(axis_y - 10) + "\"/><text class=\"tick-label\" x=\"" + Num(x) + "\" y=\"" + Num(axis_y + 4) + "\">" +
           label + "</text>\n";
    }
  }
  // Events as bands on their site's row (the whole height when the event names no known site).
  for (const auto& ev : v.events) {
    double x1 = xof(ev.from), x2 = std::max(xof(ev.to), x1 + 2);
    double y = top, h = row_h * static_cast<double>(v.sites.size());
    if (auto it = row.find(ev.site); it != row.end()) {
      y = top + row_h * static_cast<double>(it->second);
      h = row_h;
    }
    s += "<rect class=\"event-band\" x=\"" + Num(x1) + "\" y=\"" + Num(y) + "\" width=\"" + Num(x2 - x1) +
         "\" height=\"" + Num(h) + "\"><title>" + HtmlEscape(ev.id + " (" + ev.kind + ")" +
                                                          (ev.cause.empty() ? "" : ": " + ev.cause)) +
         "</title></rect>\n";
  }
  // Evidence marks: a span line from first to last seen and a mark at first seen.
  for (const auto& e : v.evidence) {
    auto it = row.find(e.site);
    if (!e.has_time || it == row.end()) continue;
    Mark m = MarkFor(e.type);
    double y = top + row_h * static_cast<double>(it->second) + row_h / 2;
    double x1 = xof(e.first), x2 = xof(e.last);
    // Compact on purpose: a case may have 10,000 items (the time span is in the appendix row).
    s += "<g class=\"mark ";
    s += MarkClass(m);
    s += "\"><a href=\"#" + HtmlEscape(e.id) + "\">";
    if (x2 - x1 > 1)
      s += "<line x1=\"" + Num(x1) + "\" y1=\"" + Num(y) + "\" x2=\"" + Num(x2) + "\" y2=\"" + Num(y) + "\"/>";
    s += MarkShape(m, x1, y);
    s += "<title>" + HtmlEscape(e.id + " " + e.type + ": " + e.about) + "</title></a></g>\n";
  }
  s += "</svg>\n";
  return s;
}

std::string EvidenceGraphSvg(const AssessmentView& v) {
  // Columns: sites | infrastructure | clusters | candidate groups and malware.
  std::vector<std::string> infra, groups;
  std::set<std::string> infra_set;
  for (const auto& c : v.clusters)
    for (const auto& i : c.infrastructure)
      if (infra_set.insert(i).second) infra.push_back(i);
  // Site → infrastructure edges, labelled by the evidence ids that tie them.
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> site_edges;
  for (const auto& e : v.evidence)
    if (!e.site.empty() && infra_set.count(e.about)) site_edges[{e.site, e.about}].push_back(e.id);
  std::set<std::string> group_set;
  for (const auto& a : v.attributions)
    for (const auto& h : a.hypotheses)
      if (group_set.insert(h.actor).second) groups.push_back(h.actor);
  std::vector<std::string> sites;
  std::set<std::string> site_set;
  for (const auto& c : v.clusters)
    for (const auto& s : c.sites)
      if (site_set.insert(s).second) sites.push_back(s);
  for (const auto& [k, ids] : site_edges)
    if (site_set.insert(k.first).second) sites.push_back(k.first);
  const size_t kMaxPerColumn = 40;
  if (infra.size() > kMaxPerColumn) infra.resize(kMaxPerColumn);
  const double col_x[] = {90, 360, 620, 860};
  const double row_h = 30, top = 30;
  size_t rows = std::max({sites.size(), infra.size(), v.clusters.size(), groups.size(), size_t{1}});
  double height = top + row_h * static_cast<double>(rows) + 20;
  auto y_of = [&](size_t i, size_t n) {
    double block = row_h * static_cast<double>(rows);
    return top + block * (static_cast<double>(i) + 0.5) / static_cast<double>(std::max<size_t>(n, 1));
  };
  std::map<std::string, double> site_y, infra_y, cluster_y, group_y;
  for (size_t i = 0; i < sites.size(); ++i) site_y[sites[i]] = y_of(i, sites.size());
  for (size_t i = 0; i < infra.size(); ++i) infra_y[infra[i]] = y_of(i, infra.size());
  for (size_t i = 0; i < v.clusters.size(); ++i) cluster_y[v.clusters[i].id] = y_of(i, v.clusters.size());
  for (size_t i = 0; i < groups.size(); ++i) group_y[groups[i]] = y_of(i, groups.size());

  std::string s;
  s += "<svg id=\"evidence-graph\" class=\"graph\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1000 " + Num(height) +
       "\" role=\"img\" aria-label=\"Evidence graph\">\n";
  const char* heads[] = {"sites", "infrastructure", "clusters", "candidate groups"};
  for (int c = 0; c < 4; ++c)
    s += "<text class=\"col-head\" x=\"" + Num(col_x[c]) + "\" y=\"16\">" + heads[c] + "</text>\n";
  auto edge = [&](double x1, double y1, double x2, double y2, const std::string& label, const char* cls) {
    std::string out = "<g class=\"edge " + std::string(cls) + "\"><line x1=\"" + Num(x1) + "\" y1=\"" + Num(y1) +
                      "\" x2=\"" + Num(x2) + "\" y2=\"" + Num(y2) + "\"/>";
    if (!label.empty())
      out += "<text class=\"edge-label\" x=\"" + Num((x1 + x2) / 2) + "\" y=\"" + Num((y1 + y2) / 2 - 3) + "\">" +
             HtmlEscape(label) + "</text>";
    return out + "</g>\n";
  };
  auto label_ids = [](const std::vector<std::string>& ids) {
    std::string out;
    for (size_t i = 0; i < ids.size() && i < 3; ++i) out += (i ? "," : "") + ids[i];
    if (ids.size() > 3) out += ",+" + std::to_string(ids.size() - 3);
    return out;
  };
  for (const auto& [k, ids] : site_edges) {
    auto sy = site_y.find(k.first);
    auto iy = infra_y.find(k.second);
    if (sy == site_y.end() || iy == infra_y.end()) continue;
    s += edge(col_x[0] + 60, sy->second, col_x[1] - 70, iy->second, label_ids(ids), "e-site");
  }
  for (const auto& c : v.clusters) {
    for (const auto& i : c.infrastructure) {
      auto iy = infra_y.find(i);
      if (iy == infra_y.end()) continue;
      std::vector<std::string> ids;
      for (const auto& id : c.evidence)
        if (auto it = v.evidence_index.find(id); it != v.evidence_index.end() && v.evidence[it->second].about == i)
          ids.push_back(id);
      s += edge(col_x[1] + 70, iy->second, col_x[2] - 50, cluster_y[c.id], label_ids(ids), "e-infra");
    }
  }
  for (const auto& a : v.attributions)
    for (const auto& h : a.hypotheses)
      if (cluster_y.count(a.cluster))
        s += edge(col_x[2] + 50, cluster_y[a.cluster], col_x[3] - 70, group_y[h.actor], "p=" + FormatPosterior(h.posterior),
                  "e-group");
  auto node = [&](double x, double y, const std::string& text, const char* cls) {
    std::string t = text.size() > 26 ? text.substr(0, 25) + "…" : text;
    return "<g class=\"node " + std::string(cls) + "\"><rect x=\"" + Num(x - 68) + "\" y=\"" + Num(y - 10) +
           "\" width=\"136\" height=\"20\" rx=\"4\"/><text x=\"" + Num(x) + "\" y=\"" + Num(y + 4) + "\">" +
           HtmlEscape(t) + "<title>" + HtmlEscape(text) + "</title></text></g>\n";
  };
  for (const auto& [name, y] : site_y) s += node(col_x[0], y, name, "n-site");
  for (const auto& [name, y] : infra_y) s += node(col_x[1], y, name, "n-infra");
  for (const auto& [name, y] : cluster_y) s += node(col_x[2], y, name, "n-cluster");
  for (const auto& [name, y] : group_y) s += node(col_x[3], y, name, "n-group");
  s += "</svg>\n";
  return s;
}

}  // namespace onus::report::detail
