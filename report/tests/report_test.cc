#include "onus/report/report.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "onus/core/file.h"

namespace onus::report {
namespace {

using nlohmann::json;

json Sample() {
  auto text = ReadFile(std::string(ONUS_SOURCE_DIR) + "/report/tests/data/assessment_sample.json");
  EXPECT_TRUE(text.ok());
  return json::parse(*text);
}

size_t Count(const std::string& s, const std::string& needle) {
  size_t n = 0;
  for (size_t p = s.find(needle); p != std::string::npos; p = s.find(needle, p + 1)) ++n;
  return n;
}

TEST(UuidV5, MatchesRfc4122Vector) {
  // uuid.uuid5(uuid.NAMESPACE_DNS, "python.org")
  EXPECT_EQ(UuidV5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "python.org"), "886313e1-3b8a-5372-9b90-0c9aee199e5d");
}

TEST(Html, HasEverySectionAndEscapes) {
  ReportInputs in;
  in.assessment = Sample();
  auto html = RenderHtml(in, {});
  ASSERT_TRUE(html.ok()) << html.status().ToString();
  for (const char* id : {"id=\"summary\"", "id=\"timeline\"", "id=\"evidence-graph\"", "id=\"hypotheses\"",
                         "id=\"claims\"", "id=\"evidence-table\"", "id=\"ev-4\""})
    EXPECT_NE(html->find(id), std::string::npos) << id;
  EXPECT_EQ(Count(*html, "class=\"site-row\""), 2u);  // CTRL-1, PORT-1
  EXPECT_EQ(html->find("<b>agree</b>"), std::string::npos);  // statement text is escaped
  EXPECT_NE(html->find("&lt;b&gt;agree&lt;/b&gt;"), std::string::npos);
  EXPECT_EQ(html->find("src=\"http"), std::string::npos);  // no external scripts, images or styles
  EXPECT_EQ(html->find("href=\"http"), std::string::npos);
  EXPECT_EQ(html->find("<link"), std::string::npos);  // self-contained: nothing fetched
  EXPECT_NE(html->find("margin &lt; 0.3"), std::string::npos);  // the abstention rule that fired
  EXPECT_NE(html->find("capture.pcap packet 17"), std::string::npos);
  EXPECT_NE(html->find("conn.log.gz line 1042"), std::string::npos);
  EXPECT_NE(html->find("aaaa000000000000000000000000000000000000000000000000000000000001"), std::string::npos);
}

TEST(Html, ContextSitesGiveRowsEvenWithoutEvidenceAndEventsAreBands) {
  ReportInputs in;
  in.assessment = Sample();
  auto ctx = CaseContext::Parse(R"({"sites": [{"id": "CTRL-1"}, {"id": "PORT-1"}, {"id": "QUIET-3"}],
    "events": [{"id": "outage-1", "kind": "power-outage", "site": "CTRL-1", "from": "2021-03-05T04:28:00Z",
                "to": "2021-03-05T16:00:00Z"}]})",
                                "ctx.json");
  ASSERT_TRUE(ctx.ok());
  in.context = &*ctx;
  auto html = RenderHtml(in, {});
  ASSERT_TRUE(html.ok());
  EXPECT_EQ(Count(*html, "class=\"site-row\""), 3u);
  EXPECT_EQ(Count(*html, "class=\"event-band\""), 1u);
}

TEST(Html, RejectsMalformedAssessment) {
  ReportInputs in;
  in.assessment = json::array();
  EXPECT_FALSE(RenderHtml(in, {}).ok());
  in.assessment = json::parse(R"({"evidence": [{"type": "x"}]})");
  auto r = RenderHtml(in, {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("evidence[0]"), std::string::npos);
}

TEST(Markdown, TablesForEverySection) {
  ReportInputs in;
  in.assessment = Sample();
  in.claims = json::parse(R"({"claims": [{"id": "CL-1", "source": {"name": "Vendor | A", "date": "2021-03-10"},
    "text": "hosts talked to C2", "propositions": [{"kind": "intrusion", "site": "CTRL-1"},
    {"kind": "causation", "site": "CTRL-1", "event": "outage-1", "negated": true}]}]})");
  auto md = RenderMarkdown(in, {});
  ASSERT_TRUE(md.ok());
  for (const char* h : {"## Summary judgments", "## Timeline per site", "## Competing hypotheses", "## Claims checked",
                        "## Evidence appendix", "| GroupA | 0.62 |", "Vendor \\| A", "not causation"})
    EXPECT_NE(md->find(h), std::string::npos) << h;
}

TEST(Stix, ValidDeterministicAndHonest) {
  ReportInputs in;
  in.assessment = Sample();
  StixInputs st;
  st.indicators.push_back({"indicator--a0f6cbaa-7b0e-4c47-9d6a-2a0e8a3f8d11", "[ipv4-addr:value = '198.51.100.77']",
                           "stix", "C2", "2021-01-01T00:00:00Z", "", 80});
  st.sightings.push_back({"indicator--a0f6cbaa-7b0e-4c47-9d6a-2a0e8a3f8d11", "CTRL-1", "198.51.100.77", "ipv4-addr",
                          "2021-03-01T10:00:00.000000Z", "2021-03-06T22:00:00.000000Z", 37});
  ReportOptions opt;
  opt.organisation = "Grid CERT";
  opt.tlp = "green";
  auto a = RenderStixBundle(in, st, opt);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  auto b = RenderStixBundle(in, st, opt);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*a, *b);
  json bundle = json::parse(*a);
  EXPECT_TRUE(ValidateStixBundle(bundle).empty());
  std::map<std::string, int> types;
  bool attributed = false;
  std::string opinion_cl2;
  for (const auto& o : bundle["objects"]) {
    ++types[o["type"].get<std::string>()];
    if (o["type"] == "relationship" && o["relationship_type"] == "attributed-to") attributed = true;
    if (o["type"] == "opinion" && o["explanation"].get<std::string>().find("CL-2") != std::string::npos)
      opinion_cl2 = o["opinion"];
    if (o.contains("object_marking_refs")) {
      EXPECT_EQ(o["object_marking_refs"][0], "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da");
    }
  }
  EXPECT_FALSE(attributed);  // actor not supported → no attributed-to
  EXPECT_EQ(opinion_cl2, "strongly-disagree");
  EXPECT_EQ(types["sighting"], 1);
  EXPECT_EQ(types["observed-data"], 1);
  EXPECT_EQ(types["ipv4-addr"], 1);
  EXPECT_EQ(types["campaign"], 1);
  EXPECT_EQ(types["opinion"], 2);
  EXPECT_EQ(types["report"], 3);  // two claims + the case report
  // The SCO id follows STIX 2.1 section 2.9 (UUIDv5 of the canonical contributing properties).
  for (const auto& o : bundle["objects"]) {
    if (o["type"] == "ipv4-addr") {
      EXPECT_EQ(o["id"], "ipv4-addr--" + UuidV5("00abedb4-aa42-466c-9c01-fed23315a9b7", "{\"value\":\"198.51.100.77\"}"));
    }
  }
}

TEST(Stix, AttributedToOnlyWhenActorSupported) {
  ReportInputs in;
  in.assessment = Sample();
  in.assessment["attributions"][0]["actor"]["verdict"] = "supported";
  auto a = RenderStixBundle(in, {}, {});
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  json bundle = json::parse(*a);
  int rels = 0;
  for (const auto& o : bundle["objects"])
    if (o["type"] == "relationship" && o["relationship_type"] == "attributed-to") ++rels;
  EXPECT_EQ(rels, 1);
}

TEST(StixValidate, FindsProblems) {
  json b = json::parse(R"({"type": "bundle", "id": "bundle--6ba7b810-9dad-11d1-80b4-00c04fd430c8", "objects": [
    {"type": "indicator", "spec_version": "2.1", "id": "indicator--6ba7b810-9dad-11d1-80b4-00c04fd430c8",
     "created": "2021-01-01T00:00:00.000Z", "modified": "2020-01-01T00:00:00.000Z", "pattern": "[x:y = 1]"},
    {"type": "sighting", "spec_version": "2.1", "id": "sighting--nonsense", "created": "yesterday",
     "modified": "2021-01-01T00:00:00Z", "sighting_of_ref": "indicator--0000"},
    {"type": "opinion", "spec_version": "2.1", "id": "opinion--6ba7b810-9dad-11d1-80b4-00c04fd430c9",
     "created": "2021-01-01T00:00:00Z", "modified": "2021-01-01T00:00:00Z", "opinion": "maybe",
     "object_refs": ["report--6ba7b810-9dad-11d1-80b4-00c04fd430c8"]}]})");
  auto p = ValidateStixBundle(b);
  std::string all;
  for (const auto& x : p) all += x + "\n";
  for (const char* want : {"pattern_type", "valid_from", "modified before created", "sighting--nonsense",
                           "'created' must be", "not an identifier", "opinion value", "does not resolve"})
    EXPECT_NE(all.find(want), std::string::npos) << want << "\n" << all;
  EXPECT_EQ(ValidateStixBundle(json::parse("[]")).size(), 1u);
}

TEST(Report, TenThousandEvidenceItemsStayUnderTenMegabytes) {
  json a = Sample();
  json& ev = a["evidence"];
  json tmpl = ev[0];
  for (int i = 0; i < 10000; ++i) {
    json e = tmpl;
    e["id"] = "ev-x" + std::to_string(i);
    e["about"] = "198.51.100." + std::to_string(i % 250);
    json prov = json::array();  // realistic: several records from long paths
    for (int k = 0; k < 8; ++k)
      prov.push_back({{"path", "/var/lib/onus/cases/2021-06/zeek/PORT-HQ/conn." + std::to_string(k % 2) + ".log.gz"},
                      {"sha256", std::string(64, static_cast<char>('a' + k % 2))},
                      {"line", 1000 + i * 10 + k}});
    e["provenance"] = prov;
    ev.push_back(e);
  }
  ReportInputs in;
  in.assessment = a;
  auto html = RenderHtml(in, {});
  ASSERT_TRUE(html.ok());
  EXPECT_LT(html->size(), 10u * 1000 * 1000);
  auto md = RenderMarkdown(in, {});
  ASSERT_TRUE(md.ok());
  EXPECT_LT(md->size(), 10u * 1000 * 1000);
}

}  // namespace
}  // namespace onus::report
